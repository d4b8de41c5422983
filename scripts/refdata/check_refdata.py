#!/usr/bin/env python3
"""Consistency checks for the reference CSVs; exits non-zero on any failure.

Standard library only, so it can run anywhere the repository is checked out::

    python scripts/refdata/check_refdata.py
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "reference" / "data"

REGION_COLUMNS = [
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
]
OCC_COLUMNS = ["code", "name_zh", "name_en", "group_code", "group_zh", "group_en", "isco08", "cocc2022"]
WAGE_COLUMNS = ["province_code", "tier", "monthly_yuan", "effective_from", "source"]
TIER_COLUMNS = ["region_code", "tier"]

failures: list[str] = []


def check(ok: bool, message: str) -> None:
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        failures.append(message)


def read(name: str, columns: list[str]) -> list[dict[str, str]]:
    path = DATA / name
    raw = path.read_bytes()
    check(b"\r" not in raw, f"{name}: LF line endings")
    raw.decode("utf-8")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        check(reader.fieldnames == columns, f"{name}: columns {reader.fieldnames}")
        rows = list(reader)
    print(f"     {name}: {len(rows)} rows, {len(raw):,} bytes")
    return rows


def check_regions() -> dict[str, dict[str, str]]:
    rows = read("regions.csv", REGION_COLUMNS)
    codes = [r["code"] for r in rows]
    check(codes == sorted(codes), "regions: sorted by code")
    check(len(codes) == len(set(codes)), "regions: one row per code")
    by_code = {r["code"]: r for r in rows}
    current = {c: r for c, r in by_code.items() if not r["valid_to"]}
    levels = Counter(r["level"] for r in current.values())
    print(f"     current by level: {dict(levels)}; abolished: {len(rows) - len(current)}")
    check(30 <= levels["province"] <= 34, "regions: ~34 province-level")
    check(320 <= levels["prefecture"] <= 340, "regions: ~333 prefecture-level")
    check(levels["county"] >= 2840, "regions: >= 2840 county-level")
    check(all(re.fullmatch(r"\d{6}", c) for c in codes), "regions: six-digit codes")
    check(all(r["level"] in ("province", "prefecture", "county") for r in rows), "regions: level values")
    bad_parent = [r["code"] for r in rows if r["parent_code"] and r["parent_code"] not in by_code]
    check(not bad_parent, f"regions: every parent_code exists {bad_parent[:5]}")
    no_parent = [r["code"] for r in rows if r["level"] != "province" and not r["parent_code"]]
    check(not no_parent, f"regions: non-provinces have a parent {no_parent[:5]}")
    bad_succ = [r["code"] for r in rows if r["valid_to"] and r["successor_code"] not in current]
    check(not bad_succ, f"regions: every successor_code is current {bad_succ[:5]}")
    stray = [r["code"] for r in current.values() if r["successor_code"]]
    check(not stray, "regions: current rows have no successor")
    out_of_box = [
        c
        for c, r in current.items()
        if not (r["lat"] and r["lng"] and 3 <= float(r["lat"]) <= 54 and 73 <= float(r["lng"]) <= 136)
    ]
    check(not out_of_box, f"regions: current rows have lat/lng inside China's box {out_of_box[:5]}")
    five = all(re.fullmatch(r"-?\d+\.\d{5}", r[k]) for r in current.values() for k in ("lat", "lng"))
    check(five, "regions: coordinates have 5 decimals")
    years = all(re.fullmatch(r"\d{4}", r["valid_from"]) and re.fullmatch(r"(\d{4})?", r["valid_to"]) for r in rows)
    check(years, "regions: valid_from/valid_to are YYYY")
    check(all(r["name_pinyin"] for r in rows), "regions: every row has pinyin")

    expect = {
        "110101": ("东城区", "110000", ""),
        "110103": ("崇文区", "110000", "110101"),
        "110104": ("宣武区", "110000", "110102"),
        "429004": ("仙桃市", "420000", ""),
        "320802": ("清河区", "320800", "320812"),
        "370181": ("章丘市", "370100", "370114"),
        "440126": ("番禺县", "440100", "440113"),
        "120107": ("塘沽区", "120000", "120116"),
        "310103": ("卢湾区", "310000", "310101"),
    }
    for code, (name, parent, succ) in expect.items():
        r = by_code.get(code, {})
        got = (r.get("name_zh"), r.get("parent_code"), r.get("successor_code"))
        check(got == (name, parent, succ), f"regions: {code} -> {got}")
    d = by_code["110101"]
    check(
        abs(float(d["lat"]) - 39.93) < 0.02 and abs(float(d["lng"]) - 116.415) < 0.02,
        f"regions: 东城区 seat near 39.93N 116.41E ({d['lat']}, {d['lng']})",
    )
    for code in ("110100", "500200", "429000"):
        check(code not in by_code, f"regions: virtual grouping {code} not present")

    pinyin = {
        "500000": "Chongqing Shi",
        "430100": "Changsha Shi",
        "350200": "Xiamen Shi",
        "341500": "Lu'an Shi",
        "340300": "Bengbu Shi",
        "330382": "Yueqing Shi",
        "440113": "Panyu Qu",
        "532900": "Dali Baizu Zizhizhou",
        "110101": "Dongcheng Qu",
        "610000": "Shaanxi Sheng",
        "140000": "Shanxi Sheng",
        "371722": "Shan Xian",
        "141024": "Hongtong Xian",
        "510117": "Pidu Qu",
        "222400": "Yanbian Chaoxianzu Zizhizhou",
        "650000": "Xinjiang Weiwu'er Zizhiqu",
        "211300": "Chaoyang Shi",
    }
    for code, want in pinyin.items():
        got = by_code.get(code, {}).get("name_pinyin")
        check(got == want, f"regions: pinyin {code} {by_code.get(code, {}).get('name_zh')} = {got}")
    return current


def check_occupations() -> None:
    rows = read("occupations.csv", OCC_COLUMNS)
    check(len(rows) >= 160, "occupations: >= 160 rows")
    codes = [r["code"] for r in rows]
    check(len(codes) == len(set(codes)), "occupations: unique codes")
    check(all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes), "occupations: ascii slugs")
    check(all(re.fullmatch(r"\d{4}", r["isco08"]) for r in rows), "occupations: four-digit ISCO-08 on every row")
    check(all(re.fullmatch(r"(\d-\d{2}-\d{2}-\d{2})?", r["cocc2022"]) for r in rows), "occupations: cocc2022 format")
    groups = Counter(r["group_code"] for r in rows)
    print(f"     groups: {dict(groups)}; with cocc2022: {sum(1 for r in rows if r['cocc2022'])}")
    names = {}
    for r in rows:
        names.setdefault(r["group_code"], set()).add((r["group_zh"], r["group_en"]))
    check(all(len(v) == 1 for v in names.values()), "occupations: one name per group")


def check_wages(current: dict[str, dict[str, str]]) -> None:
    wages = read("minimum_wages.csv", WAGE_COLUMNS)
    outside = ("710000", "810000", "820000")
    provinces = {c for c, r in current.items() if r["level"] == "province" and c not in outside}
    have = {r["province_code"] for r in wages}
    missing = sorted(provinces - have)
    check(have == provinces, f"minimum_wages: all 31 mainland provinces ({len(have)}) missing={missing}")
    keys = [(r["province_code"], r["tier"], r["effective_from"]) for r in wages]
    check(len(keys) == len(set(keys)), "minimum_wages: unique (province, tier, effective_from)")
    check(all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["effective_from"]) for r in wages), "minimum_wages: ISO dates")
    check(all(r["source"] for r in wages), "minimum_wages: every row has a source")
    # Within a province and date, tier 1 must be the highest amount.
    latest: dict[tuple[str, str], tuple[str, int]] = {}
    for r in wages:
        k = (r["province_code"], r["tier"])
        if k not in latest or r["effective_from"] > latest[k][0]:
            latest[k] = (r["effective_from"], int(r["monthly_yuan"]))
    ordered = True
    for (prov, tier), (_, amount) in latest.items():
        lower = latest.get((prov, str(int(tier) + 1)))
        if lower and lower[1] > amount:
            ordered = False
            print(f"     tier order broken in {prov}: tier {tier} {amount} < tier {int(tier) + 1} {lower[1]}")
    check(ordered, "minimum_wages: latest amounts decrease with tier number")

    tiers = read("minimum_wage_tiers.csv", TIER_COLUMNS)
    valid_tiers = {(r["province_code"], r["tier"]) for r in wages}
    bad = [r["region_code"] for r in tiers if r["region_code"] not in current]
    check(not bad, f"minimum_wage_tiers: every region_code is current {bad[:5]}")
    levels = Counter(current[r["region_code"]]["level"] for r in tiers if r["region_code"] in current)
    check(levels["province"] == 0, "minimum_wage_tiers: no province rows")
    bad_tier = [r["region_code"] for r in tiers if (r["region_code"][:2] + "0000", r["tier"]) not in valid_tiers]
    check(not bad_tier, f"minimum_wage_tiers: tier exists for the province {bad_tier[:5]}")


def main() -> None:
    current = check_regions()
    check_occupations()
    check_wages(current)
    print(f"\n{len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
