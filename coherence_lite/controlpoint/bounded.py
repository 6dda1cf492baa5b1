# -*- test-case-name: tests.controlpoint.test_fetch -*-
"""
The bounds every HTTP request of a control point keeps, shared by the
description fetcher (L{coherence_lite.controlpoint.fetch}) and the
exchange of SOAP calls and GENA subscriptions
(L{coherence_lite.controlpoint.exchange}).

L{collectBody} reads a response body up to a size and drops the connection
beyond it; L{limitTime} cancels a request that takes longer than a timeout
on the injected clock; L{explainFailure} puts what went wrong into words.
Each caller raises its own exception type, built by the factories it
passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from twisted.internet.defer import CancelledError, Deferred
from twisted.internet.error import ConnectError, ConnectionLost, DNSLookupError
from twisted.internet.interfaces import IReactorTime
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from twisted.web.client import PotentialDataLoss, ResponseDone, ResponseFailed
from twisted.web.iweb import IResponse

__all__ = ["collectBody", "explainFailure", "limitTime"]

_T = TypeVar("_T")


class _CappedBody(Protocol):
    """
    Collects a response body up to a size; drops the connection beyond it.
    """

    def __init__(
        self,
        maxSize: int,
        finished: Deferred[bytes],
        tooLarge: Callable[[int], Exception],
        lost: Callable[[Failure], Exception],
    ) -> None:
        self._maxSize = maxSize
        self._finished = finished
        self._tooLarge = tooLarge
        self._lost = lost
        self._chunks: list[bytes] = []
        self._size = 0

    def dataReceived(self, data: bytes) -> None:
        if self._finished.called:
            return
        self._size += len(data)
        if self._size > self._maxSize:
            self._chunks.clear()
            self._finished.errback(self._tooLarge(self._maxSize))
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
        # A complete body ends with ResponseDone; PotentialDataLoss means a
        # body without length that ended with the connection, which HTTP/1.0
        # servers do: both are a whole body.
        if reason is None or reason.check(ResponseDone, PotentialDataLoss):
            self._finished.callback(b"".join(self._chunks))
        else:
            self._finished.errback(self._lost(reason))


def collectBody(
    response: IResponse,
    maxSize: int,
    tooLarge: Callable[[int], Exception],
    lost: Callable[[Failure], Exception],
) -> Deferred[bytes]:
    """
    Read the body of C{response}, at most C{maxSize} bytes.

    @param tooLarge: makes the error for a body over C{maxSize} (given
        C{maxSize}); the connection is dropped as soon as it is exceeded.
    @param lost: makes the error for a connection lost before the body's
        end (given the reason).
    @return: a L{Deferred} firing with the whole body; cancelling it drops
        the connection.
    """
    protocol: _CappedBody

    def cancel(_: Deferred[bytes]) -> None:
        protocol.abort()

    body: Deferred[bytes] = Deferred(cancel)
    protocol = _CappedBody(maxSize, body, tooLarge, lost)
    response.deliverBody(protocol)
    return body


def limitTime(
    clock: IReactorTime,
    timeout: float,
    result: Deferred[_T],
    explain: Callable[[Failure, bool], Failure],
) -> Deferred[_T]:
    """
    Cancel C{result} unless it fires within C{timeout} seconds on C{clock}.

    @param explain: turns a failure into the caller's error, given whether
        the time limit was what ended it.
    @return: C{result}, with the limit and C{explain} added.
    """
    timedOut = False

    def expire() -> None:
        nonlocal timedOut
        timedOut = True
        result.cancel()

    call = clock.callLater(timeout, expire)

    def finished(outcome: _T | Failure) -> _T | Failure:
        if call.active():
            call.cancel()
        if isinstance(outcome, Failure):
            return explain(outcome, timedOut)
        return outcome

    return result.addBoth(finished)


def explainFailure(
    failure: Failure,
    timedOut: bool,
    timeout: float,
    error: type[Exception],
    answer: str,
) -> Failure:
    """
    Turn what went wrong with a request into the caller's error.

    @param timedOut: whether the time limit ended it: cancelling surfaces
        as L{CancelledError} or, before the response, as
        C{ResponseNeverReceived}; either way it was the time limit.
    @param timeout: the limit, in seconds, for the words.
    @param error: the caller's error type, made from a reason; one already
        raised is passed on as it is, as is a cancellation by the caller.
    @param answer: what the caller calls the answer (C{"answer"},
        C{"response"}), for the words.
    @return: C{failure} when it is already the caller's own error or a
        cancellation; otherwise raises C{error(reason)}.
    """
    if timedOut:
        raise error(f"no complete answer within {timeout:g} s")
    if failure.check(error, CancelledError):
        return failure
    if failure.check(DNSLookupError):
        raise error(f"cannot resolve the host: {failure.value}")
    if failure.check(ConnectError):
        raise error(f"cannot connect: {failure.value}")
    if failure.check(ResponseFailed, ConnectionLost):
        reasons = getattr(failure.value, "reasons", None) or [failure]
        raise error(f"bad or broken {answer}: {reasons[0].getErrorMessage()}")
    raise error(f"{failure.type.__name__}: {failure.getErrorMessage()}")
