"""Reads of reference data: regions, the region picker's lists, occupations, minimum wages."""

from dataclasses import dataclass
from datetime import date

from reference.models import MinimumWage, MinimumWageTier, Occupation, Region

# Long enough for any real chain of re-codings, short enough to stop a loop
# that a hand edit in the admin might create.
_MAX_SUCCESSOR_HOPS = 20


def resolve_region(code: str) -> Region | None:
    """The current division for a code, following successors of abolished codes; None if unknown."""
    region = Region.objects.select_related("successor").filter(code=code).first()
    hops = 0
    while region is not None and not region.is_current:
        hops += 1
        if hops > _MAX_SUCCESSOR_HOPS:
            return None
        region = region.successor
    return region


def region_path(region: Region) -> list[Region]:
    """The region and its ancestors, province first (a municipality's districts skip the prefecture)."""
    path = [region]
    # Three levels at most; the bound also stops a parent loop made by hand.
    while path[-1].parent_id is not None and len(path) < len(Region.Level):
        path.append(Region.objects.get(code=path[-1].parent_id))
    path.reverse()
    return path


def picker_provinces() -> list[Region]:
    """What the picker's first list offers: the current mainland provinces (see reference.codes)."""
    return list(Region.objects.provinces().mainland())


def region_children(code: str | None) -> list[Region]:
    """Current divisions directly under a code, or the current provinces when code is None."""
    if code is None:
        return list(Region.objects.provinces())
    return list(Region.objects.current().filter(parent_id=code))


def picker_prefectures(province: Region) -> list[Region]:
    """What the picker's second list offers under a province.

    Prefectures come with the county-level divisions the province governs
    directly (Hubei's Xiantao, Hainan's Wuzhishan), as address forms in China
    show them. A municipality, with no prefecture at all, offers itself, so
    that its districts follow in the third list.
    """
    children = region_children(province.code)
    if any(child.level == Region.Level.PREFECTURE for child in children):
        return children
    return [province]


def picker_counties(area: Region) -> list[Region]:
    """What the picker's third list offers under an entry of the second list.

    An area with no counties below it (Dongguan, Xiantao, a city without
    districts) offers itself: it is the most precise place there is.
    """
    children = [child for child in region_children(area.code) if child.level == Region.Level.COUNTY]
    return children or [area]


def legal_minimum_wage(*, county_code: str, on: date) -> int | None:
    """Monthly legal minimum wage in yuan for a county on a date; None if its province has no standard yet."""
    region = resolve_region(county_code)
    if region is None:
        return None
    return legal_minimum_wages(county_codes={region.code}, on=on)[region.code]


def legal_minimum_wages(*, county_codes: set[str], on: date) -> dict[str, int | None]:
    """Legal minimum wages of many current divisions at once, in four queries whatever their number.

    Each tier's figure holds until the next row for the same tier (Shenzhen,
    Guangdong's tier 1, adjusts on its own dates). A division takes the tier
    listed for it, else for its nearest listed ancestor below the province;
    one listed nowhere gets the province's lowest tier, the floor it
    guarantees everywhere, so nobody gets too high a minimum.
    """
    in_force: dict[str, dict[int, int]] = {}
    rows = MinimumWage.objects.filter(effective_from__lte=on).order_by("province_id", "tier", "-effective_from")
    for province, row_tier, monthly_yuan in rows.values_list("province_id", "tier", "monthly_yuan"):
        in_force.setdefault(province, {}).setdefault(row_tier, monthly_yuan)
    tiers = dict(MinimumWageTier.objects.values_list("region_id", "tier"))
    parents: dict[str, str | None] = {}
    wanted = set(county_codes)
    # Three levels at most: the county, its prefecture, its province.
    for _level in Region.Level:
        wanted -= parents.keys()
        if not wanted:
            break
        found = dict(Region.objects.filter(code__in=wanted).values_list("code", "parent_id"))
        parents |= found | dict.fromkeys(wanted - found.keys())
        wanted = {parent for parent in found.values() if parent}
    result: dict[str, int | None] = {}
    for code in county_codes:
        province_tiers = in_force.get(code[:2] + "0000")
        if not province_tiers:
            result[code] = None
            continue
        tier = None
        # Nearest listed division first: the county, then its prefecture.
        ancestor: str | None = code
        for _level in Region.Level:
            if ancestor is None or ancestor.endswith("0000"):
                break
            if ancestor in tiers:
                tier = tiers[ancestor]
                break
            ancestor = parents.get(ancestor)
        result[code] = province_tiers[tier if tier in province_tiers else max(province_tiers)]
    return result


@dataclass(frozen=True)
class OccupationGroup:
    code: str
    name: str
    occupations: list[Occupation]


def occupations_by_group() -> list[OccupationGroup]:
    """Every occupation, grouped and ordered by group code, with names in the active language."""
    groups: dict[str, OccupationGroup] = {}
    for occupation in Occupation.objects.order_by("group_code", "code"):
        group = groups.get(occupation.group_code)
        if group is None:
            group = groups[occupation.group_code] = OccupationGroup(
                code=occupation.group_code, name=occupation.group_name, occupations=[]
            )
        group.occupations.append(occupation)
    return list(groups.values())
