"""Stress and compare on the shared Dask runner: worker-count independence, common random numbers."""
from __future__ import annotations

import math

import pytest

from sim.experiments.montecarlo import compare, stress, verdict
from sim.experiments.runner import Task, kpi_row, run_task, run_tasks
from sim.run import run_scenario
from sim.scenario.schema import Objective, load_scenario, with_plan
from tests.conftest import LUDING, ROOT

PLANS = ROOT / "scenarios" / "plans"


def test_stress_gives_identical_numbers_with_one_and_two_workers():
    loaded = load_scenario(LUDING)
    one = stress(loaded, runs=12, seed=3, workers=1)
    two = stress(loaded, runs=12, seed=3, workers=2)
    assert one == two
    aviation = one["objectives"][0]
    assert aviation["kpi"] == "aviation.share_within_2h" and aviation["n"] == 12
    assert aviation["ci95"][0] <= aviation["mean"] <= aviation["ci95"][1]
    assert 0.0 <= aviation["share_met"] <= 1.0


def test_varies_changes_the_disaster_between_seeds_but_not_within_one():
    loaded = load_scenario(LUDING)
    quake = lambda seed: [e for e in run_scenario(loaded, seed, vary=True)[0].recorder.events  # noqa: E731
                          if e.kind == "quake"]
    assert quake(1) == quake(1)
    assert quake(1) != quake(2)


def test_plans_compared_on_one_seed_face_the_same_disaster():
    """Common random numbers: the forward plan adds aircraft, yet hazard, weather and the first
    aircraft's serviceability draws are those of the base plan."""
    base = load_scenario(LUDING)
    forward = with_plan(base, PLANS / "sichuan-earthquake-forward.yaml")
    for seed in range(6):
        a, _ = run_scenario(base, seed, vary=True)
        b, _ = run_scenario(forward, seed, vary=True)
        drawn = ("quake", "impact", "road_damage", "base_closed")
        assert [e for e in a.recorder.events if e.kind in drawn] == [e for e in b.recorder.events if e.kind in drawn]
        own = sum(f.count for f in base.scenario.forces.aviation)      # the scenario's fleet, before any mutual aid
        assert [x.status == "unserviceable" for x in a.aircraft][:own] == \
            [x.status == "unserviceable" for x in b.aircraft][:own]


def test_compare_finds_the_forward_deployed_helicopters_better_on_reach():
    plans = [str(PLANS / "sichuan-earthquake.yaml"), str(PLANS / "sichuan-earthquake-forward.yaml")]
    report = compare(load_scenario(LUDING), plans, runs=30, seed=0, workers=2)
    reach = next(o for o in report["objectives"] if o["kpi"] == "aviation.share_within_2h")
    assert reach["b_minus_a"]["diff"] > 0
    assert reach["verdict"] == "B better"
    assert reach["b_minus_a"]["n"] == 30


def test_verdict_needs_a_confidence_interval_clear_of_zero():
    higher = Objective(id="x", kpi="k", at_least=0.9)
    lower = Objective(id="y", kpi="k", at_most=10)
    assert verdict({"ci95": [-0.1, 0.2]}, higher) == "no detectable difference"
    assert verdict({"ci95": [0.05, 0.2]}, higher) == "B better"
    assert verdict({"ci95": [0.05, 0.2]}, lower) == "A better"


def test_a_task_gives_the_same_kpis_on_a_worker_as_in_process():
    task = Task("t-1", str(LUDING), seed=42)
    local = run_task(task)
    [remote] = run_tasks([task], workers=1)
    strip = lambda r: {k: repr(v) for k, v in r.items() if k != "wall_s"}  # noqa: E731  (repr: nan == nan)
    assert strip(local) == strip(remote)
    assert local["error"] == ""


def test_a_failing_task_is_an_error_row():
    row = run_task(Task("bad", str(LUDING), seed=1, overrides=(("hazards[0].magnitude", "huge"),)))
    assert row["error"].startswith("ScenarioError")
    assert row["task_id"] == "bad"


def test_kpi_row_marks_never_as_nan_and_lists_missed_sites():
    _, summary = run_scenario(load_scenario(LUDING), 7)
    row = kpi_row(summary)
    assert isinstance(row["aviation.share_within_2h"], float)
    missed = [k for k, v in summary["aviation.first_arrival_min"].items() if v is None or v > 120]
    assert row["missed_2h"].count('"') == 2 * len(missed)
    assert row["objective.aviation-2h"] is (summary["aviation.share_within_2h"] >= 0.95)
    if summary["aviation.p90_min"] is None:
        assert math.isnan(row["aviation.p90_min"])


@pytest.mark.parametrize("path,value", [("forces.aviation[0].count", 0), ("nope.key", 1), ("hazards[9].magnitude", 6)])
def test_bad_overrides_are_reported(path, value):
    row = run_task(Task("o", str(LUDING), seed=1, overrides=((path, value),)))
    assert row["error"]
