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


ZHENGZHOU = ROOT / "scenarios" / "zhengzhou-2021.yaml"


def test_zhengzhou_henan_opens_flood_level_i_on_the_forecast_before_the_rain_strikes():
    model, summary = run_scenario(load_scenario(ZHENGZHOU), seed=7)
    first_i = next(t for t, level in _levels(model, "level") if level == "I")
    first_impact = min(e.t for e in model.recorder.events if e.kind == "impact")
    decision = next(e for e in model.recorder.events if e.kind == "level_decision" and e.data["level"] == "I")
    assert decision.data["reason"].startswith("forecast_")
    assert first_i < first_impact                       # declared before the impact
    assert first_i <= 900                               # the record: 03:00 on 21 July, 15 h after the start
    assert summary["command.level"] == "I"
    assert summary["command.national.level"] == "III"   # the national plan has no forecast rung


def test_rain_forecast_calls_for_the_signal_of_its_worst_window():
    from sim.hazards.flood import forecast_signal, most_rain
    assert most_rain([10, 60, 50, 0], 2) == 110
    assert forecast_signal([[25, 30, 40, 50, 201.9, 40]]) == "forecast_rainstorm_red"
    assert forecast_signal([[20, 20, 20]]) == "forecast_rainstorm_orange"
    assert forecast_signal([[9] * 6]) == "forecast_rainstorm_yellow"
    assert forecast_signal([[4] * 12, [5] * 12]) == "forecast_rainstorm_blue"     # the worst series decides
    assert forecast_signal([[4] * 12]) is None


def test_a_reported_condition_moves_no_ladder_before_command_hears_of_it():
    model = ResponseModel(load_scenario(ZHENGZHOU), 1)
    heard = model.plan.response.quick_report_min
    model.env.run(until=heard - 1)
    model.command.assess(model.command.lead)            # a death report would reassess in between
    assert not model.command.conditions
    assert not any(e.kind == "level_decision" for e in model.recorder.events)
    model.env.run(until=heard + 1)
    assert "forecast_rainstorm_red" in model.command.conditions
    assert any(e.kind == "level_decision" and e.data["level"] == "I" for e in model.recorder.events)


def test_luding_national_level_i_comes_from_the_modelled_deaths_not_the_plan():
    """The 2012 national plan grades 50-299 dead or missing as II: with the record's 118 the national
    ladder stops at II (the record); only the model's larger toll reaches I (>= 300)."""
    from sim.command.response import Ladder
    model = ResponseModel(load_scenario(LUDING), 1)
    model.env.run(until=1)
    triggers = model.catalogue.response_levels["earthquake-national-2012"]
    for deaths, expected in ((118, "II"), (300, "I")):
        ladder = Ladder(model, "national", model.command.national, triggers)
        ladder.assess(deaths, 6.8, 19.4, set())             # Luding: M6.8, 19 people per km2 within 50 km
        assert ladder.pending == expected


@pytest.mark.parametrize("scenario, headquarters", [
    ("luding-2022", "国务院抗震救灾指挥部"), ("zhengzhou-2021", "国家防汛抗旱总指挥部"),
    ("mangkhut-2018", "国家防汛抗旱总指挥部"), ("daxinganling-fire", "国家森林防火指挥部")])
def test_the_national_post_is_the_headquarters_its_plan_names(scenario, headquarters):
    model = ResponseModel(load_scenario(ROOT / "scenarios" / f"{scenario}.yaml"), 0)
    assert model.command.national.name == f"national:{headquarters}"
