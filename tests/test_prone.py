"""Disaster-prone county files: the shipped ones resolve, and a wrong one gets file:line: field: message."""
from __future__ import annotations

import pytest

from run_sim import main
from sim.scenario.yamlio import ScenarioError
from sim.world.geo import gazetteer
from sim.world.prone import PRONE_DIR, load_prone, prone_counties

GOOD = """\
hazard: earthquake
title: test
zones:
  - zone: Xianshuihe
    source: CENC
    date: "2022"
    counties: [泸定县, 康定市]
"""


@pytest.mark.parametrize("hazard", ["earthquake", "flood", "forest-fire"])
def test_shipped_files_resolve_every_county(hazard):
    counties = load_prone(PRONE_DIR / f"{hazard}.yaml")
    assert len(counties) >= 20
    assert all(gazetteer().places[c].level == "county" for c in counties)


def test_counties_carry_every_hazard_they_are_prone_to():
    both = prone_counties(["earthquake", "forest_fire"])
    xichang = gazetteer().find("西昌市").id
    assert both[xichang] == ["earthquake", "forest_fire"]


@pytest.mark.parametrize("old,new,where", [
    ("泸定县, 康定市", "泸定县, 康定", "earthquake.yaml:7: zones.0.counties.1: unknown place '康定'"),
    ("泸定县, 康定市", "泸定县, 鼓楼区", "earthquake.yaml:7: zones.0.counties.1: '鼓楼区' is ambiguous"),
    ("泸定县, 康定市", "泸定县, 甘孜藏族自治州", "earthquake.yaml:7: zones.0.counties.1: '甘孜藏族自治州' is a city"),
    ("    source: CENC\n", "", "earthquake.yaml:4: zones.0.source: required key is missing"),
    ("hazard: earthquake", "hazard: flood", "earthquake.yaml:1: hazard: 'flood' does not match the file name"),
])
def test_a_wrong_prone_file_names_file_line_and_field(write, old, new, where):
    with pytest.raises(ScenarioError) as exc:
        load_prone(write(GOOD.replace(old, new), "earthquake.yaml"))
    assert any(p.endswith(where) or where in p for p in exc.value.problems), exc.value.problems


def test_reach_with_a_bad_prone_folder_exits_2(write, capsys):
    write(GOOD.replace("康定市", "康定"), "prone/earthquake.yaml")
    scenario = write("""\
        scenario: s
        start: 2022-09-05T12:00:00+08:00
        duration_h: 6
        region: {provinces: [四川省]}
        scope: {disaster_prone: [earthquake]}
        forces:
          aviation:
            - {type: H125, base: ZUUU}
        """)
    assert main(["reach", str(scenario), "--prone", str(scenario.parent / "prone")]) == 2
    assert "earthquake.yaml:7: zones.0.counties.1: unknown place '康定'" in capsys.readouterr().err
