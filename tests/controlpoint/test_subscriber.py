"""
Tests for L{coherence_lite.controlpoint.subscriber},
L{coherence_lite.controlpoint.gena} and
L{coherence_lite.controlpoint.callbacks}: ordering and renewal on a fake
clock, and a whole subscription to a small GENA endpoint on loopback.
"""

from __future__ import annotations

import random

from twisted.internet import reactor
from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.testing import MemoryReactorClock
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent
from twisted.web.resource import Resource
from twisted.web.server import Request, Site

from coherence_lite.controlpoint.callbacks import localAddressFor
from coherence_lite.controlpoint.exchange import ExchangeError, Reply, exchange
from coherence_lite.controlpoint.gena import Event, SubscribeError, grantOf
from coherence_lite.controlpoint.remote import RemoteService
from coherence_lite.controlpoint.subscriber import Subscriber, Subscription
from coherence_lite.eventing.message import (
    CallbackURL,
    EventNotify,
    formatPropertySet,
    notifyHeaders,
    parseCallback,
)

from tests.controlpoint.test_soap import SERVICE_TYPE, switchSCPD

SID = "uuid:00000000-0000-0000-0000-000000000001"
SID2 = "uuid:00000000-0000-0000-0000-000000000002"
SERVICE = RemoteService(SERVICE_TYPE, "urn:upnp-org:serviceId:SwitchPower", None, None, "http://127.0.0.1:1/event")


class ScriptedSubscriber(Subscriber):
    """
    A L{Subscriber} on a memory reactor whose GENA exchanges are answered
    from C{self.replies} (a L{Reply}, or a L{Deferred} the test fires later)
    and recorded in C{self.sent}; an exchange with no reply left fails as a
    device that cannot be reached.
    """

    def __init__(self) -> None:
        self.clock = MemoryReactorClock()
        super().__init__(None, self.clock, localAddress=lambda host: "127.0.0.1", random=random.Random(1))  # type: ignore[arg-type]
        self.sent: list[tuple[bytes, dict[bytes, bytes]]] = []
        self.replies: list[Reply | Deferred[Reply]] = []

    def gena(self, method: bytes, url: str, headers: list[tuple[bytes, bytes]]) -> Deferred[Reply]:
        self.sent.append((method, dict(headers)))
        if not self.replies:
            return fail(ExchangeError("connection refused"))
        reply = self.replies.pop(0)
        return reply if isinstance(reply, Deferred) else succeed(reply)


def granted(sid: str = SID, timeout: int = 1800) -> Reply:
    """
    A 200 answer to SUBSCRIBE.
    """
    return Reply(200, {"sid": sid, "timeout": f"Second-{timeout}"})


class OrderTests(SynchronousTestCase):
    """
    Events reach the callback in SEQ order, bounded.
    """

    def setUp(self) -> None:
        self.subscriber = ScriptedSubscriber()
        self.subscriber.replies.append(granted())
        self.events: list[Event] = []
        self.subscription = self.successResultOf(self.subscriber.subscribe(SERVICE, self.events.append, switchSCPD()))

    def notify(self, seq: int, sid: str = SID, value: str = "1") -> int:
        return self.subscription.notifyReceived(EventNotify(sid, seq), (("Status", value),))

    def test_outOfOrderEventsWaitForTheMissingOne(self) -> None:
        """
        SEQ 1 and 2 arriving before 0 are delivered after it, in order,
        with values decoded by the SCPD's types; a repeat is dropped.
        """
        self.notify(2)
        self.notify(1)
        self.assertEqual(self.events, [])
        self.notify(0, value="0")
        self.notify(1)
        self.assertEqual([(e.seq, e.values["Status"], e.missed) for e in self.events], [(0, False, 0), (1, True, 0), (2, True, 0)])

    def test_gapSkippedAfterWaiting(self) -> None:
        """
        A gap that does not fill within gapWait is skipped, and the event
        after it says how many were missed.
        """
        self.notify(0)
        self.notify(3)
        self.subscriber.clock.advance(self.subscriber.gapWait)
        self.assertEqual([(e.seq, e.missed) for e in self.events], [(0, 0), (3, 2)])

    def test_repeatsAreNeverDeliveredAgain(self) -> None:
        """
        An event that arrives again, or late after its gap was skipped, is
        dropped for good: nothing more is delivered once the gap timer
        has passed.
        """
        self.notify(0)
        self.notify(1)
        self.notify(1)
        self.notify(0)
        self.subscriber.clock.advance(self.subscriber.gapWait)
        self.notify(4)
        self.subscriber.clock.advance(self.subscriber.gapWait)
        self.notify(2)
        self.notify(3)
        self.notify(4)
        self.subscriber.clock.advance(self.subscriber.gapWait * 3)
        self.assertEqual([(e.seq, e.missed) for e in self.events], [(0, 0), (1, 0), (4, 2)])

    def test_foreignSIDRefused(self) -> None:
        """
        An event of another SID is answered 412 and not delivered.
        """
        self.assertEqual(self.notify(0, sid=SID2), 412)
        self.assertEqual(self.events, [])

    def test_eventsBeforeTheAnswerAreKept(self) -> None:
        """
        The initial event arriving before the answer to SUBSCRIBE is
        delivered once the SID is known.
        """
        subscriber = ScriptedSubscriber()
        events: list[Event] = []
        server = subscriber.serverFor("127.0.0.1")
        subscription = Subscription(subscriber, SERVICE, events.append, None, server, "t")
        self.assertEqual(subscription.notifyReceived(EventNotify(SID, 0), (("Status", "1"),)), 200)
        subscriber.replies.append(granted())
        self.successResultOf(subscription.start())
        self.assertEqual([(e.sid, e.seq, e.properties) for e in events], [(SID, 0, (("Status", "1"),))])

    def test_pendingBounded(self) -> None:
        """
        At most maxPending events wait: one more forces the gap closed.
        """
        for seq in range(1, self.subscriber.maxPending + 1):
            self.notify(seq)
        self.assertEqual([e.missed for e in self.events][:1], [1])
        self.assertEqual(len(self.events), self.subscriber.maxPending)


class RenewalTests(SynchronousTestCase):
    """
    Renewal, resubscription and unsubscription.
    """

    def test_renewsAtHalfTheGrantedTime(self) -> None:
        """
        The subscription is renewed with its SID at half the time granted,
        and again at half the time granted then.
        """
        subscriber = ScriptedSubscriber()
        subscriber.replies += [granted(timeout=300), granted(timeout=100)]
        self.successResultOf(subscriber.subscribe(SERVICE, lambda e: None))
        subscriber.clock.advance(149)
        self.assertEqual(len(subscriber.sent), 1)
        subscriber.clock.advance(1)
        method, headers = subscriber.sent[1]
        self.assertEqual((method, headers[b"SID"], b"CALLBACK" in headers), (b"SUBSCRIBE", SID.encode(), False))
        self.assertEqual(subscriber.clock.getDelayedCalls()[0].getTime(), 200)

    def test_forgottenSubscriptionResubscribes(self) -> None:
        """
        A renewal answered 412 makes a new subscription, whose SEQ starts
        again at 0.
        """
        subscriber = ScriptedSubscriber()
        subscriber.replies += [granted(timeout=10), Reply(412), granted(SID2)]
        events: list[Event] = []
        subscription = self.successResultOf(subscriber.subscribe(SERVICE, events.append))
        subscription.notifyReceived(EventNotify(SID, 0), ())
        subscriber.clock.advance(5)
        self.assertEqual(subscription.sid, SID2)
        self.assertIn(b"CALLBACK", subscriber.sent[2][1])
        subscription.notifyReceived(EventNotify(SID2, 0), ())
        self.assertEqual([(e.sid, e.seq) for e in events], [(SID, 0), (SID2, 0)])

    def test_refusedSubscription(self) -> None:
        """
        A SUBSCRIBE answered without a SID fails with a L{SubscribeError}
        naming what was wrong, and leaves nothing behind.
        """
        subscriber = ScriptedSubscriber()
        subscriber.replies.append(Reply(200, {"timeout": "Second-1800"}))
        failure = self.failureResultOf(subscriber.subscribe(SERVICE, lambda e: None), SubscribeError)
        self.assertIn("no usable SID", failure.value.reason)
        self.assertEqual(subscriber.clock.getDelayedCalls(), [])

    def test_stopUnsubscribes(self) -> None:
        """
        Stopping sends UNSUBSCRIBE with the SID and cancels the renewal.
        """
        subscriber = ScriptedSubscriber()
        subscriber.replies += [granted(), Reply(200)]
        self.successResultOf(subscriber.subscribe(SERVICE, lambda e: None))
        self.successResultOf(subscriber.stop())
        self.assertEqual(subscriber.sent[1], (b"UNSUBSCRIBE", {b"SID": SID.encode()}))
        self.assertEqual(subscriber.clock.getDelayedCalls(), [])

    def test_grantOf(self) -> None:
        """
        A grant needs status 200, a SID and a TIMEOUT.
        """
        self.assertEqual(grantOf(granted(timeout=60)), (SID, 60))
        self.assertEqual(grantOf(Reply(412)), "HTTP status 412")
        self.assertEqual(grantOf(Reply(200, {"sid": SID})), "no TIMEOUT")


class GENAEndpoint(Resource):
    """
    A device's event URL: grants every SUBSCRIBE for 1800 s and sends the
    initial event with C{Status} 1 to the callback, from the real reactor.
    """

    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.unsubscribed: list[str] = []
        self.delivered: list[int] = []

    def render_SUBSCRIBE(self, request: Request) -> bytes:
        callbacks = parseCallback((request.getHeader(b"callback") or b"").decode())
        assert not isinstance(callbacks, Exception) and isinstance(callbacks, tuple)
        request.setHeader(b"SID", SID.encode())
        request.setHeader(b"TIMEOUT", b"Second-1800")
        reactor.callLater(0, self.send, callbacks[0], 0)
        return b""

    def render_UNSUBSCRIBE(self, request: Request) -> bytes:
        self.unsubscribed.append((request.getHeader(b"sid") or b"").decode())
        return b""

    def send(self, callback: CallbackURL, seq: int) -> None:
        headers = [(name, value) for name, value in notifyHeaders(callback, SID, seq) if name != b"HOST"]
        d = exchange(Agent(reactor), reactor, b"NOTIFY", callback.url, headers, formatPropertySet([("Status", "1")]))
        d.addCallback(lambda reply: self.delivered.append(reply.code))


class LoopbackTests(TestCase):
    """
    A whole subscription over loopback.
    """

    async def test_subscribeReceiveUnsubscribe(self) -> None:
        """
        The subscriber listens on loopback, gets the initial event decoded,
        answers it 200, and unsubscribes when stopped.
        """
        endpoint = GENAEndpoint()
        port = reactor.listenTCP(0, Site(endpoint), interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        service = RemoteService(SERVICE_TYPE, "urn:upnp-org:serviceId:SwitchPower", None, None, f"http://127.0.0.1:{port.getHost().port}/event")
        subscriber = Subscriber(Agent(reactor), reactor, timeout=5)
        received: Deferred[Event] = Deferred()
        subscription = await subscriber.subscribe(service, received.callback, switchSCPD())
        self.assertTrue(subscription.callbackURL.startswith("http://127.0.0.1:"))
        event = await received
        self.assertEqual((event.sid, event.seq, dict(event.values)), (SID, 0, {"Status": True}))
        await subscriber.stop()
        self.assertEqual(endpoint.unsubscribed, [SID])
        self.assertEqual(endpoint.delivered, [200])

    async def test_callbackServerRefusesOtherRequests(self) -> None:
        """
        The callback server answers an unknown path 404, GET 405 and a
        NOTIFY without NT 400.
        """
        subscriber = Subscriber(Agent(reactor), reactor, localAddress=localAddressFor)
        self.addCleanup(subscriber.stop)
        server = subscriber.serverFor("127.0.0.1")
        server.add("known", Subscription(subscriber, SERVICE, lambda e: None, None, server, "known"))
        agent = Agent(reactor)
        base = server.urlFor("")
        codes = []
        for method, path, headers in ((b"NOTIFY", "nope", []), (b"GET", "known", []), (b"NOTIFY", "known", [(b"NTS", b"upnp:propchange")])):
            reply = await exchange(agent, reactor, method, base + path, headers, b"")
            codes.append(reply.code)
        self.assertEqual(codes, [404, 405, 400])
