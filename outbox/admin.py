from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from outbox.models import Consumption, OutboxEvent


def _sees_everything(request: HttpRequest) -> bool:
    # Events carry ids and payloads of every region: superusers and nationwide staff only.
    user = request.user
    return bool(user.is_superuser or getattr(user, "nationwide", False))


class ConsumptionInline(admin.TabularInline):
    model = Consumption
    extra = 0
    can_delete = False
    readonly_fields = ["handler", "consumed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "created_at", "published_at", "attempts"]
    list_filter = ["topic", ("published_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
    inlines = [ConsumptionInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _sees_everything(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request) and super().has_delete_permission(request, obj)
