from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The labour bureau's workplace: dashboards, statistics, exports and demo data."""

    name = "console"
    verbose_name = _("Console")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from console.history import history_register
        from console.roles import roles_sync

        history_register()
        # After each app migrates (console has no models, so no signal of its own), groups match console.roles.
        post_migrate.connect(roles_sync, dispatch_uid="console.roles_sync")
