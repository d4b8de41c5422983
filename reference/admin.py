from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from reference.models import MinimumWage, MinimumWageTier, Occupation, Region


class ReadOnlyUnlessSuperuserMixin:
    """Reference rows come from the files in reference/data/: the loader would undo a hand edit.

    Superusers may still correct a row in an emergency; everyone else reads.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser


class CurrentFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [("current", _("In force")), ("abolished", _("Abolished"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Region]) -> QuerySet[Region]:
        if self.value() == "current":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "abolished":
            return queryset.filter(valid_to__isnull=False)
        return queryset


@admin.register(Region)
class RegionAdmin(ReadOnlyUnlessSuperuserMixin, admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_pinyin", "level", "parent", "is_current_display", "successor"]
    list_filter = ["level", CurrentFilter]
    list_select_related = ["parent", "successor"]
    search_fields = ["code", "name_zh", "name_pinyin"]
    autocomplete_fields = ["parent", "successor"]
    ordering = ["code"]

    @admin.display(description=_("in force"), boolean=True, ordering="valid_to")
    def is_current_display(self, obj: Region) -> bool:
        return obj.is_current


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyUnlessSuperuserMixin, admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "group_zh", "group_en", "isco08", "cocc2022"]
    list_filter = ["group_code"]
    search_fields = ["code", "name_zh", "name_en", "isco08", "cocc2022"]


@admin.register(MinimumWage)
class MinimumWageAdmin(ReadOnlyUnlessSuperuserMixin, admin.ModelAdmin):
    list_display = ["province", "tier", "monthly_yuan", "effective_from", "source"]
    list_filter = ["tier"]
    list_select_related = ["province"]
    search_fields = ["province__code", "province__name_zh", "province__name_pinyin"]
    autocomplete_fields = ["province"]
    date_hierarchy = "effective_from"


@admin.register(MinimumWageTier)
class MinimumWageTierAdmin(ReadOnlyUnlessSuperuserMixin, admin.ModelAdmin):
    list_display = ["region", "tier"]
    list_filter = ["tier"]
    list_select_related = ["region"]
    search_fields = ["region__code", "region__name_zh", "region__name_pinyin"]
    autocomplete_fields = ["region"]
