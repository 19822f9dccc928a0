"""Forest fire: spread times by hand (Wang's wind factor), the CA equals its shortest-path forecast,
fire line stops it, and the bundled Daxing'anling scenario burns, warns and escalates."""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim.hazards.wildfire import WIND_COEF, FireGrid
from sim.run import run_scenario
from sim.scenario.schema import load_scenario
from tests.conftest import ROOT


def grid(wind_ms: float = 0.0, n: int = 21) -> FireGrid:
    return FireGrid(np.ones((n, n)), 100.0, 2.0, wind_ms, 270.0, (n // 2, n // 2))


def burn(fire: FireGrid, until: float, dt: float = 10.0) -> None:
    t = 0.0
    while t < until:
        t += dt
        fire.step(t)


def test_calm_spread_is_distance_over_rate():
    fire = grid()
    burn(fire, 600)
    assert fire.arr[10, 15] == pytest.approx(5 * 100 / 2.0)          # 5 cells east at 2 m/min: 250 min
    assert fire.arr[15, 15] == pytest.approx(5 * 100 * math.sqrt(2) / 2.0)


def test_west_wind_speeds_the_head_and_slows_the_back():
    fire = grid(wind_ms=5)
    burn(fire, 600)
    assert fire.arr[10, 15] == pytest.approx(250 / math.exp(WIND_COEF * 5))
    assert fire.arr[10, 5] == pytest.approx(250 * math.exp(WIND_COEF * 5))


def test_stepped_spread_equals_the_shortest_path_forecast():
    rng = np.random.default_rng(3)
    ks = np.where(rng.random((40, 40)) < 0.8, rng.uniform(0.5, 1.5, (40, 40)), 0.0)
    ks[20, 20] = 1.0
    fire = FireGrid(ks, 50.0, 1.0, 6.0, 225.0, (20, 20))
    forecast = fire.forecast()
    burn(fire, 5000, dt=7.0)
    done = fire.arr <= 5000
    assert done.sum() > 100
    assert np.allclose(fire.arr[done], forecast[done], atol=1e-6)


def test_fire_line_stops_the_fire():
    fire = grid()
    fire.hold(np.ravel_multi_index((np.arange(21), np.full(21, 13)), (21, 21)))   # a line 3 cells east
    burn(fire, 2000)
    assert np.isinf(fire.arr[:, 13:]).all()
    assert np.isfinite(fire.arr[:, :13]).all()


def test_daxinganling_fire_reaches_the_town_warned_and_raises_level_one():
    model, s = run_scenario(load_scenario(ROOT / "scenarios" / "daxinganling-fire.yaml"), seed=1)
    kinds = [e.kind for e in model.recorder.events]
    assert {"ignition", "fire_perimeter", "water_drop", "warning_issued", "evacuated"} <= set(kinds)
    assert s["warning.coverage"] >= 0.9
    assert s["command.level"] == "I"                               # more than 1,000 ha burned
    perim = [e for e in model.recorder.events if e.kind == "fire_perimeter"]
    assert perim[-1].data["area_ha"] > perim[0].data["area_ha"] > 0
    assert perim[-1].data["line_cells"] > 0 and perim[-1].data["perimeter"]
