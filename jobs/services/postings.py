"""Writes of job postings: save a draft, submit, approve, close, fill, expire.

Lifecycle: draft → submitted → published → filled / closed / expired. A
posting is published by staff of the site's region, or at once when its
employer may publish without review and the rules raise no flag.

Events (outbox topics):

- ``posting.published`` ``{"posting_id"}``: a posting became public.
- ``posting.terms_changed`` ``{"posting_id", "fields"}``: pay or conditions
  of a published posting changed (``fields`` lists the model fields, sorted).
  Workers who hold an offer on it must be told and must confirm again; the
  posting is back with the bureau (status submitted) unless its employer may
  publish without review and the new text raises no flag.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import pii
from accounts.models import User
from jobs import rules
from jobs.models import Employer, EmployerMember, JobPosting, Site
from outbox.services import event_publish

__all__ = [
    "EDITABLE_FIELDS",
    "NOTE_MAX_LENGTH",
    "PUBLISHED_DAYS",
    "STAFF_NOTE_CODE",
    "TERMS_FIELDS",
    "posting_approve",
    "posting_close",
    "posting_mark_filled",
    "posting_save",
    "posting_submit",
    "postings_expire",
]

TOPIC_PUBLISHED = "posting.published"
TOPIC_TERMS_CHANGED = "posting.terms_changed"
# A published posting stays public this long after its start date.
PUBLISHED_DAYS = 30
NOTE_MAX_LENGTH = 255
STAFF_NOTE_CODE = "staff_note"

# What the employer fills in; `site` and `contact_phone` are handled apart.
EDITABLE_FIELDS = (
    "occupation",
    "kind",
    "title",
    "headcount",
    "start_date",
    "contract_months",
    "wage_type",
    "wage_rate",
    "expected_monthly",
    "overtime_rules",
    "probation_months",
    "deduction_dormitory",
    "deduction_meals",
    "deduction_other",
    "deduction_other_note",
    "housing_provided",
    "meals_provided",
    "transport",
    "transport_subsidy",
    "skills_required",
    "years_required",
    "certificate_required",
    "trainees_accepted",
    "training_offered",
    "hours_per_day",
    "days_per_week",
    "safety_equipment",
    "description",
    "contact_name",
)
# Pay and conditions: changing one on a published posting asks offer holders to confirm again.
TERMS_FIELDS = (
    "wage_type",
    "wage_rate",
    "expected_monthly",
    "overtime_rules",
    "probation_months",
    "deduction_dormitory",
    "deduction_meals",
    "deduction_other",
    "housing_provided",
    "meals_provided",
    "transport",
    "transport_subsidy",
    "hours_per_day",
    "days_per_week",
    "start_date",
    "contract_months",
    "site",
)
_EDITABLE_STATUSES = (JobPosting.Status.DRAFT, JobPosting.Status.SUBMITTED, JobPosting.Status.PUBLISHED)
_OPEN_STATUSES = (*_EDITABLE_STATUSES, JobPosting.Status.FILLED)


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _today() -> date:
    return timezone.localdate(_now())


def _refuse(findings: list[rules.Finding]) -> None:
    refused = rules.refusals(findings)
    if refused:
        errors: dict[str, list[ValidationError]] = {}
        for finding in refused:
            errors.setdefault(finding.field, []).append(ValidationError(finding.message, code=finding.code))
        raise ValidationError(errors)


def _own(member: EmployerMember, posting: JobPosting) -> None:
    if posting.employer_id != member.employer_id:
        raise PermissionDenied


def _publish(posting: JobPosting, *, approved_by: User | None) -> None:
    posting.status = JobPosting.Status.PUBLISHED
    posting.published_at = _now()
    posting.expires_on = posting.start_date + timedelta(days=PUBLISHED_DAYS)
    posting.approved_by = approved_by


def _staff_notes(posting: JobPosting) -> list[dict[str, str]]:
    return [flag for flag in posting.review_flags or [] if flag.get("code") == STAFF_NOTE_CODE]


@transaction.atomic
def posting_save(
    *, member: EmployerMember, posting: JobPosting | None = None, data: dict[str, Any], site: Site
) -> JobPosting:
    """Create a draft or change a posting; refusals raise a ValidationError keyed by field, flags are stored.

    A change of pay or conditions to a published posting sends it back to the
    bureau (or keeps it published when auto-approvable) and publishes
    ``posting.terms_changed``.
    """
    if site.employer_id != member.employer_id:
        raise ValidationError({"site": _("Choose one of your company's sites.")}, code="foreign_site")
    if posting is None:
        posting = JobPosting(employer=member.employer, created_by=member.user, status=JobPosting.Status.DRAFT)
        before: dict[str, Any] = {}
    else:
        _own(member, posting)
        posting = JobPosting.objects.select_for_update().select_related("employer").get(pk=posting.pk)
        if posting.status not in _EDITABLE_STATUSES:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("This posting is %(status)s and can no longer be changed.")
                    % {"status": posting.get_status_display().lower()}
                },
                code="not_editable",
            )
        before = {field: getattr(posting, _attname(field)) for field in TERMS_FIELDS}
    old_flag_codes = {flag.get("code") for flag in posting.review_flags or []}

    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(posting, field, data[field])
    if posting.wage_type == JobPosting.WageType.MONTHLY and not posting.expected_monthly and posting.wage_rate:
        posting.expected_monthly = int(posting.wage_rate)
    posting.site = site
    posting.county_id = site.county_id
    if "contact_phone" in data:
        try:
            posting.contact_phone_encrypted = pii.normalize_phone(data["contact_phone"])
        except ValidationError as error:
            raise ValidationError({"contact_phone": error.messages}) from error

    findings = rules.posting_check(posting, today=_today())
    _refuse(findings)
    found_flags = rules.flags(findings)
    posting.review_flags = _staff_notes(posting) + [finding.as_flag() for finding in found_flags]

    changed = sorted(field for field, value in before.items() if getattr(posting, _attname(field)) != value)
    new_flags = {finding.code for finding in found_flags} - old_flag_codes
    if posting.status == JobPosting.Status.PUBLISHED and (changed or new_flags):
        if member.employer.may_publish_without_review and not found_flags:
            posting.expires_on = posting.start_date + timedelta(days=PUBLISHED_DAYS)
        else:
            posting.status = JobPosting.Status.SUBMITTED
            posting.submitted_at = _now()
        posting.save()
        if changed:
            event_publish(topic=TOPIC_TERMS_CHANGED, payload={"posting_id": posting.pk, "fields": changed})
        return posting
    posting.save()
    return posting


def _attname(field: str) -> str:
    # Foreign keys are compared by id, so no row is read to compare them.
    return "site_id" if field == "site" else field


@transaction.atomic
def posting_submit(*, member: EmployerMember, posting: JobPosting) -> JobPosting:
    """Send a draft to the bureau, or publish it at once when the employer may and no rule flags it."""
    _own(member, posting)
    posting = JobPosting.objects.select_for_update().select_related("employer").get(pk=posting.pk)
    if posting.status != JobPosting.Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent."), code="not_draft")
    if posting.employer.standing == Employer.Standing.BLOCKED:
        raise ValidationError(
            _(
                "The bureau has blocked new postings from your company: %(reason)s "
                "Settle the open wage and labour cases, then ask the bureau to review the standing."
            )
            % {"reason": posting.employer.standing_note or _("see the bureau's note.")},
            code="blocked",
        )
    findings = rules.posting_check(posting, today=_today())
    _refuse(findings)
    found_flags = rules.flags(findings)
    # The bureau's note answered the previous submission; this one starts afresh.
    posting.review_flags = [finding.as_flag() for finding in found_flags]
    posting.submitted_at = _now()
    if posting.employer.may_publish_without_review and not found_flags:
        _publish(posting, approved_by=None)
        posting.save()
        event_publish(topic=TOPIC_PUBLISHED, payload={"posting_id": posting.pk})
    else:
        posting.status = JobPosting.Status.SUBMITTED
        posting.save()
    return posting


@transaction.atomic
def posting_approve(*, posting: JobPosting, staff: User, approve: bool, note: str = "") -> JobPosting:
    """Publish a submitted posting, or send it back to its employer as a draft with a note.

    Only staff of the bureau receiving the workers (the site's region) decide.
    """
    if not (staff.is_active and staff.is_bureau_staff and staff.can_act_in(posting.county_id)):
        raise PermissionDenied
    posting = JobPosting.objects.select_for_update().select_related("employer").get(pk=posting.pk)
    if posting.status != JobPosting.Status.SUBMITTED:
        raise ValidationError(
            _("Only a posting waiting for the bureau can be approved or sent back."), code="not_submitted"
        )
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note can be at most %(max)d characters long.") % {"max": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    if approve:
        if not posting.employer.is_verified:
            raise ValidationError(
                _("Verify the employer before publishing its postings."), code="employer_not_verified"
            )
        _publish(posting, approved_by=staff)
        posting.save()
        event_publish(topic=TOPIC_PUBLISHED, payload={"posting_id": posting.pk})
        return posting
    if not note:
        raise ValidationError(_("Say what the employer must change: they read this note."), code="note_required")
    posting.status = JobPosting.Status.DRAFT
    posting.review_flags = [{"code": STAFF_NOTE_CODE, "field": "", "message": note}, *(posting.review_flags or [])]
    posting.save()
    return posting


@transaction.atomic
def posting_close(*, member: EmployerMember, posting: JobPosting) -> JobPosting:
    """Close a posting for good: it leaves search and takes no more candidates."""
    _own(member, posting)
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if posting.status not in _OPEN_STATUSES:
        raise ValidationError(_("This posting is already closed or expired."), code="not_open")
    posting.status = JobPosting.Status.CLOSED
    posting.closed_at = _now()
    posting.save()
    return posting


@transaction.atomic
def posting_mark_filled(*, posting: JobPosting) -> bool:
    """Mark a published posting filled once every position is taken; returns whether it changed."""
    changed = JobPosting.objects.filter(
        pk=posting.pk, status=JobPosting.Status.PUBLISHED, filled_count__gte=F("headcount")
    ).update(status=JobPosting.Status.FILLED)
    return bool(changed)


@transaction.atomic
def postings_expire(*, today: date) -> int:
    """Expire published postings whose expiry date has passed; returns how many. Running it twice changes nothing."""
    return JobPosting.objects.filter(status=JobPosting.Status.PUBLISHED, expires_on__lt=today).update(
        status=JobPosting.Status.EXPIRED
    )
