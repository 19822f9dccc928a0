"""The drill log: one JSON line per inject, decision, pause and end, flushed and fsynced as it happens.

It is the record a drill is judged by and the input a drill is resumed from. On resume the session
replays the drill from its start; the log checks that the replay gives the records it already holds
(in order, wall-clock times aside), writes none of them twice, and appends only what is new, so an
interrupted drill resumed leaves the same log as one never interrupted.
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

SIM_RECORDS = ("inject", "decision", "end")     # what a replay regenerates; "start", "pause", "resume" are not
WALL = "wall"


class DrillLogError(Exception):
    """The log cannot be resumed: missing, or the replay does not give what it recorded."""


def now_wall() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def read_log(path: Path) -> list[dict[str, Any]]:
    """Every complete record; a last line cut short by a crash is left out. A log that is not one
    (binary, a JSON line in the middle that does not parse, a record without `rec`) is a DrillLogError
    naming the line."""
    if not path.is_file():
        raise DrillLogError(f"{path}: no drill log there")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DrillLogError(f"{path}: cannot read the drill log ({exc})") from None
    lines = text.split("\n")
    complete = lines if text.endswith("\n") else lines[:-1]
    return [_record(path, n, line) for n, line in enumerate(complete, 1) if line.strip()]


def _record(path: Path, n: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("rec"), str):
        raise DrillLogError(f"{path}:{n}: not a drill log record")
    return record


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its wall-clock time: what must be equal between a drill and its replay."""
    return {k: v for k, v in record.items() if k != WALL}


def header(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The start record, with the drill name and seed a resume needs."""
    if not records or records[0].get("rec") != "start":
        raise DrillLogError("the drill log has no start record")
    start = records[0]
    if not isinstance(start.get("drill"), str) or not isinstance(start.get("seed"), int) or start["seed"] < 0:
        raise DrillLogError("the drill log's start record has no drill name or seed")
    return start


class DrillLog:
    """Append-only JSON Lines writer; with `existing` records it first verifies a replay against them."""

    def __init__(self, path: Path, existing: list[dict[str, Any]] | None = None) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._replay = [r for r in existing or [] if r["rec"] in SIM_RECORDS]
        self._pos = 0
        if existing:
            self._truncate_partial()
        else:
            path.write_text("", encoding="utf-8")
        self._fh = path.open("a", encoding="utf-8")

    @property
    def replaying(self) -> bool:
        """Still regenerating records the log already holds."""
        return self._pos < len(self._replay)

    def write(self, rec: str, **fields: Any) -> dict[str, Any]:
        record = {"rec": rec, **fields, WALL: now_wall()}
        if self.replaying and rec in SIM_RECORDS:
            self._verify(record)
        elif not self.replaying:
            self._fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())
        return record

    def close(self) -> None:
        self._fh.close()

    def _verify(self, record: dict[str, Any]) -> None:
        old = self._replay[self._pos]
        if comparable(json.loads(json.dumps(record))) != comparable(old):
            raise DrillLogError(f"{self.path}: the replay differs from the log at its {self._pos + 1}th "
                                f"inject/decision record:\n  logged:   {comparable(old)}\n"
                                f"  replayed: {comparable(record)}")
        self._pos += 1

    def _truncate_partial(self) -> None:
        data = self.path.read_bytes()
        keep = data.rfind(b"\n") + 1
        if keep != len(data):
            with self.path.open("r+b") as fh:
                fh.truncate(keep)
