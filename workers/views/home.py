"""The worker's home page: status, offers, trip, courses, wage check-in, invitations, profile, audit trail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from workers.selectors import worker_home_get
from workers.views.common import subject_for

WAGE_HOTLINE = "12333"


def _wage_answer(request: HttpRequest) -> HttpResponse:
    """The monthly "were you paid?" answer. Nothing is recorded yet: the rights app will file the claim."""
    answer = request.POST.get("paid")
    if answer == "no":
        messages.warning(
            request,
            _(
                "Nothing has been filed yet: the bureau's online wage-claim service is coming soon. "
                "To get help now, call the labour-inspection hotline %(hotline)s and give your employer's "
                "name and the months you were not paid. Keep your contract, pay slips and attendance records."
            )
            % {"hotline": WAGE_HOTLINE},
        )
    elif answer == "yes":
        messages.success(request, _("Good. Keep your pay slips: they show what you were paid."))
    return redirect("workers:dashboard")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    if not subject.worker.signup_complete:
        return redirect("workers:signup")
    if request.method == "POST":
        return _wage_answer(request)
    context = {"home": worker_home_get(worker=subject.worker), "subject": subject, "hotline": WAGE_HOTLINE}
    return render(request, "workers/dashboard.html", context)
