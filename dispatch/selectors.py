"""Reads for dispatch: which trips a staff member may see and act on."""

from django.db.models import Q, QuerySet

from accounts.models import User
from dispatch.models import Trip
from reference.codes import scope_prefix


def trips_visible_to(user: User) -> QuerySet[Trip]:
    """Trips to a site in the staff member's region or picking up there (all when nationwide)."""
    trips = Trip.objects.all()
    if user.is_superuser or user.nationwide:
        return trips
    if not user.home_region_id:
        return trips.none()
    prefix = scope_prefix(user.home_region_id)
    return trips.filter(
        Q(site__county__code__startswith=prefix) | Q(pk__in=Trip.objects.filter(stops__county__code__startswith=prefix))
    )
