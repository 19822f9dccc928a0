"""Painting floods, typhoons, fires, chain sites and warnings from `viz.hazards.HazardState`.

What changes only at events (flood depths, fire outlines, chain sites) goes on the renderer's cached
static layer; what moves with the clock (the typhoon's eye and wind circles, grounded bases, recent
water drops, warnings) is painted every frame. Translucent fills are drawn on a surface the size of
the shape's on-screen box, so a 400 km gale circle costs a few milliseconds, not a full-screen layer.
"""
from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pygame

from viz.fonts import Fonts
from viz.hazards import STORM_MS, Fire, FloodSpot, Track, wind_radius_km
from viz.labels import Label
from viz.projection import View, destination
from viz.scene import Layout, Scene, clock_text

FLOOD = (40, 140, 255)
FLOOD_DEEP, FLOOD_SHALLOW = np.array([20, 60, 200]), np.array([110, 185, 255])
FLOODED_ROAD = (60, 160, 255)
BURNT = (150, 30, 20)
FRONT, OUT = (255, 150, 30), (160, 160, 160)
DROP = (90, 200, 255)
GALE, STORM = (255, 220, 60), (255, 120, 40)
TRACK, FORECAST = (235, 235, 245), (255, 120, 210)
EYE = (235, 40, 60)
GROUNDED = (255, 70, 70)
WARN = (255, 221, 0)
MARKER_RGB = {"landslide": (170, 110, 60), "dammed_lake": (60, 160, 255), "dam_breach": (235, 40, 60),
              "lake_drained": (70, 220, 120)}
DROP_WINDOW_MIN = 60.0
MAX_DEPTH_M = 3.0
WARN_LABEL_SCALE = 3.0       # px per km above which warned places say their share (else too crowded)
MUST, NEAR, FAR = 1, 3, 7     # label priorities (as in viz.draw: lower is placed first, FAR is left out first)


def fill_alpha(surface: pygame.Surface, rgba: tuple[int, int, int, int], pts: np.ndarray) -> None:
    """A translucent polygon, drawn through a surface no larger than its on-screen bounding box."""
    box = pygame.Rect(int(pts[:, 0].min()), int(pts[:, 1].min()), int(np.ptp(pts[:, 0])) + 2,
                      int(np.ptp(pts[:, 1])) + 2).clip(surface.get_rect())
    if box.width <= 0 or box.height <= 0:
        return
    patch = pygame.Surface(box.size, pygame.SRCALPHA)
    pygame.draw.polygon(patch, rgba, (pts - (box.x, box.y)).tolist())
    surface.blit(patch, box.topleft)


def depth_rgb(depth_m: float) -> tuple[int, int, int]:
    """Light blue for ankle-deep water, deep blue at 3 m and above."""
    f = min(depth_m, MAX_DEPTH_M) / MAX_DEPTH_M
    return tuple(int(v) for v in FLOOD_SHALLOW + (FLOOD_DEEP - FLOOD_SHALLOW) * f)


def flood_radius_px(depth_m: float) -> int:
    """Wider than the largest site ring (22 px) even for ankle-deep water, so the water always shows."""
    return int(24 + 8 * min(depth_m, MAX_DEPTH_M))


class HazardPainter:
    """Draws every hazard's footprint but the earthquake's (which `Renderer` keeps as it was)."""

    def __init__(self, layout: Layout, fonts: Fonts) -> None:
        self.layout, self.fonts = layout, fonts
        self.labels: list[Label] = []       # where labels go: the static layer's list or the frame's (Renderer sets it)

    # -- the static layer ---------------------------------------------------------------------------
    def under_roads(self, layer: pygame.Surface, scene: Scene, view: View) -> None:
        for fire in scene.hazards.fires:
            self._fire(layer, view, fire)

    def over_roads(self, layer: pygame.Surface, scene: Scene, view: View) -> None:
        for spot in scene.hazards.floods.values():
            self._flood(layer, view, spot)
        for mk in scene.hazards.markers:
            x, y = (float(v) for v in view.screen(mk.lat, mk.lon))
            rgb = MARKER_RGB[mk.kind]
            pygame.draw.polygon(layer, rgb, [(x, y + 9), (x + 9, y - 7), (x - 9, y - 7)])
            pygame.draw.polygon(layer, (255, 255, 255), [(x, y + 9), (x + 9, y - 7), (x - 9, y - 7)], 1)
            self._label(mk.label, 14, rgb, (x + 12, y - 9), priority=MUST, must=True)

    def _flood(self, layer: pygame.Surface, view: View, spot: FloodSpot) -> None:
        x, y = (float(v) for v in view.screen(spot.lat, spot.lon))
        r = flood_radius_px(spot.depth_m)
        rgb = depth_rgb(spot.depth_m)
        circle = np.column_stack([x + r * np.cos(np.linspace(0, 2 * math.pi, 48)),
                                  y + r * np.sin(np.linspace(0, 2 * math.pi, 48))])
        fill_alpha(layer, (*rgb, 70 if spot.receding else 170), circle)
        pygame.draw.circle(layer, FLOOD, (x, y), r, 1 if spot.receding else 2)
        text = f"{spot.depth_m:.1f} m" + (" 退水 receding" if spot.receding else "")
        self._label(text, 14, (170, 215, 255), (x, y + 24), anchor="midtop")     # below the site's ring

    def _fire(self, layer: pygame.Surface, view: View, fire: Fire) -> None:
        ix, iy = (float(v) for v in view.screen(fire.lat, fire.lon))
        if len(fire.outline) >= 3:
            x, y = view.screen(fire.outline[:, 0], fire.outline[:, 1])
            pts = np.column_stack([x, y])
            fill_alpha(layer, (*BURNT, 150), pts)
            pygame.draw.lines(layer, OUT if fire.contained else FRONT, True, pts.tolist(), 3)
            state = "已控制 contained" if fire.contained else "火线 active front"
            text = f"过火 {fire.area_ha:,.0f} ha burnt · {state} · 隔离带 {fire.line_cells} cells held"
            self._label(text, 15, OUT if fire.contained else FRONT, (float(x.min()), float(y.max()) + 6),
                        priority=MUST, must=True)
        pygame.draw.circle(layer, (255, 200, 60), (ix, iy), 5)
        pygame.draw.circle(layer, (40, 20, 10), (ix, iy), 5, 1)

    # -- every frame ----------------------------------------------------------------------------------
    def below(self, surface: pygame.Surface, scene: Scene, view: View) -> None:
        """Under the sites and units: typhoon tracks and wind circles, water drops, warned places."""
        for track in scene.hazards.typhoons:
            self._typhoon(surface, view, track, scene.t)
        self._drops(surface, scene, view)
        self._warnings(surface, scene, view)

    def above(self, surface: pygame.Surface, scene: Scene, view: View) -> None:
        """Over everything on the map: the typhoon's eye and grounded bases."""
        for track in scene.hazards.typhoons:
            eye = track.eye(scene.t)
            if eye is not None:
                self._eye(surface, tuple(float(v) for v in view.screen(eye[0], eye[1])), track, eye)
        self._grounded(surface, scene, view)

    def _grounded(self, surface: pygame.Surface, scene: Scene, view: View) -> None:
        """A red cross on bases the wind (or an inject) has closed, and until when."""
        for b in self.layout.bases:
            spell = scene.hazards.grounded_now(b.icao, scene.t)
            if spell is None:
                continue
            x, y = (float(v) for v in view.screen(b.lat, b.lon))
            for dx in (-1, 1):
                pygame.draw.line(surface, GROUNDED, (x - 12 * dx, y - 12), (x + 12 * dx, y + 10), 4)
            until, peak = spell
            wind = f" · {peak:.0f} m/s" if peak else ""
            self._label(f"停飞 grounded → {clock_text(until)}{wind}", 14, GROUNDED, (x + 13, y + 22), priority=MUST,
                        must=True)

    def _typhoon(self, surface: pygame.Surface, view: View, track: Track, t: float) -> None:
        eye = track.eye(t)
        centre = None
        if eye is not None:
            self._wind_circles(surface, view, track, eye)
            centre = tuple(float(v) for v in view.screen(eye[0], eye[1]))
        self._track(surface, view, track, t, centre)

    def _track(self, surface: pygame.Surface, view: View, track: Track, t: float,
               centre: tuple[float, float] | None) -> None:
        """The track so far solid; the rest of the best track (the forecast the room had) dashed."""
        x, y = view.screen(track.lat, track.lon)
        past = track.t <= t
        here = [list(centre)] if centre is not None else []
        past_pts = np.column_stack([x[past], y[past]]).tolist() + here
        if len(past_pts) > 1:
            pygame.draw.lines(surface, TRACK, False, past_pts, 3)
        self._dashed(surface, FORECAST, here + np.column_stack([x[~past], y[~past]]).tolist())
        for k in range(len(track.t)):
            rgb = TRACK if past[k] else FORECAST
            pos = (float(x[k]), float(y[k]))
            pygame.draw.circle(surface, rgb, pos, 4)
            when = self.layout.start + timedelta(minutes=float(track.t[k]))
            self._label(f"{when:%d日%H时} {track.wind[k]:.0f} m/s", 13, rgb, (pos[0] + 7, pos[1] + 4), priority=FAR)

    def _wind_circles(self, surface: pygame.Surface, view: View, track: Track, eye: tuple) -> None:
        lat, lon, vmax, r7 = eye
        bearings = np.linspace(0, 360, 181)
        for km, rgb, alpha, name in ((r7, GALE, 30, "7级风圈 gale"),
                                     (wind_radius_km(vmax, r7, track.rmax_km, STORM_MS), STORM, 45, "10级风圈 storm")):
            if km <= 0:
                continue
            x, y = view.screen(*destination(lat, lon, bearings, km))
            pts = np.column_stack([x, y])
            fill_alpha(surface, (*rgb, alpha), pts)
            pygame.draw.lines(surface, rgb, True, pts.tolist(), 2)
            w, h = surface.get_size()
            seen = np.flatnonzero((x > 80) & (x < w - 80) & (y > 0) & (y < h - 60))
            if len(seen):                   # labelled at its lowest visible point: the seaward side, less crowded
                low = int(seen[np.argmax(y[seen])])
                self._label(f"{name} {km:.0f} km", 15, rgb, (float(x[low]), float(y[low]) - 4), anchor="midbottom")

    def _eye(self, surface: pygame.Surface, c: tuple[float, float], track: Track, eye: tuple) -> None:
        """The typhoon symbol: a red disc with two spiral arms."""
        pygame.draw.circle(surface, EYE, c, 10)
        pygame.draw.circle(surface, (255, 255, 255), c, 10, 2)
        rect = pygame.Rect(0, 0, 34, 34)
        for start in (0.0, math.pi):
            rect.center = (int(c[0] + 7 * math.cos(start + math.pi / 2)), int(c[1] - 7 * math.sin(start + math.pi / 2)))
            pygame.draw.arc(surface, EYE, rect, start, start + math.pi / 2, 3)
        self._label(f"{track.name} · {eye[2]:.0f} m/s", 16, (255, 255, 255), (c[0] + 16, c[1] - 30), priority=0,
                    must=True)

    def _drops(self, surface: pygame.Surface, scene: Scene, view: View) -> None:
        drops = scene.hazards.recent_drops(scene.t, DROP_WINDOW_MIN)
        if not drops:
            return
        spots: dict[tuple[float, float], int] = {}
        for _, lat, lon, _ in drops:
            spots[(lat, lon)] = spots.get((lat, lon), 0) + 1
        for (lat, lon), n in spots.items():
            x, y = (float(v) for v in view.screen(lat, lon))
            pygame.draw.circle(surface, DROP, (x, y), 9 + min(n, 12), 2)
            tonnes = sum(d[3] for d in drops if (d[1], d[2]) == (lat, lon)) / 1000
            self._label(f"洒水 {n} drops · {tonnes:,.0f} t in the last hour", 14, DROP, (x - 12, y + 14),
                        anchor="topright", priority=MUST)

    def _warnings(self, surface: pygame.Surface, scene: Scene, view: View) -> None:
        """A yellow triangle by each warned place; zoomed in, a place not struck (yet) says the share
        reached and people gone (a struck site's own label is there already)."""
        places = self.layout.places
        for pid, w in scene.hazards.warnings.items():
            place = places.get(pid)
            if place is None:
                continue
            x, y = (float(v) for v in view.screen(place[2], place[3]))
            pts = [(x - 14, y - 18), (x - 6, y - 4), (x - 22, y - 4)]
            pygame.draw.polygon(surface, WARN, pts, 0 if w.people else 2)
            pygame.draw.polygon(surface, (20, 20, 20), pts, 1)
            if view.scale >= WARN_LABEL_SCALE and place[4] and pid not in scene.groups:
                text = f"预警 {min(w.people / place[4], 1):.0%}" + (f" · 撤离 {w.evacuated:,}" if w.evacuated else "")
                self._label(text, 13, WARN, (x - 24, y - 19), anchor="topright", priority=FAR)

    # -- helpers --------------------------------------------------------------------------------------
    def _dashed(self, surface: pygame.Surface, rgb: tuple[int, int, int], pts: list) -> None:
        for a, b in zip(pts, pts[1:]):
            n = max(1, int(math.dist(a, b) // 12))
            for k in range(0, n, 2):
                f0, f1 = k / n, min(1.0, (k + 1) / n)
                pygame.draw.line(surface, rgb, (a[0] + (b[0] - a[0]) * f0, a[1] + (b[1] - a[1]) * f0),
                                 (a[0] + (b[0] - a[0]) * f1, a[1] + (b[1] - a[1]) * f1), 2)

    def _label(self, text: str, size: int, rgb: tuple[int, int, int], pos: tuple[float, float],
               anchor: str = "topleft", priority: int = NEAR, must: bool = False) -> None:
        """Text on a dark box, so it reads over fills and roads; placed with the frame's other labels."""
        self.labels.append(Label(self.fonts.text(text, size, rgb), pos, ((anchor, (0, 0)),), priority, must, True))


def legend_items(layout: Layout) -> list[tuple[tuple, str]]:
    """Key rows for the hazards of this scenario (icon spec, label), in `Renderer._legend_icon`'s terms."""
    kinds = set(layout.hazard_types)
    items: list[tuple[tuple, str]] = []
    if "earthquake" in kinds:
        items.append((("fill", 7.0), "intensity VI–IX 烈度"))
    if "flood" in kinds:
        items += [(("disc", depth_rgb(1.0)), "水深 flood depth (m)"), (("line", FLOODED_ROAD, 3), "road flooded 淹没")]
    if "typhoon" in kinds:
        items += [(("eye",), "台风 eye, track, forecast"), (("ring", GALE), "7级 gale / 10级 storm"),
                  (("cross",), "base grounded 停飞")]
    if "wildfire" in kinds:
        items += [(("disc", BURNT), "过火 burnt area"), (("line", FRONT, 3), "火线 fire front"),
                  (("ring", DROP), "洒水 water drops")]
    if "landslide_dam" in kinds:
        items.append((("disc", MARKER_RGB["dammed_lake"]), "滑坡 / 堰塞湖 chain site"))
    if layout.warnings:
        items.append((("warn",), "预警 warned place"))
    return items
