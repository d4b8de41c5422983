from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, one-time SMS codes and assisted access."""

    name = "accounts"
    verbose_name = _("Accounts")
