"""Workers registered on paper by a sending county and imported by bureau staff (console import).

A bulk import is assisted registration: for each row the clerk opens an
assistance grant on the worker's signed paper consent form (its number is in
the file), then runs the sign-up services under that grant, so the phone and
ID number are validated, encrypted and hashed exactly as at sign-up, consent is
stored with its text version, and each step joins the grant's audit trail. The
grant ends with the row.
"""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import pii
from accounts.exceptions import AssistanceError
from accounts.models import AssistanceGrant, User
from accounts.services import assistance_end, assistance_start
from reference.models import Occupation, Region
from workers.identity import clean_id_number
from workers.models import Worker
from workers.services.profile import (
    worker_home_set,
    worker_identity_set,
    worker_poor_labourer_declare,
    worker_signup_advance,
    worker_work_set,
)

__all__ = ["worker_import"]


def _phone_errors(phone: str) -> tuple[str, list[ValidationError]]:
    try:
        normalized = pii.normalize_phone(phone)
    except ValidationError as error:
        return "", error.error_list
    if User.objects.filter(phone_hash=pii.keyed_hash(normalized, purpose="phone")).exists():
        return normalized, [
            ValidationError(
                _("This mobile number is already registered, or appears in an earlier row of the file."),
                code="phone_taken",
            )
        ]
    return normalized, []


def _id_number_errors(id_number: str) -> list[ValidationError]:
    number = clean_id_number(id_number)
    if Worker.objects.filter(id_number_hash=pii.keyed_hash(number, purpose="id_number")).exists():
        return [
            ValidationError(
                _("This ID number is already registered, or appears in an earlier row of the file."),
                code="id_duplicate",
            )
        ]
    return []


def _county(*, staff: User, code: str) -> tuple[Region | None, list[ValidationError]]:
    county = Region.objects.filter(code=code).first()
    if county is None:
        return None, [ValidationError(_("No county or district has this code."), code="county_unknown")]
    if not staff.can_act_in(county.code):
        return None, [ValidationError(_("This county lies outside your region."), code="county_out_of_region")]
    return county, []


def _skills(skills: Sequence[tuple[str, int]]) -> tuple[list[tuple[Occupation, int]], list[ValidationError]]:
    occupations = Occupation.objects.in_bulk([code for code, _years in skills], field_name="code")
    unknown = [code for code, _years in skills if code not in occupations]
    if unknown:
        return [], [
            ValidationError(
                _("No occupation has the code %(codes)s.") % {"codes": ", ".join(unknown)}, code="occupation_unknown"
            )
        ]
    return [(occupations[code], years) for code, years in skills], []


def _provinces(codes: Sequence[str]) -> tuple[list[Region], list[ValidationError]]:
    found = Region.objects.in_bulk(codes)
    unknown = [code for code in codes if code not in found]
    if unknown:
        return [], [
            ValidationError(
                _("No province has the code %(codes)s.") % {"codes": ", ".join(unknown)}, code="province_unknown"
            )
        ]
    return [found[code] for code in codes], []


@transaction.atomic
def worker_import(
    *,
    staff: User,
    phone: str,
    consent_form: str,
    consent_processing: bool,
    consent_sharing: bool,
    real_name: str,
    id_number: str,
    hukou_county: str,
    skills: Sequence[tuple[str, int]],
    education: str,
    destinations: str,
    provinces: Sequence[str],
    min_monthly_wage: int | None,
    available_from: date | None,
    available_to: date | None,
    poor_labourer: bool,
) -> Worker:
    """Register one worker from a paper form under a signed-form assistance grant; ValidationError keyed by field.

    The phone and ID number must be new to Chunfeng and the hukou county must
    lie in the staff member's region.
    """
    if not (staff.is_active and staff.is_bureau_staff):
        raise PermissionDenied
    normalized, phone_errors = _phone_errors(phone)
    county, county_errors = _county(staff=staff, code=hukou_county)
    occupations, skill_errors = _skills(skills)
    chosen, province_errors = _provinces(provinces)
    errors = {
        "phone": phone_errors,
        "id_number": _id_number_errors(id_number),
        "hukou_county": county_errors,
        "skills": skill_errors,
        "provinces": province_errors,
    }
    if any(errors.values()) or county is None:
        raise ValidationError({field: messages for field, messages in errors.items() if messages})
    try:
        grant = assistance_start(
            actor=staff,
            worker_phone=normalized,
            consent_method=AssistanceGrant.ConsentMethod.SIGNED_FORM,
            form_reference=consent_form,
        )
    except AssistanceError as error:
        raise ValidationError({"consent_form": [ValidationError(error.message, code=error.code)]}) from None
    worker = Worker.objects.create(user=grant.worker)
    worker_identity_set(
        worker=worker,
        real_name=real_name,
        id_number=id_number,
        consent_processing=consent_processing,
        consent_sharing=consent_sharing,
        grant=grant,
    )
    worker_home_set(worker=worker, hukou_county=county, grant=grant)
    worker_work_set(
        worker=worker,
        skills=occupations,
        certificates=[],
        education=education,
        languages="",
        destinations=destinations or (Worker.Destinations.PROVINCES if chosen else Worker.Destinations.ANYWHERE),
        provinces=chosen,
        min_monthly_wage=min_monthly_wage,
        available_from=available_from,
        available_to=available_to,
        planned_return=None,
        grant=grant,
    )
    worker_signup_advance(worker=worker, completed=Worker.SignupStep.GROUP, grant=grant)
    worker_poor_labourer_declare(worker=worker, declared=poor_labourer, grant=grant)
    assistance_end(grant=grant)
    return worker
