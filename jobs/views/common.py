"""Which employer a request acts for, and the per-object checks every employer page uses."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import User
from jobs.models import EmployerMember, JobPosting


def membership_for(request: HttpRequest) -> EmployerMember:
    """The logged-in user's employer membership; PermissionDenied for anyone who has none."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    member = EmployerMember.objects.select_related("employer").filter(user=user).first()
    if member is None:
        raise PermissionDenied
    return member


def owner_for(request: HttpRequest) -> EmployerMember:
    """As membership_for, but only the owner may change the company itself."""
    member = membership_for(request)
    if member.role != EmployerMember.Role.OWNER:
        raise PermissionDenied
    return member


def posting_for(request: HttpRequest, posting_id: int) -> tuple[EmployerMember, JobPosting]:
    """A posting of the request's employer; another employer's posting is a 404, not a 403."""
    member = membership_for(request)
    posting = JobPosting.objects.filter(pk=posting_id, employer_id=member.employer_id).first()
    if posting is None:
        raise Http404
    return member, posting
