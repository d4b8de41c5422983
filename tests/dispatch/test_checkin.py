"""The day of travel: boarding codes, boarding, arrival at the gate, the offer sheet, the reminder the day before."""

from datetime import timedelta

import pytest

from accounts.models import AssistedAction, SmsMessage
from accounts.services import assistance_start
from dispatch import services
from dispatch.models import Passenger, Trip
from matching.models import Offer
from tests.accounts.factories import AgentFactory, StaffFactory, county
from tests.dispatch.factories import confirmed
from tests.jobs.factories import MemberFactory
from tests.matching.factories import skilled

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(posting):
    [offer] = confirmed(posting, [skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    return Passenger.objects.select_related("trip").get(offer=offer)


def test_a_boarding_code_stands_for_the_seat_and_a_forged_one_for_nothing(seat):
    code = services.boarding_code(seat)

    assert services.passenger_for_code(code) == seat
    assert services.passenger_for_code(code.upper()) == seat
    assert services.passenger_for_code(code[:-2] + "zz") is None
    assert services.passenger_for_code(f"{seat.offer_id + 1}{code[len(str(seat.offer_id)) :]}") is None
    assert services.passenger_for_code("not a code") is None


def test_staff_of_the_sending_county_board_a_worker_once(seat):
    staff = StaffFactory(home_region=county("530627"))

    first = services.passenger_board(staff=staff, offer_id=seat.offer_id).boarded_at
    again = services.passenger_board(staff=staff, offer_id=seat.offer_id).boarded_at

    assert first is not None and again == first
    assert Passenger.objects.get(pk=seat.pk).boarded_by == staff


def test_staff_of_another_region_cannot_board_the_worker(seat):
    with pytest.raises(services.DispatchError, match="no seat on a trip in your region"):
        services.passenger_board(staff=StaffFactory(home_region=county("110101")), offer_id=seat.offer_id)
    assert Passenger.objects.get(pk=seat.pk).boarded_at is None


def test_arrival_at_the_gate_places_the_worker_and_brings_the_trip_in(seat, posting):
    member = MemberFactory(employer=posting.employer)

    services.passenger_arrival(member=member, offer_id=seat.offer_id, arrived=True)

    assert Offer.objects.get(pk=seat.offer_id).status == Offer.Status.PLACED
    assert Trip.objects.get(pk=seat.trip_id).status == Trip.Status.ARRIVED
    assert Passenger.objects.get(pk=seat.pk).arrived_by == member.user
    with pytest.raises(services.DispatchError, match="confirmed offer"):
        services.passenger_arrival(member=member, offer_id=seat.offer_id, arrived=False)


def test_another_employer_cannot_mark_the_arrival(seat):
    with pytest.raises(services.DispatchError, match="not on a trip to your sites"):
        services.passenger_arrival(member=MemberFactory(), offer_id=seat.offer_id, arrived=True)
    assert Offer.objects.get(pk=seat.offer_id).status == Offer.Status.CONFIRMED


def test_terms_that_differ_alert_the_staff_of_both_counties(seat, posting, django_capture_on_commit_callbacks):
    worker = seat.offer.worker
    with pytest.raises(services.DispatchError, match="once you have arrived"):
        services.passenger_terms(worker=worker, as_offered=True)
    services.passenger_arrival(member=MemberFactory(employer=posting.employer), offer_id=seat.offer_id, arrived=True)
    sending = StaffFactory(home_region=county("530600"), phone="13800000001", preferred_language="en")
    receiving = StaffFactory(home_region=county("441900"), phone="13800000002")
    StaffFactory(home_region=county("110101"), phone="13800000003")

    with pytest.raises(services.DispatchError, match="Say what differs"):
        services.passenger_terms(worker=worker, as_offered=False, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.passenger_terms(worker=worker, as_offered=False, note="工资比说好的少500")

    seat.refresh_from_db()
    assert seat.terms_differ and seat.terms_note == "工资比说好的少500" and seat.terms_checked_at
    alerts = SmsMessage.objects.filter(kind="dispatch.terms_differ")
    assert sorted(message.phone for message in alerts) == sorted([sending.phone, receiving.phone])


def test_tomorrows_riders_are_reminded_once(seat, django_capture_on_commit_callbacks):
    today = seat.trip.travel_day - timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.travellers_remind(today=today - timedelta(days=1)) == 0
        assert services.travellers_remind(today=today) == 1
        assert services.travellers_remind(today=today) == 0

    [message] = SmsMessage.objects.filter(kind="dispatch.reminder")
    assert f"{seat.seat}" in message.body and seat.stop.place in message.body


def test_an_agent_answering_for_the_worker_is_recorded(seat, posting):
    services.passenger_arrival(member=MemberFactory(employer=posting.employer), offer_id=seat.offer_id, arrived=True)
    worker = seat.offer.worker
    worker.user.set_phone("13800000009")
    worker.user.save()
    agent = AgentFactory(home_region=county("530627"))
    grant = assistance_start(
        actor=agent, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="A"
    )

    services.passenger_terms(worker=worker, as_offered=True, grant=grant)

    [action] = AssistedAction.objects.all()
    assert (action.action, action.grant.actor) == ("trip.terms", agent)
    assert (action.target_type, action.target_id) == ("matching.offer", str(seat.offer_id))
