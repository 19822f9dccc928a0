"""Map projection and the pan/zoom view.

Azimuthal equidistant about the region's centre: distances from the centre are true and a
province-sized region (Sichuan spans ~1,000 km) keeps shapes within a few per cent, so reach rings
in km stay round on screen. Screen = (km - view centre) x pixels per km, y up.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.world.geo import EARTH_RADIUS_KM


@dataclass(frozen=True)
class Projection:
    lat0: float
    lon0: float

    def km(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """(x east, y north) in km from the centre; broadcasts over numpy arrays."""
        p0, l0 = np.radians(self.lat0), np.radians(self.lon0)
        p, dl = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float)) - l0
        cos_c = np.clip(np.sin(p0) * np.sin(p) + np.cos(p0) * np.cos(p) * np.cos(dl), -1.0, 1.0)
        c = np.arccos(cos_c)
        k = np.where(c > 1e-12, c / np.sin(np.maximum(c, 1e-12)), 1.0)
        x = EARTH_RADIUS_KM * k * np.cos(p) * np.sin(dl)
        y = EARTH_RADIUS_KM * k * (np.cos(p0) * np.sin(p) - np.sin(p0) * np.cos(p) * np.cos(dl))
        return x, y


def destination(lat: float, lon: float, bearings_deg: np.ndarray, km: float) -> tuple[np.ndarray, np.ndarray]:
    """Points `km` away from (lat, lon) along each bearing: a reach ring as a true great circle."""
    d = km / EARTH_RADIUS_KM
    p1, l1, b = np.radians(lat), np.radians(lon), np.radians(bearings_deg)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), np.degrees(l2)


class View:
    """What part of the projected map is on screen: a centre in km and a scale in pixels per km."""

    def __init__(self, projection: Projection, width: int, height: int) -> None:
        self.projection, self.width, self.height = projection, width, height
        self.cx = self.cy = 0.0
        self.scale = 1.0

    @property
    def key(self) -> tuple[float, float, float, int, int]:
        """Changes whenever the picture of the static map would change."""
        return (self.cx, self.cy, self.scale, self.width, self.height)

    def fit(self, lat: np.ndarray, lon: np.ndarray, margin: float = 0.1, min_km: float = 200.0,
            right_px: int = 0) -> None:
        """Show all these points with a margin (and at least `min_km` across), left of `right_px` of panels."""
        x, y = self.projection.km(lat, lon)
        span_x, span_y = max(np.ptp(x), min_km), max(np.ptp(y), min_km)
        self.scale = min((self.width - right_px) / span_x, self.height / span_y) * (1 - 2 * margin)
        self.cx = (x.min() + x.max()) / 2 + right_px / 2 / self.scale
        self.cy = (y.min() + y.max()) / 2

    def screen(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (float) of lat/lon arrays."""
        return self.screen_km(*self.projection.km(lat, lon))

    def screen_km(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return (self.width / 2 + (np.asarray(x) - self.cx) * self.scale,
                self.height / 2 - (np.asarray(y) - self.cy) * self.scale)

    def km_at(self, sx: float, sy: float) -> tuple[float, float]:
        return self.cx + (sx - self.width / 2) / self.scale, self.cy - (sy - self.height / 2) / self.scale

    def pan(self, dx_px: float, dy_px: float) -> None:
        self.cx -= dx_px / self.scale
        self.cy += dy_px / self.scale

    def zoom(self, factor: float, sx: float, sy: float) -> None:
        """Zoom keeping the point under the cursor fixed."""
        x, y = self.km_at(sx, sy)
        self.scale = float(np.clip(self.scale * factor, 0.02, 200.0))
        self.cx = x - (sx - self.width / 2) / self.scale
        self.cy = y + (sy - self.height / 2) / self.scale

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
