"""Writes to reference data: loading the files shipped in reference/data/."""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.db import connections, models, router, transaction

from reference.loaders import (
    MinimumWageRow,
    MinimumWageTierRow,
    OccupationRow,
    RegionRow,
    read_reference_data,
)
from reference.models import MinimumWage, MinimumWageTier, Occupation, Region

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

_REGION_FIELDS = (
    "name_zh",
    "name_pinyin",
    "level",
    "parent_id",
    "lat",
    "lng",
    "valid_from",
    "valid_to",
    "successor_id",
)
_REGION_LINKS = ("parent_id", "successor_id")
_OCCUPATION_FIELDS = ("name_zh", "name_en", "group_code", "group_zh", "group_en", "isco08", "cocc2022")
_MINIMUM_WAGE_FIELDS = ("monthly_yuan", "source")
_MINIMUM_WAGE_TIER_FIELDS = ("tier",)


@dataclass
class ModelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    # Rows in the database but not in the file that are kept because other
    # apps point at them (abolished or retired codes must not vanish).
    kept: int = 0


@dataclass
class LoadReport:
    counts: dict[str, ModelCounts] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return any(c.created or c.updated or c.deleted for c in self.counts.values())


@transaction.atomic
def reference_data_load(*, data_dir: Path = DEFAULT_DATA_DIR) -> LoadReport:
    """Make the reference tables match the files in data_dir: all of them, or nothing on a bad row."""
    data = read_reference_data(data_dir)
    report = LoadReport(versions=data.versions)
    report.counts["Region"] = _sync_regions(data.regions)
    report.counts["Occupation"] = _sync_occupations(data.occupations)
    report.counts["MinimumWage"] = _sync_minimum_wages(data.minimum_wages)
    report.counts["MinimumWageTier"] = _sync_minimum_wage_tiers(data.minimum_wage_tiers)
    return report


def _values(obj: models.Model, fields: Iterable[str]) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in fields)


def _update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """UPDATE each row by primary key in one executemany.

    bulk_update() builds a CASE expression per field over every row, which
    costs seconds for a few thousand regions; one prepared statement run per
    row costs milliseconds on SQLite and PostgreSQL alike.
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    pk = cast("models.Field[Any, Any]", meta.pk)
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in columns)
    # Every name comes from the model's own metadata, never from the files.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(pk.column))} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
        + [pk.get_db_prep_save(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _sync[M: models.Model](
    *,
    model: type[M],
    wanted: dict[Hashable, M],
    key: Callable[[M], Hashable],
    fields: Sequence[str],
    delete_missing: bool,
) -> ModelCounts:
    """Create, update and (optionally) delete so the table holds exactly `wanted`."""
    counts = ModelCounts()
    existing = {key(obj): obj for obj in model._default_manager.all()}
    to_create = [obj for k, obj in wanted.items() if k not in existing]
    to_update = []
    for k, old in existing.items():
        new = wanted.get(k)
        if new is None:
            continue
        if _values(old, fields) == _values(new, fields):
            counts.unchanged += 1
        else:
            for name in fields:
                setattr(old, name, getattr(new, name))
            to_update.append(old)
    stale = [obj.pk for k, obj in existing.items() if k not in wanted]
    model._default_manager.bulk_create(to_create)
    _update_rows(model, to_update, fields)
    if delete_missing and stale:
        model._default_manager.filter(pk__in=stale).delete()
        counts.deleted = len(stale)
    else:
        counts.kept = len(stale)
    counts.created = len(to_create)
    counts.updated = len(to_update)
    return counts


def _sync_regions(rows: list[RegionRow]) -> ModelCounts:
    wanted = {
        row.code: Region(
            code=row.code,
            name_zh=row.name_zh,
            name_pinyin=row.name_pinyin,
            level=row.level,
            parent_id=row.parent_code,
            lat=row.lat,
            lng=row.lng,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            successor_id=row.successor_code,
        )
        for row in rows
    }
    existing = {values[0]: values[1:] for values in Region.objects.values_list("code", *_REGION_FIELDS).iterator()}
    counts = ModelCounts(kept=len(existing.keys() - wanted.keys()))
    new = [region for code, region in wanted.items() if code not in existing]
    changed = [
        region
        for code, region in wanted.items()
        if code in existing and existing[code] != _values(region, _REGION_FIELDS)
    ]
    counts.created = len(new)
    counts.updated = len(changed)
    counts.unchanged = len(wanted) - len(new) - len(changed)

    # Self-references may point at rows created later in the same batch, so
    # new rows go in unlinked and get their links once every row exists.
    links = {region.code: _values(region, _REGION_LINKS) for region in new}
    for region in new:
        region.parent_id = region.successor_id = None
    Region.objects.bulk_create(new)
    for region in new:
        region.parent_id, region.successor_id = links[region.code]
    _update_rows(Region, [r for r in new if r.parent_id or r.successor_id], _REGION_LINKS)
    _update_rows(Region, changed, _REGION_FIELDS)
    return counts


def _sync_occupations(rows: list[OccupationRow]) -> ModelCounts:
    wanted: dict[Hashable, Occupation] = {
        row.code: Occupation(
            code=row.code,
            name_zh=row.name_zh,
            name_en=row.name_en,
            group_code=row.group_code,
            group_zh=row.group_zh,
            group_en=row.group_en,
            isco08=row.isco08,
            cocc2022=row.cocc2022,
        )
        for row in rows
    }
    return _sync(
        model=Occupation,
        wanted=wanted,
        key=lambda obj: obj.code,
        fields=_OCCUPATION_FIELDS,
        delete_missing=False,
    )


def _sync_minimum_wages(rows: list[MinimumWageRow]) -> ModelCounts:
    wanted: dict[Hashable, MinimumWage] = {
        (row.province_code, row.tier, row.effective_from): MinimumWage(
            province_id=row.province_code,
            tier=row.tier,
            monthly_yuan=row.monthly_yuan,
            effective_from=row.effective_from,
            source=row.source,
        )
        for row in rows
    }
    # The file is the whole record of standards: a corrected date must not
    # leave the wrong row behind to be picked by legal_minimum_wage.
    return _sync(
        model=MinimumWage,
        wanted=wanted,
        key=lambda obj: (obj.province_id, obj.tier, obj.effective_from),
        fields=_MINIMUM_WAGE_FIELDS,
        delete_missing=True,
    )


def _sync_minimum_wage_tiers(rows: list[MinimumWageTierRow]) -> ModelCounts:
    wanted: dict[Hashable, MinimumWageTier] = {
        row.region_code: MinimumWageTier(region_id=row.region_code, tier=row.tier) for row in rows
    }
    # An unlisted division falls back to its province's lowest tier, so a row
    # dropped from the file must go from the table too.
    return _sync(
        model=MinimumWageTier,
        wanted=wanted,
        key=lambda obj: obj.region_id,
        fields=_MINIMUM_WAGE_TIER_FIELDS,
        delete_missing=True,
    )
