"""
Tests for L{coherence_lite.ssdp.listener.SSDPListener},
L{coherence_lite.ssdp.host.SSDPService} and
L{coherence_lite.ssdp.protocol.SSDPProtocol}: which searches are our own,
what observers hear, that a listener has nothing to say, and how datagrams
become messages; with fake sockets and a L{Clock}.
"""

from __future__ import annotations

import random
import socket
from typing import Any

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.format import formatMSearch, formatNotifyAlive, formatSearchResponse
from coherence_lite.ssdp.listener import SSDPListener
from coherence_lite.ssdp.message import Address, Headers, MSearch, Notify, SearchResponse
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.protocol import MessageHandler, SSDPProtocol
from coherence_lite.ssdp.host import SSDPService
from coherence_lite.ssdp.transport import Arrival
from coherence_lite.stats import Stats

from tests.support import RecordingSender, jambon, link
from tests.net.test_watcher import FakePort

LINK = link("192.168.1.10/24", "eth0", 2)
SEARCH = MSearch(st="upnp:rootdevice", mx=None, host="192.168.1.10:1900", headers=Headers(()))
UDN = "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363"
ALIVE = formatNotifyAlive("239.255.255.250:1900", UDN, UDN, "http://192.168.1.77/d.xml", 1800, "S/1 UPnP/1.1 P/1", 1, 1)
RESPONSE = formatSearchResponse(UDN, UDN, "http://192.168.1.77/d.xml", 1800, "S/1 UPnP/1.1 P/1", "D", 1, 1)


class RecordingHandler(MessageHandler):
    """
    Records every message it is told of, as C{(kind, message, source, link)}.
    """

    def __init__(self) -> None:
        self.heard: list[tuple[str, Any, Address, Link]] = []

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        self.heard.append(("search" if multicast else "unicast search", search, source, link))

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        self.heard.append(("notify", notify, source, link))

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        self.heard.append(("response", response, source, link))


class OwnSearchTests(SynchronousTestCase):
    """
    A device host never answers nor passes on the searches of this host's
    own sockets.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.sender = RecordingSender(self.clock)
        catalogue = Catalogue(server="Linux/6 UPnP/1.1 coherence-lite/0.1.0")
        catalogue.add(Publication(advertisements(jambon()), lambda l: "http://192.168.1.10/d.xml", 1))
        self.service = SSDPService(
            catalogue,
            lambda: [LINK],
            self.clock,
            random=random.Random(1),
            listen=lambda reactor, port, family, ttl, protocol: FakePort(self.sender),
        )
        self.observer = RecordingHandler()
        self.service.addObserver(self.observer)
        self.service.startService()
        self.clock.pump([0.1] * 20)
        self.sender.clear()

    def test_searchFromOurOwnSSDPSocketIsNotAnswered(self) -> None:
        """
        A search from the SSDP port on our own address is not answered.
        """
        self.service.searchReceived(SEARCH, ("192.168.1.10", 1900), LINK, False)
        self.assertEqual(self.sender.sent, [])

    def test_searchFromOurOwnSearchPortIsNotAnswered(self) -> None:
        """
        A search from a port given to C{ignoreSearchesFrom}, on our own
        address, is not answered.
        """
        self.service.ignoreSearchesFrom(40000)
        self.service.searchReceived(SEARCH, ("192.168.1.10", 40000), LINK, False)
        self.assertEqual(self.sender.sent, [])

    def test_sameAddressOtherPortIsAnotherProcessAndIsAnswered(self) -> None:
        """
        A search from our own address but another port comes from another
        process, and is answered.
        """
        self.service.searchReceived(SEARCH, ("192.168.1.10", 40001), LINK, False)
        self.assertEqual(len(self.sender.sent), 1)

    def test_otherHostOnOurSearchPortIsAnswered(self) -> None:
        """
        A search from an ignored port number on another host is answered.
        """
        self.service.ignoreSearchesFrom(40000)
        self.service.searchReceived(SEARCH, ("192.168.1.77", 40000), LINK, False)
        self.assertEqual(len(self.sender.sent), 1)

    def test_stopIgnoringAnswersAgain(self) -> None:
        """
        Once C{stopIgnoringSearchesFrom} is called, searches from that port
        are answered again.
        """
        self.service.ignoreSearchesFrom(40000)
        self.service.stopIgnoringSearchesFrom(40000)
        self.service.stopIgnoringSearchesFrom(40002)
        self.service.searchReceived(SEARCH, ("192.168.1.10", 40000), LINK, False)
        self.assertEqual(len(self.sender.sent), 1)

    def test_ownSearchesAreNotPassedOn(self) -> None:
        """
        The observers hear the searches of others, never our own.
        """
        self.service.searchReceived(SEARCH, ("192.168.1.10", 1900), LINK, True)
        self.service.searchReceived(SEARCH, ("192.168.1.77", 1900), LINK, True)
        self.assertEqual([source for _, _, source, _ in self.observer.heard], [("192.168.1.77", 1900)])


class ServiceTests(SynchronousTestCase):
    """
    What an L{SSDPService} sends when asked, on every link it serves.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.sender = RecordingSender(self.clock)
        self.catalogue = Catalogue(server="Linux/6 UPnP/1.1 coherence-lite/0.1.0")
        self.publication = Publication(advertisements(jambon()), lambda l: f"http://{l.urlHost}/d.xml", 1)
        self.catalogue.add(self.publication)
        self.links = [LINK, link("10.0.0.5/8", "wlan0", 3)]
        self.service = SSDPService(
            self.catalogue,
            lambda: self.links,
            self.clock,
            random=random.Random(1),
            listen=lambda reactor, port, family, ttl, protocol: FakePort(self.sender),
        )

    def test_nothingToSendBeforeStarting(self) -> None:
        """
        Before starting there are no links: C{sendAlive} sends nothing.
        """
        self.service.sendAlive([self.publication])
        self.assertEqual((self.service.links, self.sender.sent), ((), []))

    def test_sendAliveAndByebyeOnEveryLink(self) -> None:
        """
        C{sendAlive} and C{sendByebye} send one datagram per advertisement
        on each link served, now, and the publication stays published.
        """
        self.service.startService()
        self.addCleanup(self.service.stopService)
        self.clock.pump([0.1] * 20)
        self.sender.clear()
        self.service.sendAlive([self.publication])
        self.service.sendByebye([self.publication])
        sent = [(parse(s.data).nts, s.link.interface) for s in self.sender.sent]  # type: ignore[union-attr]
        count = len(self.publication.advertisements)
        self.assertEqual(
            sent,
            [("ssdp:alive", "eth0")] * count
            + [("ssdp:alive", "wlan0")] * count
            + [("ssdp:byebye", "eth0")] * count
            + [("ssdp:byebye", "wlan0")] * count,
        )
        self.assertEqual(self.catalogue.publications, [self.publication])

    def test_responderIsTheFirstObserver(self) -> None:
        """
        A search is answered even when an observer added later fails on it.
        """

        class Failing(MessageHandler):
            def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
                raise RuntimeError("observer broke")

        self.service.addObserver(Failing())
        self.service.startService()
        self.addCleanup(self.service.stopService)
        self.clock.pump([0.1] * 20)
        self.sender.clear()
        self.assertRaises(RuntimeError, self.service.searchReceived, SEARCH, ("192.168.1.77", 5000), LINK, False)
        self.assertEqual(len(self.sender.sent), 1)


class ListenerTests(SynchronousTestCase):
    """
    An L{SSDPListener} joins the group, tells its observers what arrives,
    and has nothing of its own to say.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.sender = RecordingSender(self.clock)
        self.ports: dict[int, FakePort] = {}
        self.links = [LINK, link("fe80::1/64", "eth0", 2)]

        def listen(reactor: Any, port: int, family: int, ttl: int, protocol: SSDPProtocol) -> FakePort:
            self.ports[family] = FakePort(self.sender)
            self.ports[family].protocol = protocol  # type: ignore[attr-defined]
            return self.ports[family]

        self.listener = SSDPListener(lambda: self.links, self.clock, ssdpPort=1900, listen=listen)
        self.observer = RecordingHandler()
        self.listener.addObserver(self.observer)

    def test_aListenerSendsNothingAndSchedulesNothing(self) -> None:
        """
        Started, left running and stopped, a listener sends no datagram and
        keeps no timer: no announcements, no re-announce timer, no byebye.
        """
        self.listener.startService()
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.clock.advance(3600)
        self.successResultOf(self.listener.stopService())
        self.assertEqual(self.sender.sent, [])
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_joinsEveryLinkAndClosesOnStop(self) -> None:
        """
        One socket per address family joins the group on each link, and
        stopping forgets the sockets and links.
        """
        self.listener.startService()
        self.assertEqual(self.listener.links, tuple(self.links))
        self.assertEqual(sorted(self.ports), sorted({socket.AF_INET, socket.AF_INET6}))
        self.assertEqual({family: port.joined for family, port in self.ports.items()}, {socket.AF_INET: {2}, socket.AF_INET6: {2}})
        self.successResultOf(self.listener.stopService())
        self.assertEqual((self.listener.links, self.listener.ports), ((), {}))

    def test_observersHearEveryKindInOrder(self) -> None:
        """
        Datagrams that arrive become messages the observers hear, with
        their source and the link they came in on.
        """
        self.listener.startService()
        protocol = self.ports[socket.AF_INET].protocol  # type: ignore[attr-defined]
        source = ("192.168.1.77", 5000)
        protocol.datagramArrived(ALIVE, source, Arrival(2, "239.255.255.250"))
        protocol.datagramArrived(RESPONSE, source, Arrival(2, "192.168.1.10"))
        protocol.datagramArrived(formatMSearch("ssdp:all", 2), source, Arrival(2, "239.255.255.250"))
        self.assertEqual(
            [(kind, source_, link_) for kind, _, source_, link_ in self.observer.heard],
            [("notify", source, LINK), ("response", source, LINK), ("search", source, LINK)],
        )

    def test_removedObserverHearsNothingMore(self) -> None:
        """
        An observer removed hears nothing more; removing it twice is fine.
        """
        self.listener.removeObserver(self.observer)
        self.listener.removeObserver(self.observer)
        self.listener.notifyReceived(parse(ALIVE), ("192.168.1.77", 1900), LINK)  # type: ignore[arg-type]
        self.assertEqual(self.observer.heard, [])

    def test_linkThatCannotBeJoinedIsNotServed(self) -> None:
        """
        A link whose group the OS refuses to join is left out of L{links}.
        """

        original = FakePort.join

        def join(port: FakePort, link: Link) -> None:
            if link.family == socket.AF_INET6:
                raise OSError(19, "No such device")
            original(port, link)

        self.patch(FakePort, "join", join)
        self.listener.startService()
        self.assertEqual(self.listener.links, (LINK,))


class ProtocolTests(SynchronousTestCase):
    """
    L{SSDPProtocol} turns the datagrams of served interfaces into messages
    for its handler, and drops the rest with a count.
    """

    def setUp(self) -> None:
        self.handler = RecordingHandler()
        self.stats = Stats()
        self.served = {(socket.AF_INET, 2): [LINK]}
        self.protocol = SSDPProtocol(
            self.handler, lambda family, index: self.served.get((family, index), ()), socket.AF_INET, Clock(), self.stats
        )

    def test_dispatchesByKind(self) -> None:
        """
        A search sent to the group, a unicast search, a NOTIFY and a
        response each reach the matching handler method.
        """
        source = ("192.168.1.77", 5000)
        self.protocol.datagramArrived(formatMSearch("ssdp:all", 2), source, Arrival(2, "239.255.255.250"))
        self.protocol.datagramArrived(formatMSearch("ssdp:all", None), source, Arrival(2, "192.168.1.10"))
        self.protocol.datagramArrived(ALIVE, source, Arrival(2, "239.255.255.250"))
        self.protocol.datagramArrived(RESPONSE, source, Arrival(2, "192.168.1.10"))
        self.assertEqual(
            [kind for kind, _, _, _ in self.handler.heard], ["search", "unicast search", "notify", "response"]
        )
        self.assertEqual(self.stats["datagrams.received"], 4)

    def test_malformedIsCountedAndDropped(self) -> None:
        """
        A malformed datagram reaches no handler method and is counted.
        """
        self.protocol.datagramArrived(b"HELLO", ("192.168.1.77", 5000), Arrival(2, "239.255.255.250"))
        self.assertEqual(self.handler.heard, [])
        self.assertEqual(self.stats["dropped.malformed"], 1)

    def test_unservedInterfaceIsCountedAndDropped(self) -> None:
        """
        A datagram arriving on an interface not served is dropped unparsed.
        """
        self.protocol.datagramArrived(ALIVE, ("10.1.1.1", 1900), Arrival(7, "239.255.255.250"))
        self.assertEqual(self.handler.heard, [])
        self.assertEqual(self.stats["dropped.unserved-interface"], 1)

    def test_withoutInterfaceInformationIsDropped(self) -> None:
        """
        A datagram without its arrival interface is dropped and counted.
        """
        self.protocol.datagramReceived(ALIVE, ("192.168.1.77", 1900))
        self.assertEqual(self.handler.heard, [])
        self.assertEqual(self.stats["dropped.no-interface"], 1)

    def test_peerIsAnsweredOnTheLinkOfItsNetwork(self) -> None:
        """
        Of several links of one interface, the message comes with the one
        whose network holds the peer, else the first.
        """
        other = link("10.0.0.5/8", "eth0", 2)
        self.served[(socket.AF_INET, 2)] = [LINK, other]
        self.protocol.datagramArrived(ALIVE, ("10.9.9.9", 1900), Arrival(2, "239.255.255.250"))
        self.protocol.datagramArrived(ALIVE, ("172.16.0.1", 1900), Arrival(2, "239.255.255.250"))
        self.assertEqual([link_ for _, _, _, link_ in self.handler.heard], [other, LINK])
