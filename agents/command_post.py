"""Command posts: county, municipal, provincial and national headquarters.

A post knows only what reports told it. The county post of a site hears of it after a report
delay, or, where the quake cut communications, only once contact is restored (a team or an
aircraft arriving with satellite phones, or repair). It reports an estimate of the dead that lags
and errs, follows it up every few hours, relays it up the hierarchy hop by hop, and asks for what
the site needs through `sim.command.coordination.Command`. The lead post decides the response level on what
reached it.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.world.geo import Place

if TYPE_CHECKING:
    from agents.affected import AffectedGroup

LEVEL_OF = {"county": "county", "city": "municipal", "province": "provincial"}


class Estimates(dict):
    """Deaths as last reported to a post, by group id, with their running total: the ladders read
    the total on every report, and summing every site's estimate each time grew with incidents
    squared. Every write (reports, relays, the drill room's corrections) goes through `[]=`."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def __setitem__(self, group_id: str, deaths: int) -> None:
        self.total += deaths - self.get(group_id, 0)
        super().__setitem__(group_id, deaths)


class CommandPost(mesa.Agent):
    """Headquarters of one admin unit (or of the nation, with `place` None)."""

    def __init__(self, model, place: Place | None, parent: CommandPost | None) -> None:
        super().__init__(model)
        self.place, self.parent = place, parent
        self.level = LEVEL_OF[place.level] if place else "national"
        self.name = f"{self.level}:{place.name}" if place else f"national:{self._headquarters(model)}"
        self.estimates = Estimates()            # group id -> deaths as last reported to this post
        self.onscene: set[str] = set()          # groups where this post has set up on-scene command
        self._ancestors: list[CommandPost] | None = None

    @staticmethod
    def _headquarters(model: mesa.Model) -> str:
        """The national headquarters its national plan names (the catalogue names one for every set)."""
        return model.catalogue.national_headquarters[model.plan.response.triggers]

    @property
    def decision_delay(self) -> float:
        return self.model.plan.command.decision_delay_min.get(self.level, 0.0)

    def ancestors(self) -> list[CommandPost]:
        """This post and every post above it, nearest first (the hierarchy never changes: computed once)."""
        if self._ancestors is None:
            self._ancestors = [self] + (self.parent.ancestors() if self.parent else [])
        return self._ancestors

    def controls(self, owner: CommandPost) -> bool:
        """May this post task what `owner` owns (its own and its subordinates' resources)?"""
        return self in owner.ancestors()

    # -- a county post's work for one affected site ----------------------------------------------
    def learn_of(self, group: AffectedGroup) -> None:
        self.model.env.process(self._site(group))

    def _site(self, group: AffectedGroup):
        env, plan = self.model.env, self.model.plan
        delays, resp = plan.command.report_delay_min, plan.response
        if group.comms_cut:
            yield group.contact                      # silent until a team, an aircraft or repair restores it
        rng = self.model.streams["comms"]
        jitter = rng.uniform(-delays.jitter, delays.jitter) if delays.jitter else 0.0
        # every report's error is drawn now, one per possible report: one draw call, and the same
        # errors whatever the timing (common random numbers when a plan changes)
        most = 2 + int(self.model.spec.hours * 60 // resp.followup_min)
        errors = (np.exp(rng.normal(0.0, resp.estimate_error, most)).tolist() if resp.estimate_error
                  else [1.0] * most)
        yield env.timeout(delays.normal * (1 + jitter))
        group.known = True
        first = env.now
        self.report(group, first, errors[0])
        yield env.timeout(self.decision_delay)
        command = self.model.command
        played = self.name in command.played        # its desk asks and sends 续报 through the room's orders
        teams = self.teams_needed(group)
        if not played:
            self._record("decision", group.place.id, aircraft=1, teams=teams, relief=bool(group.needs))
        self._medevac_by_road(group)                # ambulances by road: no request, played or not
        if not played:
            command.request_flight(group, self, "rescue")
            command.request_teams(group, self, teams)
            command.request_relief(group, self)
        horizon = self.model.spec.hours * 60 - resp.followup_min
        for error in errors[1:]:
            if env.now >= horizon:
                break
            yield env.timeout(resp.followup_min)
            self.report(group, first, error, send=not played)

    def _medevac_by_road(self, group: AffectedGroup) -> None:
        """Send the immediate category to the nearest hospital by road, if a road reaches one:
        ambulances drive out from the hospital and back (assumption: no ambulance shortage).
        Where every road is cut, only helicopters can bring them to care."""
        roads = self.model.world.roads
        one_way = float(roads.nearest_of(self.model.hospitals)[group.node])
        if group.immediate and math.isfinite(one_way):
            now = self.model.env.now
            alive, dead = group.to_care(group.immediate, now + 2 * one_way)
            self._record("medevac", group.place.id, alive=alive, dead=dead, mode="road", care_min=now + 2 * one_way)

    def report(self, group: AffectedGroup, first: float, error: float, send: bool = True) -> None:
        """Estimate the dead at this site now (the truth, lagging, times a lognormal error) and send it up.
        A played post's follow-ups stay at the post (`send` False, logged `sent_up: false`): its desk
        reads them and decides what its 续报 (the room's sitrep) tells the posts above."""
        resp, now = self.model.plan.response, self.model.env.now
        known = 1 - math.exp(-(now - first + resp.followup_min) / (resp.estimate_lag_h * 60))
        deaths = int(round(group.dead * known * error))
        self.estimates[group.place.id] = deaths
        kept = {} if send else {"sent_up": False}
        self.model.recorder.record(now, "report", self.name, group.place.id, deaths=deaths, trapped=group.trapped,
                                   injured=group.injured, homeless=group.homeless, comms_cut=group.comms_cut, **kept)
        if send:
            self.model.command.relay(self, group, deaths)

    def receive(self, group: AffectedGroup, deaths: int, sender: CommandPost, _arrival=None) -> None:
        """A relayed report arrives (as the callback of its arrival event); the lead post and the national
        post reassess their response ladders."""
        model = self.model
        self.estimates[group.place.id] = deaths
        model.recorder.record(model.env.now, "report", self.name, group.place.id, deaths=deaths, relayed_by=sender.name)
        if self is model.command.lead or self is model.command.national:
            model.command.assess(self)

    # -- requests held here for the drill room's desk (a played post) ----------------------------------
    def held(self, below: bool = False) -> list:
        """Requests held at this post for its desk, oldest first; with `below`, also those held at the
        posts under it (the province's aviation group answers a county's held airlift sorties)."""
        return [r for r in self.model.command.held if r.holder is self or (below and self.controls(r.holder))]

    def take(self, req) -> None:
        """This post answers a held request: it leaves the held list and its chain ends here, as the chain
        of a request approved while climbing does."""
        self.model.command.held.remove(req)
        if req.chain[-1] != self.name:
            req.chain.append(self.name)

    def answer_relief(self, group: AffectedGroup, depot, road_min: float) -> bool:
        """The desk released stock to a site: that is its approval (`approve`, so the approval time counts,
        as when an unplayed post fills a request from its depots) of the oldest relief request held here or
        at a post below (the province's supplies group answers what a played prefecture holds) for the
        site, closed with every other held for it once nothing the site needs is unshipped.
        False: no relief request was held here or below for the site."""
        asked = [r for r in self.held(below=True) if r.kind == "relief" and r.group is group]
        if not asked:
            return False
        self._record("approve", group.place.id, request="relief", depot=depot.name, chain=list(asked[0].chain),
                     approval_min=self.model.env.now - asked[0].created, transfer_min=road_min)
        if not group.outstanding_unshipped():
            for req in asked:
                self.take(req)
        return True

    def held_sortie(self, aircraft, group: AffectedGroup | None = None):
        """The oldest airlift sortie held here or below (for `group`, if named) that the aircraft can fly."""
        return next((r for r in self.held(below=True) if r.purpose == "airlift" and group in (None, r.group)
                     and aircraft.can_serve(r.mission)), None)

    def forward(self, group: AffectedGroup, kind: str) -> None:
        """The desk asked up the chain for a site (`request`): the requests of that kind held here for it go
        up in that one request (`forward`, with how long each waited here), so none waits here any more."""
        for req in [r for r in self.held() if r.kind == kind and r.group is group and r.purpose != "airlift"]:
            self.take(req)
            self._record("forward", group.place.id, request=kind, chain=list(req.chain),
                         held_min=self.model.env.now - req.created)

    def send_by_road(self, req) -> None:
        """A road reaches the site of an airlift sortie held here again: the sortie leaves the desk's list
        and goes by truck (logged here as `reroute`, for the desk; the consignment logs its own)."""
        self.model.command.held.remove(req)
        self._record("reroute", req.group.place.id, request=req.kind, purpose=req.purpose, mode="road",
                     chain=list(req.chain), items=req.mission.cargo)

    def teams_needed(self, group: AffectedGroup) -> int:
        """Teams to clear the site's trapped in about a day, within the plan's cap per site."""
        if group.trapped == 0:
            return 0
        rate = max(self.model.max_team_rate, 1e-9)
        return min(self.model.plan.command.max_teams_per_site, math.ceil(group.trapped / (rate * 24)))

    def _record(self, kind: str, place: str, **data) -> None:
        self.model.recorder.add(self.model.env.now, kind, self.name, place, data)
