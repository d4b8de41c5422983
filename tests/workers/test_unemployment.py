"""Unemployment registration where the worker works or is insured, and processing by staff of that county."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.assistance import SESSION_KEY
from accounts.models import AssistedAction
from outbox.models import OutboxEvent
from tests.accounts.factories import AgentFactory, StaffFactory, county
from tests.workers.factories import WorkerProfileFactory
from workers.models import UnemploymentRegistration, Worker
from workers.services import unemployment as unemployment_services
from workers.services.unemployment import UnemploymentError, unemployment_process, unemployment_register

pytestmark = pytest.mark.django_db

URL = reverse("workers:unemployment")
HUKOU = "530627"  # Zhenxiong, Yunnan: the factory's home county
WORKPLACE = "420581"  # Yidu, Hubei: where the worker is employed
WORKPLACE_FORM = {"region_0": "420000", "region_1": "420500", "region_2": WORKPLACE}
HUKOU_FORM = {"region_0": "530000", "region_1": "530600", "region_2": HUKOU}


@pytest.fixture
def worker(client) -> Worker:
    county(WORKPLACE)
    worker = WorkerProfileFactory(real_name="张伟")
    client.force_login(worker.user)
    return worker


@pytest.fixture
def work_staff():
    return StaffFactory(home_region=county(WORKPLACE))


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def register(worker: Worker, *, code: str = WORKPLACE, basis: str = "workplace", **kwargs) -> UnemploymentRegistration:
    return unemployment_register(worker=worker, region=county(code), basis=basis, last_employer="", **kwargs)


# The page -------------------------------------------------------------------------


def test_a_worker_registers_where_they_work_not_only_at_home(client, worker):
    response = client.post(URL, WORKPLACE_FORM | {"basis": "workplace", "last_employer": " 宜都华新电子厂 "})

    assert response.status_code == 302
    registration = UnemploymentRegistration.objects.get()
    assert (registration.worker, registration.region_id, registration.basis) == (worker, WORKPLACE, "workplace")
    assert registration.last_employer == "宜都华新电子厂"
    assert registration.status == UnemploymentRegistration.Status.SUBMITTED


def test_the_page_lists_the_workers_registrations_with_their_status(client, worker):
    rejected = register(worker, basis="insured")
    rejected.status = UnemploymentRegistration.Status.REJECTED
    rejected.note = "请补交社保缴费记录"
    rejected.save()
    register(worker)

    text = page_text(client.get(URL))

    assert "Submitted" in text
    assert "Not accepted" in text
    assert "Hubei Sheng Yichang Shi Yidu Shi" in text
    assert "The bureau's note: 请补交社保缴费记录" in text


def test_with_no_registration_the_page_says_so_and_offers_the_region_picker(client, worker):
    text = page_text(client.get(URL))

    assert "You have not registered as unemployed." in text
    assert 'name="region_0"' in text
    assert "js/region-picker.js" in text


def test_hukou_as_the_reason_needs_the_hukou_county(client, worker):
    response = client.post(URL, WORKPLACE_FORM | {"basis": "hukou"})

    text = page_text(response)
    assert response.status_code == 200
    assert "You chose your household registration as the reason, but this is not your hukou county." in text
    assert not UnemploymentRegistration.objects.exists()


def test_hukou_as_the_reason_in_the_hukou_county_is_accepted(client, worker):
    response = client.post(URL, HUKOU_FORM | {"basis": "hukou"})

    assert response.status_code == 302
    assert UnemploymentRegistration.objects.get().region_id == HUKOU


def test_a_second_open_registration_is_refused_with_a_clear_message(client, worker):
    register(worker)

    response = client.post(URL, HUKOU_FORM | {"basis": "hukou"})

    assert "You already have an open unemployment registration." in page_text(response)
    assert UnemploymentRegistration.objects.count() == 1


def test_with_an_open_registration_the_form_is_replaced_by_an_explanation(client, worker):
    register(worker)

    text = page_text(client.get(URL))

    assert "You have an open registration." in text
    assert 'name="basis"' not in text


def test_a_missing_county_or_reason_is_named_next_to_the_field(client, worker):
    response = client.post(URL, {})

    text = page_text(response)
    assert "Choose a province." in text
    assert "Choose why you register in this county." in text
    assert not UnemploymentRegistration.objects.exists()


def test_a_region_refresh_press_saves_nothing(client, worker):
    response = client.post(URL, {"region_0": "420000", "basis": "workplace", "_region_refresh": "region"})

    assert response.status_code == 200
    assert not UnemploymentRegistration.objects.exists()


def test_an_agent_registers_for_the_worker_and_the_action_is_recorded(client, worker):
    agent = AgentFactory(home_region=county(HUKOU))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-1"
    )
    client.force_login(agent)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()

    response = client.post(URL, WORKPLACE_FORM | {"basis": "workplace"})

    assert response.status_code == 302
    registration = UnemploymentRegistration.objects.get(worker=worker)
    action = AssistedAction.objects.get(grant=grant)
    assert action.action == "unemployment.register"
    assert action.target_id == str(registration.pk)
    # Written in the worker's language (Chinese unless they chose another), for their page.
    assert "宜都市" in action.description


# Registering --------------------------------------------------------------------


def test_after_a_rejection_the_worker_may_register_again(worker):
    first = register(worker)
    first.status = UnemploymentRegistration.Status.REJECTED
    first.save()

    second = register(worker, basis="insured")

    assert second.pk != first.pk


def test_an_accepted_registration_is_still_open(worker):
    first = register(worker)
    first.status = UnemploymentRegistration.Status.ACCEPTED
    first.save()

    with pytest.raises(UnemploymentError) as refused:
        register(worker)

    assert refused.value.code == "already_open"


def test_an_unknown_basis_is_refused(worker):
    with pytest.raises(UnemploymentError) as refused:
        register(worker, basis="friend")

    assert refused.value.code == "basis"


def test_an_abolished_county_code_is_refused(worker):
    old = county(WORKPLACE)
    old.valid_to = timezone.localdate() - timedelta(days=1)
    old.save()

    with pytest.raises(UnemploymentError) as refused:
        register(worker)

    assert refused.value.code == "region"


# Processing -----------------------------------------------------------------------


def test_staff_of_the_work_county_accept_the_registration(worker, work_staff, monkeypatch):
    registration = register(worker)
    moment = timezone.now()
    monkeypatch.setattr(unemployment_services, "_now", lambda: moment)

    processed = unemployment_process(registration=registration, staff=work_staff, accept=True, note="")

    processed.refresh_from_db()
    assert processed.status == UnemploymentRegistration.Status.ACCEPTED
    assert (processed.processed_by, processed.processed_at) == (work_staff, moment)
    assert not OutboxEvent.objects.exists()


def test_staff_of_the_hukou_county_but_not_the_work_county_may_not_process_it(worker):
    registration = register(worker)
    home_staff = StaffFactory(home_region=county(HUKOU))

    with pytest.raises(PermissionDenied):
        unemployment_process(registration=registration, staff=home_staff, accept=True, note="")

    registration.refresh_from_db()
    assert registration.status == UnemploymentRegistration.Status.SUBMITTED


def test_province_staff_of_the_work_province_may_process_it(worker):
    registration = register(worker)
    province_staff = StaffFactory(home_region=county(WORKPLACE).parent.parent)

    processed = unemployment_process(registration=registration, staff=province_staff, accept=True, note="")

    assert processed.status == UnemploymentRegistration.Status.ACCEPTED


def test_a_village_agent_may_not_process_registrations_even_in_their_county(worker):
    registration = register(worker)

    with pytest.raises(PermissionDenied):
        unemployment_process(
            registration=registration, staff=AgentFactory(home_region=county(WORKPLACE)), accept=True, note=""
        )


def test_a_rejection_needs_a_note_for_the_worker(worker, work_staff):
    registration = register(worker)

    with pytest.raises(UnemploymentError) as refused:
        unemployment_process(registration=registration, staff=work_staff, accept=False, note="  ")

    assert refused.value.code == "note_required"
    processed = unemployment_process(registration=registration, staff=work_staff, accept=False, note="未提供劳动合同")
    assert (processed.status, processed.note) == (UnemploymentRegistration.Status.REJECTED, "未提供劳动合同")


def test_a_processed_registration_cannot_be_processed_again(worker, work_staff):
    registration = register(worker)
    unemployment_process(registration=registration, staff=work_staff, accept=True, note="")

    with pytest.raises(UnemploymentError) as refused:
        unemployment_process(registration=registration, staff=work_staff, accept=False, note="改判")

    assert refused.value.code == "processed"
    registration.refresh_from_db()
    assert registration.status == UnemploymentRegistration.Status.ACCEPTED


def test_a_grant_ended_elsewhere_mid_form_saves_nothing_and_says_why(client, worker, monkeypatch):
    agent = AgentFactory(home_region=county(HUKOU))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-2"
    )
    client.force_login(agent)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()
    # The grant is still open when the request starts and ends before the action is recorded.
    real_record = unemployment_services.assisted_action_record

    def end_then_record(**kwargs):
        accounts_services.assistance_end(grant=grant)
        return real_record(**kwargs)

    monkeypatch.setattr(unemployment_services, "assisted_action_record", end_then_record)

    response = client.post(URL, WORKPLACE_FORM | {"basis": "workplace"})

    assert "This assistance has ended." in page_text(response)
    assert not UnemploymentRegistration.objects.exists()
