"""Hazards: each is a pydantic model chosen by `type:` in a scenario's `hazards:` list, with a
`run(model)` SimPy process that strikes places (`model.hit`), damages roads (`model.damage_roads`)
and alerts command (`model.command.take_lead`, `quick_report` / `report_condition`)."""
from typing import Annotated

from pydantic import Field

from sim.hazards.chains import LandslideDam
from sim.hazards.earthquake import Earthquake
from sim.hazards.flood import Flood
from sim.hazards.typhoon import Typhoon
from sim.hazards.wildfire import Wildfire

Hazard = Annotated[Earthquake | Flood | Typhoon | Wildfire | LandslideDam, Field(discriminator="type")]

__all__ = ["Earthquake", "Flood", "Hazard", "LandslideDam", "Typhoon", "Wildfire"]
