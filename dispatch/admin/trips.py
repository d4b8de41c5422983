"""Console pages for dispatch: vehicle types and pickup points staff keep, and the trip board.

The trip board lists the trips of the staff member's region (a trip to a site
there or picking up there; 404 for any other). A trip's page is read-only:
its stops, its manifest with masked names, and the history of hand changes.
From there, staff with the "change trip" permission move a worker, change the
vehicle, cancel, mark the departure, and mark workers boarded or not coming;
each is a POST through `dispatch.services`, which records it as a TripChange.
The manifest prints on A4 and downloads as CSV, names masked, no phones.
"""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.admin import CappedPaginator, NotFoundOutsideScope, ReadOnlyAdmin, ReadOnlyInline, console_user
from accounts.selectors import region_prefix
from config.periods import PeriodForm
from dispatch import services
from dispatch.admin.forms import CancelForm, ConfirmForm, MoveForm, SeatForm, VehicleForm, posted
from dispatch.admin.manifest import manifest_csv, manifest_rows
from dispatch.admin.statistics import TransportStatisticsMixin
from dispatch.models import Passenger, Stop, Trip
from dispatch.selectors import trips_visible_to
from reference.models import Region

CHANGE_PERMISSION = "dispatch.change_trip"
_PROVINCE = re.compile(r"\d{2}0000")
# The board names this many origin counties, then says how many more.
_ORIGINS_SHOWN = 3


# The trip board's filters --------------------------------------------------------------------


class _ProvinceFilter(admin.SimpleListFilter):
    """Trips by province, given as its six-digit code (two digits, then 0000); every province is offered, since
    listing only those with trips would read every trip of the region on each page."""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")
        return [(region.code, region.name) for region in provinces]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Trip]) -> QuerySet[Trip]:
        value = self.value()
        if not (value and _PROVINCE.fullmatch(value)):
            return queryset
        return self.in_province(queryset, value[:2])

    def in_province(self, queryset: QuerySet[Trip], prefix: str) -> QuerySet[Trip]:
        raise NotImplementedError


class OriginProvinceFilter(_ProvinceFilter):
    title = _("origin province")
    parameter_name = "origin"

    def in_province(self, queryset: QuerySet[Trip], prefix: str) -> QuerySet[Trip]:
        # A subquery, not a join over stops: a join would repeat trips and inflate the seat counts.
        picking_up = Stop.objects.filter(county__code__startswith=prefix).values("trip_id")
        return queryset.filter(pk__in=picking_up)


class DestinationProvinceFilter(_ProvinceFilter):
    title = _("destination province")
    parameter_name = "destination"

    def in_province(self, queryset: QuerySet[Trip], prefix: str) -> QuerySet[Trip]:
        return queryset.filter(site__county__code__startswith=prefix)


class PinnedFilter(admin.BooleanFieldListFilter):
    """Trips staff changed by hand, which re-plans keep as staff set them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = gettext("changed by hand")


class TermsDifferFilter(admin.SimpleListFilter):
    """Trips of the last month with a worker who said on arrival that the terms differ from the offer sheet."""

    title = _("terms on arrival")
    parameter_name = "terms"
    RECENT = timedelta(days=30)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("differ", gettext("A worker says the terms differ"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Trip]) -> QuerySet[Trip]:
        if self.value() == "differ":
            differ = Passenger.objects.filter(
                trip=OuterRef("pk"), terms_differ=True, terms_checked_at__gte=timezone.now() - self.RECENT
            )
            return queryset.filter(Exists(differ))
        return queryset


# The trip board and a trip's page ----------------------------------------------------------------


class StopInline(ReadOnlyInline):
    model = Stop
    fields = ("order", "county", "place", "pickup_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stop]:
        return super().get_queryset(request).select_related("county")


def _passengers(**conditions: Any) -> Subquery:
    """The number of the trip's passengers meeting the conditions, as a subquery of the trip list."""
    rows = Passenger.objects.filter(trip=OuterRef("pk"), **conditions).order_by().values("trip")
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


@admin.register(Trip)
class TripAdmin(TransportStatisticsMixin, NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = (
        "number_display",
        "travel_day",
        "site_display",
        "origins_display",
        "vehicle_type",
        "seats_display",
        "boarded_display",
        "status",
        "departure_at",
        "arrival_at",
    )
    list_display_links = ("number_display", "site_display")
    list_filter = (
        "status",
        "travel_day",
        OriginProvinceFilter,
        DestinationProvinceFilter,
        ("pinned", PinnedFilter),
        TermsDifferFilter,
    )
    list_select_related = ("site__county", "vehicle_type")
    # A million rows: the "N total" beside a filtered count would be a second full COUNT(*) per page.
    show_full_result_count = False
    paginator = CappedPaginator
    search_fields = ("=id", "site__name")
    search_help_text = _("A trip number or a site name.")
    fields = (
        "site",
        "travel_day",
        "vehicle_type",
        "status",
        "departure_at",
        "arrival_at",
        "km",
        "contact_name",
        "pinned",
        "cancelled_reason",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (StopInline,)

    # The board ---------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Trip]:
        """The staff member's trips, with seats taken and boarded counted and the stops at hand."""
        return (
            trips_visible_to(console_user(request))
            .select_related("site__county", "vehicle_type")
            # Counted per listed trip (a subquery each), not by grouping every trip of the region before the page.
            .annotate(
                seats_used=_passengers(),
                boarded=_passengers(boarded_at__isnull=False),
            )
            .prefetch_related(Prefetch("stops", queryset=Stop.objects.select_related("county").order_by("order")))
        )

    @admin.display(description=_("trip"), ordering="pk")
    def number_display(self, obj: Trip) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("destination"), ordering="site__name")
    def site_display(self, obj: Trip) -> str:
        return f"{obj.site.name} · {obj.site.county.name}"

    @admin.display(description=_("from"))
    def origins_display(self, obj: Trip) -> str:
        names = list(dict.fromkeys(stop.county.name for stop in obj.stops.all()))
        if len(names) <= _ORIGINS_SHOWN:
            return " · ".join(names) or "—"
        more = len(names) - _ORIGINS_SHOWN
        shown = " · ".join(names[:_ORIGINS_SHOWN])
        return ngettext("%(names)s and %(count)d more", "%(names)s and %(count)d more", more) % {
            "names": shown,
            "count": more,
        }

    @admin.display(description=_("seats taken"), ordering="seats_used")
    def seats_display(self, obj: Trip) -> str:
        return f"{obj.seats_used} / {obj.vehicle_type.seats}"  # type: ignore[attr-defined]

    @admin.display(description=pgettext("on a vehicle", "boarded"), ordering="boarded")
    def boarded_display(self, obj: Trip) -> int:
        return obj.boarded  # type: ignore[attr-defined]

    # A trip's page -----------------------------------------------------------------------------

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Trip | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context |= {
                "manifest": manifest_rows(obj),
                "history": obj.changes.select_related("by"),
                "may_change": request.user.has_perm(CHANGE_PERMISSION),
                "is_planned": obj.status == Trip.Status.PLANNED,
                "is_boarding": obj.status in (Trip.Status.PLANNED, Trip.Status.DEPARTED),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        routes: list[tuple[str, Callable[..., HttpResponse], str]] = [
            ("manifest/", self.manifest_view, "manifest"),
            ("manifest.csv", self.manifest_csv_view, "manifest_csv"),
            ("move/", self.move_view, "move"),
            ("vehicle/", self.vehicle_view, "vehicle"),
            ("cancel/", self.cancel_view, "cancel"),
            ("depart/", self.depart_view, "depart"),
            ("board/", self.board_view, "board"),
            ("no-show/", self.no_show_view, "no_show"),
        ]
        return [
            path("replan/", self.admin_site.admin_view(self.replan_view), name=f"{prefix}_replan"),
            *(
                path(f"<int:trip_id>/{route}", self.admin_site.admin_view(view), name=f"{prefix}_{name}")
                for route, view, name in routes
            ),
            *super().get_urls(),
        ]

    def replan_view(self, request: HttpRequest) -> HttpResponse:
        """Re-plan every trip departing in a window of days inside the staff member's region."""
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        prefix = region_prefix(console_user(request))
        if prefix is None:
            raise PermissionDenied
        form = PeriodForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                period = form.cleaned_data
                queued = services.window_replan(prefix=prefix, start=period["start"], end=period["end"])
            except services.DispatchError as error:
                form.add_error(None, error.messages[0])
            else:
                done = ngettext(
                    "%(count)d site and day is being re-planned; riders are told of changes.",
                    "%(count)d sites and days are being re-planned; riders are told of changes.",
                    queued,
                ) % {"count": queued}
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:dispatch_trip_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Re-plan trips departing in a window"),
            "form": form,
            "submit": gettext("Re-plan these days"),
            "back_url": reverse("admin:dispatch_trip_changelist"),
            "back_label": gettext("Back to the trips"),
        }
        return TemplateResponse(request, "admin/dispatch/trip/replan.html", context)

    def _trip(self, request: HttpRequest, trip_id: int) -> Trip:
        """A trip the staff member may read; 404 outside their region."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.get_object(request, str(trip_id))

    def _trip_to_change(self, request: HttpRequest, trip_id: int) -> Trip:
        """A trip the staff member may read and change by hand; 404 outside their region, 403 without the right."""
        trip = self._trip(request, trip_id)
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        return trip

    def _back(self, trip: Trip) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:dispatch_trip_change", args=[trip.pk]))

    def _context(self, request: HttpRequest, trip: Trip, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "trip": trip,
            "title": title,
        }

    def manifest_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        trip = self._trip(request, trip_id)
        context = {
            **self._context(request, trip, gettext("Manifest of trip #%(trip)s") % {"trip": trip.pk}),
            "stops": trip.stops.all(),
            "rows": manifest_rows(trip),
        }
        return TemplateResponse(request, "admin/dispatch/trip/manifest.html", context)

    def manifest_csv_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        trip = self._trip(request, trip_id)
        return manifest_csv(trip, manifest_rows(trip))

    def _override(
        self,
        request: HttpRequest,
        trip: Trip,
        form: forms.Form,
        *,
        title: str,
        intro: str,
        submit: str,
        apply: Callable[[dict[str, Any]], str],
    ) -> HttpResponse:
        """Show an override's form; on a valid POST apply it through a service and go back to the trip."""
        if request.method == "POST" and form.is_valid():
            try:
                done = apply(form.cleaned_data)
            except services.DispatchError as error:
                form.add_error(None, error.messages[0])
            else:
                self.message_user(request, done, messages.SUCCESS)
                return self._back(trip)
        context = {
            **self._context(request, trip, title),
            "form": form,
            "intro": intro,
            "submit": submit,
            "back_url": reverse("admin:dispatch_trip_change", args=[trip.pk]),
            "back_label": gettext("Back to the trip"),
        }
        return TemplateResponse(request, "admin/dispatch/trip/override.html", context)

    def move_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        trip = self._trip_to_change(request, trip_id)
        staff = console_user(request)
        targets = list(
            trips_visible_to(staff)
            .filter(site_id=trip.site_id, travel_day=trip.travel_day, status=Trip.Status.PLANNED)
            .exclude(pk=trip.pk)
            .select_related("vehicle_type")
            .annotate(seats_used=Count("passengers"))
            .order_by("pk")
        )
        form = MoveForm(posted(request), rows=manifest_rows(trip), targets=targets)
        intro = (
            gettext("The worker keeps their pickup county; the other trip adds a stop there if it has none.")
            if targets
            else gettext("There is no other planned trip to this site on this day to move a worker to.")
        )

        def apply(data: dict[str, Any]) -> str:
            moved = services.passenger_move(staff=staff, offer_id=data["offer"], trip_id=data["target"])
            return ngettext(
                "%(count)d worker moved to trip #%(trip)s.",
                "%(count)d workers moved to trip #%(trip)s: the group travels together.",
                len(moved),
            ) % {"count": len(moved), "trip": data["target"]}

        return self._override(
            request,
            trip,
            form,
            title=gettext("Move a worker off trip #%(trip)s") % {"trip": trip.pk},
            intro=intro,
            submit=gettext("Move"),
            apply=apply,
        )

    def vehicle_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        trip = self._trip_to_change(request, trip_id)
        staff = console_user(request)
        form = VehicleForm(posted(request), initial={"vehicle_type": trip.vehicle_type_id})

        def apply(data: dict[str, Any]) -> str:
            changed = services.trip_change_vehicle(
                staff=staff, trip_id=trip.pk, vehicle_type_id=data["vehicle_type"].pk
            )
            return gettext("Trip #%(trip)s now goes by %(vehicle)s.") % {
                "trip": changed.pk,
                "vehicle": changed.vehicle_type.name,
            }

        return self._override(
            request,
            trip,
            form,
            title=gettext("Change the vehicle of trip #%(trip)s") % {"trip": trip.pk},
            intro=gettext("Now: %(vehicle)s, %(seats)s seats, %(used)s taken.")
            % {"vehicle": trip.vehicle_type.name, "seats": trip.vehicle_type.seats, "used": trip.seats_used},  # type: ignore[attr-defined]
            submit=gettext("Change the vehicle"),
            apply=apply,
        )

    def cancel_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        trip = self._trip_to_change(request, trip_id)
        staff = console_user(request)
        form = CancelForm(posted(request))

        def apply(data: dict[str, Any]) -> str:
            services.trip_cancel(staff=staff, trip_id=trip.pk, reason=data["reason"])
            return gettext("Trip #%(trip)s is cancelled; a re-plan seated its workers again and they are told.") % {
                "trip": trip.pk
            }

        return self._override(
            request,
            trip,
            form,
            title=gettext("Cancel trip #%(trip)s") % {"trip": trip.pk},
            intro=gettext("Cancel only when the vehicle fell through. This cannot be undone."),
            submit=gettext("Cancel the trip"),
            apply=apply,
        )

    def depart_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        trip = self._trip_to_change(request, trip_id)
        staff = console_user(request)
        form = ConfirmForm(posted(request))

        def apply(data: dict[str, Any]) -> str:
            services.trip_depart(staff=staff, trip_id=trip.pk)
            return gettext("Trip #%(trip)s is on the way.") % {"trip": trip.pk}

        return self._override(
            request,
            trip,
            form,
            title=gettext("Trip #%(trip)s departs") % {"trip": trip.pk},
            intro=gettext(
                "%(boarded)s of %(riders)s workers are marked on board. Once on the way the trip never changes again."
            )
            % {"boarded": trip.boarded, "riders": trip.seats_used},  # type: ignore[attr-defined]
            submit=gettext("Mark as departed"),
            apply=apply,
        )

    def board_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        return _seat_change(request, self, trip_id, board=True)

    def no_show_view(self, request: HttpRequest, trip_id: int) -> HttpResponse:
        return _seat_change(request, self, trip_id, board=False)


@require_POST
def _seat_change(request: HttpRequest, model_admin: TripAdmin, trip_id: int, *, board: bool) -> HttpResponse:
    """Mark one seat of the trip on board or not coming (a row's button on the trip's page)."""
    trip = model_admin._trip_to_change(request, trip_id)
    staff = console_user(request)
    form = SeatForm(request.POST)
    seat = None
    if form.is_valid():
        seat = Passenger.objects.filter(trip=trip, offer_id=form.cleaned_data["offer"]).first()
    if seat is None:
        model_admin.message_user(request, gettext("This worker has no seat on this trip."), messages.ERROR)
        return model_admin._back(trip)
    try:
        if board:
            services.passenger_board(staff=staff, offer_id=seat.offer_id)
        else:
            services.passenger_no_show(staff=staff, offer_id=seat.offer_id)
    except services.DispatchError as error:
        model_admin.message_user(request, error.messages[0], messages.ERROR)
    else:
        done = (
            gettext("Seat %(seat)s is on board.")
            if board
            else gettext("Seat %(seat)s is marked as not coming; the seat goes back.")
        )
        model_admin.message_user(request, done % {"seat": seat.seat}, messages.SUCCESS)
    return model_admin._back(trip)
