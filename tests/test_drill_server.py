"""The drill room without a browser: desks and their orders in the session, the hub, the routes."""
from __future__ import annotations

import pytest

from drills.log import DrillLog, comparable, read_log
from drills.msel import load_msel
from drills.session import Session
from tests.conftest import ROOT

starlette = pytest.importorskip("starlette", reason="the drill room needs starlette (requirements.txt)")

from starlette.testclient import TestClient  # noqa: E402

from drills.server.app import build_app  # noqa: E402
from drills.server.hub import Hub, hashed, new_codes  # noqa: E402
from drills.server.views import Knowledge, control_view, desk_view  # noqa: E402

MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"


@pytest.fixture(scope="module")
def msel():
    return load_msel(MSEL)


def session_at(msel, tmp_path, minute: float, played: bool = True) -> Session:
    s = Session(msel, DrillLog(tmp_path / "drill.jsonl"))
    if not played:
        s.model.command.played = set()
    s.startex()
    s.advance_to(minute)
    return s


def levels(s: Session) -> list[str]:
    return [e.data["level"] for e in s.model.recorder.events if e.kind == "level_decision"]


def test_a_played_lead_post_is_decided_by_the_room_not_by_the_model(msel, tmp_path):
    assert levels(session_at(msel, tmp_path / "sim", 150, played=False)) != []     # the model would raise it
    s = session_at(msel, tmp_path / "room", 150)
    assert s.model.command.played == {"provincial:四川省", "municipal:甘孜藏族自治州", "county:泸定县"}
    assert levels(s) == []
    s.decide_now({"kind": "set_level", "level": "II"}, "provincial-hq")
    assert levels(s) == ["II"] and s.decided[-1]["role"] == "provincial-hq"


def test_a_denied_rumour_goes_back_to_the_last_genuine_report(msel, tmp_path):
    s = session_at(msel, tmp_path, 125)                       # I-05: "more than 500 dead in Luding" at 02:00
    lead, site = s.model.command.lead, s.watch.site_of["泸定县"]
    assert lead.estimates[site] == 500
    s.decide_now({"kind": "deny", "place": "泸定县", "text": "checked with the county"}, "provincial-hq")
    assert lead.estimates[site] < 500 and s.decided[-1]["ok"]
    s.decide_now({"kind": "verify", "place": "泸定县", "deaths": 12}, "provincial-hq")
    assert lead.estimates[site] == 12
    assert s.watch.lead_deaths[site] == 12                    # conditions read the verdict from the events


def test_a_desk_is_refused_what_it_may_not_order_and_the_refusal_is_logged(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    refused = s.decide_now({"kind": "dispatch", "unit": "H125-ZUTF-1", "place": "泸定县"}, "provincial-hq")
    assert refused["rec"] == "refused" and "provincial-hq tasks no aircraft" in refused["reason"]
    refused = s.decide_now({"kind": "set_level", "level": "I"}, "municipal-hq")
    assert "municipal-hq may not order 'set_level'" in refused["reason"]
    refused = s.decide_now({"kind": "dispatch", "unit": "fire_engine-泸定县-1", "place": "泸定县"}, "aviation")
    assert "aviation tasks no teams" in refused["reason"]
    refused = s.decide_now({"kind": "sitrep", "place": "汉源县", "deaths": 3}, "luding-county")
    assert "outside county:泸定县's jurisdiction" in refused["reason"]
    s.decide_now({"kind": "dispatch", "unit": "H125-ZUTF-1", "place": "泸定县"}, "aviation")
    assert s.decided[-1]["role"] == "aviation" and s.decided[-1]["ok"]
    logged = read_log(tmp_path / "drill.jsonl")
    assert [r["role"] for r in logged if r["rec"] == "refused"] == ["provincial-hq", "municipal-hq", "aviation",
                                                                    "luding-county"]


def test_a_county_sitrep_climbs_the_chain_like_the_models_reports(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    s.decide_now({"kind": "sitrep", "place": "泸定县", "deaths": 7}, "luding-county")
    s.advance_to(s.now + 25)                          # two hops of 10 min to the provincial post
    reports = [e for e in s.model.recorder.events if e.kind == "report" and e.data.get("deaths") == 7]
    assert {e.agent for e in reports} >= {"county:泸定县", "municipal:甘孜藏族自治州", "provincial:四川省"}


def test_acks_ad_hoc_injects_and_decisions_replay_into_the_same_log(msel, tmp_path):
    s = session_at(msel, tmp_path, 70)
    s.acknowledge("I-01", "provincial-hq")
    s.deliver("I-01", "provincial-hq")
    s.inject_now({"to": "luding-county", "from": "municipal:甘孜藏族自治州", "channel": "radio",
                  "message": "<b>Report casualties</b> by 01:30"})
    s.submit({"kind": "note", "text": "same minute as the inject"}, "luding-county")
    s.settle()
    s.advance_to(95)
    s.decide_now({"kind": "request", "need": "aviation", "place": "泸定县"}, "luding-county")
    with pytest.raises(KeyError):
        s.acknowledge("I-02", "provincial-hq")         # addressed to another desk
    s.log.close()
    records = read_log(tmp_path / "drill.jsonl")
    assert [r["id"] for r in records if r["rec"] == "inject" and r.get("adhoc")] == ["X-01"]
    again = Session(msel, DrillLog(tmp_path / "drill.jsonl", records))
    again.replay(records)
    again.advance_to(max(r["t"] for r in records))
    assert not again.log.replaying and again.started
    assert [comparable(r) for r in again.decided] == [comparable(r) for r in s.decided]
    assert again.acks.keys() == s.acks.keys()
    assert read_log(tmp_path / "drill.jsonl") == records


def of(s: Session, kind: str | None, agent: str | None = None) -> list:
    return [e for e in s.model.recorder.events if kind in (None, e.kind) and agent in (None, e.agent)]


def test_a_played_county_post_reports_but_sends_no_automatic_request(msel, tmp_path):
    county = "county:泸定县"
    assert of(session_at(msel, tmp_path / "sim", 300, played=False), "request", county) != []
    s = session_at(msel, tmp_path / "room", 300)
    assert of(s, "request", county) == [] and of(s, "decision", county) == []
    site = s.watch.site_of["泸定县"]
    reports = [e for e in of(s, "report", county) if e.place == site and "relayed_by" not in e.data]
    assert reports and "sent_up" not in reports[0].data                     # the first report still goes up
    assert reports[1:] and all(e.data["sent_up"] is False for e in reports[1:])   # 续报 is the desk's sitrep
    relayed = [e.data["deaths"] for e in of(s, "report", "municipal:甘孜藏族自治州")
               if e.place == site and e.data.get("relayed_by") == county]
    assert relayed == [reports[0].data["deaths"]]
    assert "medevac" in {e.kind for e in s.model.recorder.events if e.agent == county}   # ambulances still drive


def test_a_request_reaching_a_played_municipal_post_waits_for_its_desk(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    s.decide_now({"kind": "request", "need": "ground", "place": "泸定县"}, "luding-county")
    s.advance_to(s.now + 120)
    held = [e for e in of(s, "hold", "municipal:甘孜藏族自治州") if e.data["chain"][0] == "county:泸定县"]
    assert [e.data["request"] for e in held] == ["ground"]
    assert not [e for e in of(s, "approve") if "county:泸定县" in e.data.get("chain", [])]
    assert "fire_engine-泸定县-1" not in {e.agent for e in of(s, "dispatch")}   # the county's own: not auto-tasked
    s.decide_now({"kind": "dispatch", "unit": "fire_engine-泸定县-1", "place": "泸定县"}, "municipal-hq")
    assert s.decided[-1]["ok"] and "fire_engine-泸定县-1" in {e.agent for e in of(s, "dispatch")}


def test_a_desks_dispatch_closes_the_request_held_at_its_post_and_counts_as_its_approval(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    s.decide_now({"kind": "request", "need": "ground", "place": "泸定县"}, "luding-county")
    s.advance_to(s.now + 120)
    command, site = s.model.command, s.watch.site_of["泸定县"]
    assert [r.kind for r in command.held if r.group.place.id == site and r.origin.name == "county:泸定县"] == ["ground"]
    s.decide_now({"kind": "dispatch", "unit": "fire_engine-泸定县-1", "place": "泸定县"}, "municipal-hq")
    assert not [r for r in command.held if r.group.place.id == site and r.kind == "ground"]   # closed
    approved = [e for e in of(s, "approve", "municipal:甘孜藏族自治州") if e.data.get("unit") == "fire_engine-泸定县-1"]
    assert len(approved) == 1 and approved[0].data["request"] == "ground"
    assert approved[0].data["chain"] == ["county:泸定县", "municipal:甘孜藏族自治州"]
    assert approved[0].data["approval_min"] >= 120                       # counted by the approval-time KPI
    assert [e.data["by"] for e in of(s, "dispatch", "fire_engine-泸定县-1")] == ["municipal:甘孜藏族自治州"]
    s.decide_now({"kind": "dispatch", "unit": "fire_engine-泸定县-2", "place": "泸定县"}, "municipal-hq")
    second = [e.kind for e in s.model.recorder.events if e.data.get("unit") == "fire_engine-泸定县-2"]
    assert second == ["order", "retask"]                                 # nothing held any more: a retasking


def test_stock_arriving_holds_a_played_countys_short_request_for_its_desk(msel, tmp_path):
    def arrive(s):
        command, depot = s.model.command, next(d for d in s.model.depots if d.name == "county-depot-石棉县")
        group = next(g for g in s.model.groups if g.place.name == "泸定县")
        command.short.add(group)                           # its relief request found no stock
        depot.receive_stock({"tents": 10.0})
        return [e for e in s.model.recorder.events if e.t == s.now and e.agent == "county:泸定县"
                and e.data.get("request") == "relief"]
    assert [e.kind for e in arrive(session_at(msel, tmp_path / "sim", 60, played=False))] == ["request"]
    s = session_at(msel, tmp_path / "room", 60)
    held = arrive(s)
    assert [e.kind for e in held] == ["hold"] and held[0].data["chain"] == ["county:泸定县"]
    assert not s.model.command.short and s.model.command.held[-1].holder.name == "county:泸定县"


def test_an_airlift_from_a_played_posts_depot_is_held_for_its_desk(msel, tmp_path):
    from agents.supply import Consignment

    def airlift(s):
        depot = next(d for d in s.model.depots if d.name == "county-depot-泸定县")
        group = next(g for g in s.model.groups if g.place.name == "泸定县")
        item = next(k for k, box in depot.stock.items() if box.level >= 1)      # what the county has left
        Consignment(s.model, depot, group, depot.release({item: 1.0}), float("inf"))    # no road: by air
        s.advance_to(s.now + 5)
        return [e for e in of(s, None, "county:泸定县") if e.data.get("purpose") == "airlift"]
    assert [e.kind for e in airlift(session_at(msel, tmp_path / "sim", 60, played=False))][:1] == ["request"]
    s = session_at(msel, tmp_path / "room", 60)
    assert [e.kind for e in airlift(s)] == ["hold"]
    assert not [e for e in s.model.recorder.events if e.kind == "dispatch" and e.data.get("purpose") == "airlift"]
    assert [r.purpose for r in s.model.command.held if r.holder.name == "county:泸定县"] == ["airlift"]


def held_at(s: Session, post: str, kind: str, place: str) -> list:
    return [r for r in s.model.command.held if r.holder.name == post and r.kind == kind
            and r.group.place.name == place]


def test_a_desks_release_of_stock_answers_the_relief_request_held_at_its_post(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    s.decide_now({"kind": "request", "need": "relief", "place": "泸定县"}, "luding-county")
    s.advance_to(s.now + 30)
    ganzi = "municipal:甘孜藏族自治州"
    assert [r.chain for r in held_at(s, ganzi, "relief", "泸定县")] == [["county:泸定县", ganzi]]
    order = {"kind": "release_stock", "depot": "municipal-depot-康定市", "place": "泸定县"}
    s.decide_now({**order, "items": {"tents": 100}}, "municipal-hq")
    approved = [e for e in of(s, "approve", ganzi) if e.data.get("request") == "relief"]
    assert [(e.data["depot"], e.data["chain"]) for e in approved] == [("municipal-depot-康定市",
                                                                     ["county:泸定县", ganzi])]
    assert approved[0].data["approval_min"] >= 30                       # counted like a post's own approval
    assert held_at(s, ganzi, "relief", "泸定县")                          # the site still needs more: still held
    group = next(g for g in s.model.groups if g.place.name == "泸定县")
    s.decide_now({**order, "items": group.outstanding_unshipped()}, "municipal-hq")
    assert s.decided[-1]["ok"] and not group.outstanding_unshipped()
    assert held_at(s, ganzi, "relief", "泸定县") == []                    # all shipped: closed
    assert len([e for e in of(s, "approve", ganzi) if e.data.get("request") == "relief"]) == 2


def test_the_provinces_supplies_desk_answers_a_relief_request_held_at_a_played_prefecture(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    s.decide_now({"kind": "request", "need": "relief", "place": "泸定县"}, "luding-county")
    s.advance_to(s.now + 30)
    ganzi = "municipal:甘孜藏族自治州"
    assert held_at(s, ganzi, "relief", "泸定县")
    group = next(g for g in s.model.groups if g.place.name == "泸定县")
    depot = next(d for d in s.model.depots if d.level == "provincial")
    s.decide_now({"kind": "release_stock", "depot": depot.name, "place": "泸定县",
                  "items": {k: min(v, depot.stock[k].level) for k, v in group.outstanding_unshipped().items()}},
                 "supplies")
    assert s.decided[-1]["ok"]
    approved = [e for e in of(s, "approve", "provincial:四川省") if e.data.get("request") == "relief"]
    assert [e.data["chain"] for e in approved] == [["county:泸定县", ganzi]]
    assert not group.outstanding_unshipped() and held_at(s, ganzi, "relief", "泸定县") == []   # closed from above


def test_a_desks_request_up_the_chain_takes_what_was_held_at_its_post_with_it(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    ganzi = "municipal:甘孜藏族自治州"
    assert held_at(s, ganzi, "relief", "康定市")                 # Kangding's own county post is not played
    s.decide_now({"kind": "request", "need": "relief", "place": "康定市"}, "municipal-hq")
    assert held_at(s, ganzi, "relief", "康定市") == [] and held_at(s, ganzi, "aviation", "康定市")   # relief only
    forwarded = of(s, "forward", ganzi)
    assert [(e.data["request"], e.data["chain"]) for e in forwarded] == [("relief", ["county:康定市", ganzi])]
    assert forwarded[0].data["held_min"] > 0
    s.advance_to(s.now + 60)
    assert [e for e in of(s, "escalate", ganzi) if e.data["to"] == "provincial:四川省" and e.t >= 60]
    know = Knowledge()
    know.digest(s.model.recorder.events)
    rows = desk_view(s, know, "municipal-hq", 60.0)["held"]
    assert ("康定市", "relief", "forwarded") in {(r["place"], r["need"], r["status"]) for r in rows}


def test_a_desk_may_send_one_request_flat_straight_to_the_national_post(msel, tmp_path):
    ganzi = "municipal:甘孜藏族自治州"
    for route, to in (("chain", "provincial:四川省"), ("flat", "national:国务院抗震救灾指挥部")):
        s = session_at(msel, tmp_path / route, 60)
        s.decide_now({"kind": "request", "need": "aviation", "place": "康定市", "route": route}, "municipal-hq")
        s.advance_to(s.now + 30)
        ups = [e.data["to"] for e in of(s, "escalate", ganzi) if e.t >= 60 and e.data["request"] == "aviation"]
        assert ups and set(ups) == {to}


def airlift_held_at_luding(s: Session) -> None:
    """The county desk ships tents to Moxi, whose roads are cut: the sortie is held for a desk."""
    s.decide_now({"kind": "release_stock", "depot": "county-depot-泸定县", "place": "磨西镇", "items": {"tents": 100}},
                 "luding-county")
    s.advance_to(s.now + 1)
    assert [r.purpose for r in held_at(s, "county:泸定县", "aviation", "磨西镇")] == ["airlift"]


def test_the_aviation_desk_flies_the_airlift_sortie_held_at_a_county(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    airlift_held_at_luding(s)
    order = {"kind": "assign_airlift", "unit": "H125-ZUTF-1", "place": "磨西镇"}
    refused = s.decide_now(order, "luding-county")                       # the county tasks no aircraft
    assert refused["rec"] == "refused" and "it belongs to provincial:四川省" in refused["reason"]
    for place in ("泸定县", "磨西镇"):               # nothing held for Luding town; 100 tents outweigh an H125
        failed = s.decide_now({**order, "place": place}, "aviation")
        assert not failed["ok"] and f"no airlift sortie to {place} held for this desk" in failed["error"]
    assert next(a for a in s.model.aircraft if a.name == "H125-ZUTF-1").role == "any"   # a failed order changes nothing
    s.decide_now({**order, "unit": "Mi-171-ZUXC-1"}, "aviation")
    assert s.decided[-1]["ok"] and held_at(s, "county:泸定县", "aviation", "磨西镇") == []
    approve = [e for e in of(s, "approve", "provincial:四川省") if e.data.get("unit") == "Mi-171-ZUXC-1"]
    assert [(e.data["purpose"], e.data["chain"]) for e in approve] == [("airlift",
                                                                      ["county:泸定县", "provincial:四川省"])]
    s.advance_to(s.now + 400)                              # alert, to the depot, load, to Moxi
    delivered = [e for e in of(s, "deliver") if e.data.get("carrier") == "Mi-171-ZUXC-1"]
    assert [e.data["items"] for e in delivered] == [{"tents": 100.0}]


def test_the_controller_sees_what_each_played_post_holds_and_for_how_long(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    airlift_held_at_luding(s)
    s.advance_to(s.now + 30)
    know = Knowledge()
    know.digest(s.model.recorder.events)
    held = control_view(s, know, "controller", 60.0, {})["held"]
    sortie = next(h for h in held if h["place"] == "磨西镇" and h["need"] == "airlift")
    assert sortie["at_post"] == "county:泸定县" and int(sortie["waited"].split()[0]) >= 30


def test_an_idle_helicopter_given_to_airlift_by_a_desk_flies_the_oldest_sortie_held_for_it(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    airlift_held_at_luding(s)
    busy = next(a for a in s.model.aircraft if a.status != "idle" and a.spec.kind == "helicopter")
    s.decide_now({"kind": "assign_airlift", "unit": busy.name}, "aviation")     # busy: only its role changes
    assert s.decided[-1]["ok"] and busy.role == "airlift" and held_at(s, "county:泸定县", "aviation", "磨西镇")
    s.decide_now({"kind": "assign_airlift", "unit": "Mi-171-ZUXC-2"}, "aviation")
    assert held_at(s, "county:泸定县", "aviation", "磨西镇") == []
    assert [e.data["purpose"] for e in of(s, "dispatch", "Mi-171-ZUXC-2")] == ["airlift"]


def test_a_held_airlift_sortie_goes_by_truck_once_a_road_reaches_its_site(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    airlift_held_at_luding(s)
    s.advance_to(2700)                                  # Luding's clearing team reopens the road to Moxi
    cleared = [e.t for e in of(s, "road_cleared")]
    rerouted = of(s, "reroute", "county:泸定县")
    assert [(e.data["purpose"], e.data["mode"], e.data["items"]) for e in rerouted] == [("airlift", "road",
                                                                                        {"tents": 100.0})]
    assert rerouted[0].t in cleared and held_at(s, "county:泸定县", "aviation", "磨西镇") == []
    assert [e.kind for e in s.model.recorder.events if e.agent.startswith("consignment") and e.t == rerouted[0].t
            and e.data.get("items") == {"tents": 100.0}] == ["reroute"]
    know = Knowledge()
    know.digest(s.model.recorder.events)
    for role in ("luding-county", "aviation"):          # the county's page, and the aviation group's (below it)
        held = desk_view(s, know, role, 60.0)["held"]
        assert [(r["place"], r["status"]) for r in held if r["need"] == "airlift"] == [("磨西镇", "by_road")]


def test_unplayed_posts_approve_and_escalate_as_before(msel, tmp_path):
    s = session_at(msel, tmp_path, 180, played=False)
    assert of(s, "hold") == []
    assert [e for e in of(s, "escalate", "municipal:甘孜藏族自治州") if e.data["to"] == "provincial:四川省"]
    assert of(s, "approve", "county:泸定县")
    played = session_at(msel, tmp_path / "room", 180)                        # Ya'an's posts are not played
    ya_an = [(e.t, e.kind, e.place) for e in s.model.recorder.events if e.agent == "municipal:雅安市" and e.t < 60]
    assert ya_an and ya_an == [(e.t, e.kind, e.place) for e in played.model.recorder.events
                               if e.agent == "municipal:雅安市" and e.t < 60]


@pytest.fixture()
def room(msel, tmp_path):
    s = Session(msel, DrillLog(tmp_path / "drill.jsonl"))
    codes = new_codes(list(s.desks))
    hub = Hub(s, hashed(codes), tmp_path, "zh", 60.0)
    s.log.write("start", t=0.0, drill=msel.msel.drill, msel=str(msel.path), scenario=msel.msel.scenario, seed=s.seed,
                mode="serve", script=None, join=hub.join)
    with TestClient(build_app(hub)) as client:
        yield hub, codes, client


def joined(client: TestClient, code: str) -> TestClient:
    client.cookies.clear()
    assert client.post("/join", json={"code": code.lower()}).status_code == 200     # codes are case-blind
    return client


def result(ws) -> dict:
    while (msg := ws.receive_json())["op"] != "result":
        pass
    return msg


def test_join_codes_open_one_desk_each_and_nothing_without_one(room):
    hub, codes, client = room
    assert client.post("/join", json={"code": "NOPE-NOPE"}).status_code == 403
    assert client.get("/api/state").status_code == 401
    assert client.get("/desk", follow_redirects=False).status_code == 303
    assert joined(client, codes["luding-county"]).get("/api/state").json()["role"]["id"] == "luding-county"
    assert all(code not in str(hub.join) for code in codes.values())       # only hashes are kept


def test_a_player_cannot_control_the_exercise_and_the_controller_can(room):
    hub, codes, client = room
    with joined(client, codes["provincial-hq"]).websocket_connect("/ws") as ws:
        ws.send_json({"op": "control", "action": "startex"})
        assert "not the exercise controller" in result(ws)["message"]
    assert not hub.session.started
    with joined(client, codes["controller"]).websocket_connect("/ws") as ws:
        ws.send_json({"op": "control", "action": "startex"})
        ws.send_json({"op": "control", "action": "jump", "value": "00:30"})
        assert result(ws)["ok"] and result(ws)["ok"]
        ws.send_json({"op": "control", "action": "inject",
                      "value": {"to": "provincial-hq", "from": "x", "message": "</script><img src=x onerror=alert(1)>",
                                "effect": {"false_report": {"place": "泸定县", "deaths": 9}}}})
        assert result(ws)["ok"]
    assert hub.session.started and hub.session.shown == 30
    assert hub.session.released[-1]["effect"] is None           # a typed inject has no effect on the model


def test_pages_escape_and_forbid_inline_scripts(room):
    hub, codes, client = room
    page = joined(client, codes["controller"]).get("/desk?lang=zh")
    assert "script-src" not in page.headers["content-security-policy"]       # default-src 'self': no inline code
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert '<script type="application/json" id="strings">' in page.text and "导调控制" in page.text
    assert "</script><img" not in page.text
    assert client.get("/static/desk.js").status_code == 200


def test_leaving_a_played_desk_pauses_and_nothing_ends_the_drill_but_endex(room, tmp_path):
    hub, codes, client = room
    hub.session.startex()
    with joined(client, codes["provincial-hq"]).websocket_connect("/ws") as ws:
        ws.receive_json()
    assert hub.session.paused and not hub.session.finished
    with joined(client, codes["controller"]).websocket_connect("/ws") as ws:
        ws.send_json({"op": "control", "action": "endex"})
        assert result(ws)["ok"]
    assert hub.session.finished and (tmp_path / "aar.html").is_file()
    recs = [r["rec"] for r in read_log(tmp_path / "drill.jsonl")]
    assert "endex" in recs and recs[-1] == "end" and "pause" in recs


# The issue's orders: (kind, fields, a desk that may give it, one that may not, why that one may not)
ISSUE_ORDERS = [
    ("dispatch", {"unit": "Mi-171-ZUXC-1", "place": "泸定县"}, "aviation", "supplies", "may not order 'dispatch'"),
    ("request", {"need": "aviation", "place": "泸定县"}, "luding-county", "evaluator", "its orders are none"),
    ("request", {"need": "relief", "place": "泸定县"}, "municipal-hq", "controller", "its orders are none"),
    ("release_stock", {"depot": "county-depot-泸定县", "place": "泸定县", "items": {"tents": 10}}, "luding-county",
     "aviation", "may not order 'release_stock'"),
    ("assign_airlift", {"unit": "Mi-171-ZUXC-2"}, "aviation", "fire-rescue", "may not order 'assign_airlift'"),
    ("evacuate", {"place": "泸定县", "share": 0.1}, "luding-county", "aviation", "may not order 'evacuate'"),
    ("set_level", {"level": "II"}, "provincial-hq", "municipal-hq", "only the lead post (provincial:四川省) does"),
    ("mutual_aid", {}, "provincial-hq", "luding-county", "only the lead post (provincial:四川省) does"),
    ("sitrep", {"place": "泸定县", "deaths": 3}, "luding-county", "supplies", "may not order 'sitrep'"),
    ("verify", {"place": "泸定县"}, "provincial-hq", "fire-rescue", "may not order 'verify'"),
    ("deny", {"place": "泸定县"}, "municipal-hq", "aviation", "may not order 'deny'"),
]


def test_every_order_of_the_issue_is_on_the_page_of_a_desk_that_may_give_it_and_refused_elsewhere(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    hub = Hub(s, hashed(new_codes(list(s.desks))), tmp_path, "en", 60.0)
    for kind, fields, may, may_not, why in ISSUE_ORDERS:
        assert kind in hub.view(may)["orders"] and kind not in hub.view(may_not).get("orders", [])
        reply = hub.handle(may, {"op": "order", "decision": {"kind": kind, **fields}})
        assert reply["ok"], (kind, reply)
        reply = hub.handle(may_not, {"op": "order", "decision": {"kind": kind, **fields}})
        assert not reply["ok"] and why in reply["message"], (kind, reply)
    logged = [(r["role"], r["decision"]["kind"]) for r in read_log(tmp_path / "drill.jsonl") if r["rec"] == "refused"]
    assert logged == [(may_not, kind) for kind, _, _, may_not, _ in ISSUE_ORDERS]
    assert {d["kind"] for d in s.decided if d["ok"]} == {kind for kind, *_ in ISSUE_ORDERS}


def test_closing_the_wall_or_stopping_the_server_pauses_and_the_log_resumes(msel, tmp_path):
    s = session_at(msel, tmp_path, 60)
    hub = Hub(s, hashed(new_codes(list(s.desks))), tmp_path, "en", 60.0)
    hub.arrive("wall")
    airlift_held_at_luding(s)
    hub.handle("aviation", {"op": "order", "decision": {"kind": "assign_airlift", "unit": "Mi-171-ZUXC-1",
                                                          "place": "磨西镇"}})
    hub.tick(60.0)                                         # a wall minute at 60x: an hour of scenario
    hub.left("wall")                                       # the wall window closed
    shown = s.shown
    hub.tick(600.0)
    assert s.paused and not s.finished and s.shown == shown     # paused: the clock stands, nothing ended
    hub.close("server stopped")                            # what SIGTERM leads to (drills.server.serve)
    records = read_log(tmp_path / "drill.jsonl")
    assert [r["reason"] for r in records if r["rec"] == "pause"] == ["wall left", "server stopped"]
    assert not any(r["rec"] in ("endex", "end") for r in records)
    again = Session(msel, DrillLog(tmp_path / "drill.jsonl", records))
    again.replay(records)
    again.advance_to(shown)
    assert [comparable(r) for r in again.decided] == [comparable(r) for r in s.decided]
    assert again.model.recorder.events == s.model.recorder.events    # the sortie held, then flown, alike
