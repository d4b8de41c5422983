"""A worker's right to erasure: personal data goes, anonymous statistics stay.

The 2020 figures the console must report (workers out at work, poor
labourers placed, unemployment registrations) count rows, so the rows stay;
everything that names, identifies or reaches the person is wiped.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AssistanceGrant, OneTimeCode, SmsMessage
from outbox.services import event_publish
from workers.models import CohortMember, Worker

__all__ = ["worker_erase"]

TOPIC_WORKER_CHANGED = "worker.changed"


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _memberships_erase(*, worker: Worker, phone_hash: str | None, now: datetime) -> None:
    """Leave every group and wipe the phone from every invitation, accepted or not."""
    reach = Q(worker=worker)
    if phone_hash:
        reach |= Q(phone_hash=phone_hash)
    for membership in CohortMember.objects.select_for_update().filter(reach):
        if membership.status == CohortMember.Status.INVITED and membership.worker_id is None:
            membership.status = CohortMember.Status.DECLINED
            membership.responded_at = now
        elif membership.status in (CohortMember.Status.INVITED, CohortMember.Status.CONFIRMED):
            membership.status = CohortMember.Status.LEFT
            membership.responded_at = now
        membership.phone_encrypted = ""
        # Unique per group, and matches no real number's hash.
        membership.phone_hash = f"erased-{membership.pk}"
        membership.save(update_fields=["status", "responded_at", "phone_encrypted", "phone_hash"])


@transaction.atomic
def worker_erase(*, worker: Worker) -> Worker:
    """Erase the worker's personal data and switch the account off; statistics fields stay, now anonymous.

    Erased: real name, ID number (ciphertext and hash), birth day and month,
    where they are now, the bureau's note, phone (ciphertext and hash),
    names and e-mail of the account, group invitations' phone, text messages
    and codes sent to the phone. Kept: hukou county, birth year, skills,
    certificates, education, destinations, status, poor-labourer status and
    unemployment registrations. Erasing twice changes nothing.
    """
    locked = Worker.objects.select_for_update().select_related("user").get(pk=worker.pk)
    if locked.deleted_at is not None:
        return locked
    now = _now()
    user = locked.user
    phone_hash = user.phone_hash

    _memberships_erase(worker=locked, phone_hash=phone_hash, now=now)
    if phone_hash:
        SmsMessage.objects.filter(phone_hash=phone_hash).delete()
        OneTimeCode.objects.filter(phone_hash=phone_hash).delete()
    # Nobody may go on acting for an account that no longer exists; the grants stay as the audit trail.
    AssistanceGrant.objects.filter(worker=user, ended_at__isnull=True).update(ended_at=now)

    locked.real_name = ""
    locked.id_number_encrypted = ""
    locked.id_number_hash = None
    if locked.birth_date is not None:
        # The year alone keeps the age bands of the statistics.
        locked.birth_date = date(locked.birth_date.year, 1, 1)
    locked.current_county = None
    locked.poor_labourer_note = ""
    locked.deleted_at = now
    locked.save()

    user.username = f"deleted-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.phone_encrypted = ""
    user.phone_hash = None
    user.set_unusable_password()
    user.is_active = False
    user.save()

    # Matching must drop the worker from candidate lists and open offers.
    event_publish(topic=TOPIC_WORKER_CHANGED, payload={"worker_id": locked.pk, "reason": "erased"})
    return locked
