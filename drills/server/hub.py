"""The hub: the one drill session behind the server, its clock, its desks' join codes and its listeners.

Every page's order, acknowledgement and control goes through `Hub.handle` with the role its join code
proved, and reaches the session (which refuses what the role may not do). The hub runs the scenario
clock while STARTEX is given and the session is not paused, digests new events into what each post
knows, and wakes every page (and the wall) after anything changed. A lock guards the session: pages
are served on the event loop, the wall display reads from its own thread.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import queue
import secrets
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from drills.msel import parse_clock
from drills.server.views import Knowledge, control_view, desk_view
from drills.session import Session
from sim.command.interventions import InterventionError

TICK_S = 0.2                        # how often the clock moves (wall seconds)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"     # no 0/O, 1/I: codes are read aloud and typed on tablets
CONTROLS = ("startex", "endex", "pause", "resume", "speed", "jump", "inject")


def new_codes(roles: list[str]) -> dict[str, str]:
    """A fresh random join code per desk (printed once; the log keeps only their hashes)."""
    return {r: "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(2)) for r in roles}


def hashed(codes: dict[str, str], salt: str | None = None) -> dict[str, Any]:
    salt = salt or secrets.token_hex(8)
    return {"salt": salt, "sha256": {r: _digest(salt, c) for r, c in codes.items()}}


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code.strip().upper()}".encode()).hexdigest()


class Hub:
    """The session as the server and the wall see it."""

    def __init__(self, session: Session, join: dict[str, Any], out: Path, lang: str, speed: float) -> None:
        self.session, self.join, self.out, self.lang, self.speed = session, join, out, lang, speed
        self.lock = threading.RLock()
        self.know = Knowledge()
        self.connected: Counter[str] = Counter()
        self.version = 0
        self.report: Path | None = None
        self.walls: list[queue.SimpleQueue] = []
        self._read = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._digest()

    # -- who is who ------------------------------------------------------------------------------
    def role_of(self, code: str | None) -> str | None:
        """The desk a join code opens (compared in constant time), or None."""
        if not code:
            return None
        digest = _digest(self.join["salt"], code)
        return next((r for r, h in self.join["sha256"].items() if hmac.compare_digest(h, digest)), None)

    def view(self, role: str) -> dict[str, Any]:
        with self.lock:
            if self.session.desks[role].role.desk == "player":
                return desk_view(self.session, self.know, role, self.speed)
            view = control_view(self.session, self.know, role, self.speed, dict(self.connected))
            view["report"] = str(self.report) if self.report else None
            return view

    # -- the clock -------------------------------------------------------------------------------
    async def run(self) -> None:
        """Move the scenario clock by wall time x speed while the drill runs (the server's lifespan)."""
        self._loop, self._changed = asyncio.get_running_loop(), asyncio.Event()
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            self.tick(now - last)
            last = now

    def tick(self, wall_s: float) -> None:
        s = self.session
        with self.lock:
            if not s.started or s.paused or s.finished:
                return
            target = min(s.shown + wall_s * self.speed / 60.0, s.end)
            s.advance_to(target)
            if target >= s.end and not s.paused:
                s.pause("scenario end: the controller gives ENDEX")
            self._digest()

    def _digest(self) -> None:
        """New events into what posts know and onto the wall; then wake every page."""
        events = self.session.model.recorder.events[self._read:]
        self._read += len(events)
        self.know.digest(events)
        for wall in self.walls:
            wall.put(events)
        self.version += 1
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def changed(self, version: int) -> None:
        """Return once something changed after `version`."""
        while self.version == version:
            await self._changed.wait()

    def subscribe_wall(self) -> queue.SimpleQueue:
        """The wall's feed of events: everything so far, then what comes."""
        with self.lock:
            feed: queue.SimpleQueue = queue.SimpleQueue()
            feed.put(list(self.session.model.recorder.events[:self._read]))
            self.walls.append(feed)
            return feed

    def cards(self, t: float) -> list[dict[str, Any]]:
        with self.lock:
            return self.session.cards(t)

    @property
    def now(self) -> float:
        return self.session.shown

    # -- desks -----------------------------------------------------------------------------------
    def arrive(self, role: str) -> None:
        with self.lock:
            self.connected[role] += 1
            self._digest()

    def left(self, role: str) -> None:
        """A page (or the wall) closed. With nobody left at a played desk, the controller's or the wall,
        the drill pauses: nobody decides for an empty desk, and nothing ends but ENDEX."""
        with self.lock:
            self.connected[role] -= 1
            desk = self.session.desks.get(role)
            empty = self.connected[role] <= 0 and (desk is None or desk.role.played or desk.role.desk == "controller")
            s = self.session
            if empty and s.started and not s.paused and not s.finished:
                s.pause(f"{role} left")
            self._digest()

    def delivered(self, role: str, view: dict[str, Any]) -> None:
        """The page of `role` now shows these injects: log the first delivery of each to its addressee."""
        new = [c["id"] for c in view.get("injects", []) if c["to"] == role and c["delivered"] is None]
        if new:
            with self.lock:
                for inject_id in new:
                    self.session.deliver(inject_id, role)
                self._digest()

    def handle(self, role: str, msg: dict[str, Any]) -> dict[str, Any]:
        """One message of a page: an order, an acknowledgement or (controller) a control."""
        op = msg.get("op")
        try:
            with self.lock:
                if op == "order":
                    reply = self._order(role, dict(msg.get("decision") or {}))
                elif op == "ack":
                    self.session.acknowledge(str(msg.get("inject")), role)
                    reply = {"ok": True, "message": f"acknowledged {msg.get('inject')}"}
                elif op == "observe":
                    self.session.observe(role, str(msg.get("objective")), str(msg.get("text") or ""),
                                         str(msg.get("task") or ""))
                    reply = {"ok": True, "message": f"observation on {msg.get('objective')} logged"}
                elif op == "control":
                    reply = self._control(role, str(msg.get("action")), msg.get("value"))
                else:
                    reply = {"ok": False, "message": f"unknown op {op!r}"}
                self._digest()
        except (ValueError, KeyError, InterventionError) as exc:
            reply = {"ok": False, "message": str(exc).splitlines()[0]}
        return {"op": "result", "for": op, **reply}

    def _order(self, role: str, decision: dict[str, Any]) -> dict[str, Any]:
        s = self.session
        if s.finished:
            return {"ok": False, "message": "ENDEX has been given"}
        for key in ("at", "role", "source", "by"):      # the server, not the page, says who and when
            decision.pop(key, None)
        record = s.decide_now(decision, role)
        if record["rec"] == "refused":
            return {"ok": False, "message": record["reason"]}
        if record["rec"] == "rejected":
            return {"ok": False, "message": record["error"]}
        return {"ok": record["ok"], "message": record["error"] or f"{record['kind']} at T+{record['t']:.0f} min"}

    def _control(self, role: str, action: str, value: Any) -> dict[str, Any]:
        s = self.session
        if s.desks[role].role.desk != "controller":
            s.log.write("refused", t=s.now, role=role, decision={"control": action}, reason="not the controller")
            return {"ok": False, "message": f"{role} is not the exercise controller"}
        if action not in CONTROLS:
            return {"ok": False, "message": f"unknown control {action!r}"}
        if s.finished:
            return {"ok": False, "message": "ENDEX has been given"}
        if action == "startex":
            s.startex()
        elif action == "pause":
            s.pause("controller")
        elif action == "resume":
            s.resume()
        elif action == "speed":
            self.speed = max(0.0, min(3600.0, float(value)))
        elif action == "jump":
            s.jump(float(parse_clock(value)))
        elif action == "inject":
            record = s.inject_now(dict(value or {}))
            if record is None:
                s.settle()
        else:
            self._endex()
        return {"ok": True, "message": action}

    def _endex(self) -> None:
        """ENDEX: the rest of the scenario played out, events, summary and the after-action report written."""
        from drills.report import write_report
        self.session.endex()
        self.session.write_outputs(self.out)
        write_report(self.out, self.lang)
        self.report = self.out / "aar.html"

    def close(self, reason: str) -> None:
        """The server stops: pause (unless ENDEX came) and close the log, which stays resumable."""
        with self.lock:
            self.session.leave(reason)
