"""The forms of the trip board's hand changes."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dispatch.admin.manifest import ManifestRow
from dispatch.models import Trip, VehicleType

# The override forms ----------------------------------------------------------------------------


class MoveForm(forms.Form):
    offer = forms.TypedChoiceField(label=_("Worker"), coerce=int)
    target = forms.TypedChoiceField(
        label=_("Move to trip"),
        coerce=int,
        help_text=_("Planned trips to the same site on the same day. A group travelling together moves as a whole."),
    )

    def __init__(self, *args: Any, rows: list[ManifestRow], targets: Sequence[Trip], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer = cast(forms.ChoiceField, self.fields["offer"])
        target = cast(forms.ChoiceField, self.fields["target"])
        offer.choices = [(row.offer_id, gettext("Seat %(seat)s · %(name)s · %(place)s") % vars(row)) for row in rows]
        target.choices = [
            (
                other.pk,
                gettext("Trip #%(trip)s · %(vehicle)s · %(used)s of %(seats)s seats taken")
                % {
                    "trip": other.pk,
                    "vehicle": other.vehicle_type.name,
                    "used": other.seats_used,  # type: ignore[attr-defined]
                    "seats": other.vehicle_type.seats,
                },
            )
            for other in targets
        ]


class VehicleForm(forms.Form):
    vehicle_type = forms.ModelChoiceField(
        label=_("Vehicle"),
        queryset=VehicleType.objects.filter(active=True),
        help_text=_("Departure and arrival times follow the vehicle's speed; everyone on the trip must fit."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the trip cancelled?"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the trip's history. Its workers are seated again by a re-plan and told."),
    )


class ConfirmForm(forms.Form):
    """No fields: the button confirms; the form carries the refusal, if any."""


class SeatForm(forms.Form):
    offer = forms.IntegerField(min_value=1)


def posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to (even when empty, so that its errors show); None on GET."""
    return request.POST if request.method == "POST" else None
