# -*- test-case-name: tests.ssdp.test_pacing -*-
"""
Tests for L{coherence_lite.ssdp.pacing}: items go out at their time, in
order, never faster than the pace, with one timer, on a L{Clock}.
"""

from __future__ import annotations

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.pacing import TICK, Pacer


class PacerTests(SynchronousTestCase):
    """
    L{Pacer} sends each item at its time, or later when the pace is
    reached.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1000)
        self.sent: list[tuple[float, int]] = []

    def pacer(self, pace: float) -> Pacer[int]:
        return Pacer(lambda item: self.sent.append((self.clock.seconds(), item)), self.clock, pace)

    def test_itemsGoOutAtTheirTimeInOrder(self) -> None:
        """
        Items added with delays go out at their time (at most a tick late),
        earliest first.
        """
        pacer = self.pacer(1000)
        for item, delay in enumerate([0.5, 0.1, 0.3]):
            pacer.add(delay, item)
        self.clock.pump([TICK / 2] * 120)
        self.assertEqual([item for _, item in self.sent], [1, 2, 0])
        for (when, item), delay in zip(self.sent, [0.1, 0.3, 0.5]):
            self.assertTrue(1000 + delay <= when <= 1000 + delay + TICK + 1e-9, (item, when))

    def test_noBurstGoesOverThePace(self) -> None:
        """
        A thousand items due at once leave at the pace: in any tenth of a
        second at most a tenth of the pace, plus one round.
        """
        pacer = self.pacer(2000)
        for item in range(1000):
            pacer.add(0.0, item)
        self.clock.pump([TICK / 4] * 400)
        self.assertEqual(len(self.sent), 1000)
        times = [when for when, _ in self.sent]
        for start in times:
            window = [t for t in times if start <= t < start + 0.1]
            self.assertLessEqual(len(window), 200 + pacer.round)
        self.assertGreaterEqual(times[-1] - times[0], 0.45)

    def test_oneTimerAtATime(self) -> None:
        """
        However many items wait, the pacer keeps one timer.
        """
        pacer = self.pacer(1000)
        for item in range(500):
            pacer.add(item / 500, item)
        self.assertEqual(len(self.clock.getDelayedCalls()), 1)
        self.assertEqual(len(pacer), 500)

    def test_clearDropsEverything(self) -> None:
        """
        L{Pacer.clear} drops the waiting items and leaves no timer.
        """
        pacer = self.pacer(1000)
        pacer.add(0.2, 1)
        pacer.clear()
        self.clock.advance(1)
        self.assertEqual((self.sent, self.clock.getDelayedCalls(), len(pacer)), ([], [], 0))

    def test_failingSendIsLoggedAndTheQueueGoesOn(self) -> None:
        """
        An item whose sending raises is logged; the others still go out.
        """

        def send(item: int) -> None:
            if item == 1:
                raise RuntimeError("boom")
            self.sent.append((self.clock.seconds(), item))

        pacer: Pacer[int] = Pacer(send, self.clock, 1000)
        for item in range(3):
            pacer.add(0.0, item)
        self.clock.advance(TICK)
        self.assertEqual([item for _, item in self.sent], [0, 2])
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)

    def test_paceMustBePositive(self) -> None:
        """
        A pace of 0 is refused.
        """
        self.assertRaises(ValueError, Pacer, print, self.clock, 0)
