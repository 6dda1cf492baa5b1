# -*- test-case-name: tests.eventing.test_slots -*-
"""
The turns of event deliveries, host-wide, shared fairly: L{DeliverySlots}.

Each event message on its way holds a connection, so a host bounds how many
are in flight at once.  A FIFO semaphore alone lets subscribers that accept
a connection and never answer hold every turn for the whole delivery
timeout while healthy subscribers queue behind them (the failure pupnp's
C{GENA_NOTIFICATION_*_TIMEOUT} notes describe for its shared send threads).
Three bounds keep them apart:

  - C{total} messages in flight at once;
  - C{perHost} of them per callback host, counted apart for the two kinds
    below (GUPnP sends one message at a time per subscriber host), so one
    host full of hanging subscriptions holds a few turns only, and not
    those of a healthy subscriber on the same host;
  - C{doubtful} of them for subscriptions not known to answer (none of
    their messages taken yet, or the last one failed), so that the rest
    stays free for subscribers that answer.

A waiting turn is granted round-robin over hosts and, within one host, to
subscriptions known to answer first, then in the order asked.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from twisted.internet.defer import Deferred

__all__ = ["DeliverySlots", "Slot"]


@dataclass(eq=False)
class Slot:
    """
    One turn asked for or granted.

    @ivar host: the callback host the message goes to.
    @ivar doubtful: whether its subscription is not known to answer.
    """

    host: str
    doubtful: bool
    deferred: Deferred[Slot] = field(repr=False)
    granted: bool = False


class DeliverySlots:
    """
    Grants turns of event deliveries within the three bounds (see the
    module's description).

    @ivar total: messages in flight at once, over all hosts.
    @ivar perHost: messages in flight at once to one callback host.
    @ivar doubtful: messages in flight at once to subscriptions not known
        to answer.
    """

    def __init__(self, total: int, perHost: int, doubtful: int) -> None:
        if min(total, perHost, doubtful) < 1:
            raise ValueError("every bound of delivery slots must be at least 1")
        self.total = total
        self.perHost = perHost
        self.doubtful = doubtful
        self._inFlight = 0
        self._doubtfulInFlight = 0
        self._perHost: Counter[tuple[str, bool]] = Counter()
        self._waiting: dict[str, deque[Slot]] = {}
        self._granting = False

    @property
    def tokens(self) -> int:
        """
        How many more messages may be in flight now (over all hosts).
        """
        return self.total - self._inFlight

    def inFlightTo(self, host: str) -> int:
        """
        How many messages to C{host} are in flight now.
        """
        return self._perHost[host, False] + self._perHost[host, True]

    @property
    def doubtfulInFlight(self) -> int:
        """
        How many messages to subscriptions not known to answer are in
        flight now.
        """
        return self._doubtfulInFlight

    def acquire(self, host: str, doubtful: bool) -> Deferred[Slot]:
        """
        Ask for a turn to send a message to C{host}.

        @param doubtful: the subscription is not known to answer.
        @return: fires with the granted L{Slot} (give it back with
            L{release}); cancelling it while it waits gives the turn up.
        """
        deferred: Deferred[Slot] = Deferred(self._cancel)
        slot = Slot(host, doubtful, deferred)
        self._waiting.setdefault(host, deque()).append(slot)
        self._grant()
        return deferred

    def release(self, slot: Slot) -> None:
        """
        Give a granted turn back.
        """
        if not slot.granted:
            return
        slot.granted = False
        self._inFlight -= 1
        key = (slot.host, slot.doubtful)
        self._perHost[key] -= 1
        if self._perHost[key] <= 0:
            del self._perHost[key]
        if slot.doubtful:
            self._doubtfulInFlight -= 1
        self._grant()

    def _cancel(self, deferred: Deferred[Slot]) -> None:
        for host, queue in list(self._waiting.items()):
            for slot in queue:
                if slot.deferred is deferred:
                    queue.remove(slot)
                    if not queue:
                        del self._waiting[host]
                    return

    def _next(self) -> Slot | None:
        """
        The waiting turn to grant now, taken out of its queue, or L{None}.
        """
        if self._inFlight >= self.total:
            return None
        doubtfulAllowed = self._doubtfulInFlight < self.doubtful
        for host in list(self._waiting):
            queue = self._waiting[host]
            chosen = None
            if self._perHost[host, False] < self.perHost:
                chosen = next((slot for slot in queue if not slot.doubtful), None)
            if chosen is None and doubtfulAllowed and self._perHost[host, True] < self.perHost:
                chosen = next((slot for slot in queue if slot.doubtful), None)
            if chosen is None:
                continue
            queue.remove(chosen)
            # Round-robin: the host served goes to the end of the line.
            del self._waiting[host]
            if queue:
                self._waiting[host] = queue
            return chosen
        return None

    def _grant(self) -> None:
        # A granted turn may be released before callback() returns (a
        # message failing at once); the outer loop picks that up.
        if self._granting:
            return
        self._granting = True
        try:
            while (slot := self._next()) is not None:
                slot.granted = True
                self._inFlight += 1
                self._perHost[slot.host, slot.doubtful] += 1
                if slot.doubtful:
                    self._doubtfulInFlight += 1
                slot.deferred.callback(slot)
        finally:
            self._granting = False
