"""The queue's reach index (sim/command/queue.py): it must change nothing but the work.

The scenario is bench_scale's generator at 40 incidents: calls at counties across the whole country,
twenty helicopters at twenty bases, so requests queue, many sites lie beyond some bases' reach, and
some helicopters end up idle where they could not fly home (stranded classes of their own).
"""
from __future__ import annotations

import math

import pytest

from bench.bench_scale import scenario
from sim.command.coordination import Command
from sim.command.dispatch import first_stop
from sim.command.queue import RequestQueue
from sim.model import ResponseModel
from sim.scenario.schema import load_scenario


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    return load_scenario(scenario(40, tmp_path_factory.mktemp("scale")))


def _run(loaded, patch=None) -> tuple[list[str], int]:
    """Events of seed 7 and the number of times command tried to fill an aviation request."""
    fills = 0
    fill = Command._fill_air

    def counted(self, req, post):
        nonlocal fills
        fills += 1
        return fill(self, req, post)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Command, "_fill_air", counted)
        if patch:
            patch(mp)
        model = ResponseModel(loaded, 7)
        model.run()
    return model.recorder.lines(), fills


def _full_scan(mp) -> None:
    """Every waiting aviation request tried whenever a unit comes free, every idle aircraft asked."""
    mp.setattr(RequestQueue, "reachable", lambda self: self.of("aviation"))
    mp.setattr(RequestQueue, "reachers", lambda self, req: None)


def test_index_gives_the_events_of_a_full_scan_with_a_fraction_of_the_work(national):
    indexed, fills = _run(national)
    scanned, scan_fills = _run(national, _full_scan)
    assert any('"kind":"queue"' in e for e in indexed) and any('"kind":"unreachable"' in e for e in indexed)
    assert indexed == scanned
    assert fills * 3 < scan_fills                    # 175 against 703 fills on this tree


def test_reach_is_exactly_what_the_idle_aircraft_would_route_to(national):
    """Mid-run, with requests waiting: the idle aircraft that reach a waiting request are those with a
    route to its first stop from where they stand, and the requests reached are those reached by one."""
    model = ResponseModel(national, 7)
    queue, checked, stranded = model.command.queue, 0, 0
    for minute in range(60, 24 * 60, 30):
        model.env.run(until=minute)
        idle, waiting = model.idle_aircraft, queue.of("aviation")
        for r in waiting:
            site = first_stop(r.mission)
            routed = {a for a in idle if math.isfinite(a.flight_min(site.lat, site.lon))}
            assert queue.reachers(r) == routed
            checked += len(idle)
        assert queue.reachable() == [r for r in waiting if queue.reachers(r)]
        stranded += sum((a.lat, a.lon) != (a.base.lat, a.base.lon) for a in idle)
    assert checked > 300 and stranded > 0


def test_requests_leave_the_index_with_the_queue(national):
    model = ResponseModel(national, 7)
    model.env.run(until=600)
    queue = model.command.queue
    waiting = queue.of("aviation")
    assert waiting and len(queue) == len(waiting) + len(queue.of("ground"))
    for req in waiting:
        queue.remove(req)
    assert queue.of("aviation") == [] and queue.reachable() == []
    assert all(queue.reachers(r) is None for r in waiting)
    assert len(queue) == len(queue.of("ground"))
