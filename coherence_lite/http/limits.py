# -*- test-case-name: tests.http.test_limits -*-
"""
HTTP that a hostile network cannot exhaust: bounded requests, timeouts,
connection caps and error pages without internals.

L{coherence_lite.http.server.LimitedSite} is a L{Site} whose connections
are L{coherence_lite.http.channel.LimitedHTTPChannel}s and whose requests are
L{coherence_lite.http.server.LimitedRequest}s.  With its L{HTTPLimits}:

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
    C{maxConnections} in all.  A connection beyond its client's cap is
    closed at once, unanswered; when the site is full, the connection idle
    longest (else the one whose request has been arriving longest) is
    closed to make room, so silent connections cannot lock others out; a
    new connection is refused only while every other is being answered.
  - A client that pipelines requests without reading the answers gets its
    connection closed once the answers queued so far are sent (or after
    C{abortTimeout}), so unread answers never pile up in memory.
  - An exception while rendering gives a plain C{500} page (the failure is
    logged, never sent); so does a resource returning something other
    than bytes.

Everything refused or timed out is counted in a L{Stats}:
C{http.rejected.<reason>} (C{line-too-long}, C{head-too-large},
C{body-too-large}, C{unread-responses}),
C{http.refused.client-cap}, C{http.refused.total-cap}, C{http.evicted},
C{http.timeouts.idle},
C{http.timeouts.request}; and every response by status class,
C{http.responses.2xx} to C{http.responses.5xx}, with C{http.requests} for
the requests answered by a resource.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HTTPLimits", "statusCounter"]

#: The counter of each status class; see L{coherence_lite.stats.COUNTERS}.
_STATUS_COUNTERS = {
    1: "http.responses.1xx",
    2: "http.responses.2xx",
    3: "http.responses.3xx",
    4: "http.responses.4xx",
    5: "http.responses.5xx",
}


def statusCounter(code: int) -> str:
    """
    The counter of a response's status class, such as C{http.responses.4xx}.
    """
    return _STATUS_COUNTERS.get(code // 100, "http.responses.other")


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
