"""The drill room in a real headless browser: the server as a process, three desks as browser contexts.

Needs Debian's chromium (`.ci/run` installs it) and Playwright's Python package pointed at it; skipped
with a message only where neither can be had.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drills.log import comparable, read_log
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (requirements.txt) is not installed")
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium: `apt-get install -y chromium` (done by .ci/run)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(out: Path, *extra: str) -> tuple[subprocess.Popen, int, dict[str, str]]:
    """`drill --serve` as a process; returns it, its port and the join codes it printed."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_sim.py"), "drill", str(MSEL), "--serve", "--no-wall",
                             "--port", str(port), "--out", str(out), *extra], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    codes, lines = {}, []
    for line in proc.stdout:
        lines.append(line)
        m = re.match(r"\s+([A-Z2-9]{4}-[A-Z2-9]{4})\s+(\S+)", line)
        if m:
            codes[m[2]] = m[1]
        if line.startswith("drill room:"):
            break
    deadline = time.time() + 30
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port, codes
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start:\n" + "".join(lines))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:           # launch() gives the browser a fresh temporary profile
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def desk(browser, port: int, code: str, lang: str = "en"):
    """A fresh browser context (its own cookie jar) joined as one desk."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"http://127.0.0.1:{port}/?lang={lang}")
    page.fill("#code", code)
    page.click("#join button")
    page.wait_for_selector("#now")
    return page


def control(page, action: str, value: str | None = None) -> None:
    if value is not None:
        page.fill("#jump-to", value)
    page.click(f'button[data-action="{action}"]')


def wait_clock(page, text: str) -> None:
    sync_api.expect(page.locator("#now")).to_have_text(text)


def test_three_desks_play_then_kill_9_and_resume_gives_the_same_log(browser, tmp_path):
    out = tmp_path / "room"
    proc, port, codes = start_server(out)
    try:
        assert set(codes) >= {"controller", "luding-county", "provincial-hq"}
        header = read_log(out / "drill.jsonl")[0]
        assert header["mode"] == "serve" and all(c not in str(header) for c in codes.values())
        ctl = desk(browser, port, codes["controller"])
        county = desk(browser, port, codes["luding-county"], "zh")
        hq = desk(browser, port, codes["provincial-hq"])

        # a county player sees its site's report only after its report delay (20 min +- 50 %)
        control(ctl, "startex")
        control(ctl, "pause")
        control(ctl, "jump", "00:05")
        wait_clock(county, "T+00:05")
        assert "泸定县" not in county.inner_text("#reports")
        control(ctl, "jump", "01:00")
        wait_clock(county, "T+01:00")
        row = county.locator("#reports tbody tr", has_text="泸定县").last
        since_onset = float(row.locator("td").nth(4).inner_text().split()[0])
        assert 10 <= since_onset <= 30

        # the provincial player cannot dispatch a unit it does not own (the aviation group tasks aircraft)
        form = hq.locator('form.order[data-kind="dispatch"]')
        form.locator('input[name="unit"]').fill("H125-ZUTF-1")
        form.locator('input[name="place"]').fill("泸定县")
        form.locator("button").click()
        sync_api.expect(hq.locator("#toast.bad")).to_contain_text("not provincial-hq's to task")
        hq.wait_for_selector("#decisions td:has-text('refused')")

        # an acknowledged inject shows its acknowledgement time on the controller's page and in the log
        hq.locator('.inject[data-id="I-01"] button.ack').click()
        hq.wait_for_selector('.inject[data-id="I-01"] .acked')
        ctl.wait_for_selector("#inject-table tr:has-text('I-01') >> text=/T\\+01:00 \\(/")
        records = read_log(out / "drill.jsonl")
        assert [(r["inject"], r["role"], r["t"]) for r in records if r["rec"] == "ack"] == [
            ("I-01", "provincial-hq", 60.0)]
        assert [r["role"] for r in records if r["rec"] == "refused"] == ["provincial-hq"]
        assert ("I-01", "provincial-hq") in {(r["inject"], r["role"]) for r in records if r["rec"] == "delivered"}

        ctl.fill("#adhoc-inject input[name=to]", "luding-county")
        ctl.fill("#adhoc-inject input[name=from]", "municipal:甘孜藏族自治州")
        ctl.fill("#adhoc-inject textarea", "<img src=x onerror=alert(1)> 请报伤亡")
        ctl.click("#adhoc-inject button")
        county.wait_for_selector('.inject[data-id="X-01"]')
        assert "<img src=x onerror=alert(1)>" in county.inner_text('.inject[data-id="X-01"] p')   # text, not HTML
        county.locator('form.order[data-kind="sitrep"] input[name="place"]').fill("泸定县")
        county.locator('form.order[data-kind="sitrep"] input[name="deaths"]').fill("4")
        county.locator('form.order[data-kind="sitrep"] button').click()
        county.wait_for_selector("#decisions td:has-text('已执行')")
    finally:
        before = read_log(out / "drill.jsonl")
        proc.kill()                                        # kill -9: no goodbye, no pause record
        proc.wait()
    assert not any(r["rec"] == "end" for r in before)

    again, port, codes_again = start_server(out, "--resume", str(out / "drill.jsonl"))
    try:
        assert codes_again == {}                           # the desks keep the codes printed at the start
        after = read_log(out / "drill.jsonl")
        assert [comparable(r) for r in after[:len(before)]] == [comparable(r) for r in before]
        assert [r["rec"] for r in after[len(before):]] == ["pause"]          # resumed, paused for the controller
        ctl = desk(browser, port, codes["controller"])
        wait_clock(ctl, "T+01:00")
        assert "refused" in ctl.inner_text("#decisions") and "situation report" in ctl.inner_text("#decisions")
    finally:
        again.send_signal(signal.SIGTERM)                  # leaving pauses and keeps the log resumable
        assert again.wait(timeout=30) == 0
    tail = read_log(out / "drill.jsonl")
    assert tail[-1]["rec"] == "pause" and not any(r["rec"] == "end" for r in tail)


def order(page, kind: str, **fields: str) -> None:
    """Fill one order form of a desk page and send it."""
    form = page.locator(f'form.order[data-kind="{kind}"]')
    for name, value in fields.items():
        box = form.locator(f'[name="{name}"]')
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)
    form.locator("button").click()


def kinds(page) -> set[str]:
    """The orders a desk page offers a form for."""
    return set(page.locator("form.order").evaluate_all("forms => forms.map(f => f.dataset.kind)"))


def forged(page, decision: dict) -> None:
    """Send an order the page offers no form for, over the page's own connection (cookie and origin)."""
    page.evaluate("""d => new Promise(done => { const ws = new WebSocket("ws://" + location.host + "/ws");
        ws.onopen = () => { ws.send(JSON.stringify({op: "order", decision: d})); ws.onmessage = (m) => {
        if (JSON.parse(m.data).op === "result") { ws.close(); done(); } }; }; })""", decision)


def test_held_requests_are_answered_from_the_desk_pages(browser, tmp_path):
    proc, port, codes = start_server(tmp_path / "room")
    try:
        ctl = desk(browser, port, codes["controller"])
        control(ctl, "startex")
        control(ctl, "pause")
        control(ctl, "jump", "01:00")
        county, aviation, hq = (desk(browser, port, codes[r]) for r in ("luding-county", "aviation", "provincial-hq"))
        wait_clock(county, "T+01:00")
        assert kinds(hq) >= {"set_level", "mutual_aid", "verify", "deny", "request", "evacuate", "sitrep"}
        assert kinds(county) >= {"dispatch", "release_stock", "assign_airlift", "request", "sitrep", "evacuate"}
        assert not kinds(county) & {"set_level", "mutual_aid"} and kinds(aviation) == {
            "dispatch", "assign_airlift", "request", "note"}

        # the county ships tents to Moxi, whose roads are cut: the sortie waits on the county's and the
        # aviation group's pages until the aviation group gives it to a helicopter
        order(county, "release_stock", depot="county-depot-泸定县", place="磨西镇", item="tents", quantity="100")
        county.wait_for_selector("#decisions td:has-text('done')")
        control(ctl, "jump", "01:01")                   # the consignment asks for its sortie as the clock moves
        sync_api.expect(county.locator("#held")).to_contain_text("airlift sortie")
        sync_api.expect(aviation.locator("#held tr", has_text="磨西镇")).to_contain_text("county:泸定县")
        order(aviation, "assign_airlift", unit="H125-ZUTF-1", place="磨西镇")
        sync_api.expect(aviation.locator("#toast.bad")).to_contain_text("payload and ceiling")
        order(aviation, "assign_airlift", unit="Mi-171-ZUXC-1", place="磨西镇")
        sync_api.expect(aviation.locator("#toast.ok")).to_contain_text("assign_airlift")
        sync_api.expect(aviation.locator("#held")).not_to_contain_text("磨西镇")
        sync_api.expect(county.locator("#held")).not_to_contain_text("airlift sortie")
        forged(county, {"kind": "set_level", "level": "I"})     # no such form: as a tampered page would send it
        county.wait_for_selector("#decisions td:has-text('refused')")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    records = read_log(tmp_path / "room" / "drill.jsonl")
    assert [(r["role"], r["kind"], r["ok"]) for r in records if r["rec"] == "decision"] == [
        ("luding-county", "release_stock", True), ("aviation", "assign_airlift", False),
        ("aviation", "assign_airlift", True)]
    assert [(r["role"], r["decision"]["kind"]) for r in records if r["rec"] == "refused"] == [
        ("luding-county", "set_level")]
