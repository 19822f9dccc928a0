"""Sub-commands of the drill engine: `drill` (console, headless, resume, branch) and `report` (AAR/IP).

pygame is imported only for the interactive console, so headless drills and reports never load it.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drills.msel import LoadedMsel
    from drills.session import Session


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("drill", help="run a tabletop drill from an MSEL (console, or --headless with a script)")
    d.add_argument("msel", help="scenarios/msel/<name>.yaml")
    d.add_argument("--headless", action="store_true", help="no window: play --script as fast as possible")
    d.add_argument("--script", help="decisions file (<name>.decisions.yaml)")
    d.add_argument("--out", type=Path, help="folder for drill.jsonl, events, summary and the AAR")
    d.add_argument("--seed", type=int, help="default: the MSEL's seed")
    d.add_argument("--resume", type=Path, metavar="LOG", help="rebuild the drill from its log and go on")
    d.add_argument("--branch-at", type=_minutes, metavar="MINUTES",
                   help="with --resume: replay the log up to this minute, then play --script instead")
    d.add_argument("--speed", type=float, default=60.0, help="console: simulated seconds per second")
    d.add_argument("--size", default="1600x900", help="console window, WIDTHxHEIGHT")
    d.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the AAR")
    d.add_argument("--pace-ms", type=float, default=0.0, help="headless: wait this long after each inject and "
                                                              "decision (to rehearse, or to test crash recovery)")
    d.set_defaults(func=cmd_drill)
    r = sub.add_parser("report", help="after-action report / improvement plan of a drill folder")
    r.add_argument("dir", type=Path)
    r.add_argument("--lang", choices=("en", "zh"), default="en")
    r.add_argument("--against", type=Path, metavar="DIR2", help="a branch of the drill to show side by side")
    r.set_defaults(func=cmd_report)


def _minutes(text: str) -> float:
    from drills.msel import parse_clock
    try:
        return float(parse_clock(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_drill(args: argparse.Namespace) -> int:
    from drills.log import header, read_log
    from drills.msel import load_msel
    msel = load_msel(args.msel)
    if args.branch_at is not None and args.resume is None:
        print("--branch-at needs --resume LOG (the drill to branch from)")
        return 2
    if args.resume is not None:
        records = read_log(args.resume)
        start = header(records)
        if start["drill"] != msel.msel.drill:
            print(f"{args.resume} is a log of drill {start['drill']}, not of {msel.msel.drill}")
            return 2
    if args.branch_at is not None:
        session, out = _branch(args, msel, records, start)
    elif args.resume is not None:
        session, out = _resume(args, msel, records, start)
    else:
        session, out = _fresh(args, msel)
    if not args.headless:
        from drills.console import run_console
        width, height = (int(v) for v in args.size.lower().split("x"))
        run_console(session, (width, height), args.speed)
    summary = session.finish()
    session.log.close()
    session.write_outputs(out)
    from drills.report import write_report
    write_report(out, args.lang)
    print(f"{msel.msel.drill}: {len(session.released)} injects, {len(session.decided)} decisions; "
          f"2 h reach {_pct(summary['aviation.share_within_2h'])}, "
          f"10 h relief {_pct(summary['relief.share_within_10h'])}")
    print(f"wrote {out}/drill.jsonl, events.jsonl, summary.json, aar.md, aar.html")
    return 0


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
    session = Session(msel, DrillLog(out / "drill.jsonl"), args.seed, pause_at_injects=not args.headless,
                      pace_s=args.pace_ms / 1000)
    session.log.write("start", t=0.0, drill=msel.msel.drill, msel=str(msel.path), scenario=msel.msel.scenario,
                      seed=session.seed, mode="headless" if args.headless else "console", script=script, **extra)
    return session


def _fresh(args: argparse.Namespace, msel: LoadedMsel) -> tuple[Session, Path]:
    out = args.out or Path("runs") / msel.msel.drill
    decisions, script = _script(args, msel)
    session = _start(args, msel, out, script)
    session.queue(decisions, "script")
    return session, out


def _resume(args: argparse.Namespace, msel: LoadedMsel, records: list[dict], start: dict) -> tuple[Session, Path]:
    """Replay scenario + seed + logged decisions (checked against the log), then go on where it stopped."""
    from drills.log import DrillLog
    from drills.msel import clock_text
    from drills.session import Session
    session = Session(msel, DrillLog(args.resume, records), start["seed"], pause_at_injects=not args.headless,
                      pace_s=args.pace_ms / 1000)
    logged = [r for r in records if r["rec"] == "decision"]
    session.queue(logged, "room")
    decisions, _ = _script(args, msel, start.get("script") if args.headless else None)
    session.queue(decisions[sum(r.get("source") == "script" for r in logged):], "script")
    session.advance_to(max((r["t"] for r in records if "t" in r), default=0.0))
    print(f"resumed {args.resume} at T+{clock_text(session.now)}")
    return session, args.out or args.resume.parent


def _branch(args: argparse.Namespace, msel: LoadedMsel, records: list[dict], start: dict) -> tuple[Session, Path]:
    """The recorded drill up to the branch minute, other decisions after it, same seed (same draws)."""
    from drills.msel import clock_text
    t = args.branch_at
    out = args.out or args.resume.parent.with_name(f"{args.resume.parent.name}-branch-{clock_text(t).replace(':', '')}")
    args.seed = start["seed"]
    decisions, script = _script(args, msel)
    session = _start(args, msel, out, script, branch_of=str(args.resume), branch_at=t)
    session.queue([r for r in records if r["rec"] == "decision" and r["at"] < t], "room")
    session.queue([d for d in decisions if d.at >= t], "script")
    print(f"branching {args.resume} at T+{clock_text(t)} into {out}")
    return session, out


def cmd_report(args: argparse.Namespace) -> int:
    from drills.report import write_report
    for folder in (args.dir, args.against):
        if folder is not None and not (folder / "drill.jsonl").is_file():
            print(f"{folder}: no drill.jsonl there (run `drill ... --out {folder}` first)")
            return 2
    paths = write_report(args.dir, args.lang, args.against)
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0
