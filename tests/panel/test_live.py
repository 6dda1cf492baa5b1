# -*- test-case-name: tests.panel.test_live -*-
"""
Tests for L{coherence_lite.panel.live}: the live values of a presentation
page, streamed through a device site's real channels (in memory, on a
L{Clock}), with their caps, lifetime, heartbeat and merging.
"""

from __future__ import annotations

import json
import re

from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.panel.live import LiveLimits
from coherence_lite.host.site import makeRootResource, makeSite
from coherence_lite.http.channel import LimitedHTTPChannel
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.model import layout
from coherence_lite.model.description import buildDocuments
from coherence_lite.stats import Stats

from tests.support.description import jambon, jambonService

LIMITS = HTTPLimits(idleTimeout=5, requestTimeout=5)
DEFAULTS = LiveLimits()


def events(data: bytes) -> list[dict[str, str]]:
    """
    The events of a stream's bytes, in order.
    """
    return [json.loads(match) for match in re.findall(rb"data: (\{[^\n]*\})\n\n", data)]


class LiveTests(SynchronousTestCase):
    """
    Streams of a Jambon's page.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1_700_000_000)
        self.stats = Stats()
        service = jambonService()
        self.device = jambon(services=(service,))
        self.runtime = ServiceRuntime(service)
        self.site = makeSite(
            [buildDocuments(self.device)],
            limits=LIMITS,
            stats=self.stats,
            reactor=self.clock,
            runtimes={(self.device.UDN, service.shortId): self.runtime},
        )
        self.site.startFactory()
        self.addCleanup(self.site.stopFactory)
        self.request = b"GET " + layout.presentationPath(self.device).encode() + b"?events HTTP/1.1\r\nHost: h\r\n\r\n"

    def open(self, host: str = "192.168.1.30") -> tuple[LimitedHTTPChannel, StringTransport]:
        """
        Open a connection from C{host} and ask for the stream.
        """
        client = IPv4Address("TCP", host, 40000)
        channel = self.site.buildProtocol(client)
        assert isinstance(channel, LimitedHTTPChannel)
        transport = StringTransport(peerAddress=client)
        channel.makeConnection(transport)
        self.addCleanup(lambda: channel.connectionLost(Failure(ConnectionDone())) if transport.connected else None)
        channel.dataReceived(self.request)
        return channel, transport

    def test_streamStartsWithEveryValue(self) -> None:
        """
        A stream is C{text/event-stream}, not cached, and starts with a
        retry delay and the value of every variable, by element id.
        """
        _, transport = self.open()
        data = transport.value()
        self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"), data[:40])
        self.assertIn(b"Content-Type: text/event-stream; charset=utf-8\r\n", data)
        self.assertIn(b"Cache-Control: no-store\r\n", data)
        self.assertIn(b"retry: 3000\n\n", data)
        self.assertEqual(
            events(data),
            [{"id": "v-0-0", "text": "3"}, {"id": "v-0-1", "text": "Idle"}, {"id": "v-0-2", "text": "0.0"}],
        )
        self.assertEqual(self.stats["pages.live.streams"], 1)

    def test_changesAreSentAsTheyHappen(self) -> None:
        """
        Every change of a variable, evented or not, is one event with the
        value as the page shows it.
        """
        _, transport = self.open()
        transport.clear()
        self.runtime.state.set("Status", "<jammed>")
        self.runtime.state.update({"Thickness": 7, "Weight": 1.5})
        self.assertEqual(
            events(transport.value()),
            [{"id": "v-0-1", "text": "<jammed>"}, {"id": "v-0-0", "text": "7"}, {"id": "v-0-2", "text": "1.5"}],
        )

    def test_streamOutlivesTheIdleTimeoutThenEnds(self) -> None:
        """
        The channel's idle timeout does not cut a stream; a heartbeat is
        written every interval; after its lifetime the stream ends cleanly,
        its observers removed, and the connection waits for the next
        request.
        """
        channel, transport = self.open()
        transport.clear()
        self.clock.pump([DEFAULTS.heartbeat] * 4)
        self.assertTrue(transport.connected)
        self.assertEqual(transport.value().count(b": keep-alive\n\n"), 4)
        self.clock.advance(DEFAULTS.lifetime - DEFAULTS.heartbeat * 4)
        self.assertTrue(transport.value().endswith(b"0\r\n\r\n"))
        self.runtime.state.set("Thickness", 9)
        self.assertFalse(events(transport.value()))
        self.clock.advance(LIMITS.idleTimeout + 1)
        self.assertTrue(transport.disconnecting)
        self.assertEqual(self.stats["http.timeouts.idle"], 1)

    def test_perClientCap(self) -> None:
        """
        A client may hold L{LiveLimits.maxPerClient} streams; one more is
        503 with Retry-After, and another client is still served.
        """
        for _ in range(DEFAULTS.maxPerClient):
            self.assertIn(b"200 OK", self.open()[1].value())
        refused = self.open()[1].value()
        self.assertTrue(refused.startswith(b"HTTP/1.1 503 "), refused[:40])
        self.assertIn(b"Retry-After: 30\r\n", refused)
        self.assertIn(b"200 OK", self.open("192.168.1.31")[1].value())
        self.assertEqual(self.stats["pages.live.refused"], 1)

    def test_totalCap(self) -> None:
        """
        The host holds at most L{LiveLimits.maxStreams} streams in all.
        """
        for index in range(DEFAULTS.maxStreams):
            self.open(f"10.0.{index // 2}.{index % 2 + 1}")
        self.assertTrue(self.open("10.9.9.9")[1].value().startswith(b"HTTP/1.1 503 "))

    def test_closedConnectionReleasesItsStream(self) -> None:
        """
        A client that goes away frees its place and stops observing.
        """
        opened = [self.open() for _ in range(DEFAULTS.maxPerClient)]
        channel, transport = opened[0]
        channel.connectionLost(Failure(ConnectionDone()))
        transport.connected = False
        self.assertIn(b"200 OK", self.open()[1].value())
        self.runtime.state.set("Thickness", 4)
        self.assertNotIn(b"v-0-0", transport.value().split(b"Idle")[-1])

    def test_unreadStreamMergesLatestValuesThenIsCutOff(self) -> None:
        """
        While the client does not read, changes wait as one latest value per
        variable and are sent when it reads again; a client that reads
        nothing for the stall timeout is cut off.
        """
        channel, transport = self.open()
        transport.clear()
        channel.pauseProducing()
        for thickness in range(1, 21):
            self.runtime.state.set("Thickness", thickness)
        self.runtime.state.set("Status", "Slicing & packing")
        self.assertEqual(transport.value(), b"")
        channel.resumeProducing()
        self.assertEqual(
            events(transport.value()), [{"id": "v-0-0", "text": "20"}, {"id": "v-0-1", "text": "Slicing & packing"}]
        )
        channel.pauseProducing()
        self.clock.advance(DEFAULTS.stallTimeout + 1)
        self.assertTrue(transport.disconnecting or not transport.connected)
        self.assertEqual(self.stats["pages.live.stalled"], 1)

    def test_streamOfASwappedTreeEnds(self) -> None:
        """
        Once the site serves a new tree (a reload), a stream of the old one
        ends at its next heartbeat, so the browser reconnects to the new
        page.
        """
        _, transport = self.open()
        self.clock.advance(DEFAULTS.heartbeat)
        self.assertFalse(transport.value().endswith(b"0\r\n\r\n"))
        self.site.resource = makeRootResource([buildDocuments(self.device)])
        self.clock.advance(DEFAULTS.heartbeat)
        self.assertTrue(transport.value().endswith(b"0\r\n\r\n"))
