# -*- test-case-name: tests.test_limits -*-
"""
Tests for L{coherence_lite.ssdp.limits}: cost-based token buckets per
source, on a L{Clock}.
"""

from __future__ import annotations

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.limits import CostBuckets, ResponderLimits


class CostBucketsTests(SynchronousTestCase):
    """
    L{CostBuckets} take what an event costs, refill at the rate and let a
    full bucket pay for an event above the burst.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(100)

    def test_costIsTakenAndRefilled(self) -> None:
        """
        Events take their cost until the bucket is short, then wait for
        the refill.
        """
        buckets = CostBuckets(self.clock, rate=10, burst=10, maxKeys=8)
        self.assertTrue(buckets.allow("a", 4))
        self.assertTrue(buckets.allow("a", 4))
        self.assertFalse(buckets.allow("a", 4))
        self.clock.advance(0.2)
        self.assertTrue(buckets.allow("a", 4))

    def test_refusedEventTakesNothing(self) -> None:
        """
        A refused event leaves the tokens for a cheaper one.
        """
        buckets = CostBuckets(self.clock, rate=1, burst=5, maxKeys=8)
        self.assertTrue(buckets.allow("a", 3))
        self.assertFalse(buckets.allow("a", 3))
        self.assertTrue(buckets.allow("a", 2))

    def test_eventAboveTheBurstNeedsAFullBucketAndLeavesDebt(self) -> None:
        """
        An event costing more than the burst passes on a full bucket only,
        and the debt is paid back at the rate before anything else passes:
        the average stays within the rate.
        """
        buckets = CostBuckets(self.clock, rate=10, burst=10, maxKeys=8)
        self.assertTrue(buckets.allow("a", 40))
        self.clock.advance(3.0)
        self.assertFalse(buckets.allow("a", 1))
        self.clock.advance(1.0)
        self.assertTrue(buckets.allow("a", 1))
        self.assertTrue(buckets.allow("b", 10))

    def test_defaultsAnswerSearchesLikeControlPointsSendThem(self) -> None:
        """
        At the defaults, a source may ask C{ssdp:all} of a device with 15
        entries six times at once (two control points on one host, each
        searching three times), and a second later four times more (the 10
        tokens left and 50 refilled).
        """
        limits = ResponderLimits()
        buckets = CostBuckets(self.clock, limits.rate, limits.burst, limits.maxSources)
        self.assertEqual([buckets.allow("a", 15) for _ in range(7)], [True] * 6 + [False])
        self.clock.advance(1.0)
        self.assertEqual([buckets.allow("a", 15) for _ in range(5)], [True] * 4 + [False])
