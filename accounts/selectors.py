"""Reads for accounts."""

from django.db.models import Q, QuerySet

from accounts import pii
from accounts.models import AssistanceGrant, User
from reference.codes import scope_prefix


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


def region_prefix(user: User) -> str | None:
    """The region code prefix a staff member sees and acts in: "" for everywhere, None for nowhere."""
    if user.is_superuser or user.nationwide:
        return ""
    if user.home_region_id is None:
        return None
    return scope_prefix(user.home_region_id)


def staff_covering(*codes: str) -> QuerySet[User]:
    """Active bureau staff whose region holds any of the given counties: the county, its prefecture, its
    province, or nationwide."""
    homes = {home for code in codes if code for home in (code, f"{code[:4]}00", f"{code[:2]}0000")}
    return User.objects.filter(role=User.Role.STAFF, is_active=True).filter(
        Q(nationwide=True) | Q(home_region_id__in=homes)
    )
