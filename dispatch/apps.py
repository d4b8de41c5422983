from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    """Trips that take workers from their home counties to the factory gate."""

    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from dispatch import handlers  # noqa: F401  (registers outbox handlers)
