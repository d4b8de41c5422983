"""The change history: who changed what and when, on each record's page and in one list; never personal fields."""

import html
import json

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from console.history import RECORDED, recorded_for
from jobs.models import Employer
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import EmployerFactory
from tests.workers.factories import WorkerProfileFactory
from workers.models import Worker

pytestmark = pytest.mark.django_db

YIDU = "420581"  # Yidu, Hubei
ZHENXIONG = "530627"  # Zhenxiong, Yunnan
NANBU = "511321"  # Nanbu, Sichuan
HISTORY_LIST = reverse("admin:auditlog_logentry_changelist")
# Parts of a field name that mark personal or secret data; none may be recorded.
PERSONAL = ("name", "phone", "id_number", "birth", "gender", "address", "county", "email", "password", "login")
SECRET = ("_encrypted", "_hash", "contact_", "password", "email", "last_login")


def clerk(client: Client, region: str | None, *codenames: str, **fields) -> User:
    """A bureau clerk of `region`, logged in to the console with the given permissions."""
    user = StaffFactory(home_region=county(region) if region else None, **fields)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def recorded_rows(response) -> str:
    """The "Recorded changes" part of a history page."""
    page = text(response)
    assert "Recorded changes" in page
    return page.split('id="recorded-history"')[1]


def entries_for(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))


def history_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def verify_employer(client: Client, employer: Employer):
    data = {"action": "verify", "_selected_action": [employer.pk], "note": "", "index": 0}
    return client.post(reverse("admin:jobs_employer_changelist"), data, follow=True)


# What is recorded ------------------------------------------------------------------


def test_every_recorded_field_exists_on_its_model():
    for label, recorded in RECORDED.items():
        model = apps.get_model(label)
        assert recorded_for(model) is recorded
        opts = model._meta
        for name in recorded.fields:
            assert opts.get_field(name).concrete, (label, name)
        for name in recorded.m2m:
            assert opts.get_field(name).many_to_many, (label, name)


def test_no_personal_or_secret_field_of_a_person_is_recorded():
    for label in ("accounts.User", "workers.Worker", "workers.UnemploymentRegistration"):
        recorded = RECORDED[label]
        kept = [name for name in recorded.fields if name != "username" and any(part in name for part in PERSONAL)]
        assert kept == [], label
        assert recorded.private_repr, label
    for label, recorded in RECORDED.items():
        assert [name for name in recorded.fields if any(part in name for part in SECRET)] == [], label
        assert "worker" not in recorded.fields, label


def test_verifying_an_employer_in_the_console_records_the_staff_member_and_the_decision(client):
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = clerk(client, YIDU, "view_employer", "change_employer", email="li.ming@hrss.example")

    assert "1 employer changed." in text(verify_employer(client, employer))

    entry = entries_for(employer)[-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == staff
    assert entry.actor_email is None
    assert entry.changes_dict["verification"] == ["pending", "verified"]
    assert set(entry.changes_dict) == {"verification", "verified_by", "verified_at"}


def test_a_worker_change_records_the_status_but_no_personal_field():
    worker = WorkerProfileFactory(real_name="王秀英", user__phone="13812345678")
    before = len(entries_for(worker))

    worker.real_name = "王秀兰"
    worker.birth_date = worker.birth_date.replace(year=1991)
    worker.set_id_number("530627199103070011")
    worker.status = Worker.Status.EMPLOYED
    worker.save()

    entries = entries_for(worker)
    assert len(entries) == before + 1
    assert entries[-1].changes_dict == {"status": ["seeking", "employed"]}
    everything = json.dumps([(e.object_repr, e.changes, e.serialized_data) for e in entries], ensure_ascii=False)
    for secret in ("王秀英", "王秀兰", "530627199103070011", "1991", worker.id_number_hash, "13812345678"):
        assert secret not in everything
    assert entries[-1].object_repr == f"worker #{worker.pk}"


def test_changing_only_personal_fields_records_nothing():
    worker = WorkerProfileFactory(real_name="王秀英")
    before = LogEntry.objects.count()

    worker.real_name = "王秀兰"
    worker.languages = "彝语"
    worker.save()
    worker.user.set_phone("13900001111")
    worker.user.first_name = "秀兰"
    worker.user.save()

    assert LogEntry.objects.count() == before


def test_a_change_saved_outside_a_request_has_no_actor_and_reads_as_system(client):
    employer = EmployerFactory(region=county(YIDU))
    employer.standing = Employer.Standing.WATCH
    employer.save()
    clerk(client, YIDU, "view_employer")

    rows = recorded_rows(client.get(history_url(employer)))

    assert entries_for(employer)[-1].actor is None
    assert "<td>system</td>" in rows
    assert "Standing: Good → Under watch" in rows


def test_granting_a_permission_is_recorded_on_the_user_without_the_phone():
    user = StaffFactory(phone="13812345678")

    user.user_permissions.add(Permission.objects.get(codename="view_worker"))

    entry = entries_for(user)[-1]
    assert entry.changes_dict["user_permissions"]["operation"] == "add"
    assert entry.object_repr == f"user #{user.pk}"
    assert "13812345678" not in json.dumps(entry.changes) + entry.object_repr


# The history page of a record --------------------------------------------------------


def test_the_history_page_shows_when_who_and_what_changed(client):
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = clerk(client, YIDU, "view_employer", "change_employer")
    verify_employer(client, employer)

    rows = recorded_rows(client.get(history_url(employer)))

    assert f"<td>{staff.username}</td>" in rows
    assert "<td>changed</td>" in rows
    assert "Verification: Waiting for the bureau → Verified by the bureau" in rows
    assert f"Verified by: — → {staff.username}" in rows


def test_a_record_without_history_says_so(client):
    worker = WorkerProfileFactory(hukou_county=county(ZHENXIONG))
    LogEntry.objects.all().delete()
    clerk(client, ZHENXIONG, "view_worker")

    page = text(client.get(history_url(worker)))

    assert "No changes have been recorded for this record yet." in page


def test_a_worker_history_page_shows_the_decision_but_no_name(client):
    worker = WorkerProfileFactory(hukou_county=county(ZHENXIONG), real_name="王秀英", poor_labourer="declared")
    staff = clerk(client, ZHENXIONG, "view_worker", "change_worker")
    data = {"action": "verify_poor_labourer", "_selected_action": [worker.pk], "note": "", "index": 0}
    client.post(reverse("admin:workers_worker_changelist"), data, follow=True)

    rows = recorded_rows(client.get(history_url(worker)))

    assert entries_for(worker)[-1].actor == staff
    assert "Registered poor labourer: Declared, waiting for the bureau to verify → Verified by the bureau" in rows
    assert "王秀英" not in rows


def test_a_county_clerk_cannot_open_the_history_of_another_countys_worker(client):
    worker = WorkerProfileFactory(hukou_county=county(ZHENXIONG))
    clerk(client, NANBU, "view_worker", "change_worker")

    response = client.get(f"/console/workers/worker/{worker.pk}/history/")

    assert response.status_code == 404


# The list of every change -------------------------------------------------------------


def test_regional_staff_may_not_read_the_list_of_every_change(client):
    clerk(client, YIDU, "view_logentry")

    assert client.get(HISTORY_LIST).status_code == 403


def test_nationwide_staff_read_every_change_with_who_and_which_record(client):
    employer = EmployerFactory(region=county(YIDU), name="宜都华新", verification=Employer.Verification.PENDING)
    regional = clerk(client, YIDU, "view_employer", "change_employer")
    verify_employer(client, employer)
    clerk(client, NANBU, nationwide=True)

    page = text(client.get(HISTORY_LIST, {"model": "jobs.employer", "action": str(LogEntry.Action.UPDATE)}))

    assert regional.username in page
    assert "宜都华新" in page
    assert history_url(employer) in page
    assert "Verification" in page


def test_the_list_names_workers_by_number_only(client):
    worker = WorkerProfileFactory(real_name="王秀英")
    clerk(client, None, is_superuser=True)

    page = text(client.get(HISTORY_LIST))

    assert f"worker #{worker.pk}" in page
    assert "王秀英" not in page


def test_the_list_takes_the_same_queries_for_one_change_or_many(client, django_assert_max_num_queries):
    clerk(client, None, is_superuser=True)
    EmployerFactory()
    with CaptureQueriesContext(connection) as one:
        text(client.get(HISTORY_LIST))
    for _ in range(5):
        EmployerFactory()
        StaffFactory()

    with django_assert_max_num_queries(len(one)):
        text(client.get(HISTORY_LIST))
