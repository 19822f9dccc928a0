"""Tabletop drills: MSEL checks, injects and decisions on the scenario clock, resume, branches, the AAR."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drills.log import DrillLog, comparable, read_log
from drills.msel import load_msel
from drills.session import Session
from run_sim import main
from sim.run import run_scenario
from sim.scenario.schema import load_scenario
from sim.scenario.yamlio import ScenarioError
from tests.conftest import LUDING, ROOT

MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"
SCRIPT = ROOT / "scenarios" / "msel" / "luding-ttx.decisions.yaml"
BRANCH = ROOT / "scenarios" / "msel" / "luding-ttx.branch.yaml"


def drill(*args: str) -> int:
    return main(["drill", str(MSEL), "--headless", *args])


def events_before(folder: Path, t: float) -> list[str]:
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if json.loads(line)["t"] < t]


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Path:
    """The shipped luding drill played headless with its shipped decisions, uninterrupted."""
    out = tmp_path_factory.mktemp("drill") / "luding"
    assert drill("--script", str(SCRIPT), "--out", str(out)) == 0
    return out


def test_msel_errors_name_file_line_and_field(write, tmp_path):
    scenario = os.path.relpath(LUDING, tmp_path)
    path = write(f"""\
        drill: bad
        scenario: {scenario}
        roles: [{{id: hq, name: HQ}}]
        objectives:
          - {{id: o1, text: reach, kpi: aviation.share_within_3h, at_least: 0.9}}
        injects:
          - {{id: I-01, at: "1h30", from: CENC, to: hq, message: M6.8}}
          - {{id: I-02, at: "00:20", from: county, to: mayor, message: collapse, objective: o9}}
          - {{id: I-03, from: x, to: hq, message: y}}
          - {{id: I-04, when: {{site_unreached: 磨西镇}}, from: x, to: hq, message: y}}
        """, "bad.yaml")
    with pytest.raises(ScenarioError) as err:
        load_msel(path)
    text = str(err.value)
    assert f"{path}:7: injects.0.at: time '1h30': write minutes since onset or HH:MM" in text
    assert f"{path}:9: injects.2: give exactly one of at (scenario time) / when (condition)" in text
    assert f"{path}:10: injects.3.when: site_unreached needs at_min" in text
    path.write_text(path.read_text(encoding="utf-8").replace('"1h30"', '"00:10"').replace(
        "  - {id: I-03, from: x, to: hq, message: y}\n", "").replace(
        "site_unreached: 磨西镇}", "site_unreached: 磨西镇, at_min: 90}"), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_msel(path)
    assert f"{path}:5: objectives.0.kpi: unknown KPI 'aviation.share_within_3h'" in str(err.value)
    assert f"{path}:8: injects.1.to: unknown role 'mayor'; roles: hq" in str(err.value)
    assert f"{path}:8: injects.1.objective: unknown objective 'o9'" in str(err.value)
    assert main(["drill", str(path), "--headless"]) == 2


def test_the_evaluation_marks_a_late_action_late(played):
    lines = (played / "aar.md").read_text(encoding="utf-8")
    # level II was ordered at T+01:30; the quick report came at T+00:10, so the deadline was T+01:10
    assert "| level-II-60 |" in lines and "taken T+01:30, deadline T+01:10 (late by 20 min)" in lines
    row = next(line for line in lines.splitlines() if line.startswith("| level-II-60 |"))
    assert "**M**" in row and "not met" in row
    moxi = next(line for line in lines.splitlines() if line.startswith("| moxi-air-30 |"))
    assert "**S**" in moxi and "(on time)" in moxi           # on time, but in the second half of its window
    assert (played / "charts" / "reach.png").stat().st_size > 10_000


def test_a_conditional_inject_fires_when_its_condition_first_holds(write, tmp_path):
    _, plain = run_scenario(load_scenario(LUDING), 7)
    model, _ = run_scenario(load_scenario(LUDING), 7)
    lead, latest, totals = model.command.lead.name, {}, []
    for e in model.recorder.events:
        if e.kind == "report" and e.agent == lead:
            latest[e.place] = e.data["deaths"]
            totals.append((e.t, sum(latest.values())))
    threshold = max(n for _, n in totals) // 2 + 1
    expected = next(t for t, n in totals if n >= threshold)
    path = write(f"""\
        drill: watch
        scenario: {os.path.relpath(LUDING, tmp_path)}
        seed: 7
        objectives: [{{id: o1, text: reach, kpi: aviation.share_within_2h, at_least: 0.9}}]
        injects:
          - {{id: C-01, when: {{deaths_reported_at_least: {threshold}}}, from: duty, to: hq, message: deaths}}
          - {{id: C-02, when: {{site_unreached: 磨西镇, at_min: 30}}, from: Ganzi, to: hq, message: unreached}}
        """, "watch.yaml")
    session = Session(load_msel(path), DrillLog(tmp_path / "drill.jsonl"))
    session.finish()
    fired = {r["id"]: r["t"] for r in session.released}
    assert fired == {"C-01": expected, "C-02": 30.0}
    without_injects = [line for line in session.model.recorder.lines() if '"kind":"inject"' not in line]
    assert without_injects == model.recorder.lines()


def test_pause_at_each_inject_and_resume_equals_the_scripted_drill(tmp_path):
    msel = load_msel(MSEL)
    live = Session(msel, DrillLog(tmp_path / "live.jsonl"), pause_at_injects=True)
    paused_at = []
    while live.advance_to(live.end) < live.end or live.paused:
        paused_at.append((live.now, live.cards(live.now)[0]["id"]))
        if paused_at[-1][1] == "I-02":
            record = live.submit({"kind": "dispatch", "unit": "AW139-ZUUU-1", "place": "磨西镇", "at": 0})
            assert record["t"] == 20.0 and record["ok"]
        live.resume()
    assert paused_at[:3] == [(10.0, "I-01"), (20.0, "I-02"), (45.0, "I-03")]
    live.finish()
    scripted = Session(msel, DrillLog(tmp_path / "scripted.jsonl"))
    scripted.queue([{"kind": "dispatch", "unit": "AW139-ZUUU-1", "place": "磨西镇", "at": 20.0}], "room")
    scripted.finish()
    assert live.model.recorder.lines() == scripted.model.recorder.lines()


def test_kill_9_then_resume_gives_the_uninterrupted_log_and_summary(played, tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, str(ROOT / "run_sim.py"), "drill", str(MSEL), "--headless", "--script", str(SCRIPT),
           "--out", str(out), "--pace-ms", "400"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "drill.jsonl"
    while proc.poll() is None and (not log.is_file() or log.read_text(encoding="utf-8").count("\n") < 7):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 7 <= len(read_log(log)) < len(read_log(played / "drill.jsonl"))
    assert drill("--resume", str(log)) == 0
    assert [comparable(r) for r in read_log(log)] == [comparable(r) for r in read_log(played / "drill.jsonl")]
    assert (out / "summary.json").read_text() == (played / "summary.json").read_text()
    assert (out / "events.jsonl").read_bytes() == (played / "events.jsonl").read_bytes()


def test_a_branch_replays_the_drill_up_to_its_minute_and_the_report_compares(played, tmp_path):
    branch = tmp_path / "branch"
    assert drill("--resume", str(played / "drill.jsonl"), "--branch-at", "00:40", "--script", str(BRANCH),
                 "--out", str(branch)) == 0
    assert events_before(branch, 40.0) == events_before(played, 40.0)
    assert events_before(branch, 4320.0) != events_before(played, 4320.0)
    decisions = [r for r in read_log(branch / "drill.jsonl") if r["rec"] == "decision"]
    assert [(r["t"], r["kind"]) for r in decisions[:3]] == [(30.0, "note"), (40.0, "set_level"), (40.0, "dispatch")]
    assert main(["report", str(played), "--against", str(branch), "--lang", "zh"]) == 0
    page = (played / "aar.html").read_text(encoding="utf-8")
    assert "反事实推演：两个分支对照" in page and "branch (T+00:40)" in page and "改进计划" in page


def test_an_inject_brings_forces_that_join_the_response(write, tmp_path):
    path = write(f"""\
        drill: forces
        scenario: {os.path.relpath(LUDING, tmp_path)}
        seed: 7
        objectives: [{{id: o1, text: reach, kpi: aviation.share_within_2h, at_least: 0.9}}]
        injects:
          - {{id: F-01, at: "01:00", from: 蓝天救援队, to: hq, message: 社会救援队抵达,
             effect: {{add_forces: {{fire_rescue: [{{type: social_rescue_team, station: 雨城区, count: 2}}]}}}}}}
        """, "forces.yaml")
    session = Session(load_msel(path), DrillLog(tmp_path / "drill.jsonl"))
    session.finish()
    effects = [e for e in session.model.recorder.events if e.kind == "inject_effect"]
    assert effects and effects[0].data["effect"] == "forces_arrive" and effects[0].t == 60.0
    assert sum(u.name.startswith("social_rescue_team-雨城区-aid") for u in session.model.teams) == 2
