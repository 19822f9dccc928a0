"""County census figures: resident population (常住人口) and its urban share, 2010 and 2020.

Source: the 6th and 7th national censuses, county tables (《中国2010年人口普查分县资料》 and
《中国人口普查分县资料—2020》, 国务院人口普查办公室, 中国统计出版社), as digitised by Dong, Du & Liu,
"Mapping Evolving Population Geography in China" (SSRN 4049338, 2022): github.com/leiii/census
(MIT licence), files data/census/census_county_2010_v1.xlsx (columns 合计, 城镇人口) and
census_county_2020_v1.xlsx (人口数_合计, 城镇人口), commit 0ba0f1e. `census_county.csv` beside this
file is their county rows matched to the gazetteer's counties (`python -m sim.world.census
c2010.xlsx c2020.xlsx` rebuilds it): by the county's current code where the names agree (巿 read as
市), or where the row's name is no current county of the province (a rename at the same code: 苍山县
-> 兰陵县); else, for a county recoded since 2010 (名山县 -> 名山区, 玉树县 -> 玉树市), the one row of its
name without its suffix in its province whose code no current county holds. Spot checks against the
communiqués: 雅安市第七次全国人口普查公报 gives 石棉县 114,116 and 汉源县 285,558; 阿坝州's gives 九寨沟县
66,055; 青海统计年鉴 2022 table 3-8 gives 民和县 326,964 and 循化县 134,260: the same figures.

A count that changed by more than a factor 2 between the censuses describes two territories (静安区
took in 闸北区 in 2015) or a slip in the 2010 table (伊宁市 and 奎屯市 swapped): only the 2020 count is
kept. A date between the censuses (1 November 2010 and 2020) gets the linear intercensal estimate of
people and urban people; before the first or after the last, or for a county counted once (119 of
them), the nearer or the only count. The urban share places a county's people: that share at its
seat, the rest over its land (`Earthquake.shaken_cells`); 城镇人口 counts every town's built-up area,
so this puts the county's towns at its seat.
"""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("census_county.csv")
YEARS = (2010, 2020)
CENSUS_DAY = (11, 1)          # both censuses counted people as of 1 November, 00:00
MAX_CHANGE = 2.0              # a county whose count changed more than this between censuses changed its borders


@dataclass(frozen=True, slots=True)
class Count:
    """One county at one census: resident people and the urban among them."""
    people: int
    urban: int


def estimate(adcode: str, when: date) -> tuple[int, float] | None:
    """Resident people and urban share of the county `adcode` (6 digits or more) on `when`; None if
    the table does not hold it."""
    counts = table().get(adcode[:6])
    if not counts:
        return None
    if len(counts) == 1:
        (c,) = counts.values()
        return c.people, c.urban / c.people
    a, b = counts[YEARS[0]], counts[YEARS[1]]
    first, last = date(YEARS[0], *CENSUS_DAY), date(YEARS[1], *CENSUS_DAY)
    w = min(max((when - first).days / (last - first).days, 0.0), 1.0)
    people = (1 - w) * a.people + w * b.people
    return round(people), ((1 - w) * a.urban + w * b.urban) / people


@lru_cache(maxsize=1)
def table() -> dict[str, dict[int, Count]]:
    """The packaged table: adcode -> {census year: Count}."""
    out: dict[str, dict[int, Count]] = {}
    with TABLE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["adcode"]] = {y: Count(int(row[f"people_{y}"]), int(row[f"urban_{y}"]))
                                  for y in YEARS if row[f"people_{y}"]}
    return out


def _stem(name: str) -> str:
    """A county's name without its kind (县, 区, 市, 旗), which changes when it is made a district or
    city; the 2010 table writes some 市 as 巿."""
    name = name.replace("巿", "市")
    return name[:-1] if len(name) > 2 and name[-1] in "县区市旗" else name


def _read(path: Path, code_col: int, name_col: int, people_col: int, urban_col: int) -> list[tuple[str, str, Count]]:
    """County rows (6-digit code, name, Count) of one leiii/census workbook, with the rows of the
    prefecture-level cities that have no counties (东莞, 中山); not 市辖区 subtotals."""
    import openpyxl
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    out = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        code, name = str(row[code_col] or ""), str(row[name_col] or "").strip()
        if len(code) == 6 and code.isdigit() and not code.endswith("0000") and name != "市辖区":
            out.append((code, name, Count(int(row[people_col]), int(row[urban_col]))))
    return out


def match(counties: list[tuple[str, str]], rows: list[tuple[str, str, Count]]) -> dict[str, Count]:
    """Each (6-digit code, name) of `counties` to its census row: the row at its code if the names
    agree or the row's name is no current county of the province (renamed); else the one row of its
    name's stem in its province at a code no current county holds (recoded). Never another county's."""
    current = {code for code, _ in counties}
    stems = {(code[:2], _stem(name)) for code, name in counties}
    by_code = {code: (name, c) for code, name, c in rows}
    by_stem: dict[tuple[str, str], list[Count]] = {}
    for code, name, c in rows:
        if code not in current and not code.endswith("00"):
            by_stem.setdefault((code[:2], _stem(name)), []).append(c)
    out = {}
    for code, name in counties:
        same = by_code.get(code)
        if same and (_stem(same[0]) == _stem(name) or (code[:2], _stem(same[0])) not in stems):
            out[code] = same[1]
        elif len(by_stem.get((code[:2], _stem(name)), [])) == 1:
            out[code] = by_stem[(code[:2], _stem(name))][0]
    return out


def consistent(a: Count | None, b: Count | None) -> tuple[Count | None, Count | None]:
    """The two counts of a county, the first dropped where they cannot be of one territory."""
    if a and b and not 1 / MAX_CHANGE <= b.people / a.people <= MAX_CHANGE:
        return None, b
    return a, b


def build(xlsx_2010: Path, xlsx_2020: Path, dest: Path = TABLE) -> int:
    """Write `census_county.csv` for the gazetteer's counties from the two workbooks; rows written."""
    from sim.world.geo import gazetteer
    counties = sorted((p.id[:6], p.name) for p in gazetteer().places.values() if p.level == "county")
    found = {2010: match(counties, _read(xlsx_2010, 1, 0, 2, 9)), 2020: match(counties, _read(xlsx_2020, 0, 3, 4, 9))}
    n = 0
    with dest.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["adcode", "name"] + [f"{k}_{y}" for y in YEARS for k in ("people", "urban")])
        for code, name in counties:
            pair = consistent(found[YEARS[0]].get(code), found[YEARS[1]].get(code))
            cells = [[c.people, c.urban] if c else ["", ""] for c in pair]
            if any(cell[0] != "" for cell in cells):
                out.writerow([code, name] + cells[0] + cells[1])
                n += 1
    return n


if __name__ == "__main__":
    print(f"{build(Path(sys.argv[1]), Path(sys.argv[2]))} counties written to {TABLE}")
