"""Flood: depth curves by hand, Jonkman mortality, roads closing at a depth, boats reaching the cut-off,
the bundled Zhengzhou scenario, and schema errors with file:line."""
from __future__ import annotations

import math

import numpy as np
import pytest

from run_sim import main
from sim.hazards.flood import crossings, mortality, rain_depth
from sim.run import run_scenario
from sim.scenario.schema import load_scenario
from tests.conftest import ROOT

ONE_TOWN = """\
scenario: one-town
start: 2021-07-20T08:00:00+08:00
duration_h: 24
region: {provinces: [河南省]}
hazards:
  - type: flood
    centre: [34.75, 113.02]
    road_close_depth_m: 0.5
    impact_depth_m: 1.0
    places:
      - {place: 巩义市, depth_m: [[1, 0], [3, 2.0], [11, 0]], exposed_share: 0.1}
sites:
  - {name: 巩义市, lat: 34.748, lon: 113.022, population: 10000}
forces:
  fire_rescue:
    - {type: fire_engine, station: 荥阳市, count: 1}
    - {type: boat_team, station: 荥阳市, count: 1}
plan: plan.yaml
"""
PLAN = ("plan: p\ncommand: {report_delay_min: {normal: 0, jitter: 0}, decision_delay_min: {county: 0}, "
        "hop_delay_min: 0}\n")


def test_rain_above_drainage_ponds_and_drains_away():
    hours, depth = rain_depth([50, 50, 0], start_h=0, drain_mm_per_h=40, ponding=5)
    # +10 mm/h x 5 = 5 cm an hour for two hours, then drains at 40 x 5 = 20 cm/h: dry at 2.5 h
    assert hours.tolist() == pytest.approx([0, 1, 2, 2.5, 3])
    assert depth.tolist() == pytest.approx([0, 0.05, 0.10, 0, 0])
    assert crossings(hours, depth, 0.075) == [(1.5, True), (pytest.approx(2.125), False)]


def test_jonkman_mortality():
    assert mortality(1.0, 0.1) == pytest.approx(0.5 * (1 + math.erf(-7.60 / (2.75 * math.sqrt(2)))))   # 0.29 %
    assert mortality(3.0, 1.0) > 10 * mortality(3.0, 0.1)       # fast, deep water kills far more
    assert mortality(0, 1) == 0


def test_roads_close_at_depth_people_are_hit_at_impact_depth_and_only_boats_get_in(write):
    write(PLAN, "plan.yaml")
    model, summary = run_scenario(load_scenario(write(ONE_TOWN)), seed=1)
    ev = model.recorder.events
    flooded = next(e for e in ev if e.kind == "road_flooded")
    assert flooded.t == pytest.approx(60 + 0.25 * 120)             # 0.5 m reached a quarter into the 2 h rise
    impact = next(e for e in ev if e.kind == "impact")
    assert impact.t == pytest.approx(120) and impact.data["depth_m"] == 2.0 and impact.data["hazard"] == "flood"
    assert next(e for e in ev if e.kind == "road_reopened").t == pytest.approx(180 + 0.75 * 480)
    rescuers = {e.agent.split("-")[0] for e in ev if e.kind == "rescue"}
    assert rescuers == {"boat_team"}
    assert summary["rescue.rescued_alive"] > 0
    g = model.groups[0]
    assert sum([g.dead, g.trapped, g.injured, g.rescued, g.evacuated, g.unhurt]) == g.population


def test_bad_flood_place_reports_file_line(write, capsys):
    write(PLAN, "plan.yaml")
    path = write(ONE_TOWN.replace("{place: 巩义市, depth", "{place: 巩义, depth"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:11: hazards.0.places.0.place: unknown place '巩义'" in err
    path = write(ONE_TOWN.replace("[[1, 0], [3, 2.0]", "[[3, 0], [1, 2.0]"))
    assert main(["validate", str(path)]) == 2
    assert "hazards.0.places.0.depth_m: give at least two [hour, metres] points" in capsys.readouterr().err
    path = write(ONE_TOWN.replace("    road_close_depth_m", "    road_clos_depth_m"))
    assert main(["validate", str(path)]) == 2
    assert f"{path}:8: hazards.0.road_clos_depth_m: unknown key; did you mean 'road_close_depth_m'?" in \
        capsys.readouterr().err


def test_zhengzhou_scenario_runs():
    model, s = run_scenario(load_scenario(ROOT / "scenarios" / "zhengzhou-2021.yaml"), seed=1)
    assert s["sites"] == 9
    assert s["warning.coverage"] == pytest.approx(0.85)            # phone + TV only: short of the 90 % goal
    assert s["command.level"] == "I"                               # Henan's plan: the red rainstorm warning forecast
    assert s["command.national.level"] == "III"                    # severe urban waterlogging (national flood plan)
    assert 150 < s["rescue.deaths"] < 1000                          # reported: 380 dead or missing
    depth = [e for e in model.recorder.events if e.kind == "flood_depth" and e.data["moment"] == "peak"]
    assert max(e.data["depth_m"] for e in depth) == pytest.approx(3.0)
    assert np.isfinite(s["aviation.p50_min"])
