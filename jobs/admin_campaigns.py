"""Console pages for recruitment campaigns."""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jobs.models import Campaign, JobPosting

_PUBLISHED = Q(postings__status=JobPosting.Status.PUBLISHED)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "starts_on", "ends_on", "organiser", "posting_count", "published_count"]
    list_filter = ["kind", "starts_on"]
    search_fields = ["name", "organiser", "venue"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["regions"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        # Counted in the list's own query: no query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(posting_total=Count("postings"), published_total=Count("postings", filter=_PUBLISHED))
        )

    @admin.display(description=_("postings"), ordering="posting_total")
    def posting_count(self, obj: Campaign) -> int:
        return obj.posting_total  # type: ignore[attr-defined]

    @admin.display(description=_("published postings"), ordering="published_total")
    def published_count(self, obj: Campaign) -> int:
        return obj.published_total  # type: ignore[attr-defined]
