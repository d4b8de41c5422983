"""The region picker: province → prefecture → county, with or without JavaScript.

Use it wherever a form asks for a place::

    from reference.forms import RegionField, RegionRefreshFormMixin, is_region_refresh

    class SignUpForm(RegionRefreshFormMixin, forms.Form):
        home_county = RegionField(label=_("Home county"))
        site = RegionField(label=_("City"), level="prefecture", required=False)

    def sign_up(request):
        form = SignUpForm(request.POST or None)
        # A refresh press only fills the next list: the form comes back
        # as typed so far, without errors, and nothing is saved.
        if request.method == "POST" and not is_region_refresh(request) and form.is_valid():
            worker = worker_sign_up(home_county=form.cleaned_data["home_county"], ...)
            return redirect(worker)
        return render(request, "workers/sign_up.html", {"form": form})

and put ``{{ form.media }}`` in the page's head block so the lists update
without a round trip when JavaScript runs. Without JavaScript, the button
"Show the places in this province" submits the form back with the next list
filled. Only the province list and the lists under the places already chosen
are ever rendered, never every county.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorDict
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reference.models import Region
from reference.selectors import picker_counties, picker_prefectures, picker_provinces, region_path, resolve_region

REFRESH_FIELD = "_region_refresh"

LEVELS = (Region.Level.PROVINCE, Region.Level.PREFECTURE, Region.Level.COUNTY)
_LABELS = (_("Province"), _("City or prefecture"), _("County or district"))
_PLACEHOLDERS = (_("Choose a province"), _("Choose a city or prefecture"), _("Choose a county or district"))
_WAITING = (_("Choose a province"), _("Choose the province first"), _("Choose the city or prefecture first"))
_MISSING = (_("Choose a province."), _("Choose a prefecture."), _("Choose a county."))
_REFRESH_LABELS = (
    _("Show the places in this province"),
    _("Show the places in this prefecture"),
    _("Update the lists"),
)


def is_region_refresh(request: HttpRequest) -> bool:
    """Whether the request came from a picker's refresh button rather than the form's own submit."""
    data = request.POST if request.method == "POST" else request.GET
    return REFRESH_FIELD in data


@dataclass
class PickerState:
    """What a picker holds: the places chosen so far and the list each select offers."""

    chosen: list[Region] = field(default_factory=list)
    options: list[list[Region]] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [region.code for region in self.chosen]


def picker_state(codes: Sequence[str | None], depth: int) -> PickerState:
    """Walk the submitted codes down the lists, keeping each only if its list offers it.

    A code that its list does not offer (the province changed without a
    refresh, an abolished code, a forged value) ends the walk there. A list
    with a single entry, a municipality or a city without districts, counts
    as chosen so nobody has to pick the only option.
    """
    state = PickerState(options=[picker_provinces()])
    for index in range(depth):
        offered = state.options[index]
        code = codes[index] if index < len(codes) else None
        chosen = next((region for region in offered if region.code == code), None)
        if chosen is None and index > 0 and len(offered) == 1:
            chosen = offered[0]
        if chosen is None:
            break
        state.chosen.append(chosen)
        if index + 1 < depth:
            state.options.append(picker_prefectures(chosen) if index == 0 else picker_counties(chosen))
    return state


def _codes_for(value: Any) -> list[str | None]:
    """The picker's codes for an initial value: a Region, a code, or codes already split."""
    if isinstance(value, list | tuple):
        return [code or None for code in value]
    if not value:
        return []
    region = resolve_region(value.code if isinstance(value, Region) else str(value))
    if region is None:
        return []
    codes: list[str | None] = [r.code for r in region_path(region)]
    # A county straight under its province (a municipality's district, a
    # county the province governs directly) stands in for the missing
    # prefecture too; picker_state sorts out which of the two a list offers.
    return codes + [codes[-1]] * (len(LEVELS) - len(codes))


class RegionPickerWidget(forms.MultiWidget):
    """Up to three selects, province → prefecture → county; lower lists follow the value bound so far."""

    template_name = "reference/widgets/region_picker.html"

    class Media:
        js = [forms.Script("js/region-picker.js", defer=True)]

    def __init__(self, depth: int = len(LEVELS), attrs: dict[str, Any] | None = None) -> None:
        self.depth = depth
        super().__init__([forms.Select() for _ in range(depth)], attrs)

    def decompress(self, value: Any) -> list[str | None]:
        return _codes_for(value)

    def use_required_attribute(self, initial: Any) -> bool:
        # A browser check on an empty lower list would block the main submit
        # before the server can fill that list; the field says what is missing.
        return False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        state = picker_state(_codes_for(value), self.depth)
        for index, select in enumerate(cast(list[forms.Select], self.widgets)):
            offered = state.options[index] if index < len(state.options) else []
            placeholder = _PLACEHOLDERS[index] if offered else _WAITING[index]
            select.choices = [("", placeholder), *((region.code, region.name) for region in offered)]
            select.attrs = {
                "data-region-level": LEVELS[index],
                "data-placeholder": _PLACEHOLDERS[index],
                "data-waiting": _WAITING[index],
                "disabled": not offered,
            }
        context = super().get_context(name, state.codes, attrs)
        for index, subwidget in enumerate(context["widget"]["subwidgets"]):
            subwidget["label"] = _LABELS[index]
        context["widget"]["children_url"] = reverse("reference:children")
        context["widget"]["refresh_name"] = REFRESH_FIELD
        if self.depth > 1:
            # Name the list the button fills next; once all are filled it
            # still serves someone who changes an upper choice.
            filled = len(state.options)
            context["widget"]["refresh_label"] = (
                _REFRESH_LABELS[-1] if filled == self.depth else _REFRESH_LABELS[filled - 1]
            )
        return context


class RegionField(forms.Field):
    """A current region chosen down to `level` ("county", "prefecture" or "province").

    With `allow_shallower`, the deepest place chosen is the value, so a
    province or prefecture can be chosen as well as a county.

    The value is the division the last list offered: for a municipality the
    prefecture step is the municipality itself, and a city without districts
    (Dongguan) or a county the province governs directly (Xiantao) stands for
    its own county step.
    """

    widget = RegionPickerWidget

    def __init__(self, *, level: str = Region.Level.COUNTY, allow_shallower: bool = False, **kwargs: Any) -> None:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        self.level = level
        # For scopes (a clerk's county, prefecture or province): stopping at an
        # upper list is an answer, not a gap.
        self.allow_shallower = allow_shallower
        self.depth = LEVELS.index(level) + 1
        kwargs.setdefault("widget", RegionPickerWidget(depth=self.depth))
        kwargs.setdefault("error_messages", {"required": _MISSING[0]})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Region | None:
        codes = _codes_for(value)
        if not any(codes):
            return None
        state = picker_state(codes, self.depth)
        if len(state.chosen) < self.depth and not (self.allow_shallower and state.chosen):
            raise forms.ValidationError(_MISSING[len(state.chosen)], code="incomplete")
        return state.chosen[-1]

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Region) else value

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        old = resolve_region(initial.code if isinstance(initial, Region) else str(initial)) if initial else None
        return (old.code if old else None) != (new.code if new else None)


class RegionRefreshFormMixin:
    """For forms with a RegionField: a refresh press shows no errors and is never valid."""

    data: Any
    is_bound: bool
    renderer: Any

    @property
    def is_region_refresh(self) -> bool:
        return self.is_bound and REFRESH_FIELD in self.data

    def full_clean(self) -> None:
        if self.is_region_refresh:
            self._errors = ErrorDict(renderer=self.renderer)
            self.cleaned_data: dict[str, Any] = {}
            return
        super().full_clean()  # type: ignore[misc]

    def is_valid(self) -> bool:
        return not self.is_region_refresh and super().is_valid()  # type: ignore[misc]
