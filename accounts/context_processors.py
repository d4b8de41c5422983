from django.http import HttpRequest

from accounts.assistance import current_assistance
from accounts.models import AssistanceGrant


def assistance(request: HttpRequest) -> dict[str, AssistanceGrant | None]:
    """The grant an agent or clerk is acting under, so every page can say so."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in {user.Role.AGENT, user.Role.STAFF}:
        return {"assistance": None}
    return {"assistance": current_assistance(request)}
