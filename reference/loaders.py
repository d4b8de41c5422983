"""Read and check the reference CSV files before anything touches the database.

Every check runs on the whole set first, so a bad row stops the load with a
message naming the file and line while the database is still untouched.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REGIONS_FILE = "regions.csv"
OCCUPATIONS_FILE = "occupations.csv"
MINIMUM_WAGES_FILE = "minimum_wages.csv"
MINIMUM_WAGE_TIERS_FILE = "minimum_wage_tiers.csv"
SOURCES_FILE = "SOURCES.md"

REGION_COLUMNS = (
    "code",
    "name_zh",
    "name_pinyin",
    "level",
    "parent_code",
    "lat",
    "lng",
    "valid_from",
    "valid_to",
    "successor_code",
)
OCCUPATION_COLUMNS = ("code", "name_zh", "name_en", "group_code", "group_zh", "group_en", "isco08", "cocc2022")
MINIMUM_WAGE_COLUMNS = ("province_code", "tier", "monthly_yuan", "effective_from", "source")
MINIMUM_WAGE_TIER_COLUMNS = ("region_code", "tier")

LEVELS = ("province", "prefecture", "county")
_CODE = re.compile(r"[0-9]{6}")
_ISCO = re.compile(r"[0-9]{4}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_YEAR = re.compile(r"[0-9]{4}")
_DIGITS = re.compile(r"[0-9]+")
# "VERSION: regions 2024.1. Edition: ..." names the version up to the first
# full stop that ends a sentence.
_VERSION = re.compile(r"^VERSION:\s*(.+?)\.(?:\s|$)", re.MULTILINE)


class ReferenceDataError(Exception):
    """A reference file that cannot be loaded as it stands."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path.name}, line {line}" if line else path.name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name_zh: str
    name_pinyin: str
    level: str
    parent_code: str | None
    lat: float | None
    lng: float | None
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None


@dataclass(frozen=True)
class OccupationRow:
    line: int
    code: str
    name_zh: str
    name_en: str
    group_code: str
    group_zh: str
    group_en: str
    isco08: str
    cocc2022: str


@dataclass(frozen=True)
class MinimumWageRow:
    line: int
    province_code: str
    tier: int
    monthly_yuan: int
    effective_from: date
    source: str


@dataclass(frozen=True)
class MinimumWageTierRow:
    line: int
    region_code: str
    tier: int


@dataclass(frozen=True)
class ReferenceData:
    regions: list[RegionRow]
    occupations: list[OccupationRow]
    minimum_wages: list[MinimumWageRow]
    minimum_wage_tiers: list[MinimumWageTierRow]
    versions: list[str]


class _Row:
    """One CSV record with typed accessors that fail with the file and line."""

    def __init__(self, path: Path, line: int, values: dict[str, str]) -> None:
        self.path = path
        self.line = line
        self.values = values

    def error(self, message: str) -> ReferenceDataError:
        return ReferenceDataError(self.path, self.line, message)

    def text(self, column: str, *, max_length: int, required: bool = True) -> str:
        value = self.values[column].strip()
        if required and not value:
            raise self.error(f"{column} is empty")
        if len(value) > max_length:
            raise self.error(f"{column} is longer than {max_length} characters: {value!r}")
        return value

    def code(self, column: str) -> str:
        value = self.values[column].strip()
        if not _CODE.fullmatch(value):
            raise self.error(f"{column} must be a six-digit code, not {value!r}")
        return value

    def optional_code(self, column: str) -> str | None:
        return self.code(column) if self.values[column].strip() else None

    def positive_int(self, column: str) -> int:
        value = self.values[column].strip()
        if not _DIGITS.fullmatch(value) or int(value) < 1:
            raise self.error(f"{column} must be a whole number of 1 or more, not {value!r}")
        return int(value)

    def coordinate(self, column: str, low: float, high: float) -> float | None:
        value = self.values[column].strip()
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self.error(f"{column} must be a number, not {value!r}") from None
        if not low <= number <= high:
            raise self.error(f"{column} {number} is outside {low}..{high}")
        return number

    def required_date(self, column: str) -> date:
        value = self.optional_date(column)
        if value is None:
            raise self.error(f"{column} is empty")
        return value

    def optional_date(self, column: str, *, year_end: bool = False) -> date | None:
        """YYYY-MM-DD, or a bare year: its first day, or its last for an end date."""
        value = self.values[column].strip()
        if not value:
            return None
        if _YEAR.fullmatch(value):
            return date(int(value), 12, 31) if year_end else date(int(value), 1, 1)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(f"{column} must be YYYY or YYYY-MM-DD, not {value!r}") from None


def _records(path: Path, columns: tuple[str, ...]) -> Iterator[_Row]:
    if not path.is_file():
        raise ReferenceDataError(path, None, "file not found")
    # utf-8-sig: spreadsheet tools put a byte-order mark in front of the header.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(path, 1, f"missing column(s): {', '.join(missing)}")
        for values in reader:
            if None in values or any(values[c] is None for c in columns):
                raise ReferenceDataError(path, reader.line_num, "wrong number of fields")
            yield _Row(path, reader.line_num, values)


def _check_unique(row: _Row, key: object, seen: dict[object, int], what: str) -> None:
    if key in seen:
        raise row.error(f"duplicate {what} (first on line {seen[key]})")
    seen[key] = row.line


def read_regions(path: Path) -> list[RegionRow]:
    """Regions with every code, parent and successor checked against the file."""
    rows: list[RegionRow] = []
    seen: dict[object, int] = {}
    for record in _records(path, REGION_COLUMNS):
        code = record.code("code")
        _check_unique(record, code, seen, f"code {code}")
        level = record.text("level", max_length=10)
        if level not in LEVELS:
            raise record.error(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        valid_from = record.optional_date("valid_from")
        valid_to = record.optional_date("valid_to", year_end=True)
        if valid_from and valid_to and valid_to < valid_from:
            raise record.error(f"valid_to {valid_to} is before valid_from {valid_from}")
        rows.append(
            RegionRow(
                line=record.line,
                code=code,
                name_zh=record.text("name_zh", max_length=64),
                name_pinyin=record.text("name_pinyin", max_length=128),
                level=level,
                parent_code=record.optional_code("parent_code"),
                lat=record.coordinate("lat", -90, 90),
                lng=record.coordinate("lng", -180, 180),
                valid_from=valid_from,
                valid_to=valid_to,
                successor_code=record.optional_code("successor_code"),
            )
        )
    by_code = {row.code: row for row in rows}
    for row in rows:
        _check_region_links(path, row, by_code)
    return rows


def _check_region_links(path: Path, row: RegionRow, by_code: dict[str, RegionRow]) -> None:
    def fail(message: str) -> ReferenceDataError:
        return ReferenceDataError(path, row.line, f"{row.code}: {message}")

    if row.level == "province" and row.parent_code:
        raise fail("a province has no parent")
    if row.level != "province" and not row.parent_code:
        raise fail(f"a {row.level} needs a parent")
    if row.parent_code:
        parent = by_code.get(row.parent_code)
        if parent is None:
            raise fail(f"parent {row.parent_code} is not in the file")
        if LEVELS.index(parent.level) >= LEVELS.index(row.level):
            raise fail(f"parent {row.parent_code} is a {parent.level}, not above a {row.level}")
    if row.successor_code:
        if row.valid_to is None:
            raise fail("a code in force has no successor")
        successor = by_code.get(row.successor_code)
        if successor is None:
            raise fail(f"successor {row.successor_code} is not in the file")
        if successor.valid_to is not None:
            raise fail(f"successor {row.successor_code} is not a current code")


def read_occupations(path: Path) -> list[OccupationRow]:
    rows: list[OccupationRow] = []
    seen: dict[object, int] = {}
    for record in _records(path, OCCUPATION_COLUMNS):
        code = record.text("code", max_length=64)
        if not _SLUG.fullmatch(code):
            raise record.error(f"code must use only letters, digits, - and _, not {code!r}")
        _check_unique(record, code, seen, f"code {code}")
        group_code = record.text("group_code", max_length=32)
        if not _SLUG.fullmatch(group_code):
            raise record.error(f"group_code must use only letters, digits, - and _, not {group_code!r}")
        isco08 = record.text("isco08", max_length=4)
        if not _ISCO.fullmatch(isco08):
            raise record.error(f"isco08 must be a four-digit unit group, not {isco08!r}")
        rows.append(
            OccupationRow(
                line=record.line,
                code=code,
                name_zh=record.text("name_zh", max_length=64),
                name_en=record.text("name_en", max_length=128),
                group_code=group_code,
                group_zh=record.text("group_zh", max_length=32),
                group_en=record.text("group_en", max_length=64),
                isco08=isco08,
                cocc2022=record.text("cocc2022", max_length=16, required=False),
            )
        )
    return rows


def read_minimum_wages(path: Path, provinces: set[str]) -> list[MinimumWageRow]:
    """Monthly standards; each must name a current province of the regions file."""
    rows: list[MinimumWageRow] = []
    seen: dict[object, int] = {}
    for record in _records(path, MINIMUM_WAGE_COLUMNS):
        province_code = record.code("province_code")
        if province_code not in provinces:
            raise record.error(f"province_code {province_code} is not a current province in {REGIONS_FILE}")
        tier = record.positive_int("tier")
        effective_from = record.required_date("effective_from")
        _check_unique(record, (province_code, tier, effective_from), seen, f"tier {tier} from {effective_from}")
        rows.append(
            MinimumWageRow(
                line=record.line,
                province_code=province_code,
                tier=tier,
                monthly_yuan=record.positive_int("monthly_yuan"),
                effective_from=effective_from,
                source=record.text("source", max_length=255),
            )
        )
    return rows


def read_minimum_wage_tiers(path: Path, divisions: set[str]) -> list[MinimumWageTierRow]:
    """Tier per prefecture or county; each must be a current one of the regions file."""
    rows: list[MinimumWageTierRow] = []
    seen: dict[object, int] = {}
    for record in _records(path, MINIMUM_WAGE_TIER_COLUMNS):
        region_code = record.code("region_code")
        if region_code not in divisions:
            raise record.error(f"region_code {region_code} is not a current prefecture or county in {REGIONS_FILE}")
        _check_unique(record, region_code, seen, f"region_code {region_code}")
        rows.append(MinimumWageTierRow(line=record.line, region_code=region_code, tier=record.positive_int("tier")))
    return rows


def read_versions(path: Path) -> list[str]:
    """The versions named on the "VERSION: ..." lines of SOURCES.md; none if the file is absent."""
    if not path.is_file():
        return []
    return _VERSION.findall(path.read_text(encoding="utf-8"))


def read_reference_data(data_dir: Path) -> ReferenceData:
    """All four files, read and cross-checked; raises ReferenceDataError on the first bad row."""
    regions = read_regions(data_dir / REGIONS_FILE)
    current = [row for row in regions if row.valid_to is None]
    provinces = {row.code for row in current if row.level == "province"}
    divisions = {row.code for row in current if row.level != "province"}
    return ReferenceData(
        regions=regions,
        occupations=read_occupations(data_dir / OCCUPATIONS_FILE),
        minimum_wages=read_minimum_wages(data_dir / MINIMUM_WAGES_FILE, provinces),
        minimum_wage_tiers=read_minimum_wage_tiers(data_dir / MINIMUM_WAGE_TIERS_FILE, divisions),
        versions=read_versions(data_dir / SOURCES_FILE),
    )
