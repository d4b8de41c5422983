"""Worker-side course pages: find a course, enrol, follow it to the certificate.

The list and a course's page are public. Enrolling and withdrawing act for
the worker behind the request (workers.views.common.subject_for): the worker,
or an agent or staff member with an active assistance grant, whose actions
the services record. Another worker's enrolment is a 404.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from reference.models import Occupation, Region
from training.models import Course, Enrollment
from training.services import TrainingError, enrollment_create, enrollment_withdraw
from workers.views.common import Subject, subject_for

PAGE_SIZE = 20


class CourseFilterForm(forms.Form):
    occupation = forms.ModelChoiceField(
        label=gettext_lazy("Occupation"),
        queryset=Occupation.objects.order_by("group_code", "code"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("Any occupation"),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Kind of course"),
        choices=[("", gettext_lazy("Any kind")), *Course.Type.choices],
        required=False,
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Online or in person"),
        choices=[("", gettext_lazy("Either")), *Course.Format.choices],
        required=False,
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"),
        queryset=Region.objects.provinces().mainland(),
        required=False,
        empty_label=gettext_lazy("Anywhere"),
    )


def _with_places(courses: QuerySet[Course]) -> QuerySet[Course]:
    held = Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ENROLLED))
    return courses.annotate(places_left=Greatest(F("capacity") - held, Value(0)))


def _filtered(form: CourseFilterForm, courses: QuerySet[Course]) -> QuerySet[Course]:
    if not form.is_valid():
        return courses
    data = form.cleaned_data
    if data["occupation"]:
        courses = courses.filter(occupation=data["occupation"])
    if data["type"]:
        courses = courses.filter(type=data["type"])
    if data["format"]:
        courses = courses.filter(format=data["format"])
    if data["province"]:
        courses = courses.filter(county__code__startswith=data["province"].code[:2])
    return courses


def _subject_or_none(request: HttpRequest) -> Subject | None:
    """Who would enrol from this page: None for visitors, employers, providers and staff without a grant."""
    if not request.user.is_authenticated:
        return None
    try:
        return subject_for(request)
    except PermissionDenied:
        return None


def _waiting_number(enrollment: Enrollment) -> int:
    """The enrolment's place in its course's waiting list, 1 for the first in line."""
    ahead = Q(created_at__lt=enrollment.created_at) | Q(created_at=enrollment.created_at, pk__lt=enrollment.pk)
    return enrollment.course.enrollments.waiting().filter(ahead).count() + 1


def _refused(request: HttpRequest, error: TrainingError) -> None:
    for message in error.messages:
        messages.error(request, message)


@dataclass(frozen=True)
class Mine:
    """The enrolment of the request's worker on a course, as the course page shows it."""

    enrollment: Enrollment
    waiting_number: int | None


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET or None)
    courses = _filtered(form, Course.objects.open_for_enrolment(today=timezone.localdate()))
    courses = _with_places(courses.select_related("provider", "occupation", "county")).order_by("starts_on", "id")
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/worker/course_list.html", {"form": form, "page": page})


@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    shown = Course.objects.filter(
        status__in=[Course.Status.PUBLISHED, Course.Status.CLOSED], provider__verification="verified"
    )
    course = get_object_or_404(
        _with_places(shown.select_related("provider", "occupation", "county__parent__parent")), pk=course_id
    )
    today = timezone.localdate()
    subject = _subject_or_none(request)
    mine = None
    if subject is not None:
        enrollment = (
            course.enrollments.filter(worker=subject.worker).exclude(status=Enrollment.Status.WITHDRAWN).first()
        )
        if enrollment is not None:
            waiting = enrollment.status == Enrollment.Status.WAITLISTED
            mine = Mine(enrollment=enrollment, waiting_number=_waiting_number(enrollment) if waiting else None)
    context = {
        "course": course,
        "sessions": course.sessions.all(),
        "subject": subject,
        "mine": mine,
        "open": course.status == Course.Status.PUBLISHED and course.starts_on >= today,
    }
    return render(request, "training/worker/course_detail.html", context)


@login_required
@require_POST
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    subject = subject_for(request)
    course = get_object_or_404(Course, pk=course_id)
    try:
        enrollment = enrollment_create(worker=subject.worker, course=course, grant=subject.grant)
    except TrainingError as error:
        _refused(request, error)
    else:
        if enrollment.status == Enrollment.Status.ENROLLED:
            messages.success(
                request,
                _("You have a place on this course. It starts on %(date)s.") % {"date": course.starts_on.isoformat()},
            )
        else:
            messages.info(
                request,
                _(
                    "The course is full. You are number %(number)d on the waiting list: a text message comes "
                    "if a place frees up."
                )
                % {"number": _waiting_number(enrollment)},
            )
    return redirect("training:course_detail", course_id=course.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    subject = subject_for(request)
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, worker=subject.worker)
    try:
        enrollment_withdraw(worker=subject.worker, enrollment_id=enrollment.pk, grant=subject.grant)
    except PermissionDenied:
        raise Http404 from None
    except TrainingError as error:
        _refused(request, error)
    else:
        messages.success(request, _("You have left this course. You can enrol again while it takes enrolments."))
    return redirect("training:course_detail", course_id=enrollment.course_id)


@login_required
@never_cache
@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    enrollments = (
        Enrollment.objects.filter(worker=subject.worker)
        .select_related("course__provider", "certificate")
        .order_by("-created_at", "-id")
    )
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/worker/my_courses.html", {"page": page})


urlpatterns = [
    path("courses/", course_list, name="course_list"),
    path("courses/<int:course_id>/", course_detail, name="course_detail"),
    path("courses/<int:course_id>/enrol/", enrol, name="course_enrol"),
    path("enrollments/<int:enrollment_id>/withdraw/", withdraw, name="enrollment_withdraw"),
    path("my/", my_courses, name="my_courses"),
]
