"""Typhoon: the wind profile by hand, aircraft grounded while the base wind exceeds the type's limit,
places struck once the damaging wind arrives, rain flooding (the typhoon -> flood chain), Mangkhut."""
from __future__ import annotations

import numpy as np
import pytest

from sim.hazards.typhoon import grounded_spells, rankine
from sim.run import run_scenario
from sim.scenario.schema import load_scenario
from tests.conftest import ROOT

STILL = """\
scenario: still
start: 2018-09-16T08:00:00+08:00
duration_h: 12
region: {provinces: [广东省]}
hazards:
  - type: typhoon
    landfall: [22.0064, 113.376]
    rmax_km: 40
    # parked 40 km (= rmax) north of Zhuhai airport, so the wind there is the maximum: 45 m/s from 2 h
    # to 4 h, 10 m/s at 0 h and 6 h
    track:
      - {h: 0, lat: 22.3657, lon: 113.376, wind_ms: 10, r7_km: 100}
      - {h: 2, lat: 22.3657, lon: 113.376, wind_ms: 45, r7_km: 100}
      - {h: 4, lat: 22.3657, lon: 113.376, wind_ms: 45, r7_km: 100}
      - {h: 6, lat: 22.3657, lon: 113.376, wind_ms: 10, r7_km: 100}
forces:
  aviation:
    - {type: AW139, base: ZGSD, count: 1}
"""


def test_rankine_profile_peaks_at_rmax_and_is_gale_at_r7():
    r = np.array([0.0, 20.0, 40.0, 200.0])
    v = rankine(r, 45.0, 200.0, 40.0)
    assert v[:3].tolist() == pytest.approx([0, 22.5, 45])
    assert v[3] == pytest.approx(13.9)


def test_grounded_spells_from_a_wind_series():
    hours = np.arange(0, 6, 1.0)
    assert grounded_spells(hours, np.array([5, 25, 30, 10, 25, 25]), 20) == [(60, 180), (240, 300)]


def test_aircraft_grounded_while_base_wind_exceeds_limit(write):
    model, _ = run_scenario(load_scenario(write(STILL)), seed=1)
    spell = next(e for e in model.recorder.events if e.kind == "base_grounded")
    # wind rises linearly 10 -> 45 m/s over 0-2 h: above the helicopter limit 20 m/s from 2/7 of the way
    # (the 5-minute grid rounds up), and below it again from 4 h + 5/7 of 2 h.
    assert spell.place == "ZGSD"
    assert spell.t == pytest.approx(35, abs=5)
    assert spell.data["until_min"] == pytest.approx(240 + 120 * 5 / 7, abs=5)
    assert model.aircraft[0].grounded_until == spell.data["until_min"]


def test_mangkhut_grounds_zhuhai_strikes_by_wind_and_floods_by_rain():
    model, s = run_scenario(load_scenario(ROOT / "scenarios" / "mangkhut-2018.yaml"), seed=1)
    kinds = {e.kind for e in model.recorder.events}
    assert {"typhoon_position", "base_grounded", "flood_depth", "road_flooded"} <= kinds
    struck = {e.data["name"] for e in model.recorder.events if e.kind == "impact"}
    assert {"台山市", "香洲区"} <= struck
    assert s["warning.coverage"] >= 0.9
    assert 1_500_000 < s["warning.evacuated"] < 3_000_000        # Guangdong moved ~2.45 million people


def test_no_aircraft_arrives_where_the_wind_is_over_its_limit():
    """Aircraft hold on the ground rather than arrive at a site or depot inside the gale."""
    model, _ = run_scenario(load_scenario(ROOT / "scenarios" / "mangkhut-2018.yaml"), seed=1)
    kind = {a.name: a.spec.kind for a in model.aircraft}
    events = model.recorder.events
    assert any(e.kind == "hold" for e in events)
    arrivals = [e for e in events if e.kind == "arrive" and e.agent in kind]
    assert arrivals
    for e in arrivals:
        spells = model.flight_holds.get((e.place, kind[e.agent]), [])
        assert not any(begin <= e.t < end for begin, end, _ in spells), (e, spells)
    held = [e for e in events if e.kind == "hold"]
    assert all(model.flight_holds.get((e.place, kind[e.agent])) for e in held)
