"""Painting a scene onto any pygame Surface: no window needed, so tests and screenshots use the same code.

What changes only when the view or the roads change (provinces, hazard, roads, places, bases,
depots, reach rings, flood depths, fire outlines) is painted once onto a cached layer; each frame
blits that layer, then the moving hazards (typhoon, water drops, warnings; `viz.hazard_draw`), the
affected groups, the units (pre-rendered sprites through one `Surface.fblits` call: thousands of
units cost about a millisecond), every label at once (`viz.labels`: most important first, none
over another, optional ones left out where they would overlap), and the panels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pygame

from viz.fonts import Fonts
from viz.hazard_draw import FLOODED_ROAD, HazardPainter, legend_items
from viz.labels import Label, paint, wrap
from viz.projection import View, destination
from viz.scene import (
    AIR,
    GROUND,
    STATUSES,
    TRUCK,
    Footprint,
    Layout,
    Scene,
    county_outlines,
    feed_text,
    intensity_contours,
    kpi_rows,
    province_outlines,
)

BG = (16, 22, 31)
PANEL = (10, 14, 20, 215)
TEXT = (232, 236, 242)
DIM = (150, 160, 175)
PROVINCE = (92, 110, 138)
COUNTY_LINE = (50, 61, 80)
ROAD = {0: (70, 84, 104), 1: (235, 160, 40), 2: (225, 45, 45), 3: FLOODED_ROAD}
DOT = (120, 132, 150)
BASE = (80, 190, 255)
DEPOT = {"central": (255, 215, 80), "provincial": (250, 190, 70), "municipal": (240, 165, 60),
         "county": (225, 140, 55), "township": (210, 120, 50)}
RING = (80, 190, 255)
STATUS_RGB = {"idle": (175, 180, 190), "tasked": (255, 221, 0), "preparing": (255, 140, 0), "flying": (0, 205, 255),
              "working": (60, 225, 110), "driving": (255, 110, 190), "refuelling": (170, 120, 255),
              "unserviceable": (95, 95, 95), "truck": (215, 175, 115)}
INTENSITY_RGBA = {6.0: (255, 235, 130, 34), 7.0: (255, 190, 80, 44), 8.0: (250, 130, 50, 56),
                  9.0: (230, 60, 40, 70), 10.0: (190, 20, 40, 84), 11.0: (140, 0, 40, 96)}
ROMAN = {6.0: "VI", 7.0: "VII", 8.0: "VIII", 9.0: "IX", 10.0: "X", 11.0: "XI"}
TRAPPED, WAITING, RELIEVED = (255, 70, 70), (255, 170, 40), (70, 220, 120)
SPRITE = 13
CLOCK = pygame.Rect(16, 16, 470, 150)
PANEL_W = 486                 # the right-hand column of panels (KPIs, events, key), margin included
COUNTY_LABEL_SCALE = 1.6      # px per km above which county names appear
UNIT_LABEL_MAX = 60           # label moving units only when this few are on screen
UNIT_CELL = 18                # px: moving units this close share one label ("Ka-32-1 +2")
CARD_LINES = 3                # lines of an inject card's message
# label priorities (lower is placed first; see viz.labels); viz.hazard_draw's MUST, NEAR, FAR are 1, 3, 7
P_SITE, P_BASE, P_UNIT, P_HAZARD, P_RING, P_CITY, P_PROVINCE, P_COUNTY = range(8)
MOVING = [STATUSES.index(s) for s in ("flying", "driving", "preparing")]


@dataclass
class UiState:
    """What the window shell knows that the scene does not: speed, selection, drill cards."""
    speed: float = 60.0
    paused: bool = False
    mode: str = "replay"
    show_rings: bool = True
    selected: str | None = None
    cards: list[dict] = field(default_factory=list)
    toast: str = ""
    drill: bool = False


def sprite(kind: int, rgb: tuple[int, int, int]) -> pygame.Surface:
    """One unit marker: triangle for aircraft, square for ground teams, diamond for trucks."""
    s = pygame.Surface((SPRITE, SPRITE), pygame.SRCALPHA)
    c = SPRITE // 2
    if kind == AIR:
        pts = [(c, 0), (SPRITE - 1, SPRITE - 2), (0, SPRITE - 2)]
    elif kind == GROUND:
        pts = [(2, 2), (SPRITE - 3, 2), (SPRITE - 3, SPRITE - 3), (2, SPRITE - 3)]
    else:
        pts = [(c, 2), (SPRITE - 3, c), (c, SPRITE - 3), (2, c)]
    pygame.draw.polygon(s, rgb, pts)
    pygame.draw.polygon(s, (10, 10, 10), pts, 1)
    return s


def short_name(name: str) -> str:
    """'heavy_rescue_team-康定市-1' -> 'HRT-康定市-1': labels must stay short on a projected map."""
    head, sep, rest = name.partition("-")
    if "_" in head:
        head = "".join(w[0] for w in head.split("_")).upper()
    return head + sep + rest


def nice_km(max_km: float) -> float:
    """The largest 1-2-5 x 10^k not above max_km, for the scale bar."""
    exp = 10 ** math.floor(math.log10(max_km))
    return max(m * exp for m in (1, 2, 5) if m * exp <= max_km)


class Renderer:
    """Draws one frame of a scene; keeps the static layer and sprites between frames."""

    def __init__(self, layout: Layout, fonts: Fonts | None = None) -> None:
        self.layout = layout
        self.fonts = fonts or Fonts()
        n = len(STATUSES)
        self._sprites = [sprite(k, STATUS_RGB[s]) for k in (AIR, GROUND, TRUCK) for s in STATUSES]
        self._codes = n
        self._static: pygame.Surface | None = None
        self._static_key: tuple | None = None
        self._static_labels: list[Label] = []      # labels of the static layer, placed with each frame's
        self._markers: list[pygame.Rect] = []      # base and depot symbols no label may cover
        self._contours: dict[Footprint, list] = {}
        self.hazards = HazardPainter(layout, self.fonts)
        self._legend_items = self._key(layout)

    # -- the frame -------------------------------------------------------------------------------
    def render(self, surface: pygame.Surface, scene: Scene, view: View, ui: UiState) -> dict[str, pygame.Rect]:
        """Paint the whole frame; returns the panels' rectangles (for hit tests and pixel tests)."""
        self._static_layer(surface.get_size(), scene, view, ui)
        surface.blit(self._static, (0, 0))
        frame = self.hazards.labels = list(self._static_labels)
        self.hazards.below(surface, scene, view)
        rings = self._groups(surface, scene, view, frame)
        self._base_badges(scene, view, frame)
        self._units(surface, scene, view, ui, frame)
        self.hazards.above(surface, scene, view)
        w, h = surface.get_size()
        panels = [CLOCK, pygame.Rect(w - PANEL_W, 0, PANEL_W, h), pygame.Rect(0, h - 34, w, 34)]   # + help line
        paint(surface, frame, self._markers + rings + panels)
        rects = {"clock": self._clock(surface, scene, ui), "kpi": self._kpi(surface, scene)}
        rects["feed"] = self._feed(surface, scene, rects["kpi"].bottom + 12)
        rects["legend"] = self._legend(surface, rects["feed"].bottom + 12)
        rects["scale"] = self._scale_bar(surface, view, surface.get_height() - 40)
        rects["help"] = self._help(surface, ui)
        if ui.cards:
            rects["cards"] = self._cards(surface, ui.cards)
        return rects

    def _static_layer(self, size: tuple[int, int], scene: Scene, view: View, ui: UiState) -> None:
        key = (view.key, scene.version, ui.show_rings, size)
        if key == self._static_key:
            return
        layer = pygame.Surface(size)
        layer.fill(BG)
        self._static_labels, self._markers = [], []
        self.hazards.labels = self._static_labels
        self._provinces(layer, view)
        for fp in scene.footprints:
            self._hazard(layer, view, fp)
        self.hazards.under_roads(layer, scene, view)
        self._roads(layer, scene, view)
        self._places(layer, view)
        self.hazards.over_roads(layer, scene, view)
        if ui.show_rings:
            self._rings(layer, view)
        self._bases(layer, view)
        self._depots(layer, view)
        self._static, self._static_key = layer, key

    # -- static map ------------------------------------------------------------------------------
    def _provinces(self, layer: pygame.Surface, view: View) -> None:
        """Real outlines: the region's counties thin, every province over them, names at the seats."""
        for ring in county_outlines(self.layout.provinces):
            self._outline(layer, view, ring, COUNTY_LINE, 1)
        for name, lat, lon, rings in province_outlines().values():
            shown = [self._outline(layer, view, ring, PROVINCE, 2) for ring in rings]
            if any(shown):
                sx, sy = view.screen(lat, lon)
                self._static_labels.append(Label(self.fonts.text(name, 22, (95, 112, 138)), (float(sx), float(sy)),
                                                 (("center", (0, -26)), ("center", (0, 26))), P_PROVINCE))

    @staticmethod
    def _outline(layer: pygame.Surface, view: View, ring: np.ndarray, colour, width: int) -> bool:
        """Draw one lon/lat ring if it is on screen and bigger than a few pixels; say whether it was."""
        w, h = layer.get_size()
        x, y = view.screen(ring[:, 1], ring[:, 0])
        if x.max() < 0 or x.min() > w or y.max() < 0 or y.min() > h or max(np.ptp(x), np.ptp(y)) < 3:
            return False
        pygame.draw.lines(layer, colour, True, np.column_stack([x, y]).tolist(), width)
        return True

    def _hazard(self, layer: pygame.Surface, view: View, fp: Footprint) -> None:
        if fp not in self._contours:
            self._contours[fp] = intensity_contours(fp, self.layout.min_intensity)
        overlay = pygame.Surface(layer.get_size(), pygame.SRCALPHA)
        labels = []
        for level, lines in self._contours[fp]:
            rgba = INTENSITY_RGBA.get(level, (255, 255, 255, 30))
            for line in lines:
                x, y = view.screen(line[:, 0], line[:, 1])
                pts = np.column_stack([x, y]).tolist()
                pygame.draw.polygon(overlay, rgba, pts)
                pygame.draw.lines(overlay, (*rgba[:3], 200), True, pts, 1)
                top = int(np.argmin(y))
                labels.append((ROMAN[level], rgba[:3], (float(x[top]), float(y[top]))))
        layer.blit(overlay, (0, 0))
        self._static_labels += [Label(self.fonts.text(text, 15, rgb), pos, (("midbottom", (0, 0)),), P_RING)
                                for text, rgb, pos in labels]
        ex, ey = view.screen(*fp.epicentre)
        self._star(layer, (float(ex), float(ey)), 11, (255, 60, 60))

    def _star(self, layer: pygame.Surface, centre: tuple[float, float], r: float, rgb: tuple[int, int, int]) -> None:
        pts = [(centre[0] + (r if k % 2 == 0 else r * 0.45) * math.sin(k * math.pi / 5),
                centre[1] - (r if k % 2 == 0 else r * 0.45) * math.cos(k * math.pi / 5)) for k in range(10)]
        pygame.draw.polygon(layer, rgb, pts)
        pygame.draw.polygon(layer, (255, 255, 255), pts, 1)

    def _roads(self, layer: pygame.Surface, scene: Scene, view: View) -> None:
        lay = self.layout
        x, y = view.screen(lay.road_lat, lay.road_lon)
        for state in ROAD:
            width = 1 if state == 0 else 3
            for i in np.flatnonzero(scene.road_state == state):
                pygame.draw.line(layer, ROAD[state], (x[i, 0], y[i, 0]), (x[i, 1], y[i, 1]), width)

    def _places(self, layer: pygame.Surface, view: View) -> None:
        places = self.layout.places
        for pid in self.layout.dots:
            name, _, lat, lon, pop = places[pid]
            sx, sy = view.screen(lat, lon)
            r = max(2, min(9, int(math.sqrt(max(pop, 1)) / 90)))
            pygame.draw.circle(layer, DOT, (float(sx), float(sy)), r)
            if view.scale >= COUNTY_LABEL_SCALE:
                self._static_labels.append(Label(self.fonts.text(name, 13, DIM), (float(sx), float(sy)),
                                                 (("midleft", (r + 2, 0)), ("midright", (-r - 2, 0))), P_COUNTY))
        for name, level, lat, lon, _ in places.values():
            if level == "city":
                sx, sy = view.screen(lat, lon)
                self._static_labels.append(Label(self.fonts.text(name, 15, (185, 195, 210)), (float(sx), float(sy)),
                                                 (("midtop", (0, 6)), ("midbottom", (0, -6)), ("midleft", (8, 0)),
                                                  ("midright", (-8, 0))), P_CITY))

    def _rings(self, layer: pygame.Surface, view: View) -> None:
        """Dashed 2 h reach circles, labelled where they pass closest to the middle of the screen."""
        bearings = np.linspace(0, 360, 721)
        w, h = layer.get_size()
        for b in self.layout.bases:
            lat, lon = destination(b.lat, b.lon, bearings, b.reach_km)
            x, y = view.screen(lat, lon)
            pts = np.column_stack([x, y]).tolist()
            for k in range(0, len(pts) - 2, 3):
                pygame.draw.line(layer, RING, pts[k], pts[k + 2], 2)
            k = int(np.argmin(np.hypot(x - w / 2, y - h / 2)))
            label = self.fonts.text(f"2 h {b.icao} · {b.best_type} {b.reach_km:.0f} km", 14, RING)
            self._static_labels.append(Label(label, (pts[k][0], pts[k][1]), (("midbottom", (0, -3)),
                                                                             ("midtop", (0, 3))), P_RING))

    def _bases(self, layer: pygame.Surface, view: View) -> None:
        for b in self.layout.bases:
            sx, sy = (float(v) for v in view.screen(b.lat, b.lon))
            pts = [(sx, sy - 11), (sx + 10, sy + 7), (sx - 10, sy + 7)]
            pygame.draw.polygon(layer, BASE, pts)
            pygame.draw.polygon(layer, (255, 255, 255), pts, 2)
            self._markers.append(pygame.Rect(int(sx) - 10, int(sy) - 11, 21, 19))

    def _depots(self, layer: pygame.Surface, view: View) -> None:
        seen: dict[str, int] = {}
        for d in self.layout.depots:
            k = seen[d.place] = seen.get(d.place, -1) + 1     # several depots at one city: stack them
            sx, sy = (float(v) for v in view.screen(d.lat, d.lon))
            sx += k * 14
            rect = pygame.Rect(0, 0, 12, 12)
            rect.center = (int(sx), int(sy) + 16)
            pygame.draw.rect(layer, DEPOT.get(d.level, DEPOT["county"]), rect)
            pygame.draw.rect(layer, (20, 20, 20), rect, 1)
            self._markers.append(rect)

    # -- dynamic ---------------------------------------------------------------------------------
    def _groups(self, surface: pygame.Surface, scene: Scene, view: View, frame: list[Label]) -> list[pygame.Rect]:
        """Each affected place's ring and a label with its name and state, most urgent placed first;
        a place with people trapped is always labelled, others may shrink to their name or give way
        in a crowded delta. Returns the rings, which no label may cover."""
        rings = []
        urgent = sorted(scene.groups.values(), key=lambda g: (-g.trapped, -g.homeless))
        for rank, g in enumerate(urgent):
            sx, sy = (float(v) for v in view.screen(g.lat, g.lon))
            rgb = TRAPPED if g.trapped > 0 else (RELIEVED if g.relieved else WAITING)
            r = max(8, min(22, int(math.sqrt(g.population) / 25)))
            rings.append(pygame.draw.circle(surface, rgb, (sx, sy), r, 3))
            state = f"被困 {g.trapped} trapped" if g.trapped else ("已救助 relieved" if g.relieved
                                                                    else f"待救助 {g.homeless:,} homeless")
            name = self.fonts.text(g.name, 17, TEXT)
            badge = self._stack([name, self.fonts.text(state, 13, rgb)], panel=True)
            frame.append(Label(badge, (sx, sy), self._around(r + 3), P_SITE + rank / 1e4, g.trapped > 0,
                               short=self._stack([name], panel=True)))
        return rings

    @staticmethod
    def _around(d: float) -> tuple[tuple[str, tuple[float, float]], ...]:
        """Eight places for a label beside a marker of radius `d`: right, left, above, below, diagonals."""
        return (("midleft", (d, 0)), ("midright", (-d, 0)), ("midbottom", (0, -d)), ("midtop", (0, d)),
                ("bottomleft", (d * 0.7, -d * 0.7)), ("topleft", (d * 0.7, d * 0.7)),
                ("bottomright", (-d * 0.7, -d * 0.7)), ("topright", (-d * 0.7, d * 0.7)))

    @staticmethod
    def _stack(lines: list[pygame.Surface], panel: bool = False) -> pygame.Surface:
        """Lines of text one under the other on one surface (on a rounded dark panel if asked)."""
        pad = 3 if panel else 0
        out = pygame.Surface((max(s.get_width() for s in lines) + 2 * pad, sum(s.get_height() for s in lines)),
                             pygame.SRCALPHA)
        if panel:
            pygame.draw.rect(out, PANEL, out.get_rect(), border_radius=8)
        y = 0
        for s in lines:
            out.blit(s, (pad, y))
            y += s.get_height()
        return out

    def _base_badges(self, scene: Scene, view: View, frame: list[Label]) -> None:
        """Each base's code over its aircraft ready on the ground (and unserviceable ones), as one label."""
        units = scene.units
        lat, lon = units.positions(scene.t)
        parked = units.parked(lat, lon)
        status = units.cols["status"][:units.n]
        for b in self.layout.bases:
            here = parked & (np.abs(units.cols["home_lat"][:units.n] - b.lat) < 1e-4) & \
                (np.abs(units.cols["home_lon"][:units.n] - b.lon) < 1e-4)
            down = int((here & (status == STATUSES.index("unserviceable"))).sum())
            text = f"{int(here.sum()) - down}/{b.count} 待命 ready" + (f" · {down} 停飞 u/s" if down else "")
            sx, sy = (float(v) for v in view.screen(b.lat, b.lon))
            badge = self._stack([self.fonts.text(b.icao, 15, BASE), self.fonts.text(text, 13, BASE)])
            frame.append(Label(badge, (sx, sy), self._around(13), P_BASE, True))

    def _units(self, surface: pygame.Surface, scene: Scene, view: View, ui: UiState,
               frame: list[Label] | None = None) -> None:
        """Every unit's sprite in one call; moving units' names go to `frame` (bench_viz times sprites alone)."""
        units = scene.units
        lat, lon = units.positions(scene.t)
        show = units.visible(lat, lon)
        x, y = view.screen(lat, lon)
        w, h = surface.get_size()
        show &= (x > -SPRITE) & (x < w + SPRITE) & (y > -SPRITE) & (y < h + SPRITE)
        idx = np.flatnonzero(show)
        codes = units.cols["kind"][idx].astype(np.int64) * self._codes + units.cols["status"][idx]
        half = SPRITE // 2
        dest = np.column_stack([x[idx] - half, y[idx] - half]).astype(np.int32).tolist()
        sprites = self._sprites
        surface.fblits([(sprites[c], d) for c, d in zip(codes.tolist(), dest)])
        moving = np.isin(units.cols["status"][idx], MOVING) & (units.cols["kind"][idx] != TRUCK)
        if frame is not None and moving.sum() <= UNIT_LABEL_MAX:
            self._unit_labels(idx[moving], x, y, units.names, frame)
        if ui.selected in units.index:
            i = units.index[ui.selected]
            pygame.draw.circle(surface, (255, 255, 255), (float(x[i]), float(y[i])), 12, 2)

    def _unit_labels(self, idx: np.ndarray, x: np.ndarray, y: np.ndarray, names: list[str],
                     frame: list[Label]) -> None:
        """One label per cluster of moving units (aircraft flying together, a bucket circuit): the
        first one's name and how many more, rather than a stack of names over each other."""
        clusters: dict[tuple[int, int], list[int]] = {}
        for i in idx.tolist():
            clusters.setdefault((int(x[i]) // UNIT_CELL, int(y[i]) // UNIT_CELL), []).append(i)
        half = SPRITE // 2 + 2
        for members in clusters.values():
            i = members[0]
            more = f" +{len(members) - 1}" if len(members) > 1 else ""
            frame.append(Label(self.fonts.text(short_name(names[i]) + more, 12, (210, 220, 230)),
                               (float(x[i]), float(y[i])), (("midleft", (half, 0)), ("midright", (-half, 0)),
                                                            ("midbottom", (0, -half)), ("midtop", (0, half))), P_UNIT))

    # -- panels ----------------------------------------------------------------------------------
    def _panel(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        box = pygame.Surface(rect.size, pygame.SRCALPHA)
        pygame.draw.rect(box, PANEL, box.get_rect(), border_radius=8)
        surface.blit(box, rect.topleft)

    def _clock(self, surface: pygame.Surface, scene: Scene, ui: UiState) -> pygame.Rect:
        rect = CLOCK.copy()
        self._panel(surface, rect)
        now = scene.clock()
        h, m = divmod(int(scene.t), 60)
        f = self.fonts
        surface.blit(f.text(self.layout.title, 18, DIM), (rect.x + 14, rect.y + 10))
        stamp = f.text(now.strftime("%Y-%m-%d  %H:%M"), 40, TEXT)
        surface.blit(stamp, (rect.x + 14, rect.y + 34))
        tz = now.strftime("UTC%z")
        surface.blit(f.text(f"{tz[:-2]}:{tz[-2:]}", 14, DIM), (rect.x + 24 + stamp.get_width(), rect.y + 58))
        day = scene.is_day()
        self._sun_or_moon(surface, (rect.x + 28, rect.y + 104), day)
        surface.blit(f.text(f"T+{h:02d}:{m:02d}   {'白天 day' if day else '夜间 night'}", 20, TEXT),
                     (rect.x + 48, rect.y + 91))
        speed = "⏸ 暂停 paused" if ui.paused else f"▶ {ui.speed:g}×"
        surface.blit(f.text(f"{speed}   {ui.mode}", 18, (255, 221, 0) if ui.paused else (120, 220, 255)),
                     (rect.x + 14, rect.y + 122))
        return rect

    def _sun_or_moon(self, surface: pygame.Surface, c: tuple[int, int], day: bool) -> None:
        if day:
            pygame.draw.circle(surface, (255, 210, 60), c, 9)
            for k in range(8):
                a = k * math.pi / 4
                pygame.draw.line(surface, (255, 210, 60), (c[0] + 12 * math.cos(a), c[1] + 12 * math.sin(a)),
                                 (c[0] + 15 * math.cos(a), c[1] + 15 * math.sin(a)), 2)
        else:
            pygame.draw.circle(surface, (220, 225, 255), c, 10)
            pygame.draw.circle(surface, PANEL[:3], (c[0] + 5, c[1] - 3), 9)

    def _kpi(self, surface: pygame.Surface, scene: Scene) -> pygame.Rect:
        rows = kpi_rows(scene.kpis(), scene.level)
        w = surface.get_width()
        rect = pygame.Rect(w - PANEL_W, 16, 470, 44 + 30 * len(rows))
        self._panel(surface, rect)
        surface.blit(self.fonts.text("指标 KPIs (so far)", 18, DIM), (rect.x + 14, rect.y + 10))
        for k, (label, value) in enumerate(rows):
            y = rect.y + 40 + 30 * k
            surface.blit(self.fonts.text(label, 17, DIM), (rect.x + 14, y))
            img = self.fonts.text(value, 20, TEXT)
            surface.blit(img, img.get_rect(topright=(rect.right - 14, y - 2)))
        return rect

    def _feed(self, surface: pygame.Surface, scene: Scene, top: int) -> pygame.Rect:
        """As many recent events as fit above the key (twelve at 1080p)."""
        lines = int(np.clip((surface.get_height() - top - self._legend_px() - 100) // 22, 3, 12))
        rect = pygame.Rect(surface.get_width() - PANEL_W, top, 470, 40 + 22 * lines)
        self._panel(surface, rect)
        surface.blit(self.fonts.text("事件 events", 18, DIM), (rect.x + 14, rect.y + 8))
        for k, e in enumerate(scene.recent(lines)):
            text = feed_text(e, self.layout).replace(e.agent, short_name(e.agent)) if e.agent else \
                feed_text(e, self.layout)
            img = self.fonts.text(text if len(text) < 52 else text[:51] + "…", 14, TEXT if k == 0 else DIM)
            surface.blit(img, (rect.x + 14, rect.y + 34 + 22 * k))
        return rect

    @staticmethod
    def _key(layout: Layout) -> list[tuple[tuple, str]]:
        """The key's rows: units, sites, roads, bases and depots, then this scenario's hazards."""
        items = [(("sprite", AIR, s), f"aircraft {s}") for s in ("flying", "preparing", "working", "tasked")]
        items += [(("sprite", GROUND, s), f"ground {s}") for s in ("driving", "working", "idle")]
        items += [(("sprite", TRUCK, "truck"), "relief truck 物资车"), (("ring", TRAPPED), "被困 trapped"),
                  (("ring", WAITING), "待救助 awaiting relief"), (("ring", RELIEVED), "已救助 relieved"),
                  (("line", ROAD[0], 1), "road open"), (("line", ROAD[1], 3), "road damaged"),
                  (("line", ROAD[2], 3), "road closed"), (("base",), "air base 航空基地"),
                  (("depot",), "relief depot 物资库"), (("dash",), "2 h reach ring")]
        return items + legend_items(layout)

    def _legend_px(self) -> int:
        return 22 * ((len(self._legend_items) + 1) // 2) + 36

    def _legend(self, surface: pygame.Surface, top: int) -> pygame.Rect:
        items = self._legend_items
        rows = (len(items) + 1) // 2
        rect = pygame.Rect(surface.get_width() - PANEL_W, top, 470, 22 * rows + 36)
        self._panel(surface, rect)
        surface.blit(self.fonts.text("图例 key", 16, DIM), (rect.x + 12, rect.y + 6))
        for k, (icon, label) in enumerate(items):
            x = rect.x + 14 + (k // rows) * 225
            y = rect.y + 32 + (k % rows) * 22
            self._legend_icon(surface, icon, (x + 8, y + 9))
            surface.blit(self.fonts.text(label, 14, TEXT), (x + 24, y))
        return rect

    def _legend_icon(self, surface: pygame.Surface, icon: tuple, c: tuple[int, int]) -> None:
        kind = icon[0]
        if kind == "sprite":
            img = self._sprites[icon[1] * self._codes + STATUSES.index(icon[2])]
            surface.blit(img, img.get_rect(center=c))
        elif kind == "ring":
            pygame.draw.circle(surface, icon[1], c, 7, 2)
        elif kind == "line":
            pygame.draw.line(surface, icon[1], (c[0] - 9, c[1]), (c[0] + 9, c[1]), icon[2])
        elif kind == "base":
            pygame.draw.polygon(surface, BASE, [(c[0], c[1] - 7), (c[0] + 7, c[1] + 5), (c[0] - 7, c[1] + 5)])
        elif kind == "depot":
            pygame.draw.rect(surface, DEPOT["central"], pygame.Rect(c[0] - 5, c[1] - 5, 11, 11))
        elif kind == "dash":
            for dx in (-9, -1, 7):
                pygame.draw.line(surface, RING, (c[0] + dx, c[1]), (c[0] + dx + 4, c[1]), 2)
        elif kind in ("disc", "eye", "cross", "warn"):
            self._hazard_icon(surface, icon, c)
        else:
            for k, level in enumerate((6.0, 7.0, 8.0, 9.0)):
                pygame.draw.rect(surface, INTENSITY_RGBA[level][:3], pygame.Rect(c[0] - 9 + 5 * k, c[1] - 6, 5, 12))

    def _hazard_icon(self, surface: pygame.Surface, icon: tuple, c: tuple[int, int]) -> None:
        kind = icon[0]
        if kind == "disc":
            pygame.draw.circle(surface, icon[1], c, 7)
        elif kind == "eye":
            pygame.draw.circle(surface, (235, 40, 60), c, 7)
            pygame.draw.circle(surface, (255, 255, 255), c, 7, 2)
        elif kind == "cross":
            for dx in (-1, 1):
                pygame.draw.line(surface, (255, 70, 70), (c[0] - 7 * dx, c[1] - 7), (c[0] + 7 * dx, c[1] + 7), 3)
        else:
            pygame.draw.polygon(surface, (255, 221, 0), [(c[0], c[1] - 8), (c[0] + 8, c[1] + 6), (c[0] - 8, c[1] + 6)])

    def _scale_bar(self, surface: pygame.Surface, view: View, bottom: int) -> pygame.Rect:
        km = nice_km(220 / view.scale)
        px = km * view.scale
        x0, y = 30, bottom - 8
        rect = pygame.Rect(16, bottom - 40, int(px) + 100, 40)
        self._panel(surface, rect)
        pygame.draw.line(surface, TEXT, (x0, y), (x0 + px, y), 3)
        for x in (x0, x0 + px / 2, x0 + px):
            pygame.draw.line(surface, TEXT, (x, y - 7), (x, y), 2)
        surface.blit(self.fonts.text(f"{km:g} km", 15, TEXT), (x0 + px + 10, y - 16))
        return rect

    def _help(self, surface: pygame.Surface, ui: UiState) -> pygame.Rect:
        text = "拖动平移 drag: pan · 滚轮 wheel: zoom · space: pause · +/−: speed · N: next event · " \
               "R: rings · F: fit · F12: PNG"
        if ui.drill:
            text += " · click unit, then place: dispatch · 1–4: level I–IV · M: mutual aid"
        img = self.fonts.text(text, 14, DIM)
        w, h = surface.get_size()
        rect = img.get_rect(midbottom=(w // 2, h - 10))
        surface.blit(img, rect)
        if ui.toast:
            toast = self.fonts.text(ui.toast, 18, (255, 221, 0))
            box = toast.get_rect(midbottom=(w // 2, rect.top - 10)).inflate(20, 10)
            self._panel(surface, box)
            surface.blit(toast, toast.get_rect(center=box.center))
        return rect

    def _cards(self, surface: pygame.Surface, cards: list[dict]) -> pygame.Rect:
        """The newest inject cards, newest on top, as the room sees them arrive."""
        w = surface.get_width()
        x, y, width = w // 2 - 300, 16, 600
        top = y
        for card in list(reversed(cards))[:3]:
            lines = self._card_lines(str(card.get("message", "")), width - 24)
            rect = pygame.Rect(x, y, width, 44 + 26 * len(lines))
            self._panel(surface, rect)
            pygame.draw.rect(surface, (255, 221, 0), rect, 2, border_radius=8)
            head = f"{card.get('id', '')}  {card.get('at', '')}  {card.get('channel', '')}  " \
                   f"{card.get('from', '')} → {card.get('to', '')}"
            surface.blit(self.fonts.text(head, 15, (255, 221, 0)), (x + 12, y + 8))
            for k, line in enumerate(lines):
                surface.blit(self.fonts.text(line, 20, TEXT), (x + 12, y + 34 + 26 * k))
            y = rect.bottom + 8
        return pygame.Rect(x, top, width, y - top)

    def _card_lines(self, message: str, width: int) -> list[str]:
        """The message wrapped on word (or CJK character) boundaries, at most CARD_LINES, the last
        ending in an ellipsis when the message is longer."""
        font = self.fonts.font(20)
        lines = wrap(message, font, width)
        if len(lines) <= CARD_LINES:
            return lines
        last = wrap(lines[CARD_LINES - 1] + " " + lines[CARD_LINES], font, width - font.size(" …")[0])[0]
        return lines[:CARD_LINES - 1] + [last + " …"]
