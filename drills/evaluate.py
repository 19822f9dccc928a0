"""Evaluation of a drill from its log and event stream: objectives, the decision timeline, hot wash, IP.

What an evaluator would note by hand, computed: each expected action against its deadline (on time,
late, missing) and each decision against the expectations (expected, unexpected, rejected); each
objective met or not with its evidence and an HSEEP rating:

- action objectives: P on time in the first half of the window, S on time in its second half,
  M late by at most one more window, U later or never;
- KPI objectives: P met and every inject tied to it answered on time, S met otherwise,
  M missed by at most 10 % of the target, U missed by more (or never measured).

Areas for improvement carry a root cause read from the events (for late aircraft: was the time
lost learning of the site, deciding, or flying?) and become improvement-plan rows with an owner
role, a capability element, a finding grade (不足项 / 整改项 / 改进项) and a due date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from drills.msel import Expect, LoadedMsel, Objective
from sim.events import Event
from sim.metrics import TWO_HOURS_MIN

AIR_MISSIONS = ("rescue", "airlift")
KPI_MARGIN = 0.10


@dataclass
class Expectation:
    """One expected action: from an inject (`source` = inject id) or an action objective."""
    source: str
    expect: Expect
    owner: str
    anchor: float | None            # minute the clock for the deadline started (None: never released)
    decision: dict[str, Any] | None = None
    objective: str | None = None

    @property
    def deadline(self) -> float | None:
        return None if self.anchor is None else self.anchor + self.expect.within_min

    @property
    def status(self) -> str:
        if self.anchor is None:
            return "not_released"
        if self.decision is None:
            return "missing"
        return "on_time" if self.decision["t"] <= self.deadline + 1e-9 else "late"

    @property
    def late_by(self) -> float:
        return max(0.0, self.decision["t"] - self.deadline) if self.decision else 0.0


@dataclass
class ObjectiveResult:
    objective: Objective
    met: bool
    rating: str
    value: Any = None
    expectation: Expectation | None = None


@dataclass
class Finding:
    """An area for improvement: becomes one improvement-plan row."""
    objective: str
    issue: str
    cause: str
    recommendation: str
    owner: str
    element: str
    grade: str                      # deficiency (不足项), corrective (整改项), improvement (改进项)


@dataclass
class Evaluation:
    objectives: list[ObjectiveResult]
    expectations: list[Expectation]
    decisions: list[tuple[dict[str, Any], str]]       # (log record, expected / unexpected / rejected / note)
    strengths: list[str]
    findings: list[Finding]
    injects: list[dict[str, Any]]
    summary: dict[str, Any]
    start_date: date
    due_date: date


def evaluate(msel: LoadedMsel, records: list[dict[str, Any]], events: list[Event],
             summary: dict[str, Any]) -> Evaluation:
    """Everything the AAR/IP reports, from what the drill recorded."""
    injects = [r for r in records if r["rec"] == "inject"]
    decisions = [r for r in records if r["rec"] == "decision"]
    site_of = _site_names(events)
    expectations = _expectations(msel, injects, events)
    for x in expectations:
        x.decision = _first_match(x, decisions, site_of)
    results = [_judge(o, summary, expectations, msel) for o in msel.msel.objectives]
    start = msel.msel.date or _log_date(records)
    findings = _findings(msel, results, expectations, decisions, events)
    return Evaluation(results, expectations, _classify(decisions, expectations), _strengths(results, expectations),
                      findings, injects, summary, start, start + timedelta(days=msel.msel.due_days))


# -- expectations ------------------------------------------------------------------------------------
def _expectations(msel: LoadedMsel, injects: list[dict], events: list[Event]) -> list[Expectation]:
    released = {r["id"]: r["t"] for r in injects}
    out = []
    for o in msel.msel.objectives:
        if o.expect is not None:
            out.append(Expectation(o.id, o.expect, o.owner, _anchor(o.expect.after, released, events), objective=o.id))
    for i in msel.msel.injects:
        if i.expect is not None:
            out.append(Expectation(i.id, i.expect, i.to, released.get(i.id), objective=i.objective))
    return out


def _anchor(after: str, released: dict[str, float], events: list[Event]) -> float | None:
    if after == "onset":
        return 0.0
    if after in released:
        return released[after]
    return next((e.t for e in events if e.kind == after), None)


def _first_match(x: Expectation, decisions: list[dict], site_of: dict[str, str]) -> dict | None:
    if x.anchor is None:
        return None
    return next((d for d in decisions if d["t"] >= x.anchor - 1e-9 and x.expect.matches(d, site_of)), None)


def _classify(decisions: list[dict], expectations: list[Expectation]) -> list[tuple[dict, str]]:
    used = {id(x.decision) for x in expectations if x.decision is not None}
    out = []
    for d in decisions:
        if not d["ok"]:
            out.append((d, "rejected"))
        elif id(d) in used:
            out.append((d, "expected"))
        else:
            out.append((d, "note" if d["kind"] == "note" else "unexpected"))
    return out


def _site_names(events: list[Event]) -> dict[str, str]:
    out = {}
    for e in events:
        if e.kind == "impact":
            out[e.data["name"]] = out[e.place] = e.place
    return out


# -- objectives --------------------------------------------------------------------------------------
def _judge(o: Objective, summary: dict, expectations: list[Expectation], msel: LoadedMsel) -> ObjectiveResult:
    if o.expect is not None:
        x = next(x for x in expectations if x.source == o.id)
        return ObjectiveResult(o, x.status == "on_time", _action_rating(x), expectation=x)
    value = summary.get(o.kpi)
    met = value is not None and (value >= o.at_least if o.at_least is not None else value <= o.at_most)
    tied = [x for x in expectations if x.objective == o.id and x.source != o.id]
    return ObjectiveResult(o, met, _kpi_rating(o, value, met, tied), value=value)


def _action_rating(x: Expectation) -> str:
    if x.status == "on_time":
        return "P" if x.decision["t"] - x.anchor <= x.expect.within_min / 2 else "S"
    if x.status == "late" and x.late_by <= x.expect.within_min:
        return "M"
    return "U"


def _kpi_rating(o: Objective, value: float | None, met: bool, tied: list[Expectation]) -> str:
    if met:
        return "P" if all(x.status in ("on_time", "not_released") for x in tied) else "S"
    if value is None:
        return "U"
    target = o.at_least if o.at_least is not None else o.at_most
    gap = (target - value) if o.at_least is not None else (value - target)
    return "M" if gap <= KPI_MARGIN * abs(target) else "U"


# -- hot wash ----------------------------------------------------------------------------------------
def _strengths(results: list[ObjectiveResult], expectations: list[Expectation]) -> list[str]:
    out = [f"objective:{r.objective.id}" for r in results if r.rating in ("P", "S")]
    out += [f"expect:{x.source}" for x in expectations if x.status == "on_time" and x.objective != x.source]
    return out


def _findings(msel: LoadedMsel, results: list[ObjectiveResult], expectations: list[Expectation],
              decisions: list[dict], events: list[Event]) -> list[Finding]:
    out = []
    for r in results:
        if r.rating in ("M", "U") or not r.met:
            out.append(_objective_finding(r, events, msel))
    for x in expectations:
        if x.objective != x.source and x.status in ("late", "missing"):
            out.append(Finding(x.objective or "", f"expect:{x.source}", f"cause:{x.status}", "rec:drill_procedure",
                               x.owner, "training", "improvement" if x.status == "late" else "corrective"))
    for d in decisions:
        if not d["ok"]:
            out.append(Finding("", f"rejected:{d['kind']}:{d['error']}", "cause:status_board", "rec:status_board",
                               d.get("by") or _lead_role(msel), "organisation", "improvement"))
    return out


def _objective_finding(r: ObjectiveResult, events: list[Event], msel: LoadedMsel) -> Finding:
    o = r.objective
    grade = {"U": "deficiency", "M": "corrective"}.get(r.rating, "improvement")
    owner = o.owner or _lead_role(msel)
    if o.kpi == "aviation.share_within_2h":
        phase = dominant_phase(aviation_phases(events))
        return Finding(o.id, f"objective:{o.id}", f"cause:air_{phase}", f"rec:air_{phase}", owner,
                       "equipment" if phase == "flying" else "planning", grade)
    if o.kpi == "relief.share_within_10h":
        return Finding(o.id, f"objective:{o.id}", "cause:relief", "rec:relief", owner, "equipment", grade)
    if o.expect is not None:
        return Finding(o.id, f"objective:{o.id}", f"cause:{r.expectation.status}", f"rec:action_{o.expect.action}",
                       owner, o.element, grade)
    return Finding(o.id, f"objective:{o.id}", "cause:kpi", "rec:kpi", owner, o.element, grade)


def _lead_role(msel: LoadedMsel) -> str:
    return msel.msel.roles[0].id if msel.msel.roles else ""


def aviation_phases(events: list[Event]) -> dict[str, dict[str, float | None]]:
    """Per site: minutes to learn of it (first county report), to task an aircraft, to fly there."""
    aircraft = {e.agent for e in events if e.kind == "launch"}
    out: dict[str, dict[str, float | None]] = {}
    for site in [e.place for e in events if e.kind == "impact"]:
        known = _first(events, lambda e, s=site: e.kind == "report" and e.place == s and e.agent.startswith("county:"))
        tasked = _first(events, lambda e, s=site: e.kind == "dispatch" and e.place == s and e.agent in aircraft)
        arrived = _first(events, lambda e, s=site: e.kind == "arrive" and e.place == s
                         and e.data.get("mission") in AIR_MISSIONS)
        out[site] = {"known": known, "tasked": tasked, "arrived": arrived}
    return out


def dominant_phase(phases: dict[str, dict[str, float | None]]) -> str:
    """Which phase cost most over the sites reached late (or never): learning, deciding or flying."""
    total = {"learning": 0.0, "deciding": 0.0, "flying": 0.0}
    for p in phases.values():
        if p["arrived"] is not None and p["arrived"] <= TWO_HOURS_MIN:
            continue
        known = p["known"] if p["known"] is not None else TWO_HOURS_MIN
        tasked = p["tasked"] if p["tasked"] is not None else max(known, TWO_HOURS_MIN)
        total["learning"] += known
        total["deciding"] += max(0.0, tasked - known)
        total["flying"] += max(0.0, (p["arrived"] or tasked) - tasked)
    return max(total, key=total.get)


def _first(events: list[Event], pred) -> float | None:
    return next((e.t for e in events if pred(e)), None)


def _log_date(records: list[dict[str, Any]]) -> date:
    return datetime.fromisoformat(records[0]["wall"]).date()
