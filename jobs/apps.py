from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Employers, job postings and campaigns."""

    name = "jobs"
    verbose_name = _("Jobs")
