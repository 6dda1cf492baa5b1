"""
Unicast M-SEARCH responses per second: the daemon against a minimal Twisted
UDP echo server, measured in the same run on loopback.

Both servers run as C{twistd}-style subprocesses on 127.0.0.1; one client
process keeps a fixed number of requests in flight for a fixed time and
counts answers.  The ratio daemon/echo says how much of the bare reactor's
datagram rate is left after parsing, matching, formatting and sending a
spec-complete response.

    python bench/msearch_throughput.py [--seconds 3] [--window 16]

Bounded: each phase lasts --seconds (and at most --max-requests requests),
then stops by itself.  Nothing leaves loopback.
"""

from __future__ import annotations

import argparse
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import freeUDPPort  # noqa: E402

ECHO_SERVER = """
import sys
from twisted.internet import reactor
from twisted.internet.protocol import DatagramProtocol

class Echo(DatagramProtocol):
    noisy = False
    def datagramReceived(self, data, addr):
        self.transport.write(data, addr)

port = reactor.listenUDP(0, Echo(), interface="127.0.0.1")
sys.stdout.write("PORT %d\\n" % port.getHost().port)
sys.stdout.flush()
reactor.run()
"""

SEARCH = (
    b"M-SEARCH * HTTP/1.1\r\nHOST: 127.0.0.1:1900\r\n"
    b'MAN: "ssdp:discover"\r\nST: upnp:rootdevice\r\n\r\n'
)


def waitForLine(process: subprocess.Popen, marker: str, timeout: float = 20.0) -> str:
    """
    Read the process's output until a line containing C{marker}.
    """
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if marker in line:
            return line
    raise RuntimeError(f"server did not print {marker!r} in {timeout} s")


def measure(address: tuple[str, int], seconds: float, window: int, maxRequests: int) -> tuple[int, float]:
    """
    Keep C{window} requests in flight for C{seconds}; return (answers, elapsed).
    """
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    client.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(client, selectors.EVENT_READ)
    sent = answers = 0
    start = time.monotonic()
    end = start + seconds
    for _ in range(window):
        client.sendto(SEARCH, address)
        sent += 1
    lastProgress = start
    while time.monotonic() < end and sent < maxRequests:
        if not selector.select(timeout=0.05):
            # A lost datagram: refill the window after a short silence.
            if time.monotonic() - lastProgress > 0.05:
                client.sendto(SEARCH, address)
                sent += 1
            continue
        while True:
            try:
                client.recv(65535)
            except BlockingIOError:
                break
            answers += 1
            lastProgress = time.monotonic()
            if sent < maxRequests:
                client.sendto(SEARCH, address)
                sent += 1
    elapsed = time.monotonic() - start
    client.close()
    return answers, elapsed


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=500_000)
    arguments = parser.parse_args()

    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    echo = subprocess.Popen([sys.executable, "-c", ECHO_SERVER], stdout=subprocess.PIPE, text=True)
    ssdpPort = freeUDPPort()
    with tempfile.TemporaryDirectory() as state:
        daemon = subprocess.Popen(
            [
                sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
                "-n", "--pidfile=", "--logfile=-", "upnp-device",
                "--interface", "127.0.0.1", "--ssdp-port", str(ssdpPort),
                "--config", str(ROOT / "examples" / "jambon-3000.toml"),
                "--state-dir", state,
                # A benchmark is one source asking as fast as it can.
                "--search-rate", "1e9", "--search-burst", "1000000000",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
            cwd=ROOT,
        )
        try:
            echoPort = int(waitForLine(echo, "PORT").split()[1])
            waitForLine(daemon, "Hosting")
            # The daemon logs each answered search at debug level; drain its
            # output so a full pipe never blocks it.
            drain = subprocess.Popen(["cat"], stdin=daemon.stdout, stdout=subprocess.DEVNULL)
            results = {}
            for name, address in (("echo", ("127.0.0.1", echoPort)), ("daemon", ("127.0.0.1", ssdpPort))):
                measure(address, 0.3, arguments.window, arguments.max_requests)  # warm-up
                answers, elapsed = measure(address, arguments.seconds, arguments.window, arguments.max_requests)
                results[name] = answers / elapsed
                sys.stdout.write(f"{name:>6}: {answers:8d} answers in {elapsed:5.2f} s = {results[name]:10.0f}/s\n")
            sys.stdout.write(f" ratio: daemon/echo = {results['daemon'] / results['echo']:.2f}\n")
        finally:
            stop(daemon)
            stop(echo)
            if "drain" in locals():
                drain.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
