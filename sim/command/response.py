"""Graded response: two ladders, each with its own plan's triggers and its own deciding post.

China grades a disaster twice: the national response (the national earthquake plan of 2012, or
the national flood-control plan, decided by the national headquarters) and the provincial
response (the province's own plan, decided by its headquarters, the lead post). For Luding 2022
the two ran apart: Sichuan at level II by 17:15 and I the next morning, the national earthquake
response at III, then II that night. A ladder decides on what its post knows: the automatic
magnitude report, reported deaths, reported conditions (heard after the quick-report delay, never
before); a raise takes effect after the plan's activation delay. Flood and typhoon ladders are
declared on forecasts too (Guangdong's on the landfall grade, Henan's on the rainstorm warning
signal: catalogue `typhoon-guangdong`, `flood-henan`), so a province can respond before impact.
The lead's ladder records `level` events, the national one `national_level`;
`summary.json` reports both (`command.level` ... for the lead, `command.national.*`).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.scenario.catalogue import FloodTrigger

if TYPE_CHECKING:
    from agents.command_post import CommandPost

LEVELS = ("IV", "III", "II", "I")                 # least to most severe
SEVERITY = {None: -1, **{level: rank for rank, level in enumerate(LEVELS)}}   # None = no response yet


def more_severe(a: str | None, b: str | None) -> bool:
    """Is level `a` more severe than `b` (None = no response yet)?"""
    return a is not None and SEVERITY[a] > SEVERITY[b]


class Ladder:
    """One response ladder: the post that decides it, its triggers (most severe first), its level."""

    def __init__(self, model, name: str, post: CommandPost, triggers: list) -> None:
        self.model, self.name, self.post, self.triggers = model, name, post, triggers
        self.level: str | None = None
        self.pending: str | None = None
        # the lead's ladder records `level` events (what drills, views and reports follow); others `<name>_level`
        self.kind = "level" if name == "provincial" else f"{name}_level"
        self._assessed: tuple = (None, math.inf)    # (what the last assessment saw, deaths that would raise)

    def assess(self, deaths: int, magnitude: float, density: float, conditions: set[str]) -> None:
        """Raise the level if what the post knows now meets a more severe trigger."""
        if isinstance(self.triggers[0], FloodTrigger):
            self._assess_conditions(conditions)
            return
        state = (self.level, self.pending, magnitude, density)
        if state == self._assessed[0] and deaths < self._assessed[1]:
            return                                  # most reports: too few deaths to change anything
        classes = self.model.catalogue.population_density_per_km2
        dense, fairly = density >= classes.dense, density >= classes.fairly_dense
        raise_at = math.inf                         # deaths that would raise the level, all else equal
        for t in self.triggers:
            if not (more_severe(t.level, self.pending) and more_severe(t.level, self.level)):
                break                               # this level and every milder one is decided already
            by_mag = (magnitude >= t.magnitude_anywhere or (dense and magnitude >= t.magnitude_dense)
                      or (fairly and magnitude >= t.magnitude_fairly_dense))
            if deaths >= t.deaths_at_least or by_mag:
                where = "a dense area" if dense else "a fairly dense area" if fairly else "the province"
                reason = (f"{deaths} deaths reported" if deaths >= t.deaths_at_least else
                          f"M{magnitude:.1f} in {where}")
                self.raise_to(t.level, t.commander, reason)
                return
            raise_at = min(raise_at, t.deaths_at_least)
        self._assessed = (state, raise_at)

    def _assess_conditions(self, conditions: set[str]) -> None:
        """Plans graded by reported conditions (flood control, forest fire): the most severe level met."""
        for t in self.triggers:
            met = sorted(conditions.intersection(t.reported))
            if met:
                self.raise_to(t.level, t.commander, f"{met[0]} reported")
                return

    def raise_to(self, level: str, commander: str, reason: str) -> None:
        """Decide a more severe level now; it applies after the plan's activation delay."""
        if more_severe(level, self.pending) and more_severe(level, self.level):
            self.pending = level
            self.post._record(f"{self.kind}_decision", "", level=level, reason=reason, commander=commander)
            self.model.env.process(self._activate(level, commander, reason))

    def set_now(self, level: str, reason: str) -> None:
        """The room lowers (or sets) the level: applies at once."""
        self.level = self.pending = level
        self.post._record(self.kind, "", level=level, reason=reason, commander="as ordered")

    def _activate(self, level: str, commander: str, reason: str):
        yield self.model.env.timeout(self.model.plan.response.activation_delay_min[level])
        if more_severe(level, self.level):
            self.level = level
            self.post._record(self.kind, "", level=level, reason=reason, commander=commander)
            self.model.command.level_changed()
