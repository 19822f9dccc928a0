"""Disaster chains: an earthquake's landslides block roads and dam a river; the lake overtops after
volume / inflow and floods the downstream towns after distance / wave speed, unless a team cuts a
spillway first. (typhoon -> flood is checked in test_typhoon.)"""
from __future__ import annotations

import pytest

from run_sim import main
from sim.run import run_scenario
from sim.scenario.schema import load_scenario
from tests.conftest import MINIMAL

LAKE = """\
  - type: landslide_dam
    site: [29.65, 102.12]
    min_intensity: 8
    lake_volume_m3: 4320000       # 50 m3/s fills it in 24 h
    inflow_m3_s: 50
    wave_kmh: 20
    landslide_radius_km: 40
    downstream:
      - {place: 金口河区, km: 150, depth_m: 3}
    warning: {lead_h: 12, channels: [cell_broadcast, loudspeaker]}
"""
CHAIN = MINIMAL.replace("duration_h: 6", "duration_h: 36").replace(
    "depth_km: 16}\n", "depth_km: 16}\n" + LAKE)


def test_unhandled_lake_breaches_and_floods_downstream(write):
    model, s = run_scenario(load_scenario(write(CHAIN)), seed=1)
    ev = {e.kind: e for e in reversed(model.recorder.events)}
    assert ev["landslide"].t == 0 and ev["landslide"].data["roads_blocked"] > 0
    assert ev["dammed_lake"].data["overtop_min"] == pytest.approx(24 * 60)
    assert ev["dam_breach"].t == pytest.approx(24 * 60)
    flooded = [e for e in model.recorder.events if e.kind == "impact" and e.data.get("hazard") == "flood"]
    assert [e.data["name"] for e in flooded] == ["金口河区"]
    # the wave travels 150 km at 20 km/h (7.5 h), then rises to the 0.3 m impact depth in 0.3 / 3 of an hour
    assert flooded[0].t == pytest.approx(24 * 60 + 150 / 20 * 60 + 60 * 0.3 / 3)
    assert s["warning.coverage"] == pytest.approx(1 - 0.25 * 0.5, abs=1e-3)


def test_spillway_in_time_drains_the_lake_and_nobody_downstream_is_hit(write):
    text = CHAIN.replace("    downstream:", "    spillway: {team: heavy_rescue_team, work_h: 12}\n    downstream:")
    model, s = run_scenario(load_scenario(write(text)), seed=1)
    kinds = [e.kind for e in model.recorder.events]
    assert "lake_drained" in kinds and "dam_breach" not in kinds
    assert not [e for e in model.recorder.events if e.kind == "impact" and e.data.get("hazard") == "flood"]
    assert s["warning.people_warned"] > 0                          # warned anyway: the lake was a threat


def test_weak_shaking_makes_no_landslide(write):
    model, _ = run_scenario(load_scenario(write(CHAIN.replace("min_intensity: 8", "min_intensity: 11.5"))), seed=1)
    assert "landslide" not in {e.kind for e in model.recorder.events}


def test_chain_schema_errors(write, capsys):
    path = write(CHAIN.replace("金口河区, km: 150", "金口河, km: 150"))
    assert main(["validate", str(path)]) == 2
    assert f"{path}:15: hazards.1.downstream.0.place: unknown place '金口河'" in capsys.readouterr().err
