"""
Scale figures: one daemon hosting 1,000 root devices with one service each
(4,000 advertisements), on loopback.

  - memory: RSS once everything is announced (goal: < 150 MB);
  - start: seconds from starting the process until every one of the 4,000
    (NT, USN) pairs was heard in an ssdp:alive (goal: < 10 s);
  - re-announce: the CPU time of one full alive round (taken from the
    start-up rounds) spread over the shortest re-announce interval
    (max-age x 0.25), plus the idle CPU rate (goal: < 5 % of one core);
  - ssdp:all: one unicast C{ssdp:all} at the default limits gets all 4,000
    answers, and no 100 ms window holds more than the pace allows.

The devices are 1,000 copies of examples/jambon-3000.toml with their own
UDN and name, in one folder given with C{--config-dir}.  Every wait has a deadline; multicast goes through 127.0.0.1 only.
"""

from __future__ import annotations

import re
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from bench.common import ROOT, Figure, Server, daemonCommand, median, write
from bench.ssdp import search
from bench.startup import listener

__all__ = ["DEVICES", "run", "writeDevices"]

#: How many root devices the daemon hosts.
DEVICES = 1000

#: Advertisements per device: root, uuid, device type, one service type.
PER_DEVICE = 4

#: The default pace of answers (see ResponderLimits.pace), per second.
PACE = 2000.0


def writeDevices(directory: Path, count: int) -> None:
    """
    Write C{count} device files, each the Jambon 3000 with its own UDN and
    friendlyName.
    """
    template = (ROOT / "examples" / "jambon-3000.toml").read_text(encoding="utf-8")
    for number in range(count):
        text = re.sub(r'UDN = "[^"]*"', f'UDN = "uuid:00000000-0000-4000-8000-{number:012d}"', template)
        text = re.sub(r'friendlyName = "[^"]*"', f'friendlyName = "Jambon {number}"', text, count=1)
        (directory / f"jambon-{number:04d}.toml").write_text(text, encoding="utf-8")


def bigBuffer(receiver: socket.socket) -> None:
    """
    Give a receiving socket 16 MB of buffer (forced when running as root).
    """
    try:
        receiver.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 16 << 20)
    except OSError:
        receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)


def heardAll(receiver: socket.socket, expected: int, started: float, deadline: float) -> float | None:
    """
    Read alive NOTIFYs until C{expected} distinct (NT, USN) pairs were
    heard; return the seconds since C{started}, or L{None} at the deadline.
    """
    seen: set[tuple[bytes, bytes]] = set()
    receiver.settimeout(0.05)
    while time.monotonic() < deadline:
        try:
            data = receiver.recv(65536)
        except socket.timeout:
            continue
        if b"NTS: ssdp:alive" not in data:
            continue
        nt = re.search(rb"\r\nNT: ([^\r]*)", data)
        usn = re.search(rb"\r\nUSN: ([^\r]*)", data)
        if nt and usn:
            seen.add((nt.group(1), usn.group(1)))
            if len(seen) >= expected:
                return time.monotonic() - started
    return None


def allAnswers(port: int, expected: int, seconds: float) -> list[float]:
    """
    Send one unicast ssdp:all and return the arrival time of each answer.
    """
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    bigBuffer(client)
    client.settimeout(0.5)
    times: list[float] = []
    try:
        client.sendto(search("ssdp:all", None, port), ("127.0.0.1", port))
        deadline = time.monotonic() + seconds
        while len(times) < expected and time.monotonic() < deadline:
            try:
                client.recv(65536)
            except socket.timeout:
                continue
            times.append(time.monotonic())
    finally:
        client.close()
    return times


def busiestWindow(times: list[float], window: float = 0.1) -> int:
    """
    The most arrivals within any C{window} seconds.
    """
    most = start = 0
    for end in range(len(times)):
        while times[end] - times[start] > window:
            start += 1
        most = max(most, end - start + 1)
    return most


def once(count: int) -> dict[str, float]:
    """
    One run of the scale measurements.
    """
    from tests.support import freeUDPPort

    expected = count * PER_DEVICE
    with tempfile.TemporaryDirectory() as folder:
        writeDevices(Path(folder), count)
        port = freeUDPPort()
        receiver = listener(port)
        bigBuffer(receiver)
        arguments = ["--config-dir", folder]
        started = time.monotonic()
        daemon = Server(
            daemonCommand(
                "--interface", "127.0.0.1", "--no-ipv6", "--ssdp-port", str(port), "--state-dir", folder,
                "--stats-interval", "0", *arguments,
            ),
            markers=("Hosting",),
        )
        try:
            daemon.waitFor("Hosting", timeout=60)
            hosting = daemon.cpuSeconds()
            announced = heardAll(receiver, expected, started, started + 30)
            time.sleep(1.5)  # the last of the three start-up rounds
            rounds = daemon.cpuSeconds() - hosting
            rss = daemon.rssKiB() / 1024
            before = daemon.cpuSeconds()
            time.sleep(5.0)
            idle = (daemon.cpuSeconds() - before) / 5.0
            times = allAnswers(port, expected, 20.0)
        finally:
            daemon.stop()
            receiver.close()
    reannounce = rounds / 3 / (1800 * 0.25) + idle
    return {
        "rss": rss,
        "announced": announced if announced is not None else float("inf"),
        "reannounce": reannounce * 100,
        "round": rounds / 3,
        "idle": idle * 100,
        "answers": float(len(times)),
        "busiest": float(busiestWindow(times)),
        "spread": (times[-1] - times[0]) if times else 0.0,
    }


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    Measure the scale figures, C{repetitions} times (the daemon started
    anew each time).
    """
    count = 200 if quick else DEVICES
    results = []
    for _ in range(repetitions):
        result = once(count)
        results.append(result)
        write(
            f"  {count} devices: RSS {result['rss']:.0f} MB, all {count * PER_DEVICE} announced after "
            f"{result['announced']:.2f} s, alive round {result['round'] * 1000:.0f} ms CPU, idle {result['idle']:.2f} % "
            f"-> re-announce {result['reannounce']:.3f} % of a core; ssdp:all {result['answers']:.0f} answers "
            f"over {result['spread']:.2f} s, busiest 100 ms {result['busiest']:.0f}"
        )

    def med(key: str) -> float:
        return median([r[key] for r in results])

    limit = PACE * 0.1 + PACE * 0.01 + 1
    answered = all(r["answers"] == count * PER_DEVICE for r in results)
    return [
        Figure(f"RSS hosting {count} root devices", "MB", med("rss"), None, "< 150 MB", med("rss") < 150, []),
        Figure(f"start -> all {count * PER_DEVICE} advertisements heard", "s", med("announced"), None, "< 10 s", med("announced") < 10, []),
        Figure("re-announce cycle, average CPU", "% of a core", med("reannounce"), None, "< 5 %", med("reannounce") < 5, []),
        Figure(
            f"ssdp:all of {count * PER_DEVICE} answers: busiest 100 ms",
            "answers",
            max(r["busiest"] for r in results),
            None,
            f"every answer, <= {limit:.0f} per 100 ms (pace {PACE:.0f}/s)",
            answered and max(r["busiest"] for r in results) <= limit,
            [],
        ),
    ]


def main(argv: Sequence[str] = ()) -> int:
    """
    Run these figures alone: C{python -m bench.scale}.
    """
    for figure in run(3, quick="--quick" in argv):
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
