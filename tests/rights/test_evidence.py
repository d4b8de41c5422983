"""Evidence files: kept outside the web root, and given only to the parties of their case."""

import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from rights import services
from rights.models import Evidence
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import MemberFactory
from tests.rights.factories import case_for, placed

pytestmark = pytest.mark.django_db


# Small real files, built byte by byte (also used by the worker page tests) -----------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + _chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
    + _chunk(b"IEND", b"")
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def png(name: str = "pay-slip.png") -> SimpleUploadedFile:
    """A valid 1x1 white PNG."""
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "contract.pdf") -> SimpleUploadedFile:
    """A valid one-page PDF."""
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# Access ------------------------------------------------------------------------------


@pytest.fixture
def offer():
    return placed()


@pytest.fixture
def slip(offer) -> Evidence:
    case = case_for(offer)
    return services.evidence_add(case=case, uploads=[png()], by=offer.worker.user)[0]


def fetch(user: User | None, evidence: Evidence):
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client.get(reverse("rights:evidence", args=[evidence.pk]))


def test_the_file_is_kept_under_the_evidence_folder_not_media_or_static(slip):
    path = Path(slip.file.path).resolve()

    assert path.is_relative_to(Path(settings.EVIDENCE_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    if settings.MEDIA_ROOT:
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.read_bytes() == PNG
    assert slip.name not in path.name  # stored under a random name, not the one the worker gave


def test_the_worker_gets_their_own_file_with_safe_headers(offer, slip):
    response = fetch(offer.worker.user, slip)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert 'filename="pay-slip.png"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("inline")


def test_a_pdf_is_downloaded_rather_than_opened_in_the_site(offer):
    case = case_for(offer)
    contract = services.evidence_add(case=case, uploads=[pdf()], by=offer.worker.user)[0]

    response = fetch(offer.worker.user, contract)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="contract.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda offer: StaffFactory(home_region=county("530627")), id="sending-county-staff"),
        pytest.param(lambda offer: StaffFactory(home_region=offer.posting.site.county), id="receiving-county-staff"),
    ],
)
def test_the_other_parties_of_the_case_get_the_file(offer, slip, who):
    response = fetch(who(offer), slip)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_the_employer_gets_its_own_files_and_not_the_workers(offer, slip):
    member = MemberFactory(employer=offer.posting.employer)
    answer = services.evidence_add(case=slip.case, uploads=[pdf()], by=member.user)[0]

    assert fetch(member.user, slip).status_code == 404
    assert fetch(member.user, answer).status_code == 200
    assert fetch(offer.worker.user, answer).status_code == 200


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda offer: placed().worker.user, id="another-worker"),
        pytest.param(lambda offer: MemberFactory().user, id="another-employers-member"),
        pytest.param(lambda offer: StaffFactory(home_region=county("511321")), id="staff-of-an-unrelated-county"),
    ],
)
def test_anyone_else_gets_a_404(offer, slip, who):
    assert fetch(who(offer), slip).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(slip):
    response = fetch(None, slip)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
