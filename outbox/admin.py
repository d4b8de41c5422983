from django.contrib import admin

from outbox.models import Consumption, OutboxEvent


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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
