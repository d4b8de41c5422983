"""An employer's candidates for a posting, and the two things the employer records: confirm, arrival.

The company is the request's (jobs.views.common); another employer's posting
or offer is a 404. A candidate is shown by masked name, home county, age and
the matcher's reasons: never a phone or ID number.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.pii import mask_name
from jobs.models import EmployerMember
from jobs.views.common import membership_for, posting_for
from matching.forms import ArrivalForm
from matching.models import Offer
from matching.reasons import offer_posting_lines
from matching.services.offers import OfferError, offer_arrival, offer_confirm

Status = Offer.Status

# Ended offers shown under a posting, newest first; the page stays light on a phone.
ENDED_SHOWN = 50

_SECTIONS: list[tuple[str, Promise, tuple[str, ...]]] = [
    ("proposed", gettext_lazy("Waiting for the worker"), (Status.PROPOSED,)),
    ("accepted", gettext_lazy("Accepted: confirm them"), (Status.ACCEPTED,)),
    ("confirmed", gettext_lazy("Confirmed: expected on the start date"), (Status.CONFIRMED,)),
    ("placed", gettext_lazy("Arrived and working"), (Status.PLACED,)),
    ("ended", gettext_lazy("Ended"), (Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN, Status.NO_SHOW)),
]


@dataclass(frozen=True)
class Candidate:
    offer: Offer
    name: str
    county: str
    age: int | None
    reasons: list[str]


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    candidates: list[Candidate]


def _candidate(offer: Offer, today: date) -> Candidate:
    worker = offer.worker
    return Candidate(
        offer=offer,
        name=mask_name(worker.real_name),
        county=worker.hukou_county.name if worker.hukou_county else "",
        age=worker.age_on(today),
        reasons=offer_posting_lines(offer),
    )


@login_required
@never_cache
@require_GET
def candidates(request: HttpRequest, posting_id: int) -> HttpResponse:
    member, posting = posting_for(request, posting_id)
    offers = posting.offers.select_related("worker__hukou_county", "posting__occupation").order_by("-created_at", "-id")
    today = timezone.localdate()
    sections = []
    for key, title, statuses in _SECTIONS:
        rows = offers.filter(status__in=statuses)
        if key == "ended":
            rows = rows[:ENDED_SHOWN]
        sections.append(Section(key=key, title=title, candidates=[_candidate(offer, today) for offer in rows]))
    context = {
        "employer": member.employer,
        "posting": posting,
        "sections": sections,
        "has_offers": any(section.candidates for section in sections),
        "seats": posting.seats.count(),
        "live": posting.offers.live().count(),
        "placed": posting.offers.filter(status=Status.PLACED).count(),
        "arrival_yes": ArrivalForm.YES,
        "arrival_no": ArrivalForm.NO,
    }
    return render(request, "matching/employer/candidates.html", context)


def _offer_for(request: HttpRequest, offer_id: int) -> tuple[EmployerMember, Offer]:
    """The request's membership and an offer on one of its employer's postings; any other offer is a 404."""
    member = membership_for(request)
    offers = Offer.objects.only("pk", "posting_id")
    return member, get_object_or_404(offers, pk=offer_id, posting__employer_id=member.employer_id)


@login_required
@require_POST
def confirm(request: HttpRequest, offer_id: int) -> HttpResponse:
    member, offer = _offer_for(request, offer_id)
    try:
        offer_confirm(member=member, offer_id=offer.pk)
    except OfferError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Confirmed. The worker is told to come on the start date."))
    return redirect("matching:candidates", posting_id=offer.posting_id)


@login_required
@require_POST
def arrival(request: HttpRequest, offer_id: int) -> HttpResponse:
    member, offer = _offer_for(request, offer_id)
    form = ArrivalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the worker arrived."))
        return redirect("matching:candidates", posting_id=offer.posting_id)
    try:
        offer_arrival(member=member, offer_id=offer.pk, arrived=form.has_arrived)
    except OfferError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Recorded: the worker arrived and started work.")
            if form.has_arrived
            else _("Recorded: the worker did not arrive. The place goes back to matching."),
        )
    return redirect("matching:candidates", posting_id=offer.posting_id)
