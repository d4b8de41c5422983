"""Order-based training (订单式培训): an employer keeps positions of a posting for a course's graduates.

The posting row is locked while positions are counted, so two reservations
made at once can never keep more positions than the posting has open:
people needed, minus positions filled, minus positions already kept for
other courses.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from jobs.models import EmployerMember, JobPosting
from matching.models import Reservation
from training.models import Course


class ReservationError(ValidationError):
    """A reservation change was refused; the message is translated and fit to show."""


def reservable_courses(*, posting: JobPosting) -> QuerySet[Course]:
    """Published courses that may train for the posting: targeted ones, or any teaching its occupation."""
    return (
        Course.objects.filter(status=Course.Status.PUBLISHED)
        .filter(Q(type=Course.Type.TARGETED) | Q(occupation_id=posting.occupation_id))
        .select_related("provider")
        .order_by("starts_on", "id")
    )


def positions_free(*, posting: JobPosting, except_course: Course | None = None) -> int:
    """Open positions of the posting not kept for any course (other than `except_course`)."""
    kept = Reservation.objects.filter(posting=posting)
    if except_course is not None:
        kept = kept.exclude(course=except_course)
    reserved = kept.aggregate(total=Sum("seats"))["total"] or 0
    return max(posting.headcount - posting.filled_count - reserved, 0)


def _own(member: EmployerMember, posting: JobPosting) -> None:
    if posting.employer_id != member.employer_id:
        raise PermissionDenied


@transaction.atomic
def reservation_set(*, member: EmployerMember, posting: JobPosting, course: Course, seats: int) -> Reservation:
    """Keep `seats` positions of the member's posting for the course's graduates, or change how many."""
    _own(member, posting)
    locked = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if not reservable_courses(posting=locked).filter(pk=course.pk).exists():
        raise ReservationError(
            _("Choose a published course that trains for this job: a targeted course or one teaching its occupation."),
            code="course",
        )
    if seats < 1:
        raise ReservationError(_("Keep at least one position, or remove the reservation."), code="seats")
    free = positions_free(posting=locked, except_course=course)
    if seats > free:
        raise ReservationError(
            _("Only %(free)d positions of this job are free to keep for a course.") % {"free": free},
            code="too_many",
        )
    reservation, _created = Reservation.objects.update_or_create(
        posting=locked, course=course, defaults={"seats": seats, "created_by": member.user}
    )
    return reservation


@transaction.atomic
def reservation_remove(*, member: EmployerMember, posting: JobPosting, reservation_id: int) -> None:
    """Give the kept positions of the member's posting back to everyone."""
    _own(member, posting)
    JobPosting.objects.select_for_update().get(pk=posting.pk)
    deleted, _rows = Reservation.objects.filter(pk=reservation_id, posting=posting).delete()
    if not deleted:
        raise ReservationError(_("This reservation has been removed already."), code="gone")
