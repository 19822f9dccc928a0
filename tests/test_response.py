"""Graded response on two ladders: the lead province on its own plan, the national headquarters on
the national plan; typhoon responses declared on the forecast, before landfall."""
from __future__ import annotations

import pytest

from sim.model import ResponseModel
from sim.run import run_scenario
from sim.scenario.schema import load_scenario
from tests.conftest import LUDING, ROOT


def _levels(model, kind: str) -> list[tuple[float, str]]:
    return [(e.t, e.data["level"]) for e in model.recorder.events if e.kind == kind]


def test_luding_province_and_nation_decide_on_their_own_plans():
    model, summary = run_scenario(load_scenario(LUDING), seed=7)
    provincial, national = _levels(model, "level"), _levels(model, "national_level")
    assert provincial and national
    # Sichuan's plan: M6.8 outside a city is a "major" earthquake at once -> level II after the
    # quick report and the activation delay, hours before enough deaths are reported nationally
    first_ii = next(t for t, level in provincial if level == "II")
    plan = model.plan.response
    assert first_ii <= plan.quick_report_min + plan.activation_delay_min["II"] + 1e-9
    assert all(level != "II" or t > first_ii for t, level in national)
    assert summary["command.level"] == provincial[-1][1]
    assert summary["command.national.level"] == national[-1][1]
    assert summary["command.national.level_time_min"][national[0][1]] == pytest.approx(national[0][0], abs=0.01)


def test_a_ladder_only_rises():
    model, _ = run_scenario(load_scenario(LUDING), seed=3)
    rank = {"IV": 0, "III": 1, "II": 2, "I": 3}
    for kind in ("level", "national_level"):
        ranks = [rank[level] for _, level in _levels(model, kind)]
        assert ranks == sorted(ranks)


def test_mangkhut_level_i_is_declared_on_the_forecast_before_landfall():
    loaded = load_scenario(ROOT / "scenarios" / "mangkhut-2018.yaml")
    model, summary = run_scenario(loaded, seed=7)
    typhoon = loaded.scenario.hazards[0]
    nearest = min(typhoon.track, key=lambda p: abs(p.lat - typhoon.landfall[0]) + abs(p.lon - typhoon.landfall[1]))
    landfall_min = nearest.h * 60
    first_i = next(t for t, level in _levels(model, "level") if level == "I")
    assert first_i < landfall_min
    assert summary["command.level"] == "I"


def test_the_room_sets_the_lead_ladder_only():
    model = ResponseModel(load_scenario(LUDING), 1)
    model.env.run(until=5)
    model.command.order_level("III", "drill order")
    model.env.run(until=200)
    assert any(e.kind == "level" and e.data["commander"] == "as ordered" for e in model.recorder.events)
    assert not any(e.kind == "national_level" and e.data["commander"] == "as ordered" for e in model.recorder.events)
