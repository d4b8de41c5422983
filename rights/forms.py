"""The worker's rights forms: the monthly wage answer, the pre-filled wage claim, any other case, a message.

Field names are the services' argument names, so a refusal keyed by field
(from `rights.services.case_file` or `checkin_answer`) lands next to its box.
"""

import unicodedata
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from matching.models import Offer
from rights import services
from rights.models import Case, WageCheckin
from rights.services.evidence import MAX_FILES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EVIDENCE_FIELD = "evidence"
# What the browser offers to pick; the server checks the first bytes of each file anyway.
EVIDENCE_ACCEPT = "image/jpeg,image/png,application/pdf"
DESCRIPTION_MAX = 2000
MESSAGE_MAX = 2000
# How far back a case's months may go in the month lists.
MONTHS_BACK = 24


class ServiceForm(forms.Form):
    """A refusal keyed by a field this form does not have goes to the top of the form, not a crash."""

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                super().add_error(name if name in self.fields else None, errors)
            return
        super().add_error(field, error)


class PlainDecimalField(forms.DecimalField):
    """An amount in yuan as people type it: full-width digits, thousands separators, a trailing 元."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
            for noise in (",", " ", "元", "yuan", "Yuan"):
                value = value.replace(noise, "")
        return super().to_python(value)


def _amount_field(label: "StrOrPromise", *, required: bool, help_text: "StrOrPromise" = "") -> PlainDecimalField:
    return PlainDecimalField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Write the amount in yuan, for example 3000."),
            "min_value": _("The amount cannot be negative."),
            "max_digits": _("That amount is too large."),
            "max_decimal_places": _("Give at most two digits after the point (fen)."),
            "max_whole_digits": _("That amount is too large."),
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _help_now() -> str:
    return gettext(
        "Contract, pay slips, attendance records, chat screenshots: JPEG, PNG or PDF, up to %(count)s "
        "files. If the form comes back with a mistake, choose the files again."
    ) % {"count": MAX_FILES}


# Fields are made when the module loads: the help is put into the reader's language only when shown.
_evidence_help = lazy(_help_now, str)


class EvidenceField(forms.FileField):
    """Several photos or PDFs at once, each checked like the service checks it, so the reason shows here."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos or PDFs (optional)"))
        kwargs.setdefault("help_text", _evidence_help())
        super().__init__(**kwargs)
        self.widget.attrs.update({"multiple": True, "accept": EVIDENCE_ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("Send at most %(count)s files at a time.") % {"count": MAX_FILES})
        errors = []
        for upload in uploads:
            try:
                services.evidence_check(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


def month_choices(today: date | None = None) -> list[tuple[str, "StrOrPromise"]]:
    """This month and the ones before it, newest first, as ("2026-10", "2026-10") pairs."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    choices: list[tuple[str, StrOrPromise]] = [("", pgettext_lazy("no month chosen", "Choose a month"))]
    for _step in range(MONTHS_BACK):
        value = f"{year:04d}-{month:02d}"
        choices.append((value, value))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return choices


class MonthField(forms.ChoiceField):
    """A month picked from a list; cleans to the first day of that month."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=month_choices, required=False, **kwargs)

    def clean(self, value: Any) -> date | None:
        value = super().clean(value)
        if not value:
            return None
        year, month = value.split("-")
        return date(int(year), int(month), 1)


class CheckinForm(ServiceForm):
    """Were you paid in full for the month? Paid in full, paid in part (how much), or not paid."""

    offer = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    month = forms.DateField(input_formats=["%Y-%m-%d"], widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        label=_("Were you paid?"),
        choices=WageCheckin.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose paid in full, paid in part, or not paid."),
            "invalid_choice": _("Choose paid in full, paid in part, or not paid."),
        },
    )
    amount_paid = _amount_field(
        _("How much were you paid? (yuan)"), required=False, help_text=_("Only if you were paid in part.")
    )


def _description_field(help_text: "StrOrPromise") -> forms.CharField:
    return forms.CharField(
        label=_("What happened"),
        help_text=help_text,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Say what happened: who, when, and what you were promised."),
            "max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class ClaimForm(ServiceForm):
    """The wage claim pre-filled from the check-ins: the worker may add words and files, then confirms."""

    description = _description_field(
        _("Change or add anything: who promised the pay, when it was due, what you were told.")
    )
    evidence = EvidenceField()
    # What the worker saw when the page was shown: the claim is sent only if it is still the same.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)


def placements_of(worker_id: int) -> QuerySet[Offer]:
    """The worker's placements (offers that ended with the worker at work), newest first."""
    return (
        Offer.objects.filter(worker_id=worker_id, status=Offer.Status.PLACED)
        .select_related("posting__employer", "posting__site")
        .order_by("-closed_at", "-pk")
    )


class PlacementField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Offer) -> str:
        started = timezone.localtime(obj.closed_at).date() if obj.closed_at else None
        label = f"{obj.posting.employer.name} · {obj.posting.site.name}"
        if started:
            return str(_("%(employer)s (from %(date)s)") % {"employer": label, "date": started.isoformat()})
        return label


class CaseForm(ServiceForm):
    """Any case against an employer the worker was placed with: unpaid wages, contract, injury or dismissal."""

    offer = PlacementField(
        label=_("Employer"),
        queryset=Offer.objects.none(),
        empty_label=pgettext_lazy("no employer chosen", "Choose the employer"),
        help_text=_("The employers you started work with through Chunfeng."),
        error_messages={
            "required": _("Choose the employer the case is about."),
            "invalid_choice": _("Choose the employer the case is about."),
        },
    )
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Case.Kind.choices,
        initial=Case.Kind.WAGES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the case is about."),
            "invalid_choice": _("Choose what the case is about."),
        },
    )
    period_start = MonthField(label=_("First month not paid"), help_text=_("For unpaid wages."))
    period_end = MonthField(label=_("Last month not paid"), help_text=_("The same month if it is only one."))
    amount_claimed = _amount_field(
        _("Amount owed (yuan)"), required=False, help_text=_("For unpaid wages: the total you are owed.")
    )
    description = _description_field(
        _("Who, when, where, and what you were promised. For an injury: the day, what happened, the hospital.")
    )
    evidence = EvidenceField()

    def __init__(self, *args: Any, worker_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PlacementField, self.fields["offer"]).queryset = placements_of(worker_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("period_start"), cleaned.get("period_end")
        if first and last and last < first:
            self.add_error("period_end", _("The last month cannot come before the first."))
        if cleaned.get("kind") == Case.Kind.WAGES and first and not last:
            cleaned["period_end"] = first
        return cleaned


class MessageForm(ServiceForm):
    """A message to the bureau and the employer on a case, with files if any."""

    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d).")},
    )
    evidence = EvidenceField()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned.get("evidence"):
            raise ValidationError(_("Write a message or add a file."), code="empty")
        return cleaned
