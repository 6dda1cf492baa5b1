"""
The cost of durable state: SetTarget calls per second on the zero-code
light of C{examples/binary-light.toml} when every acknowledged change is
written (fsync, rename, fsync of the folder) before the answer, against
the same daemon before durable writes (the commit L{BASELINE}, extracted
from git into a temporary folder) measured in the same run.

A burst is 100 SetTarget calls sent at once, each on a connection of its
own (both daemons allow 100 connections from one address for this), the
values alternating so about half the calls change the state; the figure
is 100 / the time from the first request to the last answer.  Two closed
loops are measured too, for the record: 20 keep-alive connections sending
5 calls each one after another (each call's write delays its connection's
next call), and the 100 calls one after another on one connection (every
change waits for its own write).  Both daemons keep their state in a
temporary folder (on this machine's disk, like the default
C{~/.local/state}).  Nothing leaves loopback.  Run alone with
C{python -m bench.durable [--quick]}.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from bench.common import ROOT, TWISTD, Figure, Server, median, write

__all__ = ["BASELINE", "GOAL", "run"]

#: The last commit before acknowledged changes were made durable.
BASELINE = "2a8e300"

#: The least share of the baseline's burst rate durable writes must keep.
GOAL = 0.8

SWITCH_POWER = "urn:schemas-upnp-org:service:SwitchPower:1"

#: Calls in a burst.
CALLS = 100


def extractBaseline(folder: Path) -> Path:
    """
    The package and plugin of L{BASELINE}, extracted into C{folder}.

    @raise RuntimeError: git or the commit is not there (a shallow clone).
    """
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", BASELINE, "coherence_lite", "twisted", "examples"],
            capture_output=True, check=True, timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise RuntimeError(f"the durable-state figures need git and commit {BASELINE} (a full clone): {e}") from None
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True, timeout=60)
    return folder


def daemon(tree: Path, state: Path, httpPort: int, ssdpPort: int) -> Server:
    """
    The daemon of the checkout at C{tree} hosting the light on loopback.
    """
    code = TWISTD[1].replace("import sys;", f"import sys; sys.path.insert(0, {str(tree)!r});", 1)
    return Server(
        [
            sys.executable, "-c", code, *TWISTD[2:], "upnp-device",
            "--interface", "127.0.0.1", "--no-ipv6", "--ssdp-port", str(ssdpPort), "--http-port", str(httpPort),
            "--config", str(ROOT / "examples" / "binary-light.toml"), "--state-dir", str(state),
            "--http-max-connections-per-client", str(CALLS),
        ],
        markers=("Hosting",),
    )


def burst(port: int, path: str, connections: int, calls: int) -> float:
    """
    Send C{calls} SetTargets from C{connections} keep-alive connections at
    once; the calls per second from the first request to the last answer.

    @raise RuntimeError: a call was not answered 200.
    """
    from tests.support.control import envelope

    bodies = [envelope(SWITCH_POWER, "SetTarget", {"newTargetValue": str(value)}) for value in (0, 1)]
    headers = {"Content-Type": 'text/xml; charset="utf-8"', "SOAPACTION": f'"{SWITCH_POWER}#SetTarget"'}
    ready = threading.Barrier(connections + 1)
    problems: list[str] = []
    each = calls // connections

    def caller(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.connect()
        ready.wait()
        try:
            for call in range(each):
                connection.request("POST", path, bodies[(index + call) % 2], headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    problems.append(f"HTTP {response.status}")
        except OSError as e:
            problems.append(str(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=caller, args=(index,)) for index in range(connections)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(60)
    elapsed = time.perf_counter() - started
    if problems or any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"the burst failed: {problems[:3]}")
    return each * connections / elapsed


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    Measure the burst and one-by-one rates, C{repetitions} times each
    (31 at least: a burst lasts a fraction of a second, and the rates of
    single bursts vary threefold on a shared machine), alternating which
    daemon goes first.
    """
    from coherence_lite.model import layout
    from coherence_lite.model.devicefile import loadDevice
    from tests.support import freeTCPPort, freeUDPPort

    rounds = max(repetitions, 9 if quick else 31)
    shapes = ((f"SOAP burst of {CALLS} SetTarget at once", CALLS, GOAL),
              (f"SOAP {CALLS} SetTarget, 20 connections x 5 in turn", 20, None),
              (f"SOAP {CALLS} SetTarget one by one, 1 connection", 1, None))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        servers: dict[str, tuple[Server, int, str]] = {}
        try:
            for name, tree in (("durable", ROOT), ("before", extractBaseline(folder / "before"))):
                state = folder / f"state-{name}"
                httpPort = freeTCPPort()
                server = daemon(tree, state, httpPort, freeUDPPort())
                found = re.search(r"\((uuid:[^)]+)\)", server.waitFor("Hosting"))
                assert found is not None, "the daemon names the UDN it hosts"
                device = replace(loadDevice(ROOT / "examples" / "binary-light.toml").device, UDN=found.group(1))
                servers[name] = (server, httpPort, layout.servicePath(device, device.services[0], layout.CONTROL))
            figures = []
            for title, connections, goal in shapes:
                runs: list[tuple[float, float | None]] = []
                for round in range(rounds):
                    order = list(servers.items()) if round % 2 == 0 else list(reversed(servers.items()))
                    rates = {name: burst(port, path, connections, CALLS) for name, (_, port, path) in order}
                    runs.append((rates["durable"], rates["before"]))
                    write(f"  {title}: durable {rates['durable']:,.0f}/s, before {rates['before']:,.0f}/s")
                value = median([durable for durable, _ in runs])
                baseline = median([before for _, before in runs if before is not None])
                ratio = value / baseline
                passed = goal is None or ratio >= goal
                sentence = f"ratio >= {goal} of {BASELINE}" if goal is not None else f"for the record (vs {BASELINE})"
                figures.append(Figure(title, "calls/s", value, baseline, sentence, passed, runs))
            return figures
        finally:
            for server, _, _ in servers.values():
                server.stop()


def main(argv: Sequence[str] = ()) -> int:
    """
    Run these figures alone: C{python -m bench.durable}.
    """
    for figure in run(7, quick="--quick" in argv):
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
