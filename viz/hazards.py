"""What the non-earthquake hazards look like at the display minute, rebuilt from their events (no pygame).

Floods, typhoons, fires, chains and warnings each record their own events (`flood_depth`, `typhoon`
and `typhoon_position`, `base_grounded`, `fire_perimeter`, `water_drop`, `warning_issued`, `warned`,
`landslide`, `dammed_lake`, ...). `HazardState.apply` folds them in as `Scene` seeks; only what the
events said is shown, so a live view and a replay of the same run draw the same footprint.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.events import Event

GALE_MS = 13.9               # Beaufort 7: the edge of the CMA gale circle (R7), as sim.hazards.typhoon
STORM_MS = 24.5              # Beaufort 10: the storm circle (R10)
DEFAULT_RMAX_KM = 40.0       # sim.hazards.typhoon.Typhoon.rmax_km's default
OUTLINE_SECTORS = 36
MARKER_KINDS = {"landslide": "滑坡 landslide", "dammed_lake": "堰塞湖 dammed lake", "dam_breach": "溃坝 dam breach",
                "lake_drained": "已泄流 lake drained"}


@dataclass
class FloodSpot:
    """The last depth recorded at a place, and the moment it was recorded for (impact, peak, ...)."""
    lat: float
    lon: float
    depth_m: float
    moment: str

    @property
    def receding(self) -> bool:
        """Below road-closing depth and falling: the model records no later depth (see the report)."""
        return self.moment == "road_reopened"


@dataclass
class Track:
    """A typhoon's best track (all of it is known when the `typhoon` event is recorded) and its R7s so far."""
    name: str
    t: np.ndarray                 # minutes since the scenario start
    lat: np.ndarray
    lon: np.ndarray
    wind: np.ndarray
    rmax_km: float
    r7: list[tuple[float, float]] = field(default_factory=list)     # (minute, km) from typhoon_position

    def eye(self, t: float) -> tuple[float, float, float, float] | None:
        """Centre lat, lon, maximum wind and R7 at minute t; None outside the track."""
        if t < self.t[0] or t > self.t[-1]:
            return None
        r7 = next((km for at, km in reversed(self.r7) if at <= t), self.r7[0][1] if self.r7 else 0.0)
        return (float(np.interp(t, self.t, self.lat)), float(np.interp(t, self.t, self.lon)),
                float(np.interp(t, self.t, self.wind)), r7)


@dataclass
class Fire:
    """One fire: where it started, its outline at the last perimeter report, and how much line holds it."""
    lat: float
    lon: float
    outline: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    area_ha: float = 0.0
    line_cells: int = 0
    contained: bool = False


@dataclass
class Warned:
    """A place's public warning: when it went out, the impact it was for, people reached, people gone."""
    name: str
    issued: float
    impact_min: float
    people: int = 0
    evacuated: int = 0


@dataclass
class Marker:
    """A chain hazard's site (landslide, dammed lake, breach), labelled."""
    kind: str
    lat: float
    lon: float
    label: str


def wind_radius_km(vmax: float, r7_km: float, rmax_km: float, v: float) -> float:
    """Radius (km) where the model's modified Rankine wind falls to v; 0 when the storm is weaker than v.

    The inverse of `sim.hazards.typhoon.rankine` outside the radius of maximum wind:
    V = Vmax (Rmax / r)^x with x fitted so that V(R7) = 13.9 m/s.
    """
    if vmax <= v:
        return 0.0
    r7 = max(r7_km, rmax_km * 1.01)
    x = math.log(max(vmax, GALE_MS) / GALE_MS) / math.log(r7 / rmax_km)
    return rmax_km * (vmax / v) ** (1 / x)


def outer_outline(points: np.ndarray, sectors: int = OUTLINE_SECTORS) -> np.ndarray:
    """The outer edge of a fire from its recorded edge cells: the farthest cell in each sector around the
    centroid. The events list burned cells next to unburned ones, holes inside included (unburnable
    cells), so joining them all in angle order would draw spikes into the burnt area."""
    if len(points) < 3:
        return points
    c = points.mean(axis=0)
    dy, dx = points[:, 0] - c[0], (points[:, 1] - c[1]) * math.cos(math.radians(c[0]))
    sector = ((np.arctan2(dy, dx) + math.pi) / (2 * math.pi) * sectors).astype(int) % sectors
    dist = np.hypot(dy, dx)
    order = np.lexsort((-dist, sector))                  # by sector, farthest first within each
    return points[order[np.r_[True, np.diff(sector[order]) != 0]]]


class HazardState:
    """Footprints of floods, typhoons, fires and chains, and warnings, as of the events applied."""

    def __init__(self, rmax_km: dict[str, float]) -> None:
        self.rmax_km = rmax_km
        self.floods: dict[str, FloodSpot] = {}
        self.typhoons: list[Track] = []
        self.grounded: dict[str, list[tuple[float, float, float]]] = {}     # icao -> (from, until, peak m/s)
        self.fires: list[Fire] = []
        self.drops: list[tuple[float, float, float, float]] = []          # minute, lat, lon, kg
        self.warnings: dict[str, Warned] = {}
        self.markers: list[Marker] = []

    def apply(self, e: Event) -> bool:
        """Fold one event in; True when the static map layer must be redrawn."""
        handler = getattr(self, "_" + e.kind, None)
        return bool(handler(e)) if handler is not None else False

    # -- queries ------------------------------------------------------------------------------------
    def grounded_now(self, icao: str, t: float) -> tuple[float, float] | None:
        """(until, peak wind) of the spell grounding a base at minute t, if any."""
        return next(((until, peak) for start, until, peak in self.grounded.get(icao, ()) if start <= t < until),
                    None)

    def recent_drops(self, t: float, window_min: float) -> list[tuple[float, float, float, float]]:
        return [d for d in self.drops if t - window_min < d[0] <= t]

    # -- one handler per event kind (called by name from `apply`) -------------------------------------
    def _flood_depth(self, e: Event) -> bool:
        d = e.data
        self.floods[e.place] = FloodSpot(d["lat"], d["lon"], d["depth_m"], d.get("moment", ""))
        return True

    def _typhoon(self, e: Event) -> bool:
        track = np.array(e.data["track"], dtype=float)
        name = e.data.get("name", "")
        self.typhoons.append(Track(name, track[:, 0], track[:, 1], track[:, 2], track[:, 3],
                                   self.rmax_km.get(name, DEFAULT_RMAX_KM)))
        return False

    def _typhoon_position(self, e: Event) -> bool:
        if self.typhoons:        # the event names no typhoon: it belongs to the one nearest its fix
            near = min(self.typhoons, key=lambda tr: float(np.min(np.hypot(tr.lat - e.data["lat"],
                                                                           tr.lon - e.data["lon"]))))
            near.r7.append((e.t, e.data["r7_km"]))
        return False

    def _base_grounded(self, e: Event) -> bool:
        self.grounded.setdefault(e.place, []).append((e.t, e.data["until_min"], e.data.get("peak_wind_ms", 0.0)))
        return False

    def _inject_effect(self, e: Event) -> bool:
        """A drill inject closing a base grounds it like wind does."""
        if e.data.get("effect") == "base_closed":
            self.grounded.setdefault(e.place, []).append((e.t, e.data["until_min"], 0.0))
        return False

    def _ignition(self, e: Event) -> bool:
        self.fires.append(Fire(e.data["lat"], e.data["lon"]))
        return True

    def _fire_perimeter(self, e: Event) -> bool:
        pts = np.array(e.data["perimeter"], dtype=float).reshape(-1, 2)
        fire = self._fire_near(pts.mean(axis=0) if len(pts) else None)
        if fire is not None:
            fire.outline, fire.area_ha = outer_outline(pts), e.data["area_ha"]
            fire.line_cells = e.data.get("line_cells", fire.line_cells)
        return True

    def _fire_contained(self, e: Event) -> bool:
        fire = self._fire_near(None)
        if fire is not None:
            fire.contained, fire.area_ha = True, e.data.get("area_ha", fire.area_ha)
        return True

    def _fire_near(self, centre: np.ndarray | None) -> Fire | None:
        """Perimeter events name no fire: the one whose ignition is nearest (the latest, without a position)."""
        if not self.fires or centre is None:
            return self.fires[-1] if self.fires else None
        return min(self.fires, key=lambda f: math.dist((f.lat, f.lon), centre))

    def _water_drop(self, e: Event) -> bool:
        self.drops.append((e.t, e.data["lat"], e.data["lon"], e.data.get("kg", 0.0)))
        return False

    def _warning_issued(self, e: Event) -> bool:
        d = e.data
        self.warnings[e.place] = Warned(d.get("name", e.place), e.t, d.get("forecast_impact_min", math.inf))
        return False

    def _warned(self, e: Event) -> bool:
        if e.place in self.warnings:
            self.warnings[e.place].people += e.data["people"]
        return False

    def _evacuated(self, e: Event) -> bool:
        if e.place in self.warnings:
            self.warnings[e.place].evacuated += e.data["people"]
        return False

    def _marker(self, e: Event) -> bool:
        d = e.data
        label = MARKER_KINDS[e.kind]
        if e.kind == "dammed_lake":
            h, m = divmod(int(d["overtop_min"]), 60)
            label += f" · 漫顶 overtops T+{h:02d}:{m:02d}"
        self.markers = [mk for mk in self.markers if (mk.lat, mk.lon) != (d["lat"], d["lon"]) or mk.kind == "landslide"]
        self.markers.append(Marker(e.kind, d["lat"], d["lon"], label))
        return True

    _landslide = _dammed_lake = _dam_breach = _lake_drained = _marker
