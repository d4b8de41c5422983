"""Reads for workers: the home page, registrations, the worker's own data, and what staff may see."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts import pii
from accounts.models import AssistanceGrant, AssistedAction, SmsMessage, User
from reference.codes import scope_prefix
from reference.models import Region
from workers.models import (
    Certificate,
    Cohort,
    CohortMember,
    DestinationChoice,
    Skill,
    UnemploymentRegistration,
    Worker,
)

# As the database's one-open-registration constraint counts them.
UNEMPLOYMENT_OPEN = (UnemploymentRegistration.Status.SUBMITTED, UnemploymentRegistration.Status.ACCEPTED)
# The home page lists this many assisted actions; the data download holds them all.
HOME_ASSISTED_ACTIONS = 50


_PARENT = Region._meta.get_field("parent")


def _with_place(region_field: str) -> str:
    """A select_related path that loads a county with its prefecture and province in one query."""
    return f"{region_field}__parent__parent"


def place_name(region: Region | None) -> str:
    """A division with the places above it, province first: 云南省 昭通市 镇雄县.

    Reads only parents already loaded (select_related), so a list of places
    costs no extra queries; three levels at most.
    """
    names: list[str] = []
    current = region
    while current is not None and len(names) < len(Region.Level):
        names.append(current.name)
        if current.parent_id is None or not _PARENT.is_cached(current):
            break
        current = current.parent
    return " ".join(reversed(names))


# The worker's home page ----------------------------------------------------------


@dataclass(frozen=True)
class WorkerHome:
    """Everything the worker's home page shows, read in a fixed number of queries."""

    worker: Worker
    hukou_place: str
    current_place: str
    skills: list[Skill]
    certificates: list[Certificate]
    destinations: list[DestinationChoice]
    membership: CohortMember | None
    invitations: list[CohortMember]
    assisted_actions: list[AssistedAction]
    more_assisted_actions: bool
    open_registration: UnemploymentRegistration | None
    # Offers, courses and the trip belong to apps above workers, which workers
    # may not import: the page's cards load them through those apps' template
    # tags (matching's `offers` and `courses`, dispatch's `trips`).


def worker_profile_get(*, worker_id: int) -> Worker:
    """The worker with account, places, skills, certificates and destinations loaded."""
    return (
        Worker.objects.select_related("user", _with_place("hukou_county"), _with_place("current_county"))
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.select_related("occupation")),
            Prefetch("certificates", queryset=Certificate.objects.select_related("occupation")),
            Prefetch("destination_choices", queryset=DestinationChoice.objects.select_related("province")),
        )
        .get(pk=worker_id)
    )


def cohort_invitations_for(*, worker: Worker) -> list[CohortMember]:
    """Open group invitations sent to the worker's phone number, newest first."""
    phone = worker.user.phone
    if not phone:
        return []
    phone_hash = pii.keyed_hash(phone, purpose="phone")
    return list(
        CohortMember.objects.filter(phone_hash=phone_hash, status=CohortMember.Status.INVITED)
        .exclude(cohort__created_by=worker)
        .select_related("cohort__created_by__user")
        .order_by("-invited_at", "-id")
    )


def cohort_membership_open(*, worker: Worker) -> CohortMember | None:
    """The group the worker stands in (invited through their account or confirmed), if any."""
    return (
        CohortMember.objects.filter(
            worker=worker, status__in=[CohortMember.Status.INVITED, CohortMember.Status.CONFIRMED]
        )
        .select_related("cohort")
        .first()
    )


def assisted_actions_for(*, worker: Worker) -> QuerySet[AssistedAction]:
    """Everything done in the worker's name under an assistance grant, newest first."""
    return (
        AssistedAction.objects.filter(grant__worker_id=worker.user_id)
        .select_related("grant__actor")
        .order_by("-created_at", "-id")
    )


def unemployment_registrations_for(*, worker: Worker) -> QuerySet[UnemploymentRegistration]:
    """The worker's unemployment registrations, newest first, with their places loaded."""
    return UnemploymentRegistration.objects.filter(worker=worker).select_related(_with_place("region"))


def worker_home_get(*, worker: Worker) -> WorkerHome:
    """The worker's home page: profile, invitations, who acted for them, open registration."""
    profile = worker_profile_get(worker_id=worker.pk)
    actions = list(assisted_actions_for(worker=profile)[: HOME_ASSISTED_ACTIONS + 1])
    open_registration = unemployment_registrations_for(worker=profile).filter(status__in=UNEMPLOYMENT_OPEN).first()
    return WorkerHome(
        worker=profile,
        hukou_place=place_name(profile.hukou_county),
        current_place=place_name(profile.current_county),
        skills=list(profile.skills.all()),
        certificates=list(profile.certificates.all()),
        destinations=list(profile.destination_choices.all()),
        membership=cohort_membership_open(worker=profile),
        invitations=cohort_invitations_for(worker=profile),
        assisted_actions=actions[:HOME_ASSISTED_ACTIONS],
        more_assisted_actions=len(actions) > HOME_ASSISTED_ACTIONS,
        open_registration=open_registration,
    )


# What staff may see in the console -------------------------------------------------


def _region_scope(user: User, lookup: str) -> Q | None:
    """A filter on `lookup` (a region code path) for the user's home region; None means everywhere."""
    if user.is_superuser or user.nationwide:
        return None
    if user.home_region_id is None:
        return Q(pk__in=[])
    return Q(**{f"{lookup}__startswith": scope_prefix(user.home_region_id)})


def unemployment_registrations_visible_to(*, user: User) -> QuerySet[UnemploymentRegistration]:
    """Registrations made in the staff member's region: where the worker registered, not their hukou county."""
    registrations = UnemploymentRegistration.objects.all()
    scope = _region_scope(user, "region__code")
    return registrations if scope is None else registrations.filter(scope)


def cohorts_visible_to(*, user: User) -> QuerySet[Cohort]:
    """Groups started by a worker whose hukou county lies in the staff member's region."""
    cohorts = Cohort.objects.annotate(member_count=Count("members"))
    scope = _region_scope(user, "created_by__hukou_county__code")
    return cohorts if scope is None else cohorts.filter(scope)


# The worker's own data -------------------------------------------------------------


def _region_data(region: Region | None) -> dict[str, str] | None:
    if region is None:
        return None
    return {"code": region.code, "name": place_name(region)}


def _user_data(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "phone": user.phone,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "joined_at": user.date_joined,
        "last_login_at": user.last_login,
    }


def _profile_data(worker: Worker) -> dict[str, Any]:
    return {
        "real_name": worker.real_name,
        "id_number": worker.id_number,
        "birth_date": worker.birth_date,
        "hukou_county": _region_data(worker.hukou_county),
        "current_county": _region_data(worker.current_county),
        "education": worker.get_education_display() if worker.education else "",
        "languages": worker.languages,
        "destinations": worker.get_destinations_display(),
        "min_monthly_wage_yuan": worker.min_monthly_wage,
        "available_from": worker.available_from,
        "available_to": worker.available_to,
        "planned_return": worker.planned_return,
        "status": worker.get_status_display(),
        "poor_labourer": worker.get_poor_labourer_display(),
        "poor_labourer_checked_at": worker.poor_labourer_checked_at,
        "poor_labourer_note": worker.poor_labourer_note,
        "created_at": worker.created_at,
        "updated_at": worker.updated_at,
    }


def _cohorts_data(worker: Worker) -> dict[str, Any]:
    memberships = CohortMember.objects.filter(worker=worker).select_related("cohort").order_by("invited_at", "id")
    started = Cohort.objects.filter(created_by=worker).prefetch_related("members").order_by("created_at", "id")
    return {
        "memberships": [
            {
                "group": membership.cohort.name,
                "status": membership.get_status_display(),
                "invited_at": membership.invited_at,
                "answered_at": membership.responded_at,
            }
            for membership in memberships
        ],
        # Other members' numbers are their personal data, so they stay masked here too.
        "groups_started": [
            {
                "group": cohort.name,
                "created_at": cohort.created_at,
                "members": [
                    {"phone": member.masked_phone, "status": member.get_status_display()}
                    for member in cohort.members.all()
                ],
            }
            for cohort in started
        ],
    }


def _assistance_data(worker: Worker) -> list[dict[str, Any]]:
    grants = (
        AssistanceGrant.objects.filter(worker_id=worker.user_id)
        .select_related("actor")
        .prefetch_related("actions")
        .order_by("started_at", "id")
    )
    return [
        {
            "acting_person": grant.actor.display_name,
            "role": grant.actor.get_role_display(),
            "consent_method": grant.get_consent_method_display(),
            "consent_reference": grant.consent_reference,
            "consent_statement": grant.consent_statement,
            "started_at": grant.started_at,
            "ended_at": grant.ended_at,
            "actions": [
                {"at": action.created_at, "action": action.action, "description": action.description}
                for action in sorted(grant.actions.all(), key=lambda action: (action.created_at, action.pk))
            ],
        }
        for grant in grants
    ]


def _messages_data(user: User) -> list[dict[str, Any]]:
    if not user.phone_hash:
        return []
    messages = SmsMessage.objects.filter(phone_hash=user.phone_hash).order_by("created_at", "id")
    return [{"sent_at": message.created_at, "kind": message.kind, "text": message.body} for message in messages]


def worker_data_export(*, worker: Worker) -> dict[str, Any]:
    """Everything Chunfeng holds about the worker, unmasked: it is their own data."""
    profile = worker_profile_get(worker_id=worker.pk)
    registrations = unemployment_registrations_for(worker=profile).order_by("submitted_at", "id")
    return {
        "account": _user_data(profile.user),
        "profile": _profile_data(profile),
        "consent": {
            "processing_at": profile.consent_processing_at,
            "sharing_with_employers_at": profile.consent_sharing_at,
            "text_version": profile.consent_version,
        },
        "skills": [
            {"occupation": skill.occupation.name, "occupation_code": skill.occupation.code, "years": skill.years}
            for skill in profile.skills.all()
        ],
        "certificates": [
            {
                "name": certificate.name,
                "level": certificate.get_level_display(),
                "occupation_code": certificate.occupation.code if certificate.occupation else None,
            }
            for certificate in profile.certificates.all()
        ],
        "destinations": [
            {"rank": choice.rank, "province": _region_data(choice.province)}
            for choice in profile.destination_choices.all()
        ],
        "cohorts": _cohorts_data(profile),
        "unemployment_registrations": [
            {
                "county": _region_data(registration.region),
                "basis": registration.get_basis_display(),
                "last_employer": registration.last_employer,
                "status": registration.get_status_display(),
                "submitted_at": registration.submitted_at,
                "processed_at": registration.processed_at,
                "note": registration.note,
            }
            for registration in registrations
        ],
        "assisted_access": _assistance_data(profile),
        "text_messages": _messages_data(profile.user),
    }
