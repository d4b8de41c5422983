"""A worker's offers: the list, the offer sheet with its reasons, and the two answers.

Every page acts for the worker behind the request (workers.views.common.subject_for):
the worker, or an agent or staff member with an active assistance grant.
Another worker's offer is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from matching.forms import DeclineForm
from matching.models import Offer
from matching.reasons import offer_worker_lines
from matching.services.offers import OfferError, offer_accept, offer_decline
from workers.models import Worker
from workers.views.common import subject_for

PAGE_SIZE = 20


def _offers_of(worker: Worker) -> QuerySet[Offer]:
    return Offer.objects.filter(worker=worker).select_related(
        "posting__employer", "posting__site", "posting__occupation", "posting__county__parent__parent"
    )


def _offer_for(request: HttpRequest, offer_id: int) -> Offer:
    """An offer of the request's worker; any other offer is a 404."""
    return get_object_or_404(_offers_of(subject_for(request).worker), pk=offer_id)


def _refused(request: HttpRequest, error: OfferError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@never_cache
@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    offers = _offers_of(subject_for(request).worker).annotate(
        ended=Case(When(status__in=Offer.LIVE, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    page = Paginator(offers.order_by("ended", "-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "matching/worker/offer_list.html", {"page": page, "live": Offer.LIVE})


@login_required
@never_cache
@require_GET
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer_for(request, offer_id)
    group = (
        list(Offer.objects.filter(group=offer.group).exclude(pk=offer.pk).select_related("worker").order_by("pk"))
        if offer.group
        else []
    )
    context = {
        "offer": offer,
        "posting": offer.posting,
        "reasons": offer_worker_lines(offer),
        "group": group,
        "open": offer.status == Offer.Status.PROPOSED and not offer.answer_by_passed(timezone.now()),
        "decline_form": DeclineForm(),
    }
    return render(request, "matching/worker/offer_detail.html", context)


@login_required
@require_POST
def accept(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer_for(request, offer_id)
    try:
        offer_accept(worker=offer.worker, offer_id=offer.pk, grant=subject_for(request).grant)
    except OfferError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("You accepted the offer. The employer confirms next; then the trip to work is arranged.")
        )
    return redirect("matching:offer", offer_id=offer.pk)


@login_required
@require_POST
def decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer_for(request, offer_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get_json_data().get("reason", []):
            messages.error(request, message["message"])
        return redirect("matching:offer", offer_id=offer.pk)
    try:
        offer_decline(
            worker=offer.worker, offer_id=offer.pk, reason=form.cleaned_data["reason"], grant=subject_for(request).grant
        )
    except OfferError as error:
        _refused(request, error)
    else:
        messages.success(request, _("You said no to this offer. New offers follow when another job fits you."))
    return redirect("matching:offer", offer_id=offer.pk)
