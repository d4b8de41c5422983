"""Unemployment registration where the worker lives, works or is insured."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.exceptions import AssistanceError
from reference.forms import is_region_refresh
from workers.forms.unemployment import UnemploymentRegistrationForm
from workers.selectors import UNEMPLOYMENT_OPEN, place_name, unemployment_registrations_for
from workers.services.unemployment import UnemploymentError, unemployment_register
from workers.views.common import subject_for

# Which field a refusal from the service belongs next to; others go above the form.
_ERROR_FIELDS = {"not_hukou_county": "region", "region": "region", "basis": "basis"}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    worker = subject.worker
    if not worker.signup_complete:
        return redirect("workers:signup")
    initial = {"region": worker.current_county_id or worker.hukou_county_id}
    form = UnemploymentRegistrationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and not is_region_refresh(request) and form.is_valid():
        try:
            unemployment_register(
                worker=worker,
                region=form.cleaned_data["region"],
                basis=form.cleaned_data["basis"],
                last_employer=form.cleaned_data["last_employer"],
                grant=subject.grant,
            )
        except UnemploymentError as error:
            form.add_error(_ERROR_FIELDS.get(error.code or ""), error)
        except AssistanceError as error:
            # The grant ended while the helper was filling in the form; nothing was saved.
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your registration was sent to the bureau of that county."))
            return redirect("workers:unemployment")
    registrations = list(unemployment_registrations_for(worker=worker))
    context = {
        "form": form,
        "registrations": [(registration, place_name(registration.region)) for registration in registrations],
        "has_open": any(registration.status in UNEMPLOYMENT_OPEN for registration in registrations),
    }
    return render(request, "workers/unemployment.html", context)
