"""The console for employers: region scoping, private search, and decisions as actions with a note."""

import html

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from jobs.models import Employer
from outbox.models import OutboxEvent
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import EmployerFactory, MemberFactory, SiteFactory, uscc

pytestmark = pytest.mark.django_db

YIDU = "420581"
NANBU = "511321"
LIST = reverse("admin:jobs_employer_changelist")
SEARCH = reverse("admin:jobs_employer_search")


def clerk(client: Client, region: str | None, **fields) -> User:
    """A bureau clerk of `region`, logged in to the console, who may view and decide on employers."""
    user = StaffFactory(home_region=county(region) if region else None, **fields)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="jobs", codename__in=("view_employer", "change_employer"))
    )
    client.force_login(user)
    return user


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def act(client: Client, action: str, rows, note: str = ""):
    data = {"action": action, "_selected_action": [row.pk for row in rows], "note": note, "index": 0}
    return client.post(LIST, data, follow=True)


def test_staff_see_only_employers_registered_in_their_region(client):
    EmployerFactory(name="宜都华新", region=county(YIDU))
    EmployerFactory(name="南部县建筑", region=county(NANBU))
    clerk(client, "420000")

    page = text(client.get(LIST))

    assert "宜都华新" in page
    assert "南部县建筑" not in page


def test_nationwide_staff_see_every_employer(client):
    EmployerFactory(name="宜都华新", region=county(YIDU))
    EmployerFactory(name="南部县建筑", region=county(NANBU))
    clerk(client, YIDU, nationwide=True)

    page = text(client.get(LIST))

    assert "宜都华新" in page
    assert "南部县建筑" in page


def test_an_employer_outside_the_region_answers_404(client):
    elsewhere = EmployerFactory(region=county(NANBU))
    clerk(client, YIDU)

    assert client.get(reverse("admin:jobs_employer_change", args=[elsewhere.pk])).status_code == 404


def test_the_employer_page_shows_members_and_contact_masked_and_sites(client):
    employer = EmployerFactory(region=county(YIDU), contact_phone="13900139002")
    MemberFactory(employer=employer, user__phone="13712345678")
    SiteFactory(employer=employer, name="长安镇一号厂区")
    clerk(client, YIDU)

    page = text(client.get(reverse("admin:jobs_employer_change", args=[employer.pk])))

    assert "137****5678" in page
    assert "139****9002" in page
    assert "长安镇一号厂区" in page
    for secret in ("13712345678", "13900139002", "gAAAA"):
        assert secret not in page


def test_search_by_full_credit_code_posts_and_keeps_the_code_out_of_the_address(client):
    wanted = EmployerFactory(name="宜都华新", region=county(YIDU), uscc=uscc(7, region=YIDU))
    EmployerFactory(name="宜都另一家", region=county(YIDU))
    clerk(client, YIDU)

    response = client.post(SEARCH, {"term": wanted.uscc.lower()}, follow=True)

    page = text(response)
    assert "宜都华新" in page
    assert "宜都另一家" not in page
    assert wanted.uscc not in response.redirect_chain[-1][0]


def test_search_by_name(client):
    EmployerFactory(name="宜都华新", region=county(YIDU))
    EmployerFactory(name="宜都另一家", region=county(YIDU))
    clerk(client, YIDU)

    page = text(client.post(SEARCH, {"term": "华新"}, follow=True))

    assert "宜都华新" in page
    assert "宜都另一家" not in page


def test_the_verify_action_verifies_and_tells_matching(client, django_capture_on_commit_callbacks):
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = clerk(client, YIDU)

    with django_capture_on_commit_callbacks():
        page = text(act(client, "verify", [employer]))

    employer.refresh_from_db()
    assert "1 employer changed." in page
    assert (employer.verification, employer.verified_by) == (Employer.Verification.VERIFIED, staff)
    assert OutboxEvent.objects.get().payload == {"employer_id": employer.pk, "reason": "verification"}


def test_rejecting_without_a_note_changes_nothing(client):
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    clerk(client, YIDU)

    page = text(act(client, "reject", [employer]))

    employer.refresh_from_db()
    assert "Write a note saying why" in page
    assert employer.verification == Employer.Verification.PENDING


def test_rejecting_with_a_note_keeps_the_note(client):
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    clerk(client, YIDU)

    act(client, "reject", [employer], note="营业执照已注销")

    employer.refresh_from_db()
    assert (employer.verification, employer.verification_note) == (Employer.Verification.REJECTED, "营业执照已注销")


@pytest.mark.parametrize(
    ("action", "standing"),
    [("standing_watch", "watch"), ("standing_blocked", "blocked"), ("standing_good", "good")],
)
def test_the_standing_actions_set_the_standing_with_the_note(client, action, standing):
    employer = EmployerFactory(region=county(YIDU), standing=Employer.Standing.WATCH)
    clerk(client, YIDU)

    act(client, action, [employer], note="两起欠薪投诉")

    employer.refresh_from_db()
    assert (employer.standing, employer.standing_note) == (standing, "两起欠薪投诉")


def test_blocking_without_a_note_changes_nothing(client):
    employer = EmployerFactory(region=county(YIDU))
    clerk(client, YIDU)

    act(client, "standing_blocked", [employer])

    employer.refresh_from_db()
    assert employer.standing == Employer.Standing.GOOD


def test_staff_without_a_home_region_see_no_employers(client):
    EmployerFactory(name="宜都华新", region=county(YIDU))
    clerk(client, None)

    assert "宜都华新" not in text(client.get(LIST))
