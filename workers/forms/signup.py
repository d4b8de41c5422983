"""Sign-up forms: read and tidy what was typed; workers.services checks the rules and writes.

Field names follow the arguments of the services, so a service's refusal,
keyed by argument, lands next to the field that caused it.

Besides the region picker's refresh, the work page has two more buttons that
send the form back without saving: "add another row" and "show the
occupations" (an occupation is chosen within a kind of work, so a page
never carries the whole list of ~220). Such a press shows the page again as typed,
without error messages.
"""

import unicodedata
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.formsets import DELETION_FIELD_NAME, TOTAL_FORM_COUNT
from django.forms.utils import ErrorList
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from reference.forms import REFRESH_FIELD, RegionField, RegionRefreshFormMixin
from reference.models import Occupation, Region
from reference.selectors import OccupationGroup, occupations_by_group, picker_provinces
from workers.identity import id_number_check
from workers.models import Certificate, Worker
from workers.services.cohorts import NAME_MAX
from workers.services.profile import CONSENT_VERSION, MAX_PROVINCES, WAGE_MAX, YEARS_MAX


def _up_to_now(message: str, maximum: int) -> str:
    return gettext(message) % {"max": maximum}


# Field error messages are built once, when the class is defined; lazy, they
# are translated per request instead of in whatever language was active then.
_up_to = lazy(_up_to_now, str)

ADD_ROW = "_add_row"
SHOW_OCCUPATIONS = "_show_occupations"
_REFRESH_KEYS = (REFRESH_FIELD, ADD_ROW, SHOW_OCCUPATIONS)
# Six rows keep even the heaviest page (every row open on the largest kind of work) under 60 KB.
MAX_SKILLS = 6
MAX_CERTIFICATES = 5
SKILL_ROWS = 3


def is_refresh(data: Any) -> bool:
    """Whether a press asked only to show the form again (a list filled, a row added), not to save."""
    return any(key in data for key in _REFRESH_KEYS)


class QuietRefreshMixin(RegionRefreshFormMixin):
    """Every kind of refresh press, not only the region picker's, shows no errors and is never valid."""

    @property
    def is_region_refresh(self) -> bool:
        return self.is_bound and is_refresh(self.data)


def _numeric(**attrs: str) -> forms.TextInput:
    # A text box with the digit keypad: type=number would drop "4,500" or full-width digits before the server
    # sees them.
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", **attrs})


class PlainIntegerField(forms.IntegerField):
    """A whole number as people type it: full-width digits, thousands separators, a trailing 元."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
            for noise in (",", " ", "元", "yuan", "Yuan"):
                value = value.replace(noise, "")
        return super().to_python(value)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Identity -----------------------------------------------------------------------


class IdentityForm(forms.Form):
    real_name = forms.CharField(
        label=_("Your name"),
        help_text=_("As written on your resident ID card."),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name as it is on your ID card.")},
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        help_text=_("18 characters, on the side of your ID card with your photo. Your birth date is read from it."),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Enter the 18 characters of your ID number.")},
    )
    consent_processing = forms.BooleanField(
        label=_("I agree that Chunfeng keeps and uses my details to find work for me, as described above."),
        error_messages={"required": _("Chunfeng can only look for work for you with this consent.")},
    )
    consent_sharing = forms.BooleanField(
        label=_("I agree that my profile is shown to the employers Chunfeng matches me with, and to no one else."),
        error_messages={"required": _("Without this consent no employer can see your profile.")},
    )

    def __init__(self, data: QueryDict | None = None, *, worker: Worker) -> None:
        consented = worker.consent_version == CONSENT_VERSION
        initial = {
            "real_name": worker.real_name,
            "consent_processing": consented and worker.consent_processing_at is not None,
            "consent_sharing": consented and worker.consent_sharing_at is not None,
        }
        super().__init__(data, initial=initial)
        # Held for clean_id_number only; the page never shows the saved number in full.
        self._saved_id_number = worker.id_number
        if worker.id_number:
            field = self.fields["id_number"]
            field.required = False
            field.help_text = _(
                "Saved: %(masked)s. Leave this box empty to keep it; type the number only to correct it."
            ) % {"masked": worker.masked_id_number}

    def clean_id_number(self) -> str:
        typed = self.cleaned_data["id_number"]
        if not typed:
            return self._saved_id_number
        # Checked here as well as in the service, so that a mistyped number shows up together with a
        # missing tick rather than after it.
        return id_number_check(typed, today=timezone.localdate()).number


# Home ---------------------------------------------------------------------------


class HomeForm(QuietRefreshMixin, forms.Form):
    hukou_county = RegionField(
        label=_("Household registration (hukou) county"),
        help_text=_("The county or district in your household registration booklet."),
    )
    current_county = RegionField(
        label=_("Where you are now"),
        help_text=_("Only if you are away from home, for example still working in a city. Otherwise leave it empty."),
        required=False,
    )

    def __init__(self, data: QueryDict | None = None, *, worker: Worker) -> None:
        initial = {"hukou_county": worker.hukou_county_id, "current_county": worker.current_county_id}
        super().__init__(data, initial=initial)


# Work: occupations ----------------------------------------------------------------


@dataclass(frozen=True)
class OccupationCatalogue:
    """The occupations, read once per page and shared by every row."""

    groups: list[OccupationGroup]
    by_code: dict[str, Occupation]

    @classmethod
    def load(cls) -> "OccupationCatalogue":
        groups = occupations_by_group()
        return cls(groups=groups, by_code={o.code: o for g in groups for o in g.occupations})

    def group_choices(self) -> list[tuple[str, str]]:
        return [("", str(_("Choose the kind of work"))), *((group.code, group.name) for group in self.groups)]

    def occupation_choices(self, group_code: str | None) -> list[tuple[str, str]]:
        group = next((group for group in self.groups if group.code == group_code), None)
        if group is None:
            return [("", str(_("Choose the kind of work first")))]
        return [("", str(_("Choose the occupation"))), *((o.code, o.name) for o in group.occupations)]


class SkillForm(QuietRefreshMixin, forms.Form):
    group = forms.ChoiceField(label=_("Kind of work"), required=False)
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        required=False,
        error_messages={
            "invalid_choice": _("Choose the occupation again: the list now shows the kind of work chosen above.")
        },
    )
    years = PlainIntegerField(
        label=_("Years of experience"),
        required=False,
        min_value=0,
        max_value=YEARS_MAX,
        widget=_numeric(maxlength="3"),
        error_messages={
            "min_value": _up_to(gettext_noop("Years of experience run from 0 to %(max)d."), YEARS_MAX),
            "max_value": _up_to(gettext_noop("Years of experience run from 0 to %(max)d."), YEARS_MAX),
            "invalid": _("Enter the years as a whole number, for example 3."),
        },
    )

    def __init__(self, *args: Any, catalogue: OccupationCatalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        group = self["group"].value()
        cast(forms.ChoiceField, self.fields["group"]).choices = catalogue.group_choices()
        choices = catalogue.occupation_choices(group)
        self._offered = {code for code, _label in choices if code}
        occupation = cast(forms.ChoiceField, self.fields["occupation"])
        occupation.choices = choices
        if not self._offered:
            occupation.widget.attrs["disabled"] = True

    @property
    def settled(self) -> Occupation | None:
        """The occupation chosen in this row, once its list offers it: the row then shows it as text."""
        code = self["occupation"].value()
        return self.catalogue.by_code.get(code) if code in self._offered else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code, years = cleaned.get("occupation"), cleaned.get("years")
        if code:
            cleaned["occupation"] = self.catalogue.by_code[code]
            if years is None and "years" not in self.errors:
                self.add_error("years", _("How many years have you done this work? 0 if none yet."))
        elif "occupation" not in self.errors and (cleaned.get("group") or years is not None):
            self.add_error("occupation", _("Choose the occupation, or empty the row."))
        return cleaned


class QuietFormSet(forms.BaseFormSet):
    """A formset that shows no errors on a refresh press; its forms stay quiet on their own."""

    remove_label: Any = _("Remove")

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = self.remove_label

    def full_clean(self) -> None:
        if self.is_bound and is_refresh(self.data):
            self._errors: list[Any] = []
            self._non_form_errors = self.error_class(error_class="nonform")
            return
        super().full_clean()

    def kept_forms(self) -> list[forms.Form]:
        """The rows not marked for removal (call once the formset is valid)."""
        return [form for form in self.forms if not form.cleaned_data.get(DELETION_FIELD_NAME)]


class BaseSkillFormSet(QuietFormSet):
    none_allowed = False
    remove_label = _("Remove this skill")

    def clean(self) -> None:
        if any(self.errors):
            return
        skills = self.skills()
        seen: set[str] = set()
        for occupation, _years in skills:
            if occupation.code in seen:
                raise ValidationError(
                    _("%(occupation)s is listed twice. Keep it once.") % {"occupation": occupation.name},
                    code="skill_twice",
                )
            seen.add(occupation.code)
        if not skills and not self.none_allowed:
            raise ValidationError(
                _("Add at least one skill, or tick “No work experience yet” below."), code="skills_required"
            )

    def skills(self) -> list[tuple[Occupation, int]]:
        return [
            (form.cleaned_data["occupation"], form.cleaned_data["years"])
            for form in self.kept_forms()
            if form.cleaned_data.get("occupation")
        ]


SkillFormSet = cast(
    type[BaseSkillFormSet],
    forms.formset_factory(
        SkillForm,
        formset=BaseSkillFormSet,
        extra=0,
        # Any row with a chosen occupation can be removed, also one added on this visit.
        can_delete=True,
        can_delete_extra=True,
        max_num=MAX_SKILLS,
        absolute_max=MAX_SKILLS,
        validate_max=True,
    ),
)


class CertificateForm(QuietRefreshMixin, forms.Form):
    name = forms.CharField(
        label=_("Certificate"),
        help_text=_("For example: electrician's operating certificate."),
        required=False,
        max_length=100,
    )
    level = forms.TypedChoiceField(
        label=_("Level"), choices=Certificate.Level.choices, coerce=int, initial=Certificate.Level.OTHER
    )
    occupation = forms.ChoiceField(
        label=_("For which of your skills"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the skills above, or leave this empty.")},
    )

    def __init__(self, *args: Any, skill_choices: list[tuple[str, str]], catalogue: OccupationCatalogue, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        cast(forms.ChoiceField, self.fields["occupation"]).choices = [("", str(_("None of them"))), *skill_choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("occupation")
        cleaned["occupation"] = self.catalogue.by_code[code] if code else None
        # A level alone, which always has a value, does not make a row.
        if code and not cleaned.get("name") and "name" not in self.errors:
            self.add_error("name", _("Enter the certificate's name, or empty the row."))
        return cleaned


class BaseCertificateFormSet(QuietFormSet):
    remove_label = _("Remove this certificate")

    def certificates(self) -> list[tuple[str, int, Occupation | None]]:
        return [
            (form.cleaned_data["name"], form.cleaned_data["level"], form.cleaned_data["occupation"])
            for form in self.kept_forms()
            if form.cleaned_data.get("name")
        ]


CertificateFormSet = cast(
    type[BaseCertificateFormSet],
    forms.formset_factory(
        CertificateForm,
        formset=BaseCertificateFormSet,
        extra=0,
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_CERTIFICATES,
        absolute_max=MAX_CERTIFICATES,
        validate_max=True,
    ),
)


# Work: destinations, wage, dates --------------------------------------------------

_RANK_LABELS = (_("First choice"), _("Second choice"), _("Third choice"), _("Fourth choice"), _("Fifth choice"))


class RankedProvincesWidget(forms.MultiWidget):
    """Up to five province lists, first choice first."""

    template_name = "workers/signup/_ranked_provinces.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.Select() for _ in range(MAX_PROVINCES)], attrs)

    def decompress(self, value: Any) -> list[str | None]:
        codes = [p.code if isinstance(p, Region) else p for p in (value or [])]
        return (codes + [None] * MAX_PROVINCES)[:MAX_PROVINCES]

    def use_required_attribute(self, initial: Any) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for label, subwidget in zip(_RANK_LABELS, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = label
        return context


class RankedProvincesField(forms.MultiValueField):
    """Provinces in order of preference; gaps close up, so choices 1 and 3 become 1 and 2."""

    widget = RankedProvincesWidget

    def __init__(self, **kwargs: Any) -> None:
        self.provinces: dict[str, Region] = {}
        fields = [forms.ChoiceField(required=False) for _ in range(MAX_PROVINCES)]
        super().__init__(fields=fields, require_all_fields=False, required=False, **kwargs)

    def set_provinces(self, provinces: list[Region]) -> None:
        self.provinces = {province.code: province for province in provinces}
        choices = [("", str(_("No province"))), *((p.code, p.name) for p in provinces)]
        for field in self.fields:
            cast(forms.ChoiceField, field).choices = choices
        for widget in cast(RankedProvincesWidget, self.widget).widgets:
            cast(forms.Select, widget).choices = choices

    def compress(self, data_list: list[str]) -> list[Region]:
        return [self.provinces[code] for code in data_list if code]


class WorkForm(QuietRefreshMixin, forms.Form):
    no_experience = forms.BooleanField(
        label=_("No work experience yet: I am willing to learn"),
        help_text=_("Then Chunfeng looks for posts that train newcomers."),
        required=False,
    )
    education = forms.ChoiceField(
        label=_("Schooling"),
        choices=[("", _("Choose the highest level finished")), *Worker.Education.choices],
        error_messages={"required": _("Choose the highest schooling you finished.")},
    )
    languages = forms.CharField(
        label=_("Languages and dialects you speak"),
        help_text=_("For example: Mandarin, Sichuan dialect, Yi."),
        required=False,
        max_length=200,
    )
    destinations = forms.ChoiceField(
        label=_("Where will you work?"),
        choices=Worker.Destinations.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Local work means your home prefecture: work-for-relief projects, public-welfare jobs, nearby factories."
        ),
    )
    provinces = RankedProvincesField(
        label=_("The provinces you choose"),
        help_text=_("Only for “The provinces I choose”: up to five, the one you want most first."),
    )
    min_monthly_wage = PlainIntegerField(
        label=_("Lowest monthly wage you accept (yuan)"),
        help_text=_("Before deductions for food and housing. Jobs that pay less are not offered to you."),
        min_value=0,
        max_value=WAGE_MAX,
        widget=_numeric(maxlength="9"),
        error_messages={
            "required": _("Enter the lowest monthly wage you accept, in yuan."),
            "invalid": _("Enter the wage in yuan as a number, for example 4500."),
            "min_value": _up_to(gettext_noop("Enter a monthly wage from 0 to %(max)d yuan."), WAGE_MAX),
            "max_value": _up_to(gettext_noop("Enter a monthly wage from 0 to %(max)d yuan."), WAGE_MAX),
        },
    )
    available_from = forms.DateField(
        label=_("Free to start from"),
        help_text=_("For example after the harvest or after Spring Festival. Empty if you can start now."),
        required=False,
        widget=_date_input(),
    )
    available_to = forms.DateField(
        label=_("Free until"), help_text=_("Empty if there is no end."), required=False, widget=_date_input()
    )
    planned_return = forms.DateField(
        label=_("Planned return home"),
        help_text=_("For example for the next Spring Festival. Empty if you do not know yet."),
        required=False,
        widget=_date_input(),
    )

    def __init__(self, data: QueryDict | None = None, *, initial: dict[str, Any]) -> None:
        super().__init__(data, initial=initial)
        cast(RankedProvincesField, self.fields["provinces"]).set_provinces(picker_provinces())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("destinations") != Worker.Destinations.PROVINCES:
            # Lists left filled in under another answer are not what the worker chose.
            cleaned["provinces"] = []
        return cleaned


def _with_extra_row(data: QueryDict, prefix: str, limit: int) -> QueryDict:
    data = data.copy()
    key = f"{prefix}-{TOTAL_FORM_COUNT}"
    count = data.get(key, "")
    if count.isdigit():
        data[key] = str(min(int(count) + 1, limit))
    return data


class WorkStep:
    """The work page as one form: the main fields plus the skill and certificate rows."""

    def __init__(self, data: QueryDict | None = None, *, worker: Worker) -> None:
        catalogue = OccupationCatalogue.load()
        if data is not None and data.get(ADD_ROW) == "skills":
            data = _with_extra_row(data, "skills", MAX_SKILLS)
        elif data is not None and data.get(ADD_ROW) == "certificates":
            data = _with_extra_row(data, "certificates", MAX_CERTIFICATES)
        self.is_bound = data is not None
        self.refreshing = data is not None and is_refresh(data)
        skills = [
            {"group": s.occupation.group_code, "occupation": s.occupation.code, "years": s.years}
            for s in worker.skills.select_related("occupation")
        ]
        self.skills = SkillFormSet(data, initial=skills, prefix="skills", form_kwargs={"catalogue": catalogue})
        self.skills.extra = max(SKILL_ROWS - len(skills), 1)
        certificates = [
            {"name": c.name, "level": c.level, "occupation": c.occupation.code if c.occupation else None}
            for c in worker.certificates.select_related("occupation")
        ]
        self.certificates = CertificateFormSet(
            data,
            initial=certificates,
            prefix="certificates",
            form_kwargs={"catalogue": catalogue, "skill_choices": self._skill_choices(catalogue, skills)},
        )
        self.certificates.extra = 0 if certificates else 1
        self.form = WorkForm(data, initial=self._initial(worker, has_skills=bool(skills)))

    def _skill_choices(self, catalogue: OccupationCatalogue, saved: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """The occupations of the skill rows as they stand, for the certificates to refer to."""
        if self.is_bound:
            codes = [form["occupation"].value() for form in self.skills.forms]
        else:
            codes = [skill["occupation"] for skill in saved]
        unique = dict.fromkeys(code for code in codes if code in catalogue.by_code)
        return [(code, catalogue.by_code[code].name) for code in unique]

    @staticmethod
    def _initial(worker: Worker, *, has_skills: bool) -> dict[str, Any]:
        return {
            "no_experience": worker.signup_step > Worker.SignupStep.WORK and not has_skills,
            "education": worker.education,
            "languages": worker.languages,
            "destinations": worker.destinations,
            "provinces": [choice.province_id for choice in worker.destination_choices.order_by("rank")],
            "min_monthly_wage": worker.min_monthly_wage,
            "available_from": worker.available_from,
            "available_to": worker.available_to,
            "planned_return": worker.planned_return,
        }

    def is_valid(self) -> bool:
        if not self.is_bound or self.refreshing:
            return False
        form_valid = self.form.is_valid()
        self.skills.none_allowed = bool(self.form.cleaned_data.get("no_experience"))
        return all([form_valid, self.skills.is_valid(), self.certificates.is_valid()])

    @property
    def cleaned_data(self) -> dict[str, Any]:
        """The arguments of workers.services.profile.worker_work_set."""
        data = {key: value for key, value in self.form.cleaned_data.items() if key != "no_experience"}
        return data | {"skills": self.skills.skills(), "certificates": self.certificates.certificates()}

    def add_error(self, field: str | None, error: ValidationError) -> None:
        """Show a service's refusal: row rules above their rows, the rest next to their fields."""
        for key, messages in error.update_error_dict({}).items():
            if key == "skills":
                cast(ErrorList, self.skills.non_form_errors()).extend(messages)
            elif key == "certificates":
                cast(ErrorList, self.certificates.non_form_errors()).extend(messages)
            else:
                self.form.add_error(None if key == NON_FIELD_ERRORS else key, messages)


# Group ----------------------------------------------------------------------------


class CohortForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the group"),
        help_text=_("For example: Li family, or Shiban village carpenters."),
        max_length=NAME_MAX,
        error_messages={"required": _("Give the group a name.")},
    )


class InviteForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number of the person to invite"),
        help_text=_("They get a text message and answer after logging in with that number."),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter a mobile number.")},
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Join the group")), ("decline", _("Say no"))])

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["answer"] == "accept"


# Registered poor labourer -----------------------------------------------------------


class PoorLabourerForm(forms.Form):
    declared = forms.TypedChoiceField(
        label=_("Is your household a registered poor household (jiandang lika)?"),
        choices=[("yes", _("Yes, my household is registered")), ("no", _("No, or I do not know"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )

    def __init__(self, data: QueryDict | None = None, *, worker: Worker) -> None:
        declared = worker.poor_labourer != Worker.PoorLabourer.NO
        initial = (
            {"declared": "yes" if declared else "no"} if worker.signup_step > Worker.SignupStep.POOR_LABOURER else {}
        )
        super().__init__(data, initial=initial)
