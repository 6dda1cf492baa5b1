"""
Tests for L{coherence_lite.http.server.LimitedSite} making room when full:
the connection idle longest goes first, then the one whose request has been
arriving longest, never one being answered; and, over real sockets, silent
connections from a few dozen addresses (20 each, reconnecting when closed)
no longer lock a legitimate client out.
"""

from __future__ import annotations

import resource
from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.defer import inlineCallbacks
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.error import ConnectionDone
from twisted.internet.protocol import Protocol
from twisted.internet.task import Clock, deferLater
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.http.channel import LimitedHTTPChannel
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.stats import Stats
from tests.http.test_limits import _Client, _description, _get, _site, reactor


class MakingRoomTests(SynchronousTestCase):
    """
    A full L{LimitedSite}, driven by its factory over L{StringTransport}s
    on a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.stats = Stats()
        self.site = _site(HTTPLimits(maxConnectionsPerClient=10, maxConnections=3), self.clock, self.stats)

    def open(self, host: str, data: bytes = b"") -> tuple[LimitedHTTPChannel, StringTransport]:
        """
        A connection from C{host}, which sends C{data}; one second passes.
        """
        address = IPv4Address("TCP", host, 1)
        channel = self.site.buildProtocol(address)
        self.assertIsInstance(channel, LimitedHTTPChannel)
        transport = StringTransport(peerAddress=address)
        channel.makeConnection(transport)
        if data:
            channel.dataReceived(data)
        self.clock.advance(1)
        return channel, transport

    def test_idleLongestGoesFirst(self) -> None:
        """
        With the site full, a new connection closes the one idle longest
        (counted), even if it came later than one being answered; a
        connection that got its answer is idle from then on.
        """
        silent, silentTransport = self.open("192.168.1.2")
        busy, busyTransport = self.open("192.168.1.3", _get(b"/hold"))
        answered, answeredTransport = self.open("192.168.1.4", _get(_description()))
        self.assertTrue(answeredTransport.value().startswith(b"HTTP/1.1 200 OK"))
        self.open("192.168.1.5")
        self.assertTrue(silentTransport.disconnecting)
        self.assertEqual(self.stats["http.evicted"], 1)
        self.assertEqual(self.site.openConnections, 3)
        silent.connectionLost(Failure(ConnectionDone()))
        self.open("192.168.1.6")
        self.assertTrue(answeredTransport.disconnecting)
        self.assertFalse(busyTransport.disconnecting)
        self.assertEqual((self.stats["http.evicted"], self.stats["http.refused.total-cap"]), (2, 0))

    def test_arrivingRequestAfterIdleAndNeverOneAnswered(self) -> None:
        """
        Without an idle connection, the request arriving longest is closed
        (without an answer); with every connection being answered, the new
        one is refused.
        """
        slow, slowTransport = self.open("192.168.1.2", b"GET / HT")
        busy, busyTransport = self.open("192.168.1.3", _get(b"/hold"))
        slower, slowerTransport = self.open("192.168.1.4", b"GET /x")
        self.open("192.168.1.5", _get(b"/hold"))
        self.assertTrue(slowTransport.disconnecting)
        self.assertEqual(slowTransport.value(), b"")
        slow.dataReceived(b"TP/1.1\r\n\r\n")
        self.assertEqual(slowTransport.value(), b"", "an evicted connection is read no more")
        slow.connectionLost(Failure(ConnectionDone()))
        self.open("192.168.1.6", _get(b"/hold"))
        self.assertTrue(slowerTransport.disconnecting)
        slower.connectionLost(Failure(ConnectionDone()))
        self.assertIsNone(self.site.buildProtocol(IPv4Address("TCP", "192.168.1.7", 1)))
        self.assertFalse(busyTransport.disconnecting)
        self.assertEqual((self.stats["http.evicted"], self.stats["http.refused.total-cap"]), (2, 1))


class _Silent(Protocol):
    """
    Connects, says nothing; connects again when closed, while the flood
    has reconnections left.
    """

    def __init__(self, flood: SilentFlood, source: str) -> None:
        self.flood = flood
        self.source = source

    def connectionMade(self) -> None:
        self.flood.open.add(self)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:
        self.flood.open.discard(self)
        self.flood.lost(self.source)


class SilentFlood:
    """
    Silent connections from many loopback addresses, renewed when closed
    (at most C{renewals} times in all).
    """

    def __init__(self, port: int, renewals: int) -> None:
        self.port = port
        self.renewals = renewals
        self.renewed = 0
        self.open: set[_Silent] = set()

    def connect(self, source: str) -> Any:
        """
        One silent connection from C{source}.
        """
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", self.port, bindAddress=(source, 0))
        return connectProtocol(endpoint, _Silent(self, source))

    def lost(self, source: str) -> None:
        """
        Renew a connection that was closed, within the budget.
        """
        if self.renewed < self.renewals:
            self.renewed += 1
            self.connect(source)

    def stop(self) -> None:
        """
        Renew nothing more; close every connection.
        """
        self.renewals = 0
        for protocol in list(self.open):
            assert protocol.transport is not None
            protocol.transport.loseConnection()


class LockoutTests(TestCase):
    """
    The device site on 127.0.0.1 with its default limits (512 connections,
    20 per address), flooded with silent connections.
    """

    timeout = 60
    ADDRESSES = 26
    PER_ADDRESS = 20

    def setUp(self) -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        needed = 2 * (self.ADDRESSES * self.PER_ADDRESS) + 200
        if soft < needed and (hard == resource.RLIM_INFINITY or hard >= needed):
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
            self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        # With too few descriptors, the same flood against a smaller site.
        self.limits = HTTPLimits() if resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= needed else HTTPLimits(maxConnections=100)
        self.stats = Stats()
        self.site = _site(self.limits, stats=self.stats)
        port = reactor.listenTCP(0, self.site, interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        self.port = port.getHost().port

    @inlineCallbacks
    def until(self, condition: Any, steps: int = 2000) -> Any:
        """
        Let the reactor run, by steps of 10 ms, until C{condition()}.
        """
        for _ in range(steps):
            if condition():
                return True
            yield deferLater(reactor, 0.01, lambda: None)
        return condition()

    @inlineCallbacks
    def test_silentConnectionsLockNobodyOut(self) -> Any:
        """
        20 silent connections from each of 26 addresses fill the 512
        connections (and renew themselves when closed, 300 times): 20
        requests of a legitimate client in a row are each answered 200,
        while the flood's oldest connections are closed to make room.
        """
        flood = SilentFlood(self.port, renewals=300)
        self.addCleanup(self.closeFlood, flood)
        for address in range(1, self.ADDRESSES + 1):
            for _ in range(self.PER_ADDRESS):
                yield flood.connect(f"127.0.3.{address}")
        self.assertTrue((yield self.until(lambda: self.site.openConnections >= self.limits.maxConnections)))
        answers = []
        for _ in range(20):
            client = _Client(_get(_description(), close=True))
            yield connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", self.port), client)
            answers.append((yield client.lost)[:15])
        self.assertEqual(answers, [b"HTTP/1.1 200 OK"] * 20)
        self.assertGreaterEqual(self.stats["http.evicted"], 20)
        self.assertEqual(self.stats["http.refused.total-cap"], 0)

    @inlineCallbacks
    def closeFlood(self, flood: SilentFlood) -> Any:
        """
        Stop the flood and wait until every connection is gone.
        """
        flood.stop()
        yield self.until(lambda: not flood.open and self.site.openConnections == 0)
