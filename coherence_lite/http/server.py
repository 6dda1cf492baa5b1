# -*- test-case-name: tests.http.test_limits -*-
"""
L{LimitedSite}: a L{Site} whose connections are
L{coherence_lite.http.channel.LimitedHTTPChannel}s, with connection caps, and
whose requests are L{LimitedRequest}s: bodies bounded while they arrive,
failures answered with a plain 500 page.  The limits and the counters are
described in L{coherence_lite.http.limits}.
"""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from typing import Any, Sequence

from twisted.internet.interfaces import IAddress, IReactorTime
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web import http
from twisted.web.http_headers import Headers
from twisted.web.resource import IResource
from twisted.web.server import NOT_DONE_YET, Request, Site

from coherence_lite.http.fast import FastAnswers
from coherence_lite.http.channel import LimitedHTTPChannel
from coherence_lite.http.hosts import HostPolicy
from coherence_lite.http.limits import HTTPLimits, statusCounter
from coherence_lite.http.resources import HTML_CONTENT_TYPE, NOSNIFF, ErrorResource, errorPage
from coherence_lite.stats import Stats

__all__ = ["LimitedRequest", "LimitedSite"]

log = Logger()


class _BytesOnly:
    """
    Renders a resource and refuses any result but bytes or C{NOT_DONE_YET},
    so that Twisted never shows its own page about the value returned.
    """

    def __init__(self, resource: IResource) -> None:
        self.resource = resource

    def render(self, request: Request) -> bytes | int:
        body = self.resource.render(request)
        if body is not NOT_DONE_YET and not isinstance(body, bytes):
            raise TypeError(f"{self.resource!r} rendered {type(body).__name__}, not bytes")
        return body


class LimitedRequest(Request):
    """
    A L{Request} that keeps at most C{maxBodySize} bytes of body and answers
    failures with a plain 500 page.
    """

    _bodyReceived = 0

    def handleContentChunk(self, data: bytes) -> None:
        """
        Keep a chunk of the body, unless the body grows beyond the limit:
        then the channel answers 413.
        """
        channel = self.channel
        if isinstance(channel, LimitedHTTPChannel):
            if channel.rejected:
                return
            self._bodyReceived += len(data)
            if self._bodyReceived > channel.limits.maxBodySize:
                channel.reject(413, "body-too-large")
                return
        super().handleContentChunk(data)

    def render(self, resrc: IResource) -> None:
        """
        Render C{resrc}; a result that is not bytes is a failure.
        """
        super().render(_BytesOnly(resrc))

    def processingFailed(self, reason: Failure) -> Failure:
        """
        Log the failure and answer a plain C{500 Internal Server Error}:
        no traceback, no repr, nothing of the request.
        """
        log.failure(
            "Error answering {method} {uri}",
            failure=reason,
            method=self.method.decode("latin-1"),
            uri=self.uri.decode("latin-1")[:200],
        )
        if self.finished or self.channel is None:
            return reason
        if self.startedWriting:
            # Too late for a status: cut the response short.
            self.channel.loseConnection()
            return reason
        kept = {name: self.responseHeaders.getRawHeaders(name) for name in (b"server", b"date")}
        self.responseHeaders = Headers()
        for name, values in kept.items():
            if values:
                self.responseHeaders.setRawHeaders(name, values)
        body = errorPage(500)
        self.setResponseCode(500)
        self.setHeader(b"Content-Type", HTML_CONTENT_TYPE)
        self.setHeader(b"Content-Length", b"%d" % (len(body),))
        self.setHeader(*NOSNIFF)
        self.write(body)
        self.finish()
        return reason


class LimitedSite(Site):
    """
    A L{Site} with L{HTTPLimits}, connection caps and counters.

    @ivar limits: the limits.
    @ivar stats: where requests, refusals and timeouts are counted.
    @ivar serverHeader: the C{Server} value of error responses made by the
        channel, or L{None}.
    @ivar hostPolicy: which C{Host} headers are answered (see
        L{coherence_lite.http.hosts}); L{None} answers any.
    """

    requestFactory = LimitedRequest
    displayTracebacks = False
    noisy = False

    def logPrefix(self) -> str:
        """
        How Twisted names this site in its lines (C{HTTP starting on 8080}).
        """
        return "HTTP"

    def __init__(
        self,
        resource: IResource,
        limits: HTTPLimits = HTTPLimits(),
        stats: Stats | None = None,
        reactor: IReactorTime | None = None,
        serverHeader: bytes | None = None,
        hostPolicy: HostPolicy | None = None,
    ) -> None:
        """
        @param resource: the root resource.
        @param reactor: for timeouts and the C{Date} of refusals; the global
            reactor when L{None}.
        """
        super().__init__(resource, timeout=limits.idleTimeout, reactor=reactor)
        # No resource reads a form from request.args: the panel parses its
        # own bounded body.  Without this (the Site's parsePOSTFormSubmission,
        # set after construction: older Twisted versions take no such argument)
        # Twisted parses the Content-Type of every POST, each SOAP call, with
        # the email package: a sixth of a Browse's time on the reactor.
        self._parsePOSTFormSubmission = False
        self.limits = limits
        self.stats = stats if stats is not None else Stats()
        self.serverHeader = serverHeader
        self.hostPolicy = hostPolicy
        self._fast: FastAnswers | None = None
        self._open = 0
        self._perClient: Counter[str] = Counter()
        self._clientOf: dict[LimitedHTTPChannel, str] = {}
        self._evicted: set[LimitedHTTPChannel] = set()

    def protocol(self) -> LimitedHTTPChannel:  # type: ignore[override]
        """
        A channel with this site's limits, counters and clock, for
        L{buildProtocol}.  (Twisted declares this attribute as a factory of
        its own channel wrapper, hence the override.)
        """
        return LimitedHTTPChannel(
            self.limits, self.stats, self._connectionClosed, self.serverHeader, self.reactor, self.fastAnswers
        )

    @property
    def openConnections(self) -> int:
        """
        How many connections are open now (not counting those closing to
        make room).
        """
        return self._open - len(self._evicted)

    def everyResponseHeaders(self) -> Sequence[tuple[bytes, bytes]] | None:
        """
        The headers this site adds to every response (C{Server} first), for
        the prebuilt answers of L{fastAnswers}; L{None} (here) turns the
        fast path off.  A subclass that adds headers in L{getResourceFor}
        returns them here.
        """
        return None

    def fastAnswers(self) -> FastAnswers | None:
        """
        The prebuilt answers of the current resource tree (see
        L{coherence_lite.http.fast}), or L{None} without a fast path.
        """
        fast = self._fast
        if fast is not None and fast.root is self.resource:
            return fast
        headers = self.everyResponseHeaders()
        if headers is None:
            return None
        fast = self._fast = FastAnswers(self.resource, headers, self.limits)
        return fast

    def getResourceFor(self, request: Request) -> IResource:
        """
        The resource answering C{request}: an error page when its C{Host}
        is refused (counted as C{http.rejected.host}), else the tree's.
        """
        policy = self.hostPolicy
        if policy is not None:
            refusal = policy.refusal(
                request.requestHeaders.getRawHeaders(b"Host"), request.clientproto, str(getattr(request.getHost(), "host", ""))
            )
            if refusal is not None:
                self.stats.count("http.rejected.host")
                log.debug("HTTP request for Host {host} refused with {code}", host=request.getHeader(b"Host"), code=refusal)
                return ErrorResource(refusal)
        resource: IResource = super().getResourceFor(request)
        return resource

    def clientCap(self, clientKey: str) -> int:
        """
        How many connections C{clientKey} may hold now.

        A client may always hold C{maxConnectionsPerClient}.  While the
        site is less than half full it may hold up to an eighth of
        C{maxConnections} (64 at the defaults): a browser, a benchmark or a
        busy control point with 32 keep-alive connections is served at
        defaults, while one address can never take more than an eighth of
        the site, nor more than its share once others need the room.
        """
        limits = self.limits
        if self.openConnections * 2 < limits.maxConnections:
            return max(limits.maxConnectionsPerClient, limits.maxConnections // 8)
        return limits.maxConnectionsPerClient

    def buildProtocol(self, addr: IAddress | None) -> Any:
        """
        Build a channel for a new connection, or refuse it (L{None}, which
        closes it at once) when its client is at its cap (see
        L{clientCap}).  When the site is full, the connection that has been
        idle longest is closed to make room (else the one whose request has
        been arriving longest): connections that send nothing cannot lock
        others out.  Only when every connection is busy answering is the
        new one refused.
        """
        clientKey = str(getattr(addr, "host", ""))
        if self._perClient[clientKey] >= self.clientCap(clientKey):
            self._refuse("client-cap", clientKey)
            return None
        if self.openConnections >= self.limits.maxConnections and not self._makeRoom():
            self._refuse("total-cap", clientKey)
            return None
        channel = super().buildProtocol(addr)
        if channel is None:
            return None
        assert isinstance(channel, LimitedHTTPChannel), channel
        self._clientOf[channel] = clientKey
        self._open += 1
        self._perClient[clientKey] += 1
        self.stats.count("http.connections")
        return channel

    def _makeRoom(self) -> bool:
        ranked = [
            (rank, channel) for channel in self._clientOf if channel not in self._evicted
            for rank in [channel.evictable()] if rank is not None
        ]
        if not ranked:
            return False
        _, victim = min(ranked, key=lambda pair: pair[0])
        self._evicted.add(victim)
        victim.evict()
        return True

    def _refuse(self, cap: str, clientKey: str) -> None:
        self.stats.count(f"http.refused.{cap}")
        log.debug("HTTP connection from {client} refused: {cap}", client=clientKey, cap=cap)

    def _connectionClosed(self, channel: LimitedHTTPChannel) -> None:
        self._evicted.discard(channel)
        clientKey = self._clientOf.pop(channel)
        self._open -= 1
        self._perClient[clientKey] -= 1
        if self._perClient[clientKey] <= 0:
            del self._perClient[clientKey]

    def getContentFile(self, length: int | None) -> BytesIO:
        """
        Where a request body goes: memory, as bodies are at most
        C{maxBodySize} bytes (Twisted would use a temporary file for large
        or chunked ones).
        """
        return BytesIO()

    def log(self, request: http.Request) -> None:
        """
        Count an answered request by status class, then write the access
        log line.
        """
        self.stats.count("http.requests")
        self.stats.count(statusCounter(request.code))
        super().log(request)
