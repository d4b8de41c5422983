"""Console roles: the permission groups a bureau gives its staff.

The groups are kept in step with this module after every migrate, so a new
deployment has them and a later release can widen them; an administrator
adds people to a group and sets each person's region on their account. What
a clerk may do is the group; where is the region (see each admin's queryset).
"""

from django.apps import AppConfig, apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

# app label → model → actions. "view" reads, "change" unlocks decisions (verify, approve, move a case),
# "add" creates and imports. Nothing is deleted from the console by a clerk.
CLERK: dict[str, dict[str, tuple[str, ...]]] = {
    "reference": {"region": ("view",), "occupation": ("view",), "minimumwage": ("view",), "minimumwagetier": ("view",)},
    "accounts": {"user": ("view",), "assistancegrant": ("view",), "assistedaction": ("view",)},
    "workers": {
        "worker": ("view", "change", "add"),
        "cohort": ("view",),
        "unemploymentregistration": ("view", "change"),
    },
    "jobs": {
        "employer": ("view", "change"),
        "jobposting": ("view", "change", "add"),
        "campaign": ("view", "change", "add"),
    },
    "training": {"provider": ("view", "change"), "course": ("view", "change"), "enrollment": ("view",)},
    "matching": {"matchrun": ("view", "run_matching"), "offer": ("view",)},
    "dispatch": {"vehicletype": ("view",), "pickuppoint": ("view", "change", "add"), "trip": ("view", "change")},
    "rights": {"case": ("view", "change"), "wagecheckin": ("view",)},
}

CLERK_GROUP = "Bureau clerk"
ROLES = {CLERK_GROUP: CLERK}


def _codename(action: str, model: str) -> str:
    return action if "_" in action else f"{action}_{model}"


def _migrated_last(app_config: AppConfig) -> bool:
    """Whether the app is the last one migrate signals (apps without models get no signal), so every permission
    exists by then."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    return app_config is with_models[-1]


def roles_on_migrate(*, app_config: AppConfig, **kwargs: object) -> None:
    """post_migrate receiver: sync the groups once per migrate, after the last app."""
    if _migrated_last(app_config):
        roles_sync()


def roles_sync() -> None:
    """Give each console group exactly the permissions this module lists (idempotent)."""
    for name, grants in ROLES.items():
        wanted = Q(pk__in=[])
        for app_label, models in grants.items():
            for model, actions in models.items():
                codenames = [_codename(action, model) for action in actions]
                wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(wanted))
