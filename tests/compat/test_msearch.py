# -*- test-case-name: tests.compat.test_msearch -*-
"""
Tests for L{coherence_lite.compat.msearch.MSearch}, and for the server and
its searcher on real loopback sockets.

Where a test departs from Coherence's expectations, a comment names the
Coherence bug it no longer has.  Time is a L{Clock} given as the reactor, so
"asynchronously" means "not before C{clock.advance(0)}".
"""

from __future__ import annotations

import socket
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.internet.task import deferLater
from twisted.internet.testing import FakeDatagramTransport
from twisted.trial.unittest import TestCase

from coherence_lite.compat.msearch import MSearch
from coherence_lite.compat.ssdp import SSDP_ADDR, SSDP_PORT, SSDPServer
from coherence_lite.compat.signals import DATAGRAM_RECEIVED, LOG, NEW_DEVICE, REMOVED_DEVICE

from tests.support import freeUDPPort
from tests.support.compat import (
    CompatTestCase,
    JAMBON_LOCATION,
    JAMBON_USNS,
    MSEARCH_RESPONSE_1,
    NOTIFY_USN,
    ROOT_USN,
    SignalRecorder,
    USN_1,
    datagram,
    expected,
    lines,
)


class MSearchTests(CompatTestCase):
    """
    C{MSearch} in test mode: Coherence's searches and their answers.
    """

    def setUp(self) -> None:
        super().setUp()
        self.search = MSearch(self.proto, test=True)
        self.searchTransport = FakeDatagramTransport()
        self.search.makeConnection(self.searchTransport)
        self.addCleanup(self.search.shutdown)

    def test_msearch_request(self) -> None:
        """
        An answer to a search is remembered in C{known} with Coherence's keys
        and values.
        """
        self.assertEqual(self.proto.known, {})
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        self.assertTrue(self.proto.isKnown(USN_1))
        self.assertFalse(self.proto.isKnown(USN_1 * 2))
        service = self.proto.known[USN_1]
        del service["last-seen"]
        self.assertEqual(
            service,
            {
                "HOST": "10.20.30.40",
                "ST": "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1",
                "LOCATION": "http://192.168.1.4:9000/plugins/UPnP/MediaServer.xml",
                "USN": USN_1,
                "CACHE-CONTROL": "max-age=1802",
                "SERVER": "Linux/armv5-linux UPnP/1.0 DLNADOC/1.50 MediaServer/7.3/735",
                "MANIFESTATION": "remote",
                "SILENT": False,
                "EXT": "",
            },
        )

    def test_msearch_request_does_not_send_reply(self) -> None:
        """
        An answer to a search is never answered.
        """
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        self.clock.advance(10)
        self.assertEqual(self.tr.written + self.searchTransport.written, [])

    def test_msearch_request_updates_timestamp(self) -> None:
        """
        An answer heard again refreshes last-seen and the expiry, which follows
        its max-age.
        """
        # Coherence's answers refreshed nothing (not even last-seen), so a
        # device only ever found by searching expired regardless.
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        first = self.proto.known[USN_1]["last-seen"]
        self.clock.advance(1000)
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        self.assertEqual(self.proto.known[USN_1]["last-seen"], first + 1000)
        self.clock.advance(1000)
        self.assertTrue(self.proto.isKnown(USN_1))
        self.clock.advance(802)
        self.assertFalse(self.proto.isKnown(USN_1))

    def test_discover(self) -> None:
        """
        C{discover} sends one C{ssdp:all} search with MX 5 to the group.
        """
        self.assertEqual(self.searchTransport.written, [])
        self.search.discover()
        self.assertEqual(len(self.searchTransport.written), 1)
        data, (host, port) = self.searchTransport.written[0]
        self.assertEqual((host, port), (SSDP_ADDR, SSDP_PORT))
        self.assertEqual(
            lines(data),
            expected("M-SEARCH * HTTP/1.1", "HOST: 239.255.255.250:1900", 'MAN: "ssdp:discover"', "MX: 5", "ST: ssdp:all"),
        )

    def test_doubleDiscoverSearchesTwice(self) -> None:
        """
        C{double_discover} sends the same search twice.
        """
        self.search.double_discover()
        self.assertEqual(len(self.searchTransport.written), 2)
        self.assertEqual(self.searchTransport.written[0], self.searchTransport.written[1])

    def test_searchesEveryTwoMinutes(self) -> None:
        """
        C{startDiscovering} searches twice now and every two minutes, until
        C{stopDiscovering}.
        """
        self.search.startDiscovering()
        self.assertEqual(len(self.searchTransport.written), 2)
        self.clock.advance(119)
        self.assertEqual(len(self.searchTransport.written), 2)
        self.clock.advance(1)
        self.assertEqual(len(self.searchTransport.written), 4)
        self.search.stopDiscovering()
        self.clock.advance(600)
        self.assertEqual(len(self.searchTransport.written), 4)

    def test_failingRoundDoesNotStopSearching(self) -> None:
        """
        A round whose sending raises is logged and the searches go on.
        """
        def broken(data: bytes, addr: object) -> None:
            raise RuntimeError("send broke")

        self.searchTransport.write = broken  # type: ignore[method-assign]
        self.search.startDiscovering()
        self.clock.pump([120, 120])
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 3)
        self.assertTrue(self.search._loop.running)

    def test_answerIsSignalled(self) -> None:
        """
        Every datagram the search port receives, answers and junk alike, gives
        C{datagram_received} on the next turn.
        """
        signals = SignalRecorder(self)
        data = datagram(MSEARCH_RESPONSE_1)
        self.search.datagramReceived(data, ("10.20.30.40", 1234))
        self.search.datagramReceived(b"junk", ("10.20.30.40", 1234))
        self.assertEqual(signals.events, [])
        self.clock.advance(0)
        self.assertEqual(
            [args for args, _ in signals.of(DATAGRAM_RECEIVED)],
            [(data, "10.20.30.40", 1234), (b"junk", "10.20.30.40", 1234)],
        )

    def test_answerForARootDeviceIsANewDevice(self) -> None:
        """
        An answer from a root device gives C{new_device} before
        C{datagram_received}.
        """
        signals = SignalRecorder(self)
        response = [line.replace(USN_1, NOTIFY_USN) for line in MSEARCH_RESPONSE_1]
        response = [
            "ST: upnp:rootdevice" if line.startswith("ST:") else line for line in response
        ]
        self.search.datagramReceived(datagram(response), ("10.20.30.40", 1234))
        self.clock.advance(0)
        self.assertEqual([name for name, _, _ in signals.events], [NEW_DEVICE, DATAGRAM_RECEIVED])


class LoopbackTests(TestCase):
    """
    Two servers on real sockets, on 127.0.0.1 and a free, non-standard SSDP
    port: one registers, the other hears it, as two Coherence processes on
    one host would.
    """

    timeout = 30

    def setUp(self) -> None:
        self.ssdpPort = freeUDPPort()
        self.announcing = self.serve()
        self.listening = self.serve()
        self.signals = SignalRecorder(self)

    def serve(self) -> SSDPServer:
        server = SSDPServer(interface="127.0.0.1", ssdpPort=self.ssdpPort, reactor=reactor)
        self.addCleanup(server.shutdown)
        self.assertEqual([link.host for link in server.links], ["127.0.0.1"])
        return server

    @inlineCallbacks
    def until(self, condition: Any, timeout: float = 8.0) -> Any:
        """
        Wait until C{condition()} holds, or fail after C{timeout} seconds.
        """
        waited = 0.0
        while not condition():
            if waited > timeout:
                self.fail("timed out")
            yield deferLater(reactor, 0.05, lambda: None)
            waited += 0.05

    @inlineCallbacks
    def test_registrationsReachAnotherServer(self) -> Any:
        """
        Registrations of one server are heard by another on the same host and
        port, and their byebyes too.
        """
        self.registerOn(self.announcing)
        yield self.until(lambda: all(self.listening.isKnown(usn) for usn, _ in JAMBON_USNS))
        heard = self.listening.known[ROOT_USN]
        self.assertEqual((heard["MANIFESTATION"], heard["HOST"], heard["LOCATION"]), ("remote", "127.0.0.1", JAMBON_LOCATION))
        yield self.until(lambda: any(n["infos"]["MANIFESTATION"] == "remote" for _, n in self.signals.of(NEW_DEVICE)))
        yield self.announcing.shutdown()
        yield self.until(lambda: not self.listening.isKnown(ROOT_USN))
        yield self.until(lambda: self.signals.of(REMOVED_DEVICE))

    @inlineCallbacks
    def test_msearchIsHeardAndAnswered(self) -> Any:
        """
        A search from an C{MSearch} is heard by the other server and answered
        to its port, every registration.
        """
        self.registerOn(self.announcing)
        search = MSearch(self.listening)
        self.addCleanup(search.shutdown)
        self.assertIsNotNone(search.port)
        yield self.until(lambda: ("SSDP", "127.0.0.1", "M-Search for ssdp:all") in [a for a, _ in self.signals.of(LOG)])
        answers = lambda: [a for a in self.signals.of(DATAGRAM_RECEIVED) if a[0][0].startswith(b"HTTP/1.1 200")]  # noqa: E731
        yield self.until(lambda: len(answers()) >= len(JAMBON_USNS))

    def test_msearchPortIsItsOwn(self) -> None:
        """
        A bound C{MSearch} searches from a port of its own, not shared with
        C{SO_REUSEADDR} (the kernel could hand out a port in use), and its
        server takes its searches for its own.
        """
        search = MSearch(self.listening)
        self.addCleanup(search.shutdown)
        assert search.port is not None
        self.assertEqual(search.port.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0)
        port = search.port.getHost().port
        self.assertNotEqual(port, self.ssdpPort)
        self.assertTrue(self.listening.service.isOwnSearch(("127.0.0.1", port)))
        self.assertFalse(self.announcing.service.isOwnSearch(("127.0.0.1", port)))

    def test_msearchSearchesTwiceAtOnceThenEveryTwoMinutes(self) -> None:
        """
        A bound C{MSearch} sends Coherence's double search at once, on each
        IPv4 link, and schedules the next round two minutes later.
        """
        search = MSearch(self.listening)
        self.addCleanup(search.shutdown)
        assert search._searcher is not None
        self.assertEqual(search._searcher.stats["searches.sent"], 2 * len(self.listening.links))
        self.assertTrue(search._loop.running)
        self.assertEqual(search._loop.interval, 120.0)

    def test_msearchShutdownClosesItsPort(self) -> None:
        """
        Shutting an C{MSearch} down closes its port, stops the searches and
        lets its server answer that port again.
        """
        search = MSearch(self.listening)
        assert search.port is not None
        port = search.port.getHost().port
        done = search.shutdown()
        self.assertIsNone(search.port)
        self.assertFalse(search._loop.running)
        self.assertFalse(self.listening.service.isOwnSearch(("127.0.0.1", port)))
        return done

    def registerOn(self, server: SSDPServer) -> None:
        for usn, st in JAMBON_USNS:
            server.register("local", usn, st, JAMBON_LOCATION)
