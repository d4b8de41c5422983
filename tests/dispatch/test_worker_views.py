"""The worker's trip page: pickup, seat, stops, the boarding QR code, and the offer sheet re-confirmed on arrival."""

import html
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import segno
from django.urls import resolve, reverse

from accounts.models import SmsMessage
from dispatch import services
from dispatch.models import Passenger, Trip
from dispatch.views import checkin
from dispatch.views import worker as worker_views
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import confirmed
from tests.jobs.factories import MemberFactory
from tests.matching.factories import skilled
from tests.test_page_weight import BUDGET, page_weight

pytestmark = pytest.mark.django_db

MY_TRIP = reverse("dispatch:my_trip")


def booked(posting, count: int = 1) -> list[Passenger]:
    """Workers with confirmed offers and a seat on a planned trip, in offer order."""
    made = confirmed(posting, [skilled() for _ in range(count)])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    return [Passenger.objects.select_related("offer__worker__user", "stop").get(offer=offer) for offer in made]


def arrive(posting, passenger: Passenger) -> None:
    services.passenger_arrival(
        member=MemberFactory(employer=posting.employer), offer_id=passenger.offer_id, arrived=True
    )


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# The trip and its QR code ----------------------------------------------------------------


def test_a_worker_sees_their_pickup_seat_stops_and_a_boarding_qr_code(client, posting):
    [passenger] = booked(posting)
    Trip.objects.update(contact_name="李师傅")
    client.force_login(passenger.offer.worker.user)

    response = client.get(MY_TRIP)
    page = text(response)

    assert "<svg" in page and "<script" not in str(response.context["qr_svg"])
    assert response.context["qr_code"] in page
    assert services.passenger_for_code("".join(response.context["qr_code"].split())) == passenger
    assert passenger.stop.place in page
    assert f"<strong>{passenger.seat}</strong>" in page
    assert posting.site.name in page
    assert "李师傅" in page
    assert "What to bring" in page


def test_the_qr_code_opens_the_staff_boarding_page_for_the_workers_seat(client, posting, monkeypatch):
    [passenger] = booked(posting)
    client.force_login(passenger.offer.worker.user)
    encoded: list[str] = []
    real_make = segno.make

    def make(content: str, **options) -> segno.QRCode:
        encoded.append(content)
        return real_make(content, **options)

    monkeypatch.setattr(worker_views.segno, "make", make)
    client.get(MY_TRIP)

    [url] = encoded
    match = resolve(urlsplit(url).path)
    assert url.startswith("http://testserver/")
    assert match.func is checkin.board
    assert services.passenger_for_code(match.kwargs["code"]) == passenger


def test_the_qr_code_is_at_least_200_pixels_wide(client, posting):
    [passenger] = booked(posting)
    client.force_login(passenger.offer.worker.user)

    svg = str(client.get(MY_TRIP).context["qr_svg"])

    width = int(svg.split('width="', 1)[1].split('"', 1)[0])
    assert width >= 200


def test_a_worker_does_not_see_another_workers_trip(client, posting):
    [passenger] = booked(posting)
    client.force_login(skilled().user)

    response = client.get(MY_TRIP)
    page = text(response)

    assert "qr_code" not in response.context
    assert "<svg" not in page
    assert passenger.stop.place not in page
    assert "No trip booked yet" in page


def test_a_worker_without_a_seat_is_told_the_bureau_books_the_trip_once_the_employer_confirms(client):
    client.force_login(skilled().user)

    page = text(client.get(MY_TRIP))

    assert "The bureau books your trip once the employer confirms your offer" in page


def test_a_cancelled_trip_is_never_shown(client, posting):
    [passenger] = booked(posting)
    Trip.objects.update(status=Trip.Status.CANCELLED)
    client.force_login(passenger.offer.worker.user)

    page = text(client.get(MY_TRIP))

    assert passenger.stop.place not in page
    assert "No trip booked yet" in page


def test_the_trip_page_weighs_under_60_kb_with_all_assets(client, posting):
    passenger = booked(posting, count=3)[0]
    client.force_login(passenger.offer.worker.user)

    total, sizes = page_weight(client, MY_TRIP)

    assert total < BUDGET, sizes


def test_the_home_card_links_to_the_trip_page(client, posting):
    [passenger] = booked(posting)
    client.force_login(passenger.offer.worker.user)

    page = text(client.get(reverse("workers:dashboard")))

    assert f'href="{MY_TRIP}"' in page


def test_visitors_are_sent_to_log_in_and_employers_are_refused(client):
    assert client.get(MY_TRIP).status_code == 302

    client.force_login(MemberFactory().user)

    assert client.get(MY_TRIP).status_code == 403


# The offer sheet on arrival ----------------------------------------------------------------


def test_before_arrival_the_offer_sheet_question_is_not_asked_and_an_answer_is_refused(client, posting):
    [passenger] = booked(posting)
    client.force_login(passenger.offer.worker.user)

    assert "Are the wage, hours, housing and work as in your offer?" not in text(client.get(MY_TRIP))
    page = text(client.post(MY_TRIP, {"answer": "as_offered"}))

    assert "The offer sheet is confirmed once you have arrived." in page
    passenger.refresh_from_db()
    assert passenger.terms_checked_at is None


def test_after_arrival_the_worker_is_asked_and_the_qr_code_is_gone(client, posting):
    [passenger] = booked(posting)
    arrive(posting, passenger)
    client.force_login(passenger.offer.worker.user)

    page = text(client.get(MY_TRIP))

    assert "Are the wage, hours, housing and work as in your offer?" in page
    assert "Yes, as offered" in page and "No, something differs" in page
    assert "<svg" not in page


def test_as_offered_records_the_check_and_shows_the_answer(client, posting):
    [passenger] = booked(posting)
    arrive(posting, passenger)
    client.force_login(passenger.offer.worker.user)

    response = client.post(MY_TRIP, {"answer": "as_offered", "note": "ignored"}, follow=True)

    passenger.refresh_from_db()
    assert passenger.terms_checked_at is not None
    assert (passenger.terms_differ, passenger.terms_note) == (False, "")
    page = text(response)
    assert "You confirmed that the wage, hours, housing and work are as in your offer." in page
    assert "Send my answer" not in page


def test_differs_without_a_note_shows_the_error_and_changes_nothing(client, posting):
    [passenger] = booked(posting)
    arrive(posting, passenger)
    client.force_login(passenger.offer.worker.user)

    page = text(client.post(MY_TRIP, {"answer": "differs", "note": "   "}))

    assert "Say what differs from the offer" in page
    passenger.refresh_from_db()
    assert passenger.terms_checked_at is None


def test_a_note_over_255_characters_is_refused_and_kept_in_the_form(client, posting):
    [passenger] = booked(posting)
    arrive(posting, passenger)
    client.force_login(passenger.offer.worker.user)
    note = "工资" * 130

    page = text(client.post(MY_TRIP, {"answer": "differs", "note": note}))

    assert "Keep the note to 255 characters (it has 260)." in page
    assert note in page
    passenger.refresh_from_db()
    assert passenger.terms_checked_at is None


def test_differs_with_a_note_is_recorded_and_texts_staff_whose_region_covers_the_site(
    client,
    posting,
    django_capture_on_commit_callbacks,
):
    [passenger] = booked(posting)
    arrive(posting, passenger)
    StaffFactory(home_region=county("441900"), phone="13900000001")
    StaffFactory(home_region=county("511321"), phone="13900000002")
    client.force_login(passenger.offer.worker.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MY_TRIP, {"answer": "differs", "note": "工资比通知书低500元"}, follow=True)

    passenger.refresh_from_db()
    assert passenger.terms_differ and passenger.terms_note == "工资比通知书低500元"
    assert passenger.terms_checked_at is not None
    texted = [message.phone for message in SmsMessage.objects.filter(kind="dispatch.terms_differ")]
    assert texted == ["13900000001"]
    page = text(response)
    assert "You said something differs from your offer:" in page
    assert "工资比通知书低500元" in page
