# -*- test-case-name: tests.test_soap -*-
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

from twisted.internet.defer import CancelledError, Deferred, succeed
from twisted.internet.error import ConnectError, ConnectionLost, DNSLookupError
from twisted.internet.interfaces import IConsumer, IReactorTime
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from twisted.web.client import PotentialDataLoss, ResponseDone, ResponseFailed
from twisted.web.http_headers import Headers
from twisted.web.iweb import UNKNOWN_LENGTH, IAgent, IBodyProducer, IResponse
from zope.interface import implementer

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


class _Collect(Protocol):
    """
    Collects a body up to a size; drops the connection beyond it.
    """

    def __init__(self, maxSize: int, finished: Deferred[bytes]) -> None:
        self._maxSize = maxSize
        self._finished = finished
        self._chunks: list[bytes] = []
        self._size = 0

    def dataReceived(self, data: bytes) -> None:
        if self._finished.called:
            return
        self._size += len(data)
        if self._size > self._maxSize:
            self._chunks.clear()
            self._finished.errback(ExchangeError(f"answer body larger than {self._maxSize} bytes"))
            self.abort()
            return
        self._chunks.append(data)

    def abort(self) -> None:
        """
        Stop reading and close the connection.
        """
        if self.transport is not None:
            self.transport.stopProducing()  # type: ignore[attr-defined]

    def connectionLost(self, reason: Failure = None) -> None:  # type: ignore[assignment]
        if self._finished.called:
            return
        if reason is None or reason.check(ResponseDone, PotentialDataLoss):
            self._finished.callback(b"".join(self._chunks))
        else:
            self._finished.errback(ExchangeError(f"connection lost while reading the answer: {reason.value}"))


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
    protocol: _Collect

    def cancel(_: Deferred[bytes]) -> None:
        protocol.abort()

    body: Deferred[bytes] = Deferred(cancel)
    protocol = _Collect(maxSize, body)
    response.deliverBody(protocol)
    return body.addCallback(lambda data: Reply(response.code, headers, data))


def _explain(failure: Failure, timedOut: bool, timeout: float) -> Failure:
    if timedOut:
        raise ExchangeError(f"no complete answer within {timeout:g} s")
    if failure.check(ExchangeError, CancelledError):
        return failure
    if failure.check(DNSLookupError):
        raise ExchangeError(f"cannot resolve the host: {failure.value}")
    if failure.check(ConnectError):
        raise ExchangeError(f"cannot connect: {failure.value}")
    if failure.check(ResponseFailed, ConnectionLost):
        reasons = getattr(failure.value, "reasons", None) or [failure]
        raise ExchangeError(f"bad or broken answer: {reasons[0].getErrorMessage()}")
    raise ExchangeError(f"{failure.type.__name__}: {failure.getErrorMessage()}")


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
    timedOut = False
    result: Deferred[Reply] = agent.request(method, url.encode("ascii"), requestHeaders, producer).addCallback(
        _read, maxSize
    )

    def expire() -> None:
        nonlocal timedOut
        timedOut = True
        result.cancel()

    call = clock.callLater(timeout, expire)

    def finished(outcome: Reply | Failure) -> Reply | Failure:
        if call.active():
            call.cancel()
        if isinstance(outcome, Failure):
            return _explain(outcome, timedOut, timeout)
        return outcome

    return result.addBoth(finished)
