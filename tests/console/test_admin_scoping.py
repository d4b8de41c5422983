"""Every console page is region scoped: a clerk sees and changes only rows of their region, whatever the URL.

The walk covers every model admin registered on admin.site: a model is either
regional (rows of county A answer 404 to clerks whose region does not hold
A), national (reference data every clerk reads) or restricted (service-wide
logs: nationwide staff and superusers only). A model admin registered later
fails `test_every_console_model_is_classified` until someone classifies it.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from accounts.models import User
from dispatch.models import PickupPoint, Trip
from jobs.models import Campaign, Employer, EmployerMember
from matching.models import Offer
from rights.models import Case, WageCheckin
from tests.accounts.factories import StaffFactory, county
from tests.console.scoping_world import (
    COUNTY_A,
    COUNTY_A_CLERK,
    COUNTY_B,
    COUNTY_B_CLERK,
    NATIONAL,
    NATIONWIDE,
    OTHER_PROVINCE_CLERK,
    PERSONAS,
    PREFECTURE_CLERK,
    SEES_A,
    SEES_B,
    World,
    build_world,
    made,
)
from tests.jobs.factories import CampaignFactory, MemberFactory
from tests.training.factories import ProviderMemberFactory
from training.models import Provider, ProviderMember

pytestmark = pytest.mark.django_db

# model → the region link(s) that put a row in a clerk's region
REGIONAL = {
    "accounts.User": "home_region (workers, staff, agents); superusers and nationwide accounts: nationwide only",
    "accounts.AssistanceGrant": "worker.home_region",
    "accounts.AssistedAction": "grant.worker.home_region",
    "workers.Worker": "hukou_county",
    "workers.UnemploymentRegistration": "region (where the worker registered)",
    "workers.Cohort": "created_by.hukou_county",
    "jobs.Employer": "region",
    "jobs.JobPosting": "county (the site's)",
    "jobs.Campaign": "regions (any to see, all to change)",
    "training.Provider": "region",
    "training.Course": "provider.region or county",
    "training.Enrollment": "worker.hukou_county or course.provider.region",
    "matching.Offer": "worker.hukou_county or posting.county",
    "dispatch.Trip": "site.county or a stop's county",
    "dispatch.PickupPoint": "county",
    "rights.Case": "sending_region or receiving_region",
    "rights.WageCheckin": "offer.worker.hukou_county or offer.posting.site.county",
}
# model → why every clerk may read it
NATIONAL_TABLES = {
    "reference.Region": "the GB/T 2260 divisions, public reference data, edited by superusers only",
    "reference.Occupation": "the occupation taxonomy, public reference data, edited by superusers only",
    "reference.MinimumWage": "provincial minimum wages, published by law, edited by superusers only",
    "reference.MinimumWageTier": "which tier a division is in, published with the wages, edited by superusers only",
    "dispatch.VehicleType": "kinds of vehicle with seats and costs: no region, no person",
    "matching.MatchRun": "service-wide run figures and fairness aggregates: no person, no region",
    "auth.Group": "permission groups: no region, no person",
}
# model → why only nationwide staff and superusers have a page for it
RESTRICTED = {
    "outbox.OutboxEvent": "queued events carry ids and payloads of every region",
    "accounts.SmsMessage": "kept messages hold phones and login codes of every region",
    "axes.AccessAttempt": "sign-in attempts: user names and addresses of every region",
    "axes.AccessLog": "sign-ins: user names and addresses of every region",
    "axes.AccessFailureLog": "failed sign-ins: user names and addresses of every region",
    "auditlog.LogEntry": "the change history of every row of every region, old and new values",
}

# Object-id URLs beyond the stock change/history/delete pages, each checked below with an out-of-scope row.
CUSTOM_OBJECT_URLS = {
    "view_on_site",
    "auth_user_password_change",
    "matching_matchrun_fairness",
    "dispatch_trip_manifest",
    "dispatch_trip_manifest_csv",
    "dispatch_trip_move",
    "dispatch_trip_vehicle",
    "dispatch_trip_cancel",
    "dispatch_trip_depart",
    "dispatch_trip_board",
    "dispatch_trip_no_show",
    "rights_case_move",
    "rights_case_message",
}
STOCK_OBJECT_PAGES = ("change", "history", "delete")

STATISTICS = {
    "admin:training_course_statistics": lambda stats: sum(row.enrolled for row in stats.by_type),
    "admin:dispatch_trip_statistics": lambda stats: stats.total.trips,
    "admin:rights_case_statistics": lambda stats: stats.total.filed,
}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The two counties and five clerks, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _label(model: type[Model]) -> str:
    return model._meta.label


def _model(label: str) -> type[Model]:
    return next(model for model in admin.site._registry if _label(model) == label)


def _url(model: type[Model], page: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def as_clerk(world: World, letter: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.clerks[letter])
    return client


def _context(response: Any) -> dict[str, Any]:
    assert response.context_data is not None
    return response.context_data


def _campaign(name: str) -> Campaign:
    return made(Campaign, CampaignFactory, name=name)


def _expected(world: World, model: type[Model], letter: str) -> set[Any]:
    rows = {COUNTY_A: SEES_A, COUNTY_B: SEES_B}
    return {world.row(model, code).pk for code, seeing in rows.items() if letter in seeing}


# The registry ----------------------------------------------------------------------------------


def test_every_console_model_is_classified():
    registered = {_label(model) for model in admin.site._registry}
    classified = [*REGIONAL, *NATIONAL_TABLES, *RESTRICTED]

    assert len(classified) == len(set(classified)), "a model is classified twice"
    assert registered - set(classified) == set(), "classify these new console models as regional/national/restricted"
    assert set(classified) - registered == set(), "these classified models are no longer registered"


def test_the_world_has_a_row_in_each_county_for_every_regional_model(world):
    homes = {letter: clerk.home_region_id for letter, clerk in world.clerks.items()}
    assert homes == {"a": COUNTY_A, "b": COUNTY_B, "c": "530600", "d": "440000", "e": None}
    for label in REGIONAL:
        model = _model(label)
        assert world.row(model, COUNTY_A).pk != world.row(model, COUNTY_B).pk


# Lists and object pages ------------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(REGIONAL))
def test_regional_lists_and_pages_show_only_the_clerks_region(world, label):
    model = _model(label)
    row_a, row_b = world.row(model, COUNTY_A), world.row(model, COUNTY_B)
    for letter in PERSONAS:
        client = as_clerk(world, letter)
        listing = client.get(_url(model, "changelist"))
        assert listing.status_code == 200, (letter, listing.status_code)
        listed = set(_context(listing)["cl"].queryset.filter(pk__in=[row_a.pk, row_b.pk]).values_list("pk", flat=True))
        assert listed == _expected(world, model, letter), letter

        change = client.get(_url(model, "change", row_a.pk))
        history = client.get(_url(model, "history", row_a.pk))
        delete = client.get(_url(model, "delete", row_a.pk))
        if letter in SEES_A:
            assert (change.status_code, history.status_code) == (200, 200), letter
            assert delete.status_code == 403, letter  # the clerk group holds no delete permission
        else:
            assert (change.status_code, history.status_code, delete.status_code) == (404, 404, 404), letter


@pytest.mark.parametrize("label", sorted(NATIONAL_TABLES))
def test_national_tables_are_open_to_every_clerk(world, label):
    model = _model(label)
    row = world.row(model, NATIONAL)
    for letter in PERSONAS:
        client = as_clerk(world, letter)
        assert client.get(_url(model, "changelist")).status_code == 200, letter
        assert client.get(_url(model, "change", row.pk)).status_code == 200, letter


@pytest.mark.parametrize("label", sorted(RESTRICTED))
def test_service_wide_logs_are_for_nationwide_staff_only(world, label):
    model = _model(label)
    for letter in PERSONAS:
        client = as_clerk(world, letter)
        expected = 200 if letter == NATIONWIDE else 403
        assert client.get(_url(model, "changelist")).status_code == expected, letter
        index = client.get(reverse("admin:index"))
        assert (_url(model, "changelist") in index.content.decode()) is (letter == NATIONWIDE), letter


# Custom pages --------------------------------------------------------------------------------


def _object_urls(patterns: list[Any]) -> Iterator[tuple[str, str]]:
    """(name, route) of every named console URL that takes an object's id."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _object_urls(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name and "id>" in str(pattern.pattern):
            yield pattern.name, str(pattern.pattern)


def test_every_object_url_of_the_console_is_checked_below():
    stock = {f"<path:object_id>/{page}/" for page in STOCK_OBJECT_PAGES}
    custom = {name for name, route in _object_urls(admin.site.get_urls()) if route not in stock}

    assert custom == CUSTOM_OBJECT_URLS


def _custom_requests(world: World) -> list[tuple[str, str, str]]:
    """(url name, method, url) for each custom object URL, on county A's row."""
    user, trip, case = world.row(User).pk, world.row(Trip).pk, world.row(Case).pk
    trip_pages = ("manifest", "manifest_csv", "move", "vehicle", "cancel", "depart")
    return [
        ("auth_user_password_change", "get", reverse("admin:auth_user_password_change", args=[user])),
        *((f"dispatch_trip_{page}", "get", reverse(f"admin:dispatch_trip_{page}", args=[trip])) for page in trip_pages),
        *(
            (f"dispatch_trip_{page}", "post", reverse(f"admin:dispatch_trip_{page}", args=[trip]))
            for page in ("board", "no_show")
        ),
        ("rights_case_move", "get", reverse("admin:rights_case_move", args=[case, Case.Status.CLOSED])),
        ("rights_case_message", "get", reverse("admin:rights_case_message", args=[case])),
    ]


def test_custom_object_pages_answer_404_outside_the_region_and_open_inside(world):
    requests = _custom_requests(world)
    assert {name for name, _method, _url in requests} == CUSTOM_OBJECT_URLS - {
        "matching_matchrun_fairness",
        "view_on_site",
    }
    for letter in PERSONAS:
        client = as_clerk(world, letter)
        for name, method, url in requests:
            status = getattr(client, method)(url, {"offer": world.row(Trip).passengers.get().offer_id}).status_code
            if letter in SEES_A:
                assert status in (200, 302), (letter, name, status)
            else:
                assert status == 404, (letter, name, status)


def test_the_fairness_report_of_a_run_is_national(world):
    run = world.row(_model("matching.MatchRun"), NATIONAL)
    for letter in PERSONAS:
        response = as_clerk(world, letter).get(reverse("admin:matching_matchrun_fairness", args=[run.pk]))
        assert response.status_code == 200, letter


@pytest.mark.parametrize("label", sorted(REGIONAL))
def test_view_on_site_leads_nowhere_as_no_console_model_has_a_public_page(world, label):
    model = _model(label)
    content_type = ContentType.objects.get_for_model(model)
    url = reverse("admin:view_on_site", args=[content_type.pk, world.row(model).pk])
    assert as_clerk(world, COUNTY_B_CLERK).get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(STATISTICS))
def test_statistics_pages_count_only_the_clerks_region(world, name):
    figure = STATISTICS[name]
    for letter in PERSONAS:
        response = as_clerk(world, letter).get(reverse(name))
        assert response.status_code == 200, letter
        expected = (letter in SEES_A) + (letter in SEES_B)
        assert figure(_context(response)["stats"]) == expected, letter


# Actions posted with ids outside the region -------------------------------------------------------


def _values(row: Model) -> dict[str, Any]:
    fresh = type(row)._default_manager.get(pk=row.pk)
    return model_to_dict(fresh)


@pytest.mark.parametrize("label", sorted(REGIONAL))
def test_actions_posted_with_an_id_outside_the_region_change_nothing(world, label):
    model = _model(label)
    row_a = world.row(model, COUNTY_A)
    before = _values(row_a)
    client = as_clerk(world, COUNTY_B_CLERK)
    model_admin = admin.site._registry[model]
    for action in [*(model_admin.actions or ()), "delete_selected"]:
        name = action if isinstance(action, str) else action.__name__
        data = {"action": name, "_selected_action": [row_a.pk], "index": 0, "note": "越权操作"}
        client.post(_url(model, "changelist"), data)
        assert _values(row_a) == before, name


def test_a_clerk_of_the_county_does_change_its_employer_by_the_same_action(world):
    employer = world.row(Employer)
    Employer.objects.filter(pk=employer.pk).update(verification=Employer.Verification.PENDING)
    data = {"action": "verify", "_selected_action": [employer.pk], "index": 0}

    as_clerk(world, COUNTY_B_CLERK).post(_url(Employer, "changelist"), data)
    assert Employer.objects.get(pk=employer.pk).verification == Employer.Verification.PENDING

    as_clerk(world, COUNTY_A_CLERK).post(_url(Employer, "changelist"), data)
    assert Employer.objects.get(pk=employer.pk).verification == Employer.Verification.VERIFIED


# Regressions of the leaks this walk found ------------------------------------------------------


def test_a_clerk_cannot_open_or_reset_the_password_of_a_nationwide_or_superuser_account(world):
    client = as_clerk(world, COUNTY_A_CLERK)
    for account in (
        world.clerks[NATIONWIDE],
        made(User, StaffFactory, is_superuser=True, home_region=county(COUNTY_A), password=""),
    ):
        assert client.get(_url(User, "change", account.pk)).status_code == 404
        assert client.get(reverse("admin:auth_user_password_change", args=[account.pk])).status_code == 404


def test_a_clerk_cannot_widen_their_own_region_or_rights(world):
    clerk = world.clerks[COUNTY_A_CLERK]
    client = as_clerk(world, COUNTY_A_CLERK)
    page = client.get(_url(User, "change", clerk.pk))
    form_fields = set(_context(page)["adminform"].form.fields)
    assert {"nationwide", "is_superuser", "groups", "user_permissions", "home_region", "role"} & form_fields == set()

    data = {"username": clerk.username, "nationwide": "on", "is_superuser": "on", "home_region": "530000"}
    client.post(_url(User, "change", clerk.pk), data)
    clerk.refresh_from_db()
    assert (clerk.nationwide, clerk.is_superuser, clerk.home_region_id) == (False, False, COUNTY_A)


def test_a_clerk_of_another_county_sees_no_staff_or_agent_of_county_a(world):
    agent = world.row(_model("accounts.AssistanceGrant")).actor
    listing = as_clerk(world, COUNTY_B_CLERK).get(_url(User, "changelist"))
    listed = set(_context(listing)["cl"].queryset.values_list("pk", flat=True))
    assert {agent.pk, world.clerks[COUNTY_A_CLERK].pk} & listed == set()


def test_a_campaign_spanning_two_counties_is_seen_by_both_and_changed_by_neither(world):
    campaign = _campaign("两县联合招聘会")
    campaign.regions.add(county(COUNTY_A), county(COUNTY_B))
    for letter in (COUNTY_A_CLERK, COUNTY_B_CLERK):
        client = as_clerk(world, letter)
        page = client.get(_url(Campaign, "change", campaign.pk))
        assert page.status_code == 200
        assert _context(page)["has_change_permission"] is False
        response = client.post(_url(Campaign, "change", campaign.pk), {"name": "改名"})
        assert response.status_code == 403
    assert _context(as_clerk(world, NATIONWIDE).get(_url(Campaign, "change", campaign.pk)))["has_change_permission"]


def test_a_clerk_cannot_give_a_campaign_a_region_outside_their_own(world):
    campaign = world.row(Campaign)
    client = as_clerk(world, COUNTY_A_CLERK)
    data = {
        "name": campaign.name,
        "kind": campaign.kind,
        "starts_on": f"{campaign.starts_on:%Y-%m-%d}",
        "ends_on": f"{campaign.ends_on:%Y-%m-%d}",
        "organiser": campaign.organiser,
        "regions": [COUNTY_A, COUNTY_B],
    }

    refused = client.post(_url(Campaign, "change", campaign.pk), data)
    assert refused.status_code == 200
    assert "regions" in _context(refused)["adminform"].form.errors
    assert set(campaign.regions.values_list("code", flat=True)) == {COUNTY_A}

    data["regions"] = [COUNTY_A]
    data["name"] = "镇雄县春风行动"
    assert client.post(_url(Campaign, "change", campaign.pk), data).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).name == "镇雄县春风行动"


def test_a_campaign_without_regions_is_for_nationwide_staff_only(world):
    campaign = _campaign("全国春风行动")
    assert as_clerk(world, PREFECTURE_CLERK).get(_url(Campaign, "change", campaign.pk)).status_code == 404
    assert as_clerk(world, OTHER_PROVINCE_CLERK).get(_url(Campaign, "change", campaign.pk)).status_code == 404
    assert as_clerk(world, NATIONWIDE).get(_url(Campaign, "change", campaign.pk)).status_code == 200


def test_a_clerk_may_read_but_not_reset_the_password_of_a_fellow_clerk(world):
    fellow = made(User, StaffFactory, username="clerk-a2", home_region=county(COUNTY_A), password="")
    client = as_clerk(world, COUNTY_A_CLERK)

    page = client.get(_url(User, "change", fellow.pk))
    assert page.status_code == 200
    assert _context(page)["has_change_permission"] is False
    assert client.get(reverse("admin:auth_user_password_change", args=[fellow.pk])).status_code == 403
    own = client.get(reverse("admin:auth_user_password_change", args=[world.clerks[COUNTY_A_CLERK].pk]))
    assert own.status_code == 200


def test_employer_and_provider_accounts_belong_to_the_region_of_their_company_or_school(world):
    employer_a = made(EmployerMember, MemberFactory, employer=world.row(Employer, COUNTY_A)).user
    teacher_b = made(ProviderMember, ProviderMemberFactory, provider=world.row(Provider, COUNTY_B)).user
    a, b = as_clerk(world, COUNTY_A_CLERK), as_clerk(world, COUNTY_B_CLERK)

    assert (
        a.get(_url(User, "change", employer_a.pk)).status_code,
        b.get(_url(User, "change", employer_a.pk)).status_code,
    ) == (200, 404)
    assert (
        a.get(_url(User, "change", teacher_b.pk)).status_code,
        b.get(_url(User, "change", teacher_b.pk)).status_code,
    ) == (404, 200)
    listed = set(_context(b.get(_url(User, "changelist")))["cl"].queryset.values_list("pk", flat=True))
    assert teacher_b.pk in listed
    assert employer_a.pk not in listed


def test_silent_placements_list_only_the_clerks_region(world):
    offer = world.row(Offer)
    Offer.objects.filter(pk=offer.pk).update(closed_at=timezone.now() - timedelta(days=100))
    WageCheckin.objects.filter(offer=offer).delete()
    url = reverse("admin:rights_case_silent_placements")
    for letter in PERSONAS:
        page = as_clerk(world, letter).get(url)
        assert page.status_code == 200, letter
        rows = {row.pk for row, _name in _context(page)["rows"]}
        assert (offer.pk in rows) is (letter in SEES_A), letter


def test_a_clerk_cannot_move_a_pickup_point_out_of_their_region(world):
    point = world.row(PickupPoint)
    client = as_clerk(world, COUNTY_A_CLERK)
    data = {"name": point.name, "county": COUNTY_B, "lat": point.lat, "lng": point.lng}

    refused = client.post(_url(PickupPoint, "change", point.pk), data)
    assert "county" in _context(refused)["adminform"].form.errors
    assert PickupPoint.objects.get(pk=point.pk).county_id == COUNTY_A

    data["name"] = "镇雄县客运中心"
    data["county"] = COUNTY_A
    assert client.post(_url(PickupPoint, "change", point.pk), data).status_code == 302
    assert PickupPoint.objects.get(pk=point.pk).name == "镇雄县客运中心"


def test_clerks_read_permission_groups_but_cannot_grant_themselves_more(world):
    group = world.clerks[COUNTY_A_CLERK].groups.get()
    before = set(group.permissions.values_list("pk", flat=True))
    client = as_clerk(world, NATIONWIDE)

    page = client.get(_url(Group, "change", group.pk))
    assert page.status_code == 200
    assert _context(page)["has_change_permission"] is False
    everything = list(Permission.objects.values_list("pk", flat=True))
    assert (
        client.post(_url(Group, "change", group.pk), {"name": group.name, "permissions": everything}).status_code == 403
    )
    assert set(group.permissions.values_list("pk", flat=True)) == before
