"""Disaster chains: one hazard setting off another (the typhoon -> flood chain lives in `typhoon.py`).

- earthquake -> landslides -> dammed lake -> downstream flood: where the quake shakes the declared
  site hard enough, landslides close the roads near it and dam the river. The lake overtops when
  its volume is filled by the inflow (volume / inflow, closed form); unless a team reaches the dam
  and cuts a spillway before that, the dam breaches and a flood wave runs downstream at
  `wave_kmh`, flooding each place after its distance. The lake is forecastable: downstream places
  are warned when it forms (Tangjiashan 2008: a spillway cut in about a week, some 250,000 people
  moved out of Mianyang downstream beforehand; Xinhua, June 2008).
"""
from __future__ import annotations

import math
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, field_validator

from sim.hazards.earthquake import Earthquake
from sim.hazards.flood import Flood, FloodPlace, known_place
from sim.hazards.warnings import PublicWarning
from sim.world.geo import haversine_km

# reservoir classes by volume (水库分等: large >= 1e8 m3, medium >= 1e7 m3, small below)
LAKE_CLASSES = ((1e8, "large_dam_failure"), (1e7, "medium_dam_failure"), (0.0, "small_dam_failure"))
WAVE_RISE_H, WAVE_FALL_H = 1.0, 12.0          # breach wave: up to its peak in 1 h, down in 12 h; assumption


class Downstream(BaseModel):
    """A place below the dam: river distance and the depth the breach wave brings."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    place: str
    km: NonNegativeFloat
    _known = field_validator("place")(classmethod(lambda cls, name: known_place(name)))
    depth_m: PositiveFloat
    exposed_share: float = Field(0.2, gt=0, le=1)


class Spillway(BaseModel):
    """Handling the lake: a unit of this type drives to the dam and cuts a spillway in `work_h`."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    team: str
    work_h: PositiveFloat


class LandslideDam(BaseModel):
    """Earthquake -> landslides -> a dammed lake; in a scenario's `hazards:` after the earthquake."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["landslide_dam"]
    site: tuple[float, float]
    min_intensity: float = Field(8.0, ge=6, le=12, description="landslides where the quake reaches this")
    landslide_radius_km: PositiveFloat = 15.0
    lake_volume_m3: PositiveFloat
    inflow_m3_s: PositiveFloat
    wave_kmh: PositiveFloat = 20.0
    downstream: list[Downstream] = Field(min_length=1)
    spillway: Spillway | None = None
    warning: PublicWarning | None = None
    origin_key: ClassVar[str] = "site"

    @property
    def origin(self) -> tuple[float, float]:
        return self.site

    def overtop_min(self) -> float:
        """Minutes from the landslide until the lake overtops the dam."""
        return self.lake_volume_m3 / self.inflow_m3_s / 60

    def breach_flood(self, breach_min: float) -> Flood:
        """The downstream flood if the dam breaches at `breach_min`: a wave arriving after km / speed."""
        places = []
        for d in self.downstream:
            arrive = breach_min / 60 + d.km / self.wave_kmh
            curve = [(arrive, 0.0), (arrive + WAVE_RISE_H, d.depth_m), (arrive + WAVE_RISE_H + WAVE_FALL_H, 0.0)]
            places.append(FloodPlace(place=d.place, depth_m=curve, exposed_share=d.exposed_share))
        return Flood(type="flood", kind="river", centre=self.site, places=places, warning=self.warning)

    def run(self, model):
        """After the first earthquake: landslides, the lake, and a race between spillway and overtopping."""
        quake = next((h for h in model.spec.hazards if isinstance(h, Earthquake)), None)
        if quake is None:
            return
        yield model.env.timeout(max(0.0, quake.at_min - model.env.now))
        shaking = float(quake.field(np.array([self.site[0]]), np.array([self.site[1]]))[0])
        if shaking < self.min_intensity:
            return
        self._landslides(model, shaking)
        yield from self._lake(model)

    def _landslides(self, model, shaking: float) -> None:
        roads = model.world.roads
        near = np.flatnonzero(haversine_km(roads.mid_lat, roads.mid_lon, self.site[0], self.site[1])
                              <= self.landslide_radius_km)
        model.recorder.record(model.env.now, "landslide", "hazard", "", lat=self.site[0], lon=self.site[1],
                              intensity=shaking, roads_blocked=len(near))
        if len(near):
            model.damage_roads(near, np.full(len(near), np.inf))

    def _lake(self, model):
        env = model.env
        breach_at = env.now + self.overtop_min()
        drained = env.event()
        model.recorder.record(env.now, "dammed_lake", "hazard", "", lat=self.site[0], lon=self.site[1],
                              volume_m3=self.lake_volume_m3, inflow_m3_s=self.inflow_m3_s, overtop_min=breach_at)
        env.process(self.breach_flood(breach_at).run(model, called_off=drained))
        finish = self._start_spillway(model, breach_at)
        if finish is not None:
            yield env.timeout(finish - env.now)
            drained.succeed()
            model.recorder.record(env.now, "lake_drained", "hazard", "", lat=self.site[0], lon=self.site[1])
            return
        yield env.timeout(breach_at - env.now)
        model.recorder.record(env.now, "dam_breach", "hazard", "", lat=self.site[0], lon=self.site[1],
                              volume_m3=self.lake_volume_m3)
        failure = next(name for vol, name in LAKE_CLASSES if self.lake_volume_m3 >= vol)
        model.command.report_condition("dam_breach", failure, "")

    def _start_spillway(self, model, breach_at: float) -> float | None:
        """The nearest free unit of the spillway type, if it can finish before the overtopping: when it will."""
        if self.spillway is None:
            return None
        node = model.world.roads.nearest(*self.site)
        free = [(u.eta_min(node), i, u) for i, u in enumerate(model.teams)
                if u.type_name == self.spillway.team and u.status == "idle" and not u.missions.items]
        eta, _, unit = min(free, default=(math.inf, 0, None), key=lambda x: (x[0], x[1]))
        finish = model.env.now + eta + self.spillway.work_h * 60
        if unit is None or finish >= breach_at:
            model.recorder.record(model.env.now, "spillway_too_late", "hazard", "", eta_min=eta)
            return None
        unit.status = "engineering"
        model.env.process(_engineer(model, unit, node, eta, finish))
        return finish


def _engineer(model, unit, node: int, eta: float, finish: float):
    """The unit drives to the dam, cuts the spillway, and is free again."""
    roads = model.world.roads
    n, here = roads.nodes[node], roads.nodes[unit.node]
    model.recorder.record(model.env.now, "depart", unit.name, "dam", minutes=eta, to=[n.lat, n.lon],
                          status="driving", lat=here.lat, lon=here.lon)
    yield model.env.timeout(finish - model.env.now)
    unit.node, unit.status = node, "idle"
    model.recorder.record(model.env.now, "spillway", unit.name, "dam", status="idle", lat=n.lat, lon=n.lon)
    model.command.team_free(unit)
