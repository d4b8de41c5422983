"""Postings typed in by bureau staff from a receiving city's spreadsheet (console import).

An imported posting passes the same model validation and the same rules as
one an employer submits (jobs.rules), then waits for the bureau as SUBMITTED:
an import is data entry on the employer's behalf, not an approval, so a
person still publishes it with the "Approve and publish" action, which
records who approved and announces ``posting.published``.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import pii
from accounts.models import User
from jobs import rules
from jobs.models import Employer, JobPosting, Site
from jobs.services.postings import EDITABLE_FIELDS

__all__ = ["posting_import"]

# Staff type what the posting form asks for; the rest is set here.
_NOT_IMPORTED = ("employer", "site", "county", "contact_phone_encrypted", "net_monthly")


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _today() -> date:
    return timezone.localdate(_now())


def _employer(*, staff: User, uscc: str) -> Employer:
    employer = Employer.objects.filter(uscc=uscc.strip().upper()).first()
    if employer is None or not staff.can_act_in(employer.region_id):
        # One message for both: an import must not reveal which employers other regions have.
        raise ValidationError(
            {"employer_uscc": _("No employer with this unified social credit code is registered in your region.")},
            code="no_employer",
        )
    if not employer.is_verified:
        raise ValidationError(
            {"employer_uscc": _("Verify the employer before importing its postings.")}, code="employer_not_verified"
        )
    if employer.standing == Employer.Standing.BLOCKED:
        raise ValidationError(
            {"employer_uscc": _("The bureau has blocked new postings from this employer.")}, code="blocked"
        )
    return employer


def _site(*, staff: User, employer: Employer, site: str) -> Site:
    sites = employer.sites.select_related("county")
    found = list(sites.filter(pk=int(site))) if site.isdigit() else list(sites.filter(name=site))
    if not found:
        raise ValidationError({"site": _("This employer has no site with this number or name.")}, code="no_site")
    if len(found) > 1:
        raise ValidationError(
            {"site": _("This employer has several sites of this name: give the site number instead.")},
            code="site_ambiguous",
        )
    if not staff.can_act_in(found[0].county_id):
        raise ValidationError({"site": _("This site lies outside your region.")}, code="site_out_of_region")
    return found[0]


@transaction.atomic
def posting_import(
    *, staff: User, employer_uscc: str, site: str, contact_phone: str, data: dict[str, Any]
) -> JobPosting:
    """Create a posting from one imported row, waiting for the bureau; ValidationError keyed by field.

    The employer must be verified, not blocked, and registered in the staff
    member's region; the site must be the employer's and lie in that region.
    """
    if not (staff.is_active and staff.is_bureau_staff):
        raise PermissionDenied
    employer = _employer(staff=staff, uscc=employer_uscc)
    place = _site(staff=staff, employer=employer, site=site.strip())
    now = _now()
    posting = JobPosting(
        employer=employer,
        site=place,
        county_id=place.county_id,
        created_by=staff,
        status=JobPosting.Status.SUBMITTED,
        submitted_at=now,
    )
    for field in EDITABLE_FIELDS:
        if data.get(field) is not None:
            setattr(posting, field, data[field])
    # As on the posting form: a monthly wage is itself the expected monthly pay.
    if posting.wage_type == JobPosting.WageType.MONTHLY and not posting.expected_monthly and posting.wage_rate:
        posting.expected_monthly = int(posting.wage_rate)
    errors: dict[str, list[ValidationError]] = {}
    try:
        posting.contact_phone_encrypted = pii.normalize_phone(contact_phone)
    except ValidationError as error:
        errors["contact_phone"] = error.error_list
    try:
        # The rules below word the constraints (headcount) as the posting form does; the database still enforces them.
        posting.full_clean(exclude=_NOT_IMPORTED, validate_constraints=False)
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    findings = rules.posting_check(posting, today=_today())
    refused = rules.refusals(findings)
    if refused:
        for finding in refused:
            errors.setdefault(finding.field, []).append(ValidationError(finding.message, code=finding.code))
        raise ValidationError(errors)
    posting.review_flags = [finding.as_flag() for finding in rules.flags(findings)]
    posting.save()
    return posting
