"""The force and supply catalogue: aircraft, ground units, relief items, roads, warnings, water drops.

The figures live in `catalogue.yaml` beside this file, each with its source; this module only
types them, so a typo in the catalogue fails loudly at load time rather than mid-run.
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AlertTimes(Frozen):
    day: float
    night: float


class AircraftType(Frozen):
    kind: Literal["helicopter", "fixed_wing", "transport"]
    cruise_kmh: float
    range_km: float
    payload_kg: float
    seats: int
    ceiling_m: float
    night: bool
    alert_min: AlertTimes
    refuel_min: float
    hoist_min_per_person: float


class AviationSettings(Frozen):
    block_speed_factor: float
    range_reserve: float
    recon_work_min: float


class GroundType(Frozen):
    speed_factor: float
    rescue_per_hour: float
    crew: int
    line_m_per_h: float = 0.0          # fire line a forest fire team builds
    boat_kmh: float | None = None      # boats: goes on across flooded land where trucks stop


class ReliefItem(Frozen):
    per_person_day: float
    kg_per_unit: float


class RoadSettings(Frozen):
    k_neighbours: int
    detour_factor: float
    speed_kmh: dict[str, float]
    mountain_prefixes: list[str]
    loading_min: float


class QuakeTrigger(Frozen):
    level: Literal["I", "II", "III", "IV"]
    deaths_at_least: int
    magnitude_dense: float
    magnitude_fairly_dense: float
    commander: Literal["national", "provincial", "municipal", "county"]


class FloodTrigger(Frozen):
    level: Literal["I", "II", "III", "IV"]
    condition: str
    commander: Literal["national", "provincial", "municipal", "county"]
    reported: list[str] = []           # condition keys a hazard model reports that meet this level


class WarningChannel(Frozen):
    reach: float = Field(gt=0, le=1)
    delay_min: float = Field(ge=0)


class WarningSettings(Frozen):
    evacuation_rate_per_h: float = Field(gt=0)


class WaterDrop(Frozen):
    water_kg: float = Field(gt=0)
    fill_min: float = Field(ge=0)
    drop_min: float = Field(ge=0)


class FireSettings(Frozen):
    coverage_l_per_m2: float = Field(gt=0)
    wet_strip_m: float = Field(gt=0)


class Density(Frozen):
    dense: float
    fairly_dense: float


class CentralDepots(Frozen):
    first_batch_1998: list[str]
    later_additions_reported: list[str]

    @property
    def cities(self) -> list[str]:
        return self.first_batch_1998 + self.later_additions_reported


class Catalogue(Frozen):
    aircraft: dict[str, AircraftType]
    aviation_settings: AviationSettings
    ground_units: dict[str, GroundType]
    relief_items: dict[str, ReliefItem]
    road_settings: RoadSettings
    response_levels: dict[str, list[QuakeTrigger] | list[FloodTrigger]]
    population_density_per_km2: Density
    central_reserve_depots: CentralDepots
    warning_channels: dict[str, WarningChannel]
    warning_settings: WarningSettings
    wind_limit_ms: dict[Literal["helicopter", "fixed_wing", "transport"], float]
    water_drops: dict[str, WaterDrop]
    fire_settings: FireSettings


@cache
def load_catalogue() -> Catalogue:
    """The bundled catalogue, parsed once per process."""
    text = resources.files("sim.scenario").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    return Catalogue.model_validate(yaml.safe_load(text))
