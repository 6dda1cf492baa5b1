"""
Hostile traffic against the daemon, on loopback only: does it stay up, small
and correct?

Starts C{twistd -n upnp-device} on 127.0.0.1 (a free SSDP port, a fixed HTTP
port), measures its memory (VmRSS) and CPU time, then:

  1. sends --datagrams SSDP datagrams, mostly malformed (garbage, truncated,
     huge, CRLF-injected, missing MAN/ST/MX, MX=abc, 10,000 header lines)
     and some valid M-SEARCHes, unicast to 127.0.0.1 and multicast to the
     group through 127.0.0.1 only, and counts the answers;
  2. sends hostile HTTP: traversal paths, a 1 MB URL, 10,000 headers, a
     1 GB body announced, and clients that pipeline 1000 requests each but
     read nothing;
  3. opens more connections than one client may hold, then --idle idle
     connections from many loopback addresses (127.0.0.x) plus some over the
     global cap, holds them, releases them;
  4. checks that a valid M-SEARCH is still answered correctly and that the
     LOCATION it gives serves the description;

and prints memory before and after, CPU seconds used, answer counts and the
daemon's final stats line.

    python bench/attack.py [--datagrams 20000] [--idle 500]

Bounded: fixed counts, every wait has a deadline and the whole run stops
after --max-seconds.  Nothing leaves loopback: every socket is bound to a
127.0.0.0/8 address and multicast goes out through 127.0.0.1 with TTL 1.
Only the daemon this script started is signalled, by its PID.
"""

from __future__ import annotations

import argparse
import http.client
import random
import selectors
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from defusedxml.ElementTree import fromstring  # noqa: E402

from bench.common import Server, daemonCommand, write  # noqa: E402
from bench.flood import searchDatagram, udpFlood  # noqa: E402
from coherence_lite.ssdp.message import SearchResponse  # noqa: E402
from coherence_lite.ssdp.parse import parse  # noqa: E402
from tests.support import freeTCPPort, freeUDPPort  # noqa: E402

JAMBON_UDN = "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363"
DEVICE_NS = "{urn:schemas-upnp-org:device-1-0}"


def _worthKeeping(line: str) -> bool:
    """
    The daemon's log lines the report reads: stats, tracebacks, errors and
    the start of hosting.
    """
    return "Stats:" in line or "Traceback" in line or "Error" in line or "Hosting" in line


class Daemon(Server):
    """
    The daemon under attack, in a subprocess whose output is collected by a
    thread (so a full pipe never blocks it); only the lines the report
    reads are kept.
    """

    def __init__(self, ssdpPort: int, httpPort: int, stateDirectory: str) -> None:
        super().__init__(
            daemonCommand(
                "--interface", "127.0.0.1", "--ssdp-port", str(ssdpPort), "--http-port", str(httpPort),
                "--config", str(ROOT / "examples" / "jambon-3000.toml"),
                "--state-dir", stateDirectory,
            ),
            markers=("Hosting",),
            keep=_worthKeeping,
        )

    def waitUntilHosting(self, timeout: float = 30.0) -> None:
        self.waitFor("Hosting", timeout)

    def rssAndPeakKiB(self) -> tuple[int, int]:
        """
        (VmRSS, VmHWM) in KiB.
        """
        values = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(value.split()[0])
        return values["VmRSS"], values["VmHWM"]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stopTimed(self, timeout: float = 10.0) -> float:
        """
        L{Server.stop}; return how long the daemon took to exit.
        """
        start = time.monotonic()
        self.stop(timeout)
        return time.monotonic() - start


def rawHTTP(port: int, data: bytes, timeout: float = 5.0, source: str = "127.0.0.1") -> bytes:
    """
    Send C{data} on a new connection and return what comes back until the
    server closes (or C{timeout}).
    """
    skt = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    received = b""
    try:
        try:
            skt.sendall(data)
        except OSError:
            pass
        while True:
            try:
                chunk = skt.recv(65536)
            except (socket.timeout, OSError):
                break
            if not chunk:
                break
            received += chunk
    finally:
        skt.close()
    return received


def status(answer: bytes) -> str:
    line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    return line if line else "(closed, no answer)"


def httpAttacks(port: int, uuid: str) -> Counter[str]:
    statuses: Counter[str] = Counter()
    traversals = [
        f"/{uuid}/../../etc/passwd", "/../etc/passwd", f"/{uuid}/%2e%2e/%2e%2e/etc/passwd",
        f"/{uuid}/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/%2e%2e/etc/shadow", f"/{uuid}/icons/..%2f..%2f..%2fproc/self/environ",
        "//etc/passwd", "/\\..\\..\\windows\\win.ini", f"/{uuid}/description.xml%00.png", "/.git/config",
    ]
    for number in range(200):
        path = traversals[number % len(traversals)]
        answer = rawHTTP(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        if b"root:" in answer or b"[core]" in answer:
            statuses["LEAK"] += 1
        statuses["traversal: " + status(answer)] += 1
    statuses["1 MB URL: " + status(rawHTTP(port, b"GET /" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"))] += 1
    tenThousand = b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(10_000)) + b"\r\n"
    statuses["10,000 headers: " + status(rawHTTP(port, tenThousand))] += 1
    statuses["1 GB body announced: " + status(rawHTTP(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"))] += 1
    return statuses


def unreadPipelines(port: int, uuid: str, connections: int, requests: int) -> None:
    """
    C{connections} clients (from as many addresses) each pipeline
    C{requests} GETs of the description and read nothing for a second.
    """
    request = f"GET /{uuid}/description.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    sockets = []
    for number in range(connections):
        skt = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        skt.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        skt.bind((f"127.0.1.{1 + number}", 0))
        skt.settimeout(5)
        skt.connect(("127.0.0.1", port))
        skt.setblocking(False)
        try:
            skt.send(request * requests)
        except OSError:
            pass
        sockets.append(skt)
    time.sleep(1.0)
    for skt in sockets:
        skt.close()


def holdConnections(port: int, sources: list[str], perSource: int, holdSeconds: float) -> tuple[int, int]:
    """
    Open C{perSource} idle connections from each address in C{sources},
    hold them C{holdSeconds}, close them all.  Return (held, refused): a
    refused one is closed by the server at once, without an answer.
    """
    sockets: list[socket.socket] = []
    for source in sources:
        for _ in range(perSource):
            skt = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
            skt.setblocking(False)
            sockets.append(skt)
    selector = selectors.DefaultSelector()
    for skt in sockets:
        selector.register(skt, selectors.EVENT_READ)
    closedByServer: set[socket.socket] = set()
    end = time.monotonic() + holdSeconds
    while time.monotonic() < end:
        for key, _ in selector.select(timeout=0.1):
            connection: socket.socket = key.fileobj  # type: ignore[assignment]
            try:
                data = connection.recv(1024)
            except OSError:
                data = b""
            if not data:
                closedByServer.add(connection)
                selector.unregister(connection)
    for skt in sockets:
        skt.close()
    return len(sockets) - len(closedByServer), len(closedByServer)


def finalCheck(ssdpPort: int) -> tuple[bool, str]:
    """
    A valid unicast M-SEARCH, then its LOCATION: is everything still right?
    """
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.settimeout(1.0)
    try:
        for _ in range(5):
            client.sendto(searchDatagram("upnp:rootdevice", None, f"127.0.0.1:{ssdpPort}"), ("127.0.0.1", ssdpPort))
            try:
                response = parse(client.recv(65535))
            except socket.timeout:
                continue
            if not isinstance(response, SearchResponse):
                return False, f"not a search response: {response!r}"
            if (response.st, response.usn) != ("upnp:rootdevice", f"{JAMBON_UDN}::upnp:rootdevice"):
                return False, f"wrong answer {response.st} {response.usn}"
            location = urlsplit(response.location)
            connection = http.client.HTTPConnection(location.hostname or "", location.port, timeout=5)
            connection.request("GET", location.path)
            reply = connection.getresponse()
            body = reply.read()
            connection.close()
            udn = fromstring(body).findtext(f"{DEVICE_NS}device/{DEVICE_NS}UDN")
            ok = reply.status == 200 and udn == JAMBON_UDN and location.hostname == "127.0.0.1"
            return ok, f"{response.st} -> {response.location} -> HTTP {reply.status}, UDN {udn}"
        return False, "no answer to a valid M-SEARCH"
    finally:
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datagrams", type=int, default=20_000)
    parser.add_argument("--idle", type=int, default=500, help="idle connections to hold (from 127.0.0.2 up, 20 per address)")
    parser.add_argument("--hold", type=float, default=2.0, help="seconds to hold the idle connections")
    parser.add_argument("--max-seconds", type=float, default=180.0)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    deadline = time.monotonic() + arguments.max_seconds
    rng = random.Random(arguments.seed)
    ssdpPort = freeUDPPort()
    httpPort = freeTCPPort()

    with tempfile.TemporaryDirectory() as state:
        daemon = Daemon(ssdpPort, httpPort, state)
        try:
            daemon.waitUntilHosting()
            time.sleep(1.0)  # let the start-up announcements go out
            rssBefore, _ = daemon.rssAndPeakKiB()
            cpuBefore = daemon.cpuSeconds()
            write(f"daemon pid {daemon.pid}, SSDP port {ssdpPort}, HTTP port {httpPort}")
            write(f"RSS before: {rssBefore / 1024:.1f} MiB")

            started = time.monotonic()
            flood = udpFlood(ssdpPort, arguments.datagrams, rng, deadline)
            took = time.monotonic() - started
            write(f"SSDP: sent {sum(flood.kinds.values())} datagrams ({flood.bytesOut / 1e6:.1f} MB) in {took:.1f} s:")
            for kind, number in sorted(flood.kinds.items()):
                write(f"  {number:6d} {kind}")
            write(f"  answers: {dict(flood.answers)}; {flood.bytesIn} bytes back for {flood.validOut} bytes of valid searches")
            # Every search came from 127.0.0.1: one source, one token per
            # answer (ResponderLimits' defaults: 50 a second, bursts of 100).
            bound = 100 + 50 * took
            answered = sum(flood.answers.values())
            amplificationBounded = answered <= bound
            write(
                f"  amplification {'bounded' if amplificationBounded else 'NOT bounded'}: {answered} answers to one source "
                f"in {took:.1f} s, at most {bound:.0f} allowed (burst 100 + 50/s); "
                f"{flood.bytesIn / max(1, flood.bytesOut):.3f} bytes back per byte sent"
            )

            statuses = httpAttacks(httpPort, JAMBON_UDN[5:])
            write("HTTP hostile requests:")
            for name, number in sorted(statuses.items()):
                write(f"  {number:6d} {name}")

            unreadPipelines(httpPort, JAMBON_UDN[5:], 50, 1000)
            write("HTTP 50 clients pipelining 1000 requests each, reading nothing: done")

            held, refused = holdConnections(httpPort, ["127.0.0.1"], 80, 0.5)
            write(f"HTTP 80 connections from one address: {held} held, {refused} closed at once (per-client cap: 64 while the site is less than half full)")
            perSource = 20
            sources = [f"127.0.0.{2 + n}" for n in range((arguments.idle + perSource - 1) // perSource)]
            extra = ["127.0.0.250"]
            held, refused = holdConnections(httpPort, sources + extra, perSource, arguments.hold)
            write(
                f"HTTP {len(sources) * perSource} idle connections from {len(sources)} addresses + {perSource} more: "
                f"{held} held for {arguments.hold:.0f} s, {refused} closed at once (global cap), then released"
            )
            cpuUsed = daemon.cpuSeconds() - cpuBefore

            ok, detail = finalCheck(ssdpPort)
            write(f"after the attack: {'OK' if ok else 'FAILED'}: {detail}")
            rssAfter, peak = daemon.rssAndPeakKiB()
            write(f"RSS after: {rssAfter / 1024:.1f} MiB (peak {peak / 1024:.1f} MiB, before {rssBefore / 1024:.1f} MiB)")
            write(f"CPU used by the daemon during the attack: {cpuUsed:.2f} s")
        finally:
            took = daemon.stopTimed()
        write(f"daemon stopped {took:.2f} s after SIGTERM, exit status {daemon.process.returncode}; {daemon.lineCount} log lines")
        stats = [line for line in daemon.lines if "Stats:" in line]
        write("final stats line: " + (stats[-1].split("Stats:", 1)[1].strip() if stats else "(none)"))
        problems = [line for line in daemon.lines if "Traceback" in line]
        if problems:
            write(f"{len(problems)} tracebacks in the daemon's log, first: {problems[0]}")
        return 0 if ok and not problems and amplificationBounded else 1


if __name__ == "__main__":
    raise SystemExit(main())
