"""Reads for accounts."""

from accounts import pii
from accounts.models import AssistanceGrant, User


def user_get_by_phone(*, phone: str) -> User | None:
    """The user with this (normalised) phone, found by keyed hash; None if nobody has it."""
    return User.objects.filter(phone_hash=pii.keyed_hash(phone, purpose="phone")).first()


def assistance_get_active(*, grant_id: object, actor: User) -> AssistanceGrant | None:
    """The grant with this id if actor holds it, may still assist, and it has not ended."""
    if not actor.is_active or not (actor.is_superuser or actor.role in (User.Role.AGENT, User.Role.STAFF)):
        return None
    try:
        pk = int(str(grant_id))
    except ValueError:
        return None
    return (
        AssistanceGrant.objects.select_related("worker", "actor")
        .filter(pk=pk, actor=actor, ended_at__isnull=True)
        .first()
    )
