"""Coordinated command: the hierarchy of posts, graded response, requests, mutual aid, relief chain.

Command is a process a plan can get wrong. Reports climb the hierarchy hop by hop; requests for
aircraft, teams and supplies start at the post that saw the need and climb (`tiered`: level by
level, each post deciding in turn; `flat`: from the county or on-scene post straight to the
national post) until a post that controls a suitable free resource approves it. National assets
and central reserves are unlocked by response level II or I on either ladder (always reachable
under `flat`); the ladders themselves live in `response.py`.
Requests nobody can fill wait in one queue, served by the plan's dispatch policy as units come
free. Every step is an event: request, escalate, approve, queue, level_decision, level, mutual_aid_*.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from simpy.events import Timeout

from agents.command_post import CommandPost
from agents.engineering import damaged_edges
from agents.ground import DRIVE
from agents.missions import Mission
from agents.supply import ABOVE, Consignment, Transfer
from sim.command.dispatch import POLICIES
from sim.command.queue import RequestQueue
from sim.command.response import LEVELS, SEVERITY, Ladder, more_severe
from sim.command.waiting import Waiting, WaitingSites
from sim.world.geo import gazetteer, haversine_km

__all__ = ["LEVELS", "SEVERITY", "Command", "Request", "more_severe"]
DEPOT_LEVEL = {"county": ("county", "township"), "municipal": ("municipal",), "provincial": ("provincial",),
               "national": ("central",)}


@dataclass(eq=False)
class Request:
    kind: str                     # "aviation", "ground" or "relief"
    group: Any
    origin: CommandPost
    created: float
    mission: Mission | None = None
    count: int = 0                # teams still wanted
    chain: list[str] = field(default_factory=list)
    holder: CommandPost | None = None
    flat: bool = False            # this one request goes straight to the national post (a desk's 越级请求)

    @property
    def purpose(self) -> str:
        return self.mission.purpose if self.mission else self.kind


class Command:
    """All posts of one scenario and the rules by which they task resources."""

    def __init__(self, model) -> None:
        self.model = model
        self.plan = model.plan
        self.flat = self.plan.command.structure == "flat"
        self.policy = {"aviation": POLICIES[self.plan.dispatch.aviation](),
                       "ground": POLICIES[self.plan.dispatch.ground]()}
        self.posts: dict[str, CommandPost] = {}
        self.national = CommandPost(model, None, None)
        self.lead: CommandPost | None = None
        self.ladders: dict[str, Ladder] = {}          # "provincial" (the lead post's) and "national"
        self.queue = RequestQueue(model.world)         # requests nobody could fill, waiting for free units
        self.held: list[Request] = []                 # requests held at played posts for their desks (`hold`)
        self.idle_teams: set = set()                  # kept by FireRescueUnit.status: the index of idle teams
        self.idle_by_owner: dict[CommandPost, set] = defaultdict(set)   # kept by AviationAsset.status
        self._upward: dict[CommandPost, list[tuple[CommandPost, float]]] = {}   # relay targets and delays
        self.aid_requested = False
        self.magnitude = 0.0          # as known to command: from the automatic quick report on
        self.density = 0.0
        self.conditions: set[str] = set()   # heard by command from floods, typhoons, fires, dammed lakes
        self._sent: set[str] = set()        # reported by a hazard, perhaps still on its way (quick_report_min)
        self.insertions: list[tuple] = []   # (team, group): teams waiting for a helicopter to fly them in
        self.played: set[str] = set()       # names of posts a drill room plays: the model does not decide for them
        self.road_work: dict[int, Any] = {}   # damaged segment -> the group whose request named it
        self.clearing: set[int] = set()       # segments a clearing team is tasked to
        self.cleared: set[int] = set()
        self.military: bool | None = None     # the military channel: None not asked, False asked, True open
        self.short: set = set()               # groups whose relief request found no stock
        self.waiting = WaitingSites(model)     # sites waiting for evacuation: told by the groups' counts

    # -- hierarchy -------------------------------------------------------------------------------
    def post(self, place_id: str) -> CommandPost:
        """The post of an admin unit, created with its parents on first use."""
        if place_id in self.posts:
            return self.posts[place_id]
        place = gazetteer().places.get(place_id) or self.model.world.places[place_id]
        if place.level == "province":
            parent = self.national
        elif place.level == "city":
            parent = self.post(place.province)
        else:
            parent = self.post(place.city if place.city in gazetteer().places else place.province)
        self.posts[place_id] = CommandPost(self.model, place, parent)
        return self.posts[place_id]

    def post_at(self, place_id: str, level: str) -> CommandPost:
        """The post of the given level above (or at) a place."""
        for p in self.post(place_id).ancestors():
            if p.level == level:
                return p
        return self.national

    # -- information -----------------------------------------------------------------------------
    def relay(self, sender: CommandPost, group, deaths: int) -> None:
        """Send a report up: hop by hop (tiered), or to every level at once after one hop (flat).

        Each arrival is a plain timeout with a callback, not a process: reports are the most
        frequent thing command does."""
        if sender not in self._upward:
            hop = self.plan.command.hop_delay_min
            self._upward[sender] = [(post, hop if self.flat else hop * n)
                                    for n, post in enumerate(sender.ancestors()[1:], start=1)]
        env = self.model.env
        for post, delay in self._upward[sender]:
            Timeout(env, delay).callbacks.append(partial(post.receive, group, deaths, sender))

    def take_lead(self, origin: tuple[float, float]) -> None:
        """The provincial post where the (first) disaster struck leads the response, on its province's
        plan; the national headquarters decides the national response on the national plan."""
        if self.lead is None:
            self.lead = self.post(self.model.world.nearest_county(*origin).province)
            sets, resp = self.model.catalogue.response_levels, self.plan.response
            self.ladders = {"provincial": Ladder(self.model, "provincial", self.lead,
                                                 sets[resp.provincial_triggers or resp.triggers]),
                            "national": Ladder(self.model, "national", self.national, sets[resp.triggers])}

    @property
    def level(self) -> str | None:
        """The lead post's (provincial) response level: what the drill room sets and plans test."""
        return self.ladders["provincial"].level if self.ladders else None

    @property
    def top_level(self) -> str | None:
        """The more severe of the two ladders."""
        levels = [ladder.level for ladder in self.ladders.values()]
        return max(levels, key=SEVERITY.__getitem__, default=None)

    def quick_report(self, hazard, groups: list) -> None:
        """The automatic magnitude and intensity map reaches the lead post: level by magnitude, and
        reconnaissance flights to every place the map says lost communications."""
        self.model.env.process(self._quick_report(hazard, groups))

    def _quick_report(self, hazard, groups: list):
        yield self.model.env.timeout(self.plan.response.quick_report_min)
        self.magnitude = max(self.magnitude, hazard.magnitude)
        self.density = self._density(hazard)
        self.lead._record("quick_report", "", magnitude=hazard.magnitude, density_per_km2=self.density)
        self.assess(self.lead)
        self.assess(self.national)
        yield self.model.env.timeout(self.lead.decision_delay)
        for g in groups:
            if g.comms_cut:
                self.request_flight(g, self.lead, "recon")

    def report_condition(self, hazard: str, condition: str, place: str) -> None:
        """A non-earthquake hazard reports a condition (e.g. `severe_urban_waterlogging`): after the
        quick-report delay the lead post hears of it and reassesses the level on its plan's triggers. Until
        then no ladder may act on it, even when a death report makes the post reassess in between."""
        if condition not in self._sent:
            self._sent.add(condition)
            self.model.env.process(self._condition(hazard, condition, place))

    def _condition(self, hazard: str, condition: str, place: str):
        yield self.model.env.timeout(self.plan.response.quick_report_min)
        self.conditions.add(condition)
        self.lead._record("quick_report", place, hazard=hazard, condition=condition)
        self.assess(self.lead)
        self.assess(self.national)

    def _density(self, hazard) -> float:
        """People per km² of the counties whose seats lie within 50 km of the epicentre, by their real
        polygon areas (the plan's dense / fairly dense test)."""
        return self.model.world.density_per_km2(hazard.origin[0], hazard.origin[1], 50.0)

    # -- graded response -------------------------------------------------------------------------
    def assess(self, post: CommandPost) -> None:
        """The post deciding a ladder (the lead: provincial; the national post: national) reassesses it
        on the magnitude, the conditions and the deaths reported to it."""
        if post.name in self.played:
            return                                  # people decide here (drills.session applies their orders)
        ladder = self.ladders.get("provincial" if post is self.lead else "national" if post is self.national else "")
        if ladder is not None:
            ladder.assess(post.estimates.total, self.magnitude, self.density, self.conditions)

    def level_changed(self) -> None:
        """A ladder's level took effect: requests waiting for national assets may now be served."""
        self.serve_queue()
        if self.queue:
            self.request_mutual_aid()

    def order_level(self, level: str, reason: str) -> None:
        """The room sets the lead post's level: raises take the activation delay, lowering applies at once."""
        ladder = self.ladders["provincial"]
        if more_severe(level, ladder.level):
            ladder.raise_to(level, "as ordered", reason)
        else:
            ladder.set_now(level, reason)

    def unlocked(self, owner: CommandPost) -> bool:
        """National assets and central reserves need level II or I, unless command is flat."""
        return owner is not self.national or self.flat or self.top_level in ("I", "II")

    # -- requests --------------------------------------------------------------------------------
    def request_flight(self, group, origin: CommandPost, purpose: str, flat: bool = False) -> None:
        mission = Mission("rescue", group, self.model.env.now, done=self.model.env.event(), purpose=purpose)
        self._start(Request("aviation", group, origin, self.model.env.now, mission=mission, flat=flat))

    def request_air(self, mission: Mission) -> None:
        """An airlift sortie for a consignment, asked by the post that owns the depot. A depot of a
        played post asks nothing by itself: the sortie is held there for its desk."""
        req = Request("aviation", mission.group, mission.consignment.depot.owner, self.model.env.now,
                      mission=mission)
        if self._desk_decides(req.origin):
            self._hold(req, req.origin)
            return
        self._start(req)

    def request_teams(self, group, origin: CommandPost, count: int, flat: bool = False) -> None:
        if count > 0:
            self._start(Request("ground", group, origin, self.model.env.now, count=count, flat=flat))

    def request_relief(self, group, origin: CommandPost, flat: bool = False) -> None:
        self.request_clearing(group, origin)
        if group.outstanding():
            self._start(Request("relief", group, origin, self.model.env.now, flat=flat))

    def _start(self, req: Request) -> None:
        req.origin._record("request", req.group.place.id, request=req.kind, purpose=req.purpose, count=req.count)
        self.model.env.process(self._climb(req))

    def _climb(self, req: Request):
        """Each post decides in turn (the origin has decided already); the request climbs until filled.
        A county or municipal post the drill room plays is decided by its desk, not here: a request
        reaching it is held there (`hold`) for the desk to dispatch, release stock or ask up the chain.
        A flat request (flat command, or one a desk sends flat) goes from its origin to the national post."""
        env, post = self.model.env, req.origin
        flat = self.flat or req.flat
        while True:
            req.chain.append(post.name)
            if post is not req.origin and self._desk_decides(post):
                self._hold(req, post)
                return
            if post is not req.origin and not (flat and post is self.national):
                yield env.timeout(post.decision_delay)      # a direct call is pre-authorised
            if self._fill(req, post):
                return
            nxt = self.national if (flat and post is not self.national) else post.parent
            if nxt is None:
                break
            yield env.timeout(self.plan.command.hop_delay_min)
            post._record("escalate", req.group.place.id, request=req.kind, to=nxt.name)
            post = nxt
        req.holder = post
        if req.kind == "relief":
            post._record("shortage", req.group.place.id, items=req.group.outstanding())
            self.short.add(req.group)
            return
        post._record("queue", req.group.place.id, request=req.kind, purpose=req.purpose)
        self.queue.append(req)
        self.request_mutual_aid()

    def _desk_decides(self, post: CommandPost) -> bool:
        """Does the room decide this post's requests? Played county and municipal posts: yes. A played
        lead post hands over its response level only; its groups (aviation, supplies) dispatch beside
        the requests it still fills, which keeps requests from unplayed prefectures moving."""
        return post.name in self.played and post.level in ("county", "municipal")

    def _hold(self, req: Request, post: CommandPost) -> None:
        """Hold a request at a played post for its desk (`hold`), until its desk answers it (`CommandPost.take`)."""
        if not req.chain or req.chain[-1] != post.name:
            req.chain.append(post.name)
        req.holder = post
        self.held.append(req)
        post._record("hold", req.group.place.id, request=req.kind, purpose=req.purpose, chain=list(req.chain))

    def close_held(self, post: CommandPost, group, unit, mission: Mission, eta: float) -> bool:
        """A desk tasks a unit to a site: the oldest request of that kind held at (or queued by) its post
        for the site is answered. The unit goes as the post's approval of it (`approve`, so the approval
        time counts) and the request is closed (a ground request once it has all its teams). Airlift
        sorties held for a site are not answered by a rescue dispatch. False: nothing was held."""
        kind = "ground" if mission.kind == "ground_rescue" else "aviation"
        req = next((r for r in [*self.held, *self.queue.of(kind)] if r.holder is post and r.group is group
                    and r.kind == kind and r.purpose != "airlift"), None)
        if req is None:
            return False
        if kind == "ground":
            req.count -= 1
        self._assign(unit, mission, eta, req, post)
        if kind == "aviation" or req.count <= 0 or group.trapped == 0:
            (self.held if req in self.held else self.queue).remove(req)
        return True

    def _fill(self, req: Request, post: CommandPost) -> bool:
        if self._desk_decides(post):
            return False                            # its desk asked up the chain: its own units are its to dispatch
        if req.kind == "aviation":
            return self._fill_air(req, post)
        if req.kind == "ground":
            return self._fill_ground(req, post)
        return self._fill_relief(req, post)

    def idle_aircraft(self) -> list:
        """Idle aircraft in fleet order (the model's index, not a scan of the fleet)."""
        return sorted(self.model.idle_aircraft, key=lambda a: a.unique_id)

    def _free_aircraft(self, post: CommandPost, req: Request) -> list:
        """Idle aircraft this post may task for the request, in fleet order. A request asks at every
        post it climbs through and a queued one each time a unit comes free: scanning the whole idle
        fleet each time grew as incidents squared. So a queued request looks only at the idle aircraft
        that reach it (`RequestQueue.reachers`), and a climbing one, when the idle are many, only at
        the fleets of owners the post controls (a county post asking first controls none)."""
        free = self.queue.reachers(req)
        if free is None:
            free = self.model.idle_aircraft
            if len(free) > len(self.idle_by_owner):
                free = set().union(*[idle for owner, idle in self.idle_by_owner.items()
                                     if idle and post.controls(owner) and self.unlocked(owner)])
        return [a for a in sorted(free, key=lambda a: a.unique_id)
                if not a.missions.items and post.controls(a.owner) and self.unlocked(a.owner)
                and a.can_serve(req.mission) and not self._held_in_reserve(a)]

    def _held_in_reserve(self, aircraft) -> bool:
        share = self.plan.dispatch.reserve_share
        if share == 0 or self.top_level == "I":
            return False
        same = [a for a in self.model.aircraft if a.base.icao == aircraft.base.icao and a.status != "unserviceable"]
        idle = [a for a in same if a.status == "idle"]
        return len(idle) <= math.ceil(share * len(same))

    def _fill_air(self, req: Request, post: CommandPost) -> bool:
        """Task the policy's pick among the free aircraft (none: none of them reaches the site)."""
        free = self._free_aircraft(post, req)
        pick = self.policy["aviation"].pick_aircraft(free, req.mission, self.model.env.now)
        if pick is None:
            return False
        self._assign(pick[0], req.mission, pick[1], req, post)
        if req.mission.purpose == "rescue":
            self._commit_idle(post)
        return True

    def _commit_idle(self, post: CommandPost) -> None:
        """A post that has approved a rescue flight commits its other idle helicopters to the people
        still waiting for evacuation (nearest first), without a further request up the chain. Only the
        idle fleets of owners the post controls are looked at, not every idle aircraft."""
        idle = set().union(*[own for owner, own in self.idle_by_owner.items() if own and post.controls(owner)])
        fleet = [a for a in sorted(idle, key=lambda a: a.unique_id) if not a.missions.items and self._evacuates(a)]
        if fleet:                               # no helicopter to commit: no need to find who waits
            self._evacuate_more(fleet)

    def _fill_ground(self, req: Request, post: CommandPost) -> bool:
        free = [u for u in sorted(self.idle_teams, key=lambda u: u.unique_id) if not u.missions.items
                and post.controls(u.owner) and self.unlocked(u.owner) and self.may_task(u)]
        for unit, eta in self.policy["ground"].pick_teams(free, req.group.node, req.count):
            mission = Mission("ground_rescue", req.group, self.model.env.now, done=self.model.env.event())
            req.group.teams_assigned += 1
            self._assign(unit, mission, eta, req, post)
            req.count -= 1
        return req.count == 0 or req.group.trapped == 0

    def _fill_relief(self, req: Request, post: CommandPost) -> bool:
        """Release what this post's depots of its own level hold; the rest climbs to the next level."""
        group, roads = req.group, self.model.world.roads
        depots = [d for d in self.model.depots if d.level in DEPOT_LEVEL[post.level]
                  and post.controls(d.owner) and self.unlocked(d.owner)]
        for depot in sorted(depots, key=lambda d: (roads.minutes_from(d.node)[group.node], d.unique_id)):
            wanted = group.outstanding_unshipped()
            if not wanted:
                break
            items = depot.release(wanted)
            if items:
                road = float(roads.minutes_from(depot.node)[group.node])
                Consignment(self.model, depot, group, items, road)
                post._record("approve", group.place.id, request="relief", depot=depot.name, chain=list(req.chain),
                             approval_min=self.model.env.now - req.created, transfer_min=road)
        return not group.outstanding_unshipped()

    def assign_order(self, unit, mission: Mission, eta: float, req: Request | None = None,
                     post: CommandPost | None = None) -> None:
        """A unit tasked by the room (the lead post's order), outside the request chain; or by a desk's
        post answering a request held for it (`req`: logged as that post's approval)."""
        self._assign(unit, mission, eta, req, post or self.lead)

    def _assign(self, unit, mission: Mission, eta: float, req: Request | None, post: CommandPost) -> None:
        if mission.kind == "rescue":
            mission.group.seats_inbound += unit.spec.seats
        unit.status = "tasked"
        unit.missions.put(mission)
        now = self.model.env.now
        data = {"request": req.kind, "chain": list(req.chain), "approval_min": now - req.created} if req else {}
        post._record("approve" if req else "retask", mission.group.place.id, unit=unit.name, mission=mission.kind,
                     purpose=mission.purpose or mission.kind, transfer_min=eta, **data)
        self.model.recorder.record(now, "dispatch", unit.name, mission.group.place.id, mission=mission.kind,
                                   purpose=mission.purpose or mission.kind, eta_min=eta, by=post.name)

    def on_scene(self, group, unit) -> None:
        """The first team at a site sets up on-scene command (the county post acts through it)."""
        county = self.post(self.model.world.county_of.get(group.place.id, group.place.id))
        if group.place.id not in county.onscene:
            county.onscene.add(group.place.id)
            county._record("onscene", group.place.id, by=unit.name)

    # -- units coming free -----------------------------------------------------------------------
    def serve_queue(self) -> None:
        """Give waiting requests to free units, in the policy's order. Of the aviation requests, only
        those some idle aircraft reaches are looked at (`RequestQueue`): the others would fail. After
        each flight tasked the search starts again over what the aircraft still idle reach; requests
        ahead of the one served failed with more aircraft free, so they fail again."""
        if not self.queue:
            return
        while self.model.idle_aircraft:
            waiting = self.policy["aviation"].order(self.queue.reachable())
            served = next((r for r in waiting if self._fill_air(r, r.holder)), None)
            if served is None:
                break
            self.queue.remove(served)
        for req in self.policy["ground"].order(self.queue.of("ground")):
            if self._fill_ground(req, req.holder):
                self.queue.remove(req)

    def request_insertion(self, unit, group):
        """A team no road brings to a site waits for helicopters: an event that fires with the share
        of its crew set down by the first lift (0 if none can fly it in)."""
        unit.inserted = self.model.env.event()
        unit.crew_share, unit.crew_waiting, unit.lift_seats, unit.lift_node = 0.0, unit.spec.crew, 0, unit.node
        self.insertions.append((unit, group))
        self._serve_insertions()
        return unit.inserted

    def _serve_insertions(self) -> None:
        """Give waiting teams the free helicopters that land them soonest (station, then site), as many
        as the seats the crew still at the station needs: one helicopter per team left most of a heavy
        team (40) at its station, whatever the fleet (issue 13). A team leaves the list once all its
        crew is lifted."""
        now = self.model.env.now
        for unit, group in list(self.insertions):
            if group.trapped == 0 or unit.crew_waiting == 0:     # nobody left to dig out, or all crew aboard
                self.insertions.remove((unit, group))
                if group.trapped == 0 and not unit.inserted.triggered:
                    unit.inserted.succeed(0.0)
                continue
            while unit.crew_waiting > unit.lift_seats:
                best = self._lifter(unit, group, now)
                if best is None:
                    return
                unit.lift_seats += best[1].spec.seats
                mission = Mission("insert", group, now, done=self.model.env.event(), purpose="insert", team=unit)
                self._assign(best[1], mission, best[0], None, self.lead)

    def _lifter(self, unit, group, now: float) -> tuple[float, Any] | None:
        """(minutes, helicopter): the free helicopter that sets the team down soonest, if any can."""
        station = self.model.world.roads.nodes[unit.lift_node]
        free = [a for a in self.idle_aircraft() if a.status == "idle" and not a.missions.items
                and a.spec.kind == "helicopter" and a.spec.seats > 0 and a.role != "airlift"
                and self.unlocked(a.owner)]
        times = [(a.ready_delay(now) + a.flight_min(station.lat, station.lon)
                  + a.flight_min(group.place.lat, group.place.lon), i, a) for i, a in enumerate(free)]
        best = min((x for x in times if math.isfinite(x[0])), default=None)
        return None if best is None else (best[0], best[2])

    def aircraft_free(self, aircraft) -> None:
        if self.insertions:
            self._serve_insertions()
        self.serve_queue()
        if aircraft.status == "idle" and not aircraft.missions.items and self._evacuates(aircraft):
            self._evacuate_more([aircraft])

    def team_free(self, unit) -> None:
        self.serve_queue()

    def _evacuates(self, aircraft) -> bool:
        """May this aircraft fly out people waiting for evacuation on its own owner's authority?"""
        return (aircraft.spec.kind == "helicopter" and aircraft.spec.seats > 0 and aircraft.role != "airlift"
                and self.unlocked(aircraft.owner))

    def _evacuate_more(self, fleet: list) -> None:
        """Free helicopters with seats fly again to people still waiting for evacuation, each in turn to
        the site it reaches soonest. No time passes meanwhile, so the sites waiting and their distances
        from each helicopter are computed once; where none waits (mostly), nothing is computed."""
        sites = self.waiting.groups()
        if not sites:
            return
        waiting = Waiting(sites, fleet)
        for aircraft, km in zip(fleet, waiting.km):
            if not waiting.open.any():
                return
            nearest = waiting.nearest(aircraft, km)
            if nearest is not None:
                now, group = self.model.env.now, waiting.groups[nearest[1]]
                mission = Mission("rescue", group, now, done=self.model.env.event(), purpose="rescue")
                self._assign(aircraft, mission, aircraft.ready_delay(now) + nearest[0], None, aircraft.owner)
                waiting.update(nearest[1])

    # -- forces beyond fire-rescue ------------------------------------------------------------------
    def may_task(self, unit) -> bool:
        """Military units answer only through the military channel, which the lead post opens by a
        request of its own (with its own delay) the first time such a unit could be tasked."""
        if unit.spec.kind != "military":
            return True
        if self.military is None:
            self.military = False
            self.model.env.process(self._military_channel())
        return self.military

    def _military_channel(self):
        self.lead._record("request", "", request="military", purpose="military", count=0)
        yield self.model.env.timeout(self.plan.command.military_request_min)
        self.military = True
        self.lead._record("military_approved", "", after_min=self.plan.command.military_request_min)
        self.serve_queue()
        self._serve_clearing()

    # -- road clearing -------------------------------------------------------------------------------
    def request_clearing(self, group, origin: CommandPost) -> None:
        """The segments into a site that are closed or slowed go on the clearing list (once each)."""
        if not self.model.clearers:
            return
        roads = self.model.world.roads
        floor = self.model.catalogue.reopened_factor["slowed"]
        new = [int(e) for e in damaged_edges(roads, [group.node], floor)
               if int(e) not in self.road_work and int(e) not in self.cleared]
        if not new:
            return
        origin._record("request", group.place.id, request="clearing", purpose="clearing", count=len(new))
        self.road_work.update(dict.fromkeys(new, group))
        self._serve_clearing()

    def _serve_clearing(self) -> None:
        """Each free team takes the segment it would reopen soonest, segments into cut-off sites first."""
        free = [t for t in self.model.clearers if t.status == "idle" and not t.work.items
                and self.unlocked(t.owner) and self.may_task(t)]
        roads = self.model.world.roads
        cut = {self.model.group_at[p].node for p in self.model.cut_off_sites()} if free else set()
        for team in free:
            pending = [e for e in self.road_work if e not in self.clearing]
            options = [(not {int(roads.u[e]), int(roads.v[e])} & cut, team.reach_min(e)[0] + team.clearing_min(e), e)
                       for e in pending]
            best = min((o for o in options if math.isfinite(o[1])), default=None)
            if best is None:
                return
            edge = best[2]
            self.clearing.add(edge)
            team.status = "tasked"
            team.work.put(edge)
            self.model.recorder.record(self.model.env.now, "dispatch", team.name, self.road_work[edge].place.id,
                                       mission="clearing", purpose="clearing", eta_min=best[1],
                                       by=team.owner.name)

    def clearing_free(self, team) -> None:
        self._serve_clearing()

    def clearing_failed(self, edge: int) -> None:
        self.clearing.discard(edge)

    def road_reopened(self, edge: int) -> None:
        """A segment is open again: teams waiting for a helicopter drive if a road now reaches their
        site; airlift sorties still queued (or held for a desk) go by truck; waiting requests are served again."""
        self.road_work.pop(edge, None)
        self.clearing.discard(edge)
        self.cleared.add(edge)
        roads = self.model.world.roads
        for unit, group in list(self.insertions):
            if math.isfinite(roads.minutes_from(unit.lift_node)[group.node]):
                self.insertions.remove((unit, group))
                if unit.inserted.triggered:
                    unit.drive_rest(group)          # part of the crew is on site: the rest drives
                else:
                    unit.inserted.succeed(DRIVE)
        for req in [r for r in [*self.queue.of("aviation"), *self.held] if r.purpose == "airlift"]:
            shipment = req.mission.consignment
            if math.isfinite(roads.minutes_from(shipment.depot.node)[req.group.node]):
                if req in self.held:
                    req.holder.send_by_road(req)        # held for a played post's desk: it sees it go by truck
                else:
                    self.queue.remove(req)
                shipment.by_road(req.mission.cargo)
                req.mission.done.succeed()
        self.serve_queue()

    # -- relief beyond the first release ---------------------------------------------------------------
    def local_relief(self, group) -> None:
        """A township depot at the stricken place hands out its stock at once: no request climbs."""
        for depot in self.model.depots:
            wanted = group.outstanding_unshipped()
            if depot.level != "township" or depot.node != group.node or not wanted:
                continue
            items = depot.release(wanted)
            if items:
                Consignment(self.model, depot, group, items, 0.0)

    def restock(self, depot) -> None:
        """A depot below its reorder point orders from the nearest depots of the levels above (the
        central level from production capacity); transfers go by the sender's trucks."""
        gap = depot.shortfall()
        if not gap:
            return
        if depot.level == "central":
            if not depot.producing:
                self.model.env.process(depot.produce())
            return
        minutes = self.model.world.roads.minutes_from(depot.node)
        level = ABOVE.get(depot.level)
        while level and gap:
            for src in sorted((d for d in self.model.depots if d.level == level and self.unlocked(d.owner)
                               and math.isfinite(minutes[d.node])), key=lambda d: (minutes[d.node], d.unique_id)):
                items = src.release(gap)
                if items:
                    Transfer(self.model, src, depot, items, float(minutes[src.node]))
                    depot.owner._record("restock_order", depot.place.id, depot=depot.name, source=src.name,
                                        items=items)
                    gap = {k: v - items.get(k, 0.0) for k, v in gap.items() if v - items.get(k, 0.0) > 1e-9}
            level = ABOVE.get(level)

    def stock_arrived(self) -> None:
        """New stock somewhere: sites whose requests found none ask again."""
        short, self.short = self.short, set()
        for group in short:
            post = self.post(self.model.world.county_of.get(group.place.id, group.place.id))
            if self._desk_decides(post):        # a played county asks nothing by itself: its desk decides
                if group.outstanding():
                    self._hold(Request("relief", group, post, self.model.env.now), post)
                continue
            self.request_relief(group, post)

    def max_airlift_kg(self) -> float:
        return max((a.spec.payload_kg for a in self.model.aircraft if a.spec.kind == "helicopter"), default=0.0)

    # -- mutual aid ------------------------------------------------------------------------------
    def request_mutual_aid(self, force: bool = False) -> None:
        """Ask the plan's partner regions once, when requests wait and the level allows it (II or I),
        or at once when the room orders it (`force`)."""
        allowed = force or self.flat or self.top_level in ("I", "II")
        if self.aid_requested or not self.plan.mutual_aid or not allowed:
            return
        self.aid_requested = True
        for aid in self.plan.mutual_aid:
            self.model.env.process(self._mutual_aid(aid))

    def _mutual_aid(self, aid):
        env, start = self.model.env, self.model.env.now
        self.lead._record("mutual_aid_request", "", partner=aid.from_, mechanism=aid.mechanism)
        yield env.timeout(aid.approval_min)
        self.lead._record("mutual_aid_approved", "", partner=aid.from_, after_min=env.now - start)
        arrivals = self.model.add_aid_forces(aid.forces, self.lead, start, aid.teams_by)
        if arrivals:
            yield env.all_of(arrivals)

    def ground_transfer_min(self, station_lat: float, station_lon: float, node: int) -> float:
        """Convoy time from a station outside the road graph to where it joins it."""
        n = self.model.world.roads.nodes[node]
        rs = self.model.catalogue.road_settings
        km = float(haversine_km(station_lat, station_lon, n.lat, n.lon)) * rs.detour_factor
        return km / rs.speed_kmh["plain"] * 60
