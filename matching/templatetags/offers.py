"""The matching app's pieces on other apps' pages: the worker home's offers card, a posting's seats.

The workers app may not import matching, so its home page loads this library
and the offers come from here.
"""

from django import template
from django.db.models import Count, QuerySet

from matching.models import Offer
from workers.models import Worker

register = template.Library()

HOME_OFFERS = 3


def live_offers_of(worker: Worker) -> QuerySet[Offer]:
    return Offer.objects.live().filter(worker=worker).select_related("posting__employer").order_by("expires_at")


@register.inclusion_tag("matching/_worker_offers.html")
def worker_offers(worker: Worker) -> dict[str, object]:
    """The home card: up to three live offers with pay, employer and answer deadline."""
    return {"offers": list(live_offers_of(worker)[:HOME_OFFERS]), "proposed": Offer.Status.PROPOSED}


@register.simple_tag
def with_seats(postings) -> list:
    """The postings of a dashboard page, each with `offered` (live offers) and `open_seats`, in one query."""
    rows = list(postings)
    offered = dict(
        Offer.objects.live()
        .filter(posting__in=rows)
        .values("posting")
        .annotate(count=Count("pk"))
        .values_list("posting", "count")
    )
    for posting in rows:
        posting.offered = offered.get(posting.pk, 0)
        posting.open_seats = max(posting.headcount - posting.filled_count - posting.offered, 0)
    return rows
