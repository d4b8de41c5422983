"""Employers: registration, sites, members, and the bureau's verification and standing decisions."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import organisations, pii
from accounts.models import User
from jobs.models import Employer, EmployerMember, Site
from outbox.services import event_publish
from reference.models import Region

__all__ = [
    "NOTE_MAX_LENGTH",
    "TOPIC_EMPLOYER_CHANGED",
    "EmployerError",
    "clean_uscc",
    "employer_register",
    "employer_standing_set",
    "employer_verify",
    "member_add",
    "member_remove",
    "site_add",
]

NOTE_MAX_LENGTH = 255
TOPIC_EMPLOYER_CHANGED = "employer.changed"


class EmployerError(ValidationError):
    """An employer change was refused; the message is translated and fit to show."""


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def clean_uscc(value: str) -> str:
    """A unified social credit code in its 18-character form; EmployerError when it is not one."""
    try:
        return organisations.clean_uscc(value)
    except ValidationError as error:
        raise EmployerError(error.messages[0], code=error.code) from None


def _note(note: str, *, required: bool, message: str) -> str:
    note = note.strip()
    if required and not note:
        raise EmployerError(message, code="note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise EmployerError(
            _("The note can be at most %(max)d characters long.") % {"max": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    return note


def _may_decide(staff: User, employer: Employer) -> bool:
    return staff.is_active and staff.is_bureau_staff and staff.can_act_in(employer.region_id)


def _changed(employer: Employer, reason: str) -> None:
    # Written in this transaction and sent after it commits: matching and posting approval read these fields.
    event_publish(topic=TOPIC_EMPLOYER_CHANGED, payload={"employer_id": employer.pk, "reason": reason})


def _duplicate() -> EmployerError:
    # Says nothing about who holds the code: a stranger must not learn which company is on Chunfeng.
    return EmployerError(
        _("This credit code is already registered. Ask the company's owner on Chunfeng to add you as a member."),
        code="uscc_taken",
    )


@transaction.atomic
def employer_register(
    *,
    user: User,
    name: str,
    uscc: str,
    region: Region,
    industry: str,
    contact_name: str,
    contact_phone: str,
) -> Employer:
    """Register a company with `user` as its owner; verification starts pending."""
    if user.role != User.Role.EMPLOYER:
        raise EmployerError(
            _("Only an employer account can register a company. Worker accounts look for jobs instead."),
            code="not_employer",
        )
    if EmployerMember.objects.filter(user=user).exists():
        raise EmployerError(_("You already act for a company on Chunfeng."), code="already_member")
    code = clean_uscc(uscc)
    if Employer.objects.filter(uscc=code).exists():
        raise _duplicate()
    if industry not in Employer.Industry.values:
        raise EmployerError(_("Choose an industry from the list."), code="industry")
    employer = Employer(
        name=name.strip(),
        uscc=code,
        region=region,
        industry=industry,
        contact_name=contact_name.strip(),
        contact_phone_encrypted=pii.normalize_phone(contact_phone),
    )
    try:
        # A concurrent registration of the same code loses here, on the unique index.
        with transaction.atomic():
            employer.save()
    except IntegrityError:
        raise _duplicate() from None
    EmployerMember.objects.create(employer=employer, user=user, role=EmployerMember.Role.OWNER)
    return employer


@transaction.atomic
def site_add(*, member: EmployerMember, name: str, address: str, county: Region) -> Site:
    """Add a work site to the member's employer; owners and recruiters may."""
    if county.level != Region.Level.COUNTY and county.children.exists():
        raise EmployerError(_("Choose the county or district of the site."), code="county")
    return Site.objects.create(
        employer_id=member.employer_id, name=name.strip(), address=address.strip(), county=county
    )


@transaction.atomic
def member_add(*, owner: EmployerMember, phone: str, role: str) -> EmployerMember:
    """Give the holder of `phone` a role at the owner's employer, creating an employer account if none exists."""
    if owner.role != EmployerMember.Role.OWNER:
        raise PermissionDenied
    if role not in EmployerMember.Role.values:
        raise EmployerError(_("Choose a role from the list."), code="role")
    normalized = pii.normalize_phone(phone)
    user = User.objects.select_for_update().filter(phone_hash=pii.keyed_hash(normalized, purpose="phone")).first()
    if user is None:
        user = User(username=f"employer-{pii.keyed_hash(normalized, purpose='username')[:20]}", role=User.Role.EMPLOYER)
        user.set_phone(normalized)
        user.set_unusable_password()
        user.save()
    elif user.role != User.Role.EMPLOYER:
        raise EmployerError(
            _("This number belongs to an account that is not an employer account, so it cannot be added."),
            code="not_employer",
        )
    existing = EmployerMember.objects.filter(user=user).first()
    if existing is not None:
        if existing.employer_id == owner.employer_id:
            raise EmployerError(_("This person is already a member of your company."), code="already_member")
        raise EmployerError(_("This person already acts for another company on Chunfeng."), code="other_employer")
    return EmployerMember.objects.create(employer_id=owner.employer_id, user=user, role=role)


@transaction.atomic
def member_remove(*, owner: EmployerMember, member: EmployerMember) -> None:
    """Remove a member of the owner's employer; the last owner stays."""
    if owner.role != EmployerMember.Role.OWNER or member.employer_id != owner.employer_id:
        raise PermissionDenied
    owners = EmployerMember.objects.select_for_update().filter(
        employer_id=owner.employer_id, role=EmployerMember.Role.OWNER
    )
    if member.role == EmployerMember.Role.OWNER and len(owners) <= 1:
        raise EmployerError(
            _("A company needs at least one owner. Add another owner before removing this one."), code="last_owner"
        )
    member.delete()


@transaction.atomic
def employer_verify(*, employer: Employer, staff: User, verified: bool, note: str) -> Employer:
    """Confirm or reject an employer's registration; only staff of its region may decide."""
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if not _may_decide(staff, locked):
        raise PermissionDenied
    locked.verification_note = _note(
        note,
        required=not verified,
        message=_("Say why the company is not verified: its owner reads this note."),
    )
    locked.verification = Employer.Verification.VERIFIED if verified else Employer.Verification.REJECTED
    locked.verified_by = staff
    locked.verified_at = _now()
    locked.save(update_fields=["verification", "verification_note", "verified_by", "verified_at"])
    _changed(locked, "verification")
    return locked


@transaction.atomic
def employer_standing_set(*, employer: Employer, staff: User, standing: str, note: str) -> Employer:
    """Set an employer's standing; watch and blocked need a note. Only staff of its region may."""
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if not _may_decide(staff, locked):
        raise PermissionDenied
    if standing not in Employer.Standing.values:
        raise EmployerError(_("Choose a standing from the list."), code="standing")
    locked.standing_note = _note(
        note,
        required=standing != Employer.Standing.GOOD,
        message=_("Say why the company is under watch or blocked: the note is kept with the decision."),
    )
    locked.standing = standing
    locked.standing_set_by = staff
    locked.standing_set_at = _now()
    locked.standing_by_staff = True
    locked.save(update_fields=["standing", "standing_note", "standing_set_by", "standing_set_at", "standing_by_staff"])
    _changed(locked, "standing")
    return locked
