"""Writes for accounts: one-time codes, phone login and assisted access.

Every service is keyword-only and refuses with a domain error (OtpError,
AssistanceError) whose message can be shown to the user as it stands.
"""

import math
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from accounts import pii
from accounts.exceptions import AssistanceError, OtpError
from accounts.models import AssistanceGrant, AssistedAction, OneTimeCode, User
from accounts.sms import send_sms

__all__ = [
    "AssistanceError",
    "OtpError",
    "assistance_check",
    "assistance_code_request",
    "assistance_end",
    "assistance_start",
    "assisted_action_record",
    "consent_statement",
    "otp_purge",
    "otp_request",
    "otp_verify",
]

CODE_RETENTION = timedelta(days=1)
RATE_WINDOW = timedelta(hours=1)
SMS_KIND_LOGIN = "login_code"
SMS_KIND_CONSENT = "consent_code"
ASSISTANT_ROLES = frozenset({User.Role.AGENT, User.Role.STAFF})
_ACTION_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


# Phones and codes ---------------------------------------------------------


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _normalized_phone(phone: str) -> str:
    try:
        return pii.normalize_phone(phone)
    except ValidationError as error:
        raise OtpError(error.messages[0], code="invalid_phone") from None


def _ttl_minutes() -> int:
    return max(1, math.ceil(settings.OTP_TTL.total_seconds() / 60))


def _minutes_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds() / 60))


def _window_reopens(created: list[datetime], limit: int) -> datetime:
    """When enough of the oldest codes leave the window to allow one more."""
    return sorted(created)[len(created) - limit] + RATE_WINDOW


def _rate_limits_check(*, phone_hash: str, ip_hash: str, now: datetime) -> None:
    latest = OneTimeCode.objects.filter(phone_hash=phone_hash).order_by("-created_at").first()
    if latest is not None:
        wait = latest.created_at + timedelta(seconds=settings.OTP_RESEND_SECONDS) - now
        if wait > timedelta(0):
            seconds = math.ceil(wait.total_seconds())
            message = ngettext(
                "Wait %(seconds)d second before asking for another code.",
                "Wait %(seconds)d seconds before asking for another code.",
                seconds,
            ) % {"seconds": seconds}
            raise OtpError(message, code="resend_wait")

    since = now - RATE_WINDOW
    _window_check(
        OneTimeCode.objects.filter(phone_hash=phone_hash, created_at__gt=since),
        limit=settings.OTP_PER_PHONE_PER_HOUR,
        now=now,
        code="phone_limit",
        message=ngettext_lazy(
            "Too many codes were sent to this number in the last hour. Try again in %(minutes)d minute.",
            "Too many codes were sent to this number in the last hour. Try again in %(minutes)d minutes.",
            "minutes",
        ),
    )
    _window_check(
        OneTimeCode.objects.filter(ip_hash=ip_hash, created_at__gt=since),
        limit=settings.OTP_PER_IP_PER_HOUR,
        now=now,
        code="ip_limit",
        message=ngettext_lazy(
            "Too many codes were asked for from this network in the last hour. Try again in %(minutes)d minute.",
            "Too many codes were asked for from this network in the last hour. Try again in %(minutes)d minutes.",
            "minutes",
        ),
    )


def _window_check(codes: QuerySet[OneTimeCode], *, limit: int, now: datetime, code: str, message: Any) -> None:
    """Refuse once `limit` codes fall in the sliding hour, saying when the next one is allowed."""
    created = list(codes.values_list("created_at", flat=True))
    if len(created) < limit:
        return
    minutes = _minutes_until(_window_reopens(created, limit), now)
    raise OtpError(str(message % {"minutes": minutes}), code=code)


def _code_issue(
    *,
    phone: str,
    ip: str,
    purpose: str,
    kind: str,
    body: Callable[[str], str],
    requested_by: User | None = None,
) -> OneTimeCode:
    now = _now()
    phone_hash = pii.keyed_hash(phone, purpose="phone")
    ip_hash = pii.keyed_hash(ip or "", purpose="ip")
    _rate_limits_check(phone_hash=phone_hash, ip_hash=ip_hash, now=now)

    OneTimeCode.objects.filter(
        phone_hash=phone_hash, purpose=purpose, used_at__isnull=True, superseded_at__isnull=True
    ).update(superseded_at=now)
    code = _new_code()
    try:
        with transaction.atomic():
            otp = OneTimeCode.objects.create(
                phone_hash=phone_hash,
                purpose=purpose,
                code_hash=OneTimeCode.hash_code(phone_hash=phone_hash, purpose=purpose, code=code),
                ip_hash=ip_hash,
                requested_by=requested_by,
                created_at=now,
                expires_at=now + settings.OTP_TTL,
            )
    except IntegrityError:
        # A concurrent request for the same number issued its code first.
        seconds = max(settings.OTP_RESEND_SECONDS, 1)
        message = ngettext(
            "Wait %(seconds)d second before asking for another code.",
            "Wait %(seconds)d seconds before asking for another code.",
            seconds,
        ) % {"seconds": seconds}
        raise OtpError(message, code="resend_wait") from None
    send_sms(phone=phone, body=body(code), kind=kind)
    return otp


def _burnt_error() -> OtpError:
    return OtpError(_("Too many wrong tries. This code no longer works; ask for a new one."), code="burnt")


def _code_check(*, phone: str, purpose: str, code: str, requested_by: User | None) -> OneTimeCode | OtpError:
    """The used code, or the refusal to raise once the attempt count is saved."""
    now = _now()
    phone_hash = pii.keyed_hash(phone, purpose="phone")
    codes = OneTimeCode.objects.filter(phone_hash=phone_hash, purpose=purpose, requested_by=requested_by)
    latest = codes.select_for_update().order_by("-created_at", "-id").first()
    if latest is None:
        return OtpError(_("No code has been sent to this number. Ask for a code first."), code="no_code")

    if latest.matches(code):
        if latest.used_at is not None:
            return OtpError(_("This code has already been used. Ask for a new code."), code="used")
        if latest.is_burnt:
            return _burnt_error()
        if latest.is_expired(now):
            return OtpError(_("This code has expired. Ask for a new code."), code="expired")
        latest.mark_used(now)
        return latest

    if any(older.matches(code) for older in codes.exclude(pk=latest.pk).filter(created_at__gt=now - CODE_RETENTION)):
        return OtpError(
            _("That code was replaced by a newer one. Enter the code from the latest message."), code="superseded"
        )
    if latest.used_at is not None:
        return OtpError(_("No code is waiting for this number. Ask for a new code."), code="no_code")
    if latest.is_burnt:
        return _burnt_error()
    if latest.is_expired(now):
        return OtpError(_("This code has expired. Ask for a new code."), code="expired")

    latest.record_wrong_attempt()
    if latest.is_burnt:
        return _burnt_error()
    tries = latest.tries_left
    message = ngettext(
        "Wrong code. You have %(tries)d try left.",
        "Wrong code. You have %(tries)d tries left.",
        tries,
    ) % {"tries": tries}
    return OtpError(message, code="wrong")


def _code_redeem(*, phone: str, purpose: str, code: str, requested_by: User | None = None) -> OneTimeCode:
    # The check commits before the refusal is raised: were the error raised
    # inside the transaction, the rollback would forget the wrong guess and
    # allow unlimited tries.
    with transaction.atomic():
        outcome = _code_check(phone=phone, purpose=purpose, code=code.strip(), requested_by=requested_by)
    if isinstance(outcome, OtpError):
        raise outcome
    return outcome


def _new_username() -> str:
    return f"w{secrets.token_hex(6)}"


def _worker_get_or_create(*, phone: str) -> User:
    phone_hash = pii.keyed_hash(phone, purpose="phone")
    user = User.objects.filter(phone_hash=phone_hash).first()
    if user is not None:
        return user
    user = User(username=_new_username(), role=User.Role.WORKER, preferred_language=translation.get_language() or "")
    user.set_phone(phone)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A concurrent first login for the same number created the account.
        return User.objects.get(phone_hash=phone_hash)
    return user


def _login_body(code: str) -> str:
    minutes = _ttl_minutes()
    return ngettext(
        "Chunfeng: your login code is %(code)s. It expires in %(minutes)d minute. Never tell it to anyone.",
        "Chunfeng: your login code is %(code)s. It expires in %(minutes)d minutes. Never tell it to anyone.",
        minutes,
    ) % {"code": code, "minutes": minutes}


@transaction.atomic
def otp_request(*, phone: str, ip: str) -> OneTimeCode:
    """Text a fresh login code to phone, superseding older ones, within the rate limits."""
    normalized = _normalized_phone(phone)
    return _code_issue(
        phone=normalized, ip=ip, purpose=OneTimeCode.Purpose.LOGIN, kind=SMS_KIND_LOGIN, body=_login_body
    )


def otp_verify(*, phone: str, code: str) -> User:
    """Consume the login code for phone and return its user, creating a worker on first login."""
    # Not one transaction on purpose: a wrong guess must stay counted even
    # though the call then fails. _code_redeem commits it first.
    normalized = _normalized_phone(phone)
    _code_redeem(phone=normalized, purpose=OneTimeCode.Purpose.LOGIN, code=code)
    return _login_user(phone=normalized)


@transaction.atomic
def _login_user(*, phone: str) -> User:
    user = _worker_get_or_create(phone=phone)
    if not user.is_active:
        raise OtpError(_("This account has been switched off. Contact your labour bureau."), code="inactive")
    if user.is_staff or user.is_superuser:
        # An SMS code is a weaker proof than a password, and staff can reach the console.
        raise OtpError(_("Staff accounts log in with a password at the console."), code="staff")
    return user


@transaction.atomic
def otp_purge(*, older_than: timedelta = CODE_RETENTION) -> int:
    """Delete codes created longer ago than older_than; returns how many were deleted."""
    deleted, _by_model = OneTimeCode.objects.filter(created_at__lt=_now() - older_than).delete()
    return deleted


# Assisted access ----------------------------------------------------------


def consent_statement(*, actor: User) -> str:
    """The words the worker agrees to, in the active language; stored with the grant as shown."""
    return _(
        "I agree that %(actor)s may use Chunfeng for me: fill in my details, apply for jobs and answer "
        "offers in my name. Every action is recorded, and I can end this at any time."
    ) % {"actor": actor.display_name}


def _assistant_check(actor: User) -> None:
    if not actor.is_active or not (actor.role in ASSISTANT_ROLES or actor.is_superuser):
        raise AssistanceError(_("Only village agents and bureau staff can act for a worker."), code="not_assistant")


def _assisted_worker(*, actor: User, phone: str) -> User | None:
    """The worker with this phone if actor may act for them; None when nobody has the number yet."""
    worker = User.objects.filter(phone_hash=pii.keyed_hash(phone, purpose="phone")).first()
    if worker is None:
        return None
    if worker.pk == actor.pk:
        raise AssistanceError(_("You cannot act for yourself."), code="self")
    if worker.role != User.Role.WORKER or worker.is_staff:
        raise AssistanceError(_("This number belongs to an account that is not a worker's."), code="not_worker")
    if not worker.is_active:
        raise AssistanceError(_("This worker's account has been switched off."), code="inactive")
    if worker.home_region_id and not actor.can_act_in(worker.home_region_id):
        raise AssistanceError(_("This worker lives outside the region you serve."), code="out_of_region")
    return worker


def _consent_body(*, actor: User, worker: User | None) -> Callable[[str], str]:
    language = (worker.preferred_language if worker else "") or settings.LANGUAGE_CODE

    def body(code: str) -> str:
        minutes = _ttl_minutes()
        # The message is for the worker, so it is written in the worker's language.
        with translation.override(language):
            return ngettext(
                "Chunfeng: %(actor)s asks to act for you. If you agree, tell them this code: %(code)s. "
                "It expires in %(minutes)d minute.",
                "Chunfeng: %(actor)s asks to act for you. If you agree, tell them this code: %(code)s. "
                "It expires in %(minutes)d minutes.",
                minutes,
            ) % {"actor": actor.display_name, "code": code, "minutes": minutes}

    return body


def assistance_check(*, actor: User, worker_phone: str) -> User | None:
    """Refuse unless actor may act for the worker at worker_phone; that worker, or None if new."""
    _assistant_check(actor)
    return _assisted_worker(actor=actor, phone=_normalized_phone(worker_phone))


@transaction.atomic
def assistance_code_request(*, actor: User, worker_phone: str, ip: str) -> OneTimeCode:
    """Text the worker a consent code to read out to actor, once actor may act for them."""
    _assistant_check(actor)
    phone = _normalized_phone(worker_phone)
    worker = _assisted_worker(actor=actor, phone=phone)
    return _code_issue(
        phone=phone,
        ip=ip,
        purpose=OneTimeCode.Purpose.CONSENT,
        kind=SMS_KIND_CONSENT,
        body=_consent_body(actor=actor, worker=worker),
        requested_by=actor,
    )


def assistance_start(
    *,
    actor: User,
    worker_phone: str,
    consent_method: str,
    code: str | None = None,
    form_reference: str | None = None,
) -> AssistanceGrant:
    """Open a grant for actor to act for the worker at worker_phone, once consent is proven."""
    # Not one transaction on purpose: a wrong consent code must stay counted
    # even though the call then fails. The grant itself is written atomically.
    _assistant_check(actor)
    phone = _normalized_phone(worker_phone)
    _assisted_worker(actor=actor, phone=phone)
    if consent_method == AssistanceGrant.ConsentMethod.SMS_CODE:
        otp = _code_redeem(phone=phone, purpose=OneTimeCode.Purpose.CONSENT, code=code or "", requested_by=actor)
        reference = f"otp-{otp.pk}"
    elif consent_method == AssistanceGrant.ConsentMethod.SIGNED_FORM:
        reference = (form_reference or "").strip()
        if not reference:
            raise AssistanceError(_("Enter the number printed on the signed consent form."), code="no_reference")
        if len(reference) > cast(int, AssistanceGrant._meta.get_field("consent_reference").max_length):
            raise AssistanceError(_("That form number is too long."), code="reference_too_long")
    else:
        raise AssistanceError(_("Choose how the worker gave consent."), code="consent_method")
    return _grant_open(actor=actor, phone=phone, consent_method=consent_method, reference=reference)


@transaction.atomic
def _grant_open(*, actor: User, phone: str, consent_method: str, reference: str) -> AssistanceGrant:
    # Checked again inside the transaction: the worker may have been created
    # or moved region since the first check.
    worker = _assisted_worker(actor=actor, phone=phone) or _worker_get_or_create(phone=phone)
    return AssistanceGrant.objects.create(
        actor=actor,
        worker=worker,
        consent_method=consent_method,
        consent_reference=reference,
        consent_statement=consent_statement(actor=actor),
        started_at=_now(),
    )


@transaction.atomic
def assistance_end(*, grant: AssistanceGrant) -> AssistanceGrant:
    """End the grant now; ending a grant that has already ended changes nothing."""
    locked = AssistanceGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.is_active:
        locked.end(_now())
    grant.ended_at = locked.ended_at
    return locked


@transaction.atomic
def assisted_action_record(
    *, grant: AssistanceGrant, action: str, description: str, target: models.Model | None = None
) -> AssistedAction:
    """Add one action done for the worker under an active grant to the audit trail."""
    if not _ACTION_CODE.fullmatch(action) or len(action) > 64:
        raise ValueError(f"action must be a short dotted code such as 'profile.update', got {action!r}")
    if len(description) > 255:
        raise ValueError("description must be at most 255 characters")
    locked = AssistanceGrant.objects.select_for_update().get(pk=grant.pk)
    if not locked.is_active:
        raise AssistanceError(_("This assistance has ended. Start it again to act for the worker."), code="ended")
    return AssistedAction.objects.create(
        grant=locked,
        action=action,
        description=description,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        created_at=_now(),
    )
