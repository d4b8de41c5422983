"""What a console statistics page is asked about: a period of days, and the region the staff member sees."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reference.codes import scope_prefix


class PeriodForm(forms.Form):
    """A period from one day to another, both included; it cannot end before it starts."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise ValidationError(_("The period cannot end before it starts."), code="period")
        return cleaned


def this_year() -> dict[str, date]:
    """The current calendar year as a period: a statistics page's default."""
    today = timezone.localdate()
    return {"start": today.replace(month=1, day=1), "end": today.replace(month=12, day=31)}


def region_prefix(user: User) -> str | None:
    """The region prefix a staff member sees; "" for all of it, None for nothing."""
    if user.is_superuser or user.nationwide:
        return ""
    if user.home_region_id is None:
        return None
    return scope_prefix(user.home_region_id)
