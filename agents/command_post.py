"""Command posts: county, municipal and provincial headquarters that learn of sites and act.

This is the first command seam: the county post of a site hears of it after a report delay (longer
where the quake cut communications), decides after its decision delay, and hands the needs to the
dispatcher (aircraft, rescue teams, relief). Higher posts are informed of each report. A later
issue replaces this with graded response and requests through the hierarchy.
"""
from __future__ import annotations

import math

import mesa

from sim.geo import Place

LEVEL_OF = {"county": "county", "city": "municipal", "province": "provincial"}


class CommandPost(mesa.Agent):
    """Headquarters of one admin unit."""

    def __init__(self, model, place: Place) -> None:
        super().__init__(model)
        self.place = place
        self.level = LEVEL_OF[place.level]
        self.name = f"{self.level}:{place.name}"

    def learn_of(self, group) -> None:
        """Start the report -> decision -> dispatch chain for one affected group."""
        self.model.env.process(self._handle(group))

    def _handle(self, group):
        env, command = self.model.env, self.model.plan.command
        delays = command.report_delay_min
        base = delays.comms_cut if group.intensity >= delays.comms_cut_intensity else delays.normal
        jitter = self.model.streams["comms"].uniform(-delays.jitter, delays.jitter) if delays.jitter else 0.0
        yield env.timeout(base * (1 + jitter))
        group.known = True
        self._record("report", group, trapped=group.trapped, injured=group.injured, homeless=group.homeless,
                     comms_cut=group.intensity >= delays.comms_cut_intensity)
        for upper in self.model.posts_above(self):
            upper._record("report", group, relayed_by=self.name)
        yield env.timeout(command.decision_delay_min.get(self.level, 0.0))
        teams = self._teams_needed(group)
        self._record("decision", group, aircraft=1, teams=teams, relief=bool(group.needs))
        dispatcher = self.model.dispatcher
        dispatcher.request_rescue_flight(group)
        dispatcher.request_teams(group, teams)
        dispatcher.request_relief(group)

    def _teams_needed(self, group) -> int:
        """Teams to clear the site's trapped in about a day, within the plan's cap per site."""
        if group.trapped == 0:
            return 0
        rate = max(self.model.max_team_rate, 1e-9)
        return min(self.model.plan.command.max_teams_per_site, math.ceil(group.trapped / (rate * 24)))

    def _record(self, kind: str, group, **data) -> None:
        self.model.recorder.record(self.model.env.now, kind, self.name, group.place.id, **data)
