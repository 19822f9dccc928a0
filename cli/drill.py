"""Sub-commands of the drill engine: `drill` (console, headless, resume, branch), `report` (AAR/IP),
`revise` (accepted improvement items into a re-tested plan revision) and `msel-import` / `msel-export`
(spreadsheet MSELs).

pygame is imported only for the interactive console, so headless drills and reports never load it.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import options

if TYPE_CHECKING:
    from drills.msel import LoadedMsel
    from drills.session import Session


def register(sub: argparse._SubParsersAction) -> None:
    d = options.command(sub, "drill", "run a tabletop drill from an MSEL (console, or --headless with a script)")
    d.add_argument("msel", help="scenarios/msel/<name>.yaml")
    d.add_argument("--headless", action="store_true", help="no window: play --script as fast as possible")
    d.add_argument("--script", help="decisions file (<name>.decisions.yaml)")
    d.add_argument("--out", type=options.folder, help="folder for drill.jsonl, events, summary and the AAR "
                                                      "(None: runs/<drill>)")
    d.add_argument("--seed", type=options.seed, help="seed of every random draw (None: the MSEL's seed)")
    d.add_argument("--resume", type=Path, metavar="LOG", help="rebuild the drill from its log and go on")
    d.add_argument("--branch-at", type=options.minutes, metavar="MINUTES",
                   help="with --resume: replay the log up to this minute, then play --script instead")
    d.add_argument("--runs", type=options.count, metavar="N",
                   help="with --branch-at: also replay both decision sets on N seeds (from the drill's) and give "
                        "the paired difference with its CI (seeds.json, shown by `report --against`)")
    options.cluster(d)
    d.add_argument("--speed", type=options.positive, default=60.0, help="console: simulated seconds per second")
    d.add_argument("--size", type=options.size, default="1600x900", help="console window, WIDTHxHEIGHT")
    d.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the AAR")
    d.add_argument("--pace-ms", type=options.non_negative, default=0.0,
                   help="headless: wait this long after each inject and decision (to rehearse, or to test crash "
                        "recovery)")
    d.add_argument("--serve", action="store_true", help="the drill room: a server with one browser page per desk "
                                                        "(join codes printed at start), the map on the wall")
    d.add_argument("--host", default="127.0.0.1", help="--serve: address to bind (0.0.0.0: the room's network)")
    d.add_argument("--port", type=int, default=8765, help="--serve: port")
    d.add_argument("--no-wall", action="store_true", help="--serve: no pygame wall display")
    d.set_defaults(func=cmd_drill)
    r = options.command(sub, "report", "after-action report / improvement plan of a drill folder")
    r.add_argument("dir", type=Path, help="a drill's output folder (with drill.jsonl)")
    r.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the report")
    r.add_argument("--against", type=Path, metavar="DIR2", help="a branch of the drill to show side by side")
    r.add_argument("--signoff", type=Path, metavar="FILE", help="the lead evaluator's observations and signed "
                                                                "ratings (None: DIR/signoff.yaml if there)")
    r.set_defaults(func=cmd_report)
    v = options.command(sub, "revise", "improvement items of a drill into a plan revision (<plan>-revN.yaml, "
                                       "extends: the plan), re-tested against the plan with paired runs")
    v.add_argument("dir", type=Path, help="a drill's output folder (with drill.jsonl)")
    v.add_argument("--accept", type=_ids, default=[], metavar="IP-1,IP-3",
                   help="items to write into the revision (None: only bring the improvement register up to date)")
    v.add_argument("--runs", type=options.count, default=200, help="paired runs of the re-test (per plan)")
    v.add_argument("--seed", type=options.seed, default=0, help="seed of the first run; run i uses seed + i")
    v.add_argument("--plans", type=options.folder, metavar="DIR",
                   help="where the revision and the register go (None: beside the original plan)")
    v.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the rewritten AAR")
    options.cluster(v)
    v.set_defaults(func=cmd_revise)
    for name, summary, func in (("msel-export", "an MSEL as a spreadsheet (.xlsx: every part a sheet; .csv: "
                                 "the injects)", cmd_msel_export),
                                ("msel-import", "an MSEL from a spreadsheet (.xlsx, or .csv injects with --base), "
                                 "checked cell by cell", cmd_msel_import)):
        m = options.command(sub, name, summary)
        m.add_argument("source", type=Path, help="MSEL .yaml to export, or .xlsx / .csv to import")
        m.add_argument("--to", type=Path, required=True, help="the file to write (.xlsx, .csv or .yaml)")
        m.add_argument("--columns", type=Path, help="column map YAML: {sheet: {their header: our field}}")
        m.add_argument("--base", type=Path, help="import of a .csv: the MSEL YAML whose injects it replaces")
        m.set_defaults(func=func)


def cmd_drill(args: argparse.Namespace) -> int:
    from drills.log import DrillLogError, header, read_log
    from drills.msel import load_msel
    msel = load_msel(args.msel)
    window = not args.headless and not (getattr(args, "serve", False) and getattr(args, "no_wall", False))
    if window:
        from cli.view import display_problem
        if display_problem():                        # a console nobody can see would run until killed
            return options.fail("no display for the drill console (DISPLAY and WAYLAND_DISPLAY are unset): "
                                "play it --headless --script FILE, or --serve --no-wall for the browser room")
    if args.branch_at is not None and args.resume is None:
        return options.fail("--branch-at needs --resume LOG (the drill to branch from)")
    too_late = options.within("--branch-at", args.branch_at, msel.loaded.scenario.hours * 60)
    if too_late:
        return options.fail(too_late)
    if args.resume is not None:
        try:
            records = read_log(args.resume)
            start = header(records)
        except DrillLogError as exc:
            return options.fail(f"cannot resume: {exc}")
        if start["drill"] != msel.msel.drill:
            return options.fail(f"{args.resume} is a log of drill {start['drill']}, not of {msel.msel.drill}")
    codes, extra = _codes(args, msel)
    if args.branch_at is not None:
        session, out = _branch(args, msel, records, start, extra)
    elif args.resume is not None:
        session, out = _resume(args, msel, records, start)
    else:
        session, out = _fresh(args, msel, extra)
    if args.serve:
        return _serve(args, msel, session, out, codes, extra, records if args.resume is not None else [])
    if not args.headless:
        from drills.console import run_console
        run_console(session, args.size, args.speed)
        if not session.finished:
            return _left(args, msel, session, "console closed")
    summary = session.finish()
    session.log.close()
    session.write_outputs(out)
    if args.branch_at is not None and args.runs:
        _over_seeds(args, records, session, out)
    from drills.report import write_report
    write_report(out, args.lang)
    _print_end(msel, session, summary, out)
    return 0


def _over_seeds(args: argparse.Namespace, records: list[dict], session: Session, out: Path) -> None:
    """The branch against the drill on N seeds: the logged decisions and the branch's, replayed on each."""
    from drills.counterfactual import over_seeds, write
    logged = [r for r in records if r["rec"] == "decision"]
    result = over_seeds(str(args.msel), logged, session.decided, args.runs, session.seed, args.workers,
                        args.scheduler)
    print(f"wrote {write(out, result)}: {args.runs} seeds, branch - drill [95 % CI]:")
    for k, v in result["kpis"].items():
        d = v["b_minus_a"]
        effect = "n/a" if d["diff"] is None else f"{d['diff']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]"
        print(f"  {k:28s} {effect}  (branch better on {v['b_better']:.0%} of seeds)" if v["b_better"] is not None
              else f"  {k:28s} {effect}")


def _codes(args: argparse.Namespace, msel: LoadedMsel) -> tuple[dict[str, str], dict[str, Any]]:
    """With --serve, a fresh join code per desk and their hashes for the log's header."""
    if not args.serve:
        return {}, {}
    from drills.server.hub import hashed, new_codes
    codes = new_codes([r.id for r in msel.msel.roles])
    return codes, {"join": hashed(codes)}


def _serve(args: argparse.Namespace, msel: LoadedMsel, session: Session, out: Path, codes: dict[str, str],
           extra: dict[str, Any], records: list[dict]) -> int:
    """The drill room; a resumed drill keeps the join codes of its log (new ones only if it had none)."""
    from drills.server import serve
    join = next((r["join"] for r in records[::-1] if "join" in r), None)
    if records:
        session.pause("resumed: the controller resumes the clock")
    if join is None and records:
        session.log.write("join", t=session.now, **extra)
    if join is None:
        join = extra["join"]
        print("join codes (give each desk its own; the log keeps only their hashes):")
        for role, code in codes.items():
            print(f"  {code}  {role:14s} {msel.role_name(role)}")
    else:
        print("join codes: those printed when this drill started (the log holds their hashes)")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"WARNING: --host {args.host} opens the drill room to the network: anyone who has a desk's join code "
              "can act as that desk, and there is no TLS. Use it only on the room's own network.")
    print(f"drill room: http://{args.host}:{args.port}/  (Ctrl-C pauses; resume with --resume {out}/drill.jsonl)",
          flush=True)
    serve(session, join, out, host=args.host, port=args.port, lang=args.lang, speed=args.speed,
          wall=None if args.no_wall else args.size)
    if not session.finished:
        return _left(args, msel, session, None)
    _print_end(msel, session, session.summary(), out)
    return 0


def _left(args: argparse.Namespace, msel: LoadedMsel, session: Session, reason: str | None) -> int:
    """Leaving is not ENDEX: the drill stays paused and resumable (`reason` None: already paused and closed)."""
    from drills.msel import clock_text
    if reason is not None:
        session.leave(reason)
    print(f"{msel.msel.drill}: paused at T+{clock_text(session.now)}, {len(session.decided)} decisions; resume with "
          f"run_sim.py drill {args.msel} --resume {session.log.path}" + (" --serve" if args.serve else ""))
    return 0


def _print_end(msel: LoadedMsel, session: Session, summary: dict[str, Any], out: Path) -> None:
    print(f"{msel.msel.drill}: {len(session.released)} injects, {len(session.decided)} decisions; "
          f"2 h reach {_pct(summary['aviation.share_within_2h'])}, "
          f"10 h relief {_pct(summary['relief.share_within_10h'])}")
    print(f"wrote {out}/drill.jsonl, events.jsonl, summary.json, aar.md, aar.html")


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0%}"


def _script(args: argparse.Namespace, msel: LoadedMsel, fallback: str | None = None) -> tuple[list, str | None]:
    from drills.msel import load_script
    path = args.script or fallback
    if path is None:
        return [], None
    return load_script(path, msel), str(path)


def _start(args: argparse.Namespace, msel: LoadedMsel, out: Path, script: str | None, **extra: Any) -> Session:
    from drills.log import DrillLog
    from drills.session import Session
    session = Session(msel, DrillLog(out / "drill.jsonl"), args.seed, pause_at_injects=_console(args),
                      pace_s=args.pace_ms / 1000)
    mode = "headless" if args.headless else "serve" if args.serve else "console"
    session.log.write("start", t=0.0, drill=msel.msel.drill, msel=str(msel.path), scenario=msel.msel.scenario,
                      seed=session.seed, mode=mode, script=script, **extra)
    return session


def _console(args: argparse.Namespace) -> bool:
    """The console stops at each inject for discussion; headless and the drill room's clock do not."""
    return not (args.headless or args.serve)


def _fresh(args: argparse.Namespace, msel: LoadedMsel, extra: dict[str, Any]) -> tuple[Session, Path]:
    from sim.scenario.yamlio import safe_name
    out = args.out or Path("runs") / safe_name(msel.msel.drill)
    if out.exists() and not out.is_dir():
        raise SystemExit(options.fail(f"{out} is a file, not a folder: pass --out DIR"))
    decisions, script = _script(args, msel)
    session = _start(args, msel, out, script, **extra)
    session.queue(decisions, "script")
    return session, out


def _resume(args: argparse.Namespace, msel: LoadedMsel, records: list[dict], start: dict) -> tuple[Session, Path]:
    """Replay scenario + seed + logged decisions (checked against the log), then go on where it stopped."""
    from drills.log import DrillLog
    from drills.msel import clock_text
    from drills.session import Session
    session = Session(msel, DrillLog(args.resume, records), start["seed"], pause_at_injects=_console(args),
                      pace_s=args.pace_ms / 1000)
    logged = [r for r in records if r["rec"] == "decision"]
    session.replay(records)
    decisions, _ = _script(args, msel, start.get("script") if args.headless else None)
    session.queue(decisions[sum(r.get("source") == "script" for r in logged):], "script")
    session.advance_to(max((r["t"] for r in records if "t" in r), default=0.0))
    print(f"resumed {args.resume} at T+{clock_text(session.now)}")
    return session, args.out or args.resume.parent


def _branch(args: argparse.Namespace, msel: LoadedMsel, records: list[dict], start: dict,
            extra: dict[str, Any]) -> tuple[Session, Path]:
    """The recorded drill up to the branch minute, other decisions after it, same seed (same draws)."""
    from drills.msel import clock_text
    t = args.branch_at
    out = args.out or args.resume.parent.with_name(f"{args.resume.parent.name}-branch-{clock_text(t).replace(':', '')}")
    args.seed = start["seed"]
    decisions, script = _script(args, msel)
    session = _start(args, msel, out, script, branch_of=str(args.resume), branch_at=t, **extra)
    session.queue([r for r in records if r["rec"] == "decision" and r["at"] < t], "room")
    session.queue([d for d in decisions if d.at >= t], "script")
    print(f"branching {args.resume} at T+{clock_text(t)} into {out}")
    return session, out


def cmd_report(args: argparse.Namespace) -> int:
    from drills.log import DrillLogError
    from drills.report import write_report
    for folder in (args.dir, args.against):
        if folder is not None and not (folder / "drill.jsonl").is_file():
            return options.fail(f"{folder}: no drill.jsonl there (run `drill ... --out {folder}` first)")
    try:
        paths = write_report(args.dir, args.lang, args.against, args.signoff)
    except DrillLogError as exc:
        return options.fail(f"cannot report: {exc}")
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def _ids(text: str) -> list[str]:
    return [i.strip() for i in text.split(",") if i.strip()]


def cmd_revise(args: argparse.Namespace) -> int:
    from drills.log import DrillLogError
    from drills.report import write_report
    from drills.revise import RevisionError, revise
    if not (args.dir / "drill.jsonl").is_file():
        return options.fail(f"{args.dir}: no drill.jsonl there (run `drill ... --out {args.dir}` first)")
    try:
        done = revise(args.dir, args.accept, args.runs, args.seed, args.workers, args.scheduler, args.plans)
    except (RevisionError, DrillLogError) as exc:
        return options.fail(str(exc))
    if "revision" in done:
        print(f"wrote {done['revision']} (accepted {', '.join(args.accept)}); "
              f"{args.runs} paired runs from seed {args.seed}, revision - original [95 % CI]:")
        for o in done["measured"]["objectives"]:
            effect = "n/a" if o["diff"] is None else f"{o['diff']:+.3f} [{o['ci95'][0]:+.3f}, {o['ci95'][1]:+.3f}]"
            print(f"  {o['id']:18s} {o['kpi']} {o['target']}: {effect}  {o['verdict']}")
        write_report(args.dir, args.lang)
    open_items = [i for i in done["items"] if i["status"] == "open"]
    print(f"register {done['register']}: {len(done['items'])} items, {len(open_items)} open")
    return 0


def cmd_msel_export(args: argparse.Namespace) -> int:
    from drills.spreadsheet import export_msel
    export_msel(args.source, args.to)
    print(f"wrote {args.to}")
    return 0


def cmd_msel_import(args: argparse.Namespace) -> int:
    from drills.spreadsheet import import_msel
    import_msel(args.source, args.to, args.columns, args.base)
    print(f"wrote {args.to}")
    return 0

