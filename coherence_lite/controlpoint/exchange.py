# -*- test-case-name: tests.controlpoint.test_soap -*-
"""
One bounded HTTP exchange of a control point, any method: what SOAP
calls, GENA subscriptions and the conformance checker send.

L{exchange} sends one request through an injected L{IAgent} and collects
the whole answer, whatever its status, as a L{Reply}: the status, the
headers and a body of at most C{maxSize} bytes (the connection is dropped
beyond it).  The whole exchange, connection to last byte, is limited by a
timeout measured on the injected clock.  Failures are L{ExchangeError}s.
"""

from __future__ import annotations

from collections.abc import Sequence

from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IConsumer, IReactorTime
from twisted.web.http_headers import Headers
from twisted.web.iweb import UNKNOWN_LENGTH, IAgent, IBodyProducer, IResponse
from zope.interface import implementer

from coherence_lite.controlpoint.bounded import collectBody, explainFailure, limitTime
from coherence_lite.controlpoint.fetch import checkURL
from coherence_lite.controlpoint.reply import Reply
from coherence_lite.http.body import MAX_XML_BODY

__all__ = ["EXCHANGE_TIMEOUT", "Reply", "ExchangeError", "exchange"]

#: Seconds one exchange may take by default, connection to last byte.
EXCHANGE_TIMEOUT = 10.0


class ExchangeError(Exception):
    """
    No usable answer: the URL, the connection, the time limit or the size
    cap.

    @ivar reason: why, in words fit for a user.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@implementer(IBodyProducer)
class _Body:
    """
    A request body held in memory.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.length = len(data)

    def startProducing(self, consumer: IConsumer) -> Deferred[None]:
        consumer.write(self._data)
        return succeed(None)

    def pauseProducing(self) -> None:
        """Everything is written at once: nothing to pause."""

    def resumeProducing(self) -> None:
        """Everything is written at once: nothing to resume."""

    def stopProducing(self) -> None:
        """Everything is written at once: nothing to stop."""


def _headersOf(response: IResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, values in response.headers.getAllRawHeaders():
        if values:
            headers.setdefault(name.decode("latin-1").lower(), values[0].decode("latin-1").strip())
    return headers


def _read(response: IResponse, maxSize: int) -> Deferred[Reply]:
    headers = _headersOf(response)
    if response.length is not UNKNOWN_LENGTH and response.length > maxSize:
        raise ExchangeError(f"answer body of {response.length} bytes is larger than {maxSize}")
    body = collectBody(
        response,
        maxSize,
        lambda limit: ExchangeError(f"answer body larger than {limit} bytes"),
        lambda reason: ExchangeError(f"connection lost while reading the answer: {reason.value}"),
    )
    return body.addCallback(lambda data: Reply(response.code, headers, data))


def exchange(
    agent: IAgent,
    clock: IReactorTime,
    method: bytes,
    url: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
    body: bytes | None = None,
    timeout: float = EXCHANGE_TIMEOUT,
    maxSize: int = MAX_XML_BODY,
) -> Deferred[Reply]:
    """
    Send one request and collect its answer, whatever the status.

    @param agent: sends the request.
    @param clock: measures C{timeout}.
    @param method: the HTTP method (C{POST}, C{SUBSCRIBE}, C{HEAD}...).
    @param url: an C{http://} URL (L{checkURL} decides).
    @param headers: the request headers, in order.
    @param body: the request body, or L{None} for none.
    @return: a L{Deferred} firing with the L{Reply}, or failing with
        L{ExchangeError}; cancelling it drops the connection.
    """
    problem = checkURL(url)
    if problem is not None:
        failed: Deferred[Reply] = Deferred()
        failed.errback(ExchangeError(f"{problem}: {url[:200]!r}"))
        return failed
    requestHeaders = Headers()
    for name, value in headers:
        requestHeaders.addRawHeader(name, value)
    producer = None if body is None else _Body(body)
    result: Deferred[Reply] = agent.request(method, url.encode("ascii"), requestHeaders, producer).addCallback(
        _read, maxSize
    )
    return limitTime(
        clock,
        timeout,
        result,
        lambda failure, timedOut: explainFailure(failure, timedOut, timeout, ExchangeError, "answer"),
    )
