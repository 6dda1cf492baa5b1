# -*- test-case-name: tests.http.test_limits -*-
"""
Tests for L{coherence_lite.http.limits} and L{coherence_lite.http.server}:
deterministic ones driving a channel over a L{StringTransport} on a
L{Clock}, and real ones against the device site listening on 127.0.0.1 with
small, per-test limits.
"""

from __future__ import annotations

import socket
from typing import Any, Callable

from twisted.internet import reactor as _globalReactor
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, inlineCallbacks
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.error import ConnectionDone
from twisted.internet.protocol import Protocol
from twisted.internet.task import Clock, deferLater
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from coherence_lite.host.site import makeSite
from coherence_lite.http.channel import LimitedHTTPChannel
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.http.resources import StaticResource, errorPage
from coherence_lite.http.server import LimitedSite
from coherence_lite.model import layout
from coherence_lite.model.description import buildDocuments
from coherence_lite.stats import Stats

from tests.support import jambon

reactor: Any = _globalReactor

#: Longest a real-socket test waits for something to happen, in seconds.
WAIT = 5.0

CLIENT = IPv4Address("TCP", "127.0.0.1", 40000)


class _Boom(Resource):
    """
    A resource whose rendering fails, after setting a header of its own.
    """

    isLeaf = True

    def render(self, request: Request) -> bytes:
        request.setHeader(b"Content-Length", b"12345")
        raise RuntimeError("secret internal state /etc/shadow")


class _NotBytes(Resource):
    """
    A resource returning text instead of bytes.
    """

    isLeaf = True

    def render(self, request: Request) -> Any:
        return "internal <object at 0xdeadbeef>"


class _Hold(Resource):
    """
    A resource that never finishes its answer: its connections stay busy.
    """

    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.held: list[Request] = []

    def render_GET(self, request: Request) -> int:
        self.held.append(request)
        return NOT_DONE_YET


class _Capture(Resource):
    """
    A resource keeping each request it answers, with its body.
    """

    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[Request, bytes]] = []

    def render_POST(self, request: Request) -> bytes:
        self.seen.append((request, request.content.read()))
        return b"ok"

    render_GET = render_POST


class _CountingTransport(StringTransport):
    """
    A transport counting how often its local address is asked for.
    """

    asked = 0

    def getHost(self) -> Any:
        self.asked += 1
        return super().getHost()


def _site(limits: HTTPLimits, clock: Any = None, stats: Stats | None = None) -> LimitedSite:
    site = makeSite([buildDocuments(jambon())], server="TestOS/1 UPnP/1.1 coherence-lite/test", limits=limits, stats=stats, reactor=clock)
    root: Any = site.resource
    root.putChild(b"boom", _Boom())
    root.putChild(b"not-bytes", _NotBytes())
    root.putChild(b"hold", _Hold())
    root.putChild(b"capture", _Capture())
    return site


def _description() -> bytes:
    return layout.descriptionPath(jambon()).encode("ascii")


def _get(path: bytes, close: bool = False) -> bytes:
    connection = b"Connection: close\r\n" if close else b""
    return b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + connection + b"\r\n"


class ChannelTests(SynchronousTestCase):
    """
    The limits of one channel, over a L{StringTransport} on a L{Clock}.
    """

    limits = HTTPLimits(idleTimeout=30, requestTimeout=10, maxLineLength=1024, maxHeaders=20, maxHeadSize=4096, maxBodySize=1000, abortTimeout=5)

    def setUp(self) -> None:
        self.clock = Clock()
        self.stats = Stats()
        self.site = _site(self.limits, self.clock, self.stats)
        self.site.startFactory()
        self.addCleanup(self.site.stopFactory)

    def connect(self) -> tuple[LimitedHTTPChannel, StringTransport]:
        channel = self.site.buildProtocol(CLIENT)
        self.assertIsInstance(channel, LimitedHTTPChannel)
        transport = StringTransport(peerAddress=CLIENT)
        channel.makeConnection(transport)
        return channel, transport

    def lose(self, channel: LimitedHTTPChannel) -> None:
        channel.connectionLost(Failure(ConnectionDone()))

    def status(self, transport: StringTransport) -> bytes:
        return transport.value().split(b"\r\n", 1)[0]

    def test_longRequestLineIs414WithinTheFirstRead(self) -> None:
        """
        A huge URL is refused with 414 as soon as the line is longer than
        the limit: what follows is not read, so memory stays bounded.
        """
        channel, transport = self.connect()
        chunk = b"GET /" + b"a" * 65536
        channel.dataReceived(chunk)
        self.assertEqual(self.status(transport), b"HTTP/1.1 414 URI Too Long")
        self.assertTrue(transport.disconnecting)
        before = transport.value()
        for _ in range(15):
            channel.dataReceived(b"a" * 65536)
        self.assertEqual(transport.value(), before)
        self.assertEqual(self.stats["http.rejected.line-too-long"], 1)
        self.assertEqual(self.stats["http.responses.4xx"], 1)

    def test_longHeaderLineIs431(self) -> None:
        """
        A header line longer than the limit is refused with 431 and the connection closed.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 2000 + b"\r\n\r\n")
        self.assertEqual(self.status(transport), b"HTTP/1.1 431 Request Header Fields Too Large")
        self.assertTrue(transport.disconnecting)

    def test_tooManyHeadersIs431(self) -> None:
        """
        More header lines than the limit are refused with 431 and counted as a head too large.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(10_000)) + b"\r\n")
        self.assertEqual(self.status(transport), b"HTTP/1.1 431 Request Header Fields Too Large")
        self.assertEqual(self.stats["http.rejected.head-too-large"], 1)

    def test_headersUpToTheLimitAreServed(self) -> None:
        """
        A request with as many header lines as the limit allows is served.
        """
        channel, transport = self.connect()
        headers = b"".join(b"X-%d: y\r\n" % i for i in range(self.limits.maxHeaders - 2))
        channel.dataReceived(b"GET " + _description() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + b"\r\n")
        self.assertEqual(self.status(transport), b"HTTP/1.1 200 OK")

    def test_largeHeadIs431(self) -> None:
        """
        A head larger than the limit in bytes, though each line is short enough, is refused with
        431.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 900) for i in range(5)) + b"\r\n")
        self.assertEqual(self.status(transport), b"HTTP/1.1 431 Request Header Fields Too Large")

    def test_announcedLargeBodyIs413BeforeItArrives(self) -> None:
        """
        A Content-Length above the body limit is refused with 413 before any body byte arrives.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
        self.assertEqual(self.status(transport), b"HTTP/1.1 413 Content Too Large")
        self.assertEqual(self.stats["http.rejected.body-too-large"], 1)

    def test_chunkedBodyGrowingBeyondTheLimitIs413(self) -> None:
        """
        A chunked body is refused with 413 as soon as it grows beyond the limit, having kept no more
        than the limit.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(3):
            channel.dataReceived(b"200\r\n" + b"x" * 0x200 + b"\r\n")
        self.assertEqual(self.status(transport), b"HTTP/1.1 413 Content Too Large")
        request = channel.requests[0]
        self.assertLessEqual(len(request.content.getvalue()), self.limits.maxBodySize)

    def test_bodyWithinTheLimitReachesTheResource(self) -> None:
        """
        A body of exactly the limit reaches the resource, which answers it.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n" + b"x" * 1000)
        self.assertEqual(self.status(transport), b"HTTP/1.1 405 Method Not Allowed")

    def test_postedFormIsNotParsed(self) -> None:
        """
        A POST body is left to the resource: a form is not read into
        C{request.args} (only the query string is), and the body is whole.
        """
        channel, transport = self.connect()
        body = b"a=1&b=2"
        channel.dataReceived(
            b"POST /capture?q=3 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        self.assertEqual(self.status(transport), b"HTTP/1.1 200 OK")
        [(request, received)] = self.site.resource.getStaticEntity(b"capture").seen  # type: ignore[attr-defined]
        self.assertEqual(request.args, {b"q": [b"3"]})
        self.assertEqual(received, body)

    def test_localAddressIsAskedOnce(self) -> None:
        """
        The connection's local address is asked of the transport once, and
        each request on the connection carries it.
        """
        channel = self.site.buildProtocol(CLIENT)
        transport = _CountingTransport(peerAddress=CLIENT)
        channel.makeConnection(transport)
        channel.dataReceived(_get(b"/capture") + _get(b"/capture"))
        self.assertEqual(transport.asked, 1)
        seen = self.site.resource.getStaticEntity(b"capture").seen  # type: ignore[attr-defined]
        self.assertEqual([request.getHost() for request, _ in seen], [transport.getHost()] * 2)

    def test_slowRequestGets408AtTheDeadline(self) -> None:
        """
        A client that trickles its head (slowloris) keeps the idle timer
        alive but not the request deadline.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"GET / HTTP/1.1\r\n")
        for _ in range(9):
            self.clock.advance(1)
            channel.dataReceived(b"X")
        self.assertEqual(transport.value(), b"")
        self.clock.advance(1)
        self.assertEqual(self.status(transport), b"HTTP/1.1 408 Request Timeout")
        self.assertTrue(transport.disconnecting)
        self.assertEqual(self.stats["http.timeouts.request"], 1)
        aborted: list[bool] = []
        transport.abortConnection = lambda: aborted.append(True)  # type: ignore[method-assign]
        self.lose(channel)
        self.clock.advance(100)
        self.assertEqual(aborted, [])

    def test_rejectedClientThatNeverReadsIsAborted(self) -> None:
        """
        A refused client that reads nothing has its connection aborted after the abort timeout.
        """
        channel, transport = self.connect()
        aborted: list[bool] = []
        transport.abortConnection = lambda: aborted.append(True)  # type: ignore[method-assign]
        channel.dataReceived(b"GET /" + b"a" * 2000)
        self.clock.advance(self.limits.abortTimeout)
        self.assertEqual(aborted, [True])

    def test_idleConnectionIsClosed(self) -> None:
        """
        A connection silent for the idle timeout is closed without an answer and counted.
        """
        channel, transport = self.connect()
        self.clock.advance(29)
        self.assertFalse(transport.disconnecting)
        self.clock.advance(1)
        self.assertTrue(transport.disconnecting)
        self.assertEqual(transport.value(), b"")
        self.assertEqual(self.stats["http.timeouts.idle"], 1)

    def test_deadlineStartsWithEachRequestsFirstByte(self) -> None:
        """
        Between keep-alive requests only the idle timeout runs; each request
        gets its own deadline from its first byte.
        """
        channel, transport = self.connect()
        for _ in range(3):
            transport.clear()
            self.clock.advance(25)
            channel.dataReceived(_get(_description()))
            self.assertEqual(self.status(transport), b"HTTP/1.1 200 OK")
        self.assertFalse(transport.disconnecting)
        transport.clear()
        channel.dataReceived(b"GET / HT")
        self.clock.advance(10)
        self.assertEqual(self.status(transport), b"HTTP/1.1 408 Request Timeout")

    def test_pipelinedRequestsAreAnswered(self) -> None:
        """
        Pipelined requests are all answered, in order, and counted by status class.
        """
        channel, transport = self.connect()
        channel.dataReceived(_get(_description()) * 3 + _get(b"/", close=True))
        self.assertEqual(transport.value().count(b"HTTP/1.1 200 OK"), 4)
        self.assertTrue(transport.disconnecting)
        self.assertEqual(self.stats["http.requests"], 4)
        self.assertEqual(self.stats["http.responses.2xx"], 4)

    def test_answersStopWhenTheSendBufferIsFull(self) -> None:
        """
        Once the transport says its buffer is full, the answer being written
        is the last: pipelined requests after it are dropped with the
        connection, which is aborted if it cannot even send that.
        """
        channel, transport = self.connect()
        aborted: list[bool] = []
        transport.abortConnection = lambda: aborted.append(True)  # type: ignore[method-assign]
        channel.pauseProducing()
        channel.dataReceived(_get(_description()) * 3)
        self.assertEqual(transport.value().count(b"HTTP/1.1 200 OK"), 1)
        self.assertTrue(transport.disconnecting)
        self.assertEqual(self.stats["http.rejected.unread-responses"], 1)
        self.clock.advance(self.limits.abortTimeout)
        self.assertEqual(aborted, [True])

    def test_errorResponseIsComplete(self) -> None:
        """
        A refusal is a whole response: Server, Content-Length, Connection:
        close and the fixed page.
        """
        channel, transport = self.connect()
        channel.dataReceived(b"GET /" + b"a" * 2000)
        head, _, body = transport.value().partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        self.assertIn(b"Server: TestOS/1 UPnP/1.1 coherence-lite/test", lines)
        self.assertIn(b"Connection: close", lines)
        self.assertIn(b"Content-Length: %d" % len(body), lines)
        self.assertEqual(body, errorPage(414))

    def test_refusalIsDatedByTheSitesClock(self) -> None:
        """
        The C{Date} of a refusal is the site's clock's time, not the wall
        clock's.
        """
        self.clock.advance(784111777)
        channel, transport = self.connect()
        channel.dataReceived(b"GET /" + b"a" * 2000)
        self.assertIn(b"Date: Sun, 06 Nov 1994 08:49:37 GMT", transport.value().split(b"\r\n"))

    def test_channelsHaveNoSharedDefaults(self) -> None:
        """
        A channel cannot be built without its limits, counters and clock,
        so none falls back on values shared by every channel.
        """
        self.assertRaises(TypeError, LimitedHTTPChannel)
        for name in ("limits", "stats", "serverHeader", "clientKey"):
            self.assertFalse(hasattr(LimitedHTTPChannel, name), name)

    def test_connectionCountsFollowOpenAndClose(self) -> None:
        """
        The site's count of open connections follows connections opening and closing.
        """
        channels = [self.connect()[0] for _ in range(3)]
        self.assertEqual(self.site.openConnections, 3)
        for channel in channels:
            self.lose(channel)
        self.assertEqual(self.site.openConnections, 0)
        self.assertEqual(self.stats["http.connections"], 3)


class CapTests(SynchronousTestCase):
    """
    Connection caps, by the factory alone.
    """

    def test_perClientAndTotalCaps(self) -> None:
        """
        Connections beyond the per-client or the total cap (every open
        connection being answered) are refused, counted, and allowed again
        once one closes.
        """
        stats = Stats()
        site = _site(HTTPLimits(maxConnectionsPerClient=2, maxConnections=3), Clock(), stats)
        a = IPv4Address("TCP", "192.168.1.2", 1)
        b = IPv4Address("TCP", "192.168.1.3", 1)

        def busy(address: IPv4Address) -> LimitedHTTPChannel:
            channel = site.buildProtocol(address)
            channel.makeConnection(StringTransport(peerAddress=address))
            channel.dataReceived(_get(b"/hold"))
            return channel  # type: ignore[no-any-return]

        first = busy(a)
        busy(a)
        self.assertIsNone(site.buildProtocol(a))
        busy(b)
        self.assertIsNone(site.buildProtocol(b))
        self.assertEqual((stats["http.refused.client-cap"], stats["http.refused.total-cap"]), (1, 1))
        first.connectionLost(Failure(ConnectionDone()))
        self.assertIsNotNone(site.buildProtocol(a))

    def test_limitsAreValidated(self) -> None:
        """
        Limits of zero or below are refused when the limits are built.
        """
        for bad in ({"idleTimeout": 0}, {"requestTimeout": -1}, {"maxConnections": 0}, {"maxBodySize": 0}):
            self.assertRaises(ValueError, HTTPLimits, **bad)


class _Client(Protocol):
    """
    Sends bytes as they are; collects the answer; fires C{lost} with it
    when the connection ends.
    """

    def __init__(self, data: bytes = b"") -> None:
        self.data = data
        self.received = bytearray()
        self.lost: Deferred[bytes] = Deferred()
        self.receivedSomething: Deferred[None] = Deferred()
        self.isOpen = False

    def connectionMade(self) -> None:
        self.isOpen = True
        if self.data:
            self.transport.write(self.data)  # type: ignore[union-attr]

    def dataReceived(self, data: bytes) -> None:
        self.received += data
        if not self.receivedSomething.called:
            self.receivedSomething.callback(None)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:
        self.isOpen = False
        self.lost.callback(bytes(self.received))


class RealSocketTests(TestCase):
    """
    The device site on 127.0.0.1, attacked with real connections.
    """

    timeout = 20

    def listen(self, limits: HTTPLimits) -> LimitedSite:
        self.stats = Stats()
        site = _site(limits, stats=self.stats)
        port = reactor.listenTCP(0, site, interface="127.0.0.1")
        self.portNumber = port.getHost().port
        self.clients: list[_Client] = []
        self.addCleanup(port.stopListening)
        self.addCleanup(self.closeAll, site)
        return site

    @inlineCallbacks
    def closeAll(self, site: LimitedSite) -> Any:
        for client in self.clients:
            if client.isOpen:
                client.transport.loseConnection()  # type: ignore[union-attr]
        yield self.until(lambda: site.openConnections == 0 and not any(c.isOpen for c in self.clients))

    @inlineCallbacks
    def until(self, condition: Callable[[], bool], timeout: float = WAIT) -> Any:
        """
        Wait, by short steps of the reactor, until C{condition()} holds or
        C{timeout} seconds have passed.
        """
        waited = 0.0
        while not condition() and waited < timeout:
            yield deferLater(reactor, 0.01, lambda: None)
            waited += 0.01
        return condition()

    @inlineCallbacks
    def connect(self, data: bytes = b"", source: str = "127.0.0.1") -> Any:
        client = _Client(data)
        self.clients.append(client)
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", self.portNumber, bindAddress=(source, 0))
        yield connectProtocol(endpoint, client)
        return client

    @inlineCallbacks
    def test_excessConnectionsFromOneClientAreClosedAtOnce(self) -> Any:
        """
        30 connections from one address: 20 are served, 10 are closed
        unanswered, and counted.
        """
        site = self.listen(HTTPLimits(maxConnectionsPerClient=20, maxConnections=100))
        clients = []
        for _ in range(30):
            clients.append((yield self.connect()))
        self.assertTrue((yield self.until(lambda: sum(not c.isOpen for c in clients) == 10)))
        refused = [c for c in clients if not c.isOpen]
        self.assertEqual([c.received for c in refused], [bytearray()] * 10)
        self.assertEqual(self.stats["http.refused.client-cap"], 10)
        self.assertEqual(site.openConnections, 20)
        for client in clients:
            if client.isOpen:
                client.transport.write(_get(_description()))  # type: ignore[union-attr]
        served = [c for c in clients if c.isOpen]
        self.assertTrue((yield self.until(lambda: all(c.received.startswith(b"HTTP/1.1 200 OK") for c in served))))

    @inlineCallbacks
    def test_globalCapCountsEveryClient(self) -> Any:
        """
        The total cap counts the connections of every client together
        (each being answered, so none can make room).
        """
        site = self.listen(HTTPLimits(maxConnectionsPerClient=3, maxConnections=4))
        first, second = [], []
        for _ in range(3):
            first.append((yield self.connect(_get(b"/hold"), source="127.0.0.1")))
        second.append((yield self.connect(_get(b"/hold"), source="127.0.0.2")))
        hold: Any = site.resource.children[b"hold"]  # type: ignore[attr-defined]
        yield self.until(lambda: len(hold.held) == 4)
        second.append((yield self.connect(_get(b"/hold"), source="127.0.0.2")))
        self.assertTrue((yield self.until(lambda: not second[1].isOpen)))
        self.assertTrue(all(c.isOpen for c in first + second[:1]))
        self.assertEqual(site.openConnections, 4)
        self.assertEqual(self.stats["http.refused.total-cap"], 1)

    @inlineCallbacks
    def test_megabyteURLIs414AndClosed(self) -> Any:
        """
        A one-megabyte URL over a real socket gets 414 and a closed connection.
        """
        self.listen(HTTPLimits())
        client = yield self.connect(b"GET /" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = yield client.lost
        self.assertTrue(answer.startswith(b"HTTP/1.1 414 "), answer[:40])
        self.assertEqual(self.stats["http.rejected.line-too-long"], 1)

    @inlineCallbacks
    def test_tenThousandHeadersAre431AndClosed(self) -> Any:
        """
        Ten thousand header lines over a real socket get 431 and a closed connection.
        """
        self.listen(HTTPLimits())
        client = yield self.connect(b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(10_000)) + b"\r\n")
        answer = yield client.lost
        self.assertTrue(answer.startswith(b"HTTP/1.1 431 "), answer[:40])

    @inlineCallbacks
    def test_idleConnectionIsClosedAfterTheTimeout(self) -> Any:
        """
        A real connection that sends nothing is closed after the idle timeout, unanswered.
        """
        self.listen(HTTPLimits(idleTimeout=0.2))
        client = yield self.connect()
        answer = yield client.lost
        self.assertEqual(answer, b"")
        self.assertEqual(self.stats["http.timeouts.idle"], 1)

    @inlineCallbacks
    def test_trickledRequestGets408(self) -> Any:
        """
        A real client trickling its head one byte at a time gets 408 at the request deadline.
        """
        self.listen(HTTPLimits(idleTimeout=10, requestTimeout=0.3))
        client = yield self.connect(b"GET / HTTP/1.1\r\n")
        sent = 0
        while client.isOpen and sent < 100:
            yield deferLater(reactor, 0.05, lambda: None)
            if client.isOpen:
                client.transport.write(b"X")  # type: ignore[union-attr]
                sent += 1
        answer = yield client.lost
        self.assertTrue(answer.startswith(b"HTTP/1.1 408 "), answer[:40])
        self.assertLess(sent, 100)

    @inlineCallbacks
    def test_clientNotReadingPipelinedAnswersIsCutOff(self) -> Any:
        """
        A client that pipelines thousands of requests and reads nothing gets
        a bounded number of answers queued, then its connection closed.
        """
        site = self.listen(HTTPLimits(abortTimeout=0.5))
        client = _Client()
        self.clients.append(client)
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", self.portNumber)
        yield connectProtocol(endpoint, client)
        transport: Any = client.transport
        transport.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        transport.pauseProducing()  # read nothing
        transport.write(_get(_description()) * 5000)
        cutOff = yield self.until(lambda: self.stats["http.rejected.unread-responses"] == 1)
        self.assertTrue(cutOff)
        self.assertLess(self.stats["http.requests"], 5000)
        self.assertTrue((yield self.until(lambda: site.openConnections == 0)))

    @inlineCallbacks
    def test_failingResourceIsAPlain500(self) -> Any:
        """
        An exception while rendering is logged; the client gets a fixed 500
        page with a correct length and none of the exception's text.
        """
        self.listen(HTTPLimits())
        for path in (b"/boom", b"/not-bytes"):
            client = yield self.connect(_get(path, close=True))
            answer = yield client.lost
            head, _, body = answer.partition(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.1 500 Internal Server Error"), head)
            self.assertIn(b"content-length: %d" % len(body), head.lower().split(b"\r\n"))
            self.assertEqual(body, errorPage(500))
            for secret in (b"Traceback", b"RuntimeError", b"shadow", b"0x", b"Resource", b"File "):
                self.assertNotIn(secret, answer)
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)
        self.assertEqual(len(self.flushLoggedErrors(TypeError)), 1)
        self.assertEqual(self.stats["http.responses.5xx"], 2)

    @inlineCallbacks
    def test_countsByStatusClass(self) -> Any:
        """
        Answered requests over real sockets are counted in all and by status class.
        """
        self.listen(HTTPLimits())
        for path in (_description(), b"/nothing", b"/"):
            client = yield self.connect(_get(path, close=True))
            yield client.lost
        self.assertEqual(self.stats["http.requests"], 3)
        self.assertEqual((self.stats["http.responses.2xx"], self.stats["http.responses.4xx"]), (2, 1))


class _KeepAliveClient(Protocol):
    """
    Sends one request, and the next once the whole answer (by its
    Content-Length) has been read.
    """

    def __init__(self, requests: list[bytes]) -> None:
        self.requests = requests
        self.answers: list[bytes] = []
        self.buffer = b""
        self.done: Deferred[list[bytes]] = Deferred()
        self.lost = False

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(self.requests.pop(0))

    def dataReceived(self, data: bytes) -> None:
        self.buffer += data
        head, separator, body = self.buffer.partition(b"\r\n\r\n")
        if not separator:
            return
        length = int(next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")).split(b":")[1])
        if len(body) < length:
            return
        self.answers.append(head)
        self.buffer = body[length:]
        if self.requests:
            assert self.transport is not None
            self.transport.write(self.requests.pop(0))
        else:
            self.done.callback(self.answers)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:
        self.lost = True
        if not self.done.called:
            self.done.callback(self.answers)


class LargeAnswerKeepAliveTests(TestCase):
    """
    One answer larger than the transport's buffer, read by the client, does
    not cost the connection: only pipelining while not reading does.
    """

    @inlineCallbacks
    def test_largeAnswerThenNextRequestOnTheSameConnection(self) -> Any:
        """
        Two 1 MiB answers in a row on one keep-alive connection, neither
        refused as unread.
        """
        root = Resource()
        root.putChild(b"big", StaticResource(b"x" * (1024 * 1024), b"application/octet-stream"))
        stats = Stats()
        site = LimitedSite(root, stats=stats)
        port = _globalReactor.listenTCP(0, site, interface="127.0.0.1")  # type: ignore[attr-defined]
        self.addCleanup(port.stopListening)
        request = b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        client = _KeepAliveClient([request, request])
        yield connectProtocol(TCP4ClientEndpoint(_globalReactor, "127.0.0.1", port.getHost().port), client)
        answers = yield client.done
        self.assertEqual([answer.split(b"\r\n")[0] for answer in answers], [b"HTTP/1.1 200 OK"] * 2)
        self.assertEqual(stats["http.rejected.unread-responses"], 0)
        assert client.transport is not None
        client.transport.loseConnection()
