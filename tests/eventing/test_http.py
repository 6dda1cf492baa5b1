"""
GENA over real sockets on loopback: a device host's eventSubURL answers raw
HTTP SUBSCRIBE/renewal/UNSUBSCRIBE requests exactly, refuses hostile
CALLBACKs with 412 without connecting anywhere, and delivers the initial
event and a change, in order, to 100 subscriber servers.
"""

from __future__ import annotations

from twisted.internet import defer, reactor
from twisted.trial.unittest import TestCase

from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.model import layout
from tests.support.eventing_http import Answer, Recorder, eventedLight, exchange
from tests.support import startLoopbackService

SUBSCRIBERS = 100


class EventingOverHTTPTests(TestCase):
    """
    A device host on 127.0.0.1 with an evented SwitchPower.
    """

    timeout = 60

    def setUp(self) -> None:
        self.device = eventedLight()
        self.service = self.device.services[0]
        self.host: UPnPDeviceService = startLoopbackService(
            self, [self.device], eventingLimits=EventingLimits(maxPerClient=SUBSCRIBERS + 10, maxTotal=SUBSCRIBERS + 20)
        )
        self.path = layout.servicePath(self.device, self.service, layout.SUBSCRIBE)
        self.state = self.host.runtimes.byService[(self.device.UDN, self.service.shortId)].state

    def recorder(self) -> tuple[Recorder, int]:
        """
        A subscriber server on a free port, closed when the test ends.
        """
        recorder = Recorder()
        port = recorder.listen()
        assert recorder.port is not None
        self.addCleanup(recorder.port.stopListening)
        return recorder, port

    async def send(self, method: str, **headers: str) -> Answer:
        """
        Send a raw eventing request to the host.
        """
        lines = [f"{method} {self.path} HTTP/1.1", f"HOST: 127.0.0.1:{self.host.web.port}"]
        lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
        return await exchange(self.host.web.port, "\r\n".join(lines))

    async def subscribe(self, port: int) -> Answer:
        """
        SUBSCRIBE with a CALLBACK to 127.0.0.1:C{port}.
        """
        return await self.send("SUBSCRIBE", CALLBACK=f"<http://127.0.0.1:{port}/events>", NT="upnp:event", TIMEOUT="Second-1800")

    @defer.inlineCallbacks
    def test_subscribeRenewUnsubscribeOnTheWire(self):
        """
        A SUBSCRIBE is answered 200 with DATE, SERVER, SID, TIMEOUT and
        Content-Length 0 (no body, no Content-Type); the initial event
        follows with SEQ 0; a renewal and an UNSUBSCRIBE are 200; the SID
        is then unknown (412).
        """
        recorder, port = self.recorder()
        answer = yield defer.ensureDeferred(self.subscribe(port))
        self.assertEqual(answer.code, 200)
        self.assertRegex(answer.headers["sid"], r"^uuid:[0-9a-f-]{36}$")
        self.assertEqual(answer.headers["timeout"], "Second-1800")
        self.assertEqual(answer.headers["content-length"], "0")
        self.assertIn("date", answer.headers)
        self.assertRegex(answer.headers["server"], r"UPnP/\d\.\d coherence-lite/")
        self.assertNotIn("content-type", answer.headers)
        self.assertEqual(answer.body, b"")
        [event] = yield recorder.waitFor(1)
        self.assertEqual((event.sid, event.seq, event.properties), (answer.headers["sid"], 0, {"Status": "0"}))
        self.assertEqual((event.nt, event.nts), ("upnp:event", "upnp:propchange"))
        renewal = yield defer.ensureDeferred(self.send("SUBSCRIBE", SID=answer.headers["sid"], TIMEOUT="Second-3600"))
        self.assertEqual((renewal.code, renewal.headers["sid"], renewal.headers["timeout"]), (200, answer.headers["sid"], "Second-3600"))
        end = yield defer.ensureDeferred(self.send("UNSUBSCRIBE", SID=answer.headers["sid"]))
        self.assertEqual(end.code, 200)
        again = yield defer.ensureDeferred(self.send("UNSUBSCRIBE", SID=answer.headers["sid"]))
        self.assertEqual(again.code, 412)
        self.state.set("Status", True)
        self.assertEqual(len(recorder.events), 1)

    @defer.inlineCallbacks
    def test_hostileCallbacksAre412AndNothingIsSent(self):
        """
        A CALLBACK on another subnet, with a host name, or with a scheme
        other than http is refused with 412 and counted; the one server
        that was named on another subnet gets nothing.
        """
        recorder, port = self.recorder()
        refused = [
            f"<http://10.11.12.13:{port}/>",
            f"<http://127.0.0.1:{port}/ok><http://192.0.2.1:{port}/>",
            f"<http://localhost:{port}/>",
            f"<https://127.0.0.1:{port}/>",
            f"<ftp://127.0.0.1:{port}/>",
        ]
        for callback in refused:
            answer = yield defer.ensureDeferred(self.send("SUBSCRIBE", CALLBACK=callback, NT="upnp:event"))
            self.assertEqual(answer.code, 412, callback)
        stats = self.host.stats
        self.assertEqual((stats["eventing.refused.off-link"], stats["eventing.refused.callback"]), (2, 3))
        self.state.set("Status", True)
        self.assertEqual(self.host.eventing.quota.total, 0)
        self.assertEqual(recorder.events, [])

    @defer.inlineCallbacks
    def test_hundredSubscribersGetEveryEventInOrder(self):
        """
        100 subscriber servers on loopback each get the initial event
        (SEQ 0, Status 0), then the change (SEQ 1, Status 1), in that
        order, under their own SID.
        """
        servers = [self.recorder() for _ in range(SUBSCRIBERS)]
        sids = []
        for _, port in servers:
            answer = yield defer.ensureDeferred(self.subscribe(port))
            self.assertEqual(answer.code, 200)
            sids.append(answer.headers["sid"])
        self.assertEqual(len(set(sids)), SUBSCRIBERS)
        yield defer.gatherResults([recorder.waitFor(1) for recorder, _ in servers])
        self.state.set("Status", True)
        results = yield defer.gatherResults([recorder.waitFor(2) for recorder, _ in servers])
        for sid, events in zip(sids, results):
            self.assertEqual([(e.sid, e.seq, e.properties) for e in events], [(sid, 0, {"Status": "0"}), (sid, 1, {"Status": "1"})])
        self.assertEqual(self.host.stats["eventing.notify.failed"], 0)
        self.assertEqual(self.host.stats["eventing.subscriptions.new"], SUBSCRIBERS)

    @defer.inlineCallbacks
    def test_stoppingTheHostDropsSubscriptions(self):
        """
        When the host stops, its subscriptions, their expiry timers and
        their deliveries go.
        """
        recorder, port = self.recorder()
        answer = yield defer.ensureDeferred(self.subscribe(port))
        self.assertEqual(answer.code, 200)
        yield recorder.waitFor(1)
        yield self.host.stopService()
        self.assertEqual(self.host.eventing.quota.total, 0)
        [eventing] = list(self.host.eventing)
        self.assertEqual((len(eventing.table), len(eventing.notifier)), (0, 0))
        self.assertFalse([c for c in reactor.getDelayedCalls() if "SubscriptionTable" in repr(c.func)])  # type: ignore[attr-defined]
