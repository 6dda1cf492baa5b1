# -*- test-case-name: tests.controlpoint.test_fetch -*-
"""
Fetching device descriptions over HTTP.

L{locationProblem} decides which announced LOCATIONs are fetched at all.
L{HTTPFetcher} makes one bounded attempt: C{http://} URLs only, a time limit
on the whole exchange measured with the injected clock, a cap on the body
size (the connection is dropped as soon as it is exceeded), a cap on
concurrent requests.  L{RetryingFetcher} wraps any L{Fetcher} and tries
again after 2, 4, 8... seconds when an attempt fails for a reason that may
pass (a timeout, a refused connection, a server error).

Failures are L{FetchError}s in the returned L{Deferred}; cancelling that
L{Deferred} drops the connection or the pending retry.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Protocol
from urllib.parse import urlsplit

from twisted.internet.defer import CancelledError, Deferred, DeferredSemaphore
from twisted.internet.interfaces import IReactorTime
from twisted.internet.protocol import Protocol as StreamProtocol
from twisted.internet.task import deferLater
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.http_headers import Headers
from twisted.web.iweb import UNKNOWN_LENGTH, IAgent, IResponse

from coherence_lite.controlpoint.bounded import collectBody, explainFailure, limitTime
from coherence_lite.controlpoint.description import MAX_DESCRIPTION_SIZE
from coherence_lite.net.interfaces import parseAddress

__all__ = [
    "FETCH_TIMEOUT",
    "FetchError",
    "Fetcher",
    "HTTPFetcher",
    "RetryingFetcher",
    "checkURL",
    "locationProblem",
]

log = Logger()

#: Seconds one attempt may take, connection to last byte.
FETCH_TIMEOUT = 10.0

#: Requests in flight at once, over all devices.
MAX_CONCURRENT = 8

_NOT_IN_URL = re.compile(r"[^\x21-\x7e]")


class FetchError(Exception):
    """
    A fetch failed.

    @ivar reason: why, in words fit for a log line.
    @ivar permanent: whether trying again is pointless (not an C{http://}
        URL, a body over the size limit, a 4xx status).
    """

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Fetcher(Protocol):
    """
    Something that gets the body at a URL.
    """

    def fetch(self, url: str) -> Deferred[bytes]:
        """
        Get the body at C{url}.

        @return: a L{Deferred} firing with the body, or failing with
            L{FetchError}; cancelling it abandons the fetch.
        """


def checkURL(url: str) -> str | None:
    """
    Why C{url} will not be fetched, or L{None} when it will: it must be an
    C{http://} URL with a host, in printable ASCII without spaces.
    """
    if not isinstance(url, str) or _NOT_IN_URL.search(url):
        return "the URL contains spaces, control or non-ASCII characters"
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError:
        return "the URL is malformed"
    if parts.scheme != "http":
        return "only http:// URLs are fetched"
    if not parts.hostname:
        return "the URL has no host"
    return None


def locationProblem(location: str | None, announcedFrom: str | None) -> str | None:
    """
    Why an announced LOCATION is not to be fetched, if it is not: it names
    an address no device can have (multicast, unspecified, broadcast), or
    this machine's loopback while the announcement came from another
    machine, which a forged announcement would use to make the control
    point send requests to local services.

    @param location: the LOCATION announced.
    @param announcedFrom: the address the announcement came from; L{None}
        for this host's own entries.
    @return: the reason, or L{None} when nothing is wrong with it (a host
        name cannot be checked without resolving it).
    """
    try:
        host = urlsplit(location or "").hostname
    except ValueError:
        return "malformed LOCATION"
    if host is None:
        return "LOCATION without a host"
    address = parseAddress(host)
    if address is None:
        return None
    if address.is_multicast or address.is_unspecified or address == ipaddress.IPv4Address("255.255.255.255"):
        return f"LOCATION on {address}, which no device can have"
    if address.is_loopback and announcedFrom is not None:
        source = parseAddress(announcedFrom)
        if source is None or not source.is_loopback:
            return f"LOCATION on loopback announced from {announcedFrom}"
    return None


class _Discard(StreamProtocol):
    """
    Drops a body unread, closing the connection.
    """

    def connectionMade(self) -> None:
        self.transport.stopProducing()  # type: ignore[union-attr]


class HTTPFetcher:
    """
    One bounded HTTP GET per call.

    @param agent: makes the requests (an L{twisted.web.client.Agent}).
    @param clock: measures the time limit.
    @param timeout: seconds an attempt may take, from the request to the
        last byte of the body.
    @param maxSize: the largest body accepted, in bytes.
    @param userAgent: the USER-AGENT header, if any.
    @param maxConcurrent: requests in flight at once; more wait their turn
        (the time limit counts from when a request is sent).
    """

    def __init__(
        self,
        agent: IAgent,
        clock: IReactorTime,
        timeout: float = FETCH_TIMEOUT,
        maxSize: int = MAX_DESCRIPTION_SIZE,
        userAgent: str | None = None,
        maxConcurrent: int = MAX_CONCURRENT,
    ) -> None:
        self._agent = agent
        self._clock = clock
        self._timeout = timeout
        self._maxSize = maxSize
        self._headers = {b"Accept": [b"text/xml, application/xml"]}
        if userAgent is not None:
            self._headers[b"User-Agent"] = [userAgent.encode("utf-8")]
        self._slots = DeferredSemaphore(maxConcurrent)

    def fetch(self, url: str) -> Deferred[bytes]:
        """
        GET C{url}.

        @return: a L{Deferred} firing with the body of a C{200} response,
            or failing with L{FetchError}.
        """
        problem = checkURL(url)
        if problem is not None:
            failed: Deferred[bytes] = Deferred()
            failed.errback(FetchError(f"{problem}: {url[:200]!r}", permanent=True))
            return failed
        return self._slots.run(self._attempt, url)

    def _attempt(self, url: str) -> Deferred[bytes]:
        result: Deferred[bytes] = self._agent.request(
            b"GET", url.encode("ascii"), Headers(self._headers)
        ).addCallback(self._read)
        return limitTime(self._clock, self._timeout, result, self._explain)

    def _read(self, response: IResponse) -> Deferred[bytes]:
        if response.code != 200:
            response.deliverBody(_Discard())
            raise FetchError(f"HTTP status {response.code}", permanent=400 <= response.code < 500)
        if response.length is not UNKNOWN_LENGTH and response.length > self._maxSize:
            response.deliverBody(_Discard())
            raise FetchError(
                f"body of {response.length} bytes is larger than {self._maxSize}", permanent=True
            )
        return collectBody(
            response,
            self._maxSize,
            lambda maxSize: FetchError(f"body is larger than {maxSize} bytes", permanent=True),
            lambda reason: FetchError(f"connection lost while reading the body: {reason.value}"),
        )

    def _explain(self, failure: Failure, timedOut: bool) -> Failure:
        """
        Turn what went wrong into a L{FetchError}.
        """
        return explainFailure(failure, timedOut, self._timeout, FetchError, "response")


class RetryingFetcher:
    """
    Tries a L{Fetcher} again, with exponential backoff, when an attempt
    fails for a reason that may pass.

    Each failure that is retried is logged at info level; the final failure
    is left to the caller to log.

    @param fetcher: makes each attempt.
    @param clock: schedules the retries.
    @param attempts: tries in all, the first included.
    @param firstDelay: seconds before the second attempt; each further
        delay doubles, up to C{maxDelay}.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        clock: IReactorTime,
        attempts: int = 4,
        firstDelay: float = 2.0,
        maxDelay: float = 60.0,
    ) -> None:
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {attempts}")
        self._fetcher = fetcher
        self._clock = clock
        self.attempts = attempts
        self._firstDelay = firstDelay
        self._maxDelay = maxDelay

    def delays(self) -> list[float]:
        """
        The waits between attempts, in seconds: C{[2, 4, 8]} by default.
        """
        return [min(self._firstDelay * 2**n, self._maxDelay) for n in range(self.attempts - 1)]

    def fetch(self, url: str) -> Deferred[bytes]:
        """
        Fetch C{url}, trying again on failure.

        @return: a L{Deferred} firing with the body, or failing with the
            last attempt's L{FetchError}; cancelling it stops the attempt in
            progress or the wait for the next.
        """
        cancelled = False

        def cancel(outer: Deferred[bytes]) -> None:
            nonlocal cancelled
            cancelled = True
            fetching.cancel()

        result: Deferred[bytes] = Deferred(cancel)
        fetching = Deferred.fromCoroutine(self._fetch(url, lambda: cancelled))
        fetching.chainDeferred(result)
        return result

    async def _fetch(self, url: str, cancelled: Callable[[], bool]) -> bytes:
        delays = self.delays()
        for attempt in range(1, self.attempts + 1):
            try:
                return await self._fetcher.fetch(url)
            except FetchError as e:
                if cancelled():
                    # A cancelled attempt may fail as anything (a cancelled
                    # name lookup is a DNS error): no retry after a cancel.
                    raise CancelledError() from e
                if e.permanent or attempt == self.attempts:
                    raise
                delay = delays[attempt - 1]
                log.info(
                    "Fetching {url} failed ({reason}); attempt {next} of {attempts} in {delay:g} s",
                    url=url,
                    reason=e.reason,
                    next=attempt + 1,
                    attempts=self.attempts,
                    delay=delay,
                )
            await deferLater(self._clock, delay)
        raise AssertionError("unreachable")  # pragma: no cover
