"""The public job search's filters: where, what, how much, what comes with it, when; and the order."""

import math
from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from jobs.models import Campaign, JobPosting
from reference.codes import scope_prefix
from reference.forms import RegionField
from reference.models import Region
from reference.selectors import occupations_by_group

TRANSPORT_HELP = (JobPosting.Transport.POINT_TO_POINT, JobPosting.Transport.SUBSIDY)
STARTS_WITHIN = [
    (7, _("Within a week")),
    (14, _("Within two weeks")),
    (30, _("Within a month")),
    (60, _("Within two months")),
]


class Sort:
    PAY = "pay"
    START = "start"
    NEWEST = "newest"
    NEAREST = "nearest"


SORT_LABELS = {
    Sort.NEWEST: _("Newest first"),
    Sort.PAY: _("Highest pay first"),
    Sort.START: _("Soonest start first"),
    Sort.NEAREST: _("Nearest to my home first"),
}


def code_range(code: str) -> tuple[str, str]:
    """The lowest and highest six-digit code under a division: a range an index can serve, unlike LIKE."""
    prefix = scope_prefix(code)
    return prefix.ljust(6, "0"), prefix.ljust(6, "9")


class RegionScopeFilter(django_filters.Filter):
    """A province, prefecture or county from the region picker; postings anywhere inside it."""

    field_class = RegionField

    def filter(self, qs: QuerySet, value: Region | None) -> QuerySet:
        if value is None:
            return qs
        low, high = code_range(value.code)
        return qs.filter(county_id__gte=low, county_id__lte=high)


class WantedFilter(django_filters.Filter):
    """A ticked box narrows the search; an unticked one leaves it alone (never "without housing")."""

    field_class = forms.BooleanField

    def __init__(self, *args: Any, condition: dict[str, Any], **kwargs: Any) -> None:
        self.condition = condition
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: bool | None) -> QuerySet:
        return qs.filter(**self.condition) if value else qs


class JobPostingFilter(django_filters.FilterSet):
    """Filters over JobPosting.objects.public() annotated with `net` (see jobs.selectors)."""

    region = RegionScopeFilter(label=_("Where"), level=Region.Level.COUNTY, allow_shallower=True)
    group = django_filters.ChoiceFilter(
        label=_("Trade"), field_name="occupation__group_code", empty_label=_("Any trade")
    )
    occupation = django_filters.ChoiceFilter(
        label=_("Occupation"), field_name="occupation__code", empty_label=_("Any occupation")
    )
    min_pay = django_filters.NumberFilter(
        label=_("Lowest monthly pay after deductions (yuan)"),
        field_name="net",
        lookup_expr="gte",
        min_value=0,
        max_value=100_000,
    )
    housing = WantedFilter(label=_("Housing provided"), condition={"housing_provided": True})
    meals = WantedFilter(label=_("Meals provided"), condition={"meals_provided": True})
    transport = WantedFilter(label=_("Travel paid or subsidised"), condition={"transport__in": TRANSPORT_HELP})
    kind = django_filters.ChoiceFilter(
        label=_("Kind of job"), choices=JobPosting.Kind.choices, empty_label=_("Any kind")
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), queryset=Campaign.objects.order_by("-starts_on"), empty_label=_("Any campaign")
    )
    starts_within = django_filters.ChoiceFilter(
        label=_("Starts"), choices=STARTS_WITHIN, method="filter_starts_within", empty_label=_("Any time")
    )
    sort = django_filters.ChoiceFilter(label=_("Order"), method="order", empty_label=None)

    class Meta:
        model = JobPosting
        fields: list[str] = []

    def __init__(
        self, data: Any = None, queryset: QuerySet | None = None, *, today: date, home: Region | None = None
    ) -> None:
        super().__init__(data, queryset)
        self.today = today
        self.home = home if home is not None and home.lat is not None and home.lng is not None else None
        groups = occupations_by_group()
        fields = self.form.fields
        fields["group"].choices = [("", _("Any trade")), *((group.code, group.name) for group in groups)]
        fields["occupation"].choices = [
            ("", _("Any occupation")),
            *((group.name, [(o.code, o.name) for o in group.occupations]) for group in groups),
        ]
        sorts = [key for key in SORT_LABELS if key != Sort.NEAREST or self.home is not None]
        fields["sort"].choices = [(key, SORT_LABELS[key]) for key in sorts]
        fields["sort"].initial = Sort.NEWEST
        fields["min_pay"].widget.attrs.update({"inputmode": "numeric", "step": 100})

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = self.order(queryset, "sort", Sort.NEWEST)
        return queryset

    def filter_starts_within(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(start_date__lte=self.today + timedelta(days=int(value)))

    def order(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == Sort.PAY:
            return qs.order_by("-net", "-id")
        if value == Sort.START:
            return qs.order_by("start_date", "-id")
        if value == Sort.NEAREST and self.home is not None:
            return qs.annotate(distance=squared_distance(self.home)).order_by(F("distance").asc(nulls_last=True), "-id")
        return qs.order_by("-published_at", "-id")


def squared_distance(home: Region) -> Any:
    """Squared equirectangular distance (in degrees²) from home to the posting's county.

    Ranking needs only an order, not kilometres: within China the flat-earth
    approximation, with the longitude scaled by cos(home latitude), orders
    counties as a great-circle distance would, save for near ties. It needs
    no trigonometry in SQL, which SQLite lacks unless built with math functions,
    and the cosine is a constant computed here.
    """
    assert home.lat is not None and home.lng is not None  # noqa: S101 - checked by the caller
    scale = math.cos(math.radians(home.lat))
    dlat = F("county__lat") - home.lat
    dlng = (F("county__lng") - home.lng) * scale
    return dlat * dlat + dlng * dlng
