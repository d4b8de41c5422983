from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Background matching of workers to postings, and the offers it makes."""

    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from matching import handlers  # noqa: F401  (registers outbox handlers)
