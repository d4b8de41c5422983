"""Which provider a request acts for, and the per-object checks every provider page uses."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import User
from training.models import Course, Enrollment, ProviderMember, Session


def provider_member_for(request: HttpRequest) -> ProviderMember:
    """The logged-in user's provider membership; PermissionDenied for anyone who has none."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    member = ProviderMember.objects.select_related("provider").filter(user=user).first()
    if member is None:
        raise PermissionDenied
    return member


def course_for(request: HttpRequest, course_id: int) -> tuple[ProviderMember, Course]:
    """A course of the request's provider; another provider's course is a 404, not a 403."""
    member = provider_member_for(request)
    course = Course.objects.select_related("provider", "occupation", "county").filter(pk=course_id).first()
    if course is None or course.provider_id != member.provider_id:
        raise Http404
    return member, course


def session_for(request: HttpRequest, course_id: int, session_id: int) -> tuple[ProviderMember, Session]:
    """A session of one of the request's provider's courses; anything else is a 404."""
    member, course = course_for(request, course_id)
    session = Session.objects.filter(pk=session_id, course=course).first()
    if session is None:
        raise Http404
    session.course = course
    return member, session


def enrollment_for(request: HttpRequest, course_id: int, enrollment_id: int) -> tuple[ProviderMember, Enrollment]:
    """An enrolment on one of the request's provider's courses; anything else is a 404."""
    member, course = course_for(request, course_id)
    enrollment = Enrollment.objects.filter(pk=enrollment_id, course=course).first()
    if enrollment is None:
        raise Http404
    enrollment.course = course
    return member, enrollment
