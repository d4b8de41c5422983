import pytest
from django.core.management import call_command

from accounts.models import User

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
