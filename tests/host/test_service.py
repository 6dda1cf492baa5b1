# -*- test-case-name: tests.host.test_service -*-
"""
Integration: the real L{UPnPDeviceService} on loopback multicast.

The service serves 127.0.0.1 on a free, non-standard SSDP port.  Searches
are sent from plain UDP sockets whose multicast leaves through loopback
only; LOCATION is followed with a real HTTP client and the documents are
parsed as a control point would.
"""

from __future__ import annotations

import random
import socket
from ipaddress import ip_interface
from urllib.parse import urljoin, urlsplit

from defusedxml import ElementTree
from twisted.internet import defer, reactor
from twisted.internet.protocol import DatagramProtocol
from twisted.internet.task import deferLater
from twisted.logger import LogLevel, globalLogPublisher
from twisted.internet.testing import MemoryReactorClock
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent, readBody

from coherence_lite.errors import StartupError
from coherence_lite.host.daemon import DaemonService
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostSettings
from coherence_lite.model.defaults import defaultIcons
from coherence_lite.ssdp import SSDP_ADDR
from coherence_lite.ssdp.format import formatMSearch
from coherence_lite.net.interfaces import NetworkInterface
from coherence_lite.ssdp.message import ALIVE, BYEBYE, UPDATE, Notify, SearchResponse
from coherence_lite.ssdp.parse import parse

from tests.net.test_watcher import FakePort
from tests.support import RecordingSender, binaryLight, freeUDPPort, jambon, startLoopbackService, stopIfRunning

DEVICE_NS = "{urn:schemas-upnp-org:device-1-0}"
SERVICE_NS = "{urn:schemas-upnp-org:service-1-0}"

#: Longest a test waits for datagrams to arrive (seconds).
WAIT = 5.0


class Collector(DatagramProtocol):
    """
    Collects the SSDP messages a socket receives, parsed.
    """

    noisy = False

    def __init__(self) -> None:
        self.messages: list[tuple[object, tuple]] = []
        self._waiters: list[tuple[object, defer.Deferred]] = []

    def datagramReceived(self, datagram: bytes, addr: tuple) -> None:
        self.messages.append((parse(datagram), addr))
        for waiter in list(self._waiters):
            condition, d = waiter
            if condition(self):  # type: ignore[operator]
                self._waiters.remove(waiter)
                d.callback(self)

    def waitFor(self, condition, timeout: float = WAIT) -> defer.Deferred:
        """
        Fire when C{condition(self)} holds, or after C{timeout} seconds
        anyway (the caller's assertions then say what is missing).
        """
        if condition(self):
            return defer.succeed(self)
        d: defer.Deferred = defer.Deferred()
        waiter = (condition, d)
        self._waiters.append(waiter)

        def giveUp() -> None:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                d.callback(self)

        call = reactor.callLater(timeout, giveUp)
        d.addBoth(lambda result: (call.cancel() if call.active() else None, result)[1])
        return d

    def ofType(self, kind: type) -> list:
        return [message for message, _ in self.messages if isinstance(message, kind)]


def groupListener(testCase: TestCase, ssdpPort: int) -> Collector:
    """
    A socket in the SSDP group on loopback, hearing announcements, closed
    when the test ends.
    """
    collector = Collector()
    # Bound to every address (a socket bound to 127.0.0.1 gets no group
    # traffic) but a member of the group on loopback only; it never sends.
    port = reactor.listenMulticast(ssdpPort, collector, listenMultiple=True)
    port.socket.setsockopt(
        socket.IPPROTO_IP,
        socket.IP_ADD_MEMBERSHIP,
        socket.inet_aton(SSDP_ADDR) + socket.inet_aton("127.0.0.1"),
    )
    testCase.addCleanup(port.stopListening)
    return collector


class LoopbackServiceTests(TestCase):
    """
    A device host on 127.0.0.1, searched and read like a control point does.
    """

    timeout = 60

    def setUp(self) -> defer.Deferred | None:
        self.ssdpPort = freeUDPPort()
        self.service = startLoopbackService(self, [jambon(), binaryLight()], self.ssdpPort)
        self.agent = Agent(reactor)
        return None

    def querier(self) -> tuple[Collector, object]:
        """
        A plain UDP socket on 127.0.0.1 that sends multicast via loopback.
        """
        collector = Collector()
        port = reactor.listenUDP(0, collector, interface="127.0.0.1")
        port.socket.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        port.socket.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        self.addCleanup(port.stopListening)
        return collector, port

    def search(self, port, st: str, mx: int | None = 1, destination: str = SSDP_ADDR) -> None:
        port.write(formatMSearch(st, mx), (destination, self.ssdpPort))

    async def fetch(self, url: str) -> tuple[int, dict, bytes]:
        response = await self.agent.request(b"GET", url.encode("ascii"))
        body = await readBody(response)
        headers = {k.decode().lower(): [v.decode() for v in vs] for k, vs in response.headers.getAllRawHeaders()}
        # The client consumes Content-Length into response.length.
        headers["content-length"] = [str(response.length)]
        return response.code, headers, body

    @defer.inlineCallbacks
    def test_searchFollowLocationAndParseDescriptionAndSCPD(self):
        """
        A search for the service type is answered from loopback with a LOCATION whose description
        and SCPD are served and parse as UPnP documents.
        """
        collector, port = self.querier()
        self.search(port, "urn:boucherie.example.com:service:Jambon:1", mx=1)
        yield collector.waitFor(lambda c: c.ofType(SearchResponse))
        [response] = collector.ofType(SearchResponse)
        self.assertEqual(response.st, "urn:boucherie.example.com:service:Jambon:1")
        self.assertEqual(response.usn, "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363::urn:boucherie.example.com:service:Jambon:1")
        location = urlsplit(response.location)
        self.assertEqual(location.hostname, "127.0.0.1")
        self.assertEqual(collector.messages[0][1], ("127.0.0.1", self.ssdpPort))

        code, headers, body = yield defer.ensureDeferred(self.fetch(response.location))
        self.assertEqual(code, 200)
        self.assertEqual(headers["content-type"], ['text/xml; charset="utf-8"'])
        self.assertEqual(headers["content-length"], [str(len(body))])
        root = ElementTree.fromstring(body)
        self.assertEqual(root.tag, DEVICE_NS + "root")
        self.assertEqual(int(root.get("configId")), response.configId)
        device = root.find(DEVICE_NS + "device")
        self.assertEqual(device.findtext(DEVICE_NS + "manufacturer"), "Boucherie numérique SAS")
        self.assertEqual(device.findtext(DEVICE_NS + "UDN"), "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363")
        scpdPath = device.find(f"{DEVICE_NS}serviceList/{DEVICE_NS}service/{DEVICE_NS}SCPDURL").text

        code, headers, scpd = yield defer.ensureDeferred(self.fetch(urljoin(response.location, scpdPath)))
        self.assertEqual(code, 200)
        document = ElementTree.fromstring(scpd)
        self.assertEqual(document.tag, SERVICE_NS + "scpd")
        self.assertEqual(
            [a.findtext(SERVICE_NS + "name") for a in document.iter(SERVICE_NS + "action")], ["GetSlices"]
        )

    @defer.inlineCallbacks
    def test_ssdpAllGetsEveryAdvertisementOfEveryDevice(self):
        """
        ssdp:all is answered with every advertisement of both devices, once each.
        """
        collector, port = self.querier()
        self.search(port, "ssdp:all", mx=1)
        # Jambon: 3 + 0 + 1; the light: 3 + 2 * 1 + 2.
        yield collector.waitFor(lambda c: len(c.ofType(SearchResponse)) >= 11)
        yield deferLater(reactor, 1.2, lambda: None)
        responses = collector.ofType(SearchResponse)
        self.assertEqual(len(responses), 11)
        self.assertEqual(len({r.usn for r in responses}), 11)

    @defer.inlineCallbacks
    def test_unicastSearchIsAnsweredWithoutMX(self):
        """
        A search sent straight to the host, without MX, is answered at once.
        """
        collector, port = self.querier()
        self.search(port, "upnp:rootdevice", mx=None, destination="127.0.0.1")
        yield collector.waitFor(lambda c: len(c.ofType(SearchResponse)) >= 2, timeout=2)
        self.assertEqual(len(collector.ofType(SearchResponse)), 2)

    @defer.inlineCallbacks
    def test_malformedDatagramsAreDroppedAndServiceStillAnswers(self):
        """
        Malformed datagrams are dropped and counted, and the host still answers the next search.
        """
        collector, port = self.querier()
        for garbage in (b"", b"\x00\xff" * 50, b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n", b"A" * 9000):
            port.write(garbage, (SSDP_ADDR, self.ssdpPort))
        self.search(port, "upnp:rootdevice", mx=1)
        yield collector.waitFor(lambda c: len(c.ofType(SearchResponse)) >= 2)
        self.assertEqual(len(collector.ofType(SearchResponse)), 2)
        self.assertGreaterEqual(self.service.stats["dropped.malformed"], 3)

    @defer.inlineCallbacks
    def test_aliveOnStartAndByebyeOnStop(self):
        """
        Starting sends three bursts of alive with the link's LOCATION; stopping sends byebye twice
        per advertisement.
        """
        yield stopIfRunning(self.service)
        listener = groupListener(self, self.ssdpPort)
        self.service = startLoopbackService(self, [jambon()], self.ssdpPort)
        # three bursts of 4
        yield listener.waitFor(lambda c: len(c.ofType(Notify)) >= 12)
        alive = listener.ofType(Notify)
        self.assertEqual(len(alive), 12)
        self.assertEqual({n.location for n in alive}, {self.service.catalogue.publications[0].location(self.service.links[0])})
        yield self.service.stopService()
        yield listener.waitFor(lambda c: len(c.ofType(Notify)) >= 20)
        byebyes = [n for n in listener.ofType(Notify) if n.nts == BYEBYE]
        self.assertEqual(len(byebyes), 8)

    @defer.inlineCallbacks
    def test_iconAndPresentationPageAreServed(self):
        """
        The presentation page is served at the device's path, and traversal out of it is 404.
        """
        documents = self.service.documents[0]
        base = f"http://127.0.0.1:{self.service.web.port}"
        code, headers, body = yield defer.ensureDeferred(self.fetch(f"{base}/{documents.root.uuid}/"))
        self.assertEqual(code, 200)
        self.assertIn("Jambon 3000".encode(), body)
        self.assertIn("Boucherie numérique SAS".encode(), body)
        code, _, _ = yield defer.ensureDeferred(self.fetch(f"{base}/{documents.root.uuid}/../../etc/passwd"))
        self.assertEqual(code, 404)


class AdvertisedHostTests(TestCase):
    """
    Behind NAT or in a container, LOCATION carries the host users set.
    """

    def locationWith(self, advertisedHost: str) -> str:
        service = startLoopbackService(self, [jambon()], advertisedHost=advertisedHost)
        return service.catalogue.publications[0].location(service.links[0])

    def test_hostNameReplacesTheInterfaceAddress(self) -> None:
        """
        An advertised host name replaces the interface's address in LOCATION.
        """
        location = self.locationWith("nas.example.org")
        self.assertTrue(location.startswith("http://nas.example.org:"), location)
        self.assertTrue(location.endswith("/e427ce1a-3e80-43d0-ad6f-89ec42e46363/description.xml"))

    def test_ipv6AddressIsBracketed(self) -> None:
        """
        An advertised IPv6 address stands in brackets in LOCATION.
        """
        self.assertTrue(self.locationWith("2001:db8::5").startswith("http://[2001:db8::5]:"))


class StartupFailureTests(TestCase):
    """
    A host that cannot start, or not yet.
    """

    def test_noInterfaceWithoutWatchingIsAStartupError(self) -> None:
        """
        Without a usable interface and without watching for one, starting
        fails with a L{StartupError} that says so, and nothing runs.
        """
        settings = HostSettings(interfaces=("no-such-interface0",), ssdpPort=freeUDPPort(), pollInterval=0)
        service = UPnPDeviceService([jambon()], settings, reactor=reactor)
        error = self.assertRaises(StartupError, service.startService)
        self.assertIn("no usable network interface", str(error))
        self.assertFalse(service.running)

    def test_daemonExitsWithStatus1AndOneLine(self) -> None:
        """
        The daemon's host turns a start-up failure into one critical log
        line and exit status 1.
        """
        settings = HostSettings(interfaces=("no-such-interface0",), ssdpPort=freeUDPPort(), pollInterval=0)
        events: list[dict[str, object]] = []
        globalLogPublisher.addObserver(events.append)
        self.addCleanup(globalLogPublisher.removeObserver, events.append)
        error = self.assertRaises(SystemExit, DaemonService([jambon()], settings, reactor=reactor).startService)
        self.assertEqual(error.code, 1)
        [critical] = [event for event in events if event["log_level"] == LogLevel.critical]
        self.assertIn("no usable network interface", str(critical["reason"]))

    def test_noInterfaceYetWaitsForOne(self) -> defer.Deferred:
        """
        Without a usable interface but watching for one, the host runs with
        no link and no socket.
        """
        settings = HostSettings(interfaces=("no-such-interface0",), ssdpPort=freeUDPPort())
        service = UPnPDeviceService([jambon()], settings, reactor=reactor)
        service.startService()
        self.assertTrue(service.running)
        self.assertEqual(service.links, [])
        self.assertEqual(service.ssdp.ports, {})
        return defer.maybeDeferred(service.stopService)

    def test_defaultIconsAreUsable(self) -> None:
        """
        The default icons load: 48 and 120 pixels wide.
        """
        self.assertEqual([icon.width for icon in defaultIcons()], [48, 120])


class LinkAddedTests(SynchronousTestCase):
    """
    A link that appears while the host runs, reported the way Linux does
    (a netlink notification, here through a socket pair standing for the
    kernel's route socket) on made-up interfaces: no root, no namespace.
    """

    def setUp(self) -> None:
        self.reactor = MemoryReactorClock()
        self.sender = RecordingSender(self.reactor)
        self.interfaces = [NetworkInterface("eth0", 2, True, False, True, (ip_interface("192.168.1.10/24"),))]
        self.host = UPnPDeviceService(
            [jambon()],
            HostSettings(interfaces=("eth0", "eth1"), httpPort=8080, pollInterval=60),
            reactor=self.reactor,
            random=random.Random(3),
            systemInterfaces=lambda: list(self.interfaces),
        )
        self.host.ssdp._listen = lambda reactor, port, family, ttl, protocol: FakePort(self.sender)  # type: ignore[assignment]
        kernel, self.ours = socket.socketpair()
        self.ours.setblocking(False)
        self.addCleanup(kernel.close)
        self.kernel = kernel
        self.netlink = self.host.getServiceNamed("netlink")
        self.netlink._opener = lambda: self.ours
        self.host.startService()
        self.addCleanup(self.host.stopService)
        self.reactor.pump([0.1] * 30)
        self.sender.clear()

    def test_newLinkGetsTheNextBootIdWithinTheSettleDelay(self) -> None:
        """
        eth1 comes up: the notification makes the host look at once (not
        after the 60 s poll): the link it had gets ssdp:update announcing
        the next (higher) BOOTID, then alive goes out on both links with
        it, eth1's with a LOCATION on eth1.
        """
        before = self.host.catalogue.bootId
        self.assertIn(self.netlink, self.reactor.getReaders())
        self.interfaces.append(NetworkInterface("eth1", 3, True, False, True, (ip_interface("10.0.0.10/24"),)))
        self.kernel.send(b"RTM_NEWADDR")
        self.netlink.doRead()
        self.reactor.pump([0.1] * 30)
        notifies = [(parse(sent.data), sent.link) for sent in self.sender.sent]
        updates = [n for n, _ in notifies if n.nts == UPDATE]
        alive = [(n, link) for n, link in notifies if n.nts == ALIVE]
        after = self.host.catalogue.bootId
        self.assertGreater(after, before)
        self.assertEqual({(n.bootId, n.nextBootId) for n in updates}, {(before, after)})
        self.assertEqual({n.bootId for n, _ in alive}, {after})
        self.assertEqual({link.interface for _, link in alive}, {"eth0", "eth1"})
        self.assertEqual({urlsplit(n.location).hostname for n, link in alive if link.interface == "eth1"}, {"10.0.0.10"})
        self.assertLess(notifies.index(next((n, l) for n, l in notifies if n.nts == UPDATE)), notifies.index(alive[0]))
