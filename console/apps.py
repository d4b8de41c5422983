from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The labour bureau's workplace: dashboards, statistics, exports and demo data."""

    name = "console"
    verbose_name = _("Console")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from console.history import history_register
        from console.roles import roles_on_migrate

        history_register()
        # After every migrate the groups match console.roles.
        post_migrate.connect(roles_on_migrate, dispatch_uid="console.roles_sync")
