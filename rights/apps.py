from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """Wage check-ins, wage claims and labour disputes, and the employer standing they feed."""

    name = "rights"
    verbose_name = _("Rights protection")
