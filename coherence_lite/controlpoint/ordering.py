# -*- test-case-name: tests.controlpoint.test_subscriber -*-
"""
One subscription's events in SEQ order (UDA 2.0 §4.2: SEQ counts the
messages of a subscription, 0 first, +1 each, wrapping from 4294967295 to
1).

L{EventOrder} delivers an event once every earlier one was; an event that
arrives early waits, at most C{maxPending} of them for at most C{gapWait}
seconds, for the ones before it; a repeated or late one is dropped; a gap
that does not fill is skipped, the next event saying how many were missed.
"""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet.interfaces import IDelayedCall, IReactorTime

from coherence_lite.controlpoint.gena import Event
from coherence_lite.eventing.message import nextSeq

__all__ = ["EventOrder"]


class EventOrder:
    """
    Puts one subscription's events in SEQ order.

    @param clock: times the wait for a missing event.
    @param maxPending: events held back at most; one more closes the gap.
    @param gapWait: seconds an event waits for a missing earlier one.
    @param deliver: called with each event in order (its C{missed} set
        after a gap).
    @param skipped: called with the number of events missed, after a gap
        was skipped.
    """

    def __init__(
        self,
        clock: IReactorTime,
        maxPending: int,
        gapWait: float,
        deliver: Callable[[Event], None],
        skipped: Callable[[int], None],
    ) -> None:
        self._clock = clock
        self._maxPending = maxPending
        self._gapWait = gapWait
        self._deliver = deliver
        self._skipped = skipped
        self._expected = 0
        self._pending: dict[int, Event] = {}
        self._gapCall: IDelayedCall | None = None

    def reset(self) -> None:
        """
        A new subscription (a new SID): expect SEQ 0, forget what waits.
        """
        self.stop()
        self._expected = 0
        self._pending.clear()

    def stop(self) -> None:
        """
        Stop waiting for missing events.
        """
        if self._gapCall is not None and self._gapCall.active():
            self._gapCall.cancel()
        self._gapCall = None

    def arrived(self, event: Event) -> None:
        """
        Take an event: deliver it and whatever it unblocks, or keep it.
        """
        if event.seq < self._expected or event.seq in self._pending:
            return
        self._pending[event.seq] = event
        self._drain()
        if self._pending and len(self._pending) >= self._maxPending:
            self._skipGap()
        elif self._pending and self._gapCall is None:
            self._gapCall = self._clock.callLater(self._gapWait, self._skipGap)

    def _drain(self) -> None:
        while self._expected in self._pending:
            self._hand(self._pending.pop(self._expected), 0)
        if not self._pending:
            self.stop()

    def _skipGap(self) -> None:
        self._gapCall = None
        if not self._pending:
            return
        lowest = min(self._pending)
        missed = lowest - self._expected
        self._hand(self._pending.pop(lowest), missed)
        self._drain()
        if self._pending and self._gapCall is None:
            self._gapCall = self._clock.callLater(self._gapWait, self._skipGap)
        self._skipped(missed)

    def _hand(self, event: Event, missed: int) -> None:
        self._expected = nextSeq(event.seq)
        if missed:
            event = Event(event.sid, event.seq, event.properties, event.values, missed)
        self._deliver(event)
