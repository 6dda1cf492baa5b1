"""
SSDP figures: CPU time per unicast answer, and the cost and completeness of
C{ssdp:all} answered within MX, each against a bare Twisted
L{DatagramProtocol} answering fixed bytes, measured in the same run.

The servers are subprocesses on 127.0.0.1; the daemon runs with its search
limits lifted (the daemon is measured, not the limiter).  The server's CPU
time comes from C{/proc}, so a busy client or a loaded machine changes the
rate, not the figure.  Every phase is bounded in answers and in seconds.
"""

from __future__ import annotations

import selectors
import socket
import sys
import tempfile
import time
from typing import Sequence

from bench.common import ROOT, Figure, Server, daemonCommand, median, write

__all__ = ["BARE_RESPONDER", "run", "unicastCost", "allSearchCost"]

#: The ceiling: a Twisted DatagramProtocol that answers every datagram with
#: a fixed datagram the size of a real answer.
BARE_RESPONDER = """
import random, sys
from twisted.internet import reactor
from twisted.internet.protocol import DatagramProtocol

ANSWER = (b"HTTP/1.1 200 OK\\r\\nCACHE-CONTROL: max-age=1800\\r\\nDATE: Sat, 22 Oct 2016 14:44:26 GMT\\r\\n"
          b"EXT:\\r\\nLOCATION: http://127.0.0.1:18777/e427ce1a-3e80-43d0-ad6f-89ec42e46363/description.xml\\r\\n"
          b"SERVER: Linux/6.1 UPnP/1.1 coherence-lite/0.1.0\\r\\nST: upnp:rootdevice\\r\\n"
          b"USN: uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363::upnp:rootdevice\\r\\n"
          b"BOOTID.UPNP.ORG: 1\\r\\nCONFIGID.UPNP.ORG: 10469318\\r\\n\\r\\n")

# Optional arguments: answers per datagram and a window in seconds; then
# each answer goes out at its own random time within the window (one timer
# each), as a multicast search is answered.
ANSWERS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
WINDOW = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0

class Bare(DatagramProtocol):
    noisy = False
    def datagramReceived(self, data, addr):
        if not WINDOW:
            self.transport.write(ANSWER, addr)
            return
        for _ in range(ANSWERS):
            reactor.callLater(random.uniform(0, WINDOW), self.transport.write, ANSWER, addr)

port = reactor.listenUDP(0, Bare(), interface="127.0.0.1")
sys.stdout.write("PORT %d\\n" % port.getHost().port)
sys.stdout.flush()
reactor.run()
"""


def search(st: str, mx: int | None, port: int) -> bytes:
    """
    An M-SEARCH datagram.
    """
    lines = ["M-SEARCH * HTTP/1.1", f"HOST: 239.255.255.250:{port}", 'MAN: "ssdp:discover"']
    if mx is not None:
        lines.append(f"MX: {mx}")
    lines.append(f"ST: {st}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def closedLoop(address: tuple[str, int], datagram: bytes, answers: int, window: int, seconds: float) -> int:
    """
    Keep C{window} requests in flight until C{answers} answers came back or
    C{seconds} passed; return how many came back.
    """
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    client.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(client, selectors.EVENT_READ)
    received = 0
    deadline = time.monotonic() + seconds
    for _ in range(window):
        client.sendto(datagram, address)
    try:
        while received < answers and time.monotonic() < deadline:
            if not selector.select(timeout=0.05):
                # Lost datagrams: refill the window.
                for _ in range(window):
                    client.sendto(datagram, address)
                continue
            while True:
                try:
                    client.recv(65535)
                except BlockingIOError:
                    break
                received += 1
                client.sendto(datagram, address)
    finally:
        selector.close()
        client.close()
    return received


def cpuPerAnswer(server: Server, address: tuple[str, int], datagram: bytes, answers: int, seconds: float) -> float:
    """
    Microseconds of the server's CPU time per answer, over one closed-loop
    run.
    """
    before = server.cpuSeconds()
    received = closedLoop(address, datagram, answers, 32, seconds)
    used = server.cpuSeconds() - before
    if received == 0:
        raise RuntimeError(f"no answer from {address}")
    return used / received * 1e6


def startDaemon(ssdpPort: int, state: str, *extra: str) -> Server:
    """
    The daemon hosting the Jambon 3000 on loopback, limits lifted.
    """
    daemon = Server(
        daemonCommand(
            "--interface", "127.0.0.1", "--no-ipv6", "--ssdp-port", str(ssdpPort),
            "--config", str(ROOT / "examples" / "jambon-3000.toml"), "--state-dir", state,
            "--search-rate", "1e9", "--search-burst", "1000000000", "--max-pending", "1000000",
            *extra,
        ),
        markers=("Hosting",),
    )
    daemon.waitFor("Hosting")
    return daemon


def startBare(*arguments: str) -> tuple[Server, int]:
    """
    The bare Twisted responder, and its port; C{arguments} are answers per
    datagram and a window to spread them over.
    """
    bare = Server([sys.executable, "-c", BARE_RESPONDER, *arguments], markers=("PORT",))
    return bare, int(bare.waitFor("PORT").split()[1])


def unicastCost(daemon: Server, ssdpPort: int, bare: Server, barePort: int, answers: int, seconds: float) -> tuple[float, float]:
    """
    One repetition: (daemon µs per answer, bare µs per answer).
    """
    datagram = search("upnp:rootdevice", None, ssdpPort)
    cpuPerAnswer(daemon, ("127.0.0.1", ssdpPort), datagram, 2000, seconds)  # warm-up
    cpuPerAnswer(bare, ("127.0.0.1", barePort), datagram, 2000, seconds)
    ours = cpuPerAnswer(daemon, ("127.0.0.1", ssdpPort), datagram, answers, seconds)
    theirs = cpuPerAnswer(bare, ("127.0.0.1", barePort), datagram, answers, seconds)
    return ours, theirs


def allSearchCost(daemon: Server, destination: tuple[str, int], searches: int, clients: int, expected: int) -> tuple[float, list[int]]:
    """
    Send C{searches} C{ssdp:all} with MX 1 to C{destination} (the SSDP group
    through 127.0.0.1, or a bare responder's port), from C{clients} sockets
    of one address, and collect the answers for 2.5 s.

    @return: the server's µs of CPU per search, and the answers each client
        got.
    """
    ssdpPort = destination[1]
    sockets = []
    for _ in range(clients):
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client.bind(("127.0.0.1", 0))
        client.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        client.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        client.setblocking(False)
        sockets.append(client)
    selector = selectors.DefaultSelector()
    for index, client in enumerate(sockets):
        selector.register(client, selectors.EVENT_READ, index)
    counts = [0] * clients
    datagram = search("ssdp:all", 1, ssdpPort)
    before = daemon.cpuSeconds()
    try:
        for number in range(searches):
            sockets[number % clients].sendto(datagram, destination)
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline and sum(counts) < searches * expected * 2:
            for key, _ in selector.select(timeout=0.05):
                while True:
                    try:
                        key.fileobj.recv(65535)  # type: ignore[union-attr]
                    except BlockingIOError:
                        break
                    counts[key.data] += 1
        used = daemon.cpuSeconds() - before
    finally:
        selector.close()
        for client in sockets:
            client.close()
    return used / searches * 1e6, counts


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    Measure the SSDP figures, C{repetitions} times each.
    """
    from tests.support import freeUDPPort

    answers = 5000 if quick else 20000
    figures: list[Figure] = []
    bare, barePort = startBare()
    spreader, spreaderPort = startBare("4", "1")
    with tempfile.TemporaryDirectory() as state:
        ssdpPort = freeUDPPort()
        daemon = startDaemon(ssdpPort, state)
        try:
            time.sleep(1.0)  # the start-up announcements
            runs: list[tuple[float, float | None]] = []
            for _ in range(repetitions):
                ours, theirs = unicastCost(daemon, ssdpPort, bare, barePort, answers, 15.0)
                runs.append((ours, theirs))
                write(f"  unicast: daemon {ours:.1f} µs/answer, bare {theirs:.1f} µs/answer")
            ours = median([r[0] for r in runs])
            theirs = median([float(r[1] or 0) for r in runs])
            figures.append(Figure("CPU per unicast answer", "µs", ours, theirs, "ratio <= 1.25", ours <= 1.25 * theirs, runs))

            expected = 4  # the Jambon 3000: 3 + 2*0 + 1
            allRuns: list[tuple[float, float | None]] = []
            spreadRuns: list[tuple[float, float | None]] = []
            complete = True
            for _ in range(repetitions):
                perSearch, counts = allSearchCost(daemon, ("239.255.255.250", ssdpPort), 200, 20, expected)
                spread, spreadCounts = allSearchCost(spreader, ("127.0.0.1", spreaderPort), 200, 20, expected)
                complete = complete and counts == [expected * 200 // 20] * 20
                allRuns.append((perSearch, expected * 1.5 * theirs))
                spreadRuns.append((perSearch, spread))
                write(
                    f"  ssdp:all: {perSearch:.1f} µs/search, answers per client {sorted(set(counts))} (expected {expected * 10}); "
                    f"bare spreading 4 answers over 1 s: {spread:.1f} µs/search ({sorted(set(spreadCounts))})"
                )
            perSearch = median([r[0] for r in allRuns])
            bound = expected * 1.5 * theirs
            figures.append(
                Figure(
                    "CPU per ssdp:all search (MX 1, 200 searches, 4 answers each) vs 4 x 1.5 x unicast ceiling",
                    "µs",
                    perSearch,
                    bound,
                    "ratio <= 1 and every answer",
                    perSearch <= bound and complete,
                    allRuns,
                )
            )
            spread = median([float(r[1] or 0) for r in spreadRuns])
            figures.append(
                Figure(
                    "CPU per ssdp:all search vs a bare responder spreading 4 answers over 1 s",
                    "µs",
                    perSearch,
                    spread,
                    "ratio <= 1.5 and every answer",
                    perSearch <= 1.5 * spread and complete,
                    spreadRuns,
                )
            )
        finally:
            daemon.stop()
            bare.stop()
            spreader.stop()
    return figures


def main(argv: Sequence[str] = ()) -> int:
    """
    Run these figures alone: C{python -m bench.ssdp}.
    """
    for figure in run(3, quick="--quick" in argv):
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
