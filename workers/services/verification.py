"""Bureau verification of registered poor labourers (建档立卡贫困劳动力).

A worker's declaration gives no priority by itself; only a check by staff of
the worker's hukou region does. Priority changes how postings rank workers,
so each decision tells matching through the outbox.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from outbox.services import event_publish
from workers.models import Worker

__all__ = ["NOTE_MAX_LENGTH", "VerificationError", "poor_labourer_verify"]

NOTE_MAX_LENGTH = 255
TOPIC_WORKER_CHANGED = "worker.changed"


class VerificationError(ValidationError):
    """A verification was refused; the message is translated and fit to show."""


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _may_verify(staff: User, worker: Worker) -> bool:
    # A worker without a hukou county has no region: only nationwide staff reach them.
    return staff.is_active and staff.is_bureau_staff and staff.can_act_in(worker.hukou_county_id or "")


@transaction.atomic
def poor_labourer_verify(*, worker: Worker, staff: User, verified: bool, note: str) -> Worker:
    """Confirm or reject a declared poor labourer; only staff of the worker's hukou region may decide."""
    locked = Worker.objects.select_for_update().get(pk=worker.pk)
    if not _may_verify(staff, locked):
        raise PermissionDenied
    if locked.poor_labourer != Worker.PoorLabourer.DECLARED:
        raise VerificationError(
            _("Only a declaration waiting for the bureau can be verified or rejected."), code="not_declared"
        )
    note = note.strip()
    if not verified and not note:
        raise VerificationError(
            _("Say why the declaration is not confirmed: the worker reads this note."), code="note_required"
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise VerificationError(
            _("The note can be at most %(max)d characters long.") % {"max": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    locked.poor_labourer = Worker.PoorLabourer.VERIFIED if verified else Worker.PoorLabourer.REJECTED
    locked.poor_labourer_checked_by = staff
    locked.poor_labourer_checked_at = _now()
    locked.poor_labourer_note = note
    locked.save(
        update_fields=[
            "poor_labourer",
            "poor_labourer_checked_by",
            "poor_labourer_checked_at",
            "poor_labourer_note",
            "updated_at",
        ]
    )
    # Written in this transaction and sent after it commits: priority changes the worker's rank.
    event_publish(
        topic=TOPIC_WORKER_CHANGED,
        payload={"worker_id": locked.pk, "reason": "poor_labourer"},
    )
    return locked
