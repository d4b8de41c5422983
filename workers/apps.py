from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    """Worker profiles, skills, preferences and registrations."""

    name = "workers"
    verbose_name = _("Workers")
