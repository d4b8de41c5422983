"""Importing postings from CSV/XLSX in the console, and exporting the list: whole files or nothing, region scoped."""

import csv
import io
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from jobs.models import Employer, JobPosting
from tests import spreadsheets
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import EmployerFactory, PostingFactory, SiteFactory, occupation, uscc
from tests.spreadsheets import text

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:jobs_jobposting_import")
CONFIRM_URL = reverse("admin:jobs_jobposting_process_import")
EXPORT_URL = reverse("admin:jobs_jobposting_export")
CHANGELIST = reverse("admin:jobs_jobposting_changelist")
DONGGUAN = "441900"
NANBU = "511321"
CSV_FORMAT, XLSX_FORMAT = "0", "1"

HEADER = [
    "employer_uscc",
    "site",
    "occupation",
    "title",
    "headcount",
    "start_date",
    "contract_months",
    "wage_type",
    "wage_rate",
    "deduction_dormitory",
    "housing_provided",
    "transport",
    "hours_per_day",
    "days_per_week",
    "contact_name",
    "contact_phone",
]


def clerk(client: Client, code: str = DONGGUAN, codenames=("add_jobposting", "view_jobposting")) -> User:
    staff = StaffFactory(home_region=county(code))
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="jobs", codename__in=codenames))
    client.force_login(staff)
    return staff


def row(employer: Employer, **cells) -> dict:
    start = timezone.localdate() + timedelta(days=30)
    values = {
        "employer_uscc": employer.uscc,
        "site": "长安镇一号厂区",
        "occupation": occupation().code,
        "title": "电子厂普工",
        "headcount": "40",
        "start_date": start.isoformat(),
        "contract_months": "12",
        "wage_type": "monthly",
        "wage_rate": "5200",
        "deduction_dormitory": "150",
        "housing_provided": "是",
        "transport": "p2p",
        "hours_per_day": "8",
        "days_per_week": "6",
        "contact_name": "陈经理",
        "contact_phone": "13900139002",
    }
    return values | cells


def csv_file(rows: list[dict]) -> SimpleUploadedFile:
    return spreadsheets.csv_file("postings.csv", HEADER, rows)


def xlsx_file(rows: list[dict]) -> SimpleUploadedFile:
    # Numbers as numbers, as a spreadsheet program stores them.
    cells = [[int(values[key]) if values[key].isdigit() else values[key] for key in HEADER] for values in rows]
    return spreadsheets.xlsx_file("postings.xlsx", HEADER, cells)


def upload(client: Client, file: SimpleUploadedFile, fmt: str = CSV_FORMAT):
    return client.post(IMPORT_URL, {"import_file": file, "format": fmt, "resource": "0"})


def confirm(client: Client, preview) -> object:
    page = preview.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    return client.post(CONFIRM_URL, fields, follow=True)


@pytest.fixture
def employer() -> Employer:
    employer = EmployerFactory(uscc=uscc(7))
    SiteFactory(employer=employer)
    return employer


def test_a_good_csv_is_previewed_then_imported_as_postings_waiting_for_the_bureau(client, employer):
    staff = clerk(client)

    preview = upload(client, csv_file([row(employer), row(employer, title="注塑工", headcount="10")]))

    assert "Confirm import" in text(preview)
    assert "139****9002" in text(preview)
    assert "13900139002" not in text(preview)
    assert not JobPosting.objects.exists()
    done = confirm(client, preview)
    assert "2 postings imported" in text(done)
    postings = JobPosting.objects.order_by("title")
    assert [p.title for p in postings] == ["注塑工", "电子厂普工"]
    posting = postings[1]
    assert posting.status == JobPosting.Status.SUBMITTED
    assert posting.created_by == staff
    assert posting.county_id == DONGGUAN
    assert posting.housing_provided is True
    assert posting.expected_monthly == 5200
    assert posting.contact_phone == "13900139002"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone_encrypted FROM jobs_jobposting WHERE id = %s", [posting.pk])
        (stored,) = cursor.fetchone()
    assert "13900139002" not in stored


def test_a_good_xlsx_with_numeric_cells_imports(client, employer):
    clerk(client)

    preview = upload(client, xlsx_file([row(employer)]), XLSX_FORMAT)
    confirm(client, preview)

    posting = JobPosting.objects.get()
    assert posting.headcount == 40
    assert posting.contact_phone == "13900139002"


def test_a_file_with_one_bad_row_shows_that_rows_errors_and_imports_nothing(client, employer):
    clerk(client)
    bad = row(employer, headcount="0", wage_type="weekly")

    page = text(upload(client, csv_file([row(employer), bad, row(employer)])))

    assert "Confirm import" not in page
    assert "Nothing was imported" in page
    errors = re.findall(r'<tr class="row-error">\s*<td>(\d+)</td>\s*<td>([^<]*)</td>\s*<td>(.*?)</td>', page, re.S)
    assert {(number, column) for number, column, _message in errors} == {
        ("3", "how pay is counted (wage_type)"),
    }
    assert "Choose one of: monthly, piece, hourly." in page
    assert not JobPosting.objects.exists()


def test_the_posting_rules_refuse_a_row_like_the_posting_form(client, employer):
    clerk(client)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()

    page = text(upload(client, csv_file([row(employer, start_date=past, headcount="0")])))

    assert "The start date has already passed." in page
    assert "A posting is for 1 to 5,000 people." in page
    assert not JobPosting.objects.exists()


def test_an_employer_outside_the_clerks_region_or_unverified_is_a_row_error(client, employer):
    clerk(client)
    elsewhere = EmployerFactory(uscc=uscc(8, region=NANBU), region=county(NANBU))
    SiteFactory(employer=elsewhere, county=county(NANBU))
    unverified = EmployerFactory(uscc=uscc(9), verification=Employer.Verification.PENDING)
    SiteFactory(employer=unverified)

    page = text(upload(client, csv_file([row(employer), row(elsewhere), row(unverified)])))

    assert "No employer with this unified social credit code is registered in your region." in page
    assert "Verify the employer before importing its postings." in page
    assert not JobPosting.objects.exists()


def test_a_site_outside_the_clerks_region_is_a_row_error(client, employer):
    clerk(client)
    SiteFactory(employer=employer, name="南部分厂", county=county(NANBU))

    page = text(upload(client, csv_file([row(employer, site="南部分厂")])))

    assert "This site lies outside your region." in page
    assert not JobPosting.objects.exists()


def test_a_row_refused_at_the_confirm_step_undoes_the_whole_file(client, employer):
    clerk(client)
    preview = upload(client, csv_file([row(employer), row(employer)]))
    Employer.objects.filter(pk=employer.pk).update(standing=Employer.Standing.BLOCKED)

    page = text(confirm(client, preview))

    assert "Nothing was imported" in page
    assert "The bureau has blocked new postings from this employer." in page
    assert not JobPosting.objects.exists()


def test_a_clerk_without_the_add_permission_cannot_import(client, employer):
    clerk(client, codenames=("view_jobposting",))

    assert "Import" not in text(client.get(CHANGELIST)).split('<ul class="object-tools">')[1].split("</ul>")[0]
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, csv_file([row(employer)])).status_code == 403
    assert not JobPosting.objects.exists()


def test_the_export_is_region_scoped_formula_safe_and_masks_the_contact_phone(client):
    clerk(client)
    PostingFactory(title='=HYPERLINK("http://evil")', contact_phone="13812345678")
    PostingFactory(site=SiteFactory(county=county(NANBU)), title="南部县岗位")

    response = client.get(EXPORT_URL, {"file_format": "csv"})

    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert "138****5678" in rows[1]
    assert "13812345678" not in content
    assert "南部县岗位" not in content


def test_the_xlsx_export_holds_text_not_formulas(client):
    clerk(client)
    PostingFactory(title="=1+1")

    response = client.get(EXPORT_URL, {"file_format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    title = sheet.cell(row=2, column=2)
    assert title.value == "'=1+1"
    assert title.data_type == "s"


def test_a_clerk_without_the_view_permission_cannot_export(client):
    clerk(client, codenames=("add_jobposting",))

    assert client.get(EXPORT_URL, {"file_format": "csv"}).status_code == 403


def test_the_import_page_lists_the_columns_and_offers_an_empty_template(client):
    clerk(client)

    page = text(client.get(IMPORT_URL))
    template = client.get(reverse("admin:jobs_jobposting_import_template"))

    assert "employer_uscc" in page
    assert template.content.decode("utf-8-sig").splitlines()[0].startswith("employer_uscc,site,occupation")


def test_an_unknown_column_is_named_and_nothing_is_imported(client, employer):
    clerk(client)
    content = "employer_uscc,sight\n" + employer.uscc + ",x\n"

    page = text(upload(client, SimpleUploadedFile("p.csv", content.encode(), content_type="text/csv")))

    assert "Unknown columns: sight." in page
    assert "Traceback" not in page
    assert not JobPosting.objects.exists()


def test_the_import_pages_and_the_list_carry_no_inline_script_handler_or_style(client, employer):
    clerk(client)
    pages = [
        text(client.get(CHANGELIST)),
        text(client.get(IMPORT_URL)),
        text(upload(client, csv_file([row(employer)]))),
        text(upload(client, csv_file([row(employer, headcount="0")]))),
    ]

    for page in pages:
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page)
        assert not re.search(r"\sstyle=|\son[a-z]+=", page)


def test_the_file_kept_between_preview_and_confirm_is_encrypted(client, employer):
    clerk(client)
    preview = upload(client, csv_file([row(employer, contact_phone="13712345678")]))

    name = re.search(r'name="import_file_name" value="([^"]+)"', preview.content.decode()).group(1)
    kept = (Path(tempfile.gettempdir()) / Path(name).name).read_bytes()

    assert b"13712345678" not in kept
    assert employer.uscc.encode() not in kept
    confirm(client, preview)
    assert not (Path(tempfile.gettempdir()) / Path(name).name).exists()
