"""Evaluation of a drill from its log and event stream: objectives, the decision timeline, hot wash, IP.

What an evaluator would note by hand, computed, with the credit rules written out (the AAR's method
note says the same in both languages):

- an expected action counts only when taken by the role expected to act (the MSEL's `expect.by`,
  else the inject's addressee or the objective's owner; a decision of the whole room, without a
  role, counts for any) with a unit of the kinds that role tasks;
- a dispatch of an aircraft whose base an inject closed is "taken, ineffective": it is shown with
  the minute the aircraft actually launched, and the action is judged by that minute;
- one decision is credited to one expectation only; an inject whose expected action is the one of
  the objective it serves, or that repeats the action a missed inject asked for (`when: missed`),
  is counted under that expectation, not a second time.

Ratings (HSEEP) computed from the evidence are *proposed*: action objectives P on time in the
first half of the window, S in its second half, M late by at most one more window (or ineffective
but launched by then), U later or never; KPI objectives P met with every tied inject answered on
time, S met otherwise, M missed by at most 10 % of the target, U missed by more. The lead
evaluator's rating (`drills.signoff`), with a reason where it differs, is the one reported (signed).

Areas for improvement carry a root cause read from the events and become improvement-plan items
IP-1, IP-2 ... with an owner role, a capability element, a finding grade (不足项 / 整改项 / 改进项),
a due date per grade, and the MSEL's prepared corrective action with its plan change, if any.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from drills.msel import Evidence, Expect, LoadedMsel, Objective
from sim.events import Event
from sim.metrics import TWO_HOURS_MIN
from sim.scenario.catalogue import load_catalogue

if TYPE_CHECKING:
    from drills.signoff import LoadedSignoff

AIR_MISSIONS = ("rescue", "airlift")
KPI_MARGIN = 0.10
UNIT_ORDERS = ("dispatch", "assign_airlift")
EPS = 1e-9


@dataclass
class Expectation:
    """One expected action: from an inject (`source` = inject id) or an action objective."""
    source: str
    expect: Expect
    owner: str                      # the role expected to act ("" : anyone)
    anchor: float | None            # minute the clock for the deadline started (None: never released)
    decision: dict[str, Any] | None = None
    objective: str | None = None
    merged_into: str | None = None  # counted under this expectation's source, not on its own
    closed: dict[str, Any] | None = None        # the decision's aircraft sat at a closed base: base, until, launch
    elsewhere: dict[str, Any] | None = None     # a matching decision by a role not expected to act

    @property
    def deadline(self) -> float | None:
        return None if self.anchor is None else self.anchor + self.expect.within_min

    @property
    def taken(self) -> float | None:
        """The minute the action took effect: the decision's, or the launch of an aircraft held at a closed base."""
        if self.decision is None:
            return None
        return self.closed["launch"] if self.closed else self.decision["t"]

    @property
    def status(self) -> str:
        if self.anchor is None:
            return "not_released"
        if self.merged_into is not None:
            return "merged"
        if self.decision is None:
            return "other_role" if self.elsewhere else "missing"
        if self.closed:
            return "ineffective"
        return "on_time" if self.decision["t"] <= self.deadline + EPS else "late"

    @property
    def late_by(self) -> float:
        taken = self.taken
        return max(0.0, taken - self.deadline) if taken is not None and self.deadline is not None else 0.0


@dataclass
class TaskEvidence:
    """A critical task of an evaluation guide with what the events say about it and what evaluators saw."""
    id: str
    text: str
    found: list[tuple[Evidence, Any]]       # (evidence asked for, Expectation | decisions | (first t, count))
    observations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ObjectiveResult:
    objective: Objective
    met: bool
    proposed: str
    value: Any = None
    expectation: Expectation | None = None
    signed: str | None = None
    reason: str = ""
    tasks: list[TaskEvidence] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rating(self) -> str:
        """The rating reported: the lead evaluator's once signed, else the proposed one."""
        return self.signed or self.proposed


@dataclass
class Finding:
    """An area for improvement: one improvement-plan item."""
    objective: str
    issue: str
    cause: str
    recommendation: str
    owner: str
    element: str
    grade: str                      # deficiency (不足项), corrective (整改项), improvement (改进项)
    source: str = ""                # the objective or inject id it is about
    id: str = ""                    # IP-1, IP-2 ...
    due: date | None = None
    change: dict[str, Any] | None = None
    plan: dict[str, Any] | None = None
    prepared: bool = False          # the action text is the MSEL's own (not a key of drills.texts)


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
    lead: str = ""                  # who signed the ratings ("": not signed)


def evaluate(msel: LoadedMsel, records: list[dict[str, Any]], events: list[Event], summary: dict[str, Any],
             signoff: LoadedSignoff | None = None) -> Evaluation:
    """Everything the AAR/IP reports, from what the drill recorded (and the lead evaluator's sign-off)."""
    injects = [r for r in records if r["rec"] == "inject"]
    decisions = [r for r in records if r["rec"] == "decision"]
    site_of = _site_names(events)
    expectations = _expectations(msel, injects, events)
    Credit(msel, events, site_of).assign(expectations, decisions)
    results = [_judge(o, summary, expectations) for o in msel.msel.objectives]
    observations = [r for r in records if r["rec"] == "observation"] + (signoff.observations if signoff else [])
    for r in results:
        r.observations = [o for o in observations if o["objective"] == r.objective.id and not o.get("task")]
        r.tasks = _guide(r.objective, expectations, decisions, events, site_of, observations)
    if signoff is not None:
        signoff.sign(results)
    start = msel.msel.date or _log_date(records)
    findings = _findings(msel, results, expectations, decisions, events, start)
    return Evaluation(results, expectations, _classify(decisions, expectations), _strengths(results, expectations),
                      findings, injects, summary, start, signoff.lead if signoff else "")


# -- expectations ------------------------------------------------------------------------------------
def _expectations(msel: LoadedMsel, injects: list[dict], events: list[Event]) -> list[Expectation]:
    released = {r["id"]: r["t"] for r in injects}
    out: dict[str, Expectation] = {}
    for o in msel.msel.objectives:
        if o.expect is not None:
            out[o.id] = Expectation(o.id, o.expect, o.expect.by or o.owner,
                                    _anchor(o.expect.after, released, events), objective=o.id)
    for i in msel.msel.injects:
        if i.expect is None:
            continue
        x = Expectation(i.id, i.expect, i.expect.by or i.to, released.get(i.id), objective=i.objective)
        root = out.get(i.when.missed) if i.when is not None and i.when.missed else out.get(i.objective or "")
        if root is not None and _same(root, x):
            x.merged_into = root.merged_into or root.source
        out[i.id] = x
    return list(out.values())


def _same(a: Expectation, b: Expectation) -> bool:
    """The same action asked of the same role (its deadline may differ)."""
    keys = ("action", "unit", "place", "level", "need")
    return a.owner == b.owner and all(getattr(a.expect, k) == getattr(b.expect, k) for k in keys)


def _anchor(after: str, released: dict[str, float], events: list[Event]) -> float | None:
    if after == "onset":
        return 0.0
    if after in released:
        return released[after]
    return next((e.t for e in events if e.kind == after), None)


class Credit:
    """The credit rules: addressee, a unit that can do it, effect, one decision for one expectation."""

    def __init__(self, msel: LoadedMsel, events: list[Event], site_of: dict[str, str]) -> None:
        self.roles = {r.id: r for r in msel.msel.roles}
        self.site_of = site_of
        self.aircraft_types = set(load_catalogue().aircraft)
        self.closures = [(e.place, e.t, e.data["until_min"]) for e in events
                         if e.kind == "inject_effect" and e.data.get("effect") == "base_closed"]
        self.launches: dict[str, list[tuple[float, str]]] = {}
        for e in events:
            if e.kind == "launch":
                self.launches.setdefault(e.agent, []).append((e.t, e.place))

    def assign(self, expectations: list[Expectation], decisions: list[dict[str, Any]]) -> None:
        """Earliest deadline first, each expectation takes the first decision that earns it, unused before;
        one that sees only ineffective decisions takes the first of them; merged ones take their root's."""
        used: set[int] = set()
        live = [x for x in expectations if x.anchor is not None and x.merged_into is None]
        for x in sorted(live, key=lambda x: x.deadline):
            self._credit(x, decisions, used)
        by_source = {x.source: x for x in expectations}
        for x in expectations:
            if x.merged_into is not None and x.anchor is not None:
                root = by_source[x.merged_into]
                x.decision, x.closed = root.decision, root.closed

    def _credit(self, x: Expectation, decisions: list[dict[str, Any]], used: set[int]) -> None:
        matching = [d for d in decisions if d["t"] >= x.anchor - EPS and x.expect.matches(d, self.site_of)]
        earned = [d for d in matching if id(d) not in used and self.by_right_role(d, x.owner)
                  and self.can_do(d, x.owner)]
        effective = [d for d in earned if self.closure(d) is None]
        chosen = (effective or earned or [None])[0]
        if chosen is None:
            x.elsewhere = next((d for d in matching if not self.by_right_role(d, x.owner)), None)
            return
        x.decision, x.closed = chosen, self.closure(chosen)
        used.add(id(chosen))

    @staticmethod
    def by_right_role(d: dict[str, Any], role: str) -> bool:
        taker = d.get("role") or d.get("by")
        return not role or not taker or taker == role

    def can_do(self, d: dict[str, Any], role: str) -> bool:
        """The unit ordered is of a kind the expected role tasks (its MSEL `units`, none given: any)."""
        kinds = self.roles[role].units if role in self.roles else None
        if kinds is None or d["kind"] not in UNIT_ORDERS + ("release_stock",):
            return True
        return self.unit_kind(d) in kinds

    def unit_kind(self, d: dict[str, Any]) -> str:
        if d["kind"] == "release_stock":
            return "depots"
        return "aircraft" if self.is_aircraft(d.get("unit") or "") else "teams"

    def is_aircraft(self, unit: str) -> bool:
        return unit in self.launches or unit.rsplit("-", 2)[0] in self.aircraft_types

    def closure(self, d: dict[str, Any]) -> dict[str, Any] | None:
        """The closed base an aircraft was ordered from, with the minute it really launched (None: never)."""
        unit = d.get("unit") or ""
        if d["kind"] not in UNIT_ORDERS or not self.is_aircraft(unit):
            return None
        launches = self.launches.get(unit, [])
        base = launches[0][1] if launches else unit.rsplit("-", 2)[-2] if unit.count("-") >= 2 else ""
        for icao, start, until in self.closures:
            if icao == base and start - EPS <= d["t"] < until:
                launch = next((t for t, _ in launches if t >= d["t"] - EPS), None)
                return {"base": icao, "until": until, "launch": launch}
        return None


def _classify(decisions: list[dict], expectations: list[Expectation]) -> list[tuple[dict, str]]:
    used = {id(x.decision): x for x in expectations if x.decision is not None and x.merged_into is None}
    out = []
    for d in decisions:
        x = used.get(id(d))
        if not d["ok"]:
            out.append((d, "rejected"))
        elif x is not None:
            out.append((d, "ineffective" if x.closed else "expected"))
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
def _judge(o: Objective, summary: dict, expectations: list[Expectation]) -> ObjectiveResult:
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
    if x.status in ("late", "ineffective") and x.taken is not None and x.late_by <= x.expect.within_min:
        return "M"
    return "U"


def _kpi_rating(o: Objective, value: float | None, met: bool, tied: list[Expectation]) -> str:
    if met:
        return "P" if all(x.status in ("on_time", "not_released", "merged") for x in tied) else "S"
    if value is None:
        return "U"
    target = o.at_least if o.at_least is not None else o.at_most
    gap = (target - value) if o.at_least is not None else (value - target)
    return "M" if gap <= KPI_MARGIN * abs(target) else "U"


def _guide(o: Objective, expectations: list[Expectation], decisions: list[dict], events: list[Event],
           site_of: dict[str, str], observations: list[dict]) -> list[TaskEvidence]:
    """Each critical task of the objective's evaluation guide with the evidence the events give."""
    if o.guide is None:
        return []
    by_source = {x.source: x for x in expectations}
    out = []
    for task in o.guide.tasks:
        found = []
        for ev in task.evidence:
            if ev.expect is not None:
                found.append((ev, by_source.get(ev.expect)))
            elif ev.decision is not None:
                found.append((ev, [d for d in decisions if d["kind"] == ev.decision and d["ok"]
                                   and (ev.by is None or (d.get("role") or d.get("by")) == ev.by)]))
            else:
                place = site_of.get(ev.place, ev.place) if ev.place else None
                hits = [e.t for e in events if e.kind == ev.event and (place is None or e.place == place)]
                found.append((ev, (hits[0] if hits else None, len(hits))))
        seen = [x for x in observations if x["objective"] == o.id and x.get("task") == task.id]
        out.append(TaskEvidence(task.id, task.text, found, seen))
    return out


# -- hot wash ----------------------------------------------------------------------------------------
def _strengths(results: list[ObjectiveResult], expectations: list[Expectation]) -> list[str]:
    out = [f"objective:{r.objective.id}" for r in results if r.rating in ("P", "S")]
    out += [f"expect:{x.source}" for x in expectations if x.status == "on_time" and x.objective != x.source]
    return out


def _findings(msel: LoadedMsel, results: list[ObjectiveResult], expectations: list[Expectation],
              decisions: list[dict], events: list[Event], start: date) -> list[Finding]:
    out = []
    for r in results:
        if r.rating in ("M", "U") or not r.met:
            out.append(_objective_finding(r, events, msel))
    for x in expectations:
        if x.objective != x.source and x.status in ("late", "missing", "other_role", "ineffective"):
            grade = "improvement" if x.status == "late" else "corrective"
            out.append(Finding(x.objective or "", f"expect:{x.source}", f"cause:{x.status}", "rec:drill_procedure",
                               x.owner, "training", grade, source=x.source))
    for d in decisions:
        if not d["ok"]:
            out.append(Finding("", f"rejected:{d['kind']}:{d['error']}", "cause:status_board", "rec:status_board",
                               d.get("role") or d.get("by") or _lead_role(msel), "organisation", "improvement"))
    for n, f in enumerate(out, 1):
        _prepare(f, n, msel, start)
    return out


def _prepare(f: Finding, n: int, msel: LoadedMsel, start: date) -> None:
    """Number the item, give it its due date by grade and the MSEL's prepared action and plan change."""
    m = msel.msel
    f.id = f"IP-{n}"
    f.due = start + timedelta(days=m.due_days_by_grade.get(f.grade, m.due_days))
    item = next((i for i in m.improvements if i.for_ == f.source), None)
    if item is not None:
        f.recommendation, f.prepared, f.change, f.plan = item.action, True, item.change, item.plan
        f.owner, f.element = item.owner or f.owner, item.element or f.element


def _objective_finding(r: ObjectiveResult, events: list[Event], msel: LoadedMsel) -> Finding:
    o = r.objective
    grade = {"U": "deficiency", "M": "corrective"}.get(r.rating, "improvement")
    owner = o.owner or _lead_role(msel)
    if o.kpi == "aviation.share_within_2h":
        phase = dominant_phase(aviation_phases(events))
        return Finding(o.id, f"objective:{o.id}", f"cause:air_{phase}", f"rec:air_{phase}", owner,
                       "equipment" if phase == "flying" else "planning", grade, source=o.id)
    if o.kpi == "relief.share_within_10h":
        return Finding(o.id, f"objective:{o.id}", "cause:relief", "rec:relief", owner, "equipment", grade,
                       source=o.id)
    if o.expect is not None:
        return Finding(o.id, f"objective:{o.id}", f"cause:{r.expectation.status}", f"rec:action_{o.expect.action}",
                       owner, o.element, grade, source=o.id)
    return Finding(o.id, f"objective:{o.id}", "cause:kpi", "rec:kpi", owner, o.element, grade, source=o.id)


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
