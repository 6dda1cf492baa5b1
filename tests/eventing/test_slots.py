"""
Tests for L{coherence_lite.eventing.slots}: the bounds and the order of
delivery turns, then hanging subscribers on loopback (TCP servers that
accept a NOTIFY and never answer) next to a healthy one, whose changes must
not wait for them.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import CancelledError, Deferred, DeferredList
from twisted.internet.interfaces import IListeningPort
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.task import Clock
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.server import Site

from coherence_lite.eventing.agent import deliveryAgent
from coherence_lite.eventing.callbacks import Destination
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.message import CallbackURL
from coherence_lite.eventing.publisher import HostEventing, ServiceEventing
from coherence_lite.eventing.slots import DeliverySlots, Slot
from coherence_lite.eventing.subscriptions import Subscription
from coherence_lite.stats import Stats
from tests.support.eventing_http import Event, Recorder
from tests.support.eventing import FakeState, switchPower

UDN = "uuid:2f0c4a4e-0000-4000-8000-00000000e1e2"


class DeliverySlotsTests(SynchronousTestCase):
    """
    L{DeliverySlots} alone.
    """

    def granted(self, slots: DeliverySlots, host: str, doubtful: bool, count: int) -> list[Deferred[Slot]]:
        """
        Ask C{count} turns for C{host}.
        """
        return [slots.acquire(host, doubtful) for _ in range(count)]

    def test_perHostBoundPerKind(self) -> None:
        """
        One host gets at most perHost turns of each kind at once; other
        hosts still get theirs.
        """
        slots = DeliverySlots(total=20, perHost=2, doubtful=10)
        hanging = self.granted(slots, "10.0.0.1", True, 5)
        self.assertEqual([d.called for d in hanging], [True, True, False, False, False])
        healthyHere = self.granted(slots, "10.0.0.1", False, 3)
        self.assertEqual([d.called for d in healthyHere], [True, True, False])
        elsewhere = self.granted(slots, "10.0.0.2", True, 1)
        self.assertTrue(elsewhere[0].called)
        self.assertEqual((slots.inFlightTo("10.0.0.1"), slots.tokens), (4, 15))
        slots.release(self.successResultOf(hanging[0]))
        self.assertTrue(hanging[2].called)
        self.assertFalse(healthyHere[2].called)

    def test_doubtfulBound(self) -> None:
        """
        Subscriptions not known to answer hold at most C{doubtful} turns,
        over all hosts; the rest stays for the others.
        """
        slots = DeliverySlots(total=10, perHost=4, doubtful=3)
        doubtful = [slots.acquire(f"10.0.1.{i}", True) for i in range(6)]
        self.assertEqual(sum(d.called for d in doubtful), 3)
        self.assertEqual(slots.doubtfulInFlight, 3)
        healthy = [slots.acquire(f"10.0.2.{i}", False) for i in range(7)]
        self.assertTrue(all(d.called for d in healthy))
        self.assertEqual(slots.tokens, 0)
        slots.release(self.successResultOf(healthy[0]))
        self.assertEqual(sum(d.called for d in doubtful), 3, "a doubtful turn beyond the bound")
        slots.release(self.successResultOf(doubtful[0]))
        self.assertEqual(sum(d.called for d in doubtful), 4)

    def test_roundRobinOverHostsAndKnownFirst(self) -> None:
        """
        Freed turns go to each waiting host in turn, not to the host that
        asked most; within a host, a subscription known to answer goes
        before doubtful ones that asked earlier.
        """
        slots = DeliverySlots(total=1, perHost=1, doubtful=1)
        first = slots.acquire("a", True)
        order: list[str] = []
        for host, doubtful, name in [("a", True, "a1"), ("a", True, "a2"), ("b", True, "b1"), ("a", False, "a-known")]:
            slots.acquire(host, doubtful).addCallback(lambda slot, name=name: (order.append(name), slot)[1]).addCallback(
                slots.release
            )
        slots.release(self.successResultOf(first))
        self.assertEqual(order, ["a-known", "b1", "a1", "a2"])
        self.assertEqual(slots.tokens, 1)

    def test_cancelWhileWaitingAndReleaseOnce(self) -> None:
        """
        A waiting turn cancelled is given up (its Deferred fails with
        L{CancelledError}); a turn released twice counts once.
        """
        slots = DeliverySlots(total=1, perHost=1, doubtful=1)
        held = self.successResultOf(slots.acquire("a", False))
        waiting = slots.acquire("b", False)
        waiting.cancel()
        self.failureResultOf(waiting, CancelledError)
        slots.release(held)
        slots.release(held)
        self.assertEqual(slots.tokens, 1)
        self.assertRaises(ValueError, DeliverySlots, 1, 0, 1)


class _Hanging(Protocol):
    """
    Accepts a connection, reads what comes, never answers.
    """

    factory: HangingServer

    def connectionMade(self) -> None:
        self.factory.connected(self)

    def connectionLost(self, reason: Failure | None = None) -> None:
        self.factory.lost(self)


class HangingServer(Factory):
    """
    A subscriber's callback server that accepts and never answers.

    @ivar accepted: connections accepted so far.
    """

    protocol = _Hanging
    noisy = False

    def __init__(self) -> None:
        self.accepted = 0
        self.open: list[_Hanging] = []
        self._gone: list[Deferred[None]] = []
        self.port: IListeningPort | None = None

    def connected(self, protocol: _Hanging) -> None:
        """
        Count a connection.
        """
        self.accepted += 1
        self.open.append(protocol)

    def lost(self, protocol: _Hanging) -> None:
        """
        Forget a connection.
        """
        self.open.remove(protocol)
        if not self.open:
            waiters, self._gone = self._gone, []
            for waiter in waiters:
                waiter.callback(None)

    def listen(self, host: str) -> CallbackURL:
        """
        Listen on a free port of C{host}; the CALLBACK URL there.
        """
        self.port = reactor.listenTCP(0, self, interface=host)  # type: ignore[attr-defined]
        return CallbackURL(ip_address(host), self.port.getHost().port, "/hang")

    def close(self) -> Deferred[Any]:
        """
        Stop listening and close every connection still open.
        """
        closing = []
        if self.port is not None:
            closing.append(self.port.stopListening())
        if self.open:
            gone: Deferred[None] = Deferred()
            self._gone.append(gone)
            closing.append(gone)
            for protocol in list(self.open):
                assert protocol.transport is not None
                protocol.transport.abortConnection()  # type: ignore[attr-defined]
        return DeferredList(closing)


class HangingSubscribersTests(TestCase):
    """
    A host's eventing delivering through real sockets on loopback (its
    timers on a L{Clock}), to a healthy subscriber and 130 that hang.
    """

    timeout = 60
    HANGING = 130

    def setUp(self) -> None:
        self.clock = Clock()
        self.state = FakeState({"Status": False, "Level": 0, "Name": ""})
        limits = EventingLimits(initialEventDelay=0, maxPerClient=self.HANGING + 10, maxTotal=self.HANGING + 10)
        self.host = HostEventing(deliveryAgent(reactor), self.clock, limits, Stats())
        self.eventing = self.host.add(UDN, switchPower(), self.state)
        self.host.startService()
        self.addCleanup(self.host.stopService)

    def subscribe(self, eventing: ServiceEventing, url: CallbackURL) -> Subscription:
        """
        Subscribe C{url} and let its initial event go.
        """
        subscription = eventing.subscribe(str(url.address), (Destination(url),), 1800)
        assert isinstance(subscription, Subscription), subscription
        eventing.answered(subscription.sid)
        return subscription

    def hanging(self, hosts: list[str]) -> list[HangingServer]:
        """
        A hanging server on each host, closed when the test ends.
        """
        servers = []
        for host in hosts:
            server = HangingServer()
            server.listen(host)
            self.addCleanup(server.close)
            servers.append(server)
        return servers

    async def healthy(self, host: str = "127.0.0.1") -> Recorder:
        """
        A subscriber that answers, on C{host}, with its initial event in.
        """
        recorder = Recorder()
        port = reactor.listenTCP(0, Site(recorder), interface=host)  # type: ignore[attr-defined]
        self.addCleanup(port.stopListening)
        self.healthySID = self.subscribe(self.eventing, CallbackURL(ip_address(host), port.getHost().port, "/ok")).sid
        await self.within(recorder.waitFor(1))
        await self.settled()
        return recorder

    async def settled(self) -> None:
        """
        Wait until the healthy subscriber's answer is in (it records an
        event before it answers).
        """
        for _ in range(1000):
            if not self.eventing.notifier.inFlight(self.healthySID):
                return
            await self.within(self._turn())
        self.fail("the healthy subscriber's answer never came in")

    async def within(self, waiting: Deferred[Any]) -> Any:
        """
        What C{waiting} fires with; a failure if that takes 10 s: without
        the clock moving, nothing a hanging subscriber holds is ever given
        back.
        """
        return await waiting.addTimeout(10, reactor)

    async def accepted(self, servers: list[HangingServer], count: int) -> None:
        """
        Wait until the hanging servers have accepted C{count} connections
        in all (polling the reactor, bounded by L{within}).
        """
        for _ in range(1000):
            if sum(server.accepted for server in servers) >= count:
                return
            await self.within(self._turn())
        self.fail(f"only {sum(s.accepted for s in servers)} of {count} connections came")

    def _turn(self) -> Deferred[None]:
        d: Deferred[None] = Deferred()
        reactor.callLater(0.01, d.callback, None)  # type: ignore[attr-defined]
        return d

    async def changeReaches(self, recorder: Recorder, level: int) -> Event:
        """
        Change C{Level}; the healthy subscriber's event for it, which must
        come without the clock moving.
        """
        before = self.clock.seconds()
        self.state.change(Level=level)
        events = await self.within(recorder.waitFor(len(recorder.events) + 1))
        self.assertEqual(self.clock.seconds(), before)
        await self.settled()
        return events[-1]  # type: ignore[no-any-return]

    async def test_oneHangingHostHoldsAFewTurns(self) -> None:
        """
        130 subscriptions whose callback host accepts and never answers
        hold 4 turns (maxDeliveriesPerHost), not all 128: a healthy
        subscriber gets each change at once, in the first round and in the
        retry rounds after the 30 s timeouts.
        """
        recorder = await self.healthy()
        [server] = self.hanging(["127.0.0.2"])
        url = CallbackURL(ip_address("127.0.0.2"), server.port.getHost().port, "/hang")  # type: ignore[union-attr]
        for _ in range(self.HANGING):
            self.subscribe(self.eventing, url)
        await self.accepted([server], 4)
        event = await self.changeReaches(recorder, 1)
        self.assertEqual((event.seq, event.properties), (1, {"Level": "1"}))
        self.assertEqual(server.accepted, 4)
        self.assertEqual(self.host.slots.inFlightTo("127.0.0.2"), 4)
        for level in (2, 3, 4):
            self.clock.advance(30)
            self.clock.advance(5)
            event = await self.changeReaches(recorder, level)
            self.assertEqual(event.properties, {"Level": str(level)})
            self.assertLessEqual(self.host.slots.inFlightTo("127.0.0.2"), 4)

    async def test_manyHangingHostsLeaveTurnsForTheOthers(self) -> None:
        """
        130 hanging callback hosts, one subscription each, hold at most 32
        turns (maxDoubtfulDeliveries): a healthy subscriber gets each
        change at once, in the first round and in the retry rounds, where
        the hanging ones are given 5 s (stalledTimeout), not 30.
        """
        recorder = await self.healthy()
        servers = self.hanging([f"127.0.1.{i}" for i in range(1, self.HANGING + 1)])
        for server in servers:
            assert server.port is not None
            self.subscribe(self.eventing, CallbackURL(ip_address(server.port.getHost().host), server.port.getHost().port, "/h"))
        await self.accepted(servers, 32)
        await self.changeReaches(recorder, 1)
        self.assertEqual(sum(server.accepted for server in servers), 32)
        self.assertEqual(self.host.slots.doubtfulInFlight, 32)
        timeouts: set[float] = set()
        for level in range(2, 10):
            self.clock.advance(30)
            self.clock.advance(5)
            await self.changeReaches(recorder, level)
            self.assertLessEqual(self.host.slots.doubtfulInFlight, 32)
            now = self.clock.seconds()
            timeouts.update(call.getTime() - now for call in self.clock.getDelayedCalls() if call.func.__name__ == "cancel")
        self.assertIn(5.0, timeouts, "no attempt to a hanging subscriber waits the stalled timeout only")

    async def test_healthyNeighbourOfHangingSubscribers(self) -> None:
        """
        A healthy subscriber on the very host whose other subscribers hang
        gets each change at once: the host's turns are counted apart for
        subscribers that answer.
        """
        [server] = self.hanging(["127.0.0.3"])
        recorder = await self.healthy("127.0.0.3")
        url = CallbackURL(ip_address("127.0.0.3"), server.port.getHost().port, "/hang")  # type: ignore[union-attr]
        for _ in range(self.HANGING):
            self.subscribe(self.eventing, url)
        await self.accepted([server], 4)
        event = await self.changeReaches(recorder, 7)
        self.assertEqual(event.properties, {"Level": "7"})
        self.assertEqual(server.accepted, 4)
