"""The tabletop view, headless: pixels where the map says things are, replay KPIs equal summary.json,
the drill console turns clicks and keys into decisions, headless runs never import pygame."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

import run_sim  # noqa: E402
from sim.events import Event, read_events  # noqa: E402
from sim.hazards.typhoon import rankine  # noqa: E402
from sim.model import ResponseModel  # noqa: E402
from sim.run import run_scenario  # noqa: E402
from sim.scenario.schema import load_scenario  # noqa: E402
from tests.conftest import LUDING, ROOT  # noqa: E402
from viz.app import make_view  # noqa: E402
from viz.console import DrillInput  # noqa: E402
from viz.draw import BASE, BG, STATUS_RGB, Renderer, UiState  # noqa: E402
from viz.fonts import Fonts, cjk_font_path  # noqa: E402
from viz.hazard_draw import BURNT, EYE, GROUNDED, flood_radius_px  # noqa: E402
from viz.hazards import STORM_MS, wind_radius_km  # noqa: E402
from viz.scene import FLOODED, Scene, feed_text, kpi_rows, layout_from_model  # noqa: E402
from viz.source import LiveSource, ReplaySource  # noqa: E402

SIZE = (1920, 1080)
SEED = 7


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A Luding run written to disk, as `run` writes it: (events path, summary)."""
    out = tmp_path_factory.mktemp("luding")
    _, summary = run_scenario(load_scenario(LUDING), SEED, out)
    return out / "events.jsonl", summary


@pytest.fixture(scope="module")
def layout():
    return layout_from_model(ResponseModel(load_scenario(LUDING), SEED))


def replay_scene(layout, path) -> Scene:
    scene = Scene(layout)
    scene.extend(ReplaySource(read_events(path), layout.end_min).advance(0.0))
    return scene


def frame(scene: Scene, minutes: float, ui: UiState | None = None) -> tuple[pygame.Surface, dict, object]:
    scene.seek(minutes)
    surface = pygame.Surface(SIZE)
    view = make_view(scene.layout, SIZE)
    rects = Renderer(scene.layout).render(surface, scene, view, ui or UiState())
    return surface, rects, view


def pixel(surface: pygame.Surface, x: float, y: float) -> tuple[int, int, int]:
    return tuple(surface.get_at((int(x), int(y))))[:3]


def test_base_icons_sit_at_their_projected_airports(layout, recorded):
    surface, _, view = frame(replay_scene(layout, recorded[0]), 0.0)
    assert {b.icao for b in layout.bases} == {"ZUUU", "ZUTF", "ZUXC"}
    for b in layout.bases:
        x, y = view.screen(b.lat, b.lon)
        assert pixel(surface, x, y + 1) == BASE, b.icao


def test_clock_shows_the_time_and_changes_with_it(layout, recorded):
    scene = replay_scene(layout, recorded[0])
    clocks = []
    for minutes in (10.0, 200.0):
        surface, rects, _ = frame(scene, minutes)
        r = rects["clock"]
        patch = pygame.surfarray.array3d(surface)[r.left:r.right, r.top:r.bottom]
        assert (patch.min(axis=2) > 200).sum() > 500          # bright text on the dark panel
        clocks.append(patch)
    assert not np.array_equal(*clocks)


def test_a_dispatched_aircraft_moves_along_its_leg(layout, recorded):
    fly = next(e for e in read_events(recorded[0]) if e.kind == "fly" and e.data["minutes"] > 30)
    scene = replay_scene(layout, recorded[0])
    spots = []
    for f in (0.1, 0.9):
        surface, _, view = frame(scene, fly.t + f * fly.data["minutes"])
        lat = fly.data["lat"] + f * (fly.data["to"][0] - fly.data["lat"])
        lon = fly.data["lon"] + f * (fly.data["to"][1] - fly.data["lon"])
        x, y = (float(v) for v in view.screen(lat, lon))
        spot = (int(x - 6) + 6, int(y - 6) + 6)               # sprite centre, as blitted
        assert pixel(surface, *spot) == STATUS_RGB["flying"], fly.agent
        spots.append(spot)
    assert np.hypot(spots[0][0] - spots[1][0], spots[0][1] - spots[1][1]) > 30


def test_replay_ends_on_the_kpis_of_summary_json(layout, recorded):
    path, summary = recorded
    on_disk = json.loads((path.parent / "summary.json").read_text(encoding="utf-8"))
    scene = replay_scene(layout, path)
    scene.seek(layout.end_min)
    kpis = scene.kpis()
    for key in ("aviation.share_within_2h", "relief.share_within_10h", "rescue.rescued_alive", "rescue.deaths",
                "rescue.still_trapped", "aviation.first_arrival_min"):
        assert kpis[key] == on_disk[key], key
    assert kpi_rows(kpis, None) == kpi_rows(on_disk, None)


def test_live_view_shows_what_the_recorded_run_shows(layout, recorded):
    model = ResponseModel(load_scenario(LUDING), SEED)
    live, replay = Scene(layout), replay_scene(layout, recorded[0])
    source = LiveSource(model)
    for minutes in (60.0, 150.0, 400.0):
        live.extend(source.advance(minutes))
        live.seek(minutes)
        replay.seek(minutes)
        fleet = len(layout.units)          # trucks differ: live estimates arrivals a replay already knows
        for a, b in zip(live.units.positions(minutes), replay.units.positions(minutes)):
            np.testing.assert_allclose(a[:fleet], b[:fleet], atol=1e-3)
        assert kpi_rows(live.kpis(), None) == kpi_rows(replay.kpis(), None)


class FakeSink:
    def __init__(self) -> None:
        self.decisions: list[dict] = []

    def submit(self, decision: dict) -> None:
        self.decisions.append(decision)


def test_drill_console_turns_clicks_and_keys_into_decisions(layout, recorded):
    scene = replay_scene(layout, recorded[0])
    fly = next(e for e in scene.events if e.kind == "fly" and e.data["minutes"] > 30)
    scene.seek(fly.t + 10)
    view = make_view(layout, SIZE)
    console = DrillInput(scene, view, sink := FakeSink())
    lat, lon = scene.units.position(scene.units.index[fly.agent], scene.t)
    assert console.click(*(float(v) for v in view.screen(lat, lon))) is None
    assert console.selected == fly.agent
    site = next(iter(scene.groups))
    console.click(*(float(v) for v in view.screen(scene.groups[site].lat, scene.groups[site].lon)))
    console.key("2")
    console.key("m")
    at = round(scene.t, 2)
    assert sink.decisions == [{"kind": "dispatch", "unit": fly.agent, "place": site, "at": at},
                              {"kind": "set_level", "level": "II", "at": at}, {"kind": "mutual_aid", "at": at}]


def test_level_events_and_inject_cards_reach_the_screen(layout, recorded):
    scene = replay_scene(layout, recorded[0])
    scene.extend([Event(5000.0, "level", "provincial:四川省", "", {"level": "II"})])
    card = {"id": "I-01", "at": "00:05", "from": "泸定县应急管理局", "to": "甘孜州指挥部", "channel": "phone",
            "message": "磨西镇房屋大面积倒塌，通信中断"}
    surface, rects, _ = frame(scene, 5000.0, UiState(cards=[card], drill=True))
    assert kpi_rows(scene.kpis(), scene.level)[-1] == ("响应级别  response level", "II")
    r = rects["cards"]
    patch = pygame.surfarray.array3d(surface)[r.left:r.right, r.top:r.bottom].reshape(-1, 3)
    assert (patch == (255, 221, 0)).all(axis=1).sum() > 200   # the card's yellow frame and header


def test_chinese_place_names_render_with_real_glyphs():
    assert cjk_font_path() is not None
    width = Fonts().font(20).render("泸定县", True, (255, 255, 255)).get_width()
    assert width >= 50                                        # three full-width glyphs, not 6 px boxes


def test_screenshot_command_writes_a_png(recorded, tmp_path):
    out = tmp_path / "view.png"
    assert run_sim.main(["replay", str(recorded[0]), "--scenario", str(LUDING), "--screenshot", str(out),
                         "--at", "120", "--size", "960x540"]) == 0
    assert pygame.image.load(str(out)).get_size() == (960, 540)


def test_headless_commands_never_import_pygame():
    code = ("import sys, run_sim; run_sim.main(['validate', 'scenarios/luding-2022.yaml']); "
            "print('pygame' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_window_keys_pause_change_speed_and_jump_to_the_next_event(layout, recorded):
    from viz.app import App
    events = read_events(recorded[0])
    scene = Scene(layout)
    app = App(scene, ReplaySource(events, layout.end_min), (960, 540), "replay", sink=FakeSink())
    screen = pygame.Surface((960, 540))
    app.tick(60.0)                                            # one wall minute at 60x: one simulated hour
    assert app.t == pytest.approx(60.0)
    app.key("space", screen)
    app.tick(60.0)
    assert app.t == pytest.approx(60.0) and app.ui.paused
    app.key("+", screen)
    assert app.ui.speed == 300.0
    app.key("n", screen)
    assert app.t == min(e.t for e in events if e.t > 60.0) and scene.t == app.t
    app.key("3", screen)
    assert app.sink.decisions[-1] == {"kind": "set_level", "level": "III", "at": round(app.t, 2)}
    app.draw(screen)
    assert "level=III" in app.ui.toast


# -- all hazards: floods, typhoons, fires, warnings, and the drill's injects ---------------------------
MANGKHUT = ROOT / "scenarios" / "mangkhut-2018.yaml"
ZHENGZHOU = ROOT / "scenarios" / "zhengzhou-2021.yaml"
FIRE = ROOT / "scenarios" / "daxinganling-fire.yaml"


def hazard_scene(path) -> Scene:
    """A recorded run of a bundled hazard scenario, replayed into a scene (events from the run itself)."""
    model, _ = run_scenario(load_scenario(path), SEED)
    scene = Scene(layout_from_model(ResponseModel(load_scenario(path), SEED)))
    scene.extend(ReplaySource(model.recorder.events, scene.layout.end_min).advance(0.0))
    return scene


@pytest.fixture(scope="module")
def typhoon_scene() -> Scene:
    return hazard_scene(MANGKHUT)


def test_the_typhoon_eye_follows_its_best_track(typhoon_scene):
    track = next(e for e in typhoon_scene.events if e.kind == "typhoon").data["track"]
    t, lat, lon = (np.array([p[k] for p in track]) for k in range(3))
    spots = []
    for minutes in (360.0, 900.0):
        surface, _, view = frame(typhoon_scene, minutes)
        x, y = (float(v) for v in view.screen(np.interp(minutes, t, lat), np.interp(minutes, t, lon)))
        assert pixel(surface, x, y) == EYE, minutes
        spots.append((x, y))
    assert math.dist(*spots) > 50


def test_the_storm_circle_is_where_the_model_wind_falls_to_storm_force():
    r = wind_radius_km(45.0, 400.0, 40.0, STORM_MS)
    assert 40.0 < r < 400.0
    assert float(rankine(np.array([r]), 45.0, 400.0, 40.0)[0]) == pytest.approx(STORM_MS)
    assert wind_radius_km(20.0, 300.0, 40.0, STORM_MS) == 0.0          # weaker than storm force: no circle


def test_a_grounded_base_is_crossed_out_until_the_wind_drops(typhoon_scene):
    spell = next(e for e in typhoon_scene.events if e.kind == "base_grounded" and e.place == "ZGSD")
    base = next(b for b in typhoon_scene.layout.bases if b.icao == "ZGSD")
    crossed = []
    for minutes in (spell.t + 60, spell.data["until_min"] + 60):
        surface, _, view = frame(typhoon_scene, minutes)
        x, y = (float(v) for v in view.screen(base.lat, base.lon))
        patch = pygame.surfarray.array3d(surface)[int(x) - 12:int(x) + 13, int(y) - 12:int(y) + 11].reshape(-1, 3)
        crossed.append(int((patch == GROUNDED).all(axis=1).sum()))
    assert crossed[0] > 20 and crossed[1] == 0


def test_warning_coverage_reaches_the_kpi_panel(typhoon_scene):
    typhoon_scene.seek(typhoon_scene.layout.end_min)
    rows = dict(kpi_rows(typhoon_scene.kpis(), None))
    assert rows["预警覆盖(影响前)  warned before impact"] == f"{typhoon_scene.kpis()['warning.coverage']:.0%}"
    assert "预警覆盖(影响前)  warned before impact" not in dict(kpi_rows({"warning.coverage": None}, None))


def test_a_flooded_place_turns_blue_and_its_roads_go_under_water():
    scene = hazard_scene(ZHENGZHOU)
    place = next(e for e in scene.events if e.kind == "flood_depth" and e.data["depth_m"] >= 3.0)
    blue = []
    for minutes in (place.t - 200, place.t + 10):
        surface, _, view = frame(scene, minutes)
        x, y = (float(v) for v in view.screen(place.data["lat"], place.data["lon"]))
        r = flood_radius_px(3.0) - 4                          # inside the disc, outside the site's ring,
        arc = np.radians(np.arange(150, 250, 5))              # on the west side, where no label is drawn
        ring = [pixel(surface, x + r * math.cos(a), y + r * math.sin(a)) for a in arc]
        blue.append(sum(b > red + 60 and b > g + 40 for red, g, b in ring) / len(ring))
    assert blue[0] < 0.1 and blue[1] > 0.5, blue          # a county name may cross the arc
    assert (scene.road_state == FLOODED).any()
    scene.seek(scene.layout.end_min)
    assert not (scene.road_state == FLOODED).any()                    # every road reopened as the water fell


def test_the_burnt_area_grows_between_two_minutes():
    scene = hazard_scene(FIRE)
    burnt = np.array(BG) + (np.array(BURNT) - np.array(BG)) * 150 / 255
    counts = []
    for minutes in (300.0, 900.0):
        surface, _, _ = frame(scene, minutes)
        rgb = pygame.surfarray.array3d(surface)[:SIZE[0] - 500].reshape(-1, 3).astype(float)
        counts.append(int((np.abs(rgb - burnt).max(axis=1) <= 3).sum()))
    assert counts[0] > 200 and counts[1] > 2 * counts[0], counts


def test_injects_orders_and_effects_read_plainly_in_the_feed(layout):
    card = {"id": "I-01", "to": "provincial-hq", "message": "泸定县报告：磨西镇通信中断，\n请求支援"}
    lines = [feed_text(Event(10.0, "inject", "controller", "", card), layout),
             feed_text(Event(90.0, "order", "player", "", {"order": "set_level", "level": "II", "reason": "x"}),
                       layout),
             feed_text(Event(95.0, "inject_effect", "controller", "",
                             {"effect": "cut_road", "between": ["泸定县", "康定市"]}), layout)]
    assert lines == ["T+00:10  ▶ 导调 inject  I-01 to provincial-hq: 泸定县报告：磨西镇通信中断， 请求支援",
                     "T+01:30  ■ 指令 order  set_level  II",
                     "T+01:35  ▶ 导调效果 effect  cut_road  泸定县 – 康定市"]


def test_the_drill_console_pauses_at_an_inject_through_the_app_hooks(tmp_path):
    from drills.console import make_app
    from drills.log import DrillLog, read_log
    from drills.msel import load_msel
    from drills.session import Session
    session = Session(load_msel(ROOT / "scenarios" / "msel" / "luding-ttx.yaml"), DrillLog(tmp_path / "drill.jsonl"),
                      pause_at_injects=True)
    app = make_app(session, (960, 540), 60.0)
    screen = pygame.Surface((960, 540))
    app.tick(30.0)                                            # asks for T+00:30; the first inject is at 00:10
    assert app.paused and session.paused and app.t == pytest.approx(10.0)
    assert any("I-01" in feed_text(e, app.scene.layout) for e in app.scene.recent(5))
    app.key("space", screen)
    app.tick(5.0)
    assert not session.paused and app.t == pytest.approx(15.0)
    session.log.close()
    assert [r["rec"] for r in read_log(tmp_path / "drill.jsonl") if r["rec"] in ("pause", "resume")] == \
        ["pause", "resume"]
