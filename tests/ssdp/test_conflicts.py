# -*- test-case-name: tests.ssdp.test_conflicts -*-
"""
Tests for L{coherence_lite.ssdp.conflicts}: a host warns, once per UDN
and LOCATION and within a budget, when another process announces one of
its UDNs; also between two real hosts on loopback.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.internet.task import Clock, deferLater
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, formatEvent, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.conflicts import MAX_WARNINGS, WINDOW, UDNConflicts
from coherence_lite.ssdp.message import ALIVE, BYEBYE, UPDATE, Notify

from tests.support import binaryLight, freeUDPPort, link, startLoopbackService

UDN = "uuid:11111111-2222-3333-4444-555555555555"
OURS = "http://192.168.1.10:8080/11111111-2222-3333-4444-555555555555/description.xml"


def notify(location: str | None, usn: str = UDN + "::upnp:rootdevice", nts: str = ALIVE) -> Notify:
    """
    An announcement about C{usn} at C{location}.
    """
    return Notify(nts, "upnp:rootdevice", usn, location, 1800, "Linux/6 UPnP/1.1 other/1", 1, 1, None, None)


class ConflictTests(SynchronousTestCase):
    """
    L{UDNConflicts} over a catalogue publishing the light at L{OURS}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.catalogue = Catalogue(server="test")
        self.catalogue.add(Publication(advertisements(binaryLight(UDN)), lambda link: OURS))
        self.conflicts = UDNConflicts(
            self.catalogue, lambda publication: [publication.location(link())], self.clock
        )
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)  # type: ignore[arg-type]

    def warnings(self) -> list[str]:
        """
        The warnings logged so far.
        """
        return [formatEvent(e) for e in self.events if e["log_level"] == LogLevel.warn]

    def hear(self, message: Notify) -> None:
        """
        The listener hands C{message} over, from another host.
        """
        self.conflicts.notifyReceived(message, ("192.168.1.20", 1900), link())

    def test_anotherLocationIsReportedOnce(self) -> None:
        """
        Our UDN (in any case, from any of its USNs) at another LOCATION is
        one warning naming the UDN, both LOCATIONs and the sender; hearing
        it again (alive or update), or our embedded device's UDN from
        there, says nothing more.
        """
        other = "http://192.168.1.20:9000/description.xml"
        self.hear(notify(other))
        self.hear(notify(other, usn=UDN.upper().replace("UUID", "uuid") + "::urn:schemas-upnp-org:service:SwitchPower:1"))
        self.hear(notify(other, nts=UPDATE))
        self.hear(notify(other, usn="uuid:66666666-7777-8888-9999-000000000000"))
        [warning] = self.warnings()
        for part in (UDN, other, OURS, "192.168.1.20"):
            self.assertIn(part, warning)

    def test_ourOwnAnnouncementsAndOthersAreQuiet(self) -> None:
        """
        Our own alive (our LOCATION), a byebye, and another device's alive
        say nothing.
        """
        self.hear(notify(OURS))
        self.hear(notify(None, nts=BYEBYE))
        self.hear(notify("http://192.168.1.20:9000/d.xml", usn="uuid:99999999-2222-3333-4444-555555555555"))
        self.assertEqual(self.warnings(), [])

    def test_aFloodIsBounded(self) -> None:
        """
        Forged announcements from ever new LOCATIONs give at most
        L{MAX_WARNINGS} warnings in a window, then one line counting the
        others.
        """
        for index in range(100):
            self.hear(notify(f"http://192.168.1.20:{9000 + index}/d.xml"))
        self.assertEqual(len(self.warnings()), MAX_WARNINGS)
        self.clock.advance(WINDOW)
        self.hear(notify("http://192.168.1.21/d.xml"))
        self.assertIn(f"{100 - MAX_WARNINGS} more", self.warnings()[MAX_WARNINGS])
        self.assertEqual(len(self.warnings()), MAX_WARNINGS + 2)

    def test_publicationsPublishedLaterAreKnown(self) -> None:
        """
        A device published after the first announcement heard is watched
        too (the catalogue's changes are followed).
        """
        self.hear(notify(OURS))
        udn = "uuid:22222222-2222-3333-4444-555555555555"
        self.catalogue.add(Publication(advertisements(binaryLight(udn)), lambda link: "http://192.168.1.10:8080/two.xml"))
        self.hear(notify("http://192.168.1.20:9000/d.xml", usn=udn))
        self.assertEqual(len(self.warnings()), 1)


class TwoHostsTests(TestCase):
    """
    Two real hosts on loopback, given the same UDN, each warn of the other.
    """

    timeout = 30

    @inlineCallbacks
    def test_eachHostWarnsOfTheOther(self) -> Any:
        """
        Both hosts announce the light's UDN on one SSDP port; each logs one
        warning naming the other's LOCATION (its embedded device's UDN is
        the same conflict).
        """
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)  # type: ignore[arg-type]
        ssdpPort = freeUDPPort()
        first = startLoopbackService(self, [binaryLight(UDN)], ssdpPort)
        second = startLoopbackService(self, [binaryLight(UDN)], ssdpPort)
        locations = [
            host.catalogue.publications[0].location(host.ssdp.links[0]) for host in (first, second)
        ]

        def warned() -> list[str]:
            return [formatEvent(e) for e in events if "announces our UDN" in e.get("log_format", "")]

        for _ in range(100):
            if len(warned()) >= 2:
                break
            yield deferLater(reactor, 0.1, lambda: None)
        lines = warned()
        self.assertEqual(len(lines), 2, lines)
        heard = sorted(line.split(" at ", 1)[1].split(" (from ")[0] for line in lines)
        self.assertEqual(heard, sorted(locations))
