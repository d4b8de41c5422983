from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Transactional outbox: events written with business data, published to Celery after commit."""

    name = "outbox"
    verbose_name = _("Outbox")
