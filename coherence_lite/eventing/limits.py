# -*- test-case-name: tests.eventing.test_subscriptions -*-
"""
How much eventing a host grants: L{EventingLimits}, one frozen value with
every bound and timeout of GENA subscriptions and their delivery, defaults
spelled here once.

Pure: a dataclass and its checks, so that host settings can hold it without
loading the reactor.
"""

from __future__ import annotations

from dataclasses import dataclass

from coherence_lite.eventing.message import DEFAULT_TIMEOUT, MAX_PROPERTIES, MAX_TIMEOUT, MIN_TIMEOUT
from coherence_lite.http.body import MAX_XML_BODY

__all__ = ["EventingLimits"]


@dataclass(frozen=True)
class EventingLimits:
    """
    Bounds of eventing, host-wide.

    @ivar minTimeout: the shortest subscription granted, in seconds.
    @ivar maxTimeout: the longest (also what C{Second-infinite} gets).
    @ivar defaultTimeout: what a SUBSCRIBE without a usable TIMEOUT gets.
    @ivar maxPerClient: subscriptions one client address may hold at once,
        over all services; more are refused with 503.
    @ivar maxTotal: subscriptions the host holds at once; more are refused
        with 503.
    @ivar connectTimeout: seconds to connect to a CALLBACK URL.
    @ivar deliveryTimeout: seconds from sending a NOTIFY to its answer's
        status line (UDA: a subscriber answers within 30 s); the attempt is
        cancelled then.
    @ivar maxBody: the largest property set sent, in bytes; variables that
        do not fit wait for the next message, and a variable that alone
        does not fit is dropped (logged and counted).
    @ivar maxProperties: the most variables one message carries (what a
        strict subscriber parses); the rest wait for the next message.
    @ivar retryDelay: seconds before a message that no CALLBACK URL took is
        sent again (with the latest values), doubled after each failure in
        a row up to C{maxRetryDelay}.
    @ivar maxRetryDelay: the longest wait between two attempts.
    @ivar initialEventDelay: seconds from writing a new subscription's
        C{200 OK} to sending its initial event.  UDA sends the initial
        event after that answer; a subscriber only knows the SID once it
        has read the answer, and some (GUPnP 1.2 and later) answer 200 to
        an event for a SID they do not know yet and drop it, so an initial
        event sent at once can race the answer in the subscriber and be
        lost for good.  Changes made meanwhile merge into it.
    @ivar maxConcurrentDeliveries: event messages on their way at once,
        host-wide (each holds a connection); the others wait their turn,
        their subscriptions' changes merging meanwhile.
    @ivar maxDeliveriesPerHost: event messages on their way at once to one
        callback host, so that one host whose subscribers hang holds a few
        turns only (see L{coherence_lite.eventing.slots}).
    @ivar maxDoubtfulDeliveries: event messages on their way at once to
        subscriptions not known to answer (none of their messages taken
        yet, or the last one failed); the other turns stay free for
        subscribers that answer.
    @ivar stalledTimeout: seconds to wait for the answer to a message
        whose subscription's last message failed, instead of
        C{deliveryTimeout}: a subscriber that has stopped answering holds a
        turn briefly; one message taken gives it C{deliveryTimeout} again.
    @ivar deadAfter: seconds a subscription may go with every message
        failing (from the first failure in a row) before it is ended, as
        if it expired; its subscriber learns it from the 412 answering its
        renewal, and a control point subscribes again then.
    """

    minTimeout: int = MIN_TIMEOUT
    maxTimeout: int = MAX_TIMEOUT
    defaultTimeout: int = DEFAULT_TIMEOUT
    maxPerClient: int = 32
    maxTotal: int = 1024
    connectTimeout: float = 10.0
    deliveryTimeout: float = 30.0
    maxBody: int = MAX_XML_BODY
    maxProperties: int = MAX_PROPERTIES
    retryDelay: float = 5.0
    maxRetryDelay: float = 300.0
    maxConcurrentDeliveries: int = 128
    initialEventDelay: float = 1.0
    maxDeliveriesPerHost: int = 4
    maxDoubtfulDeliveries: int = 32
    stalledTimeout: float = 5.0
    deadAfter: float = 600.0

    def __post_init__(self) -> None:
        """
        @raise ValueError: a bound is out of its range.
        """
        if not 1 <= self.minTimeout <= self.maxTimeout:
            raise ValueError("minTimeout must be at least 1 and at most maxTimeout")
        if not self.minTimeout <= self.defaultTimeout <= self.maxTimeout:
            raise ValueError("defaultTimeout must lie between minTimeout and maxTimeout")
        if not 1 <= self.maxPerClient <= self.maxTotal:
            raise ValueError("maxPerClient must be at least 1 and at most maxTotal")
        if self.connectTimeout <= 0 or self.deliveryTimeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.maxBody < 256 or self.maxProperties < 1:
            raise ValueError("maxBody must be at least 256 bytes and maxProperties at least 1")
        if not 0 < self.retryDelay <= self.maxRetryDelay:
            raise ValueError("retryDelay must be positive and at most maxRetryDelay")
        if not 0 <= self.initialEventDelay <= self.deliveryTimeout:
            raise ValueError("initialEventDelay must lie between 0 and deliveryTimeout")
        if min(self.maxConcurrentDeliveries, self.maxDeliveriesPerHost, self.maxDoubtfulDeliveries) < 1:
            raise ValueError("maxConcurrentDeliveries, maxDeliveriesPerHost and maxDoubtfulDeliveries must be at least 1")
        if not 0 < self.stalledTimeout <= self.deliveryTimeout:
            raise ValueError("stalledTimeout must be positive and at most deliveryTimeout")
        if self.deadAfter <= 0:
            raise ValueError("deadAfter must be positive")
