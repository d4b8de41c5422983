"""Deploy checks of Chunfeng's own settings (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

_SECRETS = {
    "SECRET_KEY": "SECRET_KEY_FROM_ENV",
    "FIELD_ENCRYPTION_KEYS": "FIELD_ENCRYPTION_KEYS_FROM_ENV",
    "PII_HASH_KEY": "PII_HASH_KEY_FROM_ENV",
}


@register(Tags.security, deploy=True)
def secrets_come_from_the_environment(app_configs, **kwargs):
    """Secrets generated into var/ are for the demo; production must set its own."""
    return [
        Warning(
            f"{name} is not set in the environment; a generated demo value from var/ is in use.",
            hint=f"Set {name} (see the README's configuration table) and keep it in your secret store.",
            id="chunfeng.W001",
        )
        for name, flag in _SECRETS.items()
        if not getattr(settings, flag)
    ]
