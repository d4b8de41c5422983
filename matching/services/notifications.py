"""Text messages about offers, in each worker's language, through the configured SMS backend."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.sms import send_sms
from matching.models import Offer

SMS_KIND = "offer"


def _body(offer: Offer, kind: str) -> str:
    posting = offer.posting
    url = settings.SITE_URL.rstrip("/") + reverse("matching:offer", args=[offer.pk])
    values = {
        "employer": posting.employer.name,
        "title": posting.title,
        "net": posting.net_monthly,
        "deadline": formats.date_format(timezone.localtime(offer.expires_at), "SHORT_DATETIME_FORMAT"),
        "url": url,
    }
    if kind == "new":
        text = _(
            "Chunfeng: %(employer)s offers you the job %(title)s, about %(net)s yuan a month after deductions. "
            "Answer by %(deadline)s: %(url)s"
        )
    elif kind == "expiring":
        text = _("Chunfeng: your offer for %(title)s at %(employer)s runs out at %(deadline)s. Answer here: %(url)s")
    elif kind == "withdrawn":
        text = _(
            "Chunfeng: the offer for %(title)s at %(employer)s is withdrawn. "
            "You stay on the list and will get the next job that fits: %(url)s"
        )
    elif kind == "confirmed":
        text = _("Chunfeng: %(employer)s confirms your place as %(title)s. Travel details follow: %(url)s")
    else:
        raise ValueError(kind)
    return text % values


def offers_notify(*, offer_ids: list[int], kind: str) -> int:
    """Text the worker of each offer about it; returns how many messages went out."""
    offers = Offer.objects.filter(pk__in=offer_ids).select_related("posting__employer", "worker__user")
    sent = 0
    for offer in offers:
        user = offer.worker.user
        if not user.phone_encrypted:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = _body(offer, kind)
        send_sms(phone=user.phone, body=body, kind=f"{SMS_KIND}.{kind}")
        sent += 1
    return sent
