"""Hazards: each is a pydantic model chosen by `type:` in a scenario's `hazards:` list, with a
`run(model)` SimPy process that strikes places (`model.hit`), damages roads (`model.damage_roads`)
and alerts command (`model.command.take_lead`, `quick_report`)."""
from sim.hazards.earthquake import Earthquake

Hazard = Earthquake      # a discriminated union on `type` once there is more than one hazard

__all__ = ["Earthquake", "Hazard"]
