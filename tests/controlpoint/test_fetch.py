"""
Tests for L{coherence_lite.controlpoint.fetch}: which URLs are fetched,
bounded HTTP fetching against a real server on 127.0.0.1, and retries on a
L{Clock}.
"""

from __future__ import annotations

import socket
from typing import Any

from twisted.internet import defer, reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent, HTTPConnectionPool
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Site

from coherence_lite.controlpoint.fetch import FetchError, HTTPFetcher, RetryingFetcher, checkURL, locationProblem
from coherence_lite.controlpoint.description import MAX_DESCRIPTION_SIZE, parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice

from tests.support.controlpoint import URL, FakeFetcher, lightDescription


class CheckURLTests(SynchronousTestCase):
    """
    Which URLs are fetched at all.
    """

    def test_onlyPlainHTTPURLsWithAHost(self) -> None:
        """
        Only C{http://} URLs with a host, a valid port and no spaces, controls or non-
        ASCII characters are fetched.
        """
        self.assertIsNone(checkURL("http://192.168.1.1:80/d.xml"))
        self.assertIsNone(checkURL("http://[fe80::1]:80/d.xml"))
        for url in (
            "https://192.168.1.1/d.xml",
            "file:///etc/passwd",
            "ftp://h/x",
            "http:///x",
            "http://h/a b",
            "http://h/\x00",
            "http://h:99999/",
            "http://h/é",
            "gopher://h",
        ):
            self.assertIsNotNone(checkURL(url), url)


class LocationProblemTests(SynchronousTestCase):
    """
    Which announced LOCATIONs are fetched at all.
    """

    def test_devicesAddressesAndNamesAreFetched(self) -> None:
        """
        LOCATIONs on a device's address, a link-local one or a host name have no
        problem.
        """
        for location in ("http://192.168.1.20:80/d.xml", "http://[fe80::1%25eth0]:80/d.xml", "http://nas.local/d.xml"):
            self.assertIsNone(locationProblem(location, "192.168.1.20"), location)

    def test_addressesNoDeviceCanHaveAreNot(self) -> None:
        """
        LOCATIONs on multicast, unspecified or broadcast addresses are refused as
        addresses no device can have.
        """
        for location in ("http://239.255.255.250:80/d.xml", "http://0.0.0.0/d.xml", "http://[::]/d.xml", "http://255.255.255.255/d.xml"):
            problem = locationProblem(location, "192.168.1.20")
            assert problem is not None, location
            self.assertIn("which no device can have", problem)

    def test_loopbackOnlyFromLoopbackOrThisHost(self) -> None:
        """
        A loopback LOCATION is refused when another machine announced it, and accepted
        from loopback or this host.
        """
        for location in ("http://127.0.0.1:6379/", "http://[::1]:80/d.xml"):
            problem = locationProblem(location, "192.168.1.20")
            assert problem is not None, location
            self.assertIn("loopback announced from 192.168.1.20", problem)
            self.assertIsNone(locationProblem(location, "127.0.0.1"))
            self.assertIsNone(locationProblem(location, None))

    def test_malformedOrHostlessLocations(self) -> None:
        """
        Malformed LOCATIONs and LOCATIONs without a host are refused, saying which.
        """
        self.assertEqual(locationProblem("http://[::1/d.xml", None), "malformed LOCATION")
        self.assertEqual(locationProblem(None, None), "LOCATION without a host")
        self.assertEqual(locationProblem("/d.xml", None), "LOCATION without a host")


class _Slow(Resource):
    """
    Never answers; remembers the requests.
    """

    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Any] = []
        self.arrived: Deferred[None] = Deferred()

    def render_GET(self, request: Any) -> Any:
        self.requests.append(request)
        if not self.arrived.called:
            self.arrived.callback(None)
        return NOT_DONE_YET


class _Endless(_Slow):
    """
    Sends a body without length, more than the cap, and never finishes it.
    """

    def render_GET(self, request: Any) -> Any:
        result = super().render_GET(request)
        for _ in range(5):
            request.write(b"x" * 65536)
        return result


class _Status(Resource):
    """
    Answers with a fixed status and body.
    """

    isLeaf = True

    def __init__(self, code: int, body: bytes) -> None:
        super().__init__()
        self.code = code
        self.body = body

    def render_GET(self, request: Any) -> bytes:
        request.setResponseCode(self.code)
        request.setHeader(b"content-type", b'text/xml; charset="utf-8"')
        return self.body


class HTTPFetcherTests(TestCase):
    """
    L{HTTPFetcher} against a real web server on 127.0.0.1.
    """

    timeout = 30

    def setUp(self) -> None:
        self.slow = _Slow()
        self.endless = _Endless()
        root = Resource()
        root.putChild(b"description.xml", _Status(200, lightDescription()))
        root.putChild(b"missing", _Status(404, b"no"))
        root.putChild(b"broken", _Status(500, b"oops"))
        root.putChild(b"big", _Status(200, b"x" * (MAX_DESCRIPTION_SIZE + 1)))
        root.putChild(b"slow", self.slow)
        root.putChild(b"endless", self.endless)
        self.port = reactor.listenTCP(0, Site(root), interface="127.0.0.1")
        self.addCleanup(self.port.stopListening)
        self.base = f"http://127.0.0.1:{self.port.getHost().port}"
        self.pool = HTTPConnectionPool(reactor, persistent=False)
        self.addCleanup(self.pool.closeCachedConnections)
        self.clock = Clock()
        self.fetcher = HTTPFetcher(Agent(reactor, pool=self.pool), self.clock, timeout=10)

    async def fetchError(self, path: str) -> FetchError:
        """
        Fetch C{path} from the test server, expecting a L{FetchError}.
        """
        try:
            await self.fetcher.fetch(self.base + path)
        except FetchError as e:
            return e
        self.fail(f"fetching {path} did not fail")

    @defer.inlineCallbacks
    def test_bodyOfA200(self):
        """
        The body of a 200 answer is what the server sent, and parses.
        """
        body = yield self.fetcher.fetch(self.base + "/description.xml")
        self.assertEqual(body, lightDescription())
        self.assertIsInstance(parseDescription(body, self.base + "/description.xml"), RemoteRootDevice)

    @defer.inlineCallbacks
    def test_clientErrorIsPermanentServerErrorIsNot(self):
        """
        A 4xx status is a permanent error and a 5xx one is worth retrying, each naming
        the status.
        """
        missing = yield defer.ensureDeferred(self.fetchError("/missing"))
        self.assertEqual((missing.reason, missing.permanent), ("HTTP status 404", True))
        broken = yield defer.ensureDeferred(self.fetchError("/broken"))
        self.assertEqual((broken.reason, broken.permanent), ("HTTP status 500", False))

    @defer.inlineCallbacks
    def test_bodyAnnouncedTooLargeIsRefusedUnread(self):
        """
        A body whose Content-Length is over the limit is refused before it is read, for
        good.
        """
        error = yield defer.ensureDeferred(self.fetchError("/big"))
        self.assertTrue(error.permanent)
        self.assertIn("larger than", error.reason)

    @defer.inlineCallbacks
    def test_bodyGrowingTooLargeDropsTheConnection(self):
        """
        A body without length growing over the limit makes the fetcher drop the
        connection, for good.
        """
        errors = defer.ensureDeferred(self.fetchError("/endless"))
        yield self.endless.arrived
        [request] = self.endless.requests
        # The server never finishes: only the client dropping the
        # connection ends the request (the clock never moves).
        yield request.notifyFinish().addErrback(lambda failure: None)
        error = yield errors
        self.assertIn("larger than", error.reason)
        self.assertTrue(error.permanent)

    @defer.inlineCallbacks
    def test_timeoutOnTheInjectedClockDropsTheConnection(self):
        """
        No complete answer within the time limit, measured on the injected clock, drops
        the connection and is worth retrying.
        """
        errors = defer.ensureDeferred(self.fetchError("/slow"))
        yield self.slow.arrived
        [request] = self.slow.requests
        lost = request.notifyFinish()
        self.clock.advance(9.9)
        self.assertFalse(errors.called)
        self.clock.advance(0.1)
        error = yield errors
        self.assertIn("within 10 s", error.reason)
        self.assertFalse(error.permanent)
        yield self.assertFailure(lost, Exception)

    @defer.inlineCallbacks
    def test_refusedConnectionIsARetryableError(self):
        """
        A refused connection is an error worth retrying.
        """
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        try:
            yield self.fetcher.fetch(f"http://127.0.0.1:{closed}/d.xml")
        except FetchError as e:
            self.assertIn("cannot connect", e.reason)
            self.assertFalse(e.permanent)
        else:
            self.fail("no error")

    def test_otherSchemesFailAtOnce(self) -> None:
        """
        A URL that is not C{http://} fails at once, for good, without a request.
        """
        failure = self.failureResultOf(self.fetcher.fetch("https://127.0.0.1/d.xml"), FetchError)
        self.assertTrue(failure.value.permanent)
        self.assertIn("http://", failure.value.reason)


class RetryingFetcherTests(SynchronousTestCase):
    """
    L{RetryingFetcher} around a fake fetcher, on a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.inner = FakeFetcher()
        self.fetcher = RetryingFetcher(self.inner, self.clock)
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)

    def failAttempt(self, permanent: bool = False) -> None:
        """
        Fail the attempt under way.
        """
        self.inner.requests[-1][1].errback(FetchError("connection refused", permanent))

    def test_delaysDouble(self) -> None:
        """
        Retry delays double from the first one, up to the maximum.
        """
        self.assertEqual(self.fetcher.delays(), [2.0, 4.0, 8.0])
        self.assertEqual(RetryingFetcher(self.inner, self.clock, attempts=8, maxDelay=30).delays(), [2, 4, 8, 16, 30, 30, 30])

    def test_retriesAfter2Then4Then8SecondsThenGivesUp(self) -> None:
        """
        Failed attempts are retried after 2, 4 and 8 seconds, each logged at info, then
        the last error is given.
        """
        result = self.fetcher.fetch(URL)
        times = []
        for wait in (2, 4, 8):
            times.append(self.clock.seconds())
            self.failAttempt()
            self.clock.advance(wait - 0.01)
            self.assertEqual(len(self.inner.requests), len(times))
            self.clock.advance(0.01)
        times.append(self.clock.seconds())
        self.assertEqual(times, [0, 2, 6, 14])
        self.failAttempt()
        failure = self.failureResultOf(result, FetchError)
        self.assertEqual(failure.value.reason, "connection refused")
        self.clock.advance(1000)
        self.assertEqual(len(self.inner.requests), 4)
        retried = [e for e in self.events if e["log_level"] == LogLevel.info]
        self.assertEqual(len(retried), 3)
        self.assertEqual([e["delay"] for e in retried], [2, 4, 8])

    def test_successAfterAFailure(self) -> None:
        """
        An attempt succeeding after a failure gives its body.
        """
        result = self.fetcher.fetch(URL)
        self.failAttempt()
        self.clock.advance(2)
        self.inner.requests[-1][1].callback(b"<root/>")
        self.assertEqual(self.successResultOf(result), b"<root/>")

    def test_permanentErrorIsNotRetried(self) -> None:
        """
        A permanent error is not retried.
        """
        result = self.fetcher.fetch(URL)
        self.failAttempt(permanent=True)
        self.failureResultOf(result, FetchError)
        self.clock.advance(100)
        self.assertEqual(len(self.inner.requests), 1)

    def test_cancelStopsTheWaitAndTheAttempts(self) -> None:
        """
        Cancelling while waiting to retry stops the retries and leaves no timer.
        """
        result = self.fetcher.fetch(URL)
        self.failAttempt()
        result.cancel()
        self.failureResultOf(result, defer.CancelledError)
        self.clock.advance(100)
        self.assertEqual(len(self.inner.requests), 1)
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_cancelDuringAnAttemptCancelsIt(self) -> None:
        """
        Cancelling during an attempt cancels that attempt.
        """
        result = self.fetcher.fetch(URL)
        result.cancel()
        self.failureResultOf(result, defer.CancelledError)
        self.assertEqual(self.inner.cancelled, [URL])

    def test_cancelledAttemptFailingOtherwiseIsNotRetried(self) -> None:
        """
        An attempt that fails with a L{FetchError} when cancelled (a name
        lookup cancelled before connecting fails as a DNS error) is not
        retried: the fetch ends cancelled with no timer left.
        """
        attempt: Deferred[bytes] = Deferred(
            lambda d: d.errback(FetchError("cannot resolve the host: DNS lookup failed"))
        )
        self.inner.fetch = lambda url: attempt  # type: ignore[method-assign]
        result = self.fetcher.fetch(URL)
        result.cancel()
        self.failureResultOf(result, defer.CancelledError)
        self.assertEqual(self.clock.getDelayedCalls(), [])
