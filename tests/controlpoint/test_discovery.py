"""
Tests for L{coherence_lite.controlpoint.discovery}: L{ControlPoint}'s
wiring on fake sockets and a L{Clock}, and one real search on loopback.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import defer, reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.controlpoint.discovery import ControlPoint
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.tracker import DeviceObserver
from coherence_lite.errors import StartupError
from coherence_lite.net.interfaces import NetworkInterface
from coherence_lite.ssdp.format import formatNotifyAlive

from tests.support.controlpoint import LIGHT_UDN, SERVER, URL, FakeFetcher, FakeSockets, lightDescription
from tests.support import binaryLight, freeUDPPort, startLoopbackService


def loopbackInterfaces() -> list[NetworkInterface]:
    """
    A machine with loopback and one Ethernet interface.
    """
    import ipaddress

    return [
        NetworkInterface("lo", 1, True, True, False, (ipaddress.ip_interface("127.0.0.1/8"),)),
        NetworkInterface("eth0", 2, True, False, True, (ipaddress.ip_interface("192.168.1.10/24"),)),
    ]


class ControlPointTests(SynchronousTestCase):
    """
    L{ControlPoint}'s wiring, on fake sockets and a L{Clock}.
    """

    def makeControlPoint(self, sockets: FakeSockets, **kwargs: Any) -> ControlPoint:
        """
        A control point on C{sockets}, a L{Clock} and a fake fetcher.
        """
        self.clock = Clock()
        self.fetcher = FakeFetcher()
        controlPoint = ControlPoint(
            reactor=self.clock,
            fetcher=self.fetcher,
            systemInterfaces=loopbackInterfaces,
            listenSSDP=sockets.listenSSDP,
            listenSearch=sockets.listenSearch,
            **kwargs,
        )
        self.addCleanup(lambda: controlPoint.running and controlPoint.stopService())
        return controlPoint

    def test_listensSearchesAndTracksOnTheChosenLink(self) -> None:
        """
        A control point listens and searches on the chosen link, and an announcement
        heard leads to the described device.
        """
        sockets = FakeSockets()
        controlPoint = self.makeControlPoint(sockets, interfaces=["127.0.0.1"], ssdpPort=19001)
        controlPoint.startService()
        self.assertEqual([l.host for l in controlPoint.links], ["127.0.0.1"])
        [listener] = sockets.ssdp
        self.assertEqual(listener.port, 19001)
        self.assertEqual([l.host for l in listener.joined], ["127.0.0.1"])
        [searchPort] = sockets.search
        [(data, destination, _)] = searchPort.sent
        self.assertEqual(destination, ("239.255.255.250", 19001))
        # An announcement heard on the SSDP port leads to the description.
        from coherence_lite.ssdp.transport import Arrival

        alive = formatNotifyAlive("239.255.255.250:19001", "upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", URL, 1800, SERVER, 1, 5)
        listener.protocol.datagramArrived(alive, ("127.0.0.1", 19001), Arrival(1, "239.255.255.250"))
        self.assertEqual(self.fetcher.urls, [URL])
        self.fetcher.requests[0][1].callback(lightDescription())
        [root] = controlPoint.devices()
        self.assertEqual(root.friendlyName, "Lamp")

    def test_busySSDPPortMeansSearchingOnly(self) -> None:
        """
        When the SSDP port is taken, the control point warns and finds devices by
        searching only.
        """
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)
        sockets = FakeSockets(refuseSSDP=True)
        controlPoint = self.makeControlPoint(sockets, interfaces=["127.0.0.1"])
        controlPoint.startService()
        self.assertEqual(len(sockets.search), 1)
        [warning] = [e for e in events if e["log_level"] == LogLevel.warn]
        self.assertIn("searching only", warning["log_format"])

    def test_defaultSkipsLoopback(self) -> None:
        """
        Without interfaces named, loopback is not used.
        """
        sockets = FakeSockets()
        controlPoint = self.makeControlPoint(sockets)
        controlPoint.startService()
        self.assertEqual([l.interface for l in controlPoint.links], ["eth0"])

    def test_noUsableInterfaceIsAStartupError(self) -> None:
        """
        No usable interface is a L{StartupError}, and the control point is left stopped.
        """
        controlPoint = self.makeControlPoint(FakeSockets(), interfaces=["no-such0"])
        error = self.assertRaises(StartupError, controlPoint.startService)
        self.assertIn("no usable network interface", str(error))
        self.assertFalse(controlPoint.running)


class LoopbackControlPointTests(TestCase):
    """
    A real control point finds a real device host on 127.0.0.1, in one
    process, and sees it leave.
    """

    timeout = 30

    @defer.inlineCallbacks
    def test_findsAHostedDeviceAndSeesItsByebye(self):
        """
        A real control point finds a device hosted on 127.0.0.1, with its embedded
        device and LOCATION, and sees it leave.
        """
        ssdpPort = freeUDPPort()
        host = startLoopbackService(self, [binaryLight()], ssdpPort)
        controlPoint = ControlPoint(
            interfaces=["127.0.0.1"], ssdpPort=ssdpPort, mx=1, searchInterval=None, reactor=reactor
        )
        added: Deferred[RemoteRootDevice] = Deferred()
        removed: Deferred[RemoteRootDevice] = Deferred()

        class Waiter(DeviceObserver):
            def deviceAdded(self, root: RemoteRootDevice) -> None:
                if not added.called:
                    added.callback(root)

            def deviceRemoved(self, root: RemoteRootDevice) -> None:
                if not removed.called:
                    removed.callback(root)

        controlPoint.tracker.addObserver(Waiter())
        controlPoint.startService()
        self.addCleanup(lambda: controlPoint.running and controlPoint.stopService())
        root = yield added.addTimeout(10, reactor)
        self.assertEqual(root.friendlyName, "Lamp")
        self.assertEqual(root.host, "127.0.0.1")
        self.assertEqual(root.location, host.catalogue.publications[0].location(host.links[0]))
        self.assertEqual([d.friendlyName for d in root.devices], ["Lamp dimmer"])
        yield host.stopService()
        gone = yield removed.addTimeout(10, reactor)
        self.assertEqual(gone.UDN, root.UDN)
        yield controlPoint.stopService()
