"""The assistance grant a request acts under, kept in the session.

Other apps call `current_assistance(request)` to learn whether the logged-in
agent is acting for a worker, and record what they do with
`accounts.services.assisted_action_record`.
"""

from django.http import HttpRequest

from accounts.models import AssistanceGrant
from accounts.selectors import assistance_get_active

SESSION_KEY = "accounts.assistance_grant_id"


def current_assistance(request: HttpRequest) -> AssistanceGrant | None:
    """The active grant of the logged-in user held in this session, else None."""
    grant_id = request.session.get(SESSION_KEY)
    if grant_id is None:
        return None
    grant = None
    if request.user.is_authenticated:
        grant = assistance_get_active(grant_id=grant_id, actor=request.user)
    if grant is None:
        # Ended elsewhere, or the session changed hands: forget it.
        request.session.pop(SESSION_KEY, None)
    return grant


def assistance_remember(request: HttpRequest, grant: AssistanceGrant) -> None:
    request.session[SESSION_KEY] = grant.pk


def assistance_forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
