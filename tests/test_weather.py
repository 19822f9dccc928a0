"""Documented weather that kept aircraft out (`weather_holds:` in a scenario): no aircraft of the kinds it
names reaches its places (a county's towns included) during the spell, each hold says why, and a spell
that cannot be is refused with its line."""
from __future__ import annotations

import subprocess
import sys

from sim.run import run_scenario
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import load_scenario
from tests.conftest import ROOT

LUDIAN = ROOT / "scenarios" / "ludian-2014.yaml"
HOLD_END_MIN = 17.5 * 60           # 10:00 on 4 August, from 16:30 on the 3rd


def arrivals_at_longtoushan(loaded, seed: int) -> list[float]:
    model, _ = run_scenario(loaded, seed)
    aircraft = {a.name for a in model.aircraft}
    return [e.t for e in model.recorder.events if e.kind == "arrive" and e.agent in aircraft and "龙头山镇" in e.place]


def test_no_helicopter_reaches_longtoushan_before_the_weather_lifts():
    loaded = load_scenario(LUDIAN)
    held = arrivals_at_longtoushan(loaded, 1)
    clear = arrivals_at_longtoushan(apply_overrides(loaded, {"weather_holds": []}), 1)
    assert held and min(held) >= HOLD_END_MIN
    assert clear and min(clear) < HOLD_END_MIN - 600          # the same seed flies in the evening without it


def test_a_county_named_holds_its_towns_and_the_hold_says_why():
    loaded = load_scenario(LUDIAN)
    spell = loaded.scenario.weather_holds[0].model_dump(by_alias=True, mode="json")
    fog = {**spell, "places": ["鲁甸县"], "what": "fog in the valley"}
    by_county = apply_overrides(loaded, {"weather_holds": [fog]})
    assert min(arrivals_at_longtoushan(by_county, 1)) >= HOLD_END_MIN
    model, _ = run_scenario(by_county, 1)
    assert {e.data["reason"] for e in model.recorder.events if e.kind == "hold"} == {"fog in the valley"}


def test_a_spell_that_cannot_be_is_refused_with_its_line(tmp_path):
    text = LUDIAN.read_text(encoding="utf-8").replace("plan: plans/", f"plan: {ROOT / 'scenarios' / 'plans'}/")
    bad = {"backwards": ("to: 2014-08-04T10:00:00+08:00", "to: 2014-08-03T10:00:00+08:00", "is not after from"),
           "nowhere": ("places: [龙头山镇]", "places: [龙头山镇, 不存在镇]", "weather_holds.0.places.1"),
           "province": ("places: [龙头山镇]", "places: [云南省]", "is a province"),
           "before": ("from: 2014-08-03T16:30:00+08:00, to: 2014-08-04T10:00:00+08:00",
                      "from: 2014-08-01T16:30:00+08:00, to: 2014-08-02T10:00:00+08:00", "outside the scenario")}
    for name, (old, new, message) in bad.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text.replace(old, new), encoding="utf-8")
        out = subprocess.run([sys.executable, "run_sim.py", "validate", str(path)], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 2 and message in out.stderr and f"{path}:" in out.stderr, (name, out.stderr)
