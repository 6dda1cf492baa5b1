"""
What every benchmark of the suite shares: starting servers as subprocesses
on loopback, reading their CPU time and memory from C{/proc}, waiting with
deadlines, and the L{Figure} each benchmark reports.

Only processes started here are signalled, by their PID.  Nothing binds or
sends outside 127.0.0.0/8.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = [
    "ROOT",
    "Figure",
    "Server",
    "daemonCommand",
    "loadNote",
    "median",
    "write",
]

#: How the suite starts C{twistd upnp-device}, without a log file or pid file.
TWISTD = ["-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())", "-n", "--pidfile=", "--logfile=-"]


def write(text: str) -> None:
    """
    One line of output, flushed at once.
    """
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def median(values: Sequence[float]) -> float:
    """
    The median of some repetitions.
    """
    return float(statistics.median(values))


def loadNote() -> str:
    """
    The machine and its load now, for the table's caption.
    """
    load1, load5, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load1:.2f} (1 min) {load5:.2f} (5 min)"


@dataclass
class Figure:
    """
    One line of the table: a measured value against its in-run baseline.

    @ivar name: what is measured.
    @ivar unit: the unit of C{value} and C{baseline}.
    @ivar value: coherence-lite's median.
    @ivar baseline: the ceiling's median, measured in the same run, or
        L{None} for a figure checked against a fixed bound.
    @ivar goal: a sentence saying what passes, such as C{ratio <= 1.25}.
    @ivar passed: whether the goal is met.
    @ivar runs: every repetition, for the record.
    """

    name: str
    unit: str
    value: float
    baseline: float | None
    goal: str
    passed: bool
    runs: list[tuple[float, float | None]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """
        C{value / baseline}, or L{None} without a baseline.
        """
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def row(self) -> str:
        """
        The figure as a Markdown table row.
        """
        baseline = "" if self.baseline is None else f"{self.baseline:,.1f}"
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        verdict = "met" if self.passed else "NOT met"
        return f"| {self.name} | {self.value:,.1f} {self.unit} | {baseline} | {ratio} | {self.goal} | {verdict} |"


#: Where the servers' bytecode is cached, outside the work tree: an
#: installed package has its bytecode compiled, so a benchmark must not pay
#: for compiling the checkout's sources at every start (this machine sets
#: PYTHONDONTWRITEBYTECODE).
PYCACHE = os.path.join(tempfile.gettempdir(), "cl-bench-pycache")


def pythonEnvironment() -> dict[str, str]:
    """
    The environment of a subprocess that imports this checkout, with its
    bytecode cached in L{PYCACHE}.
    """
    path = os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p)
    environment = dict(os.environ, PYTHONPATH=path, PYTHONPYCACHEPREFIX=PYCACHE)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def daemonCommand(*arguments: str) -> list[str]:
    """
    The command line of C{twistd -n upnp-device} with C{arguments}, which
    must name C{--interface 127.0.0.1}.
    """
    assert "--interface" in arguments, "the daemon serves loopback only in benchmarks"
    return [sys.executable, *TWISTD, "upnp-device", *arguments]


def cpuSecondsOf(pid: int) -> float:
    """
    CPU time used so far by every thread of process C{pid}, in seconds.
    """
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as schedstat:
                total += int(schedstat.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1e9


class Server:
    """
    A server in a subprocess whose output a thread reads (a full pipe never
    blocks it) and remembers when a line contains a marker.

    @param command: the command line.
    @param markers: substrings of output lines to wait for.
    @param keep: which output lines to remember in C{lines}; by default
        the first 10,000.
    @ivar lineCount: how many lines were printed in all.
    @ivar markedAt: when each marker was first printed (monotonic).
    """

    def __init__(
        self, command: list[str], markers: Sequence[str] = (), keep: Callable[[str], bool] | None = None
    ) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=pythonEnvironment(),
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self.lineCount = 0
        self.markedAt: dict[str, float] = {}
        self._keep = keep
        self._markers = {marker: threading.Event() for marker in markers}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lineCount += 1
            kept = len(self.lines) < 10_000 if self._keep is None else self._keep(line)
            if kept:
                self.lines.append(line)
            for marker, event in self._markers.items():
                if marker in line and not event.is_set():
                    self.markedAt[marker] = time.monotonic()
                    event.set()

    def waitFor(self, marker: str, timeout: float = 30.0) -> str:
        """
        Wait until a line containing C{marker} was printed; return the first
        such line.

        @raise RuntimeError: not within C{timeout} seconds, or the process
            exited.
        """
        if not self._markers[marker].wait(timeout):
            raise RuntimeError(f"no {marker!r} from {self.process.args!r} in {timeout} s; last lines: {self.lines[-5:]}")
        return next(line for line in self.lines if marker in line)

    @property
    def pid(self) -> int:
        """
        The process id.
        """
        return self.process.pid

    def cpuSeconds(self) -> float:
        """
        CPU time used so far by all threads, in seconds, to the nanosecond
        (C{/proc/PID/task/*/schedstat}; C{/proc/PID/stat} counts in ticks of
        10 ms, too coarse for short runs).
        """
        return cpuSecondsOf(self.pid)

    def rssKiB(self) -> int:
        """
        The resident set size now, in KiB.
        """
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self, timeout: float = 10.0) -> None:
        """
        SIGTERM this process (by PID), SIGKILL it after C{timeout} seconds.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)


def repeat(times: int, measure: Callable[[], tuple[float, float | None]]) -> list[tuple[float, float | None]]:
    """
    Run C{measure} C{times} times; each returns (value, baseline).
    """
    return [measure() for _ in range(times)]
