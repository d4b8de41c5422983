"""Console pages for recruitment campaigns.

A regional clerk sees a campaign when one of its regions lies within their
own, and changes or deletes it only when all of them do; the regions they
may pick are those of their own region. A campaign with no regions is
service-wide: nationwide staff only.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Count, ManyToManyField, Q, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin import NotFoundOutsideScope, console_user
from accounts.selectors import region_prefix
from jobs.models import Campaign, JobPosting
from reference.models import Region

_PUBLISHED = Q(postings__status=JobPosting.Status.PUBLISHED)


def _prefix(request: HttpRequest) -> str | None:
    return region_prefix(console_user(request))


def campaigns_visible_to(prefix: str | None) -> QuerySet[Campaign]:
    """Campaigns with a region inside the prefix ("" for all, None for none)."""
    campaigns = Campaign.objects.all()
    if prefix is None:
        return campaigns.none()
    if not prefix:
        return campaigns
    # A subquery, not a join: a join would repeat campaigns and inflate the posting counts.
    inside = Campaign.regions.through.objects.filter(region__code__startswith=prefix).values("campaign_id")
    return campaigns.filter(pk__in=inside)


@admin.register(Campaign)
class CampaignAdmin(NotFoundOutsideScope, admin.ModelAdmin):
    list_display = ["name", "kind", "starts_on", "ends_on", "organiser", "posting_count", "published_count"]
    list_filter = ["kind", "starts_on"]
    search_fields = ["name", "organiser", "venue"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["regions"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        # Counted in the list's own query: no query per row.
        return (
            campaigns_visible_to(_prefix(request))
            .annotate(posting_total=Count("postings"), published_total=Count("postings", filter=_PUBLISHED))
            .order_by(*self.ordering)
        )

    def _all_regions_inside(self, request: HttpRequest, obj: Campaign | None) -> bool:
        prefix = _prefix(request)
        if prefix is None:
            return False
        if obj is None or not prefix:
            return True
        codes = [region.code for region in obj.regions.all()]
        return bool(codes) and all(code.startswith(prefix) for code in codes)

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._all_regions_inside(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._all_regions_inside(request, obj)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        prefix = _prefix(request)
        if db_field.name == "regions" and prefix:
            # A regional clerk's campaign covers regions of their own, at least one, so it stays theirs.
            kwargs["queryset"] = Region.objects.filter(code__startswith=prefix)
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            if field is not None:
                field.required = True
                field.help_text = _("Regions within your own; at least one.")
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("postings"), ordering="posting_total")
    def posting_count(self, obj: Campaign) -> int:
        return obj.posting_total  # type: ignore[attr-defined]

    @admin.display(description=_("published postings"), ordering="published_total")
    def published_count(self, obj: Campaign) -> int:
        return obj.published_total  # type: ignore[attr-defined]
