"""Provider pages: register a training provider, the dashboard of courses, a course with its roll and results.

Every page finds the request's provider through training.views.common, so
the per-object checks live in one place: no membership is a 403, another
provider's course, session or enrolment a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from config.formtools import service_saved
from training import selectors, services
from training.forms import CourseForm, ProviderRegisterForm, ResultForm, SessionForm
from training.models import Course, Enrollment, ProviderMember
from training.views.common import course_for, enrollment_for, provider_member_for, session_for

PRESENT_FIELD = "present"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    if ProviderMember.objects.filter(user=user).exists():
        return redirect("training:provider_dashboard")
    form = ProviderRegisterForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and service_saved(form, services.provider_register, user=user, **form.cleaned_data):
        messages.success(
            request,
            _("The provider is registered. Waiting for the bureau: courses go public once it has verified you."),
        )
        return redirect("training:provider_dashboard")
    return render(request, "training/provider/register.html", {"form": form})


@login_required
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        member = provider_member_for(request)
    except PermissionDenied:
        if isinstance(request.user, User) and request.user.role == User.Role.PROVIDER:
            return redirect("training:provider_register")
        raise
    context = {
        "provider": member.provider,
        "courses": selectors.courses_for_provider(provider=member.provider),
    }
    return render(request, "training/provider/dashboard.html", context)


def _course_form_page(request: HttpRequest, *, member: ProviderMember, course: Course | None) -> HttpResponse:
    form = CourseForm(request.POST if request.method == "POST" else None, course=course)
    if form.is_valid():
        saved = service_saved(form, services.course_save, member=member, course=course, data=form.cleaned_data)
        if saved is not None:
            messages.success(request, _("The course is saved."))
            return redirect("training:provider_course", course_id=saved.pk)
    context = {"form": form, "course": course, "provider": member.provider}
    return render(request, "training/provider/course_form.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form_page(request, member=provider_member_for(request), course=None)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    member, course = course_for(request, course_id)
    return _course_form_page(request, member=member, course=course)


@login_required
@require_POST
def course_publish(request: HttpRequest, course_id: int) -> HttpResponse:
    member, course = course_for(request, course_id)
    try:
        services.course_publish(member=member, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The course is open for enrolment."))
    return redirect("training:provider_course", course_id=course.pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    member, course = course_for(request, course_id)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and service_saved(
        form, services.session_add, member=member, course=course, **form.data_for_service
    ):
        messages.success(request, _("The session is added."))
        return redirect("training:provider_course", course_id=course.pk)
    roll = selectors.course_roll(course=course)
    context = {
        "provider": member.provider,
        "course": course,
        "session_form": form,
        "present_field": PRESENT_FIELD,
        **roll,
    }
    return render(request, "training/provider/course.html", context)


@login_required
@require_POST
def session_attendance(request: HttpRequest, course_id: int, session_id: int) -> HttpResponse:
    member, session = session_for(request, course_id, session_id)
    ticked = set(request.POST.getlist(PRESENT_FIELD))
    enrolled = session.course.enrollments.holding_places().values_list("pk", flat=True)
    present = {pk: str(pk) in ticked for pk in enrolled}
    try:
        saved = services.attendance_record(member=member, session=session, present=present)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Attendance is saved for %(count)d workers.") % {"count": saved})
    return redirect("training:provider_course", course_id=course_id)


@login_required
@require_POST
def enrollment_result(request: HttpRequest, course_id: int, enrollment_id: int) -> HttpResponse:
    member, enrollment = enrollment_for(request, course_id, enrollment_id)
    form = ResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("training:provider_course", course_id=course_id)
    try:
        done = services.enrollment_complete(member=member, enrollment=enrollment, score=form.cleaned_data["score"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done.status == Enrollment.Status.COMPLETED:
            messages.success(request, _("The result is saved: passed."))
        else:
            messages.success(request, _("The result is saved: not passed."))
    return redirect("training:provider_course", course_id=course_id)
