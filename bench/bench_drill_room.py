"""Drill room: time from a desk's decision to its effect on the other pages, and the server's CPU.

Starts `drill --serve` as a process (the clock running at 60x), connects 10 WebSocket clients (the
provincial HQ deciding, five controller pages and four evaluator pages watching the decision
table), sends N notes one after another and times, for each, how long until every other client got
a state showing it. Server CPU is read from /proc for the measured interval. `--wall` also opens
the pygame wall display (SDL's dummy driver) in the server, to see what it costs.

    .venv/bin/python bench/bench_drill_room.py [--decisions 100] [--wall]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"
WATCHERS = ["controller"] * 5 + ["evaluator"] * 4


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(out: Path, wall: bool) -> tuple[subprocess.Popen, int, dict[str, str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_sim.py"), "drill", str(MSEL), "--serve", "--port",
                             str(port), "--out", str(out), *([] if wall else ["--no-wall"])],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    codes = {}
    for line in proc.stdout:
        m = re.match(r"\s+([A-Z2-9]{4}-[A-Z2-9]{4})\s+(\S+)", line)
        if m:
            codes[m[2]] = m[1]
        if line.startswith("drill room:"):
            break
    time.sleep(1.5)
    return proc, port, codes


async def watch(url: str, code: str, seen: dict[str, list[float]]) -> None:
    """A watching page: note when each bench decision first shows in its decision table."""
    got: set[str] = set()
    async with connect(url, additional_headers={"Cookie": f"drill_code={code}"}, max_size=None) as ws:
        async for raw in ws:
            msg = json.loads(raw)
            for d in msg["view"]["decisions"] if msg["op"] == "state" else []:
                if d["what"].startswith("bench-") and d["what"] not in got:
                    got.add(d["what"])
                    seen.setdefault(d["what"], []).append(time.perf_counter())


async def bench(port: int, codes: dict[str, str], n: int) -> list[float]:
    url = f"ws://127.0.0.1:{port}/ws"
    seen: dict[str, list[float]] = {}
    watchers = [asyncio.create_task(watch(url, codes[r], seen)) for r in WATCHERS]
    lags = []
    async with connect(url, additional_headers={"Cookie": f"drill_code={codes['controller']}"}) as ctl:
        await ctl.send(json.dumps({"op": "control", "action": "startex"}))
        async with connect(url, additional_headers={"Cookie": f"drill_code={codes['provincial-hq']}"}) as hq:
            await asyncio.sleep(1.0)
            for i in range(n):
                text = f"bench-{i}"
                sent = time.perf_counter()
                await hq.send(json.dumps({"op": "order", "decision": {"kind": "note", "text": text}}))
                while len(seen.get(text, [])) < len(WATCHERS):
                    await asyncio.sleep(0.001)
                lags.extend(t - sent for t in seen[text])
    for w in watchers:
        w.cancel()
    return lags


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--decisions", type=int, default=100)
    ap.add_argument("--wall", action="store_true")
    args = ap.parse_args()
    with TemporaryDirectory() as tmp:
        proc, port, codes = start(Path(tmp) / "room", args.wall)
        try:
            c0, w0 = cpu_s(proc.pid), time.perf_counter()
            lags = sorted(asyncio.run(bench(port, codes, args.decisions)))
            cpu, wall = cpu_s(proc.pid) - c0, time.perf_counter() - w0
        finally:
            proc.terminate()
            proc.wait()
    ms = [x * 1000 for x in lags]
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    print(f"drill room, 1 deciding + {len(WATCHERS)} watching clients, {args.decisions} decisions, "
          f"wall display {'on' if args.wall else 'off'}, clock at 60x:")
    print(f"  decision -> shown on the other clients: median {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, "
          f"max {ms[-1]:.1f} ms")
    print(f"  server CPU {cpu:.2f} s in {wall:.1f} s ({cpu / wall:.0%} of one core)")


if __name__ == "__main__":
    main()
