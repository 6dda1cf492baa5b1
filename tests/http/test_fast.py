# -*- test-case-name: tests.http.test_fast -*-
"""
Tests for L{coherence_lite.http.fast} and the channel's fast path: the
prebuilt answers are byte for byte twisted.web's, every limit still
applies, and anything unusual goes the slow way; and for the per-client
connection policy of L{LimitedSite}.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.site import makeRootResource, makeSite
from coherence_lite.http.fast import MAX_FAST_PATHS, MAX_REMEMBERED_HEAD, FastAnswers, parseSimpleHead
from coherence_lite.http.channel import LimitedHTTPChannel
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.http.resources import StaticResource
from coherence_lite.http.server import LimitedSite
from coherence_lite.model import layout
from coherence_lite.model.description import Variant, buildDocuments
from coherence_lite.stats import Stats

from tests.support import jambon

CLIENT = IPv4Address("TCP", "127.0.0.1", 40000)
SERVER = "TestOS/1 UPnP/1.1 coherence-lite/test"
LIMITS = HTTPLimits(maxLineLength=1024, maxHeaders=20, maxHeadSize=4096)
DESCRIPTION = layout.descriptionPath(jambon()).encode("ascii")


def withoutDate(answer: bytes) -> bytes:
    """
    An answer with its Date header values blanked.
    """
    return re.sub(rb"Date: [^\r]*", b"Date: X", answer)


class FastPathTests(SynchronousTestCase):
    """
    A channel of a device site answers plain GET and HEAD requests for
    fixed documents from prebuilt bytes.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1_700_000_000)
        self.stats = Stats()
        self.site = makeSite([buildDocuments(jambon())], server=SERVER, limits=LIMITS, stats=self.stats, reactor=self.clock)
        self.site.startFactory()
        self.addCleanup(self.site.stopFactory)

    def exchange(self, data: bytes) -> tuple[LimitedHTTPChannel, StringTransport]:
        """
        Open a channel, send C{data} and return the channel and what it
        wrote.
        """
        channel = self.site.buildProtocol(CLIENT)
        assert isinstance(channel, LimitedHTTPChannel)
        transport = StringTransport(peerAddress=CLIENT)
        channel.makeConnection(transport)
        self.addCleanup(channel.connectionLost, Failure(ConnectionDone()))
        channel.dataReceived(data)
        return channel, transport

    def test_fastAnswerIsTwistedWebsAnswer(self) -> None:
        """
        The prebuilt answer to a GET is the answer twisted.web gives to the
        same request (taken the slow way by a header that does not change
        it), Date apart.
        """
        _, fast = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        _, slow = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        self.assertTrue(fast.value().startswith(b"HTTP/1.1 200 OK\r\nServer: " + SERVER.encode() + b"\r\nDate: "))
        self.assertEqual(withoutDate(fast.value()), withoutDate(slow.value()))
        self.assertIn(b"Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n", fast.value())

    def test_descriptionWithVariantsIsChosenPerRequest(self) -> None:
        """
        A description with variants is never prebuilt: each plain GET is
        answered with the variant its headers choose.
        """
        root = jambon()
        documents = buildDocuments(root, variants=(Variant("user-agent", "Other/", replace(root, modelName="Other")),))
        self.site.resource = makeRootResource([documents], self.stats)
        _, plain = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        _, other = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nHost: x\r\nUser-Agent: Other/1\r\n\r\n")
        self.assertTrue(plain.value().endswith(documents.description))
        self.assertTrue(other.value().endswith(documents.variants[0][2]))
        self.assertIn(b"<modelName>Other</modelName>", other.value())

    def test_repeatedRequestGetsTheDateOfItsSecond(self) -> None:
        """
        The same request a second later is answered with the new Date.
        """
        request = b"GET " + DESCRIPTION + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        _, first = self.exchange(request)
        self.clock.advance(1)
        _, second = self.exchange(request)
        self.assertIn(b"Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n", first.value())
        self.assertIn(b"Date: Tue, 14 Nov 2023 22:13:21 GMT\r\n", second.value())
        self.assertEqual(withoutDate(first.value()), withoutDate(second.value()))

    def test_headAnswerIsTheHeadWithoutBody(self) -> None:
        """
        A HEAD gets the GET's head, Content-Length included, and no body.
        """
        _, get = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\n\r\n")
        _, head = self.exchange(b"HEAD " + DESCRIPTION + b" HTTP/1.1\r\n\r\n")
        self.assertEqual(head.value(), get.value().split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")

    def test_pipelinedRequestsAreAnsweredInOrderAndCounted(self) -> None:
        """
        Pipelined requests in one read are answered in order, each counted
        as a request and a 2xx answer, and the connection stays open.
        """
        device = jambon()
        scpd = layout.servicePath(device, device.services[0], layout.SCPD).encode("ascii")
        data = b"GET " + DESCRIPTION + b" HTTP/1.1\r\n\r\nHEAD " + scpd + b" HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"
        channel, transport = self.exchange(data)
        self.assertEqual(transport.value().count(b"HTTP/1.1 200 OK\r\n"), 3)
        self.assertEqual((self.stats["http.requests"], self.stats["http.responses.2xx"]), (3, 3))
        self.assertFalse(transport.disconnecting)
        self.assertFalse(channel.rejected)

    def test_limitsStillApply(self) -> None:
        """
        A header line over the line limit is refused with 431 as before: the
        fast path leaves such requests to the limits.
        """
        _, transport = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nX-Long: " + b"a" * 2000 + b"\r\n\r\n")
        self.assertTrue(transport.value().startswith(b"HTTP/1.1 431 "), transport.value()[:40])
        self.assertEqual(self.stats["http.rejected.line-too-long"], 1)

    def test_unknownPathIsNotFoundTheSlowWay(self) -> None:
        """
        A path that names no fixed document gets twisted.web's 404.
        """
        _, transport = self.exchange(b"GET /nope HTTP/1.1\r\n\r\n")
        self.assertTrue(transport.value().startswith(b"HTTP/1.1 404 "))

    def test_presentationPageIsRenderedPerRequest(self) -> None:
        """
        A presentation page (counters rendered per request) is never
        prebuilt: it shows the counters of the moment.
        """
        page = layout.presentationPath(jambon()).encode("ascii")
        self.stats.count("datagrams.received", 12345)
        _, transport = self.exchange(b"GET " + page + b" HTTP/1.1\r\n\r\n")
        self.assertIn(b"12345", transport.value())

    def test_connectionCloseAndOldVersionsTakeTheSlowPath(self) -> None:
        """
        C{Connection: close} and HTTP/1.0 get twisted.web's answer, which
        closes the connection.
        """
        _, closing = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nConnection: close\r\n\r\n")
        _, old = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.0\r\n\r\n")
        self.assertIn(b"Connection: close\r\n", closing.value())
        self.assertTrue(closing.disconnecting)
        self.assertTrue(old.disconnecting)

    def test_swappedTreeIsServed(self) -> None:
        """
        After C{site.resource} is swapped, the new tree's bytes are served.
        """
        self.exchange(b"GET / HTTP/1.1\r\n\r\n")
        tree: Any = makeRootResource([buildDocuments(jambon(friendlyName="Jambon 4000"))])
        self.site.resource = tree
        _, transport = self.exchange(b"GET / HTTP/1.1\r\n\r\n")
        self.assertIn(b"Jambon 4000", transport.value())

    def test_clientNotReadingIsLeftToTheSlowPath(self) -> None:
        """
        Once the send buffer is full, requests go the slow way, which closes
        the connection of a client that does not read.
        """
        channel, transport = self.exchange(b"GET / HTTP/1.1\r\n\r\n")
        channel.pauseProducing()
        channel.dataReceived(b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n")
        self.assertEqual(transport.value().count(b"HTTP/1.1 200 OK\r\n"), 2)
        self.assertTrue(transport.disconnecting)
        self.assertEqual(self.stats["http.rejected.unread-responses"], 1)


class ParseSimpleHeadTests(SynchronousTestCase):
    """
    L{parseSimpleHead} takes only plain heads within the limits.
    """

    def test_plainGetAndHead(self) -> None:
        """
        A GET or HEAD for a path with ordinary headers is taken.
        """
        self.assertEqual(parseSimpleHead(b"GET /a HTTP/1.1\r\nHost: x\r\nAccept: */*", LIMITS), (b"GET", b"/a"))
        self.assertEqual(parseSimpleHead(b"HEAD /a/b.xml HTTP/1.1", LIMITS), (b"HEAD", b"/a/b.xml"))

    def test_unusualHeadsAreLeftAlone(self) -> None:
        """
        Other methods, versions, encoded paths, queries, bodies, bad header
        names, control characters and heads beyond the limits are not
        taken.
        """
        for head in [
            b"POST /a HTTP/1.1",
            b"GET /a HTTP/1.0",
            b"GET /a%2e HTTP/1.1",
            b"GET /a?b HTTP/1.1",
            b"GET a HTTP/1.1",
            b"GET  /a HTTP/1.1",
            b"GET /a HTTP/1.1\r\nContent-Length: 0",
            b"GET /a HTTP/1.1\r\ntransfer-encoding: chunked",
            b"GET /a HTTP/1.1\r\nExpect: 100-continue",
            b"GET /a HTTP/1.1\r\nUpgrade: websocket",
            b"GET /a HTTP/1.1\r\nBad Name: x",
            b"GET /a HTTP/1.1\r\nX: a\x00b",
            b"GET /a HTTP/1.1\r\n folded",
            b"GET /a HTTP/1.1\r\nX: " + b"a" * 1100,
            b"GET /a HTTP/1.1" + b"\r\nX: a" * 25,
        ]:
            self.assertIsNone(parseSimpleHead(head, LIMITS), head[:60])

    def test_rememberedHeadsAreBounded(self) -> None:
        """
        Distinct request heads never make a table remember more than
        L{MAX_FAST_PATHS} of them, and long heads are answered but not
        remembered.
        """
        root: Any = makeRootResource([buildDocuments(jambon())])
        answers = FastAnswers(root, [(b"Server", b"S")], LIMITS)
        for number in range(MAX_FAST_PATHS + 10):
            self.assertIsNotNone(answers.respond(b"GET / HTTP/1.1\r\nX-N: %d" % (number,), 5.0))
        long = b"GET / HTTP/1.1" + b"\r\nX-Long: " + b"a" * 1000 + b"\r\nX-Long: " + b"b" * 1000 + b"\r\nX-Long: " + b"c" * 1000
        self.assertGreater(len(long), MAX_REMEMBERED_HEAD)
        self.assertIsNotNone(answers.respond(long, 5.0))
        self.assertLessEqual(len(answers._heads), MAX_FAST_PATHS)
        self.assertLessEqual(len(answers._responses), MAX_FAST_PATHS)
        self.assertNotIn(long, answers._heads)

    def test_onlyStaticResourcesArePrebuilt(self) -> None:
        """
        A table answers for L{StaticResource}s reached through static
        children, and for nothing else.
        """
        root: Any = makeRootResource([buildDocuments(jambon())])
        answers = FastAnswers(root, [(b"Server", b"S")], LIMITS)
        answer = answers.answer(DESCRIPTION)
        assert answer is not None
        self.assertEqual(answer.head, b"HTTP/1.1 200 OK\r\nServer: S\r\nDate: ")
        leaf = root.children[DESCRIPTION.split(b"/")[1]].children[b"description.xml"]
        self.assertIsInstance(leaf, StaticResource)
        self.assertEqual(answer.body, leaf.body)
        self.assertIsNone(answers.answer(layout.presentationPath(jambon()).encode("ascii")))
        self.assertIsNone(answers.answer(DESCRIPTION + b"/more"))
        self.assertIsNone(answers.answer(b"/nope"))


class ClientCapTests(SynchronousTestCase):
    """
    One address may hold many connections while the site has room, never
    more than an eighth of it, and only its guaranteed share once the site
    is half full.
    """

    def connect(self, site: LimitedSite, host: str) -> bool:
        address = IPv4Address("TCP", host, 1)
        channel = site.buildProtocol(address)
        if channel is None:
            return False
        channel.makeConnection(StringTransport(peerAddress=address))
        return True

    def test_oneClientsThirtyTwoConnectionsAreServedAtDefaults(self) -> None:
        """
        At the default limits, 32 connections from one address are all
        accepted, and the 65th is refused (an eighth of 512).
        """
        stats = Stats()
        site = LimitedSite(StaticResource(b"x", b"text/plain"), HTTPLimits(), stats, Clock())
        self.assertEqual([self.connect(site, "10.0.0.1") for _ in range(32)], [True] * 32)
        accepted = sum(self.connect(site, "10.0.0.1") for _ in range(40))
        self.assertEqual(accepted, 64 - 32)
        self.assertEqual(stats["http.refused.client-cap"], 8)

    def test_busySiteHoldsEachClientToItsShare(self) -> None:
        """
        Once the site is half full, a client beyond C{maxConnectionsPerClient}
        gets no more, while another client still gets its share.
        """
        site = LimitedSite(StaticResource(b"x", b"text/plain"), HTTPLimits(maxConnectionsPerClient=2, maxConnections=16), Stats(), Clock())
        for n in range(8):
            self.assertTrue(self.connect(site, f"10.0.1.{n}"))
        self.assertTrue(self.connect(site, "10.0.0.1"))
        self.assertTrue(self.connect(site, "10.0.0.1"))
        self.assertFalse(self.connect(site, "10.0.0.1"))
        self.assertTrue(self.connect(site, "10.0.0.2"))
