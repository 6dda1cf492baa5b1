# -*- test-case-name: tests.net.test_watcher -*-
"""
Tests for L{coherence_lite.net.watcher} and for how the SSDP side follows
interface changes: byebye for what went away, ssdp:update then alive with a
new BOOTID for what came.
"""

from __future__ import annotations

import random
import socket

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.net.interfaces import InterfaceReport, Link
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.message import ALIVE, BYEBYE, UPDATE, Notify
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.host import SSDPService
from coherence_lite.net.watcher import InterfaceWatcher

from tests.support import RecordingSender, jambon, link

OLD = link("192.168.1.10/24", "eth0", 2)
NEW = link("192.168.1.20/24", "eth0", 2)
WIFI = link("10.0.0.5/8", "wlan0", 3)


def report(*links: Link) -> list[InterfaceReport]:
    """
    Reports using each of C{links}.
    """
    return [InterfaceReport(l.interface, True, "test", (l,)) for l in links]


class InterfaceWatcherTests(SynchronousTestCase):
    """
    L{InterfaceWatcher} polling made-up reports every 5 seconds of a
    L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.reports = report(OLD)
        self.changes: list[tuple[list, list]] = []
        self.watcher = InterfaceWatcher(lambda: self.reports, lambda o, n: self.changes.append((o, n)), self.clock, 5)
        self.watcher.current = [OLD]
        self.watcher.startService()
        self.addCleanup(self.watcher.stopService)

    def test_noChangeReportsNothing(self) -> None:
        """
        Polls that find the same links report nothing.
        """
        self.clock.advance(30)
        self.assertEqual(self.changes, [])

    def test_changeIsReportedWithinOneInterval(self) -> None:
        """
        A changed set of links is reported once, with the old and new links, at the next poll.
        """
        self.reports = report(NEW, WIFI)
        self.clock.advance(5)
        self.assertEqual(self.changes, [([OLD], [NEW, WIFI])])
        self.clock.advance(5)
        self.assertEqual(len(self.changes), 1)

    def test_failureIsLoggedAndPollingGoesOn(self) -> None:
        """
        A failing look at the interfaces is logged and the next poll still reports the change.
        """
        def broken():
            raise OSError("netlink unhappy")

        self.watcher._select = broken  # type: ignore[method-assign]
        self.clock.advance(5)
        self.assertEqual(len(self.flushLoggedErrors(OSError)), 1)
        self.watcher._select = lambda: report(WIFI)  # type: ignore[method-assign]
        self.clock.advance(5)
        self.assertEqual(self.changes, [([OLD], [WIFI])])

    def test_stopStopsPolling(self) -> None:
        """
        Once stopped, the watcher polls no more and leaves nothing scheduled.
        """
        self.watcher.stopService()
        self.assertEqual(self.clock.getDelayedCalls(), [])


class FakePort:
    """
    Stands for an L{SSDPPort}: records joins, leaves and datagrams.
    """

    def __init__(self, sender: RecordingSender) -> None:
        self.sender = sender
        self.joined: set[int] = set()

    def join(self, link) -> None:
        self.joined.add(link.index)

    def leave(self, link) -> None:
        self.joined.discard(link.index)

    def sendFrom(self, data, destination, link) -> bool:
        self.sender.send(data, destination, link)
        return True

    def stopListening(self) -> None:
        pass


class FollowingChangesTests(SynchronousTestCase):
    """
    An L{SSDPService} told that its links changed, its datagrams recorded.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.sender = RecordingSender(self.clock)
        self.catalogue = Catalogue(server="Linux/6 UPnP/1.1 coherence-lite/0.1.0", bootId=7)
        self.catalogue.add(Publication(advertisements(jambon()), lambda l: f"http://{l.host}:80/d.xml", 3))
        self.ports: dict[int, FakePort] = {}

        def listen(reactor, port, family, ttl, protocol):
            self.ports[family] = FakePort(self.sender)
            return self.ports[family]

        self.links = [OLD, WIFI]
        self.service = SSDPService(
            self.catalogue, lambda: self.links, self.clock, random=random.Random(1), listen=listen
        )
        self.service.startService()
        self.clock.pump([0.1] * 20)
        self.sender.clear()

    def notifies(self) -> list[tuple[Notify, object]]:
        return [(parse(sent.data), sent.link) for sent in self.sender.sent]

    def test_addressReplacedSendsByebyeThenUpdateThenAliveWithNewBootId(self) -> None:
        """
        A replaced address gets byebye for its old entries, the link that stayed gets ssdp:update
        with the next BOOTID, then alive goes out everywhere with the new BOOTID and LOCATIONs.
        """
        self.service.setLinks([NEW, WIFI], nextBootId=8)
        self.clock.pump([0.1] * 20)
        kinds = [(n.nts, l.host, n.bootId, n.nextBootId) for n, l in self.notifies()]
        setSize = 4
        # byebye for eth0's old entries, sent from its new address
        self.assertEqual(kinds[:setSize], [(BYEBYE, "192.168.1.20", 7, None)] * setSize)
        # update on the link that stayed, announcing the next BOOTID
        self.assertEqual(kinds[setSize : 2 * setSize], [(UPDATE, "10.0.0.5", 7, 8)] * setSize)
        # then alive everywhere with the new BOOTID and LOCATION
        alive = kinds[2 * setSize :]
        self.assertEqual(len(alive), 3 * 2 * setSize)
        self.assertEqual({(nts, bootId) for nts, _, bootId, _ in alive}, {(ALIVE, 8)})
        locations = {n.location for n, l in self.notifies() if n.nts == ALIVE}
        self.assertEqual(locations, {"http://192.168.1.20:80/d.xml", "http://10.0.0.5:80/d.xml"})
        self.assertEqual(self.catalogue.bootId, 8)

    def test_everyUpdatePrecedesEveryAliveWithTheNewBootId(self) -> None:
        """
        Every ssdp:update is sent before any alive carrying the new BOOTID.
        """
        self.service.setLinks([NEW, WIFI], nextBootId=8)
        self.clock.pump([0.1] * 20)
        order = [n.nts for n, _ in self.notifies() if n.nts != BYEBYE]
        self.assertEqual(order, sorted(order, key=lambda nts: nts != UPDATE))

    def test_interfaceGoneLeavesQuietlyWithoutNewBootId(self) -> None:
        """
        An interface that goes gets byebye and leaves the group, and BOOTID stays as it was.
        """
        self.service.setLinks([OLD], nextBootId=None)
        self.clock.pump([0.1] * 20)
        self.assertEqual(self.ports[socket.AF_INET].joined, {2})
        self.assertEqual({n.nts for n, _ in self.notifies()}, {BYEBYE})
        self.assertEqual(self.catalogue.bootId, 7)

    def test_searchesOnANewInterfaceAreServed(self) -> None:
        """
        A new interface joins the group and its searches are matched to its link.
        """
        third = link("172.20.0.2/16", "eth1", 5)
        self.service.setLinks([OLD, WIFI, third], nextBootId=8)
        self.assertEqual(self.ports[socket.AF_INET].joined, {2, 3, 5})
        self.assertEqual(self.service._linksOn(socket.AF_INET, 5), [third])

    def test_ipv6AppearingOpensTheIPv6Socket(self) -> None:
        """
        An IPv6 address appearing opens the IPv6 socket and announces on FF02::C through its
        interface.
        """
        v6 = link("fd00::10/64", "eth0", 2)
        self.service.setLinks([OLD, WIFI, v6], nextBootId=8)
        self.assertIn(socket.AF_INET6, self.ports)
        self.clock.pump([0.1] * 20)
        v6alive = [sent for sent in self.sender.sent if sent.link == v6]
        self.assertTrue(v6alive)
        self.assertEqual(v6alive[0].destination, ("ff02::c", 1900, 0, 2))
