"""Phone login, assisted access and the console lockout page.

Views validate with forms and write only through accounts.services. The
code-checking views opt out of ATOMIC_REQUESTS: a wrong guess is committed
before the refusal, and a request-wide transaction would undo it.
"""

import math
from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import pii, services
from accounts.assistance import assistance_forget, assistance_remember, current_assistance
from accounts.exceptions import AccountsError, OtpError
from accounts.forms import AssistConsentForm, AssistPhoneForm, CodeForm, PhoneForm
from accounts.models import AssistanceGrant, User
from accounts.throttle import throttle_hit

_RATE_LIMIT_CODES = frozenset({"resend_wait", "phone_limit", "ip_limit"})
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client chose to send.
    # Behind a proxy, the proxy setup must put the real address here.
    return request.META.get("REMOTE_ADDR", "")


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if allowed else ""


def _status_for(error: AccountsError) -> int:
    return 429 if error.code in _RATE_LIMIT_CODES else 200


def _verify_allowed(request: HttpRequest) -> bool:
    # A network may guess as often as the codes it may ask for allow, no more.
    limit = settings.OTP_PER_IP_PER_HOUR * settings.OTP_MAX_ATTEMPTS
    return throttle_hit(scope="otp-verify", ip=_client_ip(request), limit=limit, window_seconds=3600)


# Phone login ----------------------------------------------------------------


def _login_page(
    request: HttpRequest, form: PhoneForm | CodeForm, next_url: str, *, resend_error: str = "", status: int = 200
) -> HttpResponse:
    context: dict[str, object] = {"form": form, "next": next_url, "resend_error": resend_error, "step": 1}
    if isinstance(form, CodeForm):
        phone = form["phone"].value() or ""
        context |= {"step": 2, "masked_phone": pii.mask_phone(phone), "resend_after": settings.OTP_RESEND_SECONDS}
    return render(request, "accounts/login.html", context, status=status)


def _login_send(request: HttpRequest, next_url: str) -> HttpResponse:
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form, next_url)
    phone = form.cleaned_data["phone"]
    try:
        services.otp_request(phone=phone, ip=_client_ip(request))
    except OtpError as error:
        if request.POST.get("step") != "code":
            form.add_error("phone", error.message)
            return _login_page(request, form, next_url, status=_status_for(error))
        # Asked again from the code step: stay there and keep what was typed.
        code_form = CodeForm(initial={"phone": phone, "code": request.POST.get("code", "")})
        return _login_page(request, code_form, next_url, resend_error=error.message, status=_status_for(error))
    return _login_page(request, CodeForm(initial={"phone": phone}), next_url)


def _login_verify(request: HttpRequest, next_url: str) -> HttpResponse:
    form = CodeForm(request.POST)
    if not form.is_valid():
        if "phone" in form.errors:
            return _login_page(request, PhoneForm(), next_url)
        return _login_page(request, form, next_url)
    if not _verify_allowed(request):
        form.add_error("code", _("Too many tries from this network. Try again later."))
        return _login_page(request, form, next_url, status=429)
    try:
        user = services.otp_verify(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
    except OtpError as error:
        form.add_error("code", error.message)
        return _login_page(request, form, next_url)
    login(request, user, backend=_MODEL_BACKEND)
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@never_cache
@sensitive_post_parameters("code")
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        return _login_page(request, PhoneForm(), next_url)
    action = request.POST.get("action", "send")
    if action == "verify":
        return _login_verify(request, next_url)
    if action == "change":
        return _login_page(request, PhoneForm(initial={"phone": request.POST.get("phone", "")}), next_url)
    return _login_send(request, next_url)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    grant = current_assistance(request)
    if grant is not None:
        services.assistance_end(grant=grant)
    logout(request)
    return redirect("home")


# Assisted access --------------------------------------------------------------


def _assistant_or_403(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    if not (user.is_superuser or user.role in services.ASSISTANT_ROLES):
        raise PermissionDenied
    return user


def _assist_page(
    request: HttpRequest,
    form: AssistPhoneForm | AssistConsentForm,
    actor: User,
    *,
    resend_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, object] = {
        "form": form,
        "resend_error": resend_error,
        "grant": current_assistance(request),
        "step": 1,
    }
    if isinstance(form, AssistConsentForm):
        context |= {
            "step": 2,
            "masked_phone": pii.mask_phone(form["worker_phone"].value() or ""),
            "statement": services.consent_statement(actor=actor),
            "resend_after": settings.OTP_RESEND_SECONDS,
        }
    return render(request, "accounts/assist_start.html", context, status=status)


def _assist_send(request: HttpRequest, actor: User) -> HttpResponse:
    form = AssistPhoneForm(request.POST)
    if not form.is_valid():
        return _assist_page(request, form, actor)
    phone, method = form.cleaned_data["worker_phone"], form.cleaned_data["consent_method"]
    try:
        if method == AssistanceGrant.ConsentMethod.SMS_CODE:
            services.assistance_code_request(actor=actor, worker_phone=phone, ip=_client_ip(request))
        else:
            services.assistance_check(actor=actor, worker_phone=phone)
    except AccountsError as error:
        if request.POST.get("step") != "consent":
            form.add_error("worker_phone", error.message)
            return _assist_page(request, form, actor, status=_status_for(error))
        consent_form = AssistConsentForm(initial={"worker_phone": phone, "consent_method": method})
        return _assist_page(request, consent_form, actor, resend_error=error.message, status=_status_for(error))
    return _assist_page(request, AssistConsentForm(initial={"worker_phone": phone, "consent_method": method}), actor)


def _consent_error_field(form: AssistConsentForm, error: AccountsError) -> str | None:
    if isinstance(error, OtpError) and form.cleaned_data["consent_method"] == AssistanceGrant.ConsentMethod.SMS_CODE:
        return "code"
    if error.code in {"no_reference", "reference_too_long"}:
        return "form_reference"
    return None


def _assist_consent(request: HttpRequest, actor: User) -> HttpResponse:
    form = AssistConsentForm(request.POST)
    if not form.is_valid():
        return _assist_page(request, form, actor)
    data = form.cleaned_data
    if data["consent_method"] == AssistanceGrant.ConsentMethod.SMS_CODE and not _verify_allowed(request):
        form.add_error("code", _("Too many tries from this network. Try again later."))
        return _assist_page(request, form, actor, status=429)
    try:
        grant = services.assistance_start(
            actor=actor,
            worker_phone=data["worker_phone"],
            consent_method=data["consent_method"],
            code=data["code"],
            form_reference=data["form_reference"],
        )
    except AccountsError as error:
        form.add_error(_consent_error_field(form, error), error.message)
        return _assist_page(request, form, actor)
    previous = current_assistance(request)
    if previous is not None:
        # One worker at a time per session, so nothing is done in the wrong name.
        services.assistance_end(grant=previous)
    assistance_remember(request, grant)
    messages.success(request, _("You are now acting for %(worker)s.") % {"worker": grant.worker.masked_phone})
    return redirect("accounts:assist_start")


@login_required
@never_cache
@sensitive_post_parameters("code")
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def assist_start_view(request: HttpRequest) -> HttpResponse:
    actor = _assistant_or_403(request)
    if request.method == "GET":
        return _assist_page(request, AssistPhoneForm(), actor)
    action = request.POST.get("action", "send")
    if action == "start":
        return _assist_consent(request, actor)
    if action == "change":
        phone_form = AssistPhoneForm(initial={"worker_phone": request.POST.get("worker_phone", "")})
        return _assist_page(request, phone_form, actor)
    return _assist_send(request, actor)


@login_required
@require_POST
def assist_end_view(request: HttpRequest) -> HttpResponse:
    _assistant_or_403(request)
    grant = current_assistance(request)
    if grant is not None:
        services.assistance_end(grant=grant)
        messages.success(request, _("You are no longer acting for %(worker)s.") % {"worker": grant.worker.masked_phone})
    assistance_forget(request)
    return redirect("accounts:assist_start")


# Console lockout --------------------------------------------------------------


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: a translated page instead of bare text."""
    cooloff = get_cool_off(request) or timedelta(0)
    minutes = max(1, math.ceil(cooloff.total_seconds() / 60))
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
