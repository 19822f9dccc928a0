"""A historical scenario's `record:` block: documented facts, each with its source, that `history`
sets beside the model's distribution. A fact names the KPI it is compared with (a key of
summary.json; `a.b.KEY` reaches into a dict-valued KPI such as `hazard.intensity_area_km2.VII`)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Fact(BaseModel):
    """One documented number (or level) and where it comes from."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    kpi: str = Field(min_length=1, max_length=200)
    value: float | str
    source: str = Field(min_length=3, max_length=500, description="publication or official report, with date")
    note: str = Field("", max_length=500)
