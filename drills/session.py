"""The drill session: runs the model on the scenario clock, releases injects, applies the room's decisions.

Determinism is the rule everything here serves. The model only ever moves forward by `env.step()`
(so contingency injects are seen at the event that makes their condition true) and stops at an
agenda minute by `env.run(until=...)`, where injects (in MSEL order) and then decisions (in the
order taken) are applied through `sim.command.interventions`. A decision is logged with the sim minute it
took effect, so replaying scenario + seed + logged decisions rebuilds the exact state: that is how
`--resume` and `--branch-at` work. Wall-clock time goes to the drill log only.

A session is also the console's `DecisionSink`, `InjectSource` and event `Source` (`viz.app.App`).
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
from drills.msel import Decision, Inject, LoadedMsel
from sim.command import interventions as iv
from sim.events import Event
from sim.metrics import summarize
from sim.model import ResponseModel

GRID = 100          # decisions that arrive between two events take effect at the next 1/100 minute
INJECT, DECISION, MISSED = 0, 1, 2      # order of agenda items due at the same minute


def _apply(model, d: dict[str, Any]) -> None:
    kind = d["kind"]
    if kind == "dispatch":
        iv.dispatch(model, d["unit"], d["place"])
    elif kind == "set_level":
        iv.set_level(model, d["level"], d.get("text") or "decided by the room")
    elif kind == "mutual_aid":
        iv.request_mutual_aid(model)
    elif kind == "release_stock":
        iv.release_stock(model, d["depot"], d["place"], d["items"])
    elif kind == "assign_airlift":
        iv.assign_airlift(model, d["unit"])
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
            self._push(d["at"], DECISION, {**d, "source": d.get("source", source)})

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
            if item.phase == DECISION:
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
    def _release(self, inject: Inject) -> None:
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
                                conditional=inject.when is not None, result=result)
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
    def submit(self, decision: dict[str, Any]) -> dict[str, Any] | None:
        """A decision of the room (console or facilitator): takes effect now, or at its later `at`.
        Returns the log record once applied, None while it waits for its minute."""
        at = max(float(decision.get("at", 0.0)), self._earliest())
        try:
            Decision.model_validate({**decision, "at": at})
        except ValidationError as exc:
            return self.log.write("rejected", t=self.env.now, decision=decision, error=str(exc).splitlines()[0])
        self._push(at, DECISION, {**decision, "at": at, "source": decision.get("source", "room")})
        if at > self.env.now:
            return None
        self._do_due()
        return self.decided[-1]

    def _earliest(self) -> float:
        """Now, if the clock stopped cleanly here; else the next grid minute (a replay can stop there)."""
        now = self.env.now
        return now if self._clean else (math.floor(now * GRID) + 1) / GRID

    def _decide(self, d: dict[str, Any]) -> None:
        """Apply one decision; its record keeps `at` (the agenda minute a replay stops at) and `t` (now)."""
        replaying = self.log.replaying
        error = None
        try:
            _apply(self.model, d)
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


def _dump(model) -> dict[str, Any] | None:
    return model.model_dump(exclude_none=True) if model is not None else None
