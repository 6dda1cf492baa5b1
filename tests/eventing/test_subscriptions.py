"""
Tests for L{coherence_lite.eventing.subscriptions} and
L{coherence_lite.eventing.limits}: SIDs, TIMEOUT bounds, renewal, expiry on
a L{Clock}, SEQ, and the per-client and total bounds.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.message import MAX_SEQ
from coherence_lite.eventing.subscriptions import EXPIRED, STOPPED, UNSUBSCRIBED, Quota, Subscription, SubscriptionTable
from tests.support.eventing import SID_PATTERN


class TableTests(SynchronousTestCase):
    """
    L{SubscriptionTable} on a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.removed: list[tuple[str, str]] = []
        self.limits = EventingLimits(minTimeout=60, maxTimeout=3600, defaultTimeout=1800, maxPerClient=2, maxTotal=3)
        self.table = SubscriptionTable(
            self.clock, self.limits, random=random.Random(7), onRemoved=lambda s, why: self.removed.append((s.sid, why))
        )

    def subscribe(self, client: str = "192.168.1.20", timeout: int = 1800) -> Subscription:
        """
        Subscribe, which must succeed.
        """
        subscription = self.table.subscribe(client, (), timeout)
        assert isinstance(subscription, Subscription), subscription
        return subscription

    def test_sidsAreRandomVersion4UUIDs(self) -> None:
        """
        SIDs are C{uuid:} and a version 4 UUID from the injected random
        source: the same seed gives the same SIDs, different seeds differ.
        """
        first = self.subscribe()
        self.assertRegex(first.sid, SID_PATTERN)
        again = SubscriptionTable(self.clock, self.limits, random=random.Random(7)).subscribe("x", (), 1800)
        assert isinstance(again, Subscription)
        self.assertEqual(again.sid, first.sid)
        other = SubscriptionTable(self.clock, self.limits, random=random.Random(8)).subscribe("x", (), 1800)
        assert isinstance(other, Subscription)
        self.assertNotEqual(other.sid, first.sid)

    def test_defaultSourceIsTheSystemsRandom(self) -> None:
        """
        Without an injected source, SIDs come from L{random.SystemRandom}.
        """
        self.assertIsInstance(SubscriptionTable(self.clock).random, random.SystemRandom)

    def test_timeoutIsClampedToTheBounds(self) -> None:
        """
        The time granted lies within [minTimeout, maxTimeout].
        """
        self.assertEqual(self.subscribe(timeout=5).timeout, 60)
        self.assertEqual(self.subscribe(timeout=10**9).timeout, 3600)
        self.assertEqual(self.subscribe("192.168.1.21", timeout=600).timeout, 600)

    def test_expiresOnTime(self) -> None:
        """
        A subscription lives exactly its TIMEOUT on the clock, then is gone
        and reported expired.
        """
        subscription = self.subscribe(timeout=600)
        self.assertEqual(subscription.expiresAt, 600)
        self.clock.advance(599.9)
        self.assertIs(self.table.get(subscription.sid), subscription)
        self.clock.advance(0.1)
        self.assertIsNone(self.table.get(subscription.sid))
        self.assertEqual(self.removed, [(subscription.sid, EXPIRED)])
        self.assertEqual(len(self.table), 0)
        self.assertEqual(self.table.quota.total, 0)

    def test_renewalRestartsTheTimeFromNow(self) -> None:
        """
        A renewal grants its (clamped) TIMEOUT from the time of renewal.
        """
        subscription = self.subscribe(timeout=600)
        self.clock.advance(500)
        self.assertIs(self.table.renew(subscription.sid, 900), subscription)
        self.assertEqual((subscription.timeout, subscription.expiresAt), (900, 1400))
        self.clock.advance(899)
        self.assertIsNotNone(self.table.get(subscription.sid))
        self.clock.advance(1)
        self.assertIsNone(self.table.get(subscription.sid))
        self.assertEqual(len(self.clock.getDelayedCalls()), 0)

    def test_unknownSidsAreNotRenewedOrEnded(self) -> None:
        """
        Renewing or ending an unknown (or expired) SID gives L{None}.
        """
        subscription = self.subscribe(timeout=60)
        self.clock.advance(60)
        self.assertIsNone(self.table.renew(subscription.sid, 600))
        self.assertIsNone(self.table.unsubscribe(subscription.sid))
        self.assertIsNone(self.table.renew("uuid:00000000-0000-4000-8000-000000000000", 600))

    def test_unsubscribeEndsAndCancelsTheTimer(self) -> None:
        """
        UNSUBSCRIBE removes the subscription, its timer and its quota share.
        """
        subscription = self.subscribe()
        self.assertIs(self.table.unsubscribe(subscription.sid), subscription)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.assertEqual(self.removed, [(subscription.sid, UNSUBSCRIBED)])
        self.assertEqual(self.table.quota.heldBy("192.168.1.20"), 0)

    def test_boundsPerClientAndInTotal(self) -> None:
        """
        A client holds at most maxPerClient subscriptions and the table at
        most maxTotal; a freed place can be taken again.
        """
        first = self.subscribe("192.168.1.20")
        self.subscribe("192.168.1.20")
        self.assertEqual(self.table.subscribe("192.168.1.20", (), 600), "192.168.1.20 holds 2 subscriptions")
        self.subscribe("192.168.1.21")
        self.assertEqual(self.table.subscribe("192.168.1.22", (), 600), "3 subscriptions in all")
        self.table.unsubscribe(first.sid)
        self.subscribe("192.168.1.22")
        self.assertEqual(len(self.table), 3)

    def test_quotaIsSharedBetweenTables(self) -> None:
        """
        Two tables with one quota bound a client over both.
        """
        quota = Quota(maxPerClient=1, maxTotal=10)
        one = SubscriptionTable(self.clock, self.limits, quota)
        two = SubscriptionTable(self.clock, self.limits, quota)
        self.assertIsInstance(one.subscribe("c", (), 600), Subscription)
        self.assertIsInstance(two.subscribe("c", (), 600), str)
        one.stop()
        self.assertIsInstance(two.subscribe("c", (), 600), Subscription)

    def test_stopDropsEverything(self) -> None:
        """
        Stopping the table drops every subscription and every timer.
        """
        subscriptions = [self.subscribe("a"), self.subscribe("b")]
        self.table.stop()
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.assertEqual(sorted(self.removed), sorted((s.sid, STOPPED) for s in subscriptions))
        self.assertEqual(self.table.quota.total, 0)

    def test_seqStartsAtZeroAndWrapsToOne(self) -> None:
        """
        SEQ is 0 for the initial event, then one more per message, and 1
        after 4294967295.
        """
        subscription = self.subscribe()
        self.assertEqual([subscription.takeSeq() for _ in range(3)], [0, 1, 2])
        subscription.seq = MAX_SEQ
        self.assertEqual([subscription.takeSeq() for _ in range(2)], [MAX_SEQ, 1])


class LimitsTests(SynchronousTestCase):
    """
    L{EventingLimits} refuses bounds that contradict each other.
    """

    def test_defaultsFollowTheSpec(self) -> None:
        """
        By default, TIMEOUT is 1800 s granted within [1800, 86400], and a
        subscriber has 30 s to answer.
        """
        limits = EventingLimits()
        self.assertEqual((limits.minTimeout, limits.defaultTimeout, limits.maxTimeout), (1800, 1800, 86400))
        self.assertEqual(limits.deliveryTimeout, 30)

    def test_contradictionsAreRefused(self) -> None:
        """
        Each inconsistent setting raises L{ValueError}.
        """
        for bad in (
            dict(minTimeout=0),
            dict(minTimeout=100, maxTimeout=50, defaultTimeout=60),
            dict(defaultTimeout=10),
            dict(maxPerClient=0),
            dict(maxPerClient=5, maxTotal=4),
            dict(connectTimeout=0),
            dict(deliveryTimeout=-1),
            dict(maxBody=10),
            dict(maxProperties=0),
            dict(retryDelay=0),
            dict(retryDelay=10, maxRetryDelay=5),
            dict(maxConcurrentDeliveries=0),
            dict(initialEventDelay=-1),
            dict(initialEventDelay=31),
        ):
            self.assertRaises(ValueError, EventingLimits, **bad)  # type: ignore[arg-type]
