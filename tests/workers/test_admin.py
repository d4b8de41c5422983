"""The console for workers: region scoping, masked numbers, and decisions through the services."""

import html

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import pii
from accounts.models import User
from reference.models import Occupation
from tests.accounts.factories import RegionFactory, StaffFactory, county
from tests.workers.factories import WorkerProfileFactory
from workers.models import (
    Certificate,
    Cohort,
    CohortMember,
    DestinationChoice,
    Skill,
    UnemploymentRegistration,
    Worker,
)

pytestmark = pytest.mark.django_db

HUKOU = "530627"  # Zhenxiong, Yunnan
WORKPLACE = "420581"  # Yidu, Hubei
ELSEWHERE = "511321"  # Nanbu, Sichuan
WORKERS_URL = reverse("admin:workers_worker_changelist")
REGISTRATIONS_URL = reverse("admin:workers_unemploymentregistration_changelist")
COHORTS_URL = reverse("admin:workers_cohort_changelist")
ALL_PERMISSIONS = (
    "view_worker",
    "change_worker",
    "view_unemploymentregistration",
    "change_unemploymentregistration",
    "view_cohort",
)


def clerk(client: Client, region: str | None, *codenames: str, **fields) -> User:
    """A bureau clerk of `region`, logged in to the console with the given permissions."""
    user = StaffFactory(home_region=county(region) if region else None, **fields)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="workers", codename__in=codenames or ALL_PERMISSIONS)
    )
    client.force_login(user)
    return user


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def act(client: Client, url: str, action: str, rows, note: str = ""):
    data = {"action": action, "_selected_action": [row.pk for row in rows], "note": note, "index": 0}
    return client.post(url, data, follow=True)


def change_url(obj) -> str:
    return reverse(f"admin:workers_{obj._meta.model_name}_change", args=[obj.pk])


# Workers --------------------------------------------------------------------------


def test_the_worker_list_shows_names_and_masked_numbers_never_ciphertext_or_hashes(client):
    worker = WorkerProfileFactory(real_name="张伟", user__phone="13812345678")
    clerk(client, HUKOU)

    page = text(client.get(WORKERS_URL))

    assert "张伟" in page
    assert worker.masked_id_number in page
    assert "138****5678" in page
    for secret in (worker.id_number, "13812345678", worker.id_number_hash, worker.user.phone_hash, "gAAAA"):
        assert secret not in page


def test_the_worker_page_shows_masked_numbers_and_age_not_the_birth_date(client):
    worker = WorkerProfileFactory(real_name="张伟", user__phone="13812345678")
    clerk(client, HUKOU)

    page = text(client.get(change_url(worker)))

    assert worker.masked_id_number in page
    assert "138****5678" in page
    assert "Yunnan Sheng Zhaotong Shi Zhenxiong Xian" in page
    for secret in (worker.id_number, "13812345678", worker.id_number_hash, "gAAAA", "1990-03-07", "March 7, 1990"):
        assert secret not in page


def test_the_worker_page_lists_skills_certificates_and_destinations(client):
    worker = WorkerProfileFactory()
    welder = Occupation.objects.create(
        code="test-welder",
        name_zh="焊工",
        name_en="Welder",
        group_code="m",
        group_zh="制造",
        group_en="Making",
        isco08="7212",
    )
    Skill.objects.create(worker=worker, occupation=welder, years=6)
    Certificate.objects.create(worker=worker, name="焊工职业资格证书", occupation=welder, level=4)
    DestinationChoice.objects.create(worker=worker, province=RegionFactory(code="440000"), rank=1)
    clerk(client, HUKOU, "view_worker")

    page = text(client.get(change_url(worker)))

    assert "Welder" in page
    assert "焊工职业资格证书" in page
    assert "Guangdong Sheng" in page


def test_staff_see_only_workers_of_their_own_region(client):
    WorkerProfileFactory(real_name="本县工人")
    WorkerProfileFactory(real_name="外省工人", hukou_county=county(ELSEWHERE))
    clerk(client, HUKOU)

    page = text(client.get(WORKERS_URL))

    assert "本县工人" in page
    assert "外省工人" not in page


def test_a_worker_outside_the_region_answers_404_on_every_page(client):
    outsider = WorkerProfileFactory(hukou_county=county(ELSEWHERE))
    clerk(client, HUKOU)

    assert client.get(change_url(outsider)).status_code == 404
    assert client.get(reverse("admin:workers_worker_history", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("admin:workers_worker_delete", args=[outsider.pk])).status_code == 404


def test_staff_without_a_home_region_see_no_worker(client):
    WorkerProfileFactory(real_name="张伟")
    clerk(client, None)

    assert "张伟" not in text(client.get(WORKERS_URL))


def test_nationwide_staff_see_every_region(client):
    WorkerProfileFactory(real_name="本县工人")
    WorkerProfileFactory(real_name="外省工人", hukou_county=county(ELSEWHERE))
    clerk(client, HUKOU, nationwide=True)

    page = text(client.get(WORKERS_URL))

    assert "本县工人" in page
    assert "外省工人" in page


def test_the_worker_page_is_read_only_and_workers_cannot_be_added_or_deleted(client):
    worker = WorkerProfileFactory(real_name="张伟")
    clerk(client, HUKOU)

    response = client.post(change_url(worker), {"real_name": "改名"})

    worker.refresh_from_db()
    assert worker.real_name == "张伟"
    assert response.status_code == 403
    assert client.get(reverse("admin:workers_worker_add")).status_code == 403
    assert client.get(reverse("admin:workers_worker_delete", args=[worker.pk])).status_code == 403


def test_a_worker_is_found_by_full_phone_or_full_id_number(client):
    wanted = WorkerProfileFactory(real_name="张伟", user__phone="13812345678")
    WorkerProfileFactory(real_name="王芳", user__phone="13900001111")
    clerk(client, HUKOU)

    by_phone = text(client.get(client.post(f"{WORKERS_URL}search/", {"term": "+86 138 1234 5678"})["Location"]))
    by_id = text(client.get(client.post(f"{WORKERS_URL}search/", {"term": wanted.id_number.lower()})["Location"]))

    for page in (by_phone, by_id):
        assert "张伟" in page
        assert "王芳" not in page


def test_the_verify_action_verifies_declared_workers_and_skips_the_rest(client):
    declared = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.DECLARED)
    undeclared = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.NO)
    staff = clerk(client, HUKOU)

    page = text(act(client, WORKERS_URL, "verify_poor_labourer", [declared, undeclared]))

    declared.refresh_from_db()
    undeclared.refresh_from_db()
    assert (declared.poor_labourer, declared.poor_labourer_checked_by) == (Worker.PoorLabourer.VERIFIED, staff)
    assert undeclared.poor_labourer == Worker.PoorLabourer.NO
    assert "1 declaration verified." in page
    assert "1 worker skipped" in page


def test_the_reject_action_needs_a_note_for_the_worker(client):
    declared = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.DECLARED)
    clerk(client, HUKOU)

    refused = text(act(client, WORKERS_URL, "reject_poor_labourer", [declared]))
    declared.refresh_from_db()
    assert "Write a note saying why" in refused
    assert declared.poor_labourer == Worker.PoorLabourer.DECLARED

    done = text(act(client, WORKERS_URL, "reject_poor_labourer", [declared], note="名单中未找到本户"))
    declared.refresh_from_db()
    assert "1 declaration rejected." in done
    assert (declared.poor_labourer, declared.poor_labourer_note) == (Worker.PoorLabourer.REJECTED, "名单中未找到本户")


def test_the_actions_cannot_reach_a_worker_outside_the_region(client):
    outsider = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.DECLARED, hukou_county=county(ELSEWHERE))
    clerk(client, HUKOU)

    act(client, WORKERS_URL, "verify_poor_labourer", [outsider])

    outsider.refresh_from_db()
    assert outsider.poor_labourer == Worker.PoorLabourer.DECLARED


def test_staff_with_view_permission_only_get_no_decision_actions(client):
    declared = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.DECLARED)
    clerk(client, HUKOU, "view_worker")

    page = text(client.get(WORKERS_URL))
    act(client, WORKERS_URL, "verify_poor_labourer", [declared])

    assert "verify_poor_labourer" not in page
    declared.refresh_from_db()
    assert declared.poor_labourer == Worker.PoorLabourer.DECLARED


# Unemployment registrations ---------------------------------------------------------


@pytest.fixture
def registration() -> UnemploymentRegistration:
    worker = WorkerProfileFactory(real_name="张伟", user__phone="13812345678")
    return UnemploymentRegistration.objects.create(worker=worker, region=county(WORKPLACE), basis="workplace")


def test_staff_of_the_work_county_see_a_migrants_registration(client, registration):
    clerk(client, WORKPLACE)

    listing = text(client.get(REGISTRATIONS_URL))
    detail = text(client.get(change_url(registration)))

    assert "张伟" in listing
    assert "Hubei Sheng Yichang Shi Yidu Shi" in listing
    assert "138****5678" in detail
    assert registration.worker.id_number not in detail


def test_staff_of_the_hukou_county_but_not_the_work_county_do_not_see_it(client, registration):
    clerk(client, HUKOU)

    assert "张伟" not in text(client.get(REGISTRATIONS_URL))
    assert client.get(change_url(registration)).status_code == 404


def test_staff_of_the_work_county_accept_it_from_the_console(client, registration):
    staff = clerk(client, WORKPLACE)

    page = text(act(client, REGISTRATIONS_URL, "accept_registrations", [registration]))

    registration.refresh_from_db()
    assert registration.status == UnemploymentRegistration.Status.ACCEPTED
    assert registration.processed_by == staff
    assert "1 registration accepted." in page


def test_rejecting_a_registration_in_the_console_needs_a_note(client, registration):
    clerk(client, WORKPLACE)

    act(client, REGISTRATIONS_URL, "reject_registrations", [registration])
    registration.refresh_from_db()
    assert registration.status == UnemploymentRegistration.Status.SUBMITTED

    act(client, REGISTRATIONS_URL, "reject_registrations", [registration], note="请补交社保缴费记录")
    registration.refresh_from_db()
    assert (registration.status, registration.note) == (UnemploymentRegistration.Status.REJECTED, "请补交社保缴费记录")


def test_an_already_processed_registration_is_reported_as_skipped(client, registration):
    registration.status = UnemploymentRegistration.Status.ACCEPTED
    registration.save()
    clerk(client, WORKPLACE)

    page = text(act(client, REGISTRATIONS_URL, "reject_registrations", [registration], note="改判"))

    registration.refresh_from_db()
    assert registration.status == UnemploymentRegistration.Status.ACCEPTED
    assert "1 registration skipped" in page


def test_the_registration_does_not_link_to_a_worker_page_the_clerk_may_not_open(client, registration):
    clerk(client, WORKPLACE)

    page = text(client.get(change_url(registration)))

    assert change_url(registration.worker) not in page


# Groups ---------------------------------------------------------------------------


def test_groups_are_read_only_with_masked_member_phones(client):
    cohort = Cohort.objects.create(name="张家兄弟", created_by=WorkerProfileFactory())
    phone = "13900002222"
    CohortMember.objects.create(cohort=cohort, phone_encrypted=phone, phone_hash=pii.keyed_hash(phone, purpose="phone"))
    clerk(client, HUKOU)

    listing = text(client.get(COHORTS_URL))
    detail = text(client.get(change_url(cohort)))

    assert "张家兄弟" in listing
    assert "139****2222" in detail
    assert phone not in detail
    assert "gAAAA" not in detail
    assert client.post(change_url(cohort), {"name": "改名"}).status_code == 403
    cohort.refresh_from_db()
    assert cohort.name == "张家兄弟"


def test_groups_outside_the_region_are_hidden_and_answer_404(client):
    cohort = Cohort.objects.create(name="外省小组", created_by=WorkerProfileFactory(hukou_county=county(ELSEWHERE)))
    clerk(client, HUKOU)

    assert "外省小组" not in text(client.get(COHORTS_URL))
    assert client.get(change_url(cohort)).status_code == 404


@pytest.mark.parametrize("url", [WORKERS_URL, REGISTRATIONS_URL, COHORTS_URL])
def test_console_lists_cost_the_same_queries_for_one_row_or_many(client, url):
    clerk(client, WORKPLACE, nationwide=True)

    def add_rows(n: int) -> None:
        for _ in range(n):
            worker = WorkerProfileFactory()
            UnemploymentRegistration.objects.create(worker=worker, region=county(WORKPLACE), basis="workplace")
            Cohort.objects.create(name="组", created_by=worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_rows(1)
    one = queries()
    add_rows(4)

    assert queries() == one
