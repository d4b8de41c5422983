"""The staff home: what needs a decision today in the staff member's region.

Each item is a console list with a filter applied. Its count comes from that
list's own model admin (the region-scoped queryset, the same filters), so the
number on the home page is the number of rows the link opens, for every
staff member, and an item the staff member may not view is left out.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.admin import CappedPaginator, console_user
from dispatch.models import Trip
from jobs.models import Employer, JobPosting
from matching.models import Offer
from rights.models import Case
from rights.selectors import silent_placement_offers
from workers.models import UnemploymentRegistration, Worker

Params = Callable[[date], dict[str, str]]


@dataclass(frozen=True)
class Item:
    """One kind of decision: a model's console list and the filter that selects what waits."""

    key: str
    label: str | Promise
    model: type[Model]
    params: Params


@dataclass(frozen=True)
class Decision:
    key: str
    label: str | Promise
    count: int
    url: str

    @property
    def more(self) -> bool:
        """Counting stopped at the cap: the card says "more than" instead of a number."""
        return self.count > CappedPaginator.CAP


def _fixed(**params: str) -> Params:
    return lambda today: params


def _tomorrow(today: date) -> dict[str, str]:
    tomorrow = today + timedelta(days=1)
    return {
        "travel_day__gte": tomorrow.isoformat(),
        "travel_day__lt": (tomorrow + timedelta(days=1)).isoformat(),
        "status__exact": Trip.Status.PLANNED,
    }


ITEMS: tuple[Item, ...] = (
    Item("employers", _("Employers to verify"), Employer, _fixed(verification__exact=Employer.Verification.PENDING)),
    Item("postings", _("Postings to approve"), JobPosting, _fixed(status__exact=JobPosting.Status.SUBMITTED)),
    Item(
        "poor_labourers",
        _("Poor-labourer declarations to verify"),
        Worker,
        _fixed(poor_labourer__exact=Worker.PoorLabourer.DECLARED),
    ),
    Item(
        "unemployment",
        _("Unemployment registrations to decide"),
        UnemploymentRegistration,
        _fixed(status__exact=UnemploymentRegistration.Status.SUBMITTED),
    ),
    Item(
        "offers", _("Offers expiring within two days"), Offer, _fixed(status__exact=Offer.Status.PROPOSED, expires="2d")
    ),
    Item("trips", _("Trips departing tomorrow"), Trip, _tomorrow),
    Item("terms", _("Trips with workers who say the terms differ"), Trip, _fixed(terms="differ")),
    Item("cases", _("Cases past their deadline"), Case, _fixed(overdue="yes")),
    Item(
        "blocked",
        _("Blocked employers with offers still running"),
        Employer,
        _fixed(standing__exact=Employer.Standing.BLOCKED, live_offers="yes"),
    ),
)


def _count(model_admin: admin.ModelAdmin, request: HttpRequest, params: dict[str, str]) -> int:
    """Rows the model admin's list shows for these filters, counted by the list itself."""
    listing = copy.copy(request)
    listing.GET = QueryDict(urlencode(params))
    # A copy, so the unfiltered total (a second count the home page does not show) is skipped for this list only.
    counter = copy.copy(model_admin)
    vars(counter)["show_full_result_count"] = False  # an instance attribute, shadowing the class's setting
    return counter.get_changelist_instance(listing).result_count


def decisions_today(request: HttpRequest, *, today: date | None = None) -> list[Decision]:
    """What waits for the staff member, one entry per list they may view, counted inside their region."""
    today = today or timezone.localdate()
    decisions = []
    for item in ITEMS:
        model_admin: Any = admin.site.get_model_admin(item.model)
        if not model_admin.has_view_or_change_permission(request):
            continue
        params = item.params(today)
        opts = item.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?" + urlencode(params)
        decisions.append(Decision(item.key, item.label, _count(model_admin, request, params), url))
    return decisions


def silent_count(request: HttpRequest) -> Decision | None:
    """Placed workers who have not answered the wage question for two months, if the staff member handles cases."""
    if not admin.site.get_model_admin(Case).has_view_or_change_permission(request):
        return None
    silent = silent_placement_offers(console_user(request))
    count = silent.order_by()[: CappedPaginator.CAP + 1].count()
    return Decision(
        "silent", _("Placed workers silent for two months"), count, reverse("admin:rights_case_silent_placements")
    )
