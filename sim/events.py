"""The event stream: one record per state change, the single source for metrics, replay and reports.

Records are kept in memory in order and written as JSON Lines (`t` in minutes since onset, `kind`,
`agent`, `place`, `data`). Floats are rounded on the way out so the file is byte-identical for the
same scenario and seed in any process.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple


class Event(NamedTuple):
    t: float
    kind: str
    agent: str
    place: str
    data: dict[str, Any]


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    return value


class Recorder:
    """Append-only event log of one run.

    `record` appends a plain tuple (the hot path of every run); `events` turns the new ones into
    `Event`s when someone looks.
    """

    def __init__(self) -> None:
        self._raw: list[tuple] = []
        self._events: list[Event] = []

    def record(self, t: float, kind: str, agent: str = "", place: str = "", **data: Any) -> None:
        self._raw.append((t, kind, agent, place, data))

    def add(self, t: float, kind: str, agent: str, place: str, data: dict[str, Any]) -> None:
        """`record` with the data already in a dict: helpers that add fields of their own build it
        once (re-packing `**data` into a second call costs more than the record itself)."""
        self._raw.append((t, kind, agent, place, data))

    @property
    def events(self) -> list[Event]:
        if len(self._events) < len(self._raw):
            self._events.extend(map(Event._make, self._raw[len(self._events):]))
        return self._events

    def of_kind(self, *kinds: str) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]

    def lines(self) -> list[str]:
        return [json.dumps({"t": round(e.t, 4), "kind": e.kind, "agent": e.agent, "place": e.place,
                            "data": _round(e.data)}, ensure_ascii=False, separators=(",", ":"))
                for e in self.events]

    def write(self, path: Path) -> None:
        """Write atomically: a crash mid-write leaves the previous file, never half a file."""
        write_atomic(path, "\n".join(self.lines()) + "\n")


def write_atomic(path: Path, text: str) -> None:
    """`text` to `path` through a temp file renamed over it: the old file or the new one, never half of
    one; a failed write (a full disk) removes its temp file before the error goes on."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_events(path: Path) -> list[Event]:
    """Events of a recorded run, for replay and reports."""
    out = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                out.append(Event(r["t"], r["kind"], r["agent"], r["place"], r["data"]))
    return out
