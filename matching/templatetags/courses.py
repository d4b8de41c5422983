"""Training as matching sees it, on other apps' pages: the worker home's courses card, jobs kept for graduates.

The workers and training apps may not import matching, so their pages load
this library: the card's recommendation weighs courses against open jobs
(matching.recommendations), and a course page lists the positions employers
keep for its graduates (matching.models.Reservation).
"""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import JobPosting
from matching.models import Reservation
from matching.recommendations import skill_gaps_for
from training.models import Course, Enrollment
from workers.models import Certificate, Worker

register = template.Library()

HOME_COURSES = 3


@register.inclusion_tag("training/_worker_courses.html")
def worker_courses(worker: Worker) -> dict[str, object]:
    """The home card: the worker's current courses with dates, and the best course to take next."""
    today = timezone.localdate()
    current = list(
        Enrollment.objects.filter(worker=worker, status__in=Enrollment.ACTIVE)
        .select_related("course")
        .order_by("course__starts_on", "pk")[:HOME_COURSES]
    )
    taken = {enrollment.course_id for enrollment in current}
    recommended = None
    for gap in skill_gaps_for(worker, today=today, limit=1):
        course = next((course for course in gap.courses if course.pk not in taken), None)
        if course is not None:
            recommended = {"gap": gap, "course": course}
    return {"current": current, "recommended": recommended}


@register.filter
def certificate_label(level: int | None) -> str:
    """The certificate a course grants, by level; a course without one says so."""
    if level is None:
        return _("No certificate")
    return str(dict(Certificate.Level.choices).get(level, level))


@register.inclusion_tag("matching/_reserved_jobs.html")
def reserved_jobs(course: Course) -> dict[str, object]:
    """The public postings that keep positions for this course's graduates."""
    public = JobPosting.objects.public(today=timezone.localdate())
    reservations = (
        Reservation.objects.filter(course=course, posting__in=public)
        .select_related("posting__employer")
        .order_by("-seats", "pk")
    )
    return {"reservations": list(reservations)}
