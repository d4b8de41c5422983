"""Console pages for the vehicle types and pickup points staff keep."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import NotFoundOutsideScope, console_user
from dispatch.models import PickupPoint, VehicleType
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
