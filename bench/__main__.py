"""
The benchmark suite: C{python -m bench} (or C{bench/run}) runs every
benchmark module of this folder and prints one table, each figure with its
in-run baseline and ratio (median of the repetitions).

    python -m bench [--quick] [--repeat N] [--only ssdp,httpget,...] [--attack]

A benchmark module is any C{bench/<name>.py} with a C{run(repetitions,
quick)} function returning L{bench.common.Figure}s: C{ssdp}, C{httpget},
C{startup}, C{scale}, and those other parts add (C{control}, C{events}).
Each runs in a process of its own (a Twisted reactor runs once per
process) with a deadline.  C{--attack} also runs C{bench/attack.py} and
reports whether the daemon stayed up, small and correct.

Everything runs on loopback; every benchmark is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, Figure, loadNote, pythonEnvironment, write

#: The benchmarks in the order they run; others found in the folder follow.
ORDER = ["ssdp", "httpget", "startup", "scale", "control", "events"]

#: Modules of the folder that are not benchmarks of the suite.
NOT_BENCHMARKS = {"__init__", "__main__", "common", "attack"}

#: Seconds one benchmark module may take.
DEADLINE = 1200.0

_RUNNER = """
import dataclasses, json, sys
from bench.{name} import run
figures = run({repetitions}, {quick})
print("FIGURES " + json.dumps([dataclasses.asdict(f) for f in figures]), flush=True)
"""


def available() -> list[str]:
    """
    The benchmark modules of this folder, in running order.
    """
    found = []
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.stem in NOT_BENCHMARKS:
            continue
        if "\ndef run(" in path.read_text(encoding="utf-8"):
            found.append(path.stem)
    return [name for name in ORDER if name in found] + [name for name in found if name not in ORDER]


def runModule(name: str, repetitions: int, quick: bool) -> list[Figure]:
    """
    Run one benchmark module in a process of its own, passing its output
    through; return its figures.

    @raise RuntimeError: it failed or went past L{DEADLINE}.
    """
    code = _RUNNER.format(name=name, repetitions=repetitions, quick=quick)
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=pythonEnvironment()
    )
    figures: list[Figure] = []
    deadline = time.monotonic() + DEADLINE
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("FIGURES "):
            figures = [Figure(**{**raw, "runs": [tuple(r) for r in raw["runs"]]}) for raw in json.loads(line[8:])]
        else:
            write(line.rstrip("\n"))
        if time.monotonic() > deadline:
            process.kill()
            break
    status = process.wait(timeout=30)
    if status != 0 or not figures:
        raise RuntimeError(f"bench.{name} failed (exit status {status})")
    return figures


def runAttack(quick: bool) -> str:
    """
    Run C{bench/attack.py}; return its verdict line.
    """
    arguments = ["--datagrams", "5000", "--idle", "200"] if quick else []
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "attack.py"), *arguments],
        capture_output=True, text=True, cwd=ROOT, env=pythonEnvironment(), timeout=DEADLINE,
    )
    for line in result.stdout.splitlines():
        write("  " + line)
    return f"bench/attack.py: {'daemon stayed up and correct' if result.returncode == 0 else 'FAILED'} (exit status {result.returncode})"


def main(argv: list[str]) -> int:
    """
    Run the suite and print the table; exit status 1 when a benchmark
    could not run (a goal not met is reported in the table, not as a
    failure).
    """
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs and smaller loads, for a smoke test")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each figure (the median is reported)")
    parser.add_argument("--only", default="", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--attack", action="store_true", help="also run bench/attack.py")
    arguments = parser.parse_args(argv)
    names = available()
    if arguments.only:
        wanted = arguments.only.split(",")
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"no benchmark named {', '.join(unknown)}; there are {', '.join(names)}")
        names = [name for name in names if name in wanted]
    loadBefore = loadNote()
    write(f"coherence-lite benchmarks: {', '.join(names)}; {arguments.repeat} repetitions; {loadBefore}")
    rows: list[str] = []
    failed: list[str] = []
    for name in names:
        write(f"== {name}")
        try:
            figures = runModule(name, arguments.repeat, arguments.quick)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            write(f"  {e}")
            failed.append(name)
            continue
        rows += [figure.row() for figure in figures]
    attack = runAttack(arguments.quick) if arguments.attack else None
    write("")
    write("| figure | coherence-lite | baseline (same run) | ratio | goal | verdict |")
    write("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        write(row)
    write("")
    write(f"Machine: {loadBefore} at the start, {loadNote()} at the end.")
    if attack is not None:
        write(attack)
    if failed:
        write(f"Could not run: {', '.join(failed)}")
    return 1 if failed or (attack is not None and "FAILED" in attack) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
