"""Registering workers from paper forms by CSV/XLSX import in the console, and exporting the list without ID numbers."""

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import pii
from accounts.models import AssistanceGrant, AssistedAction, User
from tests import spreadsheets
from tests.accounts.factories import RegionFactory, StaffFactory, WorkerFactory, county
from tests.jobs.factories import occupation
from tests.spreadsheets import text
from tests.workers.factories import WorkerProfileFactory, id_number
from workers.models import Worker

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:workers_worker_import")
EXPORT_URL = reverse("admin:workers_worker_export")
CHANGELIST = reverse("admin:workers_worker_changelist")
ZHENXIONG = "530627"
NANBU = "511321"
CSV_FORMAT, XLSX_FORMAT = "0", "1"
HEADER = [
    "phone",
    "consent_form",
    "consent_processing",
    "consent_sharing",
    "real_name",
    "id_number",
    "hukou_county",
    "skills",
    "provinces",
    "min_monthly_wage",
    "available_from",
    "poor_labourer",
]


def clerk(client: Client, code: str = ZHENXIONG, codenames=("add_worker", "view_worker")) -> User:
    staff = StaffFactory(home_region=county(code))
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="workers", codename__in=codenames))
    client.force_login(staff)
    return staff


def row(sequence: int = 1, **cells) -> dict:
    occupation("welder")
    RegionFactory(code="440000")
    values = {
        "phone": f"1381234{sequence:04d}",
        "consent_form": f"ZX-2027-{sequence:04d}",
        "consent_processing": "是",
        "consent_sharing": "yes",
        "real_name": "王小明",
        "id_number": id_number(sequence=sequence),
        "hukou_county": ZHENXIONG,
        "skills": "welder:5",
        "provinces": "440000",
        "min_monthly_wage": "4500",
        "available_from": "2027-02-20",
        "poor_labourer": "no",
    }
    return values | cells


def csv_file(rows: list[dict]) -> SimpleUploadedFile:
    return spreadsheets.csv_file("workers.csv", HEADER, rows)


def xlsx_file(rows: list[dict]) -> SimpleUploadedFile:
    # A phone and a wage typed into a spreadsheet become numbers, and a date a date.
    typed = {"phone": int, "min_monthly_wage": int, "available_from": date.fromisoformat}
    cells = [[typed.get(key, str)(values[key]) for key in HEADER] for values in rows]
    return spreadsheets.xlsx_file("workers.xlsx", HEADER, cells)


def upload(client: Client, file: SimpleUploadedFile, fmt: str = CSV_FORMAT):
    return client.post(IMPORT_URL, {"import_file": file, "format": fmt, "resource": "0"}, follow=True)


def row_errors(page: str) -> set[tuple[str, str]]:
    found = re.findall(r'<tr class="row-error">\s*<td>(\d+)</td>\s*<td>([^<]*)</td>', page)
    return set(found)


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


def snapshot() -> tuple[int, int, int, int]:
    return User.objects.count(), Worker.objects.count(), AssistanceGrant.objects.count(), AssistedAction.objects.count()


def test_a_good_csv_registers_each_worker_through_sign_up_with_encrypted_phone_and_hashed_id(client):
    staff = clerk(client)
    first = row(1)

    page = text(upload(client, csv_file([first, row(2, real_name="李娟", provinces="")])))

    assert "2 workers registered from the paper forms." in page
    worker = Worker.objects.get(real_name="王小明")
    assert worker.user.phone == first["phone"]
    assert first["phone"] not in raw("accounts_user", "phone_encrypted", worker.user_id)
    assert worker.user.phone_hash == pii.keyed_hash(first["phone"], purpose="phone")
    assert worker.id_number_hash == pii.keyed_hash(first["id_number"], purpose="id_number")
    assert first["id_number"] not in raw("workers_worker", "id_number_encrypted", worker.pk)
    assert worker.birth_date == date(1990, 3, 7)
    assert worker.hukou_county_id == ZHENXIONG
    assert worker.registered_by == staff
    assert worker.consent_processing_at is not None and worker.consent_sharing_at is not None
    assert worker.signup_step == Worker.SignupStep.DONE
    assert worker.destinations == Worker.Destinations.PROVINCES
    assert [d.province_id for d in worker.destination_choices.all()] == ["440000"]
    assert [(s.occupation.code, s.years) for s in worker.skills.all()] == [("welder", 5)]
    assert Worker.objects.get(real_name="李娟").destinations == Worker.Destinations.ANYWHERE
    grant = AssistanceGrant.objects.get(worker=worker.user)
    assert (grant.actor, grant.consent_method, grant.consent_reference) == (
        staff,
        AssistanceGrant.ConsentMethod.SIGNED_FORM,
        "ZX-2027-0001",
    )
    assert grant.ended_at is not None
    assert set(grant.actions.values_list("action", flat=True)) >= {"profile.identity", "profile.home", "profile.work"}


def test_a_good_xlsx_with_numeric_and_date_cells_registers_the_worker(client):
    clerk(client)
    good = row(3)

    text(upload(client, xlsx_file([good]), XLSX_FORMAT))

    worker = Worker.objects.get()
    assert worker.user.phone == good["phone"]
    assert worker.available_from == date(2027, 2, 20)
    assert worker.min_monthly_wage == 4500


def test_a_file_with_one_bad_row_shows_its_errors_by_row_and_column_and_changes_nothing(client):
    clerk(client)
    before = snapshot()
    bad = row(2, id_number=id_number(sequence=2)[:-1] + "0", real_name="")

    page = text(upload(client, csv_file([row(1), bad, row(3)])))

    assert row_errors(page) == {("3", "name as on the ID card (real_name)")}
    assert "This cell is required." in page
    assert snapshot() == before


def test_a_service_refusal_names_the_column_of_the_row(client):
    clerk(client)
    before = snapshot()
    bad = row(2, id_number=id_number(sequence=2)[:-1] + ("0" if not id_number(sequence=2).endswith("0") else "1"))

    page = text(upload(client, csv_file([row(1), bad])))

    assert row_errors(page) == {("3", "resident ID number (id_number)")}
    assert "This ID number is not valid" in page
    assert bad["id_number"] not in page and bad["phone"] not in page
    assert snapshot() == before


def test_a_hukou_county_outside_the_clerks_region_is_a_row_error(client):
    clerk(client)
    county(NANBU)
    before = snapshot()

    page = text(upload(client, csv_file([row(1, hukou_county=NANBU, id_number=id_number(place=NANBU))])))

    assert row_errors(page) == {("2", "hukou county code (hukou_county)")}
    assert "This county lies outside your region." in page
    assert snapshot() == before


def test_phones_and_id_numbers_already_registered_or_twice_in_the_file_are_row_errors(client):
    clerk(client)
    WorkerFactory(phone="13812340009")
    before = snapshot()
    rows = [
        row(1),
        row(2, id_number=id_number(sequence=1)),
        row(3, phone=row(1)["phone"]),
        row(4, phone="13812340009"),
    ]

    page = text(upload(client, csv_file(rows)))

    assert row_errors(page) == {
        ("3", "resident ID number (id_number)"),
        ("4", "mobile number (phone)"),
        ("5", "mobile number (phone)"),
    }
    assert "This ID number is already registered, or appears in an earlier row of the file." in page
    assert "This mobile number is already registered, or appears in an earlier row of the file." in page
    assert snapshot() == before


def test_a_clerk_without_the_add_permission_cannot_import(client):
    clerk(client, codenames=("view_worker",))
    before = snapshot()

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"import_file": csv_file([row(1)]), "format": CSV_FORMAT}).status_code == 403
    assert 'class="import_link"' not in text(client.get(CHANGELIST))
    assert snapshot() == before


def test_the_export_has_no_id_numbers_or_clear_phones_and_escapes_formulas(client):
    clerk(client)
    worker = WorkerProfileFactory(real_name="=HYPERLINK(1)", user__phone="13812345678")
    elsewhere = WorkerProfileFactory(hukou_county=county(NANBU), user__phone="13812345679")

    csv_response = client.get(EXPORT_URL, {"file_format": "csv"})
    xlsx_response = client.get(EXPORT_URL, {"file_format": "xlsx"})

    content = csv_response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [r[0] for r in rows[1:]] == [str(worker.pk)]
    assert rows[1][1] == "'=**"
    assert rows[1][2] == "138****5678"
    sheet_cells = [cell for r in openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active.values for cell in r]
    for secret in (worker.id_number, worker.masked_id_number, "13812345678", "HYPERLINK", elsewhere.real_name):
        assert secret not in content
        assert secret not in [str(cell) for cell in sheet_cells]
    assert "'=**" in sheet_cells
