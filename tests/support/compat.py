"""
Shared fixtures of the compat SSDP tests (tests.compat.test_ssdp and its
siblings), written the way Coherence's own C{test_ssdp.py} was: a server in
test mode on a fake datagram transport, timed on a L{Clock}, raw datagrams
passed to C{datagramReceived}, and the exact header sets of what is written
compared.
"""

from __future__ import annotations

import random
from typing import Any

import louie
from twisted.internet import reactor
from twisted.internet.task import Clock
from twisted.internet.testing import FakeDatagramTransport
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat.ssdp import SSDPServer
from coherence_lite.compat.signals import DATAGRAM_RECEIVED, LOG, NEW_DEVICE, REMOVED_DEVICE

from tests.support import JAMBON_UDN

# Coherence's fixture: a Windows device's alive.
ssdp_notify_1 = """NOTIFY * HTTP/1.1
Host:239.255.255.250:1900
NT:upnp:rootdevice
NTS:ssdp:alive
Location:http://10.10.222.94:2869/upnp?content=uuid:e711a4bf
USN:uuid:e711a4bf::upnp:rootdevice
Cache-Control:max-age=1800
Server:Microsoft-Windows-NT/5.1 UPnP/1.0 UPnP-Device-Host/1.0
""".splitlines()

NOTIFY_USN = "uuid:e711a4bf::upnp:rootdevice"
NOTIFY_LOCATION = "http://10.10.222.94:2869/upnp?content=uuid:e711a4bf"

# Coherence's fixture: an answer to a search.
USN_1 = "uuid:DDF542FB::urn:service:X_MS_MediaReceiverRegistrar:1"
MSEARCH_RESPONSE_1 = (
    "HTTP/1.1 200 OK",
    "Cache-Control: max-age=1802",
    "Date: Mon, 02 Jun 2014 18:04:59 GMT",
    "Ext: ",
    "Location: http://192.168.1.4:9000/plugins/UPnP/MediaServer.xml",
    "Server: Linux/armv5-linux UPnP/1.0 DLNADOC/1.50 MediaServer/7.3/735",
    "ST: urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1",
    "USN: " + USN_1,
)

# The seed's Jambon 3000, registered the Coherence way: its four USNs.
JAMBON = JAMBON_UDN
JAMBON_LOCATION = f"http://192.168.4.207:8088/{JAMBON[5:]}/description.xml"
JAMBON_USNS = (
    (f"{JAMBON}::upnp:rootdevice", "upnp:rootdevice"),
    (JAMBON, JAMBON),
    (f"{JAMBON}::urn:schemas-upnp-org:device:Basic:1", "urn:schemas-upnp-org:device:Basic:1"),
    (f"{JAMBON}::urn:boucherie.example.com:service:Jambon:1", "urn:boucherie.example.com:service:Jambon:1"),
)
ROOT_USN = JAMBON_USNS[0][0]

QUERIER = ("10.20.30.40", 1234)


def datagram(lines: Any) -> bytes:
    """
    Join header lines into a CRLF datagram with its final empty line.
    """
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def msearch(st: str, mx: int | None = 2) -> bytes:
    """
    A multicast search datagram for C{st} (no MX when L{None}).
    """
    lines = ["M-SEARCH * HTTP/1.1", "HOST: 239.255.255.250:1900", 'MAN: "ssdp:discover"', f"ST: {st}"]
    if mx is not None:
        lines.append(f"MX: {mx}")
    return datagram(lines)


def lines(data: bytes) -> list[str]:
    """
    A datagram's lines, sorted: the order of headers does not matter.
    """
    return sorted(data.decode().splitlines(True))


def expected(*items: str) -> list[str]:
    """
    The sorted lines of a datagram made of C{items}, for L{lines}.
    """
    return sorted(item + "\r\n" for item in items + ("",))


class SignalRecorder:
    """
    Records every compat signal with its arguments, through receivers
    shaped like Coherence's.  Kept alive by the test (louie holds weak
    references) and disconnected in a cleanup (louie is global).
    """

    def __init__(self, testCase: SynchronousTestCase) -> None:
        self.events: list[tuple[str, tuple, dict]] = []
        for name, receiver in (
            (NEW_DEVICE, self.newDevice),
            (REMOVED_DEVICE, self.removedDevice),
            (DATAGRAM_RECEIVED, self.datagramReceived),
            (LOG, self.logLine),
        ):
            louie.connect(receiver, name)
            testCase.addCleanup(louie.disconnect, receiver, name)

    def newDevice(self, device_type: str, infos: dict) -> None:
        self.events.append((NEW_DEVICE, (), {"device_type": device_type, "infos": infos}))

    def removedDevice(self, device_type: str, infos: dict) -> None:
        self.events.append((REMOVED_DEVICE, (), {"device_type": device_type, "infos": infos}))

    def datagramReceived(self, data: bytes, host: str, port: int) -> None:
        self.events.append((DATAGRAM_RECEIVED, (data, host, port), {}))

    def logLine(self, category: str, host: str, text: str) -> None:
        self.events.append((LOG, (category, host, text), {}))

    def of(self, signal: str) -> list[tuple[tuple, dict]]:
        return [(args, named) for name, args, named in self.events if name == signal]


class CompatTestCase(SynchronousTestCase):
    """
    A server in test mode on a fake datagram transport, timed on a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1_400_000_000)
        self.addCleanup(self.assertNoDelayedCalls)
        self.proto = self.makeServer()
        self.tr = self.connect(self.proto)

    def makeServer(self, seed: int = 0) -> SSDPServer:
        server = SSDPServer(test=True, reactor=self.clock, random=random.Random(seed))
        self.addCleanup(self.shutdown, server)
        return server

    def connect(self, server: SSDPServer) -> FakeDatagramTransport:
        transport = FakeDatagramTransport()
        server.makeConnection(transport)
        return transport

    def shutdown(self, server: SSDPServer) -> None:
        done = server.shutdown()
        self.clock.advance(1)
        self.successResultOf(done)

    def assertNoDelayedCalls(self) -> None:
        self.clock.advance(0)
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def registerJambon(self, server: SSDPServer | None = None, **options: Any) -> None:
        for usn, st in JAMBON_USNS:
            (server or self.proto).register("local", usn, st, JAMBON_LOCATION, **options)

    def written(self, transport: FakeDatagramTransport | None = None) -> list[bytes]:
        return [data for data, _ in (transport or self.tr).written]

    def pastTheBursts(self) -> None:
        """
        Let the three alive rounds of a registration go out.
        """
        self.clock.pump([0.1] * 20)
