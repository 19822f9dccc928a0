"""The one runner behind stress, compare and sweep: tasks in, one KPI row per task out.

Tasks carry a scenario path, an optional plan, overrides and a seed, never a model (a SimPy
environment cannot be pickled). They run on a local Dask cluster of processes by default, or on an
existing cluster given by address: the same code path. With an output folder, rows stream to a
Parquet dataset one chunk per file, written atomically; a re-run skips the task ids already there,
so a killed sweep resumes and every task is recorded exactly once.
"""
from __future__ import annotations

import json
import math
import os
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import LoadedScenario, load_scenario, with_plan

Row = dict[str, Any]
# dict KPIs kept as one column per key
FLAT_DICTS = ("hazard.intensity_area_km2", "command.level_time_min", "command.national.level_time_min")


@dataclass(frozen=True)
class Task:
    id: str
    scenario: str
    seed: int
    plan: str | None = None
    overrides: tuple[tuple[str, Any], ...] = field(default=())
    vary: bool = True               # draw the scenario's `varies:` block (False: the nominal event, as in `history`)


@lru_cache(maxsize=32)
def _loaded(scenario: str, plan: str | None, overrides: tuple[tuple[str, Any], ...]) -> LoadedScenario:
    loaded = load_scenario(scenario)
    if plan:
        loaded = with_plan(loaded, plan)
    return apply_overrides(loaded, {k: thaw(v) for k, v in overrides}) if overrides else loaded


def freeze(value: Any) -> Any:
    """An override value a Task can carry (hashable: lists and dicts as tagged JSON text)."""
    return ("json", json.dumps(value, sort_keys=True)) if isinstance(value, (list, dict)) else value


def thaw(value: Any) -> Any:
    return json.loads(value[1]) if isinstance(value, tuple) and value[:1] == ("json",) else value


def run_task(task: Task) -> Row:
    """Run one task; a failure becomes a row with its error, never an exception."""
    from sim.run import run_scenario
    t0 = time.perf_counter()
    row: Row = {"task_id": task.id, "seed": task.seed, "plan_file": task.plan or ""}
    row.update({f"param.{k}": v for k, v in task.overrides})
    try:
        _, summary = run_scenario(_loaded(task.scenario, task.plan, task.overrides), task.seed, vary=task.vary)
        row.update(kpi_row(summary))
        row["error"] = ""
    except Exception as exc:  # noqa: BLE001 - a sweep must record failures, not die of them
        row["error"] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    row["wall_s"] = time.perf_counter() - t0
    return row


def kpi_row(summary: dict[str, Any]) -> Row:
    """Scalar KPIs as floats (NaN = never), objectives as pass flags, per-site arrivals as JSON."""
    row: Row = {"plan": summary["plan"]}
    for key, value in summary.items():
        if key in FLAT_DICTS:
            row.update({f"{key}.{k}": float(v) for k, v in value.items()})
        if key in ("plan", "scenario", "seed") or isinstance(value, (dict, list, str)):
            continue
        row[key] = math.nan if value is None else float(value)
    arrivals = summary["aviation.first_arrival_min"]
    row["missed_2h"] = json.dumps(sorted(k for k, v in arrivals.items() if v is None or v > 120), ensure_ascii=False)
    row["first_arrival_json"] = json.dumps(arrivals, ensure_ascii=False, sort_keys=True)
    for o in summary["objectives"]:
        row[f"objective.{o['id']}"] = bool(o["pass"])
    return row


def run_batch(tasks: list[Task]) -> list[Row]:
    """Several runs in one Dask task: a 40 ms run would otherwise pay Dask's per-task cost alone."""
    return [run_task(t) for t in tasks]


def run_tasks(tasks: list[Task], workers: int | None = None, scheduler: str | None = None,
              out: Path | None = None, chunk: int = 50, label: str = "runs", group: int = 4,
              keep: Callable[[Row], Row] | None = None, security: Any = None) -> list[Row]:
    """Run tasks on Dask, `group` runs per Dask task; rows come back sorted by task id.

    With `out`, rows stream to Parquet instead (at most `chunk` held in memory) and a re-run skips
    the task ids already written. `security`: Dask TLS settings for `scheduler` (see `tls_security`).
    """
    done = finished_ids(out) if out else set()
    todo = [t for t in tasks if t.id not in done]
    rows: list[Row] = []
    if todo:
        with _client(workers, scheduler, security) as client, _progress(label) as progress:
            bar = progress.add_task(label, total=len(tasks), completed=len(tasks) - len(todo))
            batch: list[Row] = []
            for finished in _stream(client, [todo[i:i + group] for i in range(0, len(todo), group)], workers):
                progress.advance(bar, len(finished))
                batch.extend(map(keep, finished) if keep else finished)
                if len(batch) >= chunk:
                    _keep(batch, out, rows)
                    batch = []
            if batch:
                _keep(batch, out, rows)
    return sorted(rows, key=lambda r: r["task_id"])


def _keep(batch: list[Row], out: Path | None, rows: list[Row]) -> None:
    """Write a finished chunk to the dataset, or keep it in memory when there is no output folder."""
    if out:
        write_chunk(out, batch)
    else:
        rows.extend(batch)


def _stream(client, groups: list[list[Task]], workers: int | None) -> Iterator[list[Row]]:
    """Rows of each group as it finishes, with a bounded number of groups in flight (memory stays flat)."""
    from distributed import as_completed
    in_flight = max(4, 3 * (workers or len(client.scheduler_info()["workers"]) or 1))
    pending = iter(groups)
    first = [g for _, g in zip(range(in_flight), pending)]
    futures = as_completed(client.map(run_batch, first, pure=False))
    for fut in futures:
        yield fut.result()
        fut.release()
        nxt = next(pending, None)
        if nxt is not None:
            futures.add(client.submit(run_batch, nxt, pure=False))


def tls_security(ca: str, cert: str, key: str | None = None) -> Any:
    """Dask TLS settings for a client of a cluster that requires them (`tls://` scheduler address):
    the cluster's CA certificate, and this client's certificate and key."""
    from distributed.security import Security
    return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key, require_encryption=True)


# Dask's HTTP routes (status, health, metrics, dashboard) served by no server of our local cluster.
NO_HTTP_ROUTES = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}


class _client:
    """A Dask client on an existing scheduler, or on a LocalCluster of processes we own.

    The local cluster listens on loopback only. Dask always starts an HTTP server per scheduler and
    worker; with the dashboard off ours bind a random loopback port and serve no route at all
    (without this the scheduler answers /health and /metrics on 127.0.0.1:8787).
    """

    def __init__(self, workers: int | None, scheduler: str | None, security: Any = None) -> None:
        self.workers, self.scheduler, self.security = workers, scheduler, security
        self.cluster = self.client = None

    def __enter__(self):
        import dask
        from distributed import Client, LocalCluster
        if self.scheduler:
            self.client = Client(self.scheduler, security=self.security)
        else:
            with dask.config.set(NO_HTTP_ROUTES):
                self.cluster = LocalCluster(n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1,
                                            processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                            worker_dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class RateColumn(ProgressColumn):
    """Runs per second, once there is a rate to show."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:.1f} runs/s" if task.speed else "… runs/s")


def _progress(label: str) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True))


def write_chunk(out: Path, rows: list[Row]) -> Path:
    """One Parquet file per finished chunk, written to a temp name and renamed: never half a file."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    out.mkdir(parents=True, exist_ok=True)
    rows = sorted(rows, key=lambda r: r["task_id"])
    path = out / f"part-{rows[0]['task_id']}-{len(rows)}.parquet"
    tmp = path.with_suffix(".parquet.tmp")
    try:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def finished_ids(out: Path) -> set[str]:
    """Task ids already recorded in a results folder (temp files of a crashed write are ignored)."""
    import pyarrow.parquet as pq
    if not out.exists():
        return set()
    ids: set[str] = set()
    for part in sorted(out.glob("part-*.parquet")):
        ids.update(pq.read_table(part, columns=["task_id"]).column("task_id").to_pylist())
    return ids
