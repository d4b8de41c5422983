"""Console pages for dispatch: vehicle types and pickup points staff keep, and the planned trips (read-only)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin import NotFoundOutsideScope, ReadOnlyAdmin, ReadOnlyInline, console_user
from accounts.pii import mask_name
from dispatch.models import Passenger, PickupPoint, Stop, Trip, VehicleType
from dispatch.selectors import trips_visible_to
from reference.codes import scope_prefix


@admin.register(VehicleType)
class VehicleTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "seats", "cost_per_km", "speed_kmh", "active")
    list_filter = ("active",)
    ordering = ("seats", "name")


@admin.register(PickupPoint)
class PickupPointAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    list_display = ("name", "county", "lat", "lng")
    list_select_related = ("county",)
    search_fields = ("name",)
    raw_id_fields = ("county",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PickupPoint]:
        """Staff keep the pickup points of their own region (all of them when nationwide)."""
        user = console_user(request)
        points = super().get_queryset(request).select_related("county")
        if user.is_superuser or user.nationwide:
            return points
        if not user.home_region_id:
            return points.none()
        return points.filter(county__code__startswith=scope_prefix(user.home_region_id))


class StopInline(ReadOnlyInline):
    model = Stop
    fields = ("order", "county", "place", "pickup_at")
    readonly_fields = fields


class PassengerInline(ReadOnlyInline):
    model = Passenger
    fields = ("seat", "stop", "worker_display", "boarded_at", "arrived_at", "terms_differ")
    readonly_fields = fields

    @admin.display(description=_("worker"))
    def worker_display(self, obj: Passenger) -> str:
        return mask_name(obj.offer.worker.real_name)


@admin.register(Trip)
class TripAdmin(NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = ("__str__", "travel_day", "status", "vehicle_type", "km", "departure_at", "arrival_at")
    list_filter = ("status", "travel_day")
    list_select_related = ("site", "vehicle_type")
    date_hierarchy = "travel_day"
    fields = ("site", "travel_day", "vehicle_type", "status", "departure_at", "arrival_at", "km", "cancelled_reason")
    readonly_fields = fields
    inlines = (StopInline, PassengerInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Trip]:
        return trips_visible_to(console_user(request))
