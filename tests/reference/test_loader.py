from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reference.loaders import ReferenceDataError
from reference.models import MinimumWage, MinimumWageTier, Occupation, Region
from reference.services import reference_data_load

from .fixtures import FIXTURE_DATA_DIR


def _table_sizes() -> dict[str, int]:
    return {
        "Region": Region.objects.count(),
        "Occupation": Occupation.objects.count(),
        "MinimumWage": MinimumWage.objects.count(),
        "MinimumWageTier": MinimumWageTier.objects.count(),
    }


def _replace_line(path, line_number: int, new_line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_number - 1] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_first_load_creates_every_row_of_the_files(empty_reference_tables):
    report = reference_data_load(data_dir=FIXTURE_DATA_DIR)

    created = {model: counts.created for model, counts in report.counts.items()}
    assert created == {"Region": 19, "Occupation": 4, "MinimumWage": 9, "MinimumWageTier": 3}
    assert _table_sizes() == created


def test_load_links_parents_and_successors(fixture_reference_data):
    chongwen = Region.objects.get(code="110103")

    assert chongwen.parent_id == "110000"
    assert chongwen.successor_id == "110101"
    assert Region.objects.get(code="429004").parent_id == "420000"


def test_bare_years_become_first_and_last_day_of_the_year(fixture_reference_data):
    chongwen = Region.objects.get(code="110103")

    assert chongwen.valid_from.isoformat() == "1980-01-01"
    assert chongwen.valid_to.isoformat() == "2009-12-31"
    assert Region.objects.get(code="440102").valid_to.isoformat() == "2004-12-31"


def test_second_load_creates_and_changes_nothing(fixture_reference_data):
    report = reference_data_load(data_dir=FIXTURE_DATA_DIR)

    for model, counts in report.counts.items():
        assert (counts.created, counts.updated, counts.deleted) == (0, 0, 0), model
    assert report.counts["Region"].unchanged == 19
    assert report.changed_anything is False


def test_edited_row_counts_as_updated_and_only_that_row(fixture_reference_data, fixture_data_copy):
    _replace_line(fixture_data_copy / "regions.csv", 3, "110101,东城区,Dongcheng Qu,county,110000,39.9,116.4,1980,,")

    report = reference_data_load(data_dir=fixture_data_copy)

    assert (report.counts["Region"].updated, report.counts["Region"].unchanged) == (1, 18)
    assert Region.objects.get(code="110101").lat == 39.9


def test_tier_dropped_from_the_file_is_deleted(fixture_reference_data, fixture_data_copy):
    (fixture_data_copy / "minimum_wage_tiers.csv").write_text("region_code,tier\n420100,1\n420500,2\n")

    report = reference_data_load(data_dir=fixture_data_copy)

    assert report.counts["MinimumWageTier"].deleted == 1
    assert not MinimumWageTier.objects.filter(region_id="420581").exists()


def test_command_prints_counts_per_model(empty_reference_tables):
    out = StringIO()

    call_command("load_reference_data", data_dir=FIXTURE_DATA_DIR, stdout=out)

    assert "Data versions: regions fixture.1; occupations fixture.1; minimum_wages fixture.1" in out.getvalue()
    assert "Region: 19 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "MinimumWageTier: 3 created, 0 updated, 0 unchanged" in out.getvalue()


@pytest.mark.parametrize(
    ("file_name", "line", "content", "message"),
    [
        ("regions.csv", 3, "11010,东城区,Dongcheng Qu,county,110000,,,1980,,", "six-digit code"),
        ("regions.csv", 3, "110101,东城区,Dongcheng Qu,district,110000,,,1980,,", "level must be one of"),
        ("regions.csv", 3, "110101,东城区,Dongcheng Qu,county,120000,,,1980,,", "parent 120000 is not in the file"),
        ("regions.csv", 3, "110101,东城区,Dongcheng Qu,county,,,,1980,,", "a county needs a parent"),
        ("regions.csv", 5, "110103,崇文区,Chongwen Qu,county,110000,,,1980,2009,110104", "successor 110104"),
        ("regions.csv", 5, "110103,崇文区,Chongwen Qu,county,110000,,,1980,2009,440102", "not a current code"),
        ("regions.csv", 3, "110101,东城区,Dongcheng Qu,county,110000,91,116.4,1980,,", "lat 91.0 is outside"),
        ("regions.csv", 3, "110101,东城区,Dongcheng Qu,county,110000,,,1980-13-01,,", "YYYY or YYYY-MM-DD"),
        (
            "regions.csv",
            4,
            "110101,西城区,Xicheng Qu,county,110000,,,1980,,",
            "duplicate code 110101 (first on line 3)",
        ),
        ("minimum_wages.csv", 2, "110000,0,2420,2023-09-01,Fixture", "tier must be a whole number of 1 or more"),
        ("minimum_wages.csv", 2, "110101,1,2420,2023-09-01,Fixture", "not a current province"),
        ("minimum_wage_tiers.csv", 2, "420100,0", "tier must be a whole number of 1 or more"),
        ("minimum_wage_tiers.csv", 2, "110103,1", "not a current prefecture or county"),
        ("occupations.csv", 2, "bricklayer,砌筑工,Bricklayer,construction,建筑,Construction,711,", "four-digit"),
        ("occupations.csv", 3, "electrician,电工", "wrong number of fields"),
    ],
)
def test_bad_row_stops_the_load_naming_file_and_line_and_loads_nothing(
    empty_reference_tables, fixture_data_copy, file_name, line, content, message
):
    _replace_line(fixture_data_copy / file_name, line, content)

    with pytest.raises(CommandError) as excinfo:
        call_command("load_reference_data", data_dir=fixture_data_copy, stdout=StringIO())

    assert f"{file_name}, line {line}" in str(excinfo.value)
    assert message in str(excinfo.value)
    assert _table_sizes() == {"Region": 0, "Occupation": 0, "MinimumWage": 0, "MinimumWageTier": 0}


def test_bad_row_leaves_earlier_data_untouched(fixture_reference_data, fixture_data_copy):
    # A good change in regions.csv followed by a bad wage row: neither lands.
    _replace_line(fixture_data_copy / "regions.csv", 3, "110101,东城区,Dongcheng Qu,county,110000,39.9,116.4,1980,,")
    _replace_line(fixture_data_copy / "minimum_wages.csv", 9, "420000,3,-5,2024-12-01,Fixture")

    with pytest.raises(ReferenceDataError, match=r"minimum_wages\.csv, line 9: monthly_yuan"):
        reference_data_load(data_dir=fixture_data_copy)

    assert Region.objects.get(code="110101").lat == 39.92694


def test_missing_file_is_named(empty_reference_tables, fixture_data_copy):
    (fixture_data_copy / "occupations.csv").unlink()

    with pytest.raises(ReferenceDataError, match=r"occupations\.csv: file not found"):
        reference_data_load(data_dir=fixture_data_copy)


def test_missing_column_is_named(empty_reference_tables, fixture_data_copy):
    (fixture_data_copy / "minimum_wage_tiers.csv").write_text("region,tier\n420100,1\n")

    with pytest.raises(ReferenceDataError, match=r"minimum_wage_tiers\.csv, line 1: missing column\(s\): region_code"):
        reference_data_load(data_dir=fixture_data_copy)
