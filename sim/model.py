"""ResponseModel: the Mesa model that owns the SimPy clock, the world, the agents and the recorder.

One clock: `env.now` is minutes since the scenario start. Every random draw comes from a named
substream (`streams["hazard"]`, `["roads"]`, `["comms"]`, `["rescue"]`, `["varies"]`; weather per base
and serviceability per aircraft), each seeded from the run's seed and the stream's name, so adding a
helicopter never changes the earthquake, the weather or another aircraft's serviceability.
"""
from __future__ import annotations

import gc
import math
import zlib
from datetime import datetime, timedelta
from functools import cache, cached_property, partial

import mesa
import numpy as np
import simpy

from agents.affected import AffectedGroup
from agents.aviation import AviationAsset
from agents.engineering import ClearingTeam
from agents.ground import FireRescueUnit
from agents.supply import SupplyDepot
from agents.trunk import AirBridge, team_flight
from sim.command.coordination import Command
from sim.events import Recorder
from sim.hazards.earthquake import Damage
from sim.hazards.incidents import start_incidents
from sim.scenario.catalogue import load_catalogue
from sim.scenario.schema import LoadedScenario
from sim.scenario.variation import closed_bases, vary_hazards
from sim.world.bases import resolve_base
from sim.world.geo import Place, gazetteer, gc_km
from sim.world.world import build_world

STREAMS = ("hazard", "roads", "comms", "rescue", "varies", "triage")
LEVEL_RANK = {"central": 0, "provincial": 1, "municipal": 2, "county": 3, "township": 4}


@cache
def freeze_long_lived() -> None:
    """Once per process: load the geography and catalogue, then move everything alive out of the
    garbage collector's reach (gc.freeze). Otherwise full collections rescan those ~10^5 objects
    mid-run: 60-200 ms pauses every few runs of a sweep, about 6 % of its time. A run allocates
    events by the thousand and keeps few: young collections every 10,000 allocations, not 700."""
    gazetteer()
    load_catalogue()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])


def substream(seed: int, name: str) -> np.random.Generator:
    """A generator for one purpose, independent of every other purpose's draws."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


class ResponseModel(mesa.Model):
    """One run of one scenario under one plan with one seed."""

    def __init__(self, loaded: LoadedScenario, seed: int = 0, vary: bool = False) -> None:
        """`vary`: draw what the scenario's `varies:` block lets vary (Monte Carlo); without it the
        run plays the scenario as written."""
        freeze_long_lived()
        super().__init__(rng=seed)
        self.loaded, self.seed = loaded, seed
        self.varies = loaded.scenario.varies if vary else None
        self.plan = loaded.plan
        self.catalogue = load_catalogue()
        self.streams = {name: substream(seed, name) for name in STREAMS}
        self.spec = self._varied(loaded.effective())
        self.env = simpy.Environment()
        self.recorder = Recorder()
        self.world = build_world(self.spec, self.catalogue)
        self.command = Command(self)
        # definitive care for the critically injured: hospitals at the prefecture seats of the region
        self.hospitals = tuple(self.node_at(p) for p in self.world.places.values() if p.level == "city")
        self.in_transit: dict[str, float] = {}
        self.flight_holds = self._weather_holds()            # (place, aircraft kind) -> spells (typhoons add theirs)
        self.delivered: dict[str, float] = {}
        self.produced: dict[str, float] = {}           # added by production capacity (restocking)
        self.groups: list[AffectedGroup] = []
        self.group_at: dict[str, AffectedGroup] = {}     # place id -> its one group
        self.idle_aircraft: set[AviationAsset] = set()   # kept by AviationAsset.status: command's index
        self.driving: dict[simpy.Process, None] = {}     # units on the road, in the order they set off
        self.aircraft = self._aircraft()
        self.teams = self._teams()
        self.depots = self._depots()
        self.clearers = self._clearers()
        self.max_team_rate = max((t.spec.rescue_per_hour for t in self.teams), default=0.0)
        for hz in self.spec.hazards:
            self.env.process(hz.run(self))
        self.incidents = start_incidents(self, partial(substream, seed)) if self.spec.incidents else []

    def _varied(self, spec):
        """This run's draw of what the scenario's `varies:` block lets vary."""
        if self.varies is None:
            return spec
        return spec.model_copy(update={"hazards": vary_hazards(spec.hazards, self.varies, self.streams["varies"])})

    def clock(self, minutes: float) -> datetime:
        return self.spec.start + timedelta(minutes=minutes)

    def run(self) -> None:
        """Run to the scenario's end (from wherever the clock stands) and record every group's final state."""
        end = self.spec.hours * 60
        if self.env.now < end:
            self.env.run(until=end)
        for g in self.groups:
            critical, trapped = g.unreached_deaths(self.env.now)
            if critical or trapped:
                self.recorder.record(self.env.now, "unreached", "", g.place.id, critical_dead=critical,
                                     trapped_dead=trapped)
        for g in self.groups:
            self.recorder.record(self.env.now, "final", "", g.place.id, dead=g.dead, trapped=g.trapped,
                                 injured=g.injured, rescued=g.rescued, evacuated=g.evacuated, unhurt=g.unhurt,
                                 homeless=g.homeless, relieved_at=g.relieved_at)

    # -- building ----------------------------------------------------------------------------------
    def node_at(self, place: Place) -> int:
        roads = self.world.roads
        return roads.index[place.id] if place.id in roads.index else roads.nearest(place.lat, place.lon)

    def _aircraft(self) -> list[AviationAsset]:
        out: list[AviationAsset] = []
        forces = self.spec.forces.aviation
        bases = [resolve_base(f.base) for f in forces]
        varies = self.varies
        closed = closed_bases([b.icao for b in bases], varies.weather if varies else None,
                              lambda icao: substream(self.seed, f"weather:{icao}"))
        for force, base in zip(forces, bases):
            owner = self.owner_post(force.owner, self.world.nearest_county(base.lat, base.lon).id)
            for k in range(force.count):
                name = f"{force.type}-{base.icao}-{k + 1}"
                work = partial(force.work_min.sample, substream(self.seed, f"work:{name}")) if force.work_min else None
                out.append(AviationAsset(self, name, force.type, self.catalogue.aircraft[force.type], base, owner,
                                         work=work))
        self._split_roles(out)
        rate = varies.unserviceable if varies else 0.0
        for a in out:
            a.grounded_until = closed.get(a.base.icao, 0.0)
            if rate and substream(self.seed, f"fleet:{a.name}").random() < rate:
                a.status = "unserviceable"
                self.recorder.record(0.0, "unserviceable", a.name, a.base.icao)
        for icao, minutes in closed.items():
            self.recorder.record(0.0, "base_closed", "weather", icao, until_min=minutes)
        return out

    def _split_roles(self, aircraft: list[AviationAsset]) -> None:
        """Keep the plan's share of helicopters for supply airlift, the rest for rescue."""
        share = self.plan.dispatch.airlift_share
        helicopters = [a for a in aircraft if a.spec.kind == "helicopter"]
        if share <= 0 or not helicopters:
            return
        n = math.ceil(share * len(helicopters))
        for i, a in enumerate(helicopters):
            a.role = "airlift" if i < n else "rescue"

    def owner_post(self, level: str, place_id: str):
        """The post of `level` above a place: who tasks a unit or a depot there."""
        return self.command.national if level == "national" else self.command.post_at(place_id, level)

    def _teams(self) -> list[FireRescueUnit]:
        geo, out = gazetteer(), []
        for force in self.spec.forces.fire_rescue:
            station = geo.find(force.station)
            level = force.owner or ("county" if station.level == "county" else "municipal")
            owner = self.owner_post(level, station.id)
            for k in range(force.count):
                name = f"{force.type}-{station.name}-{k + 1}"
                spec = self.catalogue.ground_units[force.type]
                out.append(FireRescueUnit(self, name, force.type, spec, self.node_at(station), owner))
        return out

    def _weather_holds(self) -> dict[tuple[str, str], list[tuple[float, float, str]]]:
        """(from, to, why) in minutes when each aircraft kind may not reach each place: the scenario's
        `weather_holds:`. A county named holds its seat and the scenario's towns in it."""
        geo, out = gazetteer(), {}
        sites = {p.name: p for p in self.world.places.values() if p.level == "site"}
        towns_of: dict[str, list[str]] = {}
        for town, county in self.world.county_of.items():
            towns_of.setdefault(county, []).append(town)
        for w in self.spec.weather_holds:
            begin, end = ((t - self.spec.start) / timedelta(minutes=1) for t in (w.from_, w.to))
            for name in w.places:
                place = sites.get(name) or geo.find(name)
                for pid in (place.id, *towns_of.get(place.id, ())):
                    for kind in w.kinds:
                        out.setdefault((pid, kind), []).append((begin, end, w.what))
        for spells in out.values():
            spells.sort()
        return out

    def _depots(self) -> list[SupplyDepot]:
        geo, out = gazetteer(), []
        post_level = {"central": "national", "provincial": "provincial", "municipal": "municipal",
                      "county": "county", "township": "county"}
        sites = {p.name: p for p in self.world.places.values() if p.level == "site"}
        for d in self.spec.forces.depots:
            place = sites[d.site] if d.site else geo.find(d.place)
            owner = self.owner_post(post_level[d.level], self.world.county_of.get(place.id, place.id))
            out.append(SupplyDepot(self, f"{d.level}-depot-{place.name}", d.level, place, self.node_at(place),
                                   dict(d.stock), owner, d.trucks, d.mode))
        return out

    @cached_property
    def air_bridge(self) -> AirBridge:
        """The plan's transport aircraft for relief (`relief.air`), built when a consignment first asks."""
        return AirBridge(self)

    def _clearers(self) -> list[ClearingTeam]:
        """Road-clearing teams of `forces.engineering`, tasked by the post of their station's level."""
        geo, out = gazetteer(), []
        for force in self.spec.forces.engineering:
            station = geo.find(force.station)
            owner = self.owner_post(force.owner or ("county" if station.level == "county" else "municipal"),
                                    station.id)
            spec = self.catalogue.clearing_teams[force.type]
            out.extend(ClearingTeam(self, f"{force.type}-{station.name}-{k + 1}", force.type, spec,
                                    self.node_at(station), owner) for k in range(force.count))
        return out

    def add_aid_forces(self, forces, receiver, requested_at: float, teams_by: str = "road") -> list:
        """Mutual-aid units: they become available after their transfer into the region; ground
        teams by convoy, or flown by transport aircraft (`teams_by`: air, or fastest of the two)."""
        geo, done = gazetteer(), []
        target = self._region_airport(receiver)
        for force in forces.aviation:
            donor = resolve_base(force.base)
            spec = self.catalogue.aircraft[force.type]
            speed = spec.cruise_kmh * self.catalogue.aviation_settings.block_speed_factor
            ferry = spec.alert_min.day + gc_km(donor.lat, donor.lon, target.lat, target.lon) / speed * 60
            for k in range(force.count):
                a = AviationAsset(self, f"{force.type}-{donor.icao}-aid{k + 1}", force.type, spec, target, receiver)
                a.status = "transferring"
                self.aircraft.append(a)
                done.append(self.env.process(self._arrive(a, ferry, requested_at)))
        for line, kind, units, catalogue in ((forces.fire_rescue, FireRescueUnit, self.teams, "ground_units"),
                                              (forces.engineering, ClearingTeam, self.clearers, "clearing_teams")):
            for force in line:
                station = geo.find(force.station)
                node, transfer = self._team_transfer(station, receiver, teams_by)
                spec = getattr(self.catalogue, catalogue)[force.type]
                for k in range(force.count):
                    u = kind(self, f"{force.type}-{station.name}-aid{k + 1}", force.type, spec, node, receiver,
                             status="transferring")
                    units.append(u)
                    done.append(self.env.process(self._arrive(u, transfer, requested_at)))
        return done

    def _team_transfer(self, station: Place, receiver, teams_by: str) -> tuple[int, float]:
        """(road node where a far team joins the region, minutes until it is there). `fastest` flies
        it when transfer + road on to the receiving post's seat is shorter that way."""
        node = self.node_at(station)
        by_road = self.command.ground_transfer_min(station.lat, station.lon, node)
        seat = receiver.place or self.command.lead.place
        flown = team_flight(self, station.lat, station.lon, seat) if teams_by != "road" else None
        if flown is None:
            return node, by_road
        if teams_by == "fastest":
            on = self.world.roads.minutes_from(self.node_at(seat))      # undirected: from the seat = to it
            if not flown[0] + on[flown[1]] < by_road + on[node]:
                return node, by_road
        return flown[1], flown[0]

    def _region_airport(self, post):
        place = (post.place or self.command.lead.place)
        return min(self.world.airports, key=lambda a: gc_km(a.lat, a.lon, place.lat, place.lon))

    def _arrive(self, unit, minutes: float, requested_at: float):
        yield self.env.timeout(minutes)
        unit.status = "idle"
        self.recorder.record(self.env.now, "mutual_aid_arrived", unit.name, "",
                             after_request_min=self.env.now - requested_at)
        self.command.serve_queue()
        self.command.clearing_free(unit)

    # -- what hazards call ------------------------------------------------------------------------
    def hit(self, place: Place, hit: Damage, **extra) -> AffectedGroup:
        """People at a place are affected: a group with its needs, reported by its county post.
        A place hit again keeps its one group, which takes what the new hit adds; a new incident
        there (`incident=` in `extra`, from an incident stream) is a new call for an aircraft too.
        `extra` (e.g. `hazard="flood", depth_m=1.2`) goes into the impact event."""
        items, w = self.catalogue.relief_items, self.world
        group = self.group_at.get(place.id)
        if group is not None:
            added = group.hit_again(hit)
            for k, it in items.items():
                if added.homeless:
                    group.needs[k] = group.needs.get(k, 0.0) + float(math.ceil(added.homeless * it.per_person_day))
                    group.delivered.setdefault(k, 0.0)
                    group.shipped.setdefault(k, 0.0)
            if added.homeless and group.relieved_at is not None and group.outstanding():
                group.relieved_at = None
            self._record_impact(place, added, repeat=True, **extra)
            if group.known:             # the first report is out: the county asks again for what is new
                post = self.command.post(w.county_of.get(place.id, place.id))
                if added.trapped:
                    self.command.request_teams(group, post, post.teams_needed(group))
                if added.homeless:
                    self.command.request_relief(group, post)
                if "incident" in extra:
                    self.command.request_flight(group, post, "rescue")
            return group
        needs = {k: float(math.ceil(hit.homeless * it.per_person_day)) for k, it in items.items() if hit.homeless}
        group = AffectedGroup(self, place, hit, self.node_at(place), needs, w.elevation.get(place.id))
        self.group_at[place.id] = group
        group.comms_cut = self._loses_contact(place.id, hit.intensity)
        if group.comms_cut:
            self.env.process(self._repair(group))
            self._cut_off(group)
        self.groups.append(group)
        self._record_impact(place, hit, **extra)
        if self.spec.hours > 24:
            self.env.process(group.days())
        self.command.local_relief(group)
        self.command.post(w.county_of.get(place.id, place.id)).learn_of(group)
        return group

    def _record_impact(self, place: Place, hit: Damage, **extra) -> None:
        self.recorder.record(self.env.now, "impact", "hazard", place.id, name=place.name, lat=place.lat,
                             lon=place.lon, intensity=hit.intensity, population=place.population, killed=hit.killed,
                             trapped=hit.trapped, injured=hit.injured, homeless=hit.homeless, **extra)

    def _loses_contact(self, place_id: str, shaking: float) -> bool:
        """Whether a place struck at this intensity loses all contact (全阻), by a logistic chance.

        Documented outcomes: Wenchuan 2008, every county of the X-XI zone cut (Wenchuan, Lixian,
        Maoxian, Beichuan...); Lushan 2013, Baoxing (VIII) cut, 279 of Ya'an's 2,492 base stations
        down (MIIT via Xinhua, 2013-04-20); Changning 2019 (VIII), 2.5 % of base stations down and
        no town cut (MIIT, 2019-06-18); Luding 2022, Moxi (IX) cut. Half the places cut at VIII,
        nearly all at IX and above: a midpoint of 8.0 and a scale of 0.35 degree, set by eye to
        these few cases (a plan setting: `report_delay_min.comms_cut_intensity` / `comms_cut_spread`).
        Hazards that report no intensity (0) never cut contact this way."""
        delays = self.plan.command.report_delay_min
        if shaking <= 0:
            return False
        p = 1.0 / (1.0 + math.exp(-(shaking - delays.comms_cut_intensity) / delays.comms_cut_spread))
        return bool(substream(self.seed, f"comms_cut:{place_id}").random() < p)   # one draw per place

    def _cut_off(self, group: AffectedGroup) -> None:
        """A mountain place that lost all contact lost its roads too: the landslides that cut the fibre
        along a valley road block the road (Moxi 2022, Baoxing 2013, Wenchuan's X-XI counties 2008).
        Every road segment into it closes; only helicopters reach it."""
        roads = self.world.roads
        edges = np.flatnonzero(((roads.u == group.node) | (roads.v == group.node)) & roads.mountain
                               & np.isfinite(roads.factor))
        if len(edges):
            self.damage_roads(edges, np.full(len(edges), np.inf))

    def _repair(self, group):
        yield self.env.timeout(self.plan.command.comms_repair_min)
        if not group.contact.triggered:
            self.recorder.record(self.env.now, "comms_restored", "repair", group.place.id)
        group.make_contact()

    def damage_roads(self, edges: np.ndarray, factors: np.ndarray) -> None:
        """Slow or close road segments (inf closes) and record which closed."""
        roads = self.world.roads
        if np.any(roads.factor[edges] != factors):        # a hazard that changed no road keeps every distance
            roads.damage(edges, factors)
            roads.warm([t.node for t in self.teams] + [d.node for d in self.depots])
            self.roads_changed()
        closed = [[roads.nodes[roads.u[e]].id, roads.nodes[roads.v[e]].id] for e in edges[np.isinf(factors)]]
        self.recorder.record(self.env.now, "road_damage", "hazard", "", closed=closed,
                             slowed=int(np.isfinite(factors).sum()), cut_off=self.cut_off_sites())

    def roads_changed(self) -> None:
        """New weights from now: every unit on the road re-plans from where it is (agents/driving.py)."""
        for process in list(self.driving):
            process.interrupt("roads changed")

    def cut_off_sites(self) -> list[str]:
        """Affected places no road joins to the top depot (where relief comes from), by place id."""
        if not self.depots or not self.group_at:
            return []
        top = min(self.depots, key=lambda d: (LEVEL_RANK[d.level], d.unique_id))
        minutes = self.world.roads.minutes_from(top.node)
        return sorted(pid for pid, g in self.group_at.items() if math.isinf(minutes[g.node]))

    def reopen_road(self, edge: int, factor: float, by: str) -> None:
        """A clearing team has reopened a segment: new weights from now, waiting routes re-planned."""
        roads = self.world.roads
        was, before = float(roads.factor[edge]), set(self.cut_off_sites())
        roads.damage(np.array([edge]), np.array([factor]))
        roads.warm([t.node for t in self.teams] + [d.node for d in self.depots])
        self.roads_changed()
        self.recorder.record(self.env.now, "road_cleared", by, "",
                             link=[roads.nodes[roads.u[edge]].id, roads.nodes[roads.v[edge]].id],
                             was=None if math.isinf(was) else was, factor=factor,
                             reconnected=sorted(before - set(self.cut_off_sites())))
        self.command.road_reopened(edge)
