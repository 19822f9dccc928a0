"""An official intensity map laid over the model's field (`sim/hazards/isoseismals.py`): the zones take
the map's areas, keep the model's ranking of places, and leave a quake without a map untouched."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.experiments.history import official_map
from sim.hazards.earthquake import Earthquake, intensity
from sim.hazards.isoseismals import Isoseismals
from sim.scenario.schema import load_scenario
from tests.conftest import LUDING, ROOT

# Ministry of Emergency Management, Luding M6.8 intensity map, 2022-09-11 (cumulative km2)
LUDING_MAP = {"VI": 19089, "VII": 4393, "VIII": 785, "IX": 280}


def luding(mapped: bool = True) -> Earthquake:
    quake = Earthquake(type="earthquake", epicentre=(29.59, 102.08), magnitude=6.8, depth_km=16, strike_deg=160)
    iso = Isoseismals(areas_km2=LUDING_MAP, source="Ministry of Emergency Management, 2022-09-11")
    return quake.model_copy(update={"isoseismals": iso}) if mapped else quake


def test_the_zones_take_the_maps_areas():
    areas = luding().areas()
    for degree, official in LUDING_MAP.items():
        assert areas[degree] == pytest.approx(official, rel=0.03), degree
    assert areas["X"] == 0 and int(luding().peak()) == 9
    assert luding(mapped=False).areas()["IX"] == pytest.approx(337, rel=0.05)     # the model alone: +20 %


def test_places_keep_their_order():
    rng = np.random.default_rng(3)
    lat, lon = 29.59 + rng.uniform(-1.5, 1.5, 400), 102.08 + rng.uniform(-1.5, 1.5, 400)
    plain, mapped = luding(False).field(lat, lon), luding().field(lat, lon)
    stronger = plain[:, None] > plain[None, :] + 1e-6            # every pair the model tells apart
    assert (mapped[:, None] >= mapped[None, :])[stronger].all()
    assert len(np.unique(np.floor(mapped))) > 3


def test_without_a_map_the_field_is_the_models():
    lat, lon = np.array([29.6, 30.1, 31.0]), np.array([102.1, 102.5, 103.0])
    quake = luding(mapped=False)
    assert np.array_equal(quake.field(lat, lon, 6.0), intensity(6.8, (29.59, 102.08), 160.0, lat, lon, 6.0))


def test_a_floor_selects_the_same_places_either_way():
    remap = luding().remap()
    for floor in (5.0, 6.0, 6.5, 8.2, 9.0):
        assert float(remap(np.array([remap.inverse(floor)]))[0]) == pytest.approx(floor, abs=1e-3)


@pytest.mark.parametrize("areas, message", [
    ({"VI": 100, "VII": 120}, "must be smaller than VI"),
    ({"VI": 100, "7": 10}, "unknown degree"),
])
def test_a_map_that_cannot_be_is_refused(areas, message):
    with pytest.raises(ValidationError, match=message):
        Isoseismals(areas_km2=areas, source="a source, 2022")


def test_a_zone_the_map_leaves_out_is_filled_in_log_linearly():
    degrees, areas = Isoseismals(areas_km2={"VI": 1000, "IX": 1}, source="a source, 2014").cumulative()
    assert degrees.tolist() == [6, 7, 8, 9, 10] and areas == pytest.approx([1000, 100, 10, 1, 0])


def test_history_takes_the_map_from_the_record_up_to_its_maximum():
    path, value = official_map(load_scenario(LUDING))
    assert path == "hazards[0].isoseismals" and value["areas_km2"] == LUDING_MAP
    assert "2022-09-11" in value["source"]
    path, value = official_map(load_scenario(ROOT / "scenarios" / "ludian-2014.yaml"))      # VI and IX (its top)
    assert value["areas_km2"] == {"VI": 10350, "IX": 90} and "filled in" in value["source"]
    assert official_map(load_scenario(ROOT / "scenarios" / "lushan-2013.yaml")) is None      # IX, but no VI


def test_the_view_draws_the_zones_of_the_map():
    from viz.scene import Footprint, intensity_contours

    def ix_extent(quake: Earthquake) -> float:
        rings = dict(intensity_contours(Footprint(quake), 6.0))[9.0]
        return max(np.ptp(r[:, 0]) for r in rings)            # north-south extent of the IX line, degrees
    small = Isoseismals(areas_km2={**LUDING_MAP, "IX": 60}, source="a smaller IX zone, 2022")
    assert ix_extent(luding().model_copy(update={"isoseismals": small})) < 0.8 * ix_extent(luding(mapped=False))


def test_a_drawn_second_quake_has_its_own_field_and_a_rupture_moves_with_its_epicentre():
    from sim.scenario.variation import vary_hazards
    varies = load_scenario(LUDING).scenario.varies
    varies = varies.model_copy(update={"second_quake": varies.second_quake.model_copy(update={"p": 1.0})})
    mapped = luding().model_copy(update={"rupture_centre": (29.60, 102.09)})
    first, second = vary_hazards([mapped], varies, np.random.default_rng(2))
    assert second.isoseismals is None and second.rupture_centre is None
    assert first.isoseismals == mapped.isoseismals
    shift = np.subtract(first.epicentre, mapped.epicentre)
    assert np.allclose(np.subtract(first.rupture_centre, mapped.rupture_centre), shift) and np.abs(shift).max() > 0
