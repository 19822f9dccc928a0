"""People at one place after the disaster: who is trapped, hurt, dead, rescued, relieved.

Survival of trapped people is evaluated in closed form at the moment of rescue (no ticking): the
share rescued alive after t hours follows the survival rates recorded after the 1976 Tangshan
earthquake, the figures Chinese rescue doctrine quotes for the "golden 72 hours" (e.g. China
Earthquake Administration / 中国地震应急搜救中心 training material): rescued within 30 min 99.3 %,
day 1 81 %, day 2 53.7 %, day 3 36.7 %, day 4 19 %, day 5 7.4 %. We interpolate linearly between
the day marks and decay with the day-4 to day-5 rate beyond.
"""
from __future__ import annotations

import bisect
import math

import mesa

from sim.hazards.earthquake import Damage
from sim.world.geo import Place

SURVIVAL_HOURS = (0.0, 0.5, 24.0, 48.0, 72.0, 96.0, 120.0)
SURVIVAL_SHARE = (1.0, 0.993, 0.81, 0.537, 0.367, 0.19, 0.074)
TAIL_RATE_PER_H = math.log(0.19 / 0.074) / 24.0


def survival(hours: float) -> float:
    """Share of trapped people still alive when reached `hours` after onset."""
    if hours >= SURVIVAL_HOURS[-1]:
        return SURVIVAL_SHARE[-1] * math.exp(-TAIL_RATE_PER_H * (hours - SURVIVAL_HOURS[-1]))
    i = max(1, bisect.bisect_right(SURVIVAL_HOURS, hours))
    h0, h1, s0, s1 = SURVIVAL_HOURS[i - 1], SURVIVAL_HOURS[i], SURVIVAL_SHARE[i - 1], SURVIVAL_SHARE[i]
    return s0 + (s1 - s0) * (hours - h0) / (h1 - h0)


class AffectedGroup(mesa.Agent):
    """Counts of people at one place; every person is in exactly one state at any time."""

    def __init__(self, model, place: Place, hit: Damage, node: int, needs: dict[str, float],
                 elevation_m: float | None = None) -> None:
        super().__init__(model)
        self.place, self.node, self.intensity, self.elevation_m = place, node, hit.intensity, elevation_m
        self.population = place.population
        self.dead = hit.killed
        self.trapped = hit.trapped
        self.injured = hit.injured
        self.rescued = 0          # extracted alive from rubble
        self.evacuated = 0        # flown or driven out to care
        self.homeless = hit.homeless
        self.needs = needs        # one day of basic needs for the homeless, per item
        self.delivered = {item: 0.0 for item in needs}
        self.relieved_at: float | None = None if self.homeless else 0.0
        self.known = False        # reported to command yet?
        self.comms_cut = False    # set by the model when the hazard cut this place off
        self.contact = model.env.event()   # fires when a unit arrives or communications are repaired
        self.shipped = {item: 0.0 for item in needs}   # released by depots (in transit or delivered)
        self.trapped_at_onset = hit.trapped
        self.teams_assigned = 0
        self.seats_inbound = 0    # seats on helicopters tasked here and not yet arrived
        self.survival_at = survival   # hours since start -> share alive when reached; floods set their own

    @property
    def unhurt(self) -> int:
        return self.population - self.dead - self.trapped - self.injured - self.rescued - self.evacuated

    def extract(self, wanted: int, now_min: float) -> tuple[int, int]:
        """Take up to `wanted` people out of the rubble now: (alive, dead), decided at this moment."""
        n = min(wanted, self.trapped)
        alive = int(self.model.streams["rescue"].binomial(n, self.survival_at(now_min / 60.0))) if n else 0
        self.trapped -= n
        self.rescued += alive
        self.dead += n - alive
        return alive, n - alive

    def evacuate(self, wanted: int) -> int:
        """Injured people (and rescued survivors) leaving by air: how many boarded."""
        n = min(wanted, self.injured + self.rescued)
        from_injured = min(n, self.injured)
        self.injured -= from_injured
        self.rescued -= n - from_injured
        self.evacuated += n
        return n

    def evacuate_unhurt(self, n: int) -> bool:
        """Unhurt people leave for shelters elsewhere: counted evacuated, their relief needs leave with them.
        True when that completes the site's basic relief."""
        n = min(n, self.unhurt)
        homeless_gone = min(n, self.homeless)
        self.evacuated += n
        if self.homeless:
            keep = (self.homeless - homeless_gone) / self.homeless
            self.needs = {k: math.ceil(v * keep) for k, v in self.needs.items()}
            self.homeless -= homeless_gone
        if self.relieved_at is None and not self.outstanding():
            self.relieved_at = self.model.env.now
            return True
        return False

    @property
    def awaiting_evacuation(self) -> int:
        return self.injured + self.rescued

    def make_contact(self) -> None:
        """A team or an aircraft is here (with satellite phones): the site can report."""
        if not self.contact.triggered:
            self.contact.succeed()

    def outstanding_unshipped(self) -> dict[str, float]:
        """Needs no depot has released yet: what a relief request still has to find."""
        return {k: v - self.shipped[k] for k, v in self.needs.items() if v - self.shipped[k] > 1e-9}

    def outstanding(self) -> dict[str, float]:
        """What is still missing of one day's basic needs."""
        return {k: max(0.0, v - self.delivered[k]) for k, v in self.needs.items() if v - self.delivered[k] > 1e-9}

    def receive(self, items: dict[str, float], now_min: float) -> bool:
        """Add delivered supplies; True when this delivery completes basic relief."""
        for k, v in items.items():
            self.delivered[k] = self.delivered.get(k, 0.0) + v
        if self.relieved_at is None and not self.outstanding():
            self.relieved_at = now_min
            return True
        return False
