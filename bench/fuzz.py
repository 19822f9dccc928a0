"""Mutation fuzzing at scale: 10,000 mutants of the bundled files (every input kind), each validated
through the command line in-process under an alarm; prints how many ended in a traceback, a hang,
or an error line without `file:line:`. The mutations are those of tests/test_fuzz.py.
Usage: python bench/fuzz.py [--inputs 10000] [--seed 0] [--limit-s 20] [--show 5]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: E402

from tests.test_fuzz import KINDS, check, tree  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--inputs", type=int, default=10_000, help="mutants to try, spread over the file kinds")
    p.add_argument("--seed", type=int, default=0, help="seed of the mutations")
    p.add_argument("--limit-s", type=float, default=20.0, help="seconds after which a command counts as hung")
    p.add_argument("--show", type=int, default=5, help="failures to print in full")
    args = p.parse_args()
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    failures: list[tuple[str, str, list, str]] = []
    with tempfile.TemporaryDirectory() as tmp, Progress(
            TextColumn("fuzz"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
            TimeRemainingColumn()) as progress:
        root = tree(Path(tmp))
        bar = progress.add_task("fuzz", total=args.inputs, counts="")
        for i in range(args.inputs):
            kind = list(KINDS)[i % len(KINDS)]
            ops = [(rng.randrange(7), rng.randrange(10**6), rng.randrange(10**6)) for _ in range(rng.randint(1, 4))]
            source = rng.randrange(4)
            out = check(root, kind, source, ops, args.limit_s)
            verdict = "traceback" if out.code == "traceback" else "hang" if out.code == "hang" else \
                "unlocated" if out.unlocated or out.code not in (0, 2) else f"exit {out.code}"
            counts[verdict] += 1
            if not verdict.startswith("exit"):
                failures.append((verdict, kind, ops, out.stderr[-600:]))
            progress.update(bar, advance=1, counts=" ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    for verdict, kind, ops, err in failures[:args.show]:
        print(f"--- {verdict} · {kind} · ops {ops}\n{err}")
    print(f"{args.inputs} inputs: {counts['traceback']} tracebacks, {counts['hang']} hangs, "
          f"{counts['unlocated']} errors without file:line; {counts['exit 0']} valid, {counts['exit 2']} refused")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
