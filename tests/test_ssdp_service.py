"""
Tests for L{coherence_lite.ssdp.service.SSDPService}: which searches it
answers, with fake sockets and a L{Clock}.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.message import Headers, MSearch
from coherence_lite.ssdp.service import SSDPService

from tests.support import RecordingSender, jambon, link
from tests.test_watcher import FakePort

LINK = link("192.168.1.10/24", "eth0", 2)
SEARCH = MSearch(st="upnp:rootdevice", mx=None, host="192.168.1.10:1900", headers=Headers(()))


class OwnSearchTests(SynchronousTestCase):
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
        self.service.startService()
        self.clock.pump([0.1] * 20)
        self.sender.clear()

    def test_searchFromOurOwnSSDPSocketIsNotAnswered(self) -> None:
        self.service.searchReceived(SEARCH, ("192.168.1.10", 1900), LINK, False)
        self.assertEqual(self.sender.sent, [])

    def test_searchFromOurOwnSearchPortIsNotAnswered(self) -> None:
        self.service.searchPorts.add(40000)
        self.service.searchReceived(SEARCH, ("192.168.1.10", 40000), LINK, False)
        self.assertEqual(self.sender.sent, [])

    def test_sameAddressOtherPortIsAnotherProcessAndIsAnswered(self) -> None:
        self.service.searchReceived(SEARCH, ("192.168.1.10", 40001), LINK, False)
        self.assertEqual(len(self.sender.sent), 1)

    def test_otherHostOnOurSearchPortIsAnswered(self) -> None:
        self.service.searchPorts.add(40000)
        self.service.searchReceived(SEARCH, ("192.168.1.77", 40000), LINK, False)
        self.assertEqual(len(self.sender.sent), 1)
