"""Unemployment registration where the worker lives, works or is insured (equal public employment services).

A migrant worker may register in the county where they work or pay social
insurance, not only at their hukou county; staff of that county process it.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AssistanceGrant, User
from accounts.services import assisted_action_record
from reference.models import Region
from workers.models import UnemploymentRegistration, Worker

__all__ = ["UnemploymentError", "unemployment_process", "unemployment_register"]

NOTE_MAX_LENGTH = 255
Basis = UnemploymentRegistration.Basis
Status = UnemploymentRegistration.Status


class UnemploymentError(ValidationError):
    """A registration or a decision was refused; the message is translated and fit to show."""


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _description(worker: Worker, region: Region) -> str:
    # Written in the worker's language: the worker reads it later under "Who acted for me".
    with translation.override(worker.user.preferred_language or settings.LANGUAGE_CODE):
        return _("Registered you as unemployed in %(county)s.") % {"county": region.name}


@transaction.atomic
def unemployment_register(
    *,
    worker: Worker,
    region: Region,
    basis: str,
    last_employer: str,
    grant: AssistanceGrant | None = None,
) -> UnemploymentRegistration:
    """Register the worker as unemployed in a county; one open (submitted or accepted) registration at a time."""
    if worker.deleted_at is not None:
        raise UnemploymentError(_("This account has been deleted."), code="deleted")
    if basis not in Basis.values:
        raise UnemploymentError(_("Choose why you register in this county."), code="basis")
    if not region.is_current:
        raise UnemploymentError(_("This county code is no longer in use. Choose the county again."), code="region")
    if basis == Basis.HUKOU and region.pk != worker.hukou_county_id:
        raise UnemploymentError(
            _(
                "You chose your household registration as the reason, but this is not your hukou county. "
                "Choose your hukou county, or say that you work or are insured here."
            ),
            code="not_hukou_county",
        )
    try:
        # A savepoint, so the refusal below leaves the outer transaction usable.
        with transaction.atomic():
            registration = UnemploymentRegistration.objects.create(
                worker=worker,
                region=region,
                basis=basis,
                last_employer=last_employer.strip(),
                submitted_at=_now(),
            )
    except IntegrityError:
        # The database keeps one open registration per worker, also under two concurrent submits.
        raise UnemploymentError(
            _(
                "You already have an open unemployment registration. Wait until it is processed or closed "
                "before registering again."
            ),
            code="already_open",
        ) from None
    if grant is not None:
        assisted_action_record(
            grant=grant,
            action="unemployment.register",
            description=_description(worker, region),
            target=registration,
        )
    return registration


def _may_process(staff: User, registration: UnemploymentRegistration) -> bool:
    return staff.is_active and staff.is_bureau_staff and staff.can_act_in(registration.region_id)


@transaction.atomic
def unemployment_process(
    *, registration: UnemploymentRegistration, staff: User, accept: bool, note: str
) -> UnemploymentRegistration:
    """Accept or reject a submitted registration; only staff of the county it was made in may decide."""
    if not _may_process(staff, registration):
        raise PermissionDenied
    locked = UnemploymentRegistration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != Status.SUBMITTED:
        raise UnemploymentError(_("This registration has already been processed."), code="processed")
    note = note.strip()
    if not accept and not note:
        raise UnemploymentError(
            _("Say why the registration is not accepted: the worker reads this note."), code="note_required"
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise UnemploymentError(
            _("The note can be at most %(max)d characters long.") % {"max": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    locked.status = Status.ACCEPTED if accept else Status.REJECTED
    locked.processed_by = staff
    locked.processed_at = _now()
    locked.note = note
    locked.save(update_fields=["status", "processed_by", "processed_at", "note"])
    return locked
