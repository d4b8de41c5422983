"""Dispatch's writes: planning (`planning`), staff changes (`changes`), and the day of travel (`checkin`)."""

from dispatch.services.changes import (
    passenger_move,
    passenger_no_show,
    trip_cancel,
    trip_change_vehicle,
    trip_depart,
)
from dispatch.services.checkin import (
    boarding_code,
    passenger_arrival,
    passenger_board,
    passenger_for_code,
    passenger_terms,
    travellers_remind,
)
from dispatch.services.planning import (
    DispatchError,
    GroupReport,
    group_plan,
    offer_group,
    travel_day_for,
    window_groups,
    window_replan,
)

__all__ = [
    "DispatchError",
    "GroupReport",
    "boarding_code",
    "group_plan",
    "offer_group",
    "passenger_arrival",
    "passenger_board",
    "passenger_for_code",
    "passenger_move",
    "passenger_no_show",
    "passenger_terms",
    "travel_day_for",
    "travellers_remind",
    "trip_cancel",
    "trip_change_vehicle",
    "trip_depart",
    "window_groups",
    "window_replan",
]
