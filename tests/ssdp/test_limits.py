# -*- test-case-name: tests.ssdp.test_limits -*-
"""
Tests for L{coherence_lite.ssdp.limits}: cost-based token buckets per
source, and the responder's tables bounded by them, on a L{Clock}.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.limits import CostBuckets, ResponderLimits
from coherence_lite.ssdp.responder import Responder
from coherence_lite.stats import Stats

from tests.support import RecordingSender
from tests.ssdp.test_responder import LINK, QUERIER, jambonCatalogue, search


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


class SourceTableBoundTests(SynchronousTestCase):
    """
    What the responder remembers per source is bounded by
    C{ResponderLimits.maxSources}, whatever the number of sources.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1_000)

    def jambonResponder(self, limits: ResponderLimits) -> tuple[Responder, RecordingSender, Stats]:
        """
        A responder for L{jambonCatalogue} with these limits, its sender and
        its stats.
        """
        sender = RecordingSender(self.clock)
        stats = Stats()
        responder = Responder(jambonCatalogue(), sender, self.clock, random.Random(3), limits, stats)
        return responder, sender, stats

    def test_tokenBucketsKeepAtMostMaxKeys(self) -> None:
        """
        Token buckets are kept for at most C{maxKeys} sources.
        """
        buckets = CostBuckets(self.clock, rate=1, burst=1, maxKeys=3)
        for host in range(1000):
            buckets.allow(f"10.0.{host // 250}.{host % 250}")
        self.assertEqual(len(buckets), 3)

    def test_leastRecentlySeenSourceIsForgottenFirst(self) -> None:
        """
        The least recently seen source's bucket is forgotten first.
        """
        buckets = CostBuckets(self.clock, rate=1, burst=1, maxKeys=2)
        self.assertTrue(buckets.allow("a"))
        self.assertTrue(buckets.allow("b"))
        self.assertFalse(buckets.allow("a"))  # "a" is now the most recent
        self.assertTrue(buckets.allow("c"))  # forgets "b"
        self.assertFalse(buckets.allow("a"))  # still remembered, still empty
        self.assertTrue(buckets.allow("b"))  # forgotten: a fresh bucket

    def test_responderBucketTableIsBoundedByMaxSources(self) -> None:
        """
        The responder's bucket table stays within C{maxSources} while still
        answering every source.
        """
        responder, sender, stats = self.jambonResponder(ResponderLimits(maxSources=8))
        for host in range(2, 200):
            responder.searchReceived(search("upnp:rootdevice", mx=None), (f"192.168.1.{host}", 1900), LINK, False)
        self.assertEqual(len(responder._buckets), 8)
        self.assertEqual(len(sender.sent), 198)

    def test_ssdpAllFromManySourcesIsAnsweredWithABoundedTable(self) -> None:
        """
        C{ssdp:all} from more sources than C{maxSources} is answered for
        each, and the bucket table stays within C{maxSources}.
        """
        responder, sender, stats = self.jambonResponder(ResponderLimits(maxSources=2))
        for host in (2, 3, 4):
            responder.searchReceived(search("ssdp:all", mx=2), (f"192.168.1.{host}", 1900), LINK, True)
        self.clock.pump([0.01] * 201)
        self.assertEqual(stats["searches.answered"], 3)
        self.assertEqual(len(sender.sent), 12)
        self.assertLessEqual(len(responder._buckets), 2)

    def test_everyRepeatedSsdpAllWithinTheRateIsAnswered(self) -> None:
        """
        At the default limits, a source sending C{ssdp:all} twice a second
        (a control point re-sending on a lossy link) gets every one
        answered.
        """
        responder, _, stats = self.jambonResponder(ResponderLimits())
        for _ in range(5):
            responder.searchReceived(search("ssdp:all", mx=1), QUERIER, LINK, True)
            responder.searchReceived(search("ssdp:all", mx=1), QUERIER, LINK, True)
            self.clock.pump([0.01] * 101)
        self.assertEqual((stats["searches.answered"], stats["dropped.rate-limited"], stats["responses.sent"]), (10, 0, 40))
