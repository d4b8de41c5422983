from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """Regions (GB/T 2260), occupations and minimum wages."""

    name = "reference"
    verbose_name = _("Reference data")
