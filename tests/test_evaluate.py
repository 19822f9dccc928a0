"""Credit by effect and addressee (the three mis-credits of issue 17), proposed and signed ratings,
evaluation guides and evaluators' observations in the AAR."""
from __future__ import annotations

import pytest

from drills.evaluate import Credit, Expectation, evaluate
from drills.log import DrillLog
from drills.msel import Expect, load_msel
from drills.session import Session
from drills.texts import EN, ZH
from run_sim import main
from sim.events import Event
from sim.scenario.yamlio import ScenarioError
from tests.conftest import ROOT

MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"
SCRIPT = ROOT / "scenarios" / "msel" / "luding-ttx.decisions.yaml"
MOXI = "site:5:磨西镇"
IMPACT = Event(0.0, "impact", "quake", MOXI, {"name": "磨西镇", "homeless": 0})


def decision(t: float, kind: str, by: str, **fields) -> dict:
    return {"rec": "decision", "t": t, "at": t, "kind": kind, "by": by, "ok": True, "error": None,
            "site": MOXI if fields.get("place") == "磨西镇" else None, **fields}


def credit(expectations: list[Expectation], decisions: list[dict], events: list[Event] = ()) -> None:
    events = [IMPACT, *events]
    Credit(load_msel(MSEL), events, {"磨西镇": MOXI, MOXI: MOXI}).assign(expectations, decisions)


def test_an_inject_to_the_municipal_post_is_not_credited_to_the_aviation_group():
    to_municipal = Expectation("I-02", Expect(action="dispatch", place="磨西镇", within_min=30), "municipal-hq", 20.0)
    aviation = decision(40.0, "dispatch", "aviation", unit="AW139-ZUUU-1", place="磨西镇")
    credit([to_municipal], [aviation])
    assert to_municipal.decision is None and to_municipal.status == "other_role"
    assert to_municipal.elsewhere is aviation
    named = Expectation("I-02", Expect(action="dispatch", place="磨西镇", within_min=30, by="aviation"),
                        "aviation", 20.0)           # the MSEL names the role expected to act: then it counts
    credit([named], [aviation])
    assert named.status == "on_time"


def test_a_unit_of_a_kind_the_role_does_not_task_earns_nothing():
    air = Expectation("I-03", Expect(action="dispatch", within_min=60), "aviation", 45.0)
    team = decision(60.0, "dispatch", "aviation", unit="heavy_rescue_team-雨城区-1", place="磨西镇")
    credit([air], [team])
    assert air.status == "missing"


def test_a_dispatch_from_the_base_the_inject_closed_is_taken_but_ineffective():
    closed = Event(45.0, "inject_effect", "controller", "ZUXC", {"effect": "base_closed", "until_min": 225.0})
    launch = Event(245.0, "launch", "Mi-171-ZUXC-2", "ZUXC", {"mission": "rescue"})
    x = Expectation("I-03", Expect(action="dispatch", within_min=30), "aviation", 45.0)
    credit([x], [decision(55.0, "dispatch", "aviation", unit="Mi-171-ZUXC-2", place="磨西镇")], [closed, launch])
    assert x.status == "ineffective" and x.closed == {"base": "ZUXC", "until": 225.0, "launch": 245.0}
    assert x.taken == 245.0 and x.late_by == 245.0 - 75.0       # judged by the launch, not the order
    chengdu = decision(60.0, "dispatch", "aviation", unit="AW139-ZUUU-1", place="磨西镇")
    y = Expectation("I-03", Expect(action="dispatch", within_min=30), "aviation", 45.0)
    credit([y], [decision(55.0, "dispatch", "aviation", unit="Mi-171-ZUXC-2", place="磨西镇"), chengdu],
           [closed, launch])
    assert y.status == "on_time" and y.decision is chengdu      # a later effective order earns it


def test_one_decision_is_counted_once():
    level = decision(90.0, "set_level", "provincial-hq", level="II")
    first = Expectation("I-01", Expect(action="set_level", level="II", within_min=60), "provincial-hq", 10.0)
    again = Expectation("I-X", Expect(action="set_level", level="II", within_min=120), "provincial-hq", 10.0)
    credit([first, again], [level])
    assert [first.decision, again.decision] == [level, None]


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    out = tmp_path_factory.mktemp("aar") / "luding"
    assert main(["drill", str(MSEL), "--headless", "--script", str(SCRIPT), "--out", str(out)]) == 0
    return out


def test_the_bundled_drill_credits_by_the_rules(played):
    from drills.report import load_branch
    ev = load_branch(played).evaluation
    x = {x.source: x for x in ev.expectations}
    assert x["I-01"].status == "merged" and x["I-01"].merged_into == "level-II-60"     # not a second credit
    assert x["I-07"].status == "merged" and x["I-07"].merged_into == "level-II-60"
    assert x["I-03"].status == "ineffective" and x["I-03"].closed["base"] == "ZUXC"
    assert x["I-02"].decision["by"] == "municipal-hq" and x["moxi-air-30"].decision["by"] == "aviation"
    credited = [id(x.decision) for x in ev.expectations if x.decision is not None and x.merged_into is None]
    assert len(credited) == len(set(credited))
    text = (played / "aar.md").read_text(encoding="utf-8")
    assert "taken, ineffective: ZUXC closed until T+03:45, launched" in text
    assert "counted under level-II-60" in text and "· proposed" in text and EN["method_rules"][1] in text


def test_the_lead_evaluators_signed_rating_is_reported_with_its_reason(played, tmp_path):
    signoff = tmp_path / "signoff.yaml"
    signoff.write_text("lead: 王芳 lead evaluator\n"
                       "observations:\n"
                       "  - {objective: aviation-2h, task: T1, by: evaluator,\n"
                       "     text: nobody asked where the Mi-171s were}\n"
                       "ratings:\n"
                       "  - {objective: level-II-60, rating: S}\n", encoding="utf-8")
    assert main(["report", str(played), "--signoff", str(signoff)]) == 2     # differs from M without a reason
    signoff.write_text(signoff.read_text(encoding="utf-8").replace("rating: S}", "rating: S, reason: the governor "
                                                                   "was on the phone to Beijing}"), encoding="utf-8")
    assert main(["report", str(played), "--signoff", str(signoff), "--lang", "zh"]) == 0
    page = (played / "aar.html").read_text(encoding="utf-8")
    assert "S · 已签署" in page and "签署理由: the governor was on the phone to Beijing" in page
    assert "M · 建议" not in page
    assert "nobody asked where the Mi-171s were" in page and ZH["method_rules"][0] in page
    assert "评级由 王芳 签署" in page and "速报后 60 分钟内启动 II 级响应" in page
    assert "Raise the response" not in page and "Provincial HQ" not in page        # Chinese throughout
    assert "2 小时内航空力量到达比例 (aviation.share_within_2h)" in page


def test_a_signoff_names_file_line_and_field(played, tmp_path):
    from drills.signoff import load_signoff
    bad = tmp_path / "signoff.yaml"
    bad.write_text("lead: x\nratings:\n  - {objective: nope, rating: P}\n  - {objective: relief-10h, rating: Q}\n",
                   encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_signoff(bad, load_msel(MSEL))
    assert f"{bad}:4: ratings.1.rating:" in str(err.value)


def test_an_evaluator_desk_logs_observations_shown_beside_the_evidence(tmp_path):
    msel = load_msel(MSEL)
    session = Session(msel, DrillLog(tmp_path / "drill.jsonl"))
    session.advance_to(30.0)
    record = session.observe("evaluator", "moxi-air-30", "the prefecture called the province at once", "T1")
    assert record["rec"] == "observation" and record["t"] == 30.0
    with pytest.raises(ValueError, match="not an evaluator desk"):
        session.observe("aviation", "moxi-air-30", "x")
    with pytest.raises(ValueError, match="no critical task 'T9'"):
        session.observe("evaluator", "moxi-air-30", "x", "T9")
    session.finish()
    records = [*session.log.path.read_text(encoding="utf-8").splitlines()]
    assert any('"rec":"observation"' in r for r in records)
    ev = evaluate(msel, [{"wall": "2026-01-01T00:00:00+00:00", "rec": "start"}, record], [IMPACT], {})
    task = next(t for r in ev.objectives if r.objective.id == "moxi-air-30" for t in r.tasks if t.id == "T1")
    assert task.observations[0]["text"] == "the prefecture called the province at once"
    assert ev.objectives[0].rating == ev.objectives[0].proposed and ev.lead == ""
