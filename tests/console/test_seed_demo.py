"""seed_demo: a coherent demo world from real places, built once, rebuilt on --reset."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from stdnum.cn import uscc

from accounts import pii
from accounts.models import User
from console.seeding import places
from dispatch.models import Passenger, Trip
from jobs.models import Campaign, Employer, JobPosting
from matching.models import MatchRun, Offer
from outbox.models import OutboxEvent
from reference.models import Region
from reference.selectors import legal_minimum_wages
from rights.models import Case, WageCheckin
from training.models import Course, Enrollment, TrainingCertificate
from workers.identity import id_number_check
from workers.models import UnemploymentRegistration, Worker

pytestmark = pytest.mark.django_db

WORKERS = 240


@pytest.fixture
def seeded(real_reference_data, capsys):
    call_command("seed_demo", "--workers", str(WORKERS))
    return capsys.readouterr().out


def _seeded_workers():
    return Worker.objects.filter(user__username__startswith="seed-")


def test_the_summary_names_what_was_made_and_how_long_it_took(seeded):
    assert f"Seeded {WORKERS} workers in" in seeded
    assert "peak memory" in seeded
    assert "offers made by the matching run" in seeded


def test_every_seeded_worker_comes_from_a_real_sending_county_with_a_valid_unique_id_number(seeded):
    workers = list(_seeded_workers().select_related("hukou_county"))
    assert len(workers) == WORKERS
    today = timezone.localdate()
    for worker in workers:
        assert worker.hukou_county.level == Region.Level.COUNTY
        assert worker.hukou_county_id in places.SENDING_COUNTIES
        checked = id_number_check(worker.id_number, today=today)
        assert checked.birth_date == worker.birth_date
        assert checked.gender == worker.gender
        assert worker.id_number_hash == pii.keyed_hash(worker.id_number, purpose="id_number")
        assert worker.consent_processing_at is not None and worker.consent_sharing_at is not None
        assert worker.signup_complete
    assert len({worker.id_number for worker in workers}) == WORKERS
    phones = User.objects.filter(username__startswith="seed-").values_list("phone_hash", flat=True)
    assert None not in phones and len(set(phones)) == len(phones)


def test_seeded_phones_and_id_numbers_are_stored_encrypted(seeded):
    from django.db import connection

    worker = _seeded_workers().select_related("user").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_encrypted FROM workers_worker WHERE id = %s", [worker.pk])
        stored = cursor.fetchone()[0]
    assert worker.id_number not in stored
    assert pii.decrypt(stored) == worker.id_number
    assert not worker.user.has_usable_password()


def test_some_seeded_workers_are_verified_poor_labourers_with_skills_and_destinations(seeded):
    verified = _seeded_workers().filter(poor_labourer=Worker.PoorLabourer.VERIFIED)
    assert 0 < verified.count() < WORKERS
    assert not verified.filter(poor_labourer_checked_at__isnull=True).exists()
    assert not _seeded_workers().annotate(n=Count("skills")).filter(n=0).exists()
    provinces = _seeded_workers().filter(destinations=Worker.Destinations.PROVINCES)
    assert provinces.exists()
    assert not provinces.annotate(n=Count("destination_choices")).filter(n=0).exists()


def test_employers_are_verified_with_valid_credit_codes_and_pay_above_the_legal_minimum(seeded):
    employers = Employer.objects.filter(members__user__username__startswith="seed-")
    assert employers.count() >= 8
    assert employers.filter(verification=Employer.Verification.VERIFIED).count() >= employers.count() - 1
    for code in employers.values_list("uscc", flat=True):
        assert uscc.is_valid(code)
    postings = JobPosting.objects.filter(employer__in=employers)
    minimum = legal_minimum_wages(
        county_codes=set(postings.values_list("county_id", flat=True)), on=timezone.localdate()
    )
    for posting in postings:
        assert posting.expected_monthly > (minimum[posting.county_id] or 0)
    assert postings.filter(county_id__in=list(places.RECEIVING_COUNTIES)).exists()
    assert postings.filter(county_id__in=list(places.SENDING_COUNTIES)).exists(), "local work in the home prefecture"


def test_the_spring_breeze_action_has_open_postings(seeded):
    campaigns = Campaign.objects.filter(kind=Campaign.Kind.SPRING_BREEZE)
    assert campaigns.count() == 2  # last spring and the coming one (the demo's)
    current = campaigns.order_by("-starts_on")[0]
    assert current.postings.filter(status=JobPosting.Status.PUBLISHED).count() > 0


def test_a_finished_matching_run_made_offers_that_were_answered_in_every_way(seeded):
    run = MatchRun.objects.filter(trigger=MatchRun.Trigger.MANUAL).get()
    assert run.status == MatchRun.Status.FINISHED
    assert run.offers_made > 0
    states = set(Offer.objects.filter(run=run).values_list("status", flat=True))
    assert {Offer.Status.ACCEPTED, Offer.Status.CONFIRMED, Offer.Status.DECLINED, Offer.Status.EXPIRED} <= states
    assert MatchRun.objects.filter(parameters__seeded=True, status=MatchRun.Status.FINISHED).count() >= 18
    assert MatchRun.objects.filter(parameters__seeded=True, offers_made__gt=0).exists()


def test_live_offers_respect_one_per_worker_and_workers_follow_their_offers(seeded):
    live = Offer.objects.filter(status__in=Offer.LIVE)
    assert live.values("worker").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert not Worker.objects.filter(pk__in=live.values("worker_id"), status=Worker.Status.SEEKING).exists()
    ended = Offer.objects.filter(status__in=[Offer.Status.DECLINED, Offer.Status.EXPIRED]).values("worker_id")
    assert (
        not Worker.objects.filter(pk__in=ended, status=Worker.Status.OFFERED)
        .exclude(pk__in=live.values("worker_id"))
        .exists()
    )


def test_placed_workers_are_at_work_or_back_home_and_those_carried_point_to_point_arrived(seeded):
    placed = Offer.objects.filter(status=Offer.Status.PLACED)
    assert placed.count() > WORKERS // 5
    statuses = set(Worker.objects.filter(pk__in=placed.values("worker_id")).values_list("status", flat=True))
    assert statuses <= {Worker.Status.EMPLOYED, Worker.Status.BACK_HOME}
    carried = placed.filter(posting__transport=JobPosting.Transport.POINT_TO_POINT)
    passengers = Passenger.objects.filter(offer__in=carried)
    assert passengers.count() == carried.count()
    assert not passengers.filter(arrived_at__isnull=True).exists()
    assert not passengers.exclude(trip__status=Trip.Status.ARRIVED).exists()
    for passenger in passengers.select_related("offer__worker", "stop")[:50]:
        assert passenger.stop.county_id == passenger.offer.worker.hukou_county_id


def test_confirmed_offers_of_point_to_point_jobs_have_planned_trips(seeded):
    confirmed = Offer.objects.filter(status=Offer.Status.CONFIRMED, posting__transport="p2p")
    assert confirmed.exists()
    assert Trip.objects.filter(status=Trip.Status.PLANNED).exists()
    assert Passenger.objects.filter(offer__in=confirmed).count() == confirmed.count()


def test_history_spreads_over_eighteen_months_for_quarter_and_year_comparisons(seeded):
    today = timezone.localdate()
    created = _seeded_workers().values_list("created_at", flat=True)
    assert min(created).date() < today - timedelta(days=400)
    assert max(created).date() > today - timedelta(days=90)
    starts = JobPosting.objects.filter(status__in=["filled", "closed"]).values_list("start_date", flat=True)
    assert min(starts) < today - timedelta(days=365) < max(starts)


def test_training_wage_protection_and_unemployment_have_rows(seeded):
    assert set(Course.objects.values_list("type", flat=True)) == set(Course.Type.values)
    assert Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).exists()
    assert TrainingCertificate.objects.exists()
    assert WageCheckin.objects.filter(answer=WageCheckin.Answer.PAID).exists()
    assert Case.objects.count() >= 2
    recovered = Case.objects.get(status=Case.Status.RECOVERED, recovery=Case.Recovery.FULL)
    assert recovered.recovered_amount == recovered.amount_claimed > 0
    assert UnemploymentRegistration.objects.exists()
    kinds = set(JobPosting.objects.values_list("kind", flat=True))
    assert {"work_for_relief", "public_welfare", "ecommerce"} & kinds


def test_seeding_leaves_no_event_for_the_outbox_to_publish(real_reference_data):
    call_command("load_demo_data")
    before = OutboxEvent.objects.count()
    call_command("seed_demo", "--workers", "60")
    assert OutboxEvent.objects.count() == before


def test_seeding_queues_no_text_or_task_for_after_commit(real_reference_data, django_capture_on_commit_callbacks):
    call_command("load_demo_data")
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("seed_demo", "--workers", "60")
    assert Offer.objects.filter(run__trigger=MatchRun.Trigger.MANUAL).exists()
    assert callbacks == []


def test_a_second_run_adds_nothing_and_reset_rebuilds_the_same_world(seeded, capsys):
    users = User.objects.count()
    call_command("seed_demo", "--workers", str(WORKERS))
    assert "already present" in capsys.readouterr().out
    assert User.objects.count() == users
    names = sorted(_seeded_workers().values_list("real_name", "hukou_county_id", "birth_date"))

    call_command("seed_demo", "--workers", str(WORKERS), "--reset")

    assert _seeded_workers().count() == WORKERS
    assert sorted(_seeded_workers().values_list("real_name", "hukou_county_id", "birth_date")) == names


def test_the_demo_logins_stay_beside_the_seeded_world(seeded):
    staff = User.objects.get(username="demo-staff")
    assert staff.check_password("chunfeng-demo-2026")
    assert Worker.objects.filter(user__username="demo-worker").exists()


def test_seeding_without_reference_data_stops_with_a_clear_message(empty_reference_tables):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("seed_demo", "--workers", "10")


def test_a_phone_already_held_outside_the_seed_is_drawn_again(real_reference_data):
    from console.seeding.base import phone

    outsider = User(username="outsider", role=User.Role.WORKER)
    outsider.set_phone(phone(5, 0))
    outsider.save()

    call_command("seed_demo", "--workers", "20")

    first = User.objects.get(username="seed-w0")
    assert first.phone_hash != outsider.phone_hash
    assert first.phone.startswith("16")
