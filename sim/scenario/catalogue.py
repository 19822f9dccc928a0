"""The force and supply catalogue: aircraft, ground units, relief items, roads, rail, warnings, water drops.

The figures live in `catalogue.yaml` beside this file, each with its source; this module only
types them, so a typo in the catalogue fails loudly at load time rather than mid-run.
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator


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
    stretchers: int | None = Field(None, ge=0)   # litters in a medevac fit (None: as many as seats)


class AviationSettings(Frozen):
    block_speed_factor: float
    range_reserve: float
    recon_work_min: float


ForceKind = Literal["fire_rescue", "military", "professional", "social"]


class GroundType(Frozen):
    kind: ForceKind = "fire_rescue"    # the channel that tasks it (military: through its own request)
    activation_min: float = Field(0.0, ge=0)   # from the quake until it can be tasked
    speed_factor: float
    rescue_per_hour: float
    crew: int
    line_m_per_h: float = 0.0          # fire line a forest fire team builds
    boat_kmh: float | None = None      # boats: goes on across flooded land where trucks stop


class ReliefItem(Frozen):
    per_person_day: float
    kg_per_unit: float
    once: bool = False                 # needed once (a tent), not every day


class ClearingType(Frozen):
    kind: ForceKind = "professional"
    debris_km_per_h: float = Field(gt=0)
    buried_share: dict[Literal["closed", "slowed"], float]
    speed_factor: float = Field(gt=0)
    crew: int
    activation_min: float = Field(0.0, ge=0)


class TruckType(Frozen):
    payload_kg: float = Field(gt=0)
    speed_factor: float = Field(gt=0)
    loading_t_per_h: float = Field(gt=0)
    unload_min: float = Field(ge=0)


class LastLegMode(Frozen):
    kmh: float = Field(gt=0)
    kg_per_carrier: float = Field(gt=0)
    carriers: int = Field(gt=0)


class Restock(Frozen):
    reorder_share: float = Field(ge=0, le=1)
    production_lead_h: float = Field(ge=0)
    production_per_day: float = Field(ge=0)


class RoadSettings(Frozen):
    k_neighbours: int
    detour_factor: float
    speed_kmh: dict[str, float]
    mountain_prefixes: list[str]
    loading_min: float


class RailSettings(Frozen):
    k_neighbours: int = Field(gt=0)
    detour_factor: float = Field(ge=1)
    speed_kmh: float = Field(gt=0)
    handling_min: float = Field(ge=0)


class QuakeTrigger(Frozen):
    level: Literal["I", "II", "III", "IV"]
    deaths_at_least: int
    magnitude_dense: float
    magnitude_fairly_dense: float
    commander: Literal["national", "provincial", "municipal", "county"]
    magnitude_anywhere: float = 99.0     # some provincial plans judge by magnitude alone outside cities


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
    clearing_teams: dict[str, ClearingType]
    reopened_factor: dict[Literal["closed", "slowed"], float]
    truck_types: dict[str, TruckType]
    last_leg_modes: dict[Literal["porters", "boat"], LastLegMode]
    relief_items: dict[str, ReliefItem]
    restock: Restock
    road_settings: RoadSettings
    rail_settings: RailSettings
    transport_handling_min: float = Field(ge=0)
    response_levels: dict[str, list[QuakeTrigger] | list[FloodTrigger]]
    national_headquarters: dict[str, str] = Field(description="national trigger set -> the headquarters it names")
    population_density_per_km2: Density
    central_reserve_depots: CentralDepots
    warning_channels: dict[str, WarningChannel]
    warning_settings: WarningSettings
    wind_limit_ms: dict[Literal["helicopter", "fixed_wing", "transport"], float]
    water_drops: dict[str, WaterDrop]
    fire_settings: FireSettings

    @model_validator(mode="after")
    def _every_plan_has_its_headquarters(self) -> Catalogue:
        """Any trigger set may be a plan's national one, so each names its national headquarters."""
        missing = sorted(set(self.response_levels) - set(self.national_headquarters))
        if missing:
            raise ValueError(f"national_headquarters: name the headquarters of {', '.join(missing)}")
        return self


@cache
def load_catalogue() -> Catalogue:
    """The bundled catalogue, parsed once per process."""
    text = resources.files("sim.scenario").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    return Catalogue.model_validate(yaml.safe_load(text))
