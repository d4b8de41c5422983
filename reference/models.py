from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reference.managers import RegionQuerySet


def _prefers_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


class Region(models.Model):
    """A GB/T 2260 administrative division: province, prefecture or county level."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_pinyin = models.CharField(_("pinyin name"), max_length=128)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty while the code is in force."))
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.name_zh if _prefers_chinese() else self.name_pinyin

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class Occupation(models.Model):
    """An occupation migrant workers do, mapped to ISCO-08 and the 2022 Chinese classification."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)
    group_code = models.SlugField(_("group"), max_length=32)
    group_zh = models.CharField(_("group (Chinese)"), max_length=32)
    group_en = models.CharField(_("group (English)"), max_length=64)
    isco08 = models.CharField(_("ISCO-08 unit group"), max_length=4)
    cocc2022 = models.CharField(_("Chinese occupational classification (2022)"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["group_code", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if _prefers_chinese() else self.name_en

    @property
    def group_name(self) -> str:
        return self.group_zh if _prefers_chinese() else self.group_en


class MinimumWage(models.Model):
    """One tier of a province's monthly minimum wage, in force from a date."""

    province = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="minimum_wages", verbose_name=_("province")
    )
    tier = models.PositiveSmallIntegerField(_("tier"), help_text=_("1 is the highest tier."))
    monthly_yuan = models.PositiveIntegerField(_("monthly minimum (yuan)"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        verbose_name = _("minimum wage")
        verbose_name_plural = _("minimum wages")
        ordering = ["province", "-effective_from", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["province", "tier", "effective_from"], name="minimum_wage_unique_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} tier {self.tier}: {self.monthly_yuan} ({self.effective_from})"


class MinimumWageTier(models.Model):
    """Which tier applies in a prefecture or county; counties inherit their prefecture's."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="minimum_wage_tier", verbose_name=_("region")
    )
    tier = models.PositiveSmallIntegerField(_("tier"))

    class Meta:
        verbose_name = _("minimum wage tier")
        verbose_name_plural = _("minimum wage tiers")

    def __str__(self) -> str:
        return f"{self.region_id}: tier {self.tier}"
