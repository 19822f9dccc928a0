"""Missions: the one shared primitive between command and the units that carry orders out.

A mission is handed to a unit's SimPy `Store`; the unit's process takes it, acts, and fires
`done`. Command never reaches into a unit's state machine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from agents.affected import AffectedGroup
    from agents.supply import Consignment

Kind = Literal["rescue", "airlift", "ground_rescue"]


@dataclass(eq=False)
class Mission:
    kind: Kind
    group: AffectedGroup
    created: float
    consignment: Consignment | None = None
    cargo: dict[str, float] = field(default_factory=dict)
    done: Any = None          # simpy.Event fired when the mission ends
    purpose: str = ""         # "rescue", "recon" or "airlift" for aircraft; "" for ground rescue
