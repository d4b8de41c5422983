"""Dashboard snapshots: a dashboard view's figures counted ahead of time and kept in the cache.

Counting every figure over a million workers takes seconds. The page reads a
snapshot instead: the periodic task `console.tasks.refresh_dashboards` counts
again, every DASHBOARD_REFRESH_MINUTES, the view each staff member who used the
console lately opens first (this year, their own region, their language), and
any other view leaves its snapshot behind for as long. The page says when its
figures were counted and offers to count them again at once.

A snapshot holds the figures with their labels in one language, so the
language is part of its key.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.models import User
from accounts.selectors import region_prefix
from config.periods import this_year
from console.statistics import Dashboard, dashboard

# The staff whose first view is kept counted: those who used the console within this many days.
ACTIVE_DAYS = 14


@dataclass(frozen=True)
class Snapshot:
    figures: Dashboard
    counted_at: datetime


def _key(start: date, end: date, region_code: str | None) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"console:dashboard:1:{language}:{start:%Y%m%d}:{end:%Y%m%d}:{region_code or 'all'}"


def _lifetime() -> int:
    # Kept a little longer than the refresh interval, so a view the task keeps is never missing in between.
    return settings.DASHBOARD_REFRESH_MINUTES * 60 * 3 // 2


def dashboard_snapshot(*, start: date, end: date, region_code: str | None, recount: bool = False) -> Snapshot:
    """The view's figures as last counted, or counted now (and kept) when there is no snapshot or `recount`."""
    key = _key(start, end, region_code)
    if not recount:
        kept = cache.get(key)
        if isinstance(kept, Snapshot):
            return kept
    snapshot = Snapshot(dashboard(start=start, end=end, region_code=region_code), timezone.now())
    cache.set(key, snapshot, _lifetime())
    return snapshot


def first_views(*, now: datetime | None = None) -> list[tuple[str | None, str]]:
    """(region code or None for the whole country, language) of each first view to keep counted."""
    since = (now or timezone.now()) - timedelta(days=ACTIVE_DAYS)
    staff = User.objects.filter(is_staff=True, is_active=True, last_login__gte=since).only(
        "home_region_id", "nationwide", "is_superuser", "preferred_language"
    )
    languages = {code for code, _name in settings.LANGUAGES}
    views = set()
    for user in staff:
        prefix = region_prefix(user)
        if prefix is None:
            continue
        language = user.preferred_language if user.preferred_language in languages else settings.LANGUAGE_CODE
        views.add((user.home_region_id if prefix else None, language))
    return sorted(views, key=lambda view: (view[0] or "", view[1]))


def dashboard_refresh(*, region_code: str | None, language: str) -> Snapshot:
    """Count this year's figures of the region again, in the language, and keep them."""
    with translation.override(language):
        return dashboard_snapshot(**this_year(), region_code=region_code, recount=True)
