# -*- test-case-name: tests.test_httplimits -*-
"""
HTTP that a hostile network cannot exhaust: bounded requests, timeouts,
connection caps and error pages without internals.

L{LimitedSite} is a L{Site} whose connections are L{LimitedHTTPChannel}s
and whose requests are L{LimitedRequest}s.  With its L{HTTPLimits}:

  - A request line or header line longer than C{maxLineLength} gets
    C{414 URI Too Long} (request line) or C{431 Request Header Fields Too
    Large} (header line); more than C{maxHeaders} header lines or a head
    larger than C{maxHeadSize} bytes gets 431.  A body larger than
    C{maxBodySize} (announced by C{Content-Length} or counted while it
    arrives) gets C{413 Content Too Large}.  The connection is then
    closed, so at most about one line and one socket read are buffered.
  - A connection without any byte for C{idleTimeout} seconds is closed; a
    request (head and body) must arrive within C{requestTimeout} seconds
    of its first byte or gets C{408 Request Timeout} (slowloris).
  - At most C{maxConnectionsPerClient} connections per client address and
    C{maxConnections} in all; more are closed at once, unanswered.
  - A client that pipelines requests without reading the answers gets its
    connection closed once the answers queued so far are sent (or after
    C{abortTimeout}), so unread answers never pile up in memory.
  - An exception while rendering gives a plain C{500} page (the failure is
    logged, never sent); so does a resource returning something other
    than bytes.

Everything refused or timed out is counted in a L{Stats}:
C{http.rejected.<reason>} (C{line-too-long}, C{head-too-large},
C{body-too-large}, C{unread-responses}),
C{http.refused.client-cap}, C{http.refused.total-cap}, C{http.timeouts.idle},
C{http.timeouts.request}; and every response by status class,
C{http.responses.2xx} to C{http.responses.5xx}, with C{http.requests} for
the requests answered by a resource.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape
from io import BytesIO
from typing import Any, Callable, cast

from twisted.internet.interfaces import IAddress, IDelayedCall, IReactorTime, ITCPTransport
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web import http
from twisted.web.http import RESPONSES, HTTPChannel, datetimeToString
from twisted.web.http_headers import Headers
from twisted.web.resource import IResource
from twisted.web.server import NOT_DONE_YET, Request, Site

from coherence_lite.stats import Stats

__all__ = ["HTTPLimits", "LimitedHTTPChannel", "LimitedRequest", "LimitedSite", "errorPage"]

log = Logger()

#: The Content-Type of error pages.
_HTML = b"text/html; charset=utf-8"

# RFC 9110 / 6585 reason phrases of the statuses this module sends.
_REASONS = {
    408: b"Request Timeout",
    413: b"Content Too Large",
    414: b"URI Too Long",
    431: b"Request Header Fields Too Large",
    500: b"Internal Server Error",
}


def _reason(code: int) -> bytes:
    return _REASONS.get(code) or RESPONSES.get(code, b"Error")


@dataclass(frozen=True)
class HTTPLimits:
    """
    How much an HTTP client may ask of the server.

    @ivar idleTimeout: seconds a connection may stay without receiving a
        byte (between requests too) before it is closed.
    @ivar requestTimeout: seconds from the first byte of a request until
        its head and body must have arrived.
    @ivar maxConnectionsPerClient: open connections per client address.
    @ivar maxConnections: open connections in all.
    @ivar maxLineLength: bytes in the request line or one header line.
    @ivar maxHeaders: header lines per request.
    @ivar maxHeadSize: bytes of the request line and headers together.
    @ivar maxBodySize: bytes of a request body.
    @ivar abortTimeout: seconds a closing connection may take to send what
        it still has before it is aborted.
    """

    idleTimeout: float = 30.0
    requestTimeout: float = 20.0
    maxConnectionsPerClient: int = 20
    maxConnections: int = 512
    maxLineLength: int = 8192
    maxHeaders: int = 100
    maxHeadSize: int = 16384
    maxBodySize: int = 65536
    abortTimeout: float = 15.0

    def __post_init__(self) -> None:
        for name in ("idleTimeout", "requestTimeout", "abortTimeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be above 0")
        for name in ("maxConnectionsPerClient", "maxConnections", "maxLineLength", "maxHeaders", "maxHeadSize", "maxBodySize"):
            if not getattr(self, name) >= 1:
                raise ValueError(f"{name} must be at least 1")


def errorPage(code: int) -> bytes:
    """
    A small, fixed HTML page for an error status: its code and reason, and
    nothing about the request or the server's state.

    @param code: an HTTP status code, such as 404.
    """
    reason = escape(_reason(code).decode("ascii"))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{code} {reason}</title></head>"
        f"<body><h1>{reason}</h1></body></html>\n"
    ).encode("ascii")


def _statusClass(code: int) -> str:
    return f"http.responses.{code // 100}xx"


class LimitedHTTPChannel(HTTPChannel):
    """
    An L{HTTPChannel} enforcing an L{HTTPLimits}: line, head and body sizes
    and a deadline per request; the idle timeout is Twisted's C{timeOut}.

    A L{LimitedSite} builds it and calls L{configure} before the
    connection starts.
    """

    limits = HTTPLimits()
    stats = Stats()
    serverHeader: bytes | None = None
    clientKey = ""

    def __init__(self) -> None:
        super().__init__()
        self._closed: Callable[[LimitedHTTPChannel], None] | None = None
        self._headLines = 0
        self._headBytes = 0
        self._awaitingRequest = True
        self._deadline: IDelayedCall | None = None
        self._abortCall: IDelayedCall | None = None
        self._sendBufferFull = False
        self.rejected = False

    def configure(
        self,
        limits: HTTPLimits,
        stats: Stats,
        clientKey: str,
        closed: Callable[[LimitedHTTPChannel], None],
        serverHeader: bytes | None = None,
    ) -> None:
        """
        Apply C{limits} and say where to count and report.

        @param clientKey: the client's address, for the per-client cap.
        @param closed: called once with this channel when the connection
            is gone.
        @param serverHeader: the C{Server} value of error responses.
        """
        self.limits = limits
        self.stats = stats
        self.clientKey = clientKey
        self._closed = closed
        self.serverHeader = serverHeader
        # Twisted's own checks stay as a backstop; ours answer first.
        self.MAX_LENGTH = limits.maxLineLength
        self.maxHeaders = limits.maxHeaders
        self.totalHeadersSize = limits.maxHeadSize
        self.abortTimeout = limits.abortTimeout  # type: ignore[assignment]

    # Receiving.

    def dataReceived(self, data: bytes) -> None:
        """
        Start the request deadline on the first byte of a request, then
        parse.
        """
        if self.rejected:
            return
        if self._awaitingRequest:
            self._awaitingRequest = False
            self._deadline = self.callLater(self.limits.requestTimeout, self._requestTimedOut)
        super().dataReceived(data)

    def lineReceived(self, line: bytes) -> None:
        """
        Count the lines and bytes of the request head before Twisted parses
        them.
        """
        if self.rejected:
            return
        self._headLines += 1
        self._headBytes += len(line) + 2
        # The head is the request line, the headers and an empty line.
        if self._headLines > self.limits.maxHeaders + 2 or self._headBytes > self.limits.maxHeadSize:
            self.reject(431, "head-too-large")
            return
        super().lineReceived(line)

    def lineLengthExceeded(self, line: bytes) -> None:
        """
        A request line or header line is longer than C{maxLineLength}.
        """
        if self._headLines == 0:
            self.reject(414, "line-too-long")
        else:
            self.reject(431, "line-too-long")

    def rawDataReceived(self, data: bytes) -> None:
        """
        Body bytes (or pipelined requests while one is answered), unless
        the request was refused.
        """
        if self.rejected:
            return
        super().rawDataReceived(data)

    def allHeadersReceived(self) -> None:
        """
        Refuse a body announced larger than C{maxBodySize}.
        """
        if self.length is not None and self.length > self.limits.maxBodySize:
            self.reject(413, "body-too-large")
            return
        super().allHeadersReceived()

    def allContentReceived(self) -> None:
        """
        The request is complete: stop its deadline, then process it.
        """
        if self.rejected:
            return
        self._headLines = self._headBytes = 0
        self._cancelDeadline()
        super().allContentReceived()

    def requestDone(self, request: Request) -> None:
        """
        Wait for the next request (its deadline starts with its first byte),
        unless the client does not read its answers: then close once they
        are sent, rather than queue answers to pipelined requests without
        end.
        """
        self._awaitingRequest = True
        if self._sendBufferFull and self.persistent:
            self.persistent = False
            self.stats.count("http.rejected.unread-responses")
        super().requestDone(request)
        if not self.persistent and self._abortCall is None and not self.rejected:
            # Closing waits for the answer to be sent: not forever.
            self._abortCall = self.callLater(self.limits.abortTimeout, self._abort)

    def pauseProducing(self) -> None:
        """
        The transport's send buffer is full.
        """
        self._sendBufferFull = True
        super().pauseProducing()

    def resumeProducing(self) -> None:
        """
        The transport's send buffer has room again.
        """
        self._sendBufferFull = False
        super().resumeProducing()

    # Refusing.

    def reject(self, code: int, reason: str) -> None:
        """
        Answer C{code} with an error page, stop reading and close.

        Counted as C{http.rejected.<reason>}; does nothing after the first
        time.
        """
        if not self.rejected:
            self.stats.count(f"http.rejected.{reason}")
            self._answerAndClose(code, reason)

    def _answerAndClose(self, code: int, reason: str) -> None:
        self.rejected = True
        self._cancelDeadline()
        self.clearLineBuffer()
        self.setTimeout(None)
        self.stats.count(_statusClass(code))
        peer = self.transport.getPeer() if self.transport is not None else None
        log.debug("HTTP client {peer} refused with {code}: {reason}", peer=str(peer), code=code, reason=reason)
        body = errorPage(code)
        head = [
            b"HTTP/1.1 %d %s" % (code, _reason(code)),
            b"Date: " + datetimeToString(),
            b"Content-Type: " + _HTML,
            b"Content-Length: %d" % (len(body),),
            b"Connection: close",
            b"X-Content-Type-Options: nosniff",
        ]
        if self.serverHeader is not None:
            head.insert(1, b"Server: " + self.serverHeader)
        transport = self.transport
        assert transport is not None
        transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self._abortCall = self.callLater(self.limits.abortTimeout, self._abort)
        self.loseConnection()

    def _requestTimedOut(self) -> None:
        self._deadline = None
        if not self.rejected:
            self.stats.count("http.timeouts.request")
            self._answerAndClose(408, "request-timeout")

    def timeoutConnection(self) -> None:
        """
        Nothing arrived for C{idleTimeout} seconds: close.
        """
        self.stats.count("http.timeouts.idle")
        super().timeoutConnection()

    def _abort(self) -> None:
        self._abortCall = None
        if self.transport is not None:
            cast(ITCPTransport, self.transport).abortConnection()

    def _cancelDeadline(self) -> None:
        if self._deadline is not None:
            if self._deadline.active():
                self._deadline.cancel()
            self._deadline = None

    def connectionLost(self, reason: Failure) -> None:  # type: ignore[override]
        self._cancelDeadline()
        if self._abortCall is not None:
            if self._abortCall.active():
                self._abortCall.cancel()
            self._abortCall = None
        super().connectionLost(reason)
        closed, self._closed = self._closed, None
        if closed is not None:
            closed(self)


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
        return cast("bytes | int", body)


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
        self.setHeader(b"Content-Type", _HTML)
        self.setHeader(b"Content-Length", b"%d" % (len(body),))
        self.setHeader(b"X-Content-Type-Options", b"nosniff")
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
    """

    protocol = LimitedHTTPChannel  # type: ignore[assignment]
    requestFactory = LimitedRequest
    displayTracebacks = False
    noisy = False

    def __init__(
        self,
        resource: IResource,
        limits: HTTPLimits = HTTPLimits(),
        stats: Stats | None = None,
        reactor: IReactorTime | None = None,
        serverHeader: bytes | None = None,
    ) -> None:
        """
        @param resource: the root resource.
        @param reactor: for timeouts; the global reactor when L{None}.
        """
        super().__init__(resource, timeout=limits.idleTimeout, reactor=reactor)
        self.limits = limits
        self.stats = stats if stats is not None else Stats()
        self.serverHeader = serverHeader
        self._open = 0
        self._perClient: Counter[str] = Counter()

    @property
    def openConnections(self) -> int:
        """
        How many connections are open now.
        """
        return self._open

    def buildProtocol(self, addr: IAddress | None) -> Any:
        """
        Build a channel for a new connection, or refuse it (L{None}, which
        closes it at once) when its client or the site is at its cap.
        """
        clientKey = str(getattr(addr, "host", ""))
        if self._open >= self.limits.maxConnections:
            return self._refuse("total-cap", clientKey)
        if self._perClient[clientKey] >= self.limits.maxConnectionsPerClient:
            return self._refuse("client-cap", clientKey)
        channel = super().buildProtocol(addr)
        if channel is None:
            return None
        channel.configure(self.limits, self.stats, clientKey, self._connectionClosed, self.serverHeader)
        self._open += 1
        self._perClient[clientKey] += 1
        self.stats.count("http.connections")
        return channel

    def _refuse(self, cap: str, clientKey: str) -> None:
        self.stats.count(f"http.refused.{cap}")
        log.debug("HTTP connection from {client} refused: {cap}", client=clientKey, cap=cap)
        return None

    def _connectionClosed(self, channel: LimitedHTTPChannel) -> None:
        self._open -= 1
        self._perClient[channel.clientKey] -= 1
        if self._perClient[channel.clientKey] <= 0:
            del self._perClient[channel.clientKey]

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
        self.stats.count(_statusClass(request.code))
        super().log(request)
