"""The worker's home page: status, offers, trip, courses, wages and rights, invitations, profile, audit trail."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from workers.selectors import worker_home_get
from workers.views.common import subject_for


@login_required
@never_cache
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    if not subject.worker.signup_complete:
        return redirect("workers:signup")
    # The wage check-in card posts to the rights app (rights.templatetags.rights).
    context = {"home": worker_home_get(worker=subject.worker), "subject": subject}
    return render(request, "workers/dashboard.html", context)
