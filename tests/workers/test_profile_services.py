"""Profile services: each sign-up step's rules, what it writes, the step it moves to, and the event it publishes."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from stdnum.cn import ric

from accounts import services as accounts_services
from accounts.models import AssistedAction
from outbox.models import OutboxEvent
from reference.models import Occupation, Region
from tests.accounts.factories import AgentFactory, WorkerFactory, county
from tests.workers.factories import WorkerProfileFactory, id_number
from workers.models import Certificate, Worker
from workers.services import profile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_reference_data")]

TODAY = date(2026, 11, 29)
Step = Worker.SignupStep


@pytest.fixture(autouse=True)
def _english_on_a_fixed_day(monkeypatch):
    monkeypatch.setattr(profile, "_today", lambda: TODAY)
    with translation.override("en"):
        yield


@pytest.fixture
def worker():
    return Worker.objects.create(user=WorkerFactory())


def _identity(worker, **overrides):
    arguments = {
        "worker": worker,
        "real_name": "李秀英",
        "id_number": id_number(),
        "consent_processing": True,
        "consent_sharing": True,
    }
    return profile.worker_identity_set(**(arguments | overrides))


def _refusal(call, **arguments) -> dict[str, list[ValidationError]]:
    with pytest.raises(ValidationError) as refused:
        call(**arguments)
    return refused.value.error_dict


def _codes(errors: dict[str, list[ValidationError]], field: str) -> list[str | None]:
    return [error.code for error in errors[field]]


def _events(worker) -> int:
    return OutboxEvent.objects.filter(topic="worker.changed", payload={"worker_id": worker.pk}).count()


def _work(worker, **overrides):
    arguments = {
        "worker": worker,
        "skills": [(Occupation.objects.get(code="bricklayer"), 6)],
        "certificates": [],
        "education": Worker.Education.JUNIOR,
        "languages": "Mandarin",
        "destinations": Worker.Destinations.ANYWHERE,
        "provinces": [],
        "min_monthly_wage": 4500,
        "available_from": date(2027, 2, 20),
        "available_to": date(2027, 12, 20),
        "planned_return": date(2028, 1, 20),
    }
    return profile.worker_work_set(**(arguments | overrides))


# Identity -------------------------------------------------------------------------


def test_identity_stores_the_number_encrypted_with_its_birth_date_and_moves_to_home(worker):
    _identity(worker, id_number=id_number(born=date(1990, 3, 7)))

    worker.refresh_from_db()
    assert worker.real_name == "李秀英"
    assert worker.id_number == id_number(born=date(1990, 3, 7))
    assert worker.birth_date == date(1990, 3, 7)
    assert worker.age_on(TODAY) == 36
    assert worker.signup_step == Step.HOME
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_encrypted FROM workers_worker WHERE id = %s", [worker.pk])
        stored = cursor.fetchone()[0]
    assert id_number() not in stored


def test_identity_records_both_consents_with_time_and_text_version(worker, monkeypatch):
    moment = datetime(2026, 11, 29, 1, 30, tzinfo=UTC)
    monkeypatch.setattr(profile, "_now", lambda: moment)

    _identity(worker)

    worker.refresh_from_db()
    assert worker.consent_processing_at == moment
    assert worker.consent_sharing_at == moment
    assert worker.consent_version == profile.CONSENT_VERSION


def test_consenting_again_to_the_same_text_keeps_the_first_time(worker, monkeypatch):
    first = datetime(2026, 11, 29, 1, 30, tzinfo=UTC)
    monkeypatch.setattr(profile, "_now", lambda: first)
    _identity(worker)
    monkeypatch.setattr(profile, "_now", lambda: datetime(2026, 12, 5, 0, 0, tzinfo=UTC))

    _identity(worker, real_name="李秀珍")

    worker.refresh_from_db()
    assert worker.consent_processing_at == first
    assert worker.real_name == "李秀珍"


@pytest.mark.parametrize("consent", ["consent_processing", "consent_sharing"])
def test_each_consent_is_required_on_its_own(worker, consent):
    errors = _refusal(_identity, worker=worker, **{consent: False})

    assert _codes(errors, consent) == ["consent_required"]
    worker.refresh_from_db()
    assert worker.signup_step == Step.IDENTITY
    assert worker.consent_processing_at is None


def test_a_mistyped_id_number_is_refused_as_a_checksum_error(worker):
    number = id_number()
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")

    errors = _refusal(_identity, worker=worker, id_number=wrong)

    assert _codes(errors, "id_number") == ["id_checksum"]
    assert "a digit may be mistyped" in errors["id_number"][0].messages[0]


def test_an_impossible_birth_date_in_the_number_is_refused(worker):
    body = "53062719900230001"  # 30 February
    number = body + ric.calc_check_digit(body + "0")

    errors = _refusal(_identity, worker=worker, id_number=number)

    assert _codes(errors, "id_number") == ["id_birth_date"]


def test_under_16_is_refused_with_the_reason_in_plain_words(worker):
    errors = _refusal(_identity, worker=worker, id_number=id_number(born=date(2010, 11, 30)))

    assert _codes(errors, "id_number") == ["under_16"]
    assert errors["id_number"][0].messages == [
        "Chunfeng can only register people aged 16 or over: employing children under 16 is against the law. "
        "Please come back when you are 16."
    ]


def test_turning_16_today_is_old_enough(worker):
    _identity(worker, id_number=id_number(born=date(2010, 11, 29)))

    assert worker.birth_date == date(2010, 11, 29)


def test_full_width_digits_and_spaces_are_accepted_and_stored_plainly(worker):
    number = id_number()
    typed = " ".join("".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[i : i + 6]) for i in (0, 6, 12))

    _identity(worker, id_number=typed)

    worker.refresh_from_db()
    assert worker.id_number == number


def test_an_id_number_on_another_account_is_refused_without_saying_whose(worker):
    other = WorkerProfileFactory(real_name="王建国", id_number=id_number(sequence=7))

    errors = _refusal(_identity, worker=worker, id_number=id_number(sequence=7))

    assert _codes(errors, "id_number") == ["id_duplicate"]
    message = errors["id_number"][0].messages[0]
    assert "Log in with the mobile number of that account" in message
    for secret in ("王建国", other.user.phone, other.user.masked_phone, other.user.phone[-4:]):
        assert secret not in message
    worker.refresh_from_db()
    assert worker.id_number_hash is None


def test_saving_ones_own_number_again_is_not_a_duplicate(worker):
    _identity(worker)

    _identity(worker, real_name="李秀珍")

    assert Worker.objects.get(pk=worker.pk).real_name == "李秀珍"


def test_a_name_with_digits_is_refused(worker):
    errors = _refusal(_identity, worker=worker, real_name="李1990")

    assert _codes(errors, "real_name") == ["name_digits"]


def test_identity_publishes_worker_changed_on_commit(worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _identity(worker)

    assert _events(worker) == 1
    assert len(callbacks) == 1


def test_a_refused_identity_publishes_nothing(worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        _identity(worker, consent_sharing=False)

    assert _events(worker) == 0
    assert callbacks == []


# Home -----------------------------------------------------------------------------


def test_home_stores_the_hukou_county_and_moves_to_work():
    worker = WorkerProfileFactory(signup_step=Step.HOME, hukou_county=None)

    profile.worker_home_set(worker=worker, hukou_county=county("511321"), current_county=county("440306"))

    worker.refresh_from_db()
    assert (worker.hukou_county_id, worker.current_county_id) == ("511321", "440306")
    assert worker.signup_step == Step.WORK
    assert _events(worker) == 1


def test_being_at_home_leaves_no_separate_present_location():
    worker = WorkerProfileFactory(signup_step=Step.HOME)

    profile.worker_home_set(worker=worker, hukou_county=county("511321"), current_county=county("511321"))

    assert worker.current_county is None


def test_a_prefecture_or_an_abolished_county_is_not_a_home_county():
    worker = WorkerProfileFactory(signup_step=Step.HOME, hukou_county=None)
    abolished = Region.objects.filter(level=Region.Level.COUNTY, valid_to__isnull=False).first()

    errors = _refusal(
        profile.worker_home_set,
        worker=worker,
        hukou_county=Region.objects.get(code="511300"),
        current_county=abolished,
    )

    assert _codes(errors, "hukou_county") == ["not_a_county"]
    if abolished is not None:
        assert _codes(errors, "current_county") == ["not_a_county"]


def test_editing_an_earlier_step_never_moves_sign_up_back():
    worker = WorkerProfileFactory(signup_step=Step.DONE)

    profile.worker_home_set(worker=worker, hukou_county=county("530627"))

    assert Worker.objects.get(pk=worker.pk).signup_step == Step.DONE


# Work -----------------------------------------------------------------------------


def test_work_replaces_skills_certificates_and_ranked_provinces_and_moves_to_group():
    worker = WorkerProfileFactory(signup_step=Step.WORK)
    electrician = Occupation.objects.get(code="construction_electrician")

    _work(
        worker,
        skills=[(Occupation.objects.get(code="bricklayer"), 6), (electrician, 2)],
        certificates=[("Electrician's operating certificate", Certificate.Level.FOUR, electrician)],
        destinations=Worker.Destinations.PROVINCES,
        provinces=[Region.objects.get(code="440000"), Region.objects.get(code="330000")],
    )
    _work(
        worker,
        skills=[(electrician, 3)],
        destinations=Worker.Destinations.PROVINCES,
        provinces=[Region.objects.get(code="330000")],
    )

    worker.refresh_from_db()
    assert [(s.occupation.code, s.years) for s in worker.skills.all()] == [("construction_electrician", 3)]
    assert not worker.certificates.exists()
    assert [(d.rank, d.province_id) for d in worker.destination_choices.all()] == [(1, "330000")]
    assert worker.signup_step == Step.GROUP
    assert (worker.min_monthly_wage, worker.available_from) == (4500, date(2027, 2, 20))


def test_provinces_keep_their_order_as_ranks():
    worker = WorkerProfileFactory(signup_step=Step.WORK)
    codes = ["440000", "330000", "320000", "350000", "310000"]

    _work(
        worker,
        destinations=Worker.Destinations.PROVINCES,
        provinces=[Region.objects.get(code=code) for code in codes],
    )

    assert list(worker.destination_choices.values_list("province_id", flat=True)) == codes


def test_no_skills_at_all_is_allowed_for_a_newcomer():
    worker = WorkerProfileFactory(signup_step=Step.WORK)

    _work(worker, skills=[])

    assert worker.signup_step == Step.GROUP
    assert not worker.skills.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"min_monthly_wage": 100_001}, "min_monthly_wage", "wage_out_of_range"),
        ({"min_monthly_wage": -1}, "min_monthly_wage", "wage_out_of_range"),
        ({"available_to": date(2027, 2, 19)}, "available_to", "to_before_from"),
        ({"planned_return": date(2027, 1, 1)}, "planned_return", "return_before_from"),
        ({"destinations": "provinces"}, "provinces", "provinces_required"),
        ({"education": "phd"}, "education", "education"),
    ],
)
def test_work_rules_refuse_out_of_range_values(overrides, field, code):
    worker = WorkerProfileFactory(signup_step=Step.WORK)

    errors = _refusal(_work, worker=worker, **overrides)

    assert _codes(errors, field) == [code]
    assert Worker.objects.get(pk=worker.pk).signup_step == Step.WORK


@pytest.mark.parametrize("years", [-1, 61])
def test_years_of_experience_run_from_0_to_60(years):
    worker = WorkerProfileFactory(signup_step=Step.WORK)

    errors = _refusal(_work, worker=worker, skills=[(Occupation.objects.get(code="bricklayer"), years)])

    assert _codes(errors, "skills") == ["years_out_of_range"]


def test_sixty_years_and_a_wage_of_100000_are_still_accepted():
    worker = WorkerProfileFactory(signup_step=Step.WORK)

    _work(worker, skills=[(Occupation.objects.get(code="bricklayer"), 60)], min_monthly_wage=100_000)

    assert worker.skills.get().years == 60


def test_the_same_occupation_twice_is_refused():
    worker = WorkerProfileFactory(signup_step=Step.WORK)
    bricklayer = Occupation.objects.get(code="bricklayer")

    errors = _refusal(_work, worker=worker, skills=[(bricklayer, 1), (bricklayer, 2)])

    assert _codes(errors, "skills") == ["skill_twice"]


@pytest.mark.parametrize(
    ("codes", "code"),
    [
        (["440000", "440000"], "province_twice"),
        (["440000", "330000", "320000", "350000", "310000", "110000"], "provinces_too_many"),
        (["810000"], "province_unknown"),
        (["440300"], "province_unknown"),
    ],
)
def test_provinces_are_distinct_at_most_five_and_mainland(codes, code):
    worker = WorkerProfileFactory(signup_step=Step.WORK)
    provinces = [Region.objects.get(code=c) for c in codes]

    errors = _refusal(_work, worker=worker, destinations=Worker.Destinations.PROVINCES, provinces=provinces)

    assert code in _codes(errors, "provinces")


def test_provinces_are_refused_unless_the_worker_chose_provinces():
    worker = WorkerProfileFactory(signup_step=Step.WORK)

    errors = _refusal(
        _work, worker=worker, destinations=Worker.Destinations.LOCAL, provinces=[Region.objects.get(code="440000")]
    )

    assert _codes(errors, "provinces") == ["provinces"]


def test_a_certificate_needs_a_name():
    worker = WorkerProfileFactory(signup_step=Step.WORK)

    errors = _refusal(_work, worker=worker, certificates=[("  ", Certificate.Level.FIVE, None)])

    assert _codes(errors, "certificates") == ["certificate_name"]


def test_a_refused_work_step_keeps_the_saved_skills_and_publishes_nothing(django_capture_on_commit_callbacks):
    worker = WorkerProfileFactory(signup_step=Step.WORK)
    _work(worker)
    before = _events(worker)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        _work(worker, skills=[], min_monthly_wage=200_000)

    assert worker.skills.count() == 1
    assert _events(worker) == before
    assert callbacks == []


# Group step and poor labourer -----------------------------------------------------


def test_skipping_the_group_step_moves_on_without_an_event():
    worker = WorkerProfileFactory(signup_step=Step.GROUP)

    profile.worker_signup_advance(worker=worker, completed=Step.GROUP)

    assert Worker.objects.get(pk=worker.pk).signup_step == Step.POOR_LABOURER
    assert _events(worker) == 0


def test_only_the_group_step_can_be_skipped():
    worker = WorkerProfileFactory(signup_step=Step.IDENTITY)

    with pytest.raises(ValueError, match="finished by its own service"):
        profile.worker_signup_advance(worker=worker, completed=Step.IDENTITY)

    assert Worker.objects.get(pk=worker.pk).signup_step == Step.IDENTITY


def test_declaring_a_poor_labourer_asks_for_verification_and_finishes_sign_up():
    worker = WorkerProfileFactory(signup_step=Step.POOR_LABOURER)

    profile.worker_poor_labourer_declare(worker=worker, declared=True)

    worker.refresh_from_db()
    assert worker.poor_labourer == Worker.PoorLabourer.DECLARED
    assert worker.has_priority is False
    assert worker.signup_complete
    assert _events(worker) == 1


def test_declaring_again_never_makes_oneself_verified_nor_undoes_a_staff_decision():
    worker = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.VERIFIED)

    profile.worker_poor_labourer_declare(worker=worker, declared=True)

    assert Worker.objects.get(pk=worker.pk).poor_labourer == Worker.PoorLabourer.VERIFIED


def test_withdrawing_the_declaration_drops_the_priority():
    worker = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.VERIFIED, poor_labourer_note="checked")

    profile.worker_poor_labourer_declare(worker=worker, declared=False)

    worker.refresh_from_db()
    assert (worker.poor_labourer, worker.poor_labourer_note) == (Worker.PoorLabourer.NO, "")


# Assisted changes -----------------------------------------------------------------


def test_a_change_under_an_assistance_grant_is_recorded_with_actor_and_worker(worker):
    agent = AgentFactory(home_region=county("530627"))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="NB-1"
    )

    _identity(worker, grant=grant)
    profile.worker_home_set(worker=worker, hukou_county=county("530627"), grant=grant)

    actions = AssistedAction.objects.order_by("pk")
    assert [a.action for a in actions] == ["profile.identity", "profile.home"]
    assert {(a.grant.actor, a.grant.worker) for a in actions} == {(agent, worker.user)}
    assert {(a.target_type, a.target_id) for a in actions} == {("workers.worker", str(worker.pk))}
    assert Worker.objects.get(pk=worker.pk).registered_by == agent


def test_a_change_without_a_grant_leaves_no_audit_row(worker):
    _identity(worker)

    assert not AssistedAction.objects.exists()
