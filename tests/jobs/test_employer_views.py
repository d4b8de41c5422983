"""Employer pages: registration with the region picker, dashboard, members, sites and candidates."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from jobs.models import Employer, EmployerMember, Site
from tests.accounts.factories import EmployerFactory as EmployerUserFactory
from tests.accounts.factories import WorkerFactory
from tests.jobs.factories import EmployerFactory, MemberFactory, PostingFactory, uscc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixture_reference_data")]

YIDU = "420581"
REGISTER = reverse("jobs:employer_register")
DASHBOARD = reverse("jobs:employer_dashboard")
MEMBERS = reverse("jobs:employer_members")
SITES = reverse("jobs:employer_sites")


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def register_form(**overrides) -> dict[str, str]:
    return {
        "name": "宜都华新电子有限公司",
        "uscc": uscc(7, region=YIDU),
        "region_0": "420000",
        "region_1": "420500",
        "region_2": YIDU,
        "industry": "manufacturing",
        "contact_name": "陈经理",
        "contact_phone": "13900139002",
    } | overrides


def logged_in(client: Client, role: str = EmployerMember.Role.OWNER) -> EmployerMember:
    member = MemberFactory(role=role)
    client.force_login(member.user)
    return member


# Anonymous and outsiders ----------------------------------------------------------


@pytest.mark.parametrize("url", [REGISTER, DASHBOARD, MEMBERS, SITES, "/employer/postings/1/candidates/"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_employer_account_without_a_company_is_sent_to_register(client):
    client.force_login(EmployerUserFactory())

    assert client.get(DASHBOARD)["Location"] == REGISTER
    assert client.get(MEMBERS).status_code == 403


def test_a_worker_sees_no_employer_pages(client):
    client.force_login(WorkerFactory())

    assert client.get(DASHBOARD).status_code == 403
    assert client.get(SITES).status_code == 403


# Registration ---------------------------------------------------------------------


def test_an_employer_registers_a_company_and_lands_on_the_dashboard(client):
    user = EmployerUserFactory()
    client.force_login(user)

    response = client.post(REGISTER, register_form(), follow=True)

    page = text(response)
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert "postings go public after the labour bureau verifies the company" in page
    assert "Waiting for the bureau" in page
    employer = Employer.objects.get()
    assert (employer.region_id, employer.uscc) == (YIDU, uscc(7, region=YIDU))
    assert "no-store" in response["Cache-Control"]


def test_a_region_refresh_fills_the_next_list_without_errors_or_saving(client):
    client.force_login(EmployerUserFactory())

    page = text(client.post(REGISTER, {"name": "x", "region_0": "420000", "_region_refresh": "region"}))

    assert "420500" in page
    assert "errorlist" not in page
    assert not Employer.objects.exists()


def test_a_bad_credit_code_shows_its_message_on_the_form(client):
    client.force_login(EmployerUserFactory())
    code = uscc(7, region=YIDU)

    page = text(client.post(REGISTER, register_form(uscc=code[:-1] + ("0" if code[-1] != "0" else "1"))))

    assert "This credit code does not add up" in page
    assert not Employer.objects.exists()


def test_a_duplicate_credit_code_is_refused_on_the_form_without_naming_the_holder(client):
    EmployerFactory(name="已注册的公司", uscc=uscc(7, region=YIDU))
    client.force_login(EmployerUserFactory())

    page = text(client.post(REGISTER, register_form()))

    assert "This credit code is already registered." in page
    assert "已注册的公司" not in page


def test_a_worker_cannot_register_a_company_through_the_page(client):
    client.force_login(WorkerFactory())

    page = text(client.post(REGISTER, register_form()))

    assert "Only an employer account can register a company." in page
    assert not Employer.objects.exists()


def test_a_member_opening_the_register_page_goes_to_the_dashboard(client):
    logged_in(client)

    assert client.get(REGISTER)["Location"] == DASHBOARD


# Dashboard ------------------------------------------------------------------------


def test_the_dashboard_shows_the_company_and_only_its_own_postings(client):
    member = logged_in(client)
    PostingFactory(employer=member.employer, title="电子厂普工", headcount=50, filled_count=12)
    PostingFactory(title="别人的岗位")

    page = text(client.get(DASHBOARD))

    assert member.employer.uscc in page
    assert "Verified by the bureau" in page
    assert "电子厂普工" in page
    assert "别人的岗位" not in page
    assert "<td>38</td>" in page


def test_an_empty_dashboard_offers_to_post_a_job(client):
    logged_in(client)

    page = text(client.get(DASHBOARD))

    assert "No job postings yet." in page
    assert reverse("jobs:posting_create") in page


# Members --------------------------------------------------------------------------


def test_members_are_listed_with_masked_phones(client):
    member = logged_in(client)
    MemberFactory(employer=member.employer, role=EmployerMember.Role.RECRUITER, user__phone="13712345678")

    page = text(client.get(MEMBERS))

    assert "137****5678" in page
    assert "13712345678" not in page


def test_the_owner_adds_and_removes_a_member(client):
    owner = logged_in(client)

    response = client.post(MEMBERS, {"phone": "13712345678", "role": "recruiter"})
    added = EmployerMember.objects.get(employer=owner.employer, role=EmployerMember.Role.RECRUITER)
    removed = client.post(MEMBERS, {"remove": str(added.pk)})

    assert response["Location"] == MEMBERS
    assert removed["Location"] == MEMBERS
    assert list(EmployerMember.objects.all()) == [owner]


def test_the_owner_sees_why_a_member_cannot_be_added(client):
    logged_in(client)
    WorkerFactory(phone="13712345678")

    page = text(client.post(MEMBERS, {"phone": "13712345678", "role": "recruiter"}))

    assert "not an employer account" in page


def test_a_recruiter_sees_members_read_only_and_cannot_change_them(client):
    recruiter = logged_in(client, EmployerMember.Role.RECRUITER)
    owner = MemberFactory(employer=recruiter.employer)

    page = text(client.get(MEMBERS))
    add = client.post(MEMBERS, {"phone": "13712345678", "role": "owner"})
    remove = client.post(MEMBERS, {"remove": str(owner.pk)})

    assert "Only an owner of the company can add or remove members." in page
    assert (add.status_code, remove.status_code) == (403, 403)
    assert EmployerMember.objects.count() == 2


def test_an_owner_cannot_remove_another_companys_member(client):
    logged_in(client)
    stranger = MemberFactory(role=EmployerMember.Role.RECRUITER)

    assert client.post(MEMBERS, {"remove": str(stranger.pk)}).status_code == 404
    assert client.post(MEMBERS, {"remove": "x"}).status_code == 404
    assert EmployerMember.objects.filter(pk=stranger.pk).exists()


# Sites ----------------------------------------------------------------------------


def test_a_recruiter_adds_a_site_with_the_region_picker(client):
    member = logged_in(client, EmployerMember.Role.RECRUITER)
    form = {"name": "二号厂区", "address": "陆城街道", "county_0": "420000", "county_1": "420500", "county_2": YIDU}

    response = client.post(SITES, form, follow=True)

    assert "二号厂区" in text(response)
    assert Site.objects.get(employer=member.employer).county_id == YIDU


def test_a_site_without_a_county_is_not_added(client):
    logged_in(client)

    page = text(client.post(SITES, {"name": "二号厂区", "address": "陆城街道", "county_0": "420000"}))

    assert "Choose a prefecture." in page
    assert not Site.objects.exists()


# Candidates -----------------------------------------------------------------------


def test_the_dashboard_links_each_posting_to_its_candidates(client):
    member = logged_in(client)
    posting = PostingFactory(employer=member.employer)

    page = text(client.get(DASHBOARD))

    assert reverse("matching:candidates", args=[posting.pk]) in page


def test_another_employers_posting_candidates_are_not_found(client):
    logged_in(client)
    posting = PostingFactory()

    assert client.get(reverse("matching:candidates", args=[posting.pk])).status_code == 404
