"""The answers dispatch pages ask for: the offer sheet re-confirmed on arrival, and a boarding code typed by staff."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

NOTE_MAX = 255


class TermsForm(forms.Form):
    """On arrival: are the wage, hours, housing and work as offered? If not, what differs (required)."""

    AS_OFFERED, DIFFERS = "as_offered", "differs"

    answer = forms.ChoiceField(
        label=_("Are the wage, hours, housing and work as in your offer?"),
        choices=[(AS_OFFERED, _("Yes, as offered")), (DIFFERS, _("No, something differs"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an answer: as offered, or something differs."),
            "invalid_choice": _("Choose an answer: as offered, or something differs."),
        },
    )
    note = forms.CharField(
        label=_("What differs?"),
        help_text=_("For example: the wage is lower, the hours are longer, there is no dormitory."),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the note to %(limit_value)d characters (it has %(show_value)d).")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("answer") == self.DIFFERS and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what differs from the offer: the wage, the hours, the housing or the work."))
        return cleaned

    @property
    def as_offered(self) -> bool:
        return self.cleaned_data["answer"] == self.AS_OFFERED


class BoardingCodeForm(forms.Form):
    """The boarding code under a worker's QR, typed by staff when the camera fails."""

    code = forms.CharField(
        label=_("Boarding code"),
        help_text=_("Type the code under the worker's QR code. Spaces do not matter."),
        max_length=40,
        error_messages={"required": _("Type the boarding code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        # Codes read aloud or typed on a phone keyboard pick up stray spaces; the code itself has none.
        return "".join(self.cleaned_data["code"].split())


class BoardForm(forms.Form):
    """One row's "Mark on board" button on a trip's boarding list."""

    offer = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
