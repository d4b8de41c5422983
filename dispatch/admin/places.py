"""Console pages for the vehicle types and pickup points staff keep."""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from accounts.admin import NotFoundOutsideScope, console_user
from accounts.selectors import region_prefix
from dispatch.models import PickupPoint, VehicleType
from reference.models import Region


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
        points = super().get_queryset(request).select_related("county")
        prefix = region_prefix(console_user(request))
        if prefix is None:
            return points.none()
        return points.filter(county__code__startswith=prefix) if prefix else points

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        prefix = region_prefix(console_user(request))
        if db_field.name == "county" and prefix:
            # A point is kept in the clerk's region: it may not be moved, or added, outside it.
            kwargs["queryset"] = Region.objects.filter(code__startswith=prefix)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
