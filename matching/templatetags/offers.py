"""The matching app's pieces on other apps' pages: the worker home's offers card, a posting's seats.

The workers app may not import matching, so its home page loads this library
and the offers come from here.
"""

from django import template
from django.db.models import QuerySet

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
def seats_of(posting) -> dict[str, int]:
    """A posting's seats for the employer's dashboard: offered (live offers) and still open."""
    offered = Offer.objects.live().filter(posting=posting).count()
    return {"offered": offered, "open": max(posting.headcount - posting.filled_count - offered, 0)}
