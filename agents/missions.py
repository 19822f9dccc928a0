"""Missions: the one shared primitive between command and the units that carry orders out.

A mission is handed to a unit's SimPy `Store`; the unit's process takes it, acts, and fires
`done`. Command never reaches into a unit's state machine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from agents.affected import AffectedGroup

Kind = Literal["rescue", "airlift", "ground_rescue", "insert"]


class Shipment(Protocol):
    """What an airlift mission needs of the consignment it carries (`agents.supply.Consignment`)."""
    depot: Any                     # the SupplyDepot the cargo is loaded at

    def arrived(self, cargo: dict[str, float], carrier: str) -> None: ...


@dataclass(eq=False)
class Mission:
    kind: Kind
    group: AffectedGroup
    created: float
    consignment: Shipment | None = None
    cargo: dict[str, float] = field(default_factory=dict)
    done: Any = None          # simpy.Event fired when the mission ends
    purpose: str = ""         # "rescue", "recon", "airlift" or "insert" for aircraft; "" for ground rescue
    team: Any = None          # "insert": the ground unit flown from its station to a site no road reaches
