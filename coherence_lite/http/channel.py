# -*- test-case-name: tests.http.test_limits -*-
"""
One HTTP connection held to an L{HTTPLimits}: L{LimitedHTTPChannel}.

What it enforces and counts is described in L{coherence_lite.http.limits};
complete requests for fixed documents are answered from the site's
prebuilt answers (L{coherence_lite.http.fast}) before twisted.web parses
anything.
"""

from __future__ import annotations

from typing import Callable, cast

from twisted.internet.interfaces import IAddress, IDelayedCall, IReactorTime, ITCPTransport
from twisted.internet.protocol import connectionDone
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.http import HTTPChannel, datetimeToString
from twisted.web.server import Request

from coherence_lite.http.fast import FastAnswers
from coherence_lite.http.hosts import hostValues
from coherence_lite.http.limits import HTTPLimits, statusCounter
from coherence_lite.http.resources import HTML_CONTENT_TYPE, NOSNIFF, errorPage, reasonPhrase
from coherence_lite.stats import Stats

__all__ = ["LimitedHTTPChannel"]

log = Logger()


class LimitedHTTPChannel(HTTPChannel):
    """
    An L{HTTPChannel} enforcing an L{HTTPLimits}: line, head and body sizes
    and a deadline per request; the idle timeout is Twisted's C{timeOut}.

    A L{LimitedSite} builds one per connection, with everything it needs.

    @ivar limits: the limits enforced.
    @ivar stats: where refusals and timeouts are counted.
    @ivar serverHeader: the C{Server} value of the refusals it answers, or
        L{None}.
    @ivar rejected: whether the request was refused (nothing more is read).
    """

    def __init__(
        self,
        limits: HTTPLimits,
        stats: Stats,
        closed: Callable[[LimitedHTTPChannel], None],
        serverHeader: bytes | None,
        clock: IReactorTime,
        fastAnswers: Callable[[], FastAnswers | None] = lambda: None,
    ) -> None:
        """
        @param closed: called once with this channel when the connection
            is gone.
        @param fastAnswers: the prebuilt answers of the site's current
            resource tree (see L{coherence_lite.http.fast}), or L{None}
            without a fast path.
        @param clock: dates the refusals (the site's clock, which also runs
            the timeouts).
        """
        super().__init__()
        self.limits = limits
        self.stats = stats
        self.serverHeader = serverHeader
        self._closed: Callable[[LimitedHTTPChannel], None] | None = closed
        self._clock = clock
        self._fastAnswers = fastAnswers
        # Twisted's own checks stay as a backstop; ours answer first.
        self.MAX_LENGTH = limits.maxLineLength
        self.maxHeaders = limits.maxHeaders
        self.totalHeadersSize = limits.maxHeadSize
        # Twisted declares abortTimeout an int; any number of seconds works.
        self.abortTimeout = limits.abortTimeout  # type: ignore[assignment]
        self._headLines = 0
        self._headBytes = 0
        self._awaitingRequest = True
        self._deadline: IDelayedCall | None = None
        self._abortCall: IDelayedCall | None = None
        self._sendBufferFull = False
        self._since = clock.seconds()
        self.rejected = False
        self._host: IAddress | None = None

    # Receiving.

    def dataReceived(self, data: bytes) -> None:
        """
        Answer complete requests for fixed documents from the site's
        prebuilt answers (see L{coherence_lite.http.fast}); start the
        request deadline on the first byte of any other request, then parse
        it.
        """
        if self.rejected:
            return
        if self._awaitingRequest and not self._buffer and not self.requests and not self._sendBufferFull:
            answers = self._fastAnswers()
            if answers is not None:
                data = self._answerFast(answers, data)
                if not data:
                    self.resetTimeout()
                    self._since = self._clock.seconds()
                    return
        if self._awaitingRequest:
            self._awaitingRequest = False
            self._since = self._clock.seconds()
            self._deadline = self.callLater(self.limits.requestTimeout, self._requestTimedOut)
        super().dataReceived(data)

    def _answerFast(self, answers: FastAnswers, data: bytes) -> bytes:
        """
        Answer the complete requests at the start of C{data} that the fast
        path takes; return the bytes left for twisted.web.
        """
        transport = self.transport
        while data and transport is not None and not self._sendBufferFull:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                break
            head = data[:end]
            if not head.startswith((b"GET ", b"HEAD ")) or not self._hostAccepted(head):
                break
            response = answers.respond(head, self._clock.seconds())
            if response is None:
                break
            transport.write(response)
            self.stats.count("http.requests")
            self.stats.count("http.responses.2xx")
            data = data[end + 4 :]
        return data

    def _hostAccepted(self, head: bytes) -> bool:
        """
        Whether the site's C{Host} policy accepts this head (the fast path
        only takes HTTP/1.1); a refused one goes to twisted.web, which
        answers the refusal.
        """
        policy = getattr(getattr(self, "site", None), "hostPolicy", None)
        if policy is None or self.transport is None:
            return True
        return policy.refusal(hostValues(head), b"HTTP/1.1", str(getattr(self.getHost(), "host", ""))) is None

    def getHost(self) -> IAddress:
        """
        The local address of the connection, asked of the socket once: it
        cannot change while the connection is open, and every request
        reads it.
        """
        if self._host is None:
            self._host = super().getHost()
        return self._host

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
        unless the client does not read its answers while it pipelines more
        requests: then close once they are sent, rather than queue answers
        without end.  One answer larger than the transport's buffer (a
        Browse page, a file) with nothing pipelined behind it keeps the
        connection: the next request is read once the answer has left.
        """
        self._awaitingRequest = True
        self._since = self._clock.seconds()
        # Pipelined bytes wait in the line buffer (a request answered while
        # its head was parsed) or in twisted.web's buffer of later requests.
        pipelined = bool(self._buffer) or any(self._dataBuffer)
        if self._sendBufferFull and self.persistent and pipelined:
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

    # Making room.

    def evictable(self) -> tuple[int, float] | None:
        """
        How this connection ranks for eviction when the site is full, the
        lowest first: C{(0, since)} while idle (no request, no answer on
        its way), C{(1, since)} while a request is arriving; L{None} while
        a request is answered (or the connection is closing).
        """
        if self.rejected or self._closed is None or self._sendBufferFull or self._abortCall is not None:
            return None
        if self._awaitingRequest and not self.requests and not self._buffer:
            return (0, self._since)
        if self._deadline is not None:
            return (1, self._since)
        return None

    def evict(self) -> None:
        """
        Close this connection to make room for a new one (counted as
        C{http.evicted}); nothing more is read from it.
        """
        self.stats.count("http.evicted")
        self.rejected = True
        self._cancelDeadline()
        self.setTimeout(None)
        peer = self.transport.getPeer() if self.transport is not None else None
        log.debug("HTTP connection of {peer} closed to make room", peer=str(peer))
        self._abortCall = self.callLater(self.limits.abortTimeout, self._abort)
        self.loseConnection()

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
        self.stats.count(statusCounter(code))
        peer = self.transport.getPeer() if self.transport is not None else None
        log.debug("HTTP client {peer} refused with {code}: {reason}", peer=str(peer), code=code, reason=reason)
        body = errorPage(code)
        head = [
            b"HTTP/1.1 %d %s" % (code, reasonPhrase(code)),
            b"Date: " + datetimeToString(self._clock.seconds()),
            b"Content-Type: " + HTML_CONTENT_TYPE,
            b"Content-Length: %d" % (len(body),),
            b"Connection: close",
            b"%s: %s" % NOSNIFF,
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

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """
        Cancel this channel's timers, then tell the site it is gone.
        """
        self._cancelDeadline()
        if self._abortCall is not None:
            if self._abortCall.active():
                self._abortCall.cancel()
            self._abortCall = None
        super().connectionLost(reason)
        closed, self._closed = self._closed, None
        if closed is not None:
            closed(self)
