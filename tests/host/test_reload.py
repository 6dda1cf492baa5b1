# -*- test-case-name: tests.host.test_reload -*-
"""
Tests for L{coherence_lite.host.reload}: a reload announces what changed
the UPnP way, on a device host whose datagrams are recorded and whose
time is a L{Clock}; and, on a real host on loopback with a live GENA
subscriber, keeps the subscriptions of what did not change.
"""

from __future__ import annotations

import ipaddress
import random
import signal
from dataclasses import replace
from typing import Any, Callable, Sequence

from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.python.failure import Failure
from twisted.logger import LogLevel, globalLogPublisher
from twisted.internet.testing import EventLoggingObserver
from twisted.internet import defer
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.errors import HostedDeviceError
from coherence_lite.host.daemon import addDaemonParts
from coherence_lite.host.reload import Changes, Reloader, SignalReload
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostSettings
from coherence_lite.model.description import buildDocuments
from coherence_lite.model import layout
from coherence_lite.model.device import Device, StateVariable
from coherence_lite.model.layout import presentationPath
from coherence_lite.net.interfaces import NetworkInterface
from coherence_lite.ssdp.message import ALIVE, BYEBYE, Notify
from coherence_lite.ssdp.parse import parse
from tests.support import RecordingSender, binaryLight, jambon, startLoopbackService
from tests.support.eventing_http import Answer, Recorder, eventedLight, exchange
from tests.net.test_watcher import FakePort

OTHER_UDN = "uuid:22222222-3333-4444-8555-666666666666"


def interfaces() -> list[NetworkInterface]:
    """
    One made-up Ethernet interface.
    """
    return [NetworkInterface("eth0", 2, True, False, True, (ipaddress.ip_interface("192.168.1.10/24"),))]


class ReloadTestCase(SynchronousTestCase):
    """
    A running device host for the Jambon 3000 and a light, on a made-up
    eth0, its datagrams recorded, its bursts over.
    """

    def setUp(self) -> None:
        self.reactor = MemoryReactorClock()
        self.sender = RecordingSender(self.reactor)
        self.host = UPnPDeviceService(
            [jambon(), binaryLight()],
            HostSettings(interfaces=("eth0",), httpPort=8080, pollInterval=0),
            reactor=self.reactor,
            random=random.Random(3),
            systemInterfaces=interfaces,
        )

        def listen(reactor: Any, port: int, family: int, ttl: int, protocol: Any) -> FakePort:
            return FakePort(self.sender)

        self.host.ssdp._listen = listen  # type: ignore[assignment]
        self.devices: list[Device] = [jambon(), binaryLight()]
        self.notifications: list[str] = []
        self.reloader = Reloader(
            self.load,
            self.replace,
            lambda: self.notifications.append("reloading"),
            lambda: self.notifications.append("reloaded"),
        )
        self.host.startService()
        self.reactor.pump([0.1] * 30)
        self.sender.clear()

    def load(self) -> list[Device]:
        """
        The devices "in the files" now.
        """
        return list(self.devices)

    def replace(self, devices: Sequence[Device]) -> Changes:
        """
        The host's C{replaceDevices}, noted as "rebuilt" with the number
        of devices.
        """
        changes = self.host.replaceDevices(devices)
        self.notifications.append(f"rebuilt {len(devices)}")
        return changes

    def reload(self) -> Any:
        """
        Reload, let the bursts go out, and return what changed.
        """
        changes = self.reloader.reload()
        self.reactor.pump([0.1] * 30)
        return changes

    def notifies(self) -> list[Notify]:
        """
        The NOTIFYs sent since the last clear.
        """
        return [parse(sent.data) for sent in self.sender.sent]  # type: ignore[misc]


class ApplyDevicesTests(ReloadTestCase):
    """
    What goes out on a reload, for each kind of change.
    """

    def test_nothingChangedSendsNothing(self) -> None:
        """
        The same devices again: nothing is sent and nothing changes.
        """
        changes = self.reload()
        self.assertFalse(changes)
        self.assertEqual(self.sender.sent, [])
        self.assertEqual(self.notifications, ["reloading", "rebuilt 2", "reloaded"])

    def test_changedDeviceIsAnnouncedWithItsNewConfigIdWithoutByebye(self) -> None:
        """
        A renamed device gets alive bursts with its new CONFIGID, no byebye;
        the other device is left alone; the new description is served.
        """
        oldConfigId = self.host.documents[0].configId
        self.devices[0] = jambon(friendlyName="Jambon 4000")
        changes = self.reload()
        self.assertEqual(changes.changed, [jambon().UDN])
        self.assertEqual(changes.unchanged, [binaryLight().UDN])
        notifies = self.notifies()
        self.assertEqual({n.nts for n in notifies}, {ALIVE})
        self.assertEqual({n.usn.split("::")[0] for n in notifies}, {jambon().UDN})
        newConfigId = buildDocuments(self.devices[0]).configId
        self.assertNotEqual(newConfigId, oldConfigId)
        self.assertEqual({n.configId for n in notifies}, {newConfigId})
        self.assertIn(b"Jambon 4000", self.host.documents[0].description)
        self.assertEqual(self.host.catalogue.publications[0].configId, newConfigId)

    def test_droppedServiceTypeGetsByebyeFirst(self) -> None:
        """
        A device that lost its service: byebye for that service's
        advertisement only, then alive for what it has now.
        """
        self.devices[0] = jambon(services=())
        self.reload()
        notifies = self.notifies()
        byebye = [n for n in notifies if n.nts == BYEBYE]
        self.assertEqual({n.nt for n in byebye}, {"urn:boucherie.example.com:service:Jambon:1"})
        self.assertEqual(notifies[: len(byebye)], byebye)
        self.assertNotIn("urn:boucherie.example.com:service:Jambon:1", {n.nt for n in notifies if n.nts == ALIVE})

    def test_removedDeviceGetsByebyeAndNewDeviceAlive(self) -> None:
        """
        A device gone from the files gets byebye for its whole set; a new
        one gets alive bursts; the host serves the new set in file order.
        """
        newcomer = jambon(UDN=OTHER_UDN, friendlyName="Other")
        self.devices = [newcomer, jambon()]
        changes = self.reload()
        self.assertEqual((changes.added, changes.removed), ([OTHER_UDN], [binaryLight().UDN]))
        notifies = self.notifies()
        gone = {n.usn.split("::")[0] for n in notifies if n.nts == BYEBYE}
        came = {n.usn.split("::")[0] for n in notifies if n.nts == ALIVE}
        self.assertEqual(gone, {binaryLight().UDN, "uuid:66666666-7777-8888-9999-000000000000"})
        self.assertEqual(came, {OTHER_UDN})
        self.assertEqual([d.root.UDN for d in self.host.documents], [OTHER_UDN, jambon().UDN])
        self.assertEqual(len(self.host.catalogue.publications), 2)

    def test_refusedReloadKeepsTheRunningDevicesAndSaysWhy(self) -> None:
        """
        A file that cannot be read keeps the running devices: nothing sent,
        an error logged with the reason, systemd told the reload is over.
        """
        def broken() -> list[Device]:
            raise HostedDeviceError(None, "/etc/coherence-lite/lamp.toml: device.friendlyName: must be a string")

        self.reloader._load = broken  # type: ignore[method-assign]
        observer = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)
        before = list(self.host.documents)
        self.assertIsNone(self.reload())
        self.assertEqual(self.host.documents, before)
        self.assertEqual(self.sender.sent, [])
        self.assertEqual(self.notifications, ["reloading", "reloaded"])
        errors = [e for e in observer if e["log_level"] == LogLevel.error]
        self.assertEqual(len(errors), 1)
        self.assertIn("lamp.toml", errors[0]["reason"])

    def test_devicesThatCannotBeServedTogetherAreRefused(self) -> None:
        """
        Two devices sharing a UDN are refused before anything changes.
        """
        self.devices = [jambon(), jambon(friendlyName="Twin")]
        self.assertIsNone(self.reload())
        self.assertEqual(self.sender.sent, [])
        self.assertEqual(len(self.host.documents), 2)
        self.assertEqual(self.host.documents[1].root.UDN, binaryLight().UDN)


class ReplaceDevicesTests(ReloadTestCase):
    """
    L{UPnPDeviceService.replaceDevices} serves the new devices by itself,
    without the daemon's parts.
    """

    def test_newTreeRuntimesAndEventingInTheOldOnesPlace(self) -> None:
        """
        A library host given other devices serves them from a new tree, with
        new runtimes where the old ones were among its children (the old
        ones are stopped) and the same eventing, still running, which no
        longer holds the removed device's services.
        """
        old, oldRuntimes, oldEventing = self.host.web.site.resource, self.host.runtimes, self.host.eventing
        names = [child.name for child in self.host]
        changes = self.host.replaceDevices([jambon(friendlyName="Jambon 4000")])
        self.assertEqual((changes.changed, changes.removed), ([jambon().UDN], [binaryLight().UDN]))
        self.assertEqual(changes.names, {jambon().UDN: "Jambon 4000"})
        tree = self.host.web.site.resource
        self.assertIsNot(tree, old)
        self.assertEqual(list(tree.devices), [jambon().UDN])  # type: ignore[attr-defined]
        self.assertEqual([child.name for child in self.host], names)
        self.assertFalse(oldRuntimes.running)
        self.assertIs(self.host.eventing, oldEventing)
        self.assertTrue(self.host.runtimes.running and self.host.eventing.running)
        self.assertEqual([each.service.serviceId for each in self.host.eventing], [jambon().services[0].serviceId])
        self.assertEqual(sorted(self.host.runtimes.byService), [(jambon().UDN, "Jambon")])

    def openStream(self) -> StringTransport:
        """
        Open the Jambon page's live value stream on the host's site, from
        a LAN client.
        """
        client = IPv4Address("TCP", "192.168.1.30", 40000)
        channel = self.host.web.site.buildProtocol(client)
        server = IPv4Address("TCP", "192.168.1.10", 8080)
        transport = StringTransport(hostAddress=server, peerAddress=client)
        channel.makeConnection(transport)
        self.addCleanup(lambda: channel.connectionLost(Failure(ConnectionDone())) if transport.connected else None)
        # The host's site answers only a Host that names it (DNS rebinding).
        request = b"?events HTTP/1.1\r\nHost: 192.168.1.10:8080\r\n\r\n"
        channel.dataReceived(b"GET " + presentationPath(jambon()).encode() + request)
        self.assertIn(b"text/event-stream", transport.value())
        return transport

    def test_liveStreamsEndOnReloadAndStop(self) -> None:
        """
        A reload ends the live streams of the old pages (the browser opens
        one on the new page), and so does stopping the host: no stream
        keeps its timers (its lifetime's end, its heartbeat) or its
        connection past them.
        """
        before = self.openStream()
        self.host.replaceDevices([jambon(friendlyName="Jambon 4000"), binaryLight()])
        self.assertTrue(before.value().endswith(b"0\r\n\r\n"), before.value()[-40:])
        after = self.openStream()
        self.assertFalse(after.value().endswith(b"0\r\n\r\n"))
        self.host.stopService()
        self.assertTrue(after.value().endswith(b"0\r\n\r\n"), after.value()[-40:])
        streamTimers = [
            call for call in self.reactor.getDelayedCalls() if type(getattr(call.func, "__self__", None)).__name__ == "_Stream"
        ]
        self.assertEqual(streamTimers, [])

    def test_refusedDevicesKeepTheRunningParts(self) -> None:
        """
        Devices that cannot be served together leave the tree, the runtimes
        (still running) and the eventing as they were.
        """
        before = (self.host.web.site.resource, self.host.runtimes, self.host.eventing)
        self.assertRaises(ValueError, self.host.replaceDevices, [jambon(), jambon(friendlyName="Twin")])
        self.assertEqual((self.host.web.site.resource, self.host.runtimes, self.host.eventing), before)
        self.assertTrue(self.host.runtimes.running)


class DaemonReloadTests(ReloadTestCase):
    """
    The reload as L{addDaemonParts} wires it: new runtimes in the old ones'
    place, and a site serving the new description.
    """

    def test_reloadSwapsTheSitesTree(self) -> None:
        """
        After a reload, the site's tree is a new one holding the changed
        device.
        """
        reloader = addDaemonParts(self.host, self.load, environ={})
        old = self.host.web.site.resource
        oldRuntimes = self.host.runtimes
        names = [child.name for child in self.host]
        self.devices[0] = jambon(friendlyName="Jambon 4000")
        reloader.reload()
        self.assertIsNot(self.host.web.site.resource, old)
        self.assertIn(jambon().UDN, self.host.web.site.resource.devices)  # type: ignore[attr-defined]
        self.assertIsNot(self.host.runtimes, oldRuntimes)
        self.assertFalse(oldRuntimes.running)
        self.assertTrue(self.host.runtimes.running)
        self.assertEqual([child.name for child in self.host], names)
        self.assertIn((jambon().UDN, "Jambon"), self.host.runtimes.byService)


class SignalReloadTests(SynchronousTestCase):
    """
    L{SignalReload} with a stand-in for L{signal.signal}.
    """

    def test_signalRunsTheReloadInTheReactorThread(self) -> None:
        """
        Starting installs a SIGHUP handler that hands the reload to
        callFromThread; stopping puts the previous handler back.
        """
        handlers: dict[int, Any] = {signal.SIGHUP: "previous"}
        queued: list[Callable[[], object]] = []

        def install(number: int, handler: Any) -> Any:
            previous, handlers[number] = handlers.get(number), handler
            return previous

        class Threads:
            def callFromThread(self, f: Callable[[], object]) -> None:
                queued.append(f)

        reloads: list[int] = []
        service = SignalReload(lambda: reloads.append(1), Threads(), installHandler=install)  # type: ignore[arg-type]
        service.startService()
        handlers[signal.SIGHUP](signal.SIGHUP, None)
        self.assertEqual(reloads, [])
        [call] = queued
        call()
        self.assertEqual(reloads, [1])
        service.stopService()
        self.assertEqual(handlers[signal.SIGHUP], "previous")


def _withLevel(device: Device) -> Device:
    """
    C{device} (an L{eventedLight}) whose SwitchPower also events a C{Level}
    (ui1, default 7): its declaration changed.
    """
    [switch] = device.services
    level = StateVariable("Level", "ui1", sendEvents=True, defaultValue="7")
    return replace(device, services=(replace(switch, stateVariables=(*switch.stateVariables, level)),))


class LiveSubscriptionTests(TestCase):
    """
    A reload of a real host on 127.0.0.1 with a live GENA subscriber (a
    callback server on loopback, subscribed over HTTP): what did not change
    keeps its subscriptions, SIDs and SEQ; a changed service keeps its
    subscribers and sends them its full state; a removed service's
    subscriptions end.
    """

    timeout = 30

    def setUp(self) -> None:
        self.light = eventedLight()
        self.other = eventedLight(OTHER_UDN)
        self.host = startLoopbackService(self, [self.light, self.other])
        self.path = layout.servicePath(self.light, self.light.services[0], layout.SUBSCRIBE)
        self.recorder = Recorder()
        self.callbackPort = self.recorder.listen()
        assert self.recorder.port is not None
        self.addCleanup(self.recorder.port.stopListening)

    def runtime(self) -> ServiceRuntime:
        """
        The light's SwitchPower runtime, as hosted now.
        """
        return self.host.runtimes.byService[(self.light.UDN, self.light.services[0].shortId)]

    async def send(self, method: str, **headers: str) -> Answer:
        """
        Send a raw eventing request for the light's SwitchPower.
        """
        lines = [f"{method} {self.path} HTTP/1.1", f"HOST: 127.0.0.1:{self.host.web.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return await exchange(self.host.web.port, "\r\n".join(lines))

    async def subscribed(self) -> str:
        """
        Subscribe the callback server; return the SID once the initial
        event (SEQ 0) has arrived.
        """
        answer = await self.send("SUBSCRIBE", CALLBACK=f"<http://127.0.0.1:{self.callbackPort}/e>", NT="upnp:event", TIMEOUT="Second-1800")
        self.assertEqual(answer.code, 200)
        [initial] = await self.recorder.waitFor(1)
        self.assertEqual((initial.sid, initial.seq, initial.properties), (answer.headers["sid"], 0, {"Status": "0"}))
        return answer.headers["sid"]

    async def assertKept(self, sid: str, seq: int) -> None:
        """
        C{sid} renews (200, same SID) and the next change arrives with SEQ
        C{seq}, carrying only the change.
        """
        renewal = await self.send("SUBSCRIBE", SID=sid, TIMEOUT="Second-1800")
        self.assertEqual((renewal.code, renewal.headers.get("sid")), (200, sid))
        count = len(self.recorder.events)
        self.runtime().state.set("Status", not self.runtime().state.get("Status"))
        events = await self.recorder.waitFor(count + 1)
        self.assertEqual((events[-1].sid, events[-1].seq, list(events[-1].properties)), (sid, seq, ["Status"]))

    async def unchangedCase(self, devices: Sequence[Device]) -> None:
        """
        Subscribe, reload C{devices} (in which the light did not change),
        and check that the light kept its runtime and the subscription.
        """
        sid = await self.subscribed()
        runtime, state = self.runtime(), self.runtime().state
        changes = self.host.replaceDevices(devices)
        self.assertEqual(changes.unchanged[:1], [self.light.UDN])
        self.assertIs(self.runtime(), runtime)
        self.assertIs(self.runtime().state, state)
        await self.assertKept(sid, 1)
        self.assertEqual(len(self.recorder.events), 2)

    def test_nothingChangedKeepsTheSubscription(self) -> Any:
        """
        A reload of the same devices ("nothing changed") keeps the runtime
        (the same object), the SID (renewal 200) and the SEQ (the next
        change is SEQ 1), and sends nothing by itself.
        """
        return defer.ensureDeferred(self.unchangedCase([eventedLight(), eventedLight(OTHER_UDN)]))

    def test_anotherDevicesChangeKeepsTheSubscription(self) -> Any:
        """
        A reload that changes only another device keeps this service's
        runtime, SID and SEQ.
        """
        return defer.ensureDeferred(self.unchangedCase([eventedLight(), replace(eventedLight(OTHER_UDN), friendlyName="Moved")]))

    def test_changedServiceKeepsItsSubscribersAndSendsTheFullState(self) -> Any:
        """
        A reload that adds an evented variable to the service keeps its
        subscribers (renewal 200, same SID) and sends each the new full
        state (every evented variable, SEQ 1); changes then go on at SEQ 2.
        """
        async def case() -> None:
            sid = await self.subscribed()
            self.runtime().state.set("Status", True)
            await self.recorder.waitFor(2)
            changes = self.host.replaceDevices([_withLevel(eventedLight()), eventedLight(OTHER_UDN)])
            self.assertEqual(changes.changed, [self.light.UDN])
            events = await self.recorder.waitFor(3)
            self.assertEqual((events[2].sid, events[2].seq, events[2].properties), (sid, 2, {"Status": "1", "Level": "7"}))
            await self.assertKept(sid, 3)

        return defer.ensureDeferred(case())

    def test_removedServiceEndsItsSubscriptions(self) -> Any:
        """
        A reload without the device ends its subscriptions: nothing more is
        sent, the quota is free again, and renewing or ending one is
        refused (404: its eventSubURL is gone with the service).
        """
        async def case() -> None:
            sid = await self.subscribed()
            self.host.replaceDevices([eventedLight(OTHER_UDN)])
            self.assertEqual(self.host.eventing.quota.total, 0)
            self.assertEqual([each.service.serviceId for each in self.host.eventing], [self.other.services[0].serviceId])
            renewal = await self.send("SUBSCRIBE", SID=sid, TIMEOUT="Second-1800")
            end = await self.send("UNSUBSCRIBE", SID=sid)
            self.assertEqual((renewal.code, end.code), (404, 404))
            self.assertEqual(len(self.recorder.events), 1)

        return defer.ensureDeferred(case())

    def test_serviceThatNoLongerEventsEndsItsSubscriptions(self) -> Any:
        """
        A reload that leaves the service without an evented variable ends
        its subscriptions: a renewal gets 412, nothing more is sent.
        """
        async def case() -> None:
            sid = await self.subscribed()
            [switch] = self.light.services
            quiet = tuple(replace(variable, sendEvents=False) for variable in switch.stateVariables)
            self.host.replaceDevices([replace(self.light, services=(replace(switch, stateVariables=quiet),)), self.other])
            renewal = await self.send("SUBSCRIBE", SID=sid, TIMEOUT="Second-1800")
            self.assertEqual(renewal.code, 412)
            self.runtime().state.set("Status", True)
            self.assertEqual(len(self.recorder.events), 1)

        return defer.ensureDeferred(case())
