"""The Master Scenario Events List (MSEL) of a tabletop drill, and the room's scripted decisions.

An MSEL names the exercise, the scenario it plays on, the player roles, the objectives (a KPI target
or an expected action with a deadline) and the injects (timed or conditional, each with sender,
recipient, channel, message, the action expected of the players and an optional effect on the
simulation). Files are checked like scenarios: every problem comes out as `file:line: field: message`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, NonNegativeInt, model_validator

from sim.scenario.schema import (
    MAX_MINUTES,
    MAX_POPULATION,
    MAX_STOCK,
    YEARS,
    Forces,
    LoadedScenario,
    ResponseLevel,
    kpi_problem,
    load_scenario,
)
from sim.scenario.yamlio import Loc, ScenarioError, YamlDoc
from sim.world.geo import gazetteer

SEVERITY = ("IV", "III", "II", "I")          # least to most severe
REQUIRED = {"dispatch": ("unit", "place"), "set_level": ("level",), "mutual_aid": (),
            "release_stock": ("depot", "place", "items"), "assign_airlift": ("unit",), "evacuate": ("place",),
            "note": ("text",), "request": ("need", "place"), "sitrep": ("place", "deaths"), "verify": ("place",),
            "deny": ("place",)}
Action = Literal["dispatch", "set_level", "mutual_aid", "release_stock", "assign_airlift", "evacuate", "note",
                 "request", "sitrep", "verify", "deny"]
UnitKind = Literal["aircraft", "teams", "depots"]
Channel = Literal["phone", "radio", "email", "fax", "media", "social", "in_person", "satellite_phone", "video"]
Element = Literal["planning", "organisation", "equipment", "training", "exercise"]
ANCHORS = ("onset", "quake", "quick_report")   # event kinds an objective deadline may count from


def parse_clock(value: Any) -> Any:
    """Scenario-clock time: minutes as a number, or "HH:MM" (hours may exceed 24: "30:15")."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+):([0-5]\d)\s*", value)
        if m is None:
            raise ValueError(f"time {value!r}: write minutes since onset or HH:MM, e.g. \"01:30\"")
        return int(m[1]) * 60 + int(m[2])
    return value


Clock = Annotated[float, BeforeValidator(parse_clock), Field(ge=0, le=MAX_MINUTES)]
Minutes = Annotated[float, Field(gt=0, le=MAX_MINUTES)]
People = Annotated[int, Field(ge=0, le=MAX_POPULATION)]
MAX_SEED = 2**32 - 1


def _in_years(day: dt.date) -> dt.date:
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"year {day.year} is outside {YEARS[0]}..{YEARS[1]}")
    return day


def clock_text(minutes: float) -> str:
    """Minutes since onset as T+HH:MM (the way controllers read the scenario clock)."""
    h, m = divmod(int(round(minutes)), 60)
    return f"{h:02d}:{m:02d}"


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _require(kind: str, obj: BaseModel, optional: tuple[str, ...] = ()) -> None:
    missing = [f for f in REQUIRED[kind] if f not in optional and getattr(obj, f) is None]
    if missing:
        raise ValueError(f"{kind} needs {', '.join(missing)}")


class Decision(Strict):
    """One decision of the room, as a script line or as the console sends it."""
    at: Clock
    kind: Action
    unit: str | None = None
    place: str | None = None
    level: ResponseLevel | None = None
    depot: str | None = None
    items: dict[str, Annotated[float, Field(gt=0, le=MAX_STOCK)]] | None = None
    share: float = Field(1.0, ge=0, le=1)
    text: str | None = None
    by: str = ""
    role: str | None = Field(None, description="the desk that gave it (drill room); none: the lead post")
    need: Literal["aviation", "ground", "relief"] | None = Field(None, description="request: what is asked up")
    route: Literal["chain", "flat"] = Field("chain", description="request: up the chain as the plan says, or "
                                                                 "flat, straight to the national post (越级)")
    deaths: NonNegativeInt | None = Field(None, description="sitrep / verify: the post's estimate of the dead")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Decision:
        _require(self.kind, self)
        return self


class Script(Strict):
    """A decisions file: what the room decides, when (for rehearsals, tests and counterfactuals)."""
    drill: str | None = None
    decisions: list[Decision] = []


class Expect(Strict):
    """An expected player action and its deadline (minutes after the inject, or after `after`)."""
    action: Action
    within_min: Minutes
    unit: str | None = None
    place: str | None = None
    level: ResponseLevel | None = None
    need: Literal["aviation", "ground", "relief"] | None = None
    after: str = "onset"
    by: str | None = Field(None, description="the role expected to act (default: the inject's addressee, the "
                                             "objective's owner)")

    def matches(self, decision: dict[str, Any], site_of: dict[str, str]) -> bool:
        """Does a logged decision do what is expected? Levels count when at least as severe; a unit
        may be named by type ("Mi-171" matches "Mi-171-ZUXC-1"); places by name or id."""
        if decision.get("kind") != self.action or not decision.get("ok", True):
            return False
        if self.need and decision.get("need") != self.need:
            return False
        if self.level and SEVERITY.index(decision.get("level") or "IV") < SEVERITY.index(self.level):
            return False
        unit = decision.get("unit") or ""
        if self.unit and not (unit == self.unit or unit.startswith(self.unit + "-")):
            return False
        return not self.place or site_of.get(self.place, self.place) == decision.get("site")


class NewIncident(Strict):
    place: str
    trapped: People = 0
    injured: People = 0
    homeless: People = 0
    killed: People = 0


class CloseBase(Strict):
    icao: str
    minutes: Minutes


class FalseReport(Strict):
    place: str
    deaths: People


class Effect(Strict):
    """What an inject does to the simulation (exactly one of these)."""
    new_incident: NewIncident | None = None
    cut_road: tuple[str, str] | None = None
    unserviceable: str | None = Field(None, description="an aircraft by name goes unserviceable")
    close_base: CloseBase | None = None
    false_report: FalseReport | None = None
    add_forces: Forces | None = Field(None, description="forces arriving unannounced (social teams, PLA units...)")

    @model_validator(mode="after")
    def _one(self) -> Effect:
        if len(self.model_fields_set) != 1:
            raise ValueError(f"give exactly one of {', '.join(type(self).model_fields)}")
        return self

    @property
    def name(self) -> str:
        return next(iter(self.model_fields_set))


class When(Strict):
    """The condition that releases a contingency inject (exactly one predicate)."""
    site_unreached: str | None = Field(None, description="no unit has arrived at this site by at_min")
    by: Literal["any", "air", "ground"] = "any"
    level_below: ResponseLevel | None = Field(None, description="response level still less severe at at_min")
    deaths_reported_at_least: People | None = Field(None, description="deaths reported to the lead post")
    missed: str | None = Field(None, description="the action expected by this inject id was not taken in time")
    at_min: Clock | None = None

    @model_validator(mode="after")
    def _one(self) -> When:
        given = [k for k in ("site_unreached", "level_below", "deaths_reported_at_least", "missed")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of site_unreached, level_below, deaths_reported_at_least, missed")
        if given[0] in ("site_unreached", "level_below") and self.at_min is None:
            raise ValueError(f"{given[0]} needs at_min: the minute at which it is checked")
        return self


class Inject(Strict):
    id: str
    at: Clock | None = None
    when: When | None = None
    from_: str = Field(alias="from")
    to: str
    channel: Channel = "phone"
    message: str
    expect: Expect | None = None
    objective: str | None = None
    effect: Effect | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _timed_or_conditional(self) -> Inject:
        if (self.at is None) == (self.when is None):
            raise ValueError("give exactly one of at (scenario time) / when (condition)")
        return self

    def card(self, t: float) -> dict[str, Any]:
        """What the players see (the console's card and the drill log's inject record)."""
        return {"id": self.id, "at": round(t, 4), "from": self.from_, "to": self.to, "channel": self.channel,
                "message": self.message}


class Role(Strict):
    """A desk of the drill room: the post it plays, whether the model stops deciding for that post,
    the orders it may give and the kinds of its post's units it tasks (none given: all of them)."""
    id: str
    name: str
    desk: Literal["player", "controller", "evaluator"] = "player"
    post: str | None = Field(None, description="place of the command post this desk plays (四川省, 泸定县)")
    played: bool = Field(False, description="the room plays the post: the model no longer decides its level "
                                            "(a county or municipal post: nor its requests, approvals, 续报)")
    may: list[Action] | None = Field(None, description="orders this desk may give (default: all its post may)")
    units: list[UnitKind] | None = Field(None, description="kinds of its post's units this desk tasks")


class Evidence(Strict):
    """What the events give for a critical task (exactly one): an expectation's outcome, the decisions
    of a kind (by a role), or the first event of a kind (at a place)."""
    expect: str | None = Field(None, description="an objective or inject id: its expected action's outcome")
    decision: Action | None = None
    event: str | None = Field(None, description="an event kind of the recorder: level, mutual_aid_approved, arrive")
    by: str | None = Field(None, description="decision: only this role's")
    place: str | None = Field(None, description="event: only at this place")

    @model_validator(mode="after")
    def _one(self) -> Evidence:
        if sum(v is not None for v in (self.expect, self.decision, self.event)) != 1:
            raise ValueError("give exactly one of expect, decision, event")
        return self


class CriticalTask(Strict):
    """A critical task of an evaluation guide, with the evidence the events give for it."""
    id: str
    text: str
    evidence: list[Evidence] = []


class Guide(Strict):
    """An exercise evaluation guide (EEG): the capability target and the critical tasks behind it."""
    capability: str
    tasks: list[CriticalTask] = Field(min_length=1)


class Objective(Strict):
    id: str
    text: str
    owner: str = ""
    element: Element = "planning"
    guide: Guide | None = None
    kpi: str | None = None
    at_least: float | None = None
    at_most: float | None = None
    expect: Expect | None = None

    @model_validator(mode="after")
    def _kpi_or_action(self) -> Objective:
        if (self.kpi is None) == (self.expect is None):
            raise ValueError("give exactly one of kpi (with at_least / at_most) / expect (an action and deadline)")
        if self.kpi is not None and (self.at_least is None) == (self.at_most is None):
            raise ValueError("a KPI objective needs exactly one of at_least / at_most")
        return self


Grade = Literal["deficiency", "corrective", "improvement"]


class Improvement(Strict):
    """A corrective action the exercise planners prepared for a finding on an objective or inject, with
    an optional machine-readable change to the plan: dotted-path patches (as sweep overrides use) or
    a plan fragment merged like `extends:`."""
    for_: str = Field(alias="for", description="the objective or inject id whose finding this answers")
    action: str
    owner: str | None = Field(None, description="role responsible (default: the finding's owner)")
    element: Element | None = None
    change: dict[str, Any] | None = Field(None, description="dotted path -> value, e.g. command.structure: flat")
    plan: dict[str, Any] | None = Field(None, description="a plan fragment: its keys override the plan's")


class Msel(Strict):
    drill: str
    title: str = ""
    scenario: str
    seed: int = Field(0, ge=0, le=MAX_SEED)
    date: Annotated[dt.date, AfterValidator(_in_years)] | None = Field(
        None, description="day of the exercise: improvement-plan due dates count from it")
    due_days: int = Field(90, gt=0, le=3650, description="days to complete corrective actions")
    due_days_by_grade: dict[Grade, Annotated[int, Field(gt=0, le=3650)]] = Field(
        {}, description="days per finding grade (deficiency: before the next drill); others take due_days")
    roles: list[Role] = []
    objectives: list[Objective] = Field(min_length=1)
    injects: list[Inject] = Field(min_length=1)
    improvements: list[Improvement] = []


@dataclass(frozen=True)
class LoadedMsel:
    """A checked MSEL with its scenario loaded: what a session is built from."""
    path: Path
    msel: Msel
    loaded: LoadedScenario

    def inject(self, inject_id: str) -> Inject:
        return next(i for i in self.msel.injects if i.id == inject_id)

    def role_name(self, role_id: str) -> str:
        return next((r.name for r in self.msel.roles if r.id == role_id), role_id)


def load_msel(path: str | Path) -> LoadedMsel:
    """Parse, validate and cross-check an MSEL and load its scenario; ScenarioError lists every problem."""
    path = Path(path)
    doc = YamlDoc(path)
    msel = doc.validate(Msel)
    scenario_path = path.parent / msel.scenario
    if not scenario_path.is_file():
        raise ScenarioError([doc.problem(("scenario",), f"scenario file {scenario_path} not found")])
    loaded = load_scenario(scenario_path)
    problems = [doc.problem(loc, msg) for loc, msg in cross_check(msel, loaded)]
    if problems:
        raise ScenarioError(problems)
    return LoadedMsel(path, msel, loaded)


def load_script(path: str | Path, msel: LoadedMsel) -> list[Decision]:
    """A decisions file, checked against the drill's scenario (times within it, known places)."""
    doc = YamlDoc(Path(path))
    script = doc.validate(Script)
    end, sites = msel.loaded.scenario.hours * 60, _site_names(msel.loaded)
    found: list[tuple[Loc, str]] = []
    for i, d in enumerate(script.decisions):
        if d.at >= end:
            found.append((("decisions", i, "at"), f"{d.at:g} min is after the scenario's end ({end:g} min)"))
        found.extend(_place(("decisions", i, "place"), d.place, sites))
    if found:
        raise ScenarioError([doc.problem(loc, msg) for loc, msg in found])
    return sorted(script.decisions, key=lambda d: d.at)


def cross_check(m: Msel, loaded: LoadedScenario) -> list[tuple[Loc, str]]:
    """References an MSEL makes: ids, roles, objectives, KPI names, places, times within the scenario."""
    out = _duplicates("roles", m.roles) + _duplicates("objectives", m.objectives) + _duplicates("injects", m.injects)
    roles, objectives = {r.id for r in m.roles}, {o.id for o in m.objectives}
    inject_ids = [i.id for i in m.injects]
    sites, end = _site_names(loaded), loaded.scenario.hours * 60
    for n, r in enumerate(m.roles):
        out.extend(_place(("roles", n, "post"), r.post, sites))
    for n, o in enumerate(m.objectives):
        at = ("objectives", n)
        if o.kpi is not None and (why := kpi_problem(o.kpi)) is not None:
            out.append(((*at, "kpi"), why))
        if o.expect is not None:
            if o.expect.after not in (*ANCHORS, *inject_ids):
                out.append(((*at, "expect", "after"), f"'{o.expect.after}' is neither an inject id nor one of "
                                                      f"{', '.join(ANCHORS)}"))
            out.extend(_place((*at, "expect", "place"), o.expect.place, sites))
        if roles and o.owner and o.owner not in roles:
            out.append(((*at, "owner"), f"unknown role '{o.owner}'; roles: {', '.join(sorted(roles))}"))
        out.extend(_role((*at, "expect", "by"), o.expect and o.expect.by, roles))
        out.extend(_guide((*at, "guide"), o.guide, roles, objectives | set(inject_ids)))
    for n, i in enumerate(m.injects):
        out.extend(_check_inject(("injects", n), i, roles, objectives, inject_ids[:n], sites, end))
        out.extend(_role(("injects", n, "expect", "by"), i.expect and i.expect.by, roles))
    for n, item in enumerate(m.improvements):
        if item.for_ not in objectives | set(inject_ids):
            out.append((("improvements", n, "for"), f"'{item.for_}' is neither an objective nor an inject id"))
        out.extend(_role(("improvements", n, "owner"), item.owner, roles))
    return out


def _role(loc: Loc, role: str | None, roles: set[str]) -> list[tuple[Loc, str]]:
    if role is None or not roles or role in roles:
        return []
    return [(loc, f"unknown role '{role}'; roles: {', '.join(sorted(roles))}")]


def _guide(at: Loc, guide: Guide | None, roles: set[str], ids: set[str]) -> list[tuple[Loc, str]]:
    """An evaluation guide's evidence names expectations and roles that exist."""
    out: list[tuple[Loc, str]] = []
    for t, task in enumerate(guide.tasks if guide else []):
        for e, ev in enumerate(task.evidence):
            loc = (*at, "tasks", t, "evidence", e)
            if ev.expect is not None and ev.expect not in ids:
                out.append(((*loc, "expect"), f"'{ev.expect}' is neither an objective nor an inject id"))
            out.extend(_role((*loc, "by"), ev.by, roles))
    return out


def _check_inject(at: Loc, i: Inject, roles: set[str], objectives: set[str], earlier: list[str],
                  sites: set[str], end: float) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    if roles and i.to not in roles:
        out.append(((*at, "to"), f"unknown role '{i.to}'; roles: {', '.join(sorted(roles))}"))
    if i.objective and i.objective not in objectives:
        out.append(((*at, "objective"), f"unknown objective '{i.objective}'"))
    if i.at is not None and i.at >= end:
        out.append(((*at, "at"), f"{i.at:g} min is after the scenario's end ({end:g} min)"))
    if i.when is not None:
        out.extend(_place((*at, "when", "site_unreached"), i.when.site_unreached, sites))
        if i.when.at_min is not None and i.when.at_min >= end:
            out.append(((*at, "when", "at_min"), f"{i.when.at_min:g} min is after the scenario's end ({end:g} min)"))
        if i.when.missed is not None and i.when.missed not in earlier:
            out.append(((*at, "when", "missed"), f"'{i.when.missed}' is not an earlier inject"))
    if i.expect is not None:
        out.extend(_place((*at, "expect", "place"), i.expect.place, sites))
    if i.effect is not None:
        e = i.effect
        for loc, place in ((("new_incident", "place"), e.new_incident and e.new_incident.place),
                           (("false_report", "place"), e.false_report and e.false_report.place),
                           (("cut_road", 0), e.cut_road and e.cut_road[0]),
                           (("cut_road", 1), e.cut_road and e.cut_road[1])):
            out.extend(_place((*at, "effect", *loc), place, sites))
    return out


def _duplicates(key: str, items: list) -> list[tuple[Loc, str]]:
    seen: set[str] = set()
    out = []
    for n, item in enumerate(items):
        if item.id in seen:
            out.append(((key, n, "id"), f"duplicate id '{item.id}'"))
        seen.add(item.id)
    return out


def _site_names(loaded: LoadedScenario) -> set[str]:
    return {s.name for s in loaded.scenario.sites}


def _place(loc: Loc, name: str | None, sites: set[str]) -> list[tuple[Loc, str]]:
    if name is None or name in sites:
        return []
    try:
        gazetteer().find(name)
    except KeyError as exc:
        return [(loc, exc.args[0])]
    return []
