"""Where a scene's events come from: a recorded events file, or a live model stepped as the clock runs.

The live source only advances the model's SimPy clock (`env.run(until=...)`, `env.step()`) and reads
the recorder; it never touches agents, so what the view shows is what a headless run records.
"""
from __future__ import annotations

from typing import Protocol

from sim.events import Event


class Source(Protocol):
    end: float

    def advance(self, t: float) -> list[Event]:
        """Events that became known up to minute t (since the last call)."""

    def next_event(self, after: float) -> float | None:
        """Minute of the next event after `after`, or None at the end."""


class ReplaySource:
    """A recorded run: every event is known from the start."""

    def __init__(self, events: list[Event], end: float) -> None:
        self.events = events
        self.end = max([end] + [e.t for e in events])
        self._sent = False

    def advance(self, t: float) -> list[Event]:
        if self._sent:
            return []
        self._sent = True
        return self.events

    def next_event(self, after: float) -> float | None:
        return next((e.t for e in self.events if e.t > after), None)


class LiveSource:
    """A `ResponseModel` run forward only as far as the display clock has reached."""

    def __init__(self, model) -> None:
        self.model = model
        self.end = model.spec.hours * 60
        self._read = 0
        self._finished = False

    def advance(self, t: float) -> list[Event]:
        env = self.model.env
        if t >= self.end and not self._finished:
            self._finished = True
            self.model.run()                  # to the end, with the final state of every group
        elif t > env.now and not self._finished:
            env.run(until=t)
        return self._take()

    def next_event(self, after: float) -> float | None:
        """Step the clock until the recorder has something after `after` (pending events count)."""
        events = self.model.recorder.events
        pending = next((e.t for e in events[self._read:] if e.t > after), None)
        if pending is not None:
            return pending
        env = self.model.env
        while not self._finished and env.peek() < self.end:
            before = len(events)
            env.step()
            if len(events) > before and events[-1].t > after:
                return events[-1].t
        return None if self._finished else self.end

    def _take(self) -> list[Event]:
        new = self.model.recorder.events[self._read:]
        self._read += len(new)
        return new
