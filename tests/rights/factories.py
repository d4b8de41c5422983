"""Builders for rights tests: a placed worker (an offer that ended in a placement) and cases against employers."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from matching.models import Offer
from rights.models import Case
from tests.accounts.factories import county
from tests.matching.factories import OfferFactory
from workers.models import Worker


def placed(*, arrived: datetime | None = None, **fields) -> Offer:
    """A worker from Zhenxiong placed at a Dongguan posting (5,200 yuan a month on the offer sheet) on `arrived`."""
    arrived = arrived or timezone.now() - timedelta(days=60)
    offer = OfferFactory(status=Offer.Status.PLACED, closed_at=arrived, **fields)
    Worker.objects.filter(pk=offer.worker_id).update(status=Worker.Status.EMPLOYED, hukou_county=county("530627"))
    offer.refresh_from_db()
    return offer


def case_for(offer: Offer, **fields) -> Case:
    """A wage claim filed on the placement, as the worker files it (straight rows, no service)."""
    values = {
        "kind": Case.Kind.WAGES,
        "worker": offer.worker,
        "employer": offer.posting.employer,
        "offer": offer,
        "sending_region": county("530627"),
        "receiving_region": offer.posting.site.county,
        "amount_claimed": Decimal("5200"),
        "description": "十月工资没有发",
        "filed_by": offer.worker.user,
    } | fields
    return Case.objects.create(**values)
