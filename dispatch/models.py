"""Trips, their stops and seats: where each worker is picked up, on which vehicle, and whether they boarded and arrived.

A trip carries the workers of one destination site in one travel window;
`dispatch.planner` decides who rides which vehicle and in which order the
pickups come. A seat belongs to one confirmed offer; the database lets a seat
number and an offer appear once per trip and once overall.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VehicleType(models.Model):
    """A kind of vehicle the bureau charters: coach, large coach, train coach. Staff may add more."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    seats = models.PositiveSmallIntegerField(pgettext_lazy("in a vehicle", "seats"))
    cost_per_km = models.DecimalField(_("cost per km (yuan)"), max_digits=7, decimal_places=2)
    speed_kmh = models.PositiveSmallIntegerField(_("average speed (km/h)"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("vehicle type")
        verbose_name_plural = _("vehicle types")
        ordering = ["seats", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="vehicle_seats_positive"),
            models.CheckConstraint(condition=Q(speed_kmh__gte=1), name="vehicle_speed_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class PickupPoint(models.Model):
    """A place staff name for pickups in a county (a bus station, a township square); else the county seat."""

    county = models.ForeignKey("reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    name = models.CharField(_("name"), max_length=128)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("pickup point")
        verbose_name_plural = _("pickup points")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="pickup_point_once")]

    def __str__(self) -> str:
        return self.name


class Trip(models.Model):
    """One vehicle from the pickups of one or more counties to one site, in one travel window."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DEPARTED = "departed", _("On the way")
        ARRIVED = "arrived", _("Arrived")
        CANCELLED = "cancelled", _("Cancelled")

    site = models.ForeignKey("jobs.Site", on_delete=models.PROTECT, related_name="trips", verbose_name=_("site"))
    travel_day = models.DateField(_("travel day"))
    vehicle_type = models.ForeignKey(
        VehicleType, on_delete=models.PROTECT, related_name="trips", verbose_name=_("vehicle")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    departure_at = models.DateTimeField(_("departs at"))
    arrival_at = models.DateTimeField(_("expected arrival"))
    km = models.PositiveIntegerField(_("route (km)"))
    contact_name = models.CharField(_("contact on the trip"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    cancelled_reason = models.CharField(_("why cancelled"), max_length=255, blank=True)
    pinned = models.BooleanField(
        _("kept as staff set it"),
        default=False,
        help_text=_("Staff changed this trip by hand: re-planning seats nobody new on it and moves nobody off it."),
    )

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["travel_day", "departure_at", "id"]
        indexes = [
            models.Index(fields=["site", "travel_day", "status"]),
            models.Index(fields=["travel_day", "status"]),
            # The default order, which the console's list walks and stops after a page.
            models.Index(fields=["travel_day", "departure_at", "id"], name="trip_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.travel_day:%Y-%m-%d} #{self.pk}"

    @property
    def is_fixed(self) -> bool:
        """A trip on the road or done never changes in a re-plan."""
        return self.status in (self.Status.DEPARTED, self.Status.ARRIVED)


class Stop(models.Model):
    """A pickup of a trip, in route order, with the time the vehicle calls there."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField(_("order"))
    county = models.ForeignKey("reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    pickup_point = models.ForeignKey(PickupPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    place = models.CharField(_("pickup place"), max_length=128)
    pickup_at = models.DateTimeField(_("pickup time"))

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["trip", "order"]
        constraints = [models.UniqueConstraint(fields=["trip", "order"], name="stop_order_once")]

    def __str__(self) -> str:
        return f"{self.trip_id}/{self.order}: {self.place}"


class Passenger(models.Model):
    """A worker's seat on a trip, for one confirmed offer, with boarding and arrival."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="passengers")
    stop = models.ForeignKey(Stop, on_delete=models.PROTECT, related_name="passengers")
    offer = models.OneToOneField("matching.Offer", on_delete=models.PROTECT, related_name="passenger")
    seat = models.PositiveSmallIntegerField(pgettext_lazy("in a vehicle", "seat"))
    boarded_at = models.DateTimeField(_("boarded at"), null=True, blank=True)
    boarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    terms_checked_at = models.DateTimeField(_("offer sheet re-confirmed at"), null=True, blank=True)
    terms_differ = models.BooleanField(_("terms differ from the offer"), default=False)
    terms_note = models.CharField(_("what differs"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("passenger")
        verbose_name_plural = _("passengers")
        ordering = ["trip", "seat"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "seat"], name="passenger_seat_once"),
            models.CheckConstraint(condition=Q(seat__gte=1), name="passenger_seat_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.trip_id} seat {self.seat}"


class TripChange(models.Model):
    """A hand change to a trip by staff (or its departure): who, when, what. Names no worker, only offer numbers."""

    class Action(models.TextChoices):
        MOVED = "moved", _("Workers moved")
        VEHICLE = "vehicle", _("Vehicle changed")
        CANCELLED = "cancelled", _("Cancelled")
        DEPARTED = "departed", _("Departed")
        NO_SHOW = "no_show", _("Did not board")

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("change"), max_length=10, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("trip change")
        verbose_name_plural = _("trip changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.trip_id}: {self.get_action_display()}"
