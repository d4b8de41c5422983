"""The forms of a case's page in the console: a move along the workflow, and a message or a staff note."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from rights.forms import EvidenceField
from rights.models import Case

Status = Case.Status

# The fields a move to each status asks for; the service decides which are required.
MOVE_FIELDS: dict[str, tuple[str, ...]] = {
    Status.ASSIGNED: ("assign_to", "note"),
    Status.RECOVERED: ("recovery", "recovered_amount", "recovered_on", "note"),
}
_NOTE_ONLY = ("note",)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user = cast(User, obj)
        region = f" · {user.home_region.name}" if user.home_region_id and user.home_region else ""
        return f"{user.display_name}{region}"


class CaseMoveForm(forms.Form):
    """A move to one status (`to`), with only the fields that move needs."""

    assign_to = StaffChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Staff of the sending or the receiving county. Leave empty to take the case yourself."),
    )
    recovery = forms.ChoiceField(
        label=_("Recovered"),
        choices=Case.Recovery.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    recovered_amount = forms.DecimalField(
        label=_("Amount recovered (yuan)"), required=False, max_digits=10, decimal_places=2
    )
    recovered_on = forms.DateField(
        label=_("Paid on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the worker was paid."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with this step of the case."),
    )

    def __init__(self, *args: Any, to: str, staff: QuerySet[User] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"move-{to}-%s")
        super().__init__(*args, **kwargs)
        self.to = to
        wanted = MOVE_FIELDS.get(to, _NOTE_ONLY)
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "assign_to" in self.fields:
            cast(forms.ModelChoiceField, self.fields["assign_to"]).queryset = (
                staff.select_related("home_region") if staff is not None else User.objects.none()
            )
        if to == Status.CLOSED:
            self.fields["note"].label = _("Why is the case closed?")
            self.fields["note"].help_text = _("Required. The worker reads the case's steps.")

    @property
    def label(self) -> str:
        return str(Status(self.to).label)


class CaseMessageForm(forms.Form):
    """A message the worker and the employer read, or a note only staff read."""

    body = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    uploads = EvidenceField(label=_("Files"), help_text=_("Photos (JPEG, PNG) or PDF, up to five at a time."))
    staff_only = forms.BooleanField(
        label=_("Only staff read this (a note, not a message)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "message-%s")
        super().__init__(*args, **kwargs)
