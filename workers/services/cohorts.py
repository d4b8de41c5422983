"""Cohorts: family members or fellow villagers who go to the same site, together or not at all.

Members are invited by phone number; the number is kept encrypted with a keyed
hash, and only the person who logs in with that number can answer. A worker
stands in at most one group at a time (a database constraint), and a group
has at most MAX_MEMBERS people invited or confirmed. Refusals are
ValidationErrors keyed by the argument at fault ("__all__" when none is).
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import pii
from accounts.models import AssistanceGrant, User
from accounts.sms import send_sms
from workers.models import Cohort, CohortMember, Worker
from workers.services.profile import assisted_change_record, worker_changed_publish

__all__ = [
    "MAX_MEMBERS",
    "cohort_create",
    "cohort_invitation_answer",
    "cohort_leave",
    "cohort_member_invite",
    "cohort_members",
    "family_name",
    "inviter_label",
]

MAX_MEMBERS = 10
SMS_KIND_INVITE = "cohort_invite"
NAME_MAX = 64
OPEN = (CohortMember.Status.INVITED, CohortMember.Status.CONFIRMED)
# The two-character family names common enough to meet on a sign-up form.
COMPOUND_SURNAMES = frozenset(
    {
        *("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文"),
        *("司徒", "夏侯", "轩辕", "令狐", "钟离", "闻人", "澹台", "端木", "呼延", "西门", "南宫"),
    }
)


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def _refusal(message: str, *, code: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _phone_hash(phone: str) -> str:
    return pii.keyed_hash(phone, purpose="phone")


def family_name(real_name: str) -> str:
    """The family name as people say it: 张 of 张伟, 欧阳 of 欧阳娜娜, the part before "·" of a transliterated name."""
    name = real_name.strip()
    if "·" in name:
        return name.split("·", 1)[0]
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def _published_to_members(cohort: Cohort, *also: Worker) -> None:
    """Matching places a cohort as one: every confirmed member's matches may change."""
    confirmed = cohort.members.filter(status=CohortMember.Status.CONFIRMED, worker__isnull=False)
    ids = set(confirmed.values_list("worker_id", flat=True)) | {worker.pk for worker in also}
    for worker_id in sorted(ids):
        worker_changed_publish(worker_id=worker_id)


# Reads --------------------------------------------------------------------------


def cohort_members(*, cohort: Cohort) -> list[CohortMember]:
    """Everyone ever invited into the cohort, in the order they were asked."""
    return list(cohort.members.order_by("invited_at", "pk"))


# Writes -------------------------------------------------------------------------


@transaction.atomic
def cohort_create(*, worker: Worker, name: str, grant: AssistanceGrant | None = None) -> Cohort:
    """Start a group named `name` with the worker as its first confirmed member."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise _refusal(
            _("Give the group a name of at most %(max)d characters.") % {"max": NAME_MAX},
            code="cohort_name",
            field="name",
        )
    phone = worker.user.phone
    if not phone:
        raise _refusal(_("Your account has no mobile number, so it cannot be in a group."), code="no_phone")
    in_group = _refusal(_("You are already in a group. Leave it first to start a new one."), code="in_another_group")
    if CohortMember.objects.filter(worker=worker, status__in=OPEN).exists():
        raise in_group
    now = _now()
    cohort = Cohort.objects.create(name=name, created_by=worker, created_at=now)
    member = CohortMember(
        cohort=cohort, worker=worker, status=CohortMember.Status.CONFIRMED, invited_at=now, responded_at=now
    )
    member.phone_encrypted = phone
    member.phone_hash = _phone_hash(phone)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # A concurrent request put the worker in another group first.
        raise in_group from None
    worker_changed_publish(worker_id=worker.pk)
    assisted_change_record(
        grant=grant, action="cohort.create", description=_("Group started: %(name)s") % {"name": name}, target=cohort
    )
    return cohort


def inviter_label(worker: Worker) -> str:
    """How an invitation names who sent it: family name and masked phone, never the full name."""
    phone = pii.mask_phone(worker.user.phone)
    family = family_name(worker.real_name)
    if not family:
        return phone
    return _("%(family_name)s (%(phone)s)") % {"family_name": family, "phone": phone}


def _invitation_body(*, member: CohortMember, inviter: Worker) -> str:
    invitee = User.objects.filter(phone_hash=member.phone_hash).only("preferred_language").first()
    language = (invitee.preferred_language if invitee else "") or settings.LANGUAGE_CODE
    url = settings.SITE_URL.rstrip("/") + reverse("workers:cohort_invitation", args=[member.pk])
    # Written for the invitee, who may not have an account yet: Chinese unless they chose otherwise.
    with translation.override(language):
        return _(
            'Chunfeng: %(inviter)s invites you to the group "%(group)s" to go to work at the same site. '
            "Log in with this number to answer: %(url)s"
        ) % {"inviter": inviter_label(inviter), "group": member.cohort.name, "url": url}


@transaction.atomic
def cohort_member_invite(
    *, cohort: Cohort, inviter: Worker, phone: str, grant: AssistanceGrant | None = None
) -> CohortMember:
    """Invite the mobile number `phone` into the cohort and text them the invitation once this commits."""
    try:
        number = pii.normalize_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.error_list}) from None
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not cohort.members.filter(worker=inviter, status=CohortMember.Status.CONFIRMED).exists():
        raise _refusal(_("Only members of this group can invite people to it."), code="not_a_member")
    phone_hash = _phone_hash(number)
    if inviter.user.phone and phone_hash == _phone_hash(inviter.user.phone):
        raise _refusal(
            _("That is your own number. Enter the number of the person to invite."), code="self", field="phone"
        )
    member = cohort.members.filter(phone_hash=phone_hash).first()
    if member is not None and member.status in OPEN:
        raise _refusal(_("This number is already in the group."), code="already_invited", field="phone")
    if cohort.members.filter(status__in=OPEN).count() >= MAX_MEMBERS:
        raise _refusal(
            _("A group has at most %(max)d people.") % {"max": MAX_MEMBERS}, code="cohort_full", field="phone"
        )
    if member is None:
        member = CohortMember(cohort=cohort, phone_hash=phone_hash)
        member.phone_encrypted = number
    # Someone who declined or left can be asked again: the same row, a fresh invitation.
    member.worker = None
    member.status = CohortMember.Status.INVITED
    member.invited_at = _now()
    member.responded_at = None
    member.save()
    body = _invitation_body(member=member, inviter=inviter)
    transaction.on_commit(lambda: send_sms(phone=number, body=body, kind=SMS_KIND_INVITE))
    assisted_change_record(
        grant=grant,
        action="cohort.invite",
        description=_("Invited %(phone)s into the group %(name)s")
        % {"phone": member.masked_phone, "name": cohort.name},
        target=member,
    )
    return member


def _locked_member(member: CohortMember) -> CohortMember:
    return CohortMember.objects.select_for_update().select_related("cohort").get(pk=member.pk)


@transaction.atomic
def cohort_invitation_answer(
    *, member: CohortMember, worker: Worker, accept: bool, grant: AssistanceGrant | None = None
) -> CohortMember:
    """Accept or decline an invitation; only the owner of the invited number may answer."""
    member = _locked_member(member)
    phone = worker.user.phone
    if not phone or _phone_hash(phone) != member.phone_hash:
        raise PermissionDenied
    if member.status != CohortMember.Status.INVITED:
        raise _refusal(_("This invitation has already been answered."), code="answered")
    member.status = CohortMember.Status.CONFIRMED if accept else CohortMember.Status.DECLINED
    member.worker = worker if accept else None
    member.responded_at = _now()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise _refusal(
            _("You are already in another group. Leave it first, then accept this invitation."),
            code="in_another_group",
        ) from None
    if accept:
        _published_to_members(member.cohort)
    name = member.cohort.name
    description = (_("Joined the group %(name)s") if accept else _("Declined the invitation to the group %(name)s")) % {
        "name": name
    }
    assisted_change_record(grant=grant, action="cohort.answer", description=description, target=member)
    return member


@transaction.atomic
def cohort_leave(*, member: CohortMember, worker: Worker, grant: AssistanceGrant | None = None) -> CohortMember:
    """Take the worker out of the group; the others stay together."""
    member = _locked_member(member)
    if member.worker_id != worker.pk or member.status != CohortMember.Status.CONFIRMED:
        raise _refusal(_("You are not in this group."), code="not_a_member")
    member.status = CohortMember.Status.LEFT
    member.responded_at = _now()
    member.save(update_fields=["status", "responded_at"])
    _published_to_members(member.cohort, worker)
    assisted_change_record(
        grant=grant,
        action="cohort.leave",
        description=_("Left the group %(name)s") % {"name": member.cohort.name},
        target=member,
    )
    return member
