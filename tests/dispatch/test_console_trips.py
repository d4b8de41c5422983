"""The console's trip board: a clerk's region only, a read-only trip page, the manifest, and hand changes by POST."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from dispatch import services
from dispatch.models import Passenger, Stop, Trip, TripChange, VehicleType
from jobs.models import Site
from matching.models import Offer
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import confirmed, hand_trip
from tests.jobs.factories import SiteFactory
from tests.matching.factories import OfferFactory, skilled

pytestmark = pytest.mark.django_db

ZHENXIONG, NANBU, DONGGUAN, KUNMING = "530627", "511321", "441900", "530102"
OVERRIDES = ("move", "vehicle", "cancel", "depart", "board", "no_show")


def clerk(code: str = ZHENXIONG, *, may_change: bool = True):
    """A staff member of the county who reads trips and, unless told otherwise, changes them by hand."""
    staff = StaffFactory(home_region=county(code))
    codenames = ["view_trip", "change_trip"] if may_change else ["view_trip"]
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="dispatch", codename__in=codenames))
    return staff


@pytest.fixture
def trip(posting):
    """Two confirmed workers from Zhenxiong planned onto one trip to the Dongguan factory."""
    confirmed(posting, [skilled(), skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    return Trip.objects.get()


def second_trip(trip: Trip, seats: int) -> Trip:
    """Another planned trip of the same site and day, empty, on a vehicle with the given seats."""
    van = VehicleType.objects.create(name=f"{seats}座车", seats=seats, cost_per_km="3.00", speed_kmh=80)
    other = Trip.objects.create(
        site=trip.site,
        travel_day=trip.travel_day,
        vehicle_type=van,
        departure_at=trip.departure_at,
        arrival_at=trip.arrival_at,
        km=trip.km,
    )
    Stop.objects.create(trip=other, order=1, county=county(ZHENXIONG), place="镇雄", pickup_at=trip.departure_at)
    return other


def url(name: str, trip: Trip) -> str:
    return reverse(f"admin:dispatch_trip_{name}", args=[trip.pk])


def board(client, **query) -> set[int]:
    response = client.get(reverse("admin:dispatch_trip_changelist"), query)
    assert response.status_code == 200
    return {trip.pk for trip in response.context["cl"].result_list}


# The board ----------------------------------------------------------------------------------------


def test_the_board_lists_only_trips_to_or_from_the_clerks_region(client):
    from_here = hand_trip(to=DONGGUAN, origins=(ZHENXIONG,))
    to_here = hand_trip(to=ZHENXIONG, origins=(NANBU,))
    elsewhere = hand_trip(to=DONGGUAN, origins=(NANBU,))
    client.force_login(clerk(ZHENXIONG))

    listed = board(client)

    assert listed == {from_here.pk, to_here.pk}
    assert elsewhere.pk not in listed


def test_the_board_filters_by_status_origin_and_destination_province(client):
    to_guangdong = hand_trip(to=DONGGUAN, origins=(ZHENXIONG,))
    to_kunming = hand_trip(to=KUNMING, origins=(ZHENXIONG,), status=Trip.Status.DEPARTED)
    from_sichuan = hand_trip(to=ZHENXIONG, origins=(NANBU,))
    client.force_login(clerk(ZHENXIONG))

    assert board(client, status="departed") == {to_kunming.pk}
    assert board(client, destination="440000") == {to_guangdong.pk}
    assert board(client, destination="530000") == {to_kunming.pk, from_sichuan.pk}
    assert board(client, origin="510000") == {from_sichuan.pk}
    assert board(client, origin="530000") == {to_guangdong.pk, to_kunming.pk}


def test_the_board_filters_the_trips_staff_changed_by_hand(client):
    pinned = hand_trip(pinned=True)
    hand_trip()
    client.force_login(clerk())

    assert board(client, pinned__exact="1") == {pinned.pk}


def test_the_board_filters_by_the_province_of_the_pickups_and_of_the_site(client):
    trip = hand_trip(to=DONGGUAN, origins=(ZHENXIONG,))
    county(NANBU)  # Sichuan, with no trips
    client.force_login(clerk(ZHENXIONG))

    page = client.get(reverse("admin:dispatch_trip_changelist")).content.decode()

    # Every province is offered (listing only those with trips would read every trip of the region).
    assert "?origin=530000" in page and "?origin=510000" in page
    assert board(client, origin="530000") == {trip.pk}
    assert board(client, origin="510000") == set()
    assert board(client, destination="440000") == {trip.pk}


def test_the_board_finds_a_trip_by_number_and_by_site_name(client):
    wanted = hand_trip(site=SiteFactory(name="虎门服装厂", county=county(DONGGUAN)))
    other = hand_trip()
    client.force_login(clerk())

    assert board(client, q=str(wanted.pk)) == {wanted.pk}
    assert board(client, q="虎门") == {wanted.pk}
    assert other.pk not in board(client, q="虎门")


def test_the_board_shows_seats_taken_and_boarded_without_a_query_per_trip(client, django_assert_max_num_queries):
    trips = [hand_trip(origins=(ZHENXIONG, NANBU)) for _ in range(10)]
    for trip in trips:
        stop = trip.stops.first()
        Passenger.objects.create(trip=trip, stop=stop, offer=OfferFactory(), seat=1, boarded_at=timezone.now())
        Passenger.objects.create(trip=trip, stop=stop, offer=OfferFactory(), seat=2)
    client.force_login(clerk(ZHENXIONG))
    client.get(reverse("admin:dispatch_trip_changelist"))  # the session and permission caches warm up

    with django_assert_max_num_queries(16):
        response = client.get(reverse("admin:dispatch_trip_changelist"))

    rows = {trip.pk: trip for trip in response.context["cl"].result_list}
    assert len(rows) == 10
    assert {(trip.seats_used, trip.boarded) for trip in rows.values()} == {(2, 1)}
    assert "2 / 1" not in response.content.decode()  # the vehicle's seats, not the boarded count, follow the slash
    assert f"2 / {trips[0].vehicle_type.seats}" in response.content.decode()


# Another region's trip ----------------------------------------------------------------------------


def test_another_countys_trip_answers_404_on_every_page(client, trip):
    client.force_login(clerk(NANBU))
    offer_id = trip.passengers.first().offer_id

    assert client.get(reverse("admin:dispatch_trip_change", args=[trip.pk])).status_code == 404
    assert client.get(url("manifest", trip)).status_code == 404
    assert client.get(url("manifest_csv", trip)).status_code == 404
    for name in OVERRIDES:
        assert client.post(url(name, trip), {"offer": offer_id, "reason": "x"}).status_code == 404, name
    assert Trip.objects.get().status == Trip.Status.PLANNED
    assert not TripChange.objects.exists()


def test_staff_without_the_change_permission_get_403_on_every_override(client, trip):
    client.force_login(clerk(ZHENXIONG, may_change=False))
    offer_id = trip.passengers.first().offer_id

    for name in OVERRIDES:
        assert client.post(url(name, trip), {"offer": offer_id, "reason": "x"}).status_code == 403, name
    for name in ("move", "vehicle", "cancel", "depart"):
        assert client.get(url(name, trip)).status_code == 403, name
    assert not TripChange.objects.exists()
    assert client.get(reverse("admin:dispatch_trip_change", args=[trip.pk])).status_code == 200


# The trip's page and the manifest --------------------------------------------------------------


def test_the_trip_page_shows_stops_manifest_history_and_the_override_links(client, trip):
    staff = clerk()
    services.trip_change_vehicle(staff=staff, trip_id=trip.pk, vehicle_type_id=VehicleType.objects.get(seats=53).pk)
    client.force_login(staff)
    passenger = trip.passengers.select_related("offer__worker").first()

    page = client.get(reverse("admin:dispatch_trip_change", args=[trip.pk])).content.decode()

    assert trip.stops.get().place in page
    assert passenger.offer.worker.real_name[0] + "**" in page
    assert passenger.offer.worker.real_name not in page
    assert "Vehicle changed" in page and "大客车（45座） → 大型客车（53座）" in page
    for name in ("manifest", "manifest_csv", "move", "vehicle", "cancel", "depart", "board", "no_show"):
        assert url(name, trip) in page, name


def test_the_trip_page_offers_no_override_to_staff_who_may_only_read(client, trip):
    client.force_login(clerk(may_change=False))

    page = client.get(reverse("admin:dispatch_trip_change", args=[trip.pk])).content.decode()

    assert url("manifest", trip) in page
    for name in OVERRIDES:
        assert url(name, trip) not in page, name


def test_the_manifest_prints_masked_names_only(client, trip):
    client.force_login(clerk())
    names = [offer.worker.real_name for offer in Offer.objects.filter(passenger__trip=trip)]

    response = client.get(url("manifest", trip))

    page = response.content.decode()
    assert response.status_code == 200
    assert "css/manifest.css" in page
    assert trip.site.name in page and "Signature" in page
    for name in names:
        assert name not in page
        assert f"{name[0]}**" in page


def test_the_manifest_csv_is_spreadsheet_safe_and_names_nobody_in_full(client, trip):
    Site.objects.filter(pk=trip.site_id).update(name="=cmd")
    client.force_login(clerk())
    workers = [offer.worker for offer in Offer.objects.filter(passenger__trip=trip).select_related("worker__user")]

    response = client.get(url("manifest_csv", trip))

    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    assert "'=cmd" in body and ",=cmd" not in body
    assert len(body.strip().splitlines()) == 3  # the header and one row per seat
    for worker in workers:
        assert worker.real_name not in body and f"{worker.real_name[0]}**" in body
        assert worker.user.phone not in body
        assert worker.user.phone[-4:] not in body


# Hand changes ----------------------------------------------------------------------------------


def test_a_move_through_the_page_changes_the_workers_trip_and_is_recorded(client, trip):
    other = second_trip(trip, seats=45)
    offer_id = trip.passengers.order_by("seat").first().offer_id
    client.force_login(clerk())
    assert str(other.pk) in client.get(url("move", trip)).content.decode()

    response = client.post(url("move", trip), {"offer": offer_id, "target": other.pk}, follow=True)

    assert Passenger.objects.get(offer_id=offer_id).trip == other
    assert TripChange.objects.filter(trip=trip, action=TripChange.Action.MOVED).count() == 1
    assert TripChange.objects.filter(trip=other, action=TripChange.Action.MOVED).count() == 1
    assert f"1 worker moved to trip #{other.pk}." in response.content.decode()


def test_a_move_to_a_full_trip_shows_why_and_changes_nothing(client, trip):
    other = second_trip(trip, seats=1)
    first, second = trip.passengers.order_by("seat").values_list("offer_id", flat=True)
    staff = clerk()
    services.passenger_move(staff=staff, offer_id=first, trip_id=other.pk)
    before = list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat"))
    changes = TripChange.objects.count()
    client.force_login(staff)

    response = client.post(url("move", trip), {"offer": second, "target": other.pk})

    assert response.status_code == 200
    assert "The other trip has too few free seats." in response.content.decode()
    assert list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat")) == before
    assert TripChange.objects.count() == changes


def test_a_move_to_a_trip_of_another_day_is_refused_and_changes_nothing(client, trip):
    other = second_trip(trip, seats=45)
    Trip.objects.filter(pk=other.pk).update(travel_day=trip.travel_day + timedelta(days=1))
    offer_id = trip.passengers.first().offer_id
    client.force_login(clerk())

    response = client.post(url("move", trip), {"offer": offer_id, "target": other.pk})

    assert response.status_code == 200
    assert "Nothing was changed." in response.content.decode()
    assert Passenger.objects.get(offer_id=offer_id).trip == trip
    assert not TripChange.objects.exists()


def test_a_vehicle_change_through_the_page_is_made_and_recorded(client, trip):
    bigger = VehicleType.objects.get(seats=53)
    client.force_login(clerk())

    response = client.post(url("vehicle", trip), {"vehicle_type": bigger.pk})

    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.vehicle_type == bigger and trip.pinned
    assert TripChange.objects.get().action == TripChange.Action.VEHICLE


def test_a_vehicle_too_small_for_the_riders_is_refused_on_the_form(client, trip):
    van = VehicleType.objects.create(name="单人车", seats=1, cost_per_km="2.00", speed_kmh=90)
    client.force_login(clerk())

    response = client.post(url("vehicle", trip), {"vehicle_type": van.pk})

    assert response.status_code == 200
    assert "too few for the 2 workers on this trip" in response.content.decode()
    trip.refresh_from_db()
    assert trip.vehicle_type.seats == 45
    assert not TripChange.objects.exists()


def test_a_cancellation_needs_a_reason_and_is_recorded_with_it(client, trip):
    client.force_login(clerk())

    refused = client.post(url("cancel", trip), {"reason": "   "})
    assert refused.status_code == 200
    assert Trip.objects.get(pk=trip.pk).status == Trip.Status.PLANNED

    client.post(url("cancel", trip), {"reason": "包车公司取消了合同"})

    trip.refresh_from_db()
    assert trip.status == Trip.Status.CANCELLED
    assert TripChange.objects.get(trip=trip).detail == "包车公司取消了合同"


def test_the_departure_is_marked_once_and_a_second_time_is_refused(client, trip):
    client.force_login(clerk())

    assert client.get(url("depart", trip)).status_code == 200
    client.post(url("depart", trip))
    again = client.post(url("depart", trip))

    assert Trip.objects.get(pk=trip.pk).status == Trip.Status.DEPARTED
    assert TripChange.objects.filter(action=TripChange.Action.DEPARTED).count() == 1
    assert "Only a planned trip can depart." in again.content.decode()


def test_a_get_never_changes_a_trip(client, trip):
    client.force_login(clerk())

    for name in ("move", "vehicle", "cancel", "depart"):
        assert client.get(url(name, trip)).status_code == 200, name
    for name in ("board", "no_show"):
        assert client.get(url(name, trip)).status_code == 405, name

    assert Trip.objects.get(pk=trip.pk).status == Trip.Status.PLANNED
    assert not TripChange.objects.exists()
    assert not Passenger.objects.filter(boarded_at__isnull=False).exists()


def test_a_worker_is_marked_on_board_from_the_trip_page(client, trip):
    passenger = trip.passengers.first()
    client.force_login(clerk())

    response = client.post(url("board", trip), {"offer": passenger.offer_id}, follow=True)

    passenger.refresh_from_db()
    assert passenger.boarded_at is not None
    assert f"Seat {passenger.seat} is on board." in response.content.decode()


def test_a_worker_not_coming_is_recorded_and_their_offer_ends(client, trip):
    passenger = trip.passengers.first()
    client.force_login(clerk())

    client.post(url("no_show", trip), {"offer": passenger.offer_id})

    assert Offer.objects.get(pk=passenger.offer_id).status != Offer.Status.CONFIRMED
    assert TripChange.objects.get().action == TripChange.Action.NO_SHOW


def test_a_worker_on_board_cannot_be_marked_as_not_coming(client, trip):
    passenger = trip.passengers.first()
    staff = clerk()
    services.passenger_board(staff=staff, offer_id=passenger.offer_id)
    client.force_login(staff)

    response = client.post(url("no_show", trip), {"offer": passenger.offer_id}, follow=True)

    assert "Only a worker not yet on board a planned trip can be marked as not coming." in response.content.decode()
    assert Offer.objects.get(pk=passenger.offer_id).status == Offer.Status.CONFIRMED
    assert not TripChange.objects.exists()


def test_a_seat_of_another_trip_cannot_be_marked_through_this_one(client, trip):
    other = hand_trip()
    passenger = trip.passengers.first()
    client.force_login(clerk())

    client.post(url("board", other), {"offer": passenger.offer_id})

    passenger.refresh_from_db()
    assert passenger.boarded_at is None


def test_the_trip_page_links_to_the_boarding_list_for_a_phone(client, trip):
    staff = StaffFactory(home_region=county("530627"))
    staff.user_permissions.add(*Permission.objects.filter(codename="view_trip"))
    client.force_login(staff)

    page = client.get(reverse("admin:dispatch_trip_change", args=[trip.pk])).content.decode()

    assert reverse("dispatch:boarding", args=[trip.pk]) in page
