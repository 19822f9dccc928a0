"""County census figures (sim/world/census.py): the packaged table agrees with the communiqués quoted
in its docstring, a year between the censuses is interpolated, renamed counties are matched, and a
scenario's world takes its counties' people and urban shares from it."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import openpyxl
import pytest

from sim.scenario.catalogue import load_catalogue
from sim.scenario.schema import load_scenario
from sim.world import census
from sim.world.world import build_world
from tests.conftest import LUDING, ROOT


@pytest.mark.parametrize("adcode, people", [("511824", 114_116), ("511823", 285_558), ("513225", 66_055),
                                             ("630222", 326_964), ("630225", 134_260)])
def test_the_table_gives_the_communiques_figures_for_2020(adcode, people):
    assert census.table()[adcode][2020].people == people


def test_a_date_between_the_censuses_is_interpolated_and_outside_them_the_nearer_census_holds():
    a, b = census.table()["513225"][2010], census.table()["513225"][2020]        # 九寨沟县: 81,394 -> 66,055
    assert census.estimate("513225", date(2015, 11, 1))[0] == pytest.approx((a.people + b.people) / 2, abs=5)
    assert census.estimate("513225000000", date(2008, 5, 12)) == (a.people, a.urban / a.people)  # gazetteer ids
    assert census.estimate("513225", date(2026, 1, 1)) == (b.people, b.urban / b.people)
    assert census.estimate("999999", date(2020, 11, 1)) is None


def test_counts_of_two_territories_keep_only_the_later():
    """静安区 took in 闸北区 in 2015 (246,788 -> 975,707): the 2010 count is of another territory."""
    assert set(census.table()["310106"]) == {2020}
    kept = census.consistent(census.Count(100, 50), census.Count(190, 90))
    assert kept == (census.Count(100, 50), census.Count(190, 90))
    assert census.consistent(census.Count(100, 50), census.Count(250, 90))[0] is None


def test_every_county_of_the_gazetteer_but_a_handful_is_counted():
    from sim.world.geo import gazetteer
    counties = [p for p in gazetteer().places.values() if p.level == "county"]
    assert sum(p.id[:6] in census.table() for p in counties) / len(counties) > 0.99


def test_renamed_and_recoded_counties_are_matched_and_another_countys_row_never_is():
    rows = [("511803", "名山县", census.Count(256_484, 52_131)),     # recoded: 名山县 -> 名山区 at 511822 here
            ("130502", "襄都区", census.Count(426_224, 1)),           # renamed at its code: 桥东区 -> 襄都区
            ("130702", "桥东区", census.Count(279_616, 1)),           # another prefecture's 桥东区, a current code
            ("652201", "和田巿", census.Count(322_300, 1)),           # the 2010 table's 巿
            ("511899", "别的县", census.Count(10, 1)), ("513000", "雅安市", census.Count(1, 1))]
    counties = [("511822", "名山区"), ("511899", "新的区"), ("130502", "桥东区"), ("130702", "桥东区"),
                ("652201", "和田市"), ("511802", "别的县")]
    found = census.match(counties, rows)
    assert found == {"511822": rows[0][2], "130502": rows[1][2], "130702": rows[2][2], "652201": rows[3][2]}


def test_a_workbook_is_read_as_the_leiii_layout(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["区划代码", "省", "市", "区县", "人口数_合计", "男", "女", "性别比", "少数民族", "城镇人口"])
    sheet.append([510000, "四川省", "四川省", "四川省", 83_674_866, 0, 0, 0, 0, 1])             # a province: skipped
    sheet.append([441900, "广东省", "东莞市", "东莞市", 1_000, 0, 0, 0, 0, 900])               # a city without counties
    sheet.append([511801, "四川省", "雅安市", "市辖区", 1, 0, 0, 0, 0, 1])                     # skipped
    sheet.append([511824, "四川省", "雅安市", "石棉县", 114_116, 0, 0, 0, 0, 87_277])
    book.save(tmp_path / "c2020.xlsx")
    assert census._read(tmp_path / "c2020.xlsx", 0, 3, 4, 9) == [
        ("441900", "东莞市", census.Count(1_000, 900)), ("511824", "石棉县", census.Count(114_116, 87_277))]


def test_a_scenario_world_takes_the_census_and_its_towns_come_out_of_their_county():
    spec = load_scenario(LUDING).effective()
    world = build_world(spec, load_catalogue())
    luding = next(p for p in world.candidates if p.name == "泸定县")
    moxi = next(p for p in world.candidates if p.name == "磨西镇")
    assert (moxi.population, moxi.population_source) == (7_243, "cited")
    assert luding.population == 84_204 - 7_243 and luding.population_source == "census"
    assert luding.seat_share == pytest.approx(39_777 / 84_204)


def test_a_town_needs_its_population_and_only_a_county_takes_an_urban_share(tmp_path):
    text = (LUDING.read_text(encoding="utf-8")
            .replace("population: 7243, elevation_m: 1600,", "elevation_m: 1600, urban_share: 0.5,"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "run_sim.py", "validate", str(bad)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "sites.5.population: '磨西镇' is a town: give its population" in out.stderr
    assert "sites.5.urban_share: '磨西镇' is a town" in out.stderr
