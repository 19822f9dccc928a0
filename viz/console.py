"""The drill console's contract: what the room's clicks and keys become, and who receives them.

The view never changes the model: each input becomes a decision dict handed to a `DecisionSink`
(the drill session implements it and decides what the model does with it). Picking is plain
geometry on projected positions, so it is tested without a window.
"""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from viz.projection import View
from viz.scene import Scene

PICK_PX = 14.0
LEVEL_KEYS = {"1": "I", "2": "II", "3": "III", "4": "IV"}


class DecisionSink(Protocol):
    """Receives the room's decisions (the drill session implements this)."""

    def submit(self, decision: dict[str, Any]) -> None: ...


class InjectSource(Protocol):
    """Inject cards to show at a minute: dicts {id, at, from, to, channel, message}."""

    def cards(self, t: float) -> list[dict[str, Any]]: ...


class DrillInput:
    """Click a unit, then a place: a dispatch. Number keys: a response level. M: mutual aid."""

    def __init__(self, scene: Scene, view: View, sink: DecisionSink) -> None:
        self.scene, self.view, self.sink = scene, view, sink
        self.selected: str | None = None

    def click(self, sx: float, sy: float) -> dict[str, Any] | None:
        """Select a unit or, with a unit selected, send it to the place clicked; returns a sent decision."""
        if self.selected is not None:
            place = self.place_at(sx, sy)
            if place is not None:
                return self._send({"kind": "dispatch", "unit": self.selected, "place": place})
        self.selected = self.unit_at(sx, sy)
        return None

    def key(self, name: str) -> dict[str, Any] | None:
        """A key name as pygame.key.name gives it; returns the decision sent, if any."""
        if name in LEVEL_KEYS:
            return self._send({"kind": "set_level", "level": LEVEL_KEYS[name]})
        if name == "m":
            return self._send({"kind": "mutual_aid"})
        if name == "escape":
            self.selected = None
        return None

    def _send(self, decision: dict[str, Any]) -> dict[str, Any]:
        decision["at"] = round(self.scene.t, 2)
        self.sink.submit(decision)
        if decision["kind"] == "dispatch":
            self.selected = None
        return decision

    def unit_at(self, sx: float, sy: float) -> str | None:
        """The visible unit nearest the cursor, within a finger's width."""
        units = self.scene.units
        lat, lon = units.positions(self.scene.t)
        x, y = self.view.screen(lat, lon)
        d = np.hypot(x - sx, y - sy)
        d[~units.visible(lat, lon)] = np.inf
        i = int(np.argmin(d)) if len(d) else -1
        return units.names[i] if i >= 0 and d[i] <= PICK_PX else None

    def place_at(self, sx: float, sy: float) -> str | None:
        """The affected site, else the county seat, nearest the cursor."""
        for ids, lat, lon in (self._groups(), self._places()):
            if not ids:
                continue
            x, y = self.view.screen(lat, lon)
            d = np.hypot(x - sx, y - sy)
            i = int(np.argmin(d))
            if d[i] <= PICK_PX * 1.5:
                return ids[i]
        return None

    def _groups(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        g = self.scene.groups
        return list(g), np.array([v.lat for v in g.values()]), np.array([v.lon for v in g.values()])

    def _places(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        places = self.scene.layout.places
        ids = self.scene.layout.dots
        return ids, np.array([places[i][2] for i in ids]), np.array([places[i][3] for i in ids])

