"""The drill session: runs the model on the scenario clock, releases injects, applies the room's decisions.

Determinism is the rule everything here serves. The model only ever moves forward by `env.step()`
(so contingency injects are seen at the event that makes their condition true) and stops at an
agenda minute by `env.run(until=...)`, where injects (in MSEL order) and then decisions (in the
order taken) are applied through `sim.command.interventions`. A decision is logged with the sim minute it
took effect, so replaying scenario + seed + logged decisions rebuilds the exact state: that is how
`--resume` and `--branch-at` work. Wall-clock time goes to the drill log only.

A session is also the console's `DecisionSink`, `InjectSource` and event `Source` (`viz.app.App`).
In the drill room each decision comes from a desk (an MSEL role): the session refuses what the desk
may not order or a unit it does not task, logs who decided, and tells the model which posts the
room plays (`Command.played`): the model stops deciding their response level, a played county or
municipal post asks for nothing and approves nothing by itself (requests reaching it are held for
its desk, whose dispatch, release of stock or airlift assignment answers them as the post's approval,
or which asks up the chain by `request`), and after its first report only its
desk's sitrep (续报) climbs the chain; the post still learns its sites' follow-ups.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from drills.conditions import Watcher
from drills.log import DrillLog
from drills.msel import REQUIRED, Decision, Inject, LoadedMsel, Role
from sim.command import interventions as iv
from sim.events import Event
from sim.metrics import summarize
from sim.model import ResponseModel
from sim.world.geo import gazetteer

GRID = 100          # decisions that arrive between two events take effect at the next 1/100 minute
INJECT, DECISION, MISSED, LATE = 0, 1, 2, 3     # order of agenda items due at the same minute: what the room
# decides live (LATE) comes after everything else due at its minute, as it did when it was decided
POST_LEVEL = {"county": "county", "city": "municipal", "province": "provincial"}
LEAD_ONLY = ("set_level", "mutual_aid")
ROOM = "room"                           # the console's and scripts' decisions: no desk, the lead post decides
CARD = ("from", "to", "channel", "message")     # what a controller types for an ad-hoc inject


@dataclass(frozen=True)
class Desk:
    """An MSEL role as the session sees it: the post it plays (`level:name`, as `CommandPost.name`)."""
    role: Role
    post: str | None
    place_id: str | None

    @classmethod
    def of(cls, role: Role) -> Desk:
        if role.post is None:
            return cls(role, None, None)
        place = gazetteer().find(role.post)
        if place.level not in POST_LEVEL:
            raise ValueError(f"role {role.id}: {role.post} is a {place.level}, not a county, city or province")
        return cls(role, f"{POST_LEVEL[place.level]}:{place.name}", place.id)

    def tasks_kind(self, kind: str) -> bool:
        return self.role.units is None or kind in self.role.units


def _post(model, desk: Desk | None):
    """The command post a desk plays (the lead post for the room and for desks without a post)."""
    if desk is None or desk.place_id is None:
        return model.command.lead
    return model.command.post(desk.place_id)


def _site(model, place: str):
    group = next((g for g in model.groups if place in (g.place.id, g.place.name)), None)
    if group is None:
        raise iv.InterventionError(f"no affected site {place!r}")
    return group


def _request(model, post, d: dict[str, Any]) -> None:
    """Ask up the chain (tiered or flat, as the plan says; `route: flat` sends this one request straight to
    the national post) from the desk's post; what was held there of that need for the site goes up with it."""
    g, command = _site(model, d["place"]), model.command
    if d["need"] == "relief" and not g.outstanding():
        raise iv.InterventionError(f"{g.place.name} needs no more relief")
    flat = d.get("route") == "flat"
    model.recorder.record(model.env.now, "order", "player", g.place.id, order="request", need=d["need"], by=post.name,
                          **({"route": "flat"} if flat else {}))
    if d["need"] == "aviation":
        command.request_flight(g, post, "rescue", flat=flat)
    elif d["need"] == "ground":
        command.request_teams(g, post, 1, flat=flat)
    else:
        command.request_relief(g, post, flat=flat)
    post.forward(g, d["need"])


def _sitrep(model, post, d: dict[str, Any]) -> None:
    """信息报送 / 续报: the desk's own estimate of the dead at a site, sent up like the model's reports."""
    g = _site(model, d["place"])
    post.estimates[g.place.id] = d["deaths"]
    model.recorder.record(model.env.now, "report", post.name, g.place.id, deaths=d["deaths"], sitrep=True)
    model.command.relay(post, g, d["deaths"])


def _judge(model, post, d: dict[str, Any]) -> None:
    """Verify (keep, or correct to `deaths`) or deny (back to the last genuine report) the post's estimate."""
    g = _site(model, d["place"])
    if d["kind"] == "verify":
        deaths = d.get("deaths", post.estimates.get(g.place.id, 0))
    else:
        deaths = next((e.data["deaths"] for e in reversed(model.recorder.events) if e.kind == "report"
                       and e.agent == post.name and e.place == g.place.id and e.data.get("relayed_by") != post.name
                       and "assessed" not in e.data), 0)
    post.estimates[g.place.id] = deaths
    model.recorder.record(model.env.now, "report", post.name, g.place.id, deaths=deaths, assessed=d["kind"])
    if post is model.command.lead:
        model.command.assess(post)


DESK_ORDERS = {"request": _request, "sitrep": _sitrep, "verify": _judge, "deny": _judge}
HOLD_ANSWERS = {
    "dispatch": lambda model, d, post: iv.dispatch(model, d["unit"], d["place"], post),
    "release_stock": lambda model, d, post: iv.release_stock(model, d["depot"], d["place"], d["items"], post),
    "assign_airlift": lambda model, d, post: iv.assign_airlift(model, d["unit"], d.get("place"), post),
}


def _apply(model, d: dict[str, Any], desk: Desk | None = None) -> None:
    kind = d["kind"]
    if kind in DESK_ORDERS:
        DESK_ORDERS[kind](model, _post(model, desk), d)
    elif kind == "set_level":
        iv.set_level(model, d["level"], d.get("text") or "decided by the room")
    elif kind == "mutual_aid":
        iv.request_mutual_aid(model)
    elif kind in HOLD_ANSWERS:      # a desk's order answers what is held at its post; the room's retasks
        HOLD_ANSWERS[kind](model, d, None if desk is None else _post(model, desk))
    elif kind == "evacuate":
        iv.order_evacuation(model, d["place"], d.get("share", 1.0))
    else:
        iv.note(model, d["text"])


def _effect(model, inject: Inject) -> None:
    e = inject.effect
    if e.new_incident is not None:
        iv.new_incident(model, **e.new_incident.model_dump())
    elif e.cut_road is not None:
        iv.cut_road(model, *e.cut_road)
    elif e.unserviceable is not None:
        iv.ground_aircraft(model, e.unserviceable)
    elif e.close_base is not None:
        iv.close_base(model, e.close_base.icao, e.close_base.minutes)
    elif e.add_forces is not None:
        iv.add_forces(model, e.add_forces)
    else:
        iv.false_report(model, e.false_report.place, e.false_report.deaths)


@dataclass(order=True)
class Item:
    t: float
    phase: int
    seq: int
    what: Any = field(compare=False)


class Session:
    """One drill: the model, the agenda of injects and decisions, the log."""

    def __init__(self, msel: LoadedMsel, log: DrillLog, seed: int | None = None, pause_at_injects: bool = False,
                 pace_s: float = 0.0) -> None:
        self.msel, self.log = msel, log
        self.seed = msel.msel.seed if seed is None else seed
        self.model = ResponseModel(msel.loaded, self.seed)
        self.env = self.model.env
        self.end = self.model.spec.hours * 60
        self.watch = Watcher(self.model)
        self.pause_at_injects, self.pace_s = pause_at_injects, pace_s
        self.paused = self.finished = False
        self.agenda: list[Item] = []
        self.watching: list[Inject] = []
        self.released: list[dict[str, Any]] = []
        self.decided: list[dict[str, Any]] = []
        self._seq = 0
        self._clean = True          # reached env.now by run(until=...): a decision may take effect right here
        self._read = 0
        self.desks = {r.id: Desk.of(r) for r in msel.msel.roles}
        self.model.command.played = {d.post for d in self.desks.values() if d.role.played and d.post}
        self.acks: dict[tuple[str, str], dict[str, Any]] = {}        # (inject, role) -> its ack record
        self.deliveries: dict[tuple[str, str], dict[str, Any]] = {}  # (inject, role) -> first shown on a page
        self.refused: list[dict[str, Any]] = []
        self.started = False
        self.shown = 0.0            # the minute the room sees: the clock has run to here (events may be earlier)
        for inject in msel.msel.injects:
            self._plan(inject)

    # -- agenda --------------------------------------------------------------------------------
    def _push(self, t: float, phase: int, what: Any) -> None:
        self._seq += 1
        self.agenda.append(Item(t, phase, self._seq, what))
        self.agenda.sort()

    def _plan(self, inject: Inject) -> None:
        when = inject.when
        if when is None:
            self._push(inject.at, INJECT, inject)
        elif when.missed is None and not Watcher.continuous(when):
            self._push(when.at_min, INJECT, inject)
        elif when.missed is None:
            self.watching.append(inject)

    def queue(self, decisions: list[Decision | dict[str, Any]], source: str) -> None:
        """Decisions to take at their minutes (a script, or the decisions of a log being replayed)."""
        for d in decisions:
            d = d.model_dump(exclude_defaults=True) if isinstance(d, Decision) else dict(d)
            d["source"] = d.get("source", source)
            self._push(d["at"], DECISION if d["source"] == "script" else LATE, d)

    def replay(self, records: list[dict[str, Any]]) -> None:
        """What a log holds that the MSEL does not: its decisions and ad-hoc injects (in the order taken,
        so that those due at one minute replay in that order), acknowledgements, deliveries, STARTEX."""
        for r in records:
            if r["rec"] == "decision":
                self.queue([r], ROOM)
            elif r["rec"] == "inject" and r.get("adhoc"):
                self._push(r["t"], LATE, _adhoc(r))
            elif r["rec"] == "refused":
                self.refused.append(r)
            elif r["rec"] in ("ack", "delivered"):
                (self.acks if r["rec"] == "ack" else self.deliveries)[(r["inject"], r["role"])] = r
            self.started = self.started or r["rec"] == "startex"

    # -- the clock -----------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    def advance_to(self, t: float) -> float:
        """Run to minute t (or to the end); returns the minute to show, earlier when an inject paused the drill."""
        t = min(t, self.end)
        while not self.paused:
            due = self.agenda[0].t if self.agenda and self.agenda[0].t <= t else None
            if self._run(t if due is None else due, stop=due is not None) or due is None:
                break
            self._do_due()
        self.shown = max(self.shown, self.env.now if self.paused else t)
        return self.env.now if self.paused else t

    def _run(self, t: float, stop: bool) -> bool:
        """Step through the events before minute t, watching conditions, and with `stop` halt the clock at t
        (only agenda minutes: the clock's float arithmetic then follows the same path in every replay).
        True when a contingency inject paused the drill."""
        env = self.env
        while env.peek() < t:
            env.step()
            self._clean = False
            if self.watching and self._watch() and self.paused:
                return True
        if stop and env.now < t:
            env.run(until=t)
            self._clean = True
        return False

    def _watch(self) -> bool:
        fired = [i for i in self.watching if self.env.now >= (i.when.at_min or 0.0) and self.watch.holds(i.when)]
        for inject in fired:
            self.watching.remove(inject)
            self._release(inject)
        return bool(fired)

    def _do_due(self) -> None:
        while self.agenda and self.agenda[0].t <= self.env.now:
            item = self.agenda.pop(0)
            if item.phase == LATE and isinstance(item.what, Inject):
                self._release(item.what, adhoc=True)
            elif item.phase in (DECISION, LATE):
                self._decide(item.what)
            elif item.phase == MISSED:
                inject, expected_by = item.what
                if not self._met(expected_by):
                    self._release(inject)
            elif item.what.when is None or self.watch.holds(item.what.when):
                self._release(item.what)
            if self.watching:
                self._watch()

    # -- injects ---------------------------------------------------------------------------------
    def _release(self, inject: Inject, adhoc: bool = False) -> None:
        t, replaying = self.env.now, self.log.replaying
        result = "ok"
        if inject.effect is not None:
            try:
                _effect(self.model, inject)
            except (iv.InterventionError, KeyError) as exc:
                result = f"effect not applied: {exc}"
        self.model.recorder.record(t, "inject", "controller", "", id=inject.id, to=inject.to, message=inject.message)
        record = self.log.write("inject", t=t, **inject.card(t), expect=_dump(inject.expect),
                                effect=inject.effect.name if inject.effect else None,
                                conditional=inject.when is not None, result=result,
                                **({"adhoc": True} if adhoc else {}))
        self.released.append(record)
        for other in self.msel.msel.injects:
            if other.when is not None and other.when.missed == inject.id and inject.expect is not None:
                self._push(t + inject.expect.within_min, MISSED, (other, (inject, t)))
        if self.pause_at_injects and not replaying:
            self.pause(f"inject {inject.id}")
        self._pace(replaying)

    def _met(self, expected_by: tuple[Inject, float]) -> bool:
        inject, t0 = expected_by
        return any(inject.expect.matches(d, self.watch.site_of) for d in self.decided if d["t"] >= t0)

    # -- decisions -------------------------------------------------------------------------------
    def submit(self, decision: dict[str, Any], role: str | None = None) -> dict[str, Any] | None:
        """A decision of the room (console or facilitator) or of a desk (`role`): takes effect now, or at
        its later `at`. Returns the log record once applied (or refused), None while it waits for its minute."""
        if role is not None:
            refused = self.refusal(role, decision)
            if refused:
                self.refused.append(self.log.write("refused", t=self.shown, role=role, decision=decision,
                                                   reason=refused))
                return self.refused[-1]
            decision = {**decision, "role": role}
        at = max(float(decision.get("at", self.shown)), self._earliest())
        try:
            Decision.model_validate({**decision, "at": at})
        except ValidationError as exc:
            return self.log.write("rejected", t=self.env.now, decision=decision, error=str(exc).splitlines()[0])
        self._push(at, LATE, {**decision, "at": at, "source": decision.get("source", ROOM)})
        if at > self.env.now:
            return None
        self._do_due()
        return self.decided[-1]

    def decide_now(self, decision: dict[str, Any], role: str | None = None) -> dict[str, Any]:
        """A desk's order, in effect before this returns (at the next grid minute, paused or not)."""
        record = self.submit(decision, role)
        if record is None:
            self.settle()
            record = self.decided[-1]
        return record

    def _earliest(self) -> float:
        """Now, if the clock stopped cleanly here; else the next grid minute (a replay can stop there)."""
        now = self.env.now
        return now if self._clean else (math.floor(now * GRID) + 1) / GRID

    def _decide(self, d: dict[str, Any]) -> None:
        """Apply one decision; its record keeps `at` (the agenda minute a replay stops at) and `t` (now)."""
        replaying = self.log.replaying
        error = None
        try:
            _apply(self.model, d, self.desks.get(d.get("role") or ""))
        except (iv.InterventionError, KeyError) as exc:
            error = str(exc)
        self.watch.update()
        fields = {k: v for k, v in d.items() if k not in ("t", "ok", "error", "site", "rec", "wall")}
        site = self.watch.site_of.get(d["place"], d["place"]) if d.get("place") else None
        self.decided.append(self.log.write("decision", t=self.env.now, **fields, site=site, ok=error is None,
                                           error=error))
        self._pace(replaying)

    def _pace(self, replaying: bool) -> None:
        if self.pace_s and not replaying:
            time.sleep(self.pace_s)

    # -- desks of the drill room -----------------------------------------------------------------------
    def orders(self, role: str) -> list[str]:
        """The orders a desk may give: those its MSEL role lists, within what its post may order."""
        desk = self.desks.get(role)
        if desk is None or desk.role.desk != "player":
            return []
        lead = self.model.command.lead          # known once the hazard strikes
        kinds = [k for k in REQUIRED if desk.role.may is None or k in desk.role.may]
        if lead is None or desk.post != lead.name:
            kinds = [k for k in kinds if k not in LEAD_ONLY]
        return kinds

    def refusal(self, role: str, d: dict[str, Any]) -> str | None:
        """Why a desk may not give this order (None: it may). Ownership follows the model: a post tasks
        what it or its subordinates own, and a desk only the kinds of units its role lists."""
        if role not in self.desks:
            return f"no desk {role!r}"
        kind, desk = d.get("kind"), self.desks[role]
        if kind not in self.orders(role):
            lead = self.model.command.lead
            why = (f"only the lead post ({lead.name if lead else 'not yet known'}) does" if kind in LEAD_ONLY and
                   desk.role.desk == "player" and (desk.role.may is None or kind in desk.role.may) else
                   f"its orders are {', '.join(self.orders(role)) or 'none'}")
            return f"{role} may not order {kind!r}: {why}"
        if kind in ("dispatch", "assign_airlift"):
            unit = next((u for u in [*self.model.aircraft, *self.model.teams] if u.name == d.get("unit")), None)
            return self._not_tasked(desk, unit, d.get("unit"))
        if kind == "release_stock":
            depot = next((x for x in self.model.depots if d.get("depot") in (x.name, x.place.name)), None)
            return self._not_tasked(desk, depot, d.get("depot"))
        if kind in ("request", "sitrep", "evacuate", "verify", "deny") and d.get("place"):
            return self._outside(desk, d["place"])
        return None

    def kind_of(self, thing) -> str:
        return "aircraft" if thing in self.model.aircraft else "teams" if thing in self.model.teams else "depots"

    def tasks(self, desk: Desk, thing) -> bool:
        """Does this desk task this unit or depot?"""
        return desk.tasks_kind(self.kind_of(thing)) and desk.post in [p.name for p in thing.owner.ancestors()]

    def _not_tasked(self, desk: Desk, thing, name: str | None) -> str | None:
        if thing is None:
            return f"no unit or depot named {name!r}"
        if self.tasks(desk, thing):
            return None
        kind = self.kind_of(thing)
        why = f"it belongs to {thing.owner.name}" if desk.tasks_kind(kind) else f"{desk.role.id} tasks no {kind}"
        return f"{thing.name} is not {desk.role.id}'s to task: {why}"

    def _outside(self, desk: Desk, place: str) -> str | None:
        try:
            g = _site(self.model, place)
        except iv.InterventionError as exc:
            return str(exc)
        county = self.model.command.posts.get(self.model.world.county_of.get(g.place.id, g.place.id))
        if county is None or desk.post not in [p.name for p in county.ancestors()]:
            return f"{g.place.name} is outside {desk.post}'s jurisdiction"
        return None

    def acknowledge(self, inject_id: str, role: str) -> dict[str, Any]:
        """A desk acknowledges an inject addressed to it (once; later presses return the first record)."""
        if not any(r["id"] == inject_id and r["to"] == role for r in self.released):
            raise KeyError(f"inject {inject_id} was not released to {role}")
        key = (inject_id, role)
        if key not in self.acks:
            self.acks[key] = self.log.write("ack", t=self.shown, inject=inject_id, role=role)
        return self.acks[key]

    def observe(self, role: str, objective: str, text: str, task: str | None = None) -> dict[str, Any]:
        """An evaluator's observation, logged at the minute the room sees (the AAR shows it by the evidence)."""
        from drills.signoff import Observation, observation_problem
        desk = self.desks.get(role)
        if desk is None or desk.role.desk != "evaluator":
            raise ValueError(f"{role} is not an evaluator desk")
        if (why := observation_problem(self.msel, objective, task or None)) is not None:
            raise ValueError(why)
        obs = Observation(objective=objective, task=task or None, text=text.strip(), by=role, t=self.shown)
        return self.log.write("observation", **obs.model_dump())

    def deliver(self, inject_id: str, role: str) -> None:
        """An inject was first shown on a page of its addressee (logged once, for the controller's table)."""
        key = (inject_id, role)
        if key not in self.deliveries:
            self.deliveries[key] = self.log.write("delivered", t=self.shown, inject=inject_id, role=role)

    def inject_now(self, card: dict[str, Any]) -> dict[str, Any] | None:
        """An ad-hoc inject typed by a controller (or a SimCell answer as an unplayed post): released at the
        next minute a replay can stop at, logged like an MSEL inject (with `adhoc`)."""
        n = 1 + sum(1 for r in self.released if r.get("adhoc")) + sum(
            1 for i in self.agenda if i.phase == LATE and isinstance(i.what, Inject))
        fields = {k: card[k] for k in CARD if k in card}
        inject = Inject.model_validate({**fields, "id": f"X-{n:02d}", "at": max(self.shown, self._earliest())})
        if inject.to not in self.desks:
            raise ValueError(f"no desk {inject.to!r}")
        self._push(inject.at, LATE, inject)
        if inject.at > self.env.now:
            return None
        self._do_due()
        return self.released[-1]

    def startex(self) -> None:
        if not self.started:
            self.started = True
            self.log.write("startex", t=self.shown)

    def settle(self) -> None:
        """Take what the room just decided while the clock stood between two grid minutes: run to the
        next one (at most 1/100 minute), paused or not, so that a paused room's orders take effect."""
        if self.agenda and self.agenda[0].phase == LATE and self.agenda[0].t <= max(self.shown,
                                                                                     self.env.now + 1 / GRID):
            self._run_to(self.agenda[0].t)

    def jump(self, t: float) -> float:
        """The controller's jump forward to minute t, paused or not (the clock never goes back: branch
        from the log for that)."""
        if t <= self.shown:
            raise ValueError(f"T+{t:g} min is not after now (T+{self.shown:g} min)")
        self.log.write("jump", t=self.shown, to=t)
        return self._run_to(t)

    def _run_to(self, t: float) -> float:
        paused, self.paused = self.paused, False
        shown = self.advance_to(t)
        self.paused = self.paused or paused
        return shown

    def endex(self) -> dict[str, Any]:
        """ENDEX, the only end of a drill: play out the rest of the scenario for its KPIs and log the end."""
        if not self.finished:
            self.log.write("endex", t=self.env.now)
        return self.finish()

    def leave(self, reason: str) -> None:
        """The room left (window closed, server stopped): pause and close the log, which stays resumable."""
        if not self.finished:
            self.pause(reason)
        self.log.close()

    # -- facilitator controls ----------------------------------------------------------------------
    def pause(self, reason: str = "facilitator") -> None:
        self.paused = True
        self.log.write("pause", t=self.env.now, reason=reason)

    def resume(self) -> None:
        self.paused = False
        self.log.write("resume", t=self.env.now)

    def finish(self) -> dict[str, Any]:
        """Play the rest of the scenario (injects still fire, nobody decides) and log the end."""
        self.paused, self.pause_at_injects = False, False
        self.advance_to(self.end)
        if not self.finished:
            self.model.run()
            self.finished = True
            summary = self.summary()
            self.log.write("end", t=self.env.now, kpis={k: v for k, v in summary.items() if not isinstance(v, dict)})
        return self.summary()

    def summary(self) -> dict[str, Any]:
        loaded = self.msel.loaded
        out = {"drill": self.msel.msel.drill, "scenario": loaded.scenario.scenario, "plan": loaded.plan.plan,
               "seed": self.seed, "sim_hours": loaded.scenario.hours, "events": len(self.model.recorder.events)}
        out.update(summarize(self.model.recorder.events))
        return json.loads(json.dumps(out))

    def write_outputs(self, out: Path) -> None:
        """events.jsonl and summary.json beside the drill log (atomically, like `run`)."""
        out.mkdir(parents=True, exist_ok=True)
        self.model.recorder.write(out / "events.jsonl")
        tmp = out / "summary.json.tmp"
        tmp.write_text(json.dumps(self.summary(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(out / "summary.json")

    # -- the console's protocols (viz.console.InjectSource, viz.source.Source) ----------------------
    def cards(self, t: float) -> list[dict[str, Any]]:
        """The latest inject cards released by minute t, newest first."""
        cards = [{k: r[k] for k in ("id", "at", "from", "to", "channel", "message")} for r in self.released
                 if r["t"] <= t + 1e-9]
        return cards[::-1][:3]

    def advance(self, t: float) -> list[Event]:
        if t >= self.end:
            self.finish()
        else:
            self.advance_to(t)
        new = self.model.recorder.events[self._read:]
        self._read += len(new)
        return new

    def next_event(self, after: float) -> float | None:
        """Minute of the next event after `after`, running the clock on (a minute at a time) to find it."""
        events = self.model.recorder.events
        while True:
            nxt = next((e.t for e in events[self._read:] if e.t > after), None)
            if nxt is not None or self.finished or self.paused:
                return nxt
            if self.env.peek() >= self.end:
                return self.end
            self.advance_to(math.floor(self.env.peek()) + 1.0)


def _adhoc(record: dict[str, Any]) -> Inject:
    return Inject.model_validate({k: record[k] for k in ("id", *CARD)} | {"at": record["t"]})


def _dump(model) -> dict[str, Any] | None:
    return model.model_dump(exclude_none=True) if model is not None else None
