# -*- test-case-name: tests.ssdp.test_pacing -*-
"""
Sending search answers later, at a bounded rate.

A multicast search is answered within its MX window, each answer at its own
random time, so many devices and many hosts do not answer at once.  A
L{Pacer} holds these answers in one time-ordered queue with one timer (not
one timer per answer), and sends at most C{pace} answers per second for all
searches together: answers due at the same time wait for the pace rather
than go out in a burst.  A host with a thousand devices answers an
C{ssdp:all} with four thousand datagrams; they leave over two seconds at
the default pace instead of at once.
"""

from __future__ import annotations

import heapq
from itertools import count
from typing import Callable, Generic, TypeVar

from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger

__all__ = ["Pacer", "TICK"]

log = Logger()

T = TypeVar("T")

#: Seconds between two rounds of sending while answers wait for the pace:
#: each round sends up to C{pace * TICK} answers.
TICK = 0.01


class Pacer(Generic[T]):
    """
    A queue of items to send at given times, sent at most C{pace} per
    second (bursts up to C{pace * TICK} at once, plus one).

    @param send: sends one item; a failure is logged, the queue goes on.
    @param clock: tells the time and runs the one timer.
    @param pace: items per second, at most.
    """

    def __init__(self, send: Callable[[T], None], clock: IReactorTime, pace: float) -> None:
        if not pace > 0:
            raise ValueError("pace must be above 0")
        self._send = send
        self._clock = clock
        self._pace = pace
        self._burst = max(1.0, pace * TICK)
        #: How many items one round sends at most (C{pace * TICK}, at least 1).
        self.round = int(self._burst)
        self._tokens = self._burst
        self._filled = clock.seconds()
        self._queue: list[tuple[float, int, T]] = []
        self._order = count()
        self._call: IDelayedCall | None = None

    def __len__(self) -> int:
        """
        How many items wait.
        """
        return len(self._queue)

    def add(self, delay: float, item: T) -> None:
        """
        Send C{item} C{delay} seconds from now, or as soon after as the pace
        allows (up to one L{TICK} later when the pace has room).
        """
        due = self._clock.seconds() + delay
        heapq.heappush(self._queue, (due, next(self._order), item))
        if self._queue[0][2] is item:
            self._wake(due)

    def _refill(self) -> None:
        now = self._clock.seconds()
        self._tokens = min(self._burst, self._tokens + (now - self._filled) * self._pace)
        self._filled = now

    def _wake(self, at: float) -> None:
        """
        Make sure the timer fires at C{at}, or at most one L{TICK} later:
        rounds are at least a tick apart, so a thousand answers spread over
        a second cost a hundred timers, not a thousand.
        """
        if self._call is not None:
            if self._call.getTime() <= at + TICK:
                return
            self._call.cancel()
        self._call = self._clock.callLater(max(0.0, at - self._clock.seconds()), self._run)

    def _run(self) -> None:
        self._call = None
        self._refill()
        now = self._clock.seconds()
        queue = self._queue
        while queue and queue[0][0] <= now and self._tokens >= 1.0:
            _, _, item = heapq.heappop(queue)
            self._tokens -= 1.0
            try:
                self._send(item)
            except Exception:
                log.failure("Sending a paced answer failed")
        if queue:
            # The next round: a tick from now at the soonest.
            self._wake(max(queue[0][0], now + TICK))

    def clear(self) -> None:
        """
        Drop every waiting item and stop the timer.
        """
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None
        self._queue.clear()
