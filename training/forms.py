"""Forms of the provider pages: registration, courses, sessions and results. The services hold the rules.

Course field names are the model's, so a refusal from course_save, keyed by
field, lands next to the box that caused it.
"""

from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference.forms import RegionField, RegionRefreshFormMixin
from reference.models import Occupation, Region
from reference.selectors import occupations_by_group
from training.models import Course, Provider
from workers.forms.signup import PlainIntegerField
from workers.models import Certificate


def _phone_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProviderRegisterForm(RegionRefreshFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the school or centre"), max_length=128)
    kind = forms.ChoiceField(label=_("Kind of provider"), choices=Provider.Kind.choices)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, on the licence or registration certificate."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    region = RegionField(label=_("County or district where it is registered"), level=Region.Level.COUNTY)
    address = forms.CharField(label=_("Address"), max_length=255)
    contact_name = forms.CharField(label=_("Contact person"), max_length=64)
    contact_phone = forms.CharField(
        label=_("Contact mobile number"),
        max_length=20,
        help_text=_("The bureau calls this number about the verification."),
        widget=_phone_input(),
    )


# Courses ------------------------------------------------------------------------------

_MODEL_FIELDS = (
    "title",
    "type",
    "format",
    "venue",
    "hours",
    "starts_on",
    "ends_on",
    "capacity",
    "fee",
    "subsidy",
    "living_allowance",
    "language",
    "description",
)
_ZERO_IF_EMPTY = ("fee", "subsidy")


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.PositiveIntegerField | models.PositiveSmallIntegerField):
        # A text box with the digit keypad: type=number would drop "1,200" or full-width digits.
        widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        return db_field.formfield(form_class=PlainIntegerField, widget=widget, **kwargs)
    if isinstance(db_field, models.DateField):
        return db_field.formfield(widget=_date_input(), **kwargs)
    if db_field.name == "description":
        return db_field.formfield(widget=forms.Textarea(attrs={"rows": 4}), **kwargs)
    return db_field.formfield(**kwargs)


def _certificate_level(value: str) -> int:
    return int(value)


class CourseForm(RegionRefreshFormMixin, forms.Form):
    occupation = forms.ChoiceField(
        label=_("Occupation taught"),
        error_messages={"required": _("Choose the occupation the course teaches.")},
    )
    certificate_level = forms.TypedChoiceField(
        label=_("Certificate granted"),
        choices=[("", _("No certificate")), *Certificate.Level.choices],
        coerce=_certificate_level,
        empty_value=None,
        required=False,
        help_text=_("The skill level of the certificate a pass earns."),
    )
    county = RegionField(
        label=_("County or district of the course"),
        level=Region.Level.COUNTY,
        required=False,
        help_text=_("Required for an in-person course."),
    )

    def __init__(self, data: QueryDict | None = None, *, course: Course | None = None) -> None:
        groups = occupations_by_group()
        self._occupations = {o.code: o for group in groups for o in group.occupations}
        initial: dict[str, Any] = {}
        if course is not None:
            initial = model_to_dict(course, fields=[*_MODEL_FIELDS, "certificate_level", "county"])
            codes = {o.pk: code for code, o in self._occupations.items()}
            initial["occupation"] = codes.get(course.occupation_id, "")
            initial["county"] = course.county_id
        super().__init__(data, initial=initial)
        for name in _ZERO_IF_EMPTY:
            self.fields[name].required = False
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


CourseForm.base_fields.update(fields_for_model(Course, fields=_MODEL_FIELDS, formfield_callback=_formfield))


# Sessions, attendance and results ------------------------------------------------------


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=_date_input())
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    topic = forms.CharField(label=_("Topic"), max_length=128, required=False)

    @staticmethod
    def _at(day: date, moment: time) -> datetime:
        return timezone.make_aware(datetime.combine(day, moment))

    @property
    def data_for_service(self) -> dict[str, Any]:
        """What session_add takes: the start and end as moments in the local time zone, and the topic."""
        data = self.cleaned_data
        return {
            "starts_at": self._at(data["day"], data["starts"]),
            "ends_at": self._at(data["day"], data["ends"]),
            "topic": data["topic"],
        }


class ResultForm(forms.Form):
    score = PlainIntegerField(
        label=_("Assessment score"),
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": "4"}),
        help_text=_("0 to 100; 60 passes."),
    )
