"""Queueing correctness: Poisson calls at one base with c identical aircraft and exponential missions
form an M/M/c queue, so the share of calls that wait and the mean wait must match Erlang-C.

Everything but the drawn time over the site is made instant (alert, flight: the site is the base,
refuel, report and decision delays, hops), so each aircraft's busy time is the exponential draw
alone; command under `flat` structure queues a call at the national post the moment it is made and
serves the queue first-come first-served as aircraft come free. Derandomized: fixed seeds, six
years of calls (~75,000); over twelve seeds the run-to-run spread puts the standard error of the
pooled mean wait near 2.5 % at this load (P(wait) near 1 %), so 5 % is about two standard errors.
"""
from __future__ import annotations

import math

import pytest

from sim.model import ResponseModel
from sim.scenario.catalogue import AlertTimes
from sim.scenario.schema import load_scenario
from sim.world.geo import gazetteer

SERVERS, MEAN_MIN, LOAD = 3, 60.0, 0.5          # c aircraft, mean mission, utilisation rho
HOURS, SEEDS, WARM_UP = 8760, range(11, 17), 500  # a year per run, six runs, calls left out at each start
PLACE = "中牟县"


def erlang_c(c: int, a: float) -> float:
    """Probability that a call waits in M/M/c with offered load a = lambda / mu (Erlang's C formula)."""
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


def _scenario(tmp_path) -> object:
    p = gazetteer().find(PLACE)
    per_day = LOAD * SERVERS / MEAN_MIN * 1440
    (tmp_path / "flat.yaml").write_text(
        "plan: instant-flat\n"
        "command: {structure: flat, hop_delay_min: 0, report_delay_min: {normal: 0, jitter: 0},\n"
        "          decision_delay_min: {county: 0, municipal: 0, provincial: 0, national: 0}}\n"
        "response: {followup_min: 527040}\n", encoding="utf-8")
    (tmp_path / "mmc.yaml").write_text(
        "scenario: mmc\nstart: 2025-06-01T12:00:00+08:00\n"
        f"duration_h: {HOURS}\nregion: {{provinces: [河南省]}}\nplan: flat.yaml\n"
        f"incidents:\n  - {{kind: call, rate_per_day: {per_day!r}, over: {{counties: [{PLACE}]}}}}\n"
        "forces:\n  aviation:\n"
        f"    - {{type: Mi-171, count: {SERVERS}, work_min: {{exponential: {MEAN_MIN}}},\n"
        f"       base: {{name: pad, lat: {p.lat!r}, lon: {p.lon!r}}}}}\n", encoding="utf-8")
    return load_scenario(tmp_path / "mmc.yaml")


def _waits(loaded, seed: int) -> list[float]:
    """Minutes each call waited for an aircraft, in the order the calls were made."""
    model = ResponseModel(loaded, seed)
    for a in model.aircraft:         # instant launch by day and night, no refuel: busy time = the draw alone
        a.spec = a.spec.model_copy(update={"alert_min": AlertTimes(day=0.0, night=0.0), "night": True,
                                           "refuel_min": 0.0})
    model.run()
    approvals = [e for e in model.recorder.events if e.kind == "approve" and e.data.get("request") == "aviation"]
    calls = [e for e in model.recorder.events if e.kind == "request" and e.data["request"] == "aviation"]
    assert len(approvals) >= len(calls) - SERVERS * 10          # every call but the last few is served
    return [e.data["approval_min"] for e in approvals]


@pytest.fixture(scope="module")
def waits(tmp_path_factory) -> list[float]:
    loaded = _scenario(tmp_path_factory.mktemp("mmc"))
    return [w for seed in SEEDS for w in _waits(loaded, seed)[WARM_UP:]]


def test_share_waiting_matches_erlang_c(waits):
    p_wait = erlang_c(SERVERS, LOAD * SERVERS)
    measured = sum(w > 1e-9 for w in waits) / len(waits)
    assert len(waits) > 70_000
    assert measured == pytest.approx(p_wait, rel=0.05)


def test_mean_wait_matches_erlang_c(waits):
    a = LOAD * SERVERS
    mean_wait = erlang_c(SERVERS, a) * MEAN_MIN / (SERVERS - a)          # C / (c mu - lambda)
    assert sum(waits) / len(waits) == pytest.approx(mean_wait, rel=0.05)
