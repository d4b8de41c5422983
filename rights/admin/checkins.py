"""Console pages for wage check-ins: the answers of placed workers of the staff member's region, read-only."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.admin import NotFoundOutsideScope, ReadOnlyAdmin, console_user
from rights.models import WageCheckin
from rights.selectors import checkins_visible_to


@admin.register(WageCheckin)
class WageCheckinAdmin(NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = (
        "month_display",
        "worker_display",
        "employer_display",
        "site_display",
        "answer",
        "amount_paid",
        "expected",
        "shortfall_display",
        "answered_at",
    )
    list_filter = ("answer",)
    date_hierarchy = "month"
    list_select_related = ("offer__worker", "offer__posting__employer", "offer__posting__site__county")
    search_fields = ("offer__posting__employer__name",)
    search_help_text = _("An employer's name.")
    fields = list_display
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[WageCheckin]:
        """Answers of workers from the staff member's region, or working at a site there."""
        return checkins_visible_to(console_user(request)).select_related(
            "offer__worker", "offer__posting__employer", "offer__posting__site__county"
        )

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj: WageCheckin) -> str:
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("worker"))
    def worker_display(self, obj: WageCheckin) -> str:
        return pii.mask_name(obj.offer.worker.real_name)

    @admin.display(description=_("employer"), ordering="offer__posting__employer__name")
    def employer_display(self, obj: WageCheckin) -> str:
        return obj.offer.posting.employer.name

    @admin.display(description=_("site"))
    def site_display(self, obj: WageCheckin) -> str:
        site = obj.offer.posting.site
        return f"{site.name} · {site.county.name}"

    @admin.display(description=_("shortfall (yuan)"))
    def shortfall_display(self, obj: WageCheckin) -> str:
        return f"{obj.shortfall:.2f}"
