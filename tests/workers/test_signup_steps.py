"""Sign-up pages step by step: what each shows, saves and refuses, resuming, and an agent filling them in."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.assistance import SESSION_KEY
from accounts.models import AssistedAction
from outbox.models import OutboxEvent
from tests.accounts.factories import AgentFactory, WorkerFactory, county
from tests.workers.factories import WorkerProfileFactory, id_number
from workers.models import Worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_reference_data")]

Step = Worker.SignupStep
IDENTITY = reverse("workers:signup_identity")
HOME = reverse("workers:signup_home")
WORK = reverse("workers:signup_work")
GROUP = reverse("workers:signup_group")
POOR = reverse("workers:signup_poor_labourer")
START = reverse("workers:signup")
DASHBOARD = reverse("workers:dashboard")


@pytest.fixture
def user(client):
    user = WorkerFactory(phone="13800138000")
    client.force_login(user)
    return user


def _at(user, step, **fields) -> Worker:
    return WorkerProfileFactory(user=user, signup_step=step, **fields)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _identity_data(**overrides):
    data = {"real_name": "李秀英", "id_number": id_number(), "consent_processing": "on", "consent_sharing": "on"}
    # None stands for a box left unticked, which a browser does not send at all.
    return {key: value for key, value in (data | overrides).items() if value is not None}


def _work_data(**overrides):
    data = {
        "skills-TOTAL_FORMS": "3",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "10",
        "skills-0-group": "construction",
        "skills-0-occupation": "bricklayer",
        "skills-0-years": "6",
        "certificates-TOTAL_FORMS": "1",
        "certificates-INITIAL_FORMS": "0",
        "certificates-MIN_NUM_FORMS": "0",
        "certificates-MAX_NUM_FORMS": "5",
        "certificates-0-level": "0",
        "education": "junior",
        "languages": "Mandarin, Sichuan dialect",
        "destinations": "provinces",
        "provinces_0": "440000",
        "provinces_1": "330000",
        "min_monthly_wage": "4,500",
        "available_from": "2027-02-20",
        "planned_return": "2028-01-20",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


def _selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', page, re.S)
    assert select, f"no select named {name}"
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group())
    return option.group(1) if option else None


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', page, re.S)
    assert select, f"no select named {name}"
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group()) if value]


# Where sign-up starts and resumes ----------------------------------------------------


def test_a_new_worker_starts_at_the_identity_step(client, user):
    response = client.get(START)

    assert response["Location"] == IDENTITY
    assert Worker.objects.get(user=user).signup_step == Step.IDENTITY


@pytest.mark.parametrize(("step", "url"), [(Step.HOME, HOME), (Step.WORK, WORK), (Step.DONE, DASHBOARD)])
def test_sign_up_resumes_at_the_first_unfinished_step(client, user, step, url):
    _at(user, step)

    assert client.get(START)["Location"] == url


@pytest.mark.parametrize("url", [HOME, WORK, GROUP, POOR])
def test_a_later_step_cannot_be_opened_before_identity_and_consent(client, user, url):
    response = client.get(url)

    assert response["Location"] == IDENTITY


def test_leaving_after_identity_and_coming_back_later_lands_on_home_with_identity_kept(client, user):
    client.post(IDENTITY, _identity_data())
    client.logout()

    later = Client(headers={"accept-language": "en"})
    later.force_login(user)
    assert later.get(START)["Location"] == HOME
    page = _text(later.get(IDENTITY))
    assert 'value="李秀英"' in page
    assert "530***********0010" in page


@pytest.mark.parametrize("url", [START, IDENTITY, HOME, WORK, GROUP, POOR])
def test_sign_up_pages_are_never_cached(client, user, url):
    _at(user, Step.DONE)

    response = client.get(url)

    assert "no-store" in response["Cache-Control"]


# Step 2: identity ------------------------------------------------------------------


def test_the_identity_page_shows_progress_labels_and_the_consent_terms(client, user):
    page = _text(client.get(IDENTITY))

    assert "Step 2 of 6" in page
    assert page.count('<li class="done">') == 1
    assert page.count('<li class="current">') == 1
    assert 'autocomplete="name"' in page
    assert re.search(r"<label for=\"id_id_number\">Resident ID number:?</label>", page)
    assert "to match you with jobs; to show your profile to the employers you are matched with" in page
    assert "for 3 years after your last job found through Chunfeng, then erased" in page
    assert "If you delete your account, your personal details are erased at once" in page


def test_saving_identity_goes_to_home_and_then_shows_the_number_only_masked(client, user):
    number = id_number(born=date(1990, 3, 7))

    response = client.post(IDENTITY, _identity_data(id_number=number))

    assert response["Location"] == HOME
    page = _text(client.get(IDENTITY))
    assert number not in page
    assert "Saved: 530***********0010." in page
    assert re.search(r"Born 1990-03-07, \d+ years old: read from your ID number\.", page)


def test_identity_can_be_saved_again_without_retyping_the_number(client, user):
    client.post(IDENTITY, _identity_data())

    response = client.post(IDENTITY, _identity_data(real_name="李秀珍", id_number=""))

    assert response.status_code == 302
    worker = Worker.objects.get(user=user)
    assert (worker.real_name, worker.id_number) == ("李秀珍", id_number())


def test_a_refused_identity_keeps_everything_typed_and_puts_the_reason_next_to_the_number(client, user):
    typed = id_number()[:-1] + ("1" if id_number()[-1] != "1" else "2")

    response = client.post(IDENTITY, _identity_data(id_number=typed, consent_sharing=None))

    page = _text(response)
    assert response.status_code == 200
    assert 'value="李秀英"' in page
    assert f'value="{typed}"' in page
    assert re.search(r'id="id_id_number_error"><li>This ID number is not valid', page)
    assert 'id="id_consent_sharing_error"' in page
    assert re.search(r'name="consent_processing"[^>]*checked', page)
    assert Worker.objects.get(user=user).signup_step == Step.IDENTITY


def test_an_under_16_is_told_why_next_to_the_number(client, user):
    response = client.post(IDENTITY, _identity_data(id_number=id_number(born=timezone.localdate().replace(year=2015))))

    assert "employing children under 16 is against the law" in _text(response)


def test_a_second_account_with_the_same_number_is_pointed_to_log_in(client, user):
    other = WorkerProfileFactory(real_name="王建国", id_number=id_number(sequence=9))

    page = _text(client.post(IDENTITY, _identity_data(id_number=id_number(sequence=9))))

    assert "Log in with the mobile number of that account instead." in page
    assert "王建国" not in page
    assert other.user.masked_phone not in page


def test_full_width_digits_in_the_number_are_accepted(client, user):
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in id_number())

    assert client.post(IDENTITY, _identity_data(id_number=typed))["Location"] == HOME
    assert Worker.objects.get(user=user).id_number == id_number()


def test_saving_identity_writes_worker_changed_on_commit_and_a_refusal_writes_nothing(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as refused:
        client.post(IDENTITY, _identity_data(consent_processing=None))
    assert not OutboxEvent.objects.exists()
    assert refused == []

    with django_capture_on_commit_callbacks() as saved:
        client.post(IDENTITY, _identity_data())

    worker = Worker.objects.get(user=user)
    event = OutboxEvent.objects.get()
    assert (event.topic, event.payload) == ("worker.changed", {"worker_id": worker.pk})
    assert len(saved) == 1


# Step 3: home ----------------------------------------------------------------------


def test_the_region_picker_walks_down_without_javascript_and_saves_nothing(client, user):
    _at(user, Step.HOME, hukou_county=None)

    response = client.post(HOME, {"hukou_county_0": "510000", "_region_refresh": "hukou_county"})

    page = _text(response)
    assert response.status_code == 200
    assert "511300" in _options(page, "hukou_county_1")
    assert 'class="errorlist"' not in page
    assert Worker.objects.get(user=user).hukou_county is None


def test_saving_home_goes_to_work(client, user):
    _at(user, Step.HOME, hukou_county=None)
    data = {f"hukou_county_{i}": code for i, code in enumerate(["510000", "511300", "511321"])}
    data |= {f"current_county_{i}": code for i, code in enumerate(["440000", "440300", "440306"])}

    response = client.post(HOME, data)

    assert response["Location"] == WORK
    worker = Worker.objects.get(user=user)
    assert (worker.hukou_county_id, worker.current_county_id) == ("511321", "440306")


def test_a_half_chosen_home_is_refused_and_the_lists_keep_the_choice(client, user):
    _at(user, Step.HOME, hukou_county=None)

    page = _text(client.post(HOME, {"hukou_county_0": "510000", "hukou_county_1": "511300"}))

    assert "Choose a county." in page
    assert _selected(page, "hukou_county_1") == "511300"


def test_the_home_page_loads_the_region_picker_script(client, user):
    _at(user, Step.HOME)

    assert "js/region-picker.js" in client.get(HOME).content.decode()


# Step 4: work ----------------------------------------------------------------------


def test_the_work_page_offers_kinds_of_work_before_occupations(client, user):
    _at(user, Step.WORK)

    page = _text(client.get(WORK))

    assert page.count('name="skills-') >= 9
    assert "construction" in _options(page, "skills-0-group")
    assert _options(page, "skills-0-occupation") == []
    assert re.search(r'<select name="skills-0-occupation"[^>]*disabled', page)
    assert len(re.findall(r'<select name="provinces_\d"', page)) == 5
    assert "810000" not in _options(page, "provinces_0")
    assert 'inputmode="numeric"' in page
    assert 'type="date"' in page


def test_show_occupations_lists_the_chosen_kind_and_keeps_the_rest(client, user):
    _at(user, Step.WORK)

    response = client.post(WORK, _work_data(**{"skills-1-group": "textiles_garments", "_show_occupations": "1"}))

    page = _text(response)
    assert "sewing_machinist" in _options(page, "skills-1-occupation")
    assert "bricklayer" not in _options(page, "skills-1-occupation")
    assert 'class="errorlist' not in page
    assert 'value="4,500"' in page
    assert Worker.objects.get(user=user).skills.count() == 0


def test_add_another_skill_shows_one_more_row_with_what_was_typed(client, user):
    _at(user, Step.WORK)

    page = _text(client.post(WORK, _work_data(_add_row="skills")))

    assert 'name="skills-TOTAL_FORMS" value="4"' in page
    assert 'name="skills-3-group"' in page
    assert "Skill 1: Bricklayer" in page
    assert '<input type="hidden" name="skills-0-occupation" value="bricklayer"' in page


def test_saving_work_stores_skills_provinces_and_wage_and_goes_to_group(client, user):
    worker = _at(user, Step.WORK)
    data = _work_data(
        **{
            "skills-1-group": "textiles_garments",
            "skills-1-occupation": "sewing_machinist",
            "skills-1-years": chr(0xFF12),  # a full-width 2
            "certificates-0-name": "Bricklayer, level 4",
            "certificates-0-level": "4",
            "certificates-0-occupation": "bricklayer",
        }
    )

    response = client.post(WORK, data)

    assert response["Location"] == GROUP
    worker.refresh_from_db()
    assert sorted(worker.skills.values_list("occupation__code", "years")) == [
        ("bricklayer", 6),
        ("sewing_machinist", 2),
    ]
    assert list(worker.certificates.values_list("name", "level", "occupation__code")) == [
        ("Bricklayer, level 4", 4, "bricklayer")
    ]
    assert list(worker.destination_choices.values_list("rank", "province_id")) == [(1, "440000"), (2, "330000")]
    assert (worker.min_monthly_wage, worker.signup_step) == (4500, Step.GROUP)


def test_the_saved_work_step_comes_back_filled_in(client, user):
    _at(user, Step.WORK)
    client.post(WORK, _work_data())

    page = _text(client.get(WORK))

    assert "Skill 1: Bricklayer" in page
    assert '<input type="hidden" name="skills-0-occupation" value="bricklayer"' in page
    assert 'name="skills-0-DELETE"' in page
    assert _options(page, "skills-1-group")
    assert _selected(page, "provinces_1") == "330000"
    assert 'value="4500"' in page
    assert 'value="2027-02-20"' in page


def test_a_saved_skill_can_be_removed(client, user):
    _at(user, Step.WORK)
    client.post(WORK, _work_data())
    second = {"skills-1-group": "catering", "skills-1-occupation": "chinese_cook", "skills-1-years": "1"}
    client.post(WORK, _work_data(**{"skills-0-DELETE": "on"}, **second))

    assert list(Worker.objects.get(user=user).skills.values_list("occupation__code", flat=True)) == ["chinese_cook"]


def test_no_skill_needs_the_no_experience_box(client, user):
    _at(user, Step.WORK)
    empty = {"skills-0-group": "", "skills-0-occupation": "", "skills-0-years": ""}

    refused = _text(client.post(WORK, _work_data(**empty)))
    accepted = client.post(WORK, _work_data(**empty, no_experience="on"))

    assert "Add at least one skill, or tick “No work experience yet” below." in refused
    assert accepted["Location"] == GROUP
    assert not Worker.objects.get(user=user).skills.exists()


def test_a_refused_work_step_keeps_every_answer_and_says_what_is_wrong_where(client, user):
    _at(user, Step.WORK)

    response = client.post(
        WORK, _work_data(min_monthly_wage="lots", **{"skills-0-years": "61"}, languages="Yi, Mandarin")
    )

    page = _text(response)
    assert re.search(r'id="id_min_monthly_wage_error"><li>Enter the wage in yuan as a number', page)
    assert re.search(r'id="id_skills-0-years_error"><li>Years of experience run from 0 to 60\.', page)
    assert 'value="lots"' in page
    assert 'value="Yi, Mandarin"' in page
    assert _selected(page, "provinces_1") == "330000"
    assert Worker.objects.get(user=user).signup_step == Step.WORK


def test_a_free_until_date_before_the_start_is_refused_next_to_it(client, user):
    _at(user, Step.WORK)

    page = _text(client.post(WORK, _work_data(available_to="2027-01-01")))

    assert re.search(r'id="id_available_to_error"><li>This date is before the day you are free to start\.', page)
    assert 'value="2027-01-01"' in page


def test_choosing_provinces_needs_at_least_one(client, user):
    _at(user, Step.WORK)

    page = _text(client.post(WORK, _work_data(provinces_0="", provinces_1="")))

    assert "Choose at least one province, or choose 'Anywhere in China'." in page


def test_local_work_only_drops_provinces_left_in_the_lists(client, user):
    worker = _at(user, Step.WORK)

    client.post(WORK, _work_data(destinations="local"))

    worker.refresh_from_db()
    assert worker.destinations == Worker.Destinations.LOCAL
    assert not worker.destination_choices.exists()


# Steps 5 and 6, and editing after sign-up -----------------------------------------------


def test_skipping_the_group_goes_to_the_poor_labourer_step(client, user):
    _at(user, Step.GROUP)

    response = client.post(GROUP, {"action": "continue"})

    assert response["Location"] == POOR
    assert Worker.objects.get(user=user).signup_step == Step.POOR_LABOURER


def test_declaring_finishes_sign_up_and_opens_the_workers_page(client, user):
    _at(user, Step.POOR_LABOURER)

    response = client.post(POOR, {"declared": "yes"}, follow=False)

    assert response["Location"] == DASHBOARD
    worker = Worker.objects.get(user=user)
    assert (worker.poor_labourer, worker.signup_complete) == (Worker.PoorLabourer.DECLARED, True)


def test_the_poor_labourer_question_needs_an_answer(client, user):
    _at(user, Step.POOR_LABOURER)

    assert "Choose yes or no." in _text(client.post(POOR, {}))


def test_after_sign_up_a_step_edits_the_profile_and_returns_to_the_workers_page(client, user):
    _at(user, Step.DONE)
    data = {f"hukou_county_{i}": code for i, code in enumerate(["530000", "530600", "530627"])}

    response = client.post(HOME, data, follow=True)

    assert response.redirect_chain[0][0] == DASHBOARD
    assert "Saved. Matching will look again." in [str(m) for m in response.context["messages"]]
    assert Worker.objects.get(user=user).signup_step == Step.DONE


# An agent filling in the steps for a worker ---------------------------------------------


@pytest.fixture
def assisted(client):
    WorkerFactory(phone="13700000001", home_region=county("511321"))
    agent = AgentFactory(home_region=county("511321"))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone="13700000001", consent_method="signed_form", form_reference="NB-7"
    )
    client.force_login(agent)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()
    return grant


def test_an_agent_with_a_grant_signs_the_worker_up_and_every_step_is_recorded(client, assisted):
    home = {f"hukou_county_{i}": code for i, code in enumerate(["510000", "511300", "511321"])}
    assert "Read this to the worker." in _text(client.get(IDENTITY))

    assert client.post(IDENTITY, _identity_data())["Location"] == HOME
    assert client.post(HOME, home)["Location"] == WORK
    assert client.post(WORK, _work_data())["Location"] == GROUP
    assert client.post(GROUP, {"action": "continue"})["Location"] == POOR
    assert client.post(POOR, {"declared": "no"})["Location"] == DASHBOARD

    worker = Worker.objects.get(user=assisted.worker)
    assert worker.signup_complete
    assert worker.registered_by == assisted.actor
    assert not Worker.objects.filter(user=assisted.actor).exists()
    actions = AssistedAction.objects.filter(grant=assisted).order_by("pk")
    assert [a.action for a in actions] == [
        "profile.identity",
        "profile.home",
        "profile.work",
        "profile.signup_step",
        "profile.poor_labourer",
    ]
    assert {(a.grant.actor_id, a.grant.worker_id, a.target_id) for a in actions} == {
        (assisted.actor.pk, assisted.worker.pk, str(worker.pk))
    }


# Queries ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_work_page_costs_the_same_queries_for_one_skill_or_six(client, user):
    worker = _at(user, Step.DONE)
    client.post(WORK, _work_data())
    one = _queries(client, WORK)
    rows = {
        f"skills-{n}-{key}": value
        for n, code in enumerate(["welder", "scaffolder", "rebar_worker", "concrete_worker", "bricklayer"], start=1)
        for key, value in {"group": "construction", "occupation": code, "years": "2"}.items()
    }
    client.post(WORK, _work_data(**{"skills-TOTAL_FORMS": "6", "skills-0-occupation": "carpenter"}, **rows))
    assert worker.skills.count() == 6

    assert _queries(client, WORK) == one


def test_field_errors_follow_the_language_of_each_request(client, user):
    _at(user, Step.WORK)
    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(user)
    bad_years = _work_data(**{"skills-0-years": "61"})

    english_page = _text(client.post(WORK, bad_years))
    chinese_page = _text(chinese.post(WORK, bad_years))

    assert "Years of experience run from 0 to 60." in english_page
    assert "工作年限要在0到60年之间。" in chinese_page
