import pytest
from django.core.management import call_command

from accounts.models import User
from workers.models import Worker

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_and_a_second_run_adds_nothing(capsys):
    call_command("load_demo_data")
    first = User.objects.count()
    call_command("load_demo_data")
    assert first >= 4
    assert User.objects.count() == first
    assert "0 record(s) created" in capsys.readouterr().out


def test_demo_logins_cover_worker_employer_and_staff(capsys):
    call_command("load_demo_data", "--print-logins", "--url", "http://localhost:8000/")
    out = capsys.readouterr().out
    for role in ("worker", "employer", "bureau staff"):
        assert role in out
    assert "http://localhost:8000/console/ with user demo-staff" in out
    staff = User.objects.get(username="demo-staff")
    assert staff.is_staff
    assert staff.check_password("chunfeng-demo-2026")
    worker = User.objects.get(username="demo-worker")
    assert worker.role == User.Role.WORKER
    assert worker.masked_phone == "138****8001"
    assert not worker.has_usable_password()


def test_the_demo_worker_has_finished_sign_up_when_reference_data_is_loaded(real_reference_data):
    call_command("load_demo_data")
    worker = Worker.objects.get(user__username="demo-worker")
    assert worker.signup_complete
    assert worker.hukou_county_id == "530627"
    assert worker.masked_id_number == "530***********0010"
    assert sorted(worker.skills.values_list("occupation__code", flat=True)) == ["concrete_worker", "rebar_worker"]
    assert worker.poor_labourer == Worker.PoorLabourer.DECLARED
    call_command("load_demo_data")
    assert Worker.objects.count() == 1


def test_the_demo_employer_has_published_jobs_in_the_campaign(real_reference_data):
    from jobs.models import JobPosting

    call_command("load_demo_data")
    published = JobPosting.objects.public()
    assert published.count() == 4
    assert {p.campaign.name for p in published} == {"2027年春风行动"}
    assert all(p.employer.is_verified for p in published)
    call_command("load_demo_data")
    assert JobPosting.objects.count() == 4


def test_the_demo_worker_is_offered_the_job_in_their_trade_by_the_matcher(real_reference_data):
    from matching.models import Offer
    from matching.services import runs
    from workers.models import Worker

    call_command("load_demo_data")
    runs.run_full()

    offer = Offer.objects.get(worker=Worker.objects.get(user__username="demo-worker"))
    assert offer.posting.occupation.code == "rebar_worker"
    assert offer.worker_reasons["net_pay"] == 7000 - 100 - 250


def test_the_demo_school_offers_a_course_whose_graduates_the_demo_factory_keeps_places_for(real_reference_data):
    from matching.models import Reservation
    from training.models import Course

    call_command("load_demo_data")
    call_command("load_demo_data")

    course = Course.objects.get()
    assert course.status == Course.Status.PUBLISHED
    assert course.provider.is_verified
    reservation = Reservation.objects.get(course=course)
    assert reservation.posting.occupation.code == course.occupation.code == "injection_moulder"


def test_demo_staff_work_as_bureau_clerks_in_their_region_and_nationwide():
    call_command("load_demo_data")
    staff, ministry = User.objects.get(username="demo-staff"), User.objects.get(username="demo-ministry")
    assert staff.has_perm("jobs.change_employer") and ministry.has_perm("workers.view_worker")
    assert (staff.home_region_id, staff.nationwide) == ("530600", False)
    assert ministry.nationwide
