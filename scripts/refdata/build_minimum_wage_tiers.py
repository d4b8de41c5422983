#!/usr/bin/env python3
"""Build reference/data/minimum_wage_tiers.csv from the hand-kept rules below.

The tier amounts live in reference/data/minimum_wages.csv (edited by hand).
This script only decides which prefecture or county falls in which tier, and
expands "all districts of city X" against reference/data/regions.csv so the
output lists concrete codes.

Lookup rule for consumers: a county code takes its own row if present, else
its prefecture's row, else the LOWEST tier of its province.  Listing an area
too low is therefore the failure mode of a missing row: a refusal rule built
on it may let a slightly-too-low wage through but never refuses a lawful one.
For the same reason the rules below only name areas whose tier is well known
and, for provincial capitals, only their districts (counties and county-level
cities around a capital are often in a lower tier).

Usage::

    python scripts/refdata/build_minimum_wage_tiers.py [--regions reference/data/regions.csv]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "reference" / "data"

MUNICIPALITIES = ["110000", "120000", "310000"]  # single tier: every district is tier 1

# Capitals (and a few other first-tier cities) of multi-tier provinces whose
# districts are all in tier 1.
DISTRICTS_TIER1 = [
    "130100",  # 石家庄
    "140100",  # 太原
    "150100",  # 呼和浩特
    "210100",  # 沈阳
    "210200",  # 大连
    "220100",  # 长春
    "230100",  # 哈尔滨
    "320200",  # 无锡
    "320400",  # 常州
    "320500",  # 苏州
    "330100",  # 杭州
    "330200",  # 宁波
    "340100",  # 合肥
    "350100",  # 福州
    "360100",  # 南昌
    "410100",  # 郑州
    "420100",  # 武汉
    "430100",  # 长沙
    "450100",  # 南宁
    "510100",  # 成都
    "520100",  # 贵阳
    "530100",  # 昆明
    "610100",  # 西安
    "620100",  # 兰州
    "640100",  # 银川
    "650100",  # 乌鲁木齐
]

# Explicit areas: (code, tier).
EXPLICIT: list[tuple[str, int]] = [
    # 江苏: 南京 has only districts.
    ("320100", 1),
    # 山东: the long-standing districts of 济南 and 青岛 (莱芜/钢城 and the
    # recently converted counties are left to the fallback).
    ("370102", 1),
    ("370103", 1),
    ("370104", 1),
    ("370105", 1),
    ("370112", 1),
    ("370202", 1),
    ("370203", 1),
    ("370211", 1),
    ("370212", 1),
    ("370213", 1),
    ("370214", 1),
    # 福建: 厦门 has only districts.
    ("350200", 1),
    # 海南: 海口, 三亚.
    ("460100", 1),
    ("460200", 1),
    # 重庆: the nine central districts.
    ("500103", 1),
    ("500104", 1),
    ("500105", 1),
    ("500106", 1),
    ("500107", 1),
    ("500108", 1),
    ("500109", 1),
    ("500112", 1),
    ("500113", 1),
    # 广东: 深圳 sets its own (highest) standard, so it is tier 1 and the
    # province's four categories become tiers 2-5.
    ("440300", 1),
    ("440100", 2),
    ("440400", 3),
    ("440600", 3),
    ("441900", 3),
    ("442000", 3),
    ("440500", 4),
    ("441300", 4),
    ("440700", 4),
    ("440800", 4),
    ("441200", 4),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", type=Path, default=DATA / "regions.csv")
    parser.add_argument("--wages", type=Path, default=DATA / "minimum_wages.csv")
    parser.add_argument("--out", type=Path, default=DATA / "minimum_wage_tiers.csv")
    args = parser.parse_args()

    with args.regions.open(encoding="utf-8") as fh:
        current = {r["code"]: r for r in csv.DictReader(fh) if not r["valid_to"]}
    with args.wages.open(encoding="utf-8") as fh:
        tiers_of: dict[str, set[int]] = {}
        for r in csv.DictReader(fh):
            tiers_of.setdefault(r["province_code"], set()).add(int(r["tier"]))

    rows: dict[str, int] = {}
    # 重庆 is two-tier; its central districts are listed in EXPLICIT.
    for prov in MUNICIPALITIES:
        for code, r in current.items():
            if r["level"] == "county" and r["parent_code"] == prov:
                rows[code] = 1
    for pref in DISTRICTS_TIER1:
        if pref not in current:
            raise SystemExit(f"{pref} is not a current code")
        for code, r in current.items():
            if r["level"] == "county" and r["parent_code"] == pref and r["name_zh"].endswith("区"):
                rows[code] = 1
    for code, tier in EXPLICIT:
        if code not in current:
            raise SystemExit(f"{code} is not a current code")
        rows[code] = tier

    for code, tier in rows.items():
        prov = code[:2] + "0000"
        if tier not in tiers_of.get(prov, set()):
            raise SystemExit(f"{code}: province {prov} has no tier {tier} in {args.wages.name}")

    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["region_code", "tier"])
        for code in sorted(rows):
            writer.writerow([code, rows[code]])
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
