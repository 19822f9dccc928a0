"""People at one place after the disaster: who is trapped, hurt, dead, rescued, relieved.

Trapped people's survival is decided in closed form at the moment of rescue, the critically
injured's at the moment they reach definitive care (`sim.hazards.care`): no ticking.

Basic needs recur every day (Sphere: water, food per person per day; a tent once): `needs` is the
cumulative total of the days begun so far, and day d is covered when deliveries reach what was
needed by its end. Day 1 covered is `relieved_at` (the 10-hour target); later days feed
`relief.days_short`.
"""
from __future__ import annotations

import math

import mesa

from sim.hazards.care import IMMEDIATE_SHARE, critical_survival, survival
from sim.hazards.earthquake import Damage
from sim.world.geo import Place


class _Told:
    """A count the sites-waiting index reads (`sim.command.waiting`): every change to it, wherever
    made (here, by command tasking seats, by a helicopter arriving), tells the index to ask again."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, group, owner=None):
        return self if group is None else group.__dict__[self.name]

    def __set__(self, group, value) -> None:
        group.__dict__[self.name] = value
        group.model.command.waiting.touch(group)


class AffectedGroup(mesa.Agent):
    """Counts of people at one place; every person is in exactly one state at any time."""

    injured, rescued, known, seats_inbound = _Told(), _Told(), _Told(), _Told()   # what `waits` reads

    def __init__(self, model, place: Place, hit: Damage, node: int, needs: dict[str, float],
                 elevation_m: float | None = None) -> None:
        super().__init__(model)
        self.place, self.node, self.intensity, self.elevation_m = place, node, hit.intensity, elevation_m
        self.population = place.population
        self.dead = hit.killed
        self.trapped = hit.trapped
        self.injured = hit.injured
        self.immediate = int(model.streams["triage"].binomial(hit.injured, IMMEDIATE_SHARE)) if hit.injured else 0
        self.hurt_at = model.env.now      # when the immediate category's clock started
        self.rescued = 0          # extracted alive from rubble
        self.evacuated = 0        # flown or driven out to care
        self.homeless = hit.homeless
        self.needs = needs        # basic needs of the homeless for the days begun so far, per item
        self.day, self.covered = 1, 0                 # days begun, days whose needs are delivered
        self.marks: list[dict[str, float]] = []      # cumulative needs at the end of each past day
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

    def hit_again(self, hit: Damage) -> Damage:
        """A second hazard strikes people already counted here: only the unhurt can be newly hurt,
        only those with a roof can lose it. Returns what this hit added (people are conserved)."""
        unhurt = self.unhurt
        killed = min(hit.killed, unhurt)
        trapped = min(hit.trapped, unhurt - killed)
        injured = min(hit.injured, unhurt - killed - trapped)
        homeless = min(hit.homeless, max(0, self.population - self.dead - killed - self.homeless))
        immediate = int(self.model.streams["triage"].binomial(injured, IMMEDIATE_SHARE)) if injured else 0
        if immediate and not self.immediate:
            self.hurt_at = self.model.env.now
        self.dead += killed
        self.trapped += trapped
        self.trapped_at_onset += trapped
        self.injured += injured
        self.immediate += immediate
        self.homeless += homeless
        self.intensity = max(self.intensity, hit.intensity)
        return Damage(hit.intensity, killed, trapped, injured, homeless)

    def to_care(self, wanted: int, care_min: float) -> tuple[int, int]:
        """Immediate-category patients leave for a hospital they reach at `care_min`: (alive, dead),
        decided now in closed form by the time to definitive care."""
        n = min(wanted, self.immediate)
        if not n:
            return 0, 0
        alive = int(self.model.streams["triage"].binomial(n, critical_survival(care_min - self.hurt_at)))
        self.immediate -= n
        self.injured -= n
        self.evacuated += alive
        self.dead += n - alive
        return alive, n - alive

    def unreached_deaths(self, now_min: float) -> tuple[int, int]:
        """At the end of the horizon, the people nobody reached in time: (immediate patients never
        brought to care, trapped never dug out) who are dead by now, in closed form."""
        rng = self.model.streams["triage"]
        critical = self.immediate - int(rng.binomial(self.immediate, critical_survival(now_min - self.hurt_at))) \
            if self.immediate else 0
        trapped = self.trapped - int(rng.binomial(self.trapped, self.survival_at(now_min / 60.0))) \
            if self.trapped else 0
        self.immediate -= critical
        self.injured -= critical
        self.trapped -= trapped
        self.dead += critical + trapped
        return critical, trapped

    def boarding(self, seats: int, stretchers: int) -> tuple[int, int]:
        """(on stretchers, on seats): who one helicopter takes from here. The immediate category
        first, lying down, as many as it has stretchers; then on the seats a stretcher leaves (a
        cabin of 24 seats or 12 stretchers: each stretcher takes two seats) the other people only a
        helicopter can bring to care."""
        litters = min(stretchers, self.immediate)
        free = seats - math.ceil(litters * seats / stretchers) if litters else seats
        return litters, max(0, min(free, self.awaiting_evacuation - litters))

    def evacuate(self, litters: int, seated: int, care_min: float) -> tuple[int, int]:
        """People leave by air (`boarding`), the immediate category reaching care at `care_min`:
        (boarded, of whom died before reaching care)."""
        alive, dead = self.to_care(litters, care_min)
        n = min(seated, self.injured + self.rescued)
        from_injured = min(n, self.injured)
        self.injured -= from_injured
        self.rescued -= n - from_injured
        self.evacuated += n
        return alive + dead + n, dead

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
        """People only a helicopter can bring to care: the injured and the rescued of a place no open
        road links to a hospital. Where a road does, ambulances take them (`CommandPost._medevac_by_road`);
        counting them here sent every idle helicopter on its own authority to ferry road-served people,
        so that none was free when a cut-off place was found (the flat helicopter sweep of issue 13)."""
        if self.road_to_care():
            return 0
        return self.injured + self.rescued

    def road_to_care(self) -> bool:
        """Does an open road reach a hospital from here (the roads as they are now)?"""
        model = self.model
        return math.isfinite(float(model.world.roads.nearest_of(model.hospitals)[self.node]))

    def make_contact(self) -> None:
        """A team or an aircraft is here (with satellite phones): the site can report."""
        if not self.contact.triggered:
            self.contact.succeed()

    def outstanding_unshipped(self) -> dict[str, float]:
        """Needs no depot has released yet: what a relief request still has to find."""
        return {k: v - self.shipped[k] for k, v in self.needs.items() if v - self.shipped[k] > 1e-9}

    def outstanding(self) -> dict[str, float]:
        """What is still missing of the basic needs of the days begun so far."""
        return {k: max(0.0, v - self.delivered[k]) for k, v in self.needs.items() if v - self.delivered[k] > 1e-9}

    def receive(self, items: dict[str, float], now_min: float) -> list[int]:
        """Add delivered supplies; the days whose needs this delivery completes (day 1 = basic relief)."""
        for k, v in items.items():
            self.delivered[k] = self.delivered.get(k, 0.0) + v
        return self._cover(now_min)

    def _cover(self, now_min: float) -> list[int]:
        days = []
        while self.covered < self.day:
            mark = self.marks[self.covered] if self.covered < len(self.marks) else self.needs
            if any(v - self.delivered.get(k, 0.0) > 1e-9 for k, v in mark.items()):
                break
            self.covered += 1
            days.append(self.covered)
        if days and self.relieved_at is None:
            self.relieved_at = now_min
        elif self.relieved_at is None and not self.outstanding():   # needs grew and were met again (a second hit)
            self.relieved_at = now_min
            days.append(1)
        return days

    def days(self):
        """Every 24 h after the impact a new day of needs begins; a known site asks for it at once."""
        model = self.model
        items = model.catalogue.relief_items
        while True:
            self._record_needs()
            yield model.env.timeout(24 * 60)
            self.new_day({k: float(math.ceil(self.homeless * it.per_person_day)) for k, it in items.items()
                          if not it.once and self.homeless})
            if self.known and self.homeless:
                county = model.command.post(model.world.county_of.get(self.place.id, self.place.id))
                model.command.request_relief(self, county)

    def _record_needs(self) -> None:
        if self.homeless:
            self.model.recorder.record(self.model.env.now, "needs", "", self.place.id, day=self.day,
                                       people=self.homeless)

    def new_day(self, daily: dict[str, float]) -> None:
        """Another day begins: the day just ended keeps its total, today's needs add to it."""
        self.marks.append(dict(self.needs))
        self.day += 1
        for k, v in daily.items():
            self.needs[k] = self.needs.get(k, 0.0) + v
