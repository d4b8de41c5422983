"""The offer-sheet form: read and tidy what was typed; jobs.services.postings checks the rules and writes.

Field names are the posting's model fields, so a refusal from the service,
keyed by field, lands next to the box that caused it. The model gives each
field its label; this module only chooses widgets that suit a phone.
"""

from typing import Any, cast

from django import forms
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from jobs.models import EmployerMember, JobPosting, Site
from jobs.rules import DEDUCTION_SHARE_LIMIT
from jobs.services.postings import EDITABLE_FIELDS
from reference.models import Occupation
from reference.selectors import occupations_by_group
from workers.forms.signup import PlainIntegerField

# Boxes that may be left empty and then count as 0 (an empty expected pay with a monthly wage is the rate).
_ZERO_IF_EMPTY = (
    "expected_monthly",
    "probation_months",
    "deduction_dormitory",
    "deduction_meals",
    "deduction_other",
    "transport_subsidy",
    "years_required",
)
_TEXTAREAS = ("description", "overtime_rules", "skills_required", "training_offered", "safety_equipment")


def _numeric(mode: str = "numeric") -> forms.TextInput:
    # A text box with the digit keypad: type=number would drop "4,500" or full-width digits.
    return forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"})


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.PositiveIntegerField | models.PositiveSmallIntegerField):
        return db_field.formfield(form_class=PlainIntegerField, widget=_numeric(), **kwargs)
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(widget=_numeric("decimal"), **kwargs)
    if isinstance(db_field, models.DateField):
        return db_field.formfield(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)
    if db_field.name in _TEXTAREAS:
        return db_field.formfield(widget=forms.Textarea(attrs={"rows": 3}), **kwargs)
    return db_field.formfield(**kwargs)


_MODEL_FIELDS = [field for field in EDITABLE_FIELDS if field != "occupation"]


class PostingForm(forms.Form):
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        error_messages={"required": _("Choose the occupation.")},
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        empty_label=_("Choose the site"),
        help_text=_("The job's county is the site's county: its minimum wage applies."),
        error_messages={"required": _("Choose the site where the work is.")},
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter the phone number workers can call.")},
    )

    def __init__(self, data: QueryDict | None = None, *, member: EmployerMember, posting: JobPosting | None) -> None:
        groups = occupations_by_group()
        self._occupations = {o.code: o for group in groups for o in group.occupations}
        initial: dict[str, Any] = {}
        if posting is not None:
            initial = model_to_dict(posting, fields=[*EDITABLE_FIELDS, "site"])
            codes = {o.pk: code for code, o in self._occupations.items()}
            initial["occupation"] = codes.get(posting.occupation_id, "")
            initial["contact_phone"] = posting.contact_phone
        super().__init__(data, initial=initial)
        for name in _ZERO_IF_EMPTY:
            self.fields[name].required = False
        deductions = self.fields["deduction_other"]
        deductions.help_text = _(
            "Dormitory, meals and other deductions together above %(share)d%% of the expected monthly pay "
            "are checked by the bureau."
        ) % {"share": int(DEDUCTION_SHARE_LIMIT * 100)}
        self.fields["expected_monthly"].help_text = _(
            "With a monthly wage, the same as the rate. "
            "With a piece or hour rate, what a worker earns in a normal month."
        )
        site = cast(forms.ModelChoiceField, self.fields["site"])
        site.queryset = Site.objects.filter(employer_id=member.employer_id)
        cast(forms.ChoiceField, self.fields["occupation"]).choices = [
            ("", _("Choose the occupation")),
            *((group.name, [(o.code, o.name) for o in group.occupations]) for group in groups),
        ]

    def clean_occupation(self) -> Occupation:
        return self._occupations[self.cleaned_data["occupation"]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in _ZERO_IF_EMPTY:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        return cleaned

    @property
    def data_for_service(self) -> dict[str, Any]:
        """What posting_save takes as `data`: every field but the site."""
        return {name: value for name, value in self.cleaned_data.items() if name != "site"}


PostingForm.base_fields.update(fields_for_model(JobPosting, fields=_MODEL_FIELDS, formfield_callback=_formfield))


class CloseForm(forms.Form):
    """Nothing to fill in: the POST itself is the confirmation."""
