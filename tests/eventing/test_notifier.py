"""
Tests for L{coherence_lite.eventing.notifier}: ordered delivery through a
fake agent on a L{Clock}, merging while in flight, retries, timeouts and
the body bound.
"""

from __future__ import annotations

from twisted.internet.interfaces import IPushProducer
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase
from zope.interface import directlyProvides

from coherence_lite.eventing.callbacks import Destination
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.message import parseCallback
from coherence_lite.eventing.notifier import Notifier, Property, propertySize
from coherence_lite.eventing.subscriptions import Subscription
from coherence_lite.stats import Stats
from tests.support.eventing import FakeAgent

SID = "uuid:11111111-2222-4333-8444-555555555555"


def destinations(header: str) -> tuple[Destination, ...]:
    """
    Destinations from a CALLBACK header (parsed, not link-checked).
    """
    parsed = parseCallback(header)
    assert isinstance(parsed, tuple), parsed
    return tuple(Destination(url) for url in parsed)


def props(**values: str) -> dict[str, Property]:
    """
    Encoded values with their sizes, as the notifier takes them.
    """
    return {name: (value, propertySize(name, value)) for name, value in values.items()}


class NotifierTests(SynchronousTestCase):
    """
    L{Notifier} with a fake agent.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.agent = FakeAgent()
        self.stats = Stats()
        self.limits = EventingLimits(retryDelay=5, maxRetryDelay=20)
        self.notifier = Notifier(self.agent, self.clock, self.limits, self.stats)
        self.subscription = Subscription(SID, "192.168.1.20", destinations("<http://192.168.1.20:4000/ev>"), 1800, 1800.0)

    def added(self, subscription: Subscription | None = None, **initial: str) -> Subscription:
        """
        Add a subscription with its initial values, start it and let its
        initial event go.
        """
        subscription = subscription or self.subscription
        self.notifier.add(subscription, props(**initial))
        self.notifier.start(subscription.sid)
        self.clock.advance(self.notifier.limits.initialEventDelay)
        return subscription

    def test_initialEventWaitsForStart(self) -> None:
        """
        Nothing is sent before L{Notifier.start} nor for initialEventDelay
        (1 s by default) after it; then the initial event goes with SEQ 0
        and every value, with the GENA headers.
        """
        self.notifier.add(self.subscription, props(Status="0", Level="3"))
        self.clock.advance(10)
        self.assertEqual(self.agent.sent, [])
        self.notifier.start(SID)
        self.assertEqual(self.limits.initialEventDelay, 1.0)
        self.clock.advance(0.99)
        self.assertEqual(self.agent.sent, [])
        self.clock.advance(0.01)
        [sent] = self.agent.sent
        self.assertEqual((sent.method, sent.url), (b"NOTIFY", b"http://192.168.1.20:4000/ev"))
        self.assertEqual(sent.seq, 0)
        self.assertEqual(sent.properties, {"Status": "0", "Level": "3"})
        self.assertEqual(sent.header(b"SID"), SID)
        self.assertEqual(sent.header(b"NT"), "upnp:event")
        self.assertEqual(sent.header(b"NTS"), "upnp:propchange")
        self.assertEqual(sent.header(b"HOST"), "192.168.1.20:4000")
        self.assertEqual(sent.header(b"CONTENT-TYPE"), 'text/xml; charset="utf-8"')

    def test_changesBeforeStartMergeIntoTheInitialEvent(self) -> None:
        """
        A change published between the SUBSCRIBE and its answer, or while
        the initial event waits its delay, is part of the initial event,
        with its latest value.
        """
        self.notifier.add(self.subscription, props(Status="0", Level="3"))
        self.notifier.publish(props(Level="4"))
        self.notifier.start(SID)
        self.notifier.publish(props(Status="1"))
        self.clock.advance(self.limits.initialEventDelay)
        [sent] = self.agent.sent
        self.assertEqual((sent.seq, sent.properties), (0, {"Status": "1", "Level": "4"}))

    def test_removedWhileTheInitialEventWaits(self) -> None:
        """
        A subscription removed while its initial event waits leaves no
        timer and is sent nothing; with initialEventDelay 0 the initial
        event goes as soon as L{Notifier.start} is called.
        """
        self.notifier.add(self.subscription, props(Status="0"))
        self.notifier.start(SID)
        self.notifier.remove(SID)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.clock.advance(5)
        self.assertEqual(self.agent.sent, [])
        notifier = Notifier(self.agent, self.clock, EventingLimits(initialEventDelay=0), self.stats)
        notifier.add(self.subscription, props(Status="0"))
        notifier.start(SID)
        self.assertEqual([sent.seq for sent in self.agent.sent], [0])
        notifier.stop()

    def test_oneInFlightAndMergedInOrder(self) -> None:
        """
        While a message is in flight nothing else is sent; the changes made
        meanwhile go in one next message with the latest value of each, and
        SEQ goes up by one per message.
        """
        self.added(Status="0")
        self.notifier.publish(props(Status="1"))
        self.notifier.publish(props(Level="5"))
        self.notifier.publish(props(Status="0", Level="6"))
        self.assertEqual(len(self.agent.sent), 1)
        self.assertTrue(self.notifier.inFlight(SID))
        self.assertEqual(self.notifier.pendingOf(SID), {"Status": "0", "Level": "6"})
        self.agent.sent[0].answer(200)
        self.assertEqual(len(self.agent.sent), 2)
        self.assertEqual((self.agent.sent[1].seq, self.agent.sent[1].properties), (1, {"Status": "0", "Level": "6"}))
        self.agent.sent[1].answer(200)
        self.assertFalse(self.notifier.inFlight(SID))
        self.notifier.publish(props(Name="x"))
        self.assertEqual((self.agent.sent[2].seq, self.agent.sent[2].properties), (2, {"Name": "x"}))
        self.assertEqual(self.stats["eventing.notify.sent"], 2)

    def test_callbackURLsAreTriedInOrder(self) -> None:
        """
        A URL that fails or answers other than 2xx passes the message to
        the next one, with the same SEQ; the first 2xx ends it.
        """
        self.subscription.destinations = destinations("<http://192.168.1.20:1/a><http://192.168.1.20:2/b><http://192.168.1.20:3/c>")
        self.added(Status="1")
        self.agent.sent[0].fail()
        self.agent.sent[1].answer(302)
        self.agent.sent[2].answer(204)
        self.assertEqual([s.url for s in self.agent.sent], [b"http://192.168.1.20:1/a", b"http://192.168.1.20:2/b", b"http://192.168.1.20:3/c"])
        self.assertEqual({s.seq for s in self.agent.sent}, {0})
        self.assertEqual(self.stats["eventing.notify.attempts-failed"], 2)
        self.assertEqual(self.stats["eventing.notify.sent"], 1)

    def test_failingSubscriberGetsTheCurrentStateLater(self) -> None:
        """
        When no URL takes a message, its values wait under newer ones and
        go again after the retry delay, doubling up to the maximum; memory
        stays one entry per variable; the first success resets the delay.
        """
        self.added(Status="0", Level="1")
        self.agent.sent[0].fail()
        self.assertEqual(self.stats["eventing.notify.failed"], 1)
        for level in range(2, 500):
            self.notifier.publish(props(Level=str(level)))
        self.assertEqual(self.notifier.pendingOf(SID), {"Status": "0", "Level": "499"})
        self.clock.advance(4.9)
        self.assertEqual(len(self.agent.sent), 1)
        self.clock.advance(0.1)
        self.assertEqual((self.agent.sent[1].seq, self.agent.sent[1].properties), (1, {"Status": "0", "Level": "499"}))
        delays = []
        for attempt in range(1, 5):
            self.agent.sent[attempt].fail()
            delay = next(iter(self.clock.getDelayedCalls())).getTime() - self.clock.seconds()
            delays.append(delay)
            self.clock.advance(delay)
        self.assertEqual(delays, [10, 20, 20, 20])
        self.agent.sent[5].answer(200)
        self.assertEqual(self.agent.sent[5].seq, 5)
        self.notifier.publish(props(Status="1"))
        self.agent.sent[6].fail()
        self.assertEqual(self.clock.getDelayedCalls()[0].getTime() - self.clock.seconds(), 5)

    def test_silentSubscriberIsCancelledAfterTheDeliveryTimeout(self) -> None:
        """
        An attempt without an answer is cancelled after deliveryTimeout
        seconds and counts as failed.
        """
        self.added(Status="0")
        self.clock.advance(29.9)
        self.assertFalse(self.agent.sent[0].cancelled)
        self.clock.advance(0.1)
        self.assertTrue(self.agent.sent[0].cancelled)
        self.assertEqual(self.stats["eventing.notify.failed"], 1)
        self.assertIsNone(self.successResultOf(self.agent.sent[0].deferred))

    def test_neverAnsweringSubscriberTimeline(self) -> None:
        """
        A subscriber that takes every NOTIFY and never answers (npm's
        upnp-device-client does) gets its first message at once; it is
        cancelled after deliveryTimeout (30 s); each later message carries
        the current state, waits only stalledTimeout (5 s) for an answer,
        and leaves after the retry delay (5 s doubling to 300 s); once
        every message failed for deadAfter (600 s) the subscription is
        ended through onDead, counted and logged.
        """
        ended: list[Subscription] = []
        notifier = Notifier(self.agent, self.clock, EventingLimits(), self.stats, "SwitchPower", onDead=ended.append)
        notifier.add(self.subscription, props(Status="0"))
        notifier.start(SID)
        starts: list[float] = []
        level = 0
        while not ended and self.clock.seconds() < 2000:
            level += 1
            notifier.publish(props(Level=str(level)))
            self.clock.advance(1)
            if len(self.agent.sent) > len(starts):
                starts.append(self.clock.seconds() - 1)
                self.assertEqual(self.agent.sent[-1].properties.get("Level"), str(level))
        self.assertEqual(starts, [0, 35, 50, 75, 120, 205, 370, 675])
        self.assertEqual([sent.seq for sent in self.agent.sent], list(range(8)))
        self.assertEqual(self.agent.sent[-1].properties["Status"], "0")
        self.assertEqual(ended, [self.subscription])
        self.assertEqual(self.clock.seconds() - 1, 680)
        self.assertEqual(self.stats["eventing.subscriptions.dead"], 1)
        self.assertEqual(len(notifier), 0)
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_stalledTimeoutUntilOneIsTaken(self) -> None:
        """
        After a failed message, attempts wait stalledTimeout for an answer;
        a message taken gives deliveryTimeout back.
        """
        self.added(Status="0")
        self.agent.sent[0].fail()
        self.clock.advance(5)
        self.clock.advance(4.9)
        self.assertFalse(self.agent.sent[1].cancelled)
        self.clock.advance(0.1)
        self.assertTrue(self.agent.sent[1].cancelled)
        self.clock.advance(10)
        self.agent.sent[2].answer(200)
        self.notifier.publish(props(Status="1"))
        self.clock.advance(29.9)
        self.assertFalse(self.agent.sent[3].cancelled)
        self.clock.advance(0.1)
        self.assertTrue(self.agent.sent[3].cancelled)

    def test_deadWithoutOnDeadStaysUntilExpiry(self) -> None:
        """
        Without onDead a subscription whose messages all fail keeps being
        tried; a message taken resets the time it has been failing.
        """
        self.added(Status="0")
        for _ in range(20):
            for sent in self.agent.pending():
                sent.fail()
            self.clock.advance(300)
        self.assertEqual(len(self.notifier), 1)
        self.assertEqual(self.stats["eventing.subscriptions.dead"], 0)

    def test_newerValueWinsOverAFailedMessage(self) -> None:
        """
        A value changed while a message is in flight is newer than the one
        that message carried: when the message fails, the retry carries the
        newer value, never the old one.
        """
        self.added(Status="0", Level="1")
        self.notifier.publish(props(Level="2"))
        self.agent.sent[0].fail()
        self.assertEqual(self.notifier.pendingOf(SID), {"Status": "0", "Level": "2"})
        self.clock.advance(5)
        self.assertEqual(self.agent.sent[1].properties, {"Status": "0", "Level": "2"})

    def test_removeCancelsDeliveryAndTimers(self) -> None:
        """
        Removing a subscription cancels its message in flight and leaves no
        timer; later changes are not sent to it.
        """
        self.added(Status="0")
        self.notifier.remove(SID)
        self.assertTrue(self.agent.sent[0].cancelled)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.notifier.publish(props(Status="1"))
        self.assertEqual(len(self.agent.sent), 1)
        self.assertEqual(self.stats["eventing.notify.failed"], 0)

    def test_stopCancelsRetries(self) -> None:
        """
        Stopping cancels waiting retries as well as messages in flight.
        """
        other = Subscription("uuid:11111111-2222-4333-8444-666666666666", "c", self.subscription.destinations, 1800, 0)
        self.added(Status="0")
        self.added(other, Status="0")
        self.agent.sent[0].fail()
        self.notifier.stop()
        self.assertTrue(self.agent.sent[1].cancelled)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.assertEqual(len(self.notifier), 0)

    def test_deliveriesTakeTurnsWithinTheHostWideBound(self) -> None:
        """
        With maxConcurrentDeliveries 2, a third subscriber's message waits
        until one of the two in flight is answered; its changes keep
        merging meanwhile; a removed waiter gives its turn up.
        """
        notifier = Notifier(self.agent, self.clock, EventingLimits(maxConcurrentDeliveries=2), self.stats)
        subscriptions = [
            Subscription(f"uuid:11111111-2222-4333-8444-00000000000{i}", "c", self.subscription.destinations, 1800, 0)
            for i in range(4)
        ]
        for subscription in subscriptions:
            notifier.add(subscription, props(Status="0"))
            notifier.start(subscription.sid)
        self.clock.advance(notifier.limits.initialEventDelay)
        self.assertEqual(len(self.agent.sent), 2)
        notifier.publish(props(Status="1"))
        notifier.remove(subscriptions[2].sid)
        self.agent.sent[0].answer()
        self.assertEqual(len(self.agent.sent), 3)
        third = self.agent.sent[2]
        self.assertEqual((third.header(b"SID"), third.seq, third.properties), (subscriptions[3].sid, 0, {"Status": "1"}))
        self.agent.sent[1].fail()
        self.assertEqual(self.agent.sent[3].header(b"SID"), subscriptions[0].sid)
        notifier.stop()
        self.assertEqual(notifier.slots.tokens, 2)

    def test_largeSetsAreSplitAcrossMessages(self) -> None:
        """
        A set larger than maxBody bytes or maxProperties variables goes in
        several messages, each within the bounds, in order.
        """
        self.notifier = Notifier(self.agent, self.clock, EventingLimits(maxBody=400, maxProperties=3), self.stats)
        values = {f"V{i}": "x" * 40 for i in range(8)}
        self.added(**values)
        received: dict[str, str] = {}
        while self.agent.pending():
            [sent] = self.agent.pending()
            self.assertLessEqual(len(sent.body), 400)
            self.assertLessEqual(len(sent.properties), 3)
            received.update(sent.properties)
            sent.answer(200)
        self.assertEqual(received, values)
        self.assertEqual([s.seq for s in self.agent.sent], list(range(len(self.agent.sent))))
        self.assertGreater(len(self.agent.sent), 2)

    def test_bodyBoundSplitsBeforeThePropertyCount(self) -> None:
        """
        With room for many properties, maxBody alone splits a set: each
        message stays within it and carries fewer variables than
        maxProperties allows, in order, nothing lost.
        """
        self.notifier = Notifier(self.agent, self.clock, EventingLimits(maxBody=300, maxProperties=100), self.stats)
        values = {f"V{i}": "x" * 60 for i in range(6)}
        self.added(**values)
        received: dict[str, str] = {}
        counts = []
        while self.agent.pending():
            [sent] = self.agent.pending()
            self.assertLessEqual(len(sent.body), 300)
            counts.append(len(sent.properties))
            received.update(sent.properties)
            sent.answer(200)
        self.assertEqual(received, values)
        self.assertGreater(len(counts), 1)
        self.assertLess(max(counts), 6)

    def test_answerBodiesAreNotRead(self) -> None:
        """
        The body of a subscriber's answer is handed to a protocol that
        stops it at once.
        """
        self.added(Status="0")
        sent = self.agent.sent[0]
        sent.answer(200)
        assert sent.response is not None
        [protocol] = sent.response.delivered

        class Producer:
            """
            Records whether it was told to stop.
            """

            stopped = False

            def stopProducing(self) -> None:
                self.stopped = True

            def pauseProducing(self) -> None:
                pass

            def resumeProducing(self) -> None:
                pass

        producer = Producer()
        directlyProvides(producer, IPushProducer)
        protocol.makeConnection(producer)
        self.assertTrue(producer.stopped)

    def test_agentRaisingIsAFailedAttempt(self) -> None:
        """
        An agent that raises instead of returning a Deferred fails the
        attempt; nothing escapes.
        """

        class Raising:
            """
            An agent that raises at once.
            """

            def request(self, *args: object) -> None:
                raise ValueError("no")

        notifier = Notifier(Raising(), self.clock, self.limits, self.stats)  # type: ignore[arg-type]
        notifier.add(self.subscription, props(Status="0"))
        notifier.start(SID)
        self.clock.advance(self.limits.initialEventDelay)
        self.assertEqual(self.stats["eventing.notify.failed"], 1)
        notifier.stop()
