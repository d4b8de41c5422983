from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The labour bureau's workplace: dashboards, statistics, exports and demo data."""

    name = "console"
    verbose_name = _("Console")
