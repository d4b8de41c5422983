"""Writes to a worker's profile, one service per sign-up step; the same services edit it later.

Every service is keyword-only and atomic. A refusal is a ValidationError whose
dictionary is keyed by the argument at fault, so a form with fields of the same
names can show each message next to its field. A completed step moves
`signup_step` on (never back), a change publishes `worker.changed` so matching
looks again, and a change made under an assistance grant joins its audit trail.
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import pii
from accounts.models import AssistanceGrant
from accounts.services import assisted_action_record
from outbox.services import event_publish
from reference.codes import is_mainland
from reference.models import Occupation, Region
from workers.identity import id_number_check
from workers.models import Certificate, DestinationChoice, Skill, Worker

__all__ = [
    "CONSENT_VERSION",
    "MAX_PROVINCES",
    "RETENTION_YEARS",
    "WAGE_MAX",
    "YEARS_MAX",
    "assisted_change_record",
    "worker_changed_publish",
    "worker_home_set",
    "worker_identity_set",
    "worker_poor_labourer_declare",
    "worker_signup_advance",
    "worker_work_set",
]

# Bump when the consent wording changes, so every stored consent says which text was agreed to.
CONSENT_VERSION = "2026-1"
RETENTION_YEARS = 3
MAX_PROVINCES = 5
YEARS_MAX = 60
WAGE_MAX = 100_000
CERTIFICATE_NAME_MAX = 100
TOPIC_WORKER_CHANGED = "worker.changed"

Step = Worker.SignupStep


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _today() -> date:
    """Today in the service's time zone; tests replace this seam to check ages on a fixed day."""
    return timezone.localdate()


def worker_changed_publish(*, worker_id: int) -> None:
    """Tell matching, once the caller's transaction commits, that the worker's profile changed."""
    event_publish(topic=TOPIC_WORKER_CHANGED, payload={"worker_id": worker_id})


def assisted_change_record(
    *, grant: AssistanceGrant | None, action: str, description: str, target: models.Model
) -> None:
    """Add the change to the grant's audit trail when it was made for the worker by someone else."""
    if grant is not None:
        assisted_action_record(grant=grant, action=action, description=description, target=target)


def _advance(worker: Worker, completed: int) -> list[str]:
    """Move the next step past `completed`, never back; the fields to save."""
    if worker.signup_step > completed:
        return []
    worker.signup_step = completed + 1
    return ["signup_step"]


def _refuse(errors: dict[str, list[ValidationError]]) -> None:
    if any(errors.values()):
        raise ValidationError({field: messages for field, messages in errors.items() if messages})


# Identity -------------------------------------------------------------------


def _duplicate_id_error() -> ValidationError:
    # Says nothing of the other account: not its phone, name or when it was made.
    return ValidationError(
        _(
            "This ID number is already registered with another Chunfeng account. Log in with the mobile "
            "number of that account instead. If you no longer have that number, ask your labour bureau for help."
        ),
        code="id_duplicate",
    )


@transaction.atomic
def worker_identity_set(
    *,
    worker: Worker,
    real_name: str,
    id_number: str,
    consent_processing: bool,
    consent_sharing: bool,
    grant: AssistanceGrant | None = None,
) -> Worker:
    """Store name, ID number (with the birth date it holds) and both consents; step 2 of sign-up."""
    errors: dict[str, list[ValidationError]] = {"real_name": [], "id_number": []}
    name = " ".join(real_name.split())
    if not name:
        errors["real_name"].append(ValidationError(_("Enter your name as it is on your ID card."), code="required"))
    elif any(character.isdigit() for character in name):
        errors["real_name"].append(
            ValidationError(_("A name has no digits. Type the ID number in its own box below."), code="name_digits")
        )
    checked = None
    try:
        checked = id_number_check(id_number, today=_today())
    except ValidationError as error:
        errors["id_number"].append(error)
    if checked is not None:
        taken = Worker.objects.filter(id_number_hash=pii.keyed_hash(checked.number, purpose="id_number"))
        if taken.exclude(pk=worker.pk).exists():
            errors["id_number"].append(_duplicate_id_error())
    if not consent_processing:
        errors["consent_processing"] = [
            ValidationError(
                _("Chunfeng can only look for work for you with this consent. Tick the box to agree."),
                code="consent_required",
            )
        ]
    if not consent_sharing:
        errors["consent_sharing"] = [
            ValidationError(
                _("Without this consent no employer can see your profile, so no job can be offered to you."),
                code="consent_required",
            )
        ]
    if checked is None or any(errors.values()):
        raise ValidationError({field: messages for field, messages in errors.items() if messages})

    now = _now()
    worker.real_name = name
    worker.set_id_number(checked.number)
    worker.birth_date = checked.birth_date
    worker.gender = checked.gender
    # A consent given again to the same text keeps the moment it was first given.
    renewed = worker.consent_version != CONSENT_VERSION
    if renewed or worker.consent_processing_at is None:
        worker.consent_processing_at = now
    if renewed or worker.consent_sharing_at is None:
        worker.consent_sharing_at = now
    worker.consent_version = CONSENT_VERSION
    fields = ["real_name", "id_number_encrypted", "id_number_hash", "birth_date", "gender"]
    fields += ["consent_processing_at", "consent_sharing_at", "consent_version", "updated_at"]
    if grant is not None and worker.registered_by_id is None:
        worker.registered_by = grant.actor
        fields.append("registered_by")
    fields += _advance(worker, Step.IDENTITY)
    try:
        with transaction.atomic():
            worker.save(update_fields=fields)
    except IntegrityError:
        # Another account saved the same number between the check and this save.
        worker.refresh_from_db()
        raise ValidationError({"id_number": [_duplicate_id_error()]}) from None
    worker_changed_publish(worker_id=worker.pk)
    assisted_change_record(
        grant=grant, action="profile.identity", description=_("Name, ID number and consents saved"), target=worker
    )
    return worker


# Home -----------------------------------------------------------------------


def _county_errors(region: Region | None) -> list[ValidationError]:
    if region is None or (region.level == Region.Level.COUNTY and region.is_current):
        return []
    return [ValidationError(_("Choose a county or district that exists today."), code="not_a_county")]


@transaction.atomic
def worker_home_set(
    *,
    worker: Worker,
    hukou_county: Region,
    current_county: Region | None = None,
    grant: AssistanceGrant | None = None,
) -> Worker:
    """Store the hukou county and, when away from it, where the worker is now; step 3 of sign-up."""
    _refuse({"hukou_county": _county_errors(hukou_county), "current_county": _county_errors(current_county)})
    worker.hukou_county = hukou_county
    # "Where I am now" only means something when it differs from home.
    worker.current_county = None if current_county == hukou_county else current_county
    fields = ["hukou_county", "current_county", "updated_at", *_advance(worker, Step.HOME)]
    worker.save(update_fields=fields)
    worker_changed_publish(worker_id=worker.pk)
    assisted_change_record(
        grant=grant, action="profile.home", description=_("Home county and present location saved"), target=worker
    )
    return worker


# Work -----------------------------------------------------------------------


def _skill_errors(skills: Sequence[tuple[Occupation, int]]) -> list[ValidationError]:
    errors = []
    if any(not 0 <= years <= YEARS_MAX for _occupation, years in skills):
        errors.append(
            ValidationError(
                _("Years of experience run from 0 to %(max)d.") % {"max": YEARS_MAX}, code="years_out_of_range"
            )
        )
    codes = [occupation.code for occupation, _years in skills]
    if len(set(codes)) != len(codes):
        errors.append(ValidationError(_("Each occupation can be listed only once."), code="skill_twice"))
    return errors


def _certificate_errors(certificates: Sequence[tuple[str, int, Occupation | None]]) -> list[ValidationError]:
    errors = []
    if any(not name.strip() or len(name.strip()) > CERTIFICATE_NAME_MAX for name, _level, _occ in certificates):
        errors.append(
            ValidationError(
                _("Give each certificate a name of at most %(max)d characters.") % {"max": CERTIFICATE_NAME_MAX},
                code="certificate_name",
            )
        )
    if any(level not in Certificate.Level.values for _name, level, _occ in certificates):
        errors.append(ValidationError(_("Choose the certificate's level from the list."), code="certificate_level"))
    return errors


def _province_errors(destinations: str, provinces: Sequence[Region]) -> list[ValidationError]:
    if destinations != Worker.Destinations.PROVINCES:
        if provinces:
            return [ValidationError(_("Provinces are chosen only for 'The provinces I choose'."), code="provinces")]
        return []
    if not provinces:
        return [
            ValidationError(
                _("Choose at least one province, or choose 'Anywhere in China'."), code="provinces_required"
            )
        ]
    errors = []
    if len(provinces) > MAX_PROVINCES:
        errors.append(
            ValidationError(_("Choose at most %(max)d provinces.") % {"max": MAX_PROVINCES}, code="provinces_too_many")
        )
    if len({province.code for province in provinces}) != len(provinces):
        errors.append(ValidationError(_("Each province can be chosen only once."), code="province_twice"))
    if any(
        province.level != Region.Level.PROVINCE or not province.is_current or not is_mainland(province.code)
        for province in provinces
    ):
        errors.append(ValidationError(_("Choose provinces of mainland China from the list."), code="province_unknown"))
    return errors


def _work_errors(
    *,
    skills: Sequence[tuple[Occupation, int]],
    certificates: Sequence[tuple[str, int, Occupation | None]],
    education: str,
    destinations: str,
    provinces: Sequence[Region],
    min_monthly_wage: int | None,
    available_from: date | None,
    available_to: date | None,
    planned_return: date | None,
) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {
        "skills": _skill_errors(skills),
        "certificates": _certificate_errors(certificates),
        "provinces": _province_errors(destinations, provinces),
    }
    if education and education not in Worker.Education.values:
        errors["education"] = [ValidationError(_("Choose your schooling from the list."), code="education")]
    if destinations not in Worker.Destinations.values:
        errors["destinations"] = [ValidationError(_("Choose where you will work."), code="destinations")]
    if min_monthly_wage is not None and not 0 <= min_monthly_wage <= WAGE_MAX:
        errors["min_monthly_wage"] = [
            ValidationError(
                _("Enter a monthly wage from 0 to %(max)d yuan.") % {"max": WAGE_MAX}, code="wage_out_of_range"
            )
        ]
    if available_from and available_to and available_to < available_from:
        errors["available_to"] = [
            ValidationError(_("This date is before the day you are free to start."), code="to_before_from")
        ]
    if available_from and planned_return and planned_return < available_from:
        errors["planned_return"] = [
            ValidationError(
                _("The return home cannot come before the day you are free to start."), code="return_before_from"
            )
        ]
    return errors


@transaction.atomic
def worker_work_set(
    *,
    worker: Worker,
    skills: Sequence[tuple[Occupation, int]],
    certificates: Sequence[tuple[str, int, Occupation | None]],
    education: str,
    languages: str,
    destinations: str,
    provinces: Sequence[Region],
    min_monthly_wage: int | None,
    available_from: date | None,
    available_to: date | None,
    planned_return: date | None,
    grant: AssistanceGrant | None = None,
) -> Worker:
    """Replace skills, certificates and destinations and store wage and dates; step 4 of sign-up.

    No skills at all is allowed: a worker with no experience yet can be matched with trainee posts.
    """
    _refuse(
        _work_errors(
            skills=skills,
            certificates=certificates,
            education=education,
            destinations=destinations,
            provinces=provinces,
            min_monthly_wage=min_monthly_wage,
            available_from=available_from,
            available_to=available_to,
            planned_return=planned_return,
        )
    )
    worker.skills.all().delete()
    Skill.objects.bulk_create(Skill(worker=worker, occupation=occ, years=years) for occ, years in skills)
    worker.certificates.all().delete()
    Certificate.objects.bulk_create(
        Certificate(worker=worker, name=name.strip(), level=level, occupation=occupation)
        for name, level, occupation in certificates
    )
    worker.destination_choices.all().delete()
    DestinationChoice.objects.bulk_create(
        DestinationChoice(worker=worker, province=province, rank=rank)
        for rank, province in enumerate(provinces, start=1)
    )
    worker.education = education
    worker.languages = " ".join(languages.split())[:200]
    worker.destinations = destinations
    worker.min_monthly_wage = min_monthly_wage
    worker.available_from = available_from
    worker.available_to = available_to
    worker.planned_return = planned_return
    fields = ["education", "languages", "destinations", "min_monthly_wage", "available_from", "available_to"]
    fields += ["planned_return", "updated_at", *_advance(worker, Step.WORK)]
    worker.save(update_fields=fields)
    worker_changed_publish(worker_id=worker.pk)
    assisted_change_record(
        grant=grant, action="profile.work", description=_("Skills, destinations, wage and dates saved"), target=worker
    )
    return worker


# Group step and poor-labourer declaration -------------------------------------


OPTIONAL_STEPS = frozenset({Step.GROUP})


@transaction.atomic
def worker_signup_advance(*, worker: Worker, completed: int, grant: AssistanceGrant | None = None) -> Worker:
    """Mark an optional sign-up step (the group) as done, leaving its data as it is."""
    if completed not in OPTIONAL_STEPS:
        # The other steps finish only by saving their data, consent first of all.
        raise ValueError(f"step {completed} is finished by its own service, not skipped")
    fields = _advance(worker, completed)
    if fields:
        worker.save(update_fields=[*fields, "updated_at"])
        assisted_change_record(
            grant=grant,
            action="profile.signup_step",
            description=_("Sign-up step %(step)s finished") % {"step": Step(completed).label},
            target=worker,
        )
    return worker


@transaction.atomic
def worker_poor_labourer_declare(*, worker: Worker, declared: bool, grant: AssistanceGrant | None = None) -> Worker:
    """Record whether the worker declares being a registered poor labourer; step 6 of sign-up.

    A declaration only asks the bureau to check: priority comes with VERIFIED,
    which only staff set. Declaring again leaves a staff decision as it is;
    withdrawing drops the declaration and any decision on it.
    """
    status = Worker.PoorLabourer
    fields = ["updated_at", *_advance(worker, Step.POOR_LABOURER)]
    if declared and worker.poor_labourer == status.NO:
        worker.poor_labourer = status.DECLARED
        fields.append("poor_labourer")
    elif not declared and worker.poor_labourer != status.NO:
        worker.poor_labourer = status.NO
        worker.poor_labourer_checked_by = None
        worker.poor_labourer_checked_at = None
        worker.poor_labourer_note = ""
        fields += ["poor_labourer", "poor_labourer_checked_by", "poor_labourer_checked_at", "poor_labourer_note"]
    worker.save(update_fields=fields)
    worker_changed_publish(worker_id=worker.pk)
    description = _("Declared a registered poor labourer") if declared else _("No poor-labourer registration declared")
    assisted_change_record(grant=grant, action="profile.poor_labourer", description=description, target=worker)
    return worker
