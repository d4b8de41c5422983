"""Training writes: providers, courses and sessions, enrolment with a waiting list, attendance, results.

Enrolment locks the course row, so places are counted one transaction at a
time: a course never has more enrolled workers than places, however many
apply at once. A pass with a certificate adds the certificate and the skill to
the worker's profile and, once that commits, matching hears of it through
`certificate.issued`: a position an employer kept for this course's
graduates first, then any job the new skill fits.
"""

from collections.abc import Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import organisations, pii
from accounts.models import AssistanceGrant, User
from accounts.services import assisted_action_record
from accounts.sms import send_sms
from outbox.services import event_publish
from reference.models import Region
from training.models import Attendance, Course, Enrollment, Provider, ProviderMember, Session, TrainingCertificate
from workers.models import Certificate, Skill, Worker

TOPIC_CERTIFICATE_ISSUED = "certificate.issued"
PASS_MARK = 60
NOTE_MAX_LENGTH = 255


class TrainingError(ValidationError):
    """A training change was refused; the message is translated and fit to show."""


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _today() -> date:
    return timezone.localdate()


# Providers ----------------------------------------------------------------------------


@transaction.atomic
def provider_register(
    *,
    user: User,
    name: str,
    kind: str,
    uscc: str,
    region: Region,
    address: str,
    contact_name: str,
    contact_phone: str,
) -> Provider:
    """Register a provider with the user as its first member; it lists courses once the bureau verifies it."""
    if user.role != User.Role.PROVIDER:
        raise TrainingError(
            _("Only a training-provider account can register a provider. Worker accounts enrol on courses instead."),
            code="not_provider",
        )
    if ProviderMember.objects.filter(user=user).exists():
        raise TrainingError(_("This account already acts for a training provider."), code="already_member")
    try:
        code = organisations.clean_uscc(uscc)
    except ValidationError as error:
        raise TrainingError(error.messages[0], code=error.code) from None
    if Provider.objects.filter(uscc=code).exists():
        raise TrainingError(
            _("A provider with this credit code is registered already: ask its staff to add you."), code="uscc_taken"
        )
    provider = Provider(
        name=name.strip(),
        kind=kind,
        uscc=code,
        region=region,
        address=address.strip(),
        contact_name=contact_name.strip(),
    )
    provider.contact_phone_encrypted = pii.normalize_phone(contact_phone)
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise TrainingError(_("A provider with this credit code is registered already."), code="uscc_taken") from None
    ProviderMember.objects.create(provider=provider, user=user)
    return provider


@transaction.atomic
def provider_verify(*, staff: User, provider: Provider, verified: bool, note: str = "") -> Provider:
    """The bureau confirms (or refuses, saying why) a provider registered in its region."""
    if not (staff.is_active and staff.is_bureau_staff and staff.can_act_in(provider.region_id)):
        raise PermissionDenied
    note = note.strip()
    if not verified and not note:
        raise TrainingError(_("Say why the provider is not verified: its staff read this note."), code="note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise TrainingError(
            _("The note can be at most %(max)d characters long.") % {"max": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    locked.verification = Provider.Verification.VERIFIED if verified else Provider.Verification.REJECTED
    locked.verification_note = note
    locked.verified_by = staff
    locked.verified_at = _now()
    locked.save()
    return locked


# Courses and sessions ---------------------------------------------------------------------


def _own_course(member: ProviderMember, course: Course) -> None:
    if course.provider_id != member.provider_id:
        raise PermissionDenied


def course_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a course's fields, by field; empty when nothing is."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.get("format") == Course.Format.IN_PERSON and not data.get("county"):
        add("county", _("Say in which county an in-person course takes place."))
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        add("ends_on", _("The course cannot end before it starts."))
    if data.get("capacity") is not None and data["capacity"] < 1:
        add("capacity", _("A course needs at least one place."))
    if data.get("hours") is not None and data["hours"] < 1:
        add("hours", _("Give the course's length in hours."))
    fee, subsidy = data.get("fee") or 0, data.get("subsidy") or 0
    if subsidy > fee:
        add("subsidy", _("The subsidy cannot be more than the fee."))
    level = data.get("certificate_level")
    if level is not None and level not in Certificate.Level.values:
        add("certificate_level", _("Choose a certificate level from the list."))
    return errors


@transaction.atomic
def course_save(*, member: ProviderMember, course: Course | None, data: Mapping[str, Any]) -> Course:
    """Create or change a course of the member's provider; the places cannot drop below those given."""
    errors = course_errors(data)
    if course is not None:
        _own_course(member, course)
        course = Course.objects.select_for_update().get(pk=course.pk)
        held = course.enrollments.holding_places().count()
        if data.get("capacity") is not None and data["capacity"] < held:
            errors.setdefault("capacity", []).append(
                _("%(count)d workers hold places already: the course needs at least that many.") % {"count": held}
            )
    if errors:
        raise TrainingError(errors)
    course = course or Course(provider=member.provider)
    for field, value in data.items():
        setattr(course, field, value)
    if course.format == Course.Format.ONLINE:
        course.county = None
    course.save()
    return course


@transaction.atomic
def course_publish(*, member: ProviderMember, course: Course) -> Course:
    """Open a course for enrolment; only verified providers' courses go public."""
    _own_course(member, course)
    if not member.provider.is_verified:
        raise TrainingError(
            _("Courses go public once the labour bureau has verified your organisation."), code="not_verified"
        )
    if course.status == Course.Status.CLOSED:
        raise TrainingError(_("This course is closed: add a new course instead."), code="closed")
    if course.starts_on < _today():
        raise TrainingError(_("This course has already started: it cannot take enrolments."), code="started")
    course.refresh_from_db()
    course.status = Course.Status.PUBLISHED
    course.save(update_fields=["status"])  # through save(), so the change enters the console's history
    return course


@transaction.atomic
def session_add(
    *, member: ProviderMember, course: Course, starts_at: datetime, ends_at: datetime, topic: str = ""
) -> Session:
    """Add a class meeting to the course's schedule."""
    _own_course(member, course)
    if ends_at <= starts_at:
        raise TrainingError(_("A session must end after it starts."), code="session_times")
    return Session.objects.create(course=course, starts_at=starts_at, ends_at=ends_at, topic=topic.strip())


# Enrolment ------------------------------------------------------------------------------


def _record(grant: AssistanceGrant | None, action: str, description: str, target: Enrollment) -> None:
    if grant is not None:
        assisted_action_record(grant=grant, action=action, description=description, target=target)


@transaction.atomic
def enrollment_create(*, worker: Worker, course: Course, grant: AssistanceGrant | None = None) -> Enrollment:
    """Give the worker a place if one is free, else a place on the waiting list."""
    locked = Course.objects.select_for_update().select_related("provider").get(pk=course.pk)
    if locked.status != Course.Status.PUBLISHED or not locked.provider.is_verified or locked.starts_on < _today():
        raise TrainingError(_("This course is not taking enrolments."), code="not_open")
    if locked.enrollments.filter(worker=worker).exclude(status=Enrollment.Status.WITHDRAWN).exists():
        raise TrainingError(_("You are on this course already."), code="already_enrolled")
    has_place = locked.enrollments.holding_places().count() < locked.capacity
    now = _now()
    enrollment = Enrollment.objects.create(
        course=locked,
        worker=worker,
        status=Enrollment.Status.ENROLLED if has_place else Enrollment.Status.WAITLISTED,
        enrolled_at=now if has_place else None,
        enrolled_by=grant.actor if grant else None,
        created_at=now,
    )
    _record(grant, "training.enrol", _("Enrolled on the course %(course)s") % {"course": locked.title}, enrollment)
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, worker: Worker, enrollment_id: int, grant: AssistanceGrant | None = None) -> Enrollment:
    """The worker gives up a place (or their turn on the waiting list); the first in line gets the place."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id, worker=worker).first()
    if enrollment is None:
        raise PermissionDenied
    Course.objects.select_for_update().get(pk=enrollment.course_id)
    enrollment.refresh_from_db()
    if enrollment.status not in Enrollment.ACTIVE:
        raise TrainingError(_("This enrolment has ended already."), code="not_active")
    held_place = enrollment.status == Enrollment.Status.ENROLLED
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.finished_at = _now()
    enrollment.save(update_fields=["status", "finished_at"])
    if held_place:
        waitlist_promote(course=enrollment.course)
    _record(
        grant,
        "training.withdraw",
        _("Withdrew from the course %(course)s") % {"course": enrollment.course.title},
        enrollment,
    )
    return enrollment


def waitlist_promote(*, course: Course) -> list[Enrollment]:
    """Inside a transaction holding the course lock: give free places to the waiting list in order."""
    free = course.capacity - course.enrollments.holding_places().count()
    promoted = list(course.enrollments.waiting()[: max(free, 0)])
    now = _now()
    for enrollment in promoted:
        enrollment.status = Enrollment.Status.ENROLLED
        enrollment.enrolled_at = now
        enrollment.save(update_fields=["status", "enrolled_at"])
        phone = enrollment.worker.user.phone
        if phone:
            body = _("Chunfeng: a place on the course %(course)s is yours. It starts on %(date)s.") % {
                "course": course.title,
                "date": course.starts_on.isoformat(),
            }
            transaction.on_commit(partial(send_sms, phone=phone, body=body, kind="training"))
    return promoted


# Attendance and results -------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, member: ProviderMember, session: Session, present: Mapping[int, bool]) -> int:
    """Record who was at a session, by enrolment id; enrolments of other courses are refused. Returns rows saved."""
    _own_course(member, session.course)
    enrolled = set(session.course.enrollments.holding_places().values_list("pk", flat=True))
    unknown = set(present) - enrolled
    if unknown:
        raise TrainingError(_("Attendance can be taken only for workers enrolled on this course."), code="unknown")
    now = _now()
    for enrollment_id, here in present.items():
        Attendance.objects.update_or_create(
            session=session,
            enrollment_id=enrollment_id,
            defaults={"present": here, "recorded_by": member.user, "recorded_at": now},
        )
    return len(present)


@transaction.atomic
def enrollment_complete(*, member: ProviderMember, enrollment: Enrollment, score: int) -> Enrollment:
    """Record the assessment. A pass on a course with a certificate adds certificate and skill to the profile."""
    _own_course(member, enrollment.course)
    locked = Enrollment.objects.select_for_update().select_related("course", "worker").get(pk=enrollment.pk)
    if locked.status != Enrollment.Status.ENROLLED:
        raise TrainingError(_("Only a worker who holds a place can be assessed."), code="not_enrolled")
    if not 0 <= score <= 100:
        raise TrainingError(_("The score runs from 0 to 100."), code="score")
    passed = score >= PASS_MARK
    locked.status = Enrollment.Status.COMPLETED if passed else Enrollment.Status.FAILED
    locked.score = score
    locked.finished_at = _now()
    locked.save(update_fields=["status", "score", "finished_at"])
    if passed:
        _certify(locked)
    return locked


def _certify(enrollment: Enrollment) -> None:
    course, worker = enrollment.course, enrollment.worker
    Skill.objects.get_or_create(worker=worker, occupation=course.occupation, defaults={"years": 0})
    if course.certificate_level is not None:
        certificate = Certificate.objects.create(
            worker=worker, name=course.title[:100], occupation=course.occupation, level=course.certificate_level
        )
        TrainingCertificate.objects.create(
            enrollment=enrollment,
            number=f"CF{_now():%Y}{enrollment.pk:08d}",
            level=course.certificate_level,
            profile_certificate=certificate,
        )
    # Sent once this transaction commits. Matching first offers a position an
    # employer kept for this course's graduates, then any job the new skill fits
    # (one event, so the kept position is never beaten by a general match).
    event_publish(
        topic=TOPIC_CERTIFICATE_ISSUED,
        payload={"worker_id": worker.pk, "course_id": course.pk, "occupation_id": course.occupation_id},
        key=f"certificate.issued:{enrollment.pk}",
    )
