"""A plan's `dispatch.flight_plan_min`: an aircraft's first take-off waits for its flight plan (filed when
it is tasked), later sorties of the same operation do not."""
from __future__ import annotations

from sim.run import run_scenario
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import load_scenario
from tests.conftest import LUDING


def first_task_to_launch(minutes: float) -> tuple[dict[str, float], list[float]]:
    """Per aircraft, its first tasking to its first take-off; and the gaps of its later sorties."""
    model, _ = run_scenario(apply_overrides(load_scenario(LUDING), {"plan.dispatch.flight_plan_min": minutes}), 0)
    aircraft = {a.name for a in model.aircraft}
    tasked: dict[str, list[float]] = {}
    first: dict[str, float] = {}
    later: list[float] = []
    for e in model.recorder.events:
        if e.kind in ("approve", "retask") and e.data.get("unit") in aircraft:
            tasked.setdefault(e.data["unit"], []).append(e.t)
        elif e.kind == "launch" and e.agent in tasked:
            gap = e.t - tasked[e.agent][-1]
            if e.agent in first:
                later.append(gap)
            else:
                first[e.agent] = gap
    return first, later


def test_the_first_take_off_waits_for_the_flight_plan_and_later_sorties_do_not():
    first, later = first_task_to_launch(60.0)
    assert first and min(first.values()) >= 60.0 - 1e-9
    assert later and min(later) < 60.0
    plain, _ = first_task_to_launch(0.0)
    assert min(plain.values()) < 60.0
