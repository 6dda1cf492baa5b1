"""
Tests for L{coherence_lite.eventing.publisher}: a service's state, its
moderation, subscriptions and notifier together, and the host's eventing
service that starts and stops them.
"""

from __future__ import annotations

import random
from dataclasses import replace

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.backend.state import ServiceState
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.publisher import HostEventing, ServiceEventing
from coherence_lite.eventing.subscriptions import Subscription
from coherence_lite.stats import Stats
from tests.support.eventing import FakeAgent, switchPower
from tests.eventing.test_notifier import destinations


class ServiceEventingTests(SynchronousTestCase):
    """
    L{ServiceEventing} over a real L{ServiceState}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.agent = FakeAgent()
        self.stats = Stats()
        self.service = switchPower(maximumRate=1.0)
        self.state = ServiceState(self.service)
        self.eventing = ServiceEventing(
            self.service, self.state, agent=self.agent, clock=self.clock, stats=self.stats, random=random.Random(1),
            limits=EventingLimits(minTimeout=60, defaultTimeout=60),
        )
        self.eventing.start()

    def subscribe(self) -> Subscription:
        """
        Subscribe from 192.168.1.20, have the answer written and let the
        initial event go.
        """
        subscription = self.eventing.subscribe("192.168.1.20", destinations("<http://192.168.1.20:4000/>"), 60)
        assert isinstance(subscription, Subscription), subscription
        self.eventing.answered(subscription.sid)
        self.clock.advance(self.eventing.limits.initialEventDelay)
        return subscription

    def test_initialEventHasEveryEventedVariableEncoded(self) -> None:
        """
        The initial event carries every evented variable (not Target) in
        its lexical form, with SEQ 0.
        """
        self.state.update({"Status": True, "Target": True})
        self.subscribe()
        [sent] = self.agent.sent
        self.assertEqual((sent.seq, sent.properties), (0, {"Status": "1", "Level": "0", "Name": ""}))

    def test_deadSubscriptionIsEnded(self) -> None:
        """
        A subscription none of whose messages is taken for deadAfter
        seconds is ended: its renewal finds no SID (412), its quota is
        given back, no timer of it is left.
        """
        eventing = ServiceEventing(
            self.service, self.state, agent=self.agent, clock=self.clock, stats=self.stats, random=random.Random(2),
            limits=EventingLimits(minTimeout=3600, defaultTimeout=3600, maxTimeout=3600),
        )
        subscription = eventing.subscribe("192.168.1.20", destinations("<http://192.168.1.20:4000/>"), 3600)
        assert isinstance(subscription, Subscription), subscription
        eventing.answered(subscription.sid)
        for _ in range(40):
            for sent in self.agent.pending():
                sent.fail()
            self.clock.advance(60)
        self.assertIsNone(eventing.renew(subscription.sid, 3600))
        self.assertEqual(eventing.table.quota.heldBy("192.168.1.20"), 0)
        self.assertEqual(self.stats["eventing.subscriptions.dead"], 1)
        self.assertEqual(len(eventing.notifier), 0)

    def test_stateChangesReachSubscribersModerated(self) -> None:
        """
        A change of the state is evented to the subscriber; a moderated
        variable's second change within its rate waits for the clock.
        """
        self.subscribe()
        self.agent.sent[0].answer()
        self.state.update({"Status": True, "Level": 5})
        self.assertEqual(self.agent.sent[1].properties, {"Status": "1", "Level": "5"})
        self.agent.sent[1].answer()
        self.state.set("Level", 6)
        self.assertEqual(len(self.agent.sent), 2)
        self.clock.advance(1)
        self.assertEqual((self.agent.sent[2].seq, self.agent.sent[2].properties), (2, {"Level": "6"}))

    def test_tooLargeValuesAreLeftOut(self) -> None:
        """
        A value larger than a message may be is left out of events, counted
        and logged; the other changes go.
        """
        self.subscribe()
        self.agent.sent[0].answer()
        self.state.update({"Name": "x" * 70000, "Status": True})
        self.assertEqual(self.agent.sent[1].properties, {"Status": "1"})
        self.assertEqual(self.stats["eventing.dropped.too-large"], 1)

    def test_expiryIsCountedAndStopsDelivery(self) -> None:
        """
        An expired subscription is counted and gets no more events.
        """
        subscription = self.subscribe()
        self.agent.sent[0].answer()
        self.clock.advance(60)
        self.assertIsNone(self.eventing.table.get(subscription.sid))
        self.assertEqual(self.stats["eventing.subscriptions.expired"], 1)
        self.state.set("Status", True)
        self.assertEqual(len(self.agent.sent), 1)

    def test_stopLeavesNothingBehind(self) -> None:
        """
        Stopping stops following the state, cancels the delivery in flight
        and every timer.
        """
        self.subscribe()
        self.state.set("Level", 3)
        self.eventing.stop()
        self.assertTrue(self.agent.sent[0].cancelled)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.state.set("Status", True)
        self.assertEqual(len(self.agent.sent), 1)
        self.assertEqual(len(self.eventing.table), 0)


    def test_rebindSendsTheNewFullStateAfterTheMessageInFlight(self) -> None:
        """
        Rebound to a new declaration (C{Name} no longer declared) and a new
        state while a message is in flight, the subscription stays (same
        SID, renewable); once that message is answered, the next one (the
        next SEQ) carries every evented variable of the new declaration,
        and nothing of the dropped one; the old state is no longer
        followed, the new one is.
        """
        subscription = self.subscribe()
        self.agent.sent[0].answer()
        self.state.update({"Name": "old"})
        [inFlight] = self.agent.pending()
        service = switchPower()
        service = replace(service, stateVariables=tuple(v for v in service.stateVariables if v.name != "Name"))
        state = ServiceState(service, {"Status": True, "Level": 3})
        self.eventing.rebind(service, state)
        self.state.update({"Status": True})
        self.assertEqual(self.agent.pending(), [inFlight])
        inFlight.answer()
        [full] = self.agent.pending()
        self.assertEqual((full.header(b"SID"), full.seq, full.properties), (subscription.sid, 2, {"Status": "1", "Level": "3"}))
        full.answer()
        state.update({"Level": 4})
        self.clock.advance(1)
        [change] = self.agent.pending()
        self.assertEqual((change.seq, change.properties), (3, {"Level": "4"}))
        self.assertIs(self.eventing.renew(subscription.sid, 60), subscription)

    def test_rebindWithoutEventedVariablesEndsTheSubscriptions(self) -> None:
        """
        Rebound to a declaration that events nothing, the subscriptions
        end: no renewal, the quota given back, nothing sent.
        """
        subscription = self.subscribe()
        self.agent.sent[0].answer()
        quiet = replace(self.service, stateVariables=tuple(replace(v, sendEvents=False) for v in self.service.stateVariables))
        self.eventing.rebind(quiet, ServiceState(quiet))
        self.assertIsNone(self.eventing.renew(subscription.sid, 60))
        self.assertEqual(self.eventing.table.quota.total, 0)
        self.assertEqual(self.agent.pending(), [])


class HostEventingTests(SynchronousTestCase):
    """
    L{HostEventing} is the lifecycle of every service's eventing.
    """

    def test_startStopAndSharedQuota(self) -> None:
        """
        Services added before or after start follow their state while the
        host runs; they share one quota; stopping drops everything.
        """
        clock, agent = Clock(), FakeAgent()
        host = HostEventing(agent, clock, EventingLimits(maxPerClient=1, maxTotal=5), Stats(), random.Random(2))
        udn = "uuid:11111111-2222-3333-4444-555555555555"
        service = switchPower()
        first = host.add(udn, service, ServiceState(service))
        host.startService()
        other = switchPower()
        second = host.add("uuid:11111111-2222-3333-4444-666666666666", other, ServiceState(other))
        self.assertRaises(ValueError, host.add, udn, service, ServiceState(service))
        self.assertEqual(list(host), [first, second])
        self.assertEqual(second.subscribe("d", destinations("<http://10.0.0.3/>"), 60).sid[:5], "uuid:")  # type: ignore[union-attr]
        self.assertEqual(second.subscribe("d", destinations("<http://10.0.0.3/>"), 60), "d holds 1 subscriptions")
        self.assertIsInstance(first.subscribe("c", destinations("<http://10.0.0.2/>"), 60), Subscription)
        self.assertEqual(first.subscribe("d", destinations("<http://10.0.0.3/>"), 60), "d holds 1 subscriptions")
        [sid] = [s.sid for s in second.table]
        second.answered(sid)
        clock.advance(second.limits.initialEventDelay)
        agent.sent[0].answer()
        state = second.state
        assert isinstance(state, ServiceState)
        state.set("Status", True)
        self.assertEqual(agent.sent[1].properties, {"Status": "1"})
        agent.sent[1].answer()
        host.stopService()
        self.assertEqual((len(first.table), len(second.table), host.quota.total), (0, 0, 0))
        self.assertEqual(clock.getDelayedCalls(), [])
        state.set("Status", False)
        self.assertEqual(len(agent.sent), 2)

    def test_removeEndsOneDevicesEventing(self) -> None:
        """
        Removing a device stops its services' eventing (subscriptions end,
        the quota is freed, changes are no longer followed) and leaves the
        other devices' alone.
        """
        clock, agent = Clock(), FakeAgent()
        host = HostEventing(agent, clock, EventingLimits(), Stats(), random.Random(2))
        host.startService()
        gone, kept = switchPower(), switchPower()
        goneState, keptState = ServiceState(gone), ServiceState(kept)
        first = host.add("uuid:11111111-2222-3333-4444-555555555555", gone, goneState)
        second = host.add("uuid:11111111-2222-3333-4444-666666666666", kept, keptState)
        first.subscribe("c", destinations("<http://10.0.0.2/>"), 60)
        second.subscribe("c", destinations("<http://10.0.0.2/>"), 60)
        host.remove("uuid:11111111-2222-3333-4444-555555555555")
        self.assertEqual(list(host), [second])
        self.assertEqual((len(first.table), len(second.table), host.quota.total), (0, 1, 1))
        goneState.set("Status", True)
        clock.advance(60)
        self.assertEqual(len(first.table), 0)
        host.stopService()
