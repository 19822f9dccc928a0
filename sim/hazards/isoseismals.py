"""An official intensity map laid over the model's field: the zones keep the model's shape and
orientation and take the map's areas.

A Chinese intensity map (烈度图, published by CEA/MEM days after a quake) gives the area of each
zone. PAGER was calibrated on observed shaking (ShakeMaps constrained by data), so replaying a past
quake with its map tests the casualty model apart from the intensity model: on Luding, Jiuzhaigou,
Jishishan and Ludian the deaths move from x11, x9.7, x1.0 and x0.44 of the record to x3.7, x3.8,
x2.4 and x6.3 (`history`): all over, by PAGER's older vulnerability.

The remap is monotone: a point whose model intensity I has model area a(I) at or above it is given
the intensity I' at which the map's cumulative area A(I') equals a(I). Between degrees ln A is
linear; above the map's top degree n the area falls linearly to nothing at n + 1 (the map says
there is no zone n + 1); below VI every intensity is shifted by what it takes to put the VI contour
where the map has it.

A map whose release gives only some zones (Ludian 2014: VI and above, and IX) has the others filled
in, ln A linear between the degrees it gives (assumption). Checked on the two whole maps bundled:
kept to their VI and IX, Luding's VIII+ becomes 1,144 km2 for 785 and Jiuzhaigou's 707 for 917, and
the expected deaths over them change by +7 % and -7 % (the IX zone carries them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

DEGREES = ("VI", "VII", "VIII", "IX", "X", "XI")
Degree = str        # one of DEGREES (checked by `Isoseismals`)
Area = Annotated[float, Field(ge=1, le=1e7)]      # km2: China is 9.6 million


class Isoseismals(BaseModel):
    """An official intensity map: cumulative area (km2) at or above each degree, from VI up to its top
    degree (zones between may be left out: see the module's docstring)."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    areas_km2: dict[Degree, Area] = Field(
        description="cumulative land area at or above each degree, e.g. {VI: 19089, VII: 4393, VIII: 785, IX: 280}")
    source: str = Field(min_length=8, description="who published the map, and when")

    @model_validator(mode="after")
    def _zones_nest(self) -> Isoseismals:
        """The map starts at VI and each zone lies inside the one below it."""
        unknown = sorted(set(self.areas_km2) - set(DEGREES))
        if "VI" not in self.areas_km2:
            raise ValueError("give the area of VI at least (the map's outer zone)")
        if unknown:
            raise ValueError(f"unknown degree {unknown[0]!r}: use {', '.join(DEGREES)}")
        wanted = [d for d in DEGREES if d in self.areas_km2]
        areas = [self.areas_km2[d] for d in wanted]
        for (lo, a), (hi, b) in zip(zip(wanted, areas), zip(wanted[1:], areas[1:])):
            if b >= a:
                raise ValueError(f"{hi} ({b:g} km2) must be smaller than {lo} ({a:g} km2): the areas are "
                                 f"cumulative (at or above each degree)")
        return self

    def __hash__(self) -> int:          # a frozen map is a cache key (its dict is not hashable)
        return hash((tuple(sorted(self.areas_km2.items())), self.source))

    def cumulative(self) -> tuple[np.ndarray, np.ndarray]:
        """(degrees 6, 7, ..., top + 1; their areas, 0 at top + 1), a degree the map leaves out filled
        in log-linearly between the ones it gives."""
        given = [k for k, d in enumerate(DEGREES) if d in self.areas_km2]
        ln = np.log([self.areas_km2[DEGREES[k]] for k in given])
        areas = np.exp(np.interp(np.arange(given[-1] + 1), given, ln))
        return np.arange(6.0, 7.0 + len(areas)), np.append(areas, 0.0)


@dataclass(frozen=True, eq=False)
class Remap:
    """The monotone map from model intensity to mapped intensity (and back), on a sampled field."""
    model_i: np.ndarray           # model intensities, descending
    model_area: np.ndarray        # area at or above each (ascending)
    degrees: np.ndarray
    areas: np.ndarray

    @classmethod
    def fit(cls, iso: Isoseismals, intensities: np.ndarray, cell_km2: np.ndarray) -> Remap:
        """From the model's field sampled on cells; ValueError where the map cannot be laid over it:
        its VI zone beyond the field's reach, or its top zone smaller than a cell."""
        order = np.argsort(-intensities, kind="stable")
        degrees, areas = iso.cumulative()
        cumulative = np.cumsum(cell_km2[order])
        if not len(cumulative) or cumulative[-1] < areas[0]:
            held = cumulative[-1] if len(cumulative) else 0.0
            raise ValueError(f"a VI zone of {areas[0]:g} km2 is beyond this quake's field (at most {held:.3g} km2)")
        if cumulative[0] >= areas[-2]:
            raise ValueError(f"the top zone ({areas[-2]:g} km2) is smaller than the field's resolution "
                             f"({cumulative[0]:.2g} km2)")
        for a in (intensities[order], cumulative):
            a.flags.writeable = False          # shared through a cache
        return cls(intensities[order], cumulative, degrees, areas)

    def _area_of_model(self, i: np.ndarray) -> np.ndarray:
        return np.interp(-i, -self.model_i, self.model_area)

    def _model_at_area(self, a: np.ndarray | float) -> np.ndarray:
        return np.interp(a, self.model_area, self.model_i)

    def __call__(self, i: np.ndarray) -> np.ndarray:
        """Mapped intensity of points whose model intensity is `i`."""
        i = np.asarray(i, float)
        a = self._area_of_model(i)
        top_deg, top_area = self.degrees[-2], self.areas[-2]
        out = np.empty_like(i)
        above = a <= top_area                                  # inside the top zone: area linear to 0
        out[above] = top_deg + 1.0 - a[above] / top_area
        between = (a > top_area) & (a <= self.areas[0])
        ln_areas = np.log(self.areas[:-1])
        out[between] = np.interp(-np.log(a[between]), -ln_areas, self.degrees[:-1])
        below = (a > self.areas[0]) | (i < self.model_i[-1])     # outside the sampled field too
        out[below] = i[below] + self._shift_below()
        return out

    def _shift_below(self) -> float:
        """What puts the model's contour of the map's VI area at 6."""
        return float(6.0 - self._model_at_area(self.areas[0]))

    def inverse(self, mapped: float) -> float:
        """The model intensity that maps to `mapped` (for floors: who may be shaken at all)."""
        if mapped <= 6.0:
            return mapped - self._shift_below()
        k = min(int(np.searchsorted(self.degrees, mapped, side="right")) - 1, len(self.degrees) - 2)
        if k == len(self.degrees) - 2:
            area = self.areas[k] * (self.degrees[k] + 1.0 - mapped)
        else:
            frac = mapped - self.degrees[k]
            area = float(np.exp((1 - frac) * np.log(self.areas[k]) + frac * np.log(self.areas[k + 1])))
        return float(self._model_at_area(max(area, 0.0)))
