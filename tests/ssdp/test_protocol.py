# -*- test-case-name: tests.ssdp.test_protocol -*-
"""
Tests for what L{coherence_lite.ssdp.protocol.SSDPProtocol} and
L{coherence_lite.ssdp.transport.SSDPPort} remember between datagrams: parse
results by bytes, the link of each peer, arrivals and send arguments; all
bounded, none stale after the links change.
"""

from __future__ import annotations

import socket
from typing import Any

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.format import formatMSearch
from coherence_lite.ssdp.protocol import MAX_CACHED, MAX_CACHED_DATAGRAM, SSDPProtocol
from coherence_lite.ssdp.transport import Arrival, SSDPPort, _IN_PKTINFO, IP_PKTINFO
from coherence_lite.stats import Stats

from tests.support import link
from tests.ssdp.test_host import RecordingHandler

LINK = link("192.168.1.10/24", "eth0", 2)
OTHER = link("10.0.0.10/8", "eth0", 2)
SOURCE = ("192.168.1.77", 5000)
GROUP = Arrival(2, "239.255.255.250")


class ProtocolCacheTests(SynchronousTestCase):
    """
    Repeated datagrams are parsed once; the tables stay bounded and follow
    the links served.
    """

    def setUp(self) -> None:
        self.handler = RecordingHandler()
        self.stats = Stats()
        self.served: dict[tuple[int, int], list[Any]] = {(socket.AF_INET, 2): [LINK]}
        self.protocol = SSDPProtocol(
            self.handler, lambda family, index: self.served.get((family, index), ()), socket.AF_INET, Clock(), self.stats
        )

    def test_repeatedDatagramIsParsedOnce(self) -> None:
        """
        The same bytes twice give the same message object, both handed on.
        """
        datagram = formatMSearch("ssdp:all", 2)
        self.protocol.datagramArrived(datagram, SOURCE, GROUP)
        self.protocol.datagramArrived(bytes(bytearray(datagram)), SOURCE, GROUP)
        (_, first, _, _), (_, second, _, _) = self.handler.heard
        self.assertIs(first, second)

    def test_parseTableIsBounded(self) -> None:
        """
        Distinct datagrams never make the table hold more than
        L{MAX_CACHED} results, and long ones are not kept.
        """
        for number in range(MAX_CACHED + 50):
            self.protocol.datagramArrived(formatMSearch(f"uuid:device-{number}", 2), SOURCE, GROUP)
        long = formatMSearch("ssdp:all", 2, userAgent="x" * MAX_CACHED_DATAGRAM)
        self.protocol.datagramArrived(long, SOURCE, GROUP)
        self.assertLessEqual(len(self.protocol._parsed), MAX_CACHED)
        self.assertNotIn(long, self.protocol._parsed)
        self.assertEqual(len(self.handler.heard), MAX_CACHED + 51)

    def test_newLinksAreUsedAtOnce(self) -> None:
        """
        When the links served change (a new list), a peer's link is found
        again among them.
        """
        self.protocol.datagramArrived(formatMSearch("ssdp:all", 2), ("10.1.2.3", 1), GROUP)
        self.served[(socket.AF_INET, 2)] = [LINK, OTHER]
        self.protocol.datagramArrived(formatMSearch("ssdp:all", 2), ("10.1.2.3", 1), GROUP)
        self.assertEqual([heard[3] for heard in self.handler.heard], [LINK, OTHER])


class TransportCacheTests(SynchronousTestCase):
    """
    L{SSDPPort} works out arrivals and send arguments once.
    """

    def test_arrivalIsRememberedByPacketInfo(self) -> None:
        """
        The same packet information gives the same L{Arrival}, multicast
        worked out.
        """
        port = SSDPPort(0, Any, socket.AF_INET, 1)  # type: ignore[arg-type]
        info = _IN_PKTINFO.pack(2, socket.inet_aton("192.168.1.10"), socket.inet_aton("239.255.255.250"))
        first = port._arrivalOf([(socket.IPPROTO_IP, IP_PKTINFO, info)])
        second = port._arrivalOf([(socket.IPPROTO_IP, IP_PKTINFO, bytes(bytearray(info)))])
        self.assertIs(first, second)
        self.assertEqual(first, Arrival(2, "239.255.255.250"))
        assert first is not None
        self.assertTrue(first.multicast)
        self.assertFalse(Arrival(2, "192.168.1.10").multicast)

    def test_sendArgumentsAreBuiltOncePerLinkAndPeer(self) -> None:
        """
        Sending twice to one peer from one link builds the ancillary data
        once; the table is bounded.
        """
        sent: list[tuple[Any, ...]] = []

        class Socket:
            def sendmsg(self, *arguments: Any) -> None:
                sent.append(arguments)

        port = SSDPPort(0, Any, socket.AF_INET, 1)  # type: ignore[arg-type]
        port.socket = Socket()  # type: ignore[assignment]
        port.sendFrom(b"a", SOURCE, LINK)
        port.sendFrom(b"b", SOURCE, LINK)
        self.assertIs(sent[0][1], sent[1][1])
        self.assertEqual(sent[0][1], [(socket.IPPROTO_IP, IP_PKTINFO, _IN_PKTINFO.pack(2, socket.inet_aton("192.168.1.10"), b"\0\0\0\0"))])
        for number in range(2000):
            port.sendFrom(b"c", ("192.168.1.77", number), LINK)
        self.assertLessEqual(len(port._sendArguments), 1024)
