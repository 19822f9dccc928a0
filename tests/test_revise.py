"""Improvement items become plan revisions: a rev file that extends the plan, re-tested with paired runs,
the effect with its CI in the item, the register across drills; and the counterfactual over seeds."""
from __future__ import annotations

import json

import pytest
import yaml

from run_sim import main
from sim.scenario.schema import load_plan
from tests.conftest import ROOT

MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"
SCRIPT = ROOT / "scenarios" / "msel" / "luding-ttx.decisions.yaml"
BRANCH = ROOT / "scenarios" / "msel" / "luding-ttx.branch.yaml"


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    out = tmp_path_factory.mktemp("revise") / "luding"
    assert main(["drill", str(MSEL), "--headless", "--script", str(SCRIPT), "--out", str(out)]) == 0
    return out


def test_accepted_items_become_a_retested_revision(played, tmp_path, capsys):
    plans = tmp_path / "plans"
    assert main(["revise", str(played), "--accept", "IP-1,IP-3", "--runs", "6", "--workers", "1",
                 "--plans", str(plans)]) == 0
    rev = plans / "sichuan-earthquake-rev1.yaml"
    body = yaml.safe_load(rev.read_text(encoding="utf-8"))
    assert body["extends"].endswith("scenarios/plans/sichuan-earthquake.yaml")
    assert body["plan"] == "sichuan-earthquake-rev1"
    assert body["response"] == {"activation_delay_min": {"II": 20}} and "depots" in body["prepositioned"]
    plan = load_plan(rev)
    assert plan.response.activation_delay_min["II"] == 20 and plan.response.activation_delay_min["I"] == 60
    assert plan.command.structure == "tiered"                           # the rest comes from the original
    revision = json.loads((played / "revision.json").read_text(encoding="utf-8"))
    assert revision["accepted"] == ["IP-1", "IP-3"] and revision["runs"] == 6
    effect = {o["id"]: o for o in revision["effect"]}
    assert effect["relief-10h"]["n"] == 6 and len(effect["relief-10h"]["ci95"]) == 2
    register = yaml.safe_load((plans / "sichuan-earthquake.register.yaml").read_text(encoding="utf-8"))
    status = {i["item"]: i for i in register["items"]}
    assert status["IP-1"]["status"] == "accepted" and status["IP-1"]["revision"] == rev.name
    assert status["IP-2"]["status"] == "open" and status["IP-2"]["owner"] == "aviation"
    assert status["IP-2"]["due"] < status["IP-1"]["due"]                # a deficiency is due before a corrective
    assert "accepted into sichuan-earthquake-rev1.yaml: aviation-2h:" in (played / "aar.md").read_text(encoding="utf-8")
    assert main(["revise", str(played), "--accept", "IP-2", "--runs", "2", "--workers", "1",
                 "--plans", str(plans)]) == 0
    assert (plans / "sichuan-earthquake-rev2.yaml").is_file()          # the next revision, the first one kept


def test_an_item_without_a_plan_change_cannot_be_accepted(played, tmp_path, capsys):
    assert main(["revise", str(played), "--accept", "IP-4", "--plans", str(tmp_path)]) == 2   # I-03: training only
    assert "carries no plan change" in capsys.readouterr().err
    assert main(["revise", str(played), "--accept", "IP-99", "--plans", str(tmp_path)]) == 2


def test_the_register_closes_items_a_later_drill_no_longer_finds(played, tmp_path):
    from drills.report import load_branch
    from drills.revise import update_register
    path = tmp_path / "register.yaml"
    first = update_register(load_branch(played), path)
    fake = [dict(i, drill="luding-ttx 2026-01-01 (older)", source="gone-objective") for i in first[:1]]
    path.write_text(yaml.safe_dump({"plan": "sichuan-earthquake", "items": fake + first}, allow_unicode=True),
                    encoding="utf-8")
    items = update_register(load_branch(played), path)
    assert items[0]["status"] == "closed" and "not found again" in items[0]["closed"]
    assert len(items) == len(first) + 1                                  # this drill's items are not added twice


def test_the_counterfactual_over_seeds_gives_a_paired_ci(played, tmp_path):
    branch = tmp_path / "branch"
    assert main(["drill", str(MSEL), "--headless", "--resume", str(played / "drill.jsonl"), "--branch-at", "00:40",
                 "--script", str(BRANCH), "--out", str(branch), "--runs", "3", "--workers", "1"]) == 0
    seeds = json.loads((branch / "seeds.json").read_text(encoding="utf-8"))
    reach = seeds["kpis"]["aviation.share_within_2h"]
    assert seeds["runs"] == 3 and reach["b_minus_a"]["n"] == 3 and reach["b_better"] is not None
    assert main(["report", str(played), "--against", str(branch)]) == 0
    assert "Counterfactual over 3 seeds" in (played / "aar.md").read_text(encoding="utf-8")
