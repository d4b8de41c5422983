"""A Faker provider for Chunfeng's domain: real counties, real trades, mainland mobiles.

Values come from the shipped reference files, so a factory-made county has the
name and code the loader would give it.
"""

import csv
from functools import cache
from pathlib import Path

import factory
from faker.providers import BaseProvider

DATA = Path(__file__).resolve().parent.parent / "reference" / "data"

# Large labour-sending counties (Yunnan, Sichuan, Guizhou, Hunan, Henan, Anhui, Jiangxi).
SENDING_COUNTIES = ("530627", "511321", "522227", "433130", "411523", "341522", "360735")


@cache
def _regions() -> dict[str, dict[str, str]]:
    with (DATA / "regions.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


@cache
def _occupations() -> list[dict[str, str]]:
    with (DATA / "occupations.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def region_row(code: str) -> dict[str, str]:
    """The reference row of a division, as the loader reads it (a placeholder for codes it lacks)."""
    return _regions().get(code, {"code": code, "name_zh": code, "name_pinyin": code})


class ChunfengProvider(BaseProvider):
    def sending_county_code(self) -> str:
        return self.random_element(SENDING_COUNTIES)

    def trade_code(self) -> str:
        return self.random_element(_occupations())["code"]

    def mainland_mobile(self) -> str:
        return f"1{self.random_element('3456789')}{self.numerify('#########')}"


factory.Faker.add_provider(ChunfengProvider)
