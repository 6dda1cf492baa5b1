"""
HTTP figures: description GETs per second over keep-alive connections
(wrk, 1 and 32 connections) against a raw keep-alive server, measured in
the same run: a Twisted L{Protocol} that answers every request head with
the daemon's own description response, byte for byte, without parsing it.

The daemon runs at its default HTTP limits: 32 connections from one client
must be served at defaults.  Needs C{wrk} (C{apt-get install wrk}).  Every
run lasts a fixed number of seconds; nothing leaves loopback.

(Not named C{http.py}: C{bench/attack.py} runs as a script, with this
folder first on C{sys.path}, and imports the standard C{http} package.)
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from bench.common import ROOT, Figure, Server, daemonCommand, median, write

__all__ = ["RAW_SERVER", "compareWrk", "run", "wrk"]

#: The ceiling: answers each request head (up to an empty line) with fixed
#: bytes read from the file named by its first argument.
RAW_SERVER = """
import sys
from twisted.internet import reactor
from twisted.internet.protocol import Factory, Protocol

ANSWER = open(sys.argv[1], "rb").read()

class Raw(Protocol):
    buffered = b""
    def dataReceived(self, data):
        data = self.buffered + data
        requests = data.count(b"\\r\\n\\r\\n")
        self.buffered = data[data.rfind(b"\\r\\n\\r\\n") + 4:] if requests else data
        if requests:
            self.transport.write(ANSWER * requests)

factory = Factory.forProtocol(Raw)
port = reactor.listenTCP(0, factory, interface="127.0.0.1", backlog=1024)
sys.stdout.write("PORT %d\\n" % port.getHost().port)
sys.stdout.flush()
reactor.run()
"""


def fetchRaw(port: int, path: str) -> bytes:
    """
    The daemon's complete answer to one keep-alive GET of C{path}.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += connection.recv(65536)
        head, _, body = answer.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
        while len(body) < length:
            body += connection.recv(65536)
    return head + b"\r\n\r\n" + body


def wrk(url: str, connections: int, seconds: float, script: Path | None = None) -> tuple[float, int]:
    """
    Run wrk (with a Lua C{script} shaping the requests, if given); return
    (requests per second, non-2xx answers + socket errors).
    """
    threads = min(2, connections)
    options = ["-s", str(script)] if script is not None else []
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "5s", *options, url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"):
        found = re.search(pattern, output)
        if found:
            errors += sum(int(group) for group in found.groups())
    return rate, errors


def compareWrk(
    name: str,
    unit: str,
    label: str,
    urls: tuple[str, str],
    baseline: str,
    connections: int,
    repetitions: int,
    seconds: float,
    goal: float,
    script: Path | None = None,
) -> Figure:
    """
    One figure from wrk runs, C{repetitions} times over C{connections}
    connections for C{seconds} each, against the daemon and then its
    in-run baseline: passed when the median rate is at least C{goal} times
    the baseline's and the daemon answered no request with an error.

    @param name: the figure's name.
    @param unit: the rate's unit.
    @param label: what each progress line calls a run.
    @param urls: the daemon's URL and the baseline's.
    @param baseline: what the progress lines call the baseline server.
    @param script: a Lua script shaping the requests, if any.
    """
    ourURL, theirURL = urls
    runs: list[tuple[float, float | None]] = []
    errors = 0
    for _ in range(repetitions):
        ours, oursErrors = wrk(ourURL, connections, seconds, script)
        time.sleep(0.2)
        theirs, _ = wrk(theirURL, connections, seconds, script)
        errors += oursErrors
        runs.append((ours, theirs))
        write(
            f"  {label}: daemon {ours:,.0f}/s ({oursErrors} errors), {baseline} {theirs:,.0f}/s, ratio {ours / theirs:.2f}"
        )
        time.sleep(0.2)
    ours = median([r[0] for r in runs])
    theirs = median([float(r[1] or 0) for r in runs])
    return Figure(name, unit, ours, theirs, f"ratio >= {goal}, no errors", ours >= goal * theirs and errors == 0, runs)


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    Measure the HTTP figures, C{repetitions} times each.
    """
    from tests.support import freeTCPPort, freeUDPPort

    if shutil.which("wrk") is None:
        raise RuntimeError("the HTTP figures need wrk: apt-get install wrk")
    seconds = 2.0 if quick else 4.0
    httpPort = freeTCPPort()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as state:
        daemon = Server(
            daemonCommand(
                "--interface", "127.0.0.1", "--no-ipv6", "--ssdp-port", str(freeUDPPort()),
                "--http-port", str(httpPort), "--config", str(ROOT / "examples" / "jambon-3000.toml"),
                "--state-dir", state,
            ),
            markers=("Hosting",),
        )
        path = "/e427ce1a-3e80-43d0-ad6f-89ec42e46363/description.xml"
        raw: Server | None = None
        try:
            daemon.waitFor("Hosting")
            answerFile = Path(state) / "answer"
            answerFile.write_bytes(fetchRaw(httpPort, path))
            raw = Server([sys.executable, "-c", RAW_SERVER, str(answerFile)], markers=("PORT",))
            rawPort = int(raw.waitFor("PORT").split()[1])
            for connections in (1, 32):
                goal = 0.6 if connections == 1 else 0.4
                figures.append(
                    compareWrk(
                        f"description GET, {connections} connection{'s' if connections > 1 else ''} (defaults)",
                        "req/s",
                        f"GET x{connections}",
                        (f"http://127.0.0.1:{httpPort}{path}", f"http://127.0.0.1:{rawPort}{path}"),
                        "raw",
                        connections,
                        repetitions,
                        seconds,
                        goal,
                    )
                )
        finally:
            daemon.stop()
            if raw is not None:
                raw.stop()
    return figures


def main(argv: Sequence[str] = ()) -> int:
    """
    Run these figures alone: C{python -m bench.httpget}.
    """
    for figure in run(3, quick="--quick" in argv):
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
