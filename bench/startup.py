"""
Start-up figure: from starting the process to its first NOTIFY on the SSDP
group, C{twistd upnp-device} against a bare Twisted script that joins the
group and sends one NOTIFY as soon as its reactor runs, measured in the
same run.  Import time counts for both.

Multicast goes through 127.0.0.1 only (TTL 1); every wait has a deadline.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import time
from typing import Sequence

from bench.common import ROOT, Figure, Server, daemonCommand, median, write

__all__ = ["BARE_ANNOUNCER", "run", "firstNotify"]

#: The ceiling: a Twisted script that sends one NOTIFY to the group through
#: 127.0.0.1 once its reactor runs, then exits.
BARE_ANNOUNCER = """
import sys
from twisted.internet import reactor
from twisted.internet.protocol import DatagramProtocol

PORT = int(sys.argv[1])
NOTIFY = (b"NOTIFY * HTTP/1.1\\r\\nHOST: 239.255.255.250:%d\\r\\nCACHE-CONTROL: max-age=1800\\r\\n"
          b"LOCATION: http://127.0.0.1:1/d.xml\\r\\nNT: upnp:rootdevice\\r\\nNTS: ssdp:alive\\r\\n"
          b"SERVER: Linux/6 UPnP/1.1 bare/1\\r\\nUSN: uuid:x::upnp:rootdevice\\r\\n\\r\\n" % PORT)

class Bare(DatagramProtocol):
    def startProtocol(self):
        self.transport.setTTL(1)
        self.transport.setOutgoingInterface("127.0.0.1")
        self.transport.joinGroup("239.255.255.250", "127.0.0.1")
        self.transport.write(NOTIFY, ("239.255.255.250", PORT))
        reactor.callLater(0.5, reactor.stop)

reactor.listenMulticast(PORT, Bare(), listenMultiple=True)
reactor.run()
"""


def listener(port: int) -> socket.socket:
    """
    A socket that hears the SSDP group on C{port} through 127.0.0.1.
    """
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    receiver.bind(("239.255.255.250", port))
    receiver.setsockopt(
        socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("239.255.255.250") + socket.inet_aton("127.0.0.1")
    )
    return receiver


def firstNotify(command: list[str], port: int, timeout: float = 20.0) -> float:
    """
    Start C{command} and return the seconds until a NOTIFY arrives on the
    group at C{port}; stop the process.
    """
    receiver = listener(port)
    receiver.settimeout(0.05)
    started = time.monotonic()
    server = Server(command)
    try:
        while time.monotonic() - started < timeout:
            try:
                data = receiver.recv(65536)
            except socket.timeout:
                continue
            if data.startswith(b"NOTIFY * HTTP/1.1"):
                return time.monotonic() - started
        raise RuntimeError(f"no NOTIFY from {command[:4]} in {timeout} s; output: {server.lines[-5:]}")
    finally:
        server.stop()
        receiver.close()


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    Measure start → first NOTIFY, C{repetitions} times each, alternating.
    """
    from tests.support import freeUDPPort

    runs: list[tuple[float, float | None]] = []
    # The first start of each compiles and caches bytecode: not counted.
    for attempt in range(repetitions + 1):
        with tempfile.TemporaryDirectory() as state:
            port = freeUDPPort()
            ours = firstNotify(
                daemonCommand(
                    "--interface", "127.0.0.1", "--no-ipv6", "--ssdp-port", str(port),
                    "--config", str(ROOT / "examples" / "jambon-3000.toml"), "--state-dir", state,
                ),
                port,
            )
        barePort = freeUDPPort()
        theirs = firstNotify([sys.executable, "-c", BARE_ANNOUNCER, str(barePort)], barePort)
        if attempt == 0:
            continue
        runs.append((ours * 1000, theirs * 1000))
        write(f"  start -> first NOTIFY: daemon {ours * 1000:.0f} ms, bare {theirs * 1000:.0f} ms")
    ours = median([r[0] for r in runs])
    theirs = median([float(r[1] or 0) for r in runs])
    return [Figure("start -> first NOTIFY", "ms", ours, theirs, "ratio <= 1.3", ours <= 1.3 * theirs, runs)]


def main(argv: Sequence[str] = ()) -> int:
    """
    Run this figure alone: C{python -m bench.startup}.
    """
    for figure in run(5, quick="--quick" in argv):
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
