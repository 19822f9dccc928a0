"""Conditions that release contingency injects, read from the event stream as it grows.

Reading events (not agents) keeps a condition's truth the same live, on resume and on a branch:
the session feeds the watcher after every simulation step, so a continuous condition is seen at
the very event that makes it true. `missed` conditions depend on the room's decisions and are
judged by the session at the deadline of the expectation they name.
"""
from __future__ import annotations

from drills.msel import SEVERITY, When

AIR_MISSIONS = ("rescue", "airlift")


class Watcher:
    """What the conditions need to know, kept up to date from new events only."""

    def __init__(self, model) -> None:
        self.model = model
        self._read = 0
        self.site_of: dict[str, str] = {}        # site name or id -> id
        self.arrived: dict[str, set[str]] = {}   # site id -> {"air", "ground"}
        self.level: str | None = None
        self.lead_deaths: dict[str, int] = {}    # site id -> deaths last reported to the lead post

    def update(self) -> None:
        events = self.model.recorder.events
        lead = self.model.command.lead
        for e in events[self._read:]:
            if e.kind == "impact":
                self.site_of[e.data["name"]] = self.site_of[e.place] = e.place
            elif e.kind == "arrive" and "mission" in e.data:
                by = "air" if e.data["mission"] in AIR_MISSIONS else "ground"
                self.arrived.setdefault(e.place, set()).add(by)
            elif e.kind == "level":
                self.level = e.data["level"]
            elif e.kind == "report" and lead is not None and e.agent == lead.name:
                self.lead_deaths[e.place] = e.data["deaths"]
        self._read = len(events)

    def holds(self, when: When) -> bool:
        """Is the condition true now? (`missed` is the session's business.)"""
        self.update()
        if when.site_unreached is not None:
            site = self.site_of.get(when.site_unreached)
            came = self.arrived.get(site, set()) if site else set()
            return not (came if when.by == "any" else came & {when.by})
        if when.level_below is not None:
            return self.level is None or SEVERITY.index(self.level) < SEVERITY.index(when.level_below)
        if when.deaths_reported_at_least is not None:
            return sum(self.lead_deaths.values()) >= when.deaths_reported_at_least
        return False

    @staticmethod
    def continuous(when: When) -> bool:
        """Watched after every step (rather than checked once at `at_min`)."""
        return when.deaths_reported_at_least is not None
