"""
Tests for L{coherence_lite.ssdp.announcer}: the initial bursts, re-announcing
below max-age/2 and byebye on stop, on a L{Clock}.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.announcer import TENTATIVE_WAIT, Announcer
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.message import BYEBYE, ALIVE, Notify
from coherence_lite.ssdp.parse import parse

from tests.support import RecordingSender, binaryLight, jambon, link

LINKS = (link("192.168.1.10/24", "eth0", 2), link("fd00::10/64", "eth0", 2), link("10.0.0.5/8", "wlan0", 3))


class AnnouncerTests(SynchronousTestCase):
    """
    L{Announcer} sends alive, byebye and update for a catalogue on its links.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.sender = RecordingSender(self.clock)
        self.catalogue = Catalogue(server="Linux/6 UPnP/1.1 coherence-lite/0.1.0", maxAge=1800, bootId=3)
        self.publication = Publication(
            advertisements(binaryLight()), lambda l: f"http://{l.urlHost}:8080/d.xml", 99
        )
        self.catalogue.add(self.publication)
        self.announcer = Announcer(self.catalogue, self.sender, self.clock, 1900, random.Random(5))
        self.setSize = 3 + 2 * 1 + 2  # root + 1 embedded device, SwitchPower in each

    def notifies(self) -> list[Notify]:
        messages = [parse(sent.data) for sent in self.sender.sent]
        for message in messages:
            self.assertIsInstance(message, Notify)
        return messages  # type: ignore[return-value]

    def test_startSendsThreeBurstsOnEveryLink(self) -> None:
        """
        Starting sends the whole set three times on every link, the first round
        within 100 ms, all alive.
        """
        self.announcer.start(LINKS)
        self.assertEqual(self.sender.sent, [])
        self.clock.pump([0.05] * 40)
        self.assertEqual(len(self.sender.sent), 3 * len(LINKS) * self.setSize)
        first = min(sent.time for sent in self.sender.sent)
        self.assertTrue(0 <= first <= 0.1)
        self.assertTrue(all(n.nts == ALIVE for n in self.notifies()))

    def test_tentativeLinkWaitsForItsAddress(self) -> None:
        """
        A link whose address is still tentative gets none of the first
        bursts while it is (Linux would refuse them): its three rounds go
        out once the address is usable; the other links do not wait.
        """
        usableAt = 1.3
        v6 = LINKS[1]
        announcer = Announcer(
            self.catalogue, self.sender, self.clock, 1900, random.Random(5),
            ready=lambda l: l is not v6 or self.clock.seconds() >= usableAt,
        )
        announcer.start(LINKS)
        self.clock.pump([0.05] * 26)
        self.assertEqual({sent.link for sent in self.sender.sent}, {LINKS[0], LINKS[2]})
        self.assertEqual(len(self.sender.sent), 3 * 2 * self.setSize)
        self.clock.pump([0.05] * 60)
        late = [sent for sent in self.sender.sent if sent.link is v6]
        self.assertEqual(len(late), 3 * self.setSize)
        self.assertGreaterEqual(min(sent.time for sent in late), usableAt)

    def test_tentativeWaitIsBounded(self) -> None:
        """
        An address that never becomes usable is tried anyway after
        L{TENTATIVE_WAIT} seconds, and no timer is left running for it.
        """
        announcer = Announcer(self.catalogue, self.sender, self.clock, 1900, random.Random(5), ready=lambda l: False)
        announcer.start(LINKS[:1])
        self.clock.advance(TENTATIVE_WAIT - 0.5)
        self.assertEqual(self.sender.sent, [])
        self.clock.pump([0.1] * 30)
        self.assertEqual(len(self.sender.sent), 3 * self.setSize)
        self.assertEqual(len(self.clock.getDelayedCalls()), 1)  # the re-announcement

    def test_aliveCarriesEachLinksLocationAndGroup(self) -> None:
        """
        Each alive carries the LOCATION of its link's address, goes to its
        family's group with the matching HOST, and carries max-age, BOOTID and
        CONFIGID.
        """
        self.announcer.start(LINKS)
        self.clock.pump([0.05] * 40)
        for sent, notify in zip(self.sender.sent, self.notifies()):
            self.assertEqual(notify.location, f"http://{sent.link.urlHost}:8080/d.xml")
            if sent.link.address.version == 6:
                self.assertEqual(sent.destination, ("ff02::c", 1900, 0, 2))
                self.assertEqual(notify.headers["host"], "[FF02::C]:1900")
            else:
                self.assertEqual(sent.destination, ("239.255.255.250", 1900))
                self.assertEqual(notify.headers["host"], "239.255.255.250:1900")
            self.assertEqual((notify.maxAge, notify.bootId, notify.configId), (1800, 3, 99))

    def test_aliveSetIsTheAdvertisementSet(self) -> None:
        """
        The alives of a round are exactly the advertisement set.
        """
        self.announcer.start(LINKS[:1])
        self.clock.pump([0.05] * 40)
        pairs = {(n.nt, n.usn) for n in self.notifies()}
        self.assertEqual(pairs, {(ad.nt, ad.usn) for ad in self.publication.advertisements})

    def test_reannouncesBelowHalfMaxAge(self) -> None:
        """
        The whole set is sent again at random intervals between a fifth and a
        half of max-age.
        """
        self.announcer.start(LINKS[:1])
        self.clock.pump([0.05] * 40)
        self.sender.clear()
        times = []
        for _ in range(5):
            before = self.clock.seconds()
            while not self.sender.sent:
                self.clock.advance(1)
            times.append(self.clock.seconds() - before)
            self.assertEqual(len(self.sender.sent), self.setSize)
            self.sender.clear()
        for interval in times:
            self.assertLess(interval, 1800 / 2)
            self.assertGreater(interval, 1800 / 5)
        self.assertGreater(len(set(times)), 1)

    def test_stopSendsByebyeTwiceAndFiresAfter(self) -> None:
        """
        Stopping sends byebye for everything at once and again 0.1 s later,
        then fires, leaving no timer.
        """
        self.announcer.start(LINKS)
        self.clock.pump([0.05] * 40)
        self.sender.clear()
        done = self.announcer.stop()
        self.assertNoResult(done)
        self.assertEqual(len(self.sender.sent), len(LINKS) * self.setSize)
        self.clock.advance(0.1)
        self.successResultOf(done)
        notifies = self.notifies()
        self.assertEqual(len(notifies), 2 * len(LINKS) * self.setSize)
        self.assertTrue(all(n.nts == BYEBYE and n.location is None for n in notifies))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_stopDuringBurstCancelsTheRestAndSendsByebye(self) -> None:
        """
        Stopping before the first round cancels the rounds and sends only
        byebyes.
        """
        self.announcer.start(LINKS[:1])
        done = self.announcer.stop()
        self.clock.advance(10)
        self.successResultOf(done)
        self.assertTrue(all(n.nts == BYEBYE for n in self.notifies()))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_stopWhenNotStartedSendsNothing(self) -> None:
        """
        Stopping an announcer never started sends nothing and fires at once.
        """
        self.successResultOf(self.announcer.stop())
        self.assertEqual(self.sender.sent, [])

    def test_noByebyeBeforeFirstAlive(self) -> None:
        """
        The first datagram sent is an alive, not a byebye.
        """
        self.announcer.start(LINKS[:1])
        self.clock.pump([0.05] * 40)
        self.assertEqual(self.notifies()[0].nts, ALIVE)

    def test_publishedWhileRunningIsAnnounced(self) -> None:
        """
        A publication added while running gets initial rounds of its own, and
        only it.
        """
        self.announcer.start(LINKS[:1])
        self.clock.pump([0.05] * 40)
        self.sender.clear()
        other = Publication(advertisements(jambon()), lambda l: "http://x/j.xml", 1)
        self.catalogue.add(other)
        self.announcer.published(other)
        self.clock.pump([0.05] * 40)
        self.assertEqual({n.location for n in self.notifies()}, {"http://x/j.xml"})
        self.assertEqual(len(self.sender.sent), 3 * 4)

    def test_withdrawnSendsByebyeAndIsNotReannounced(self) -> None:
        """
        A withdrawn publication gets one byebye per advertisement and is not
        announced again.
        """
        self.announcer.start(LINKS[:1])
        self.clock.pump([0.05] * 40)
        self.sender.clear()
        self.announcer.withdrawn(self.publication)
        self.catalogue.remove(self.publication)
        self.assertEqual(len(self.sender.sent), self.setSize)
        self.sender.clear()
        self.clock.advance(1800)
        self.assertEqual(self.sender.sent, [])

    def test_failingSendDoesNotStopReannouncing(self) -> None:
        """
        A sender that raises is logged for each round and the re-announce timer
        keeps running.
        """
        calls = []

        def broken(data, destination, link):
            calls.append(data)
            raise RuntimeError("boom")

        self.sender.send = broken  # type: ignore[method-assign]
        self.announcer.start(LINKS[:1])
        self.clock.pump([0.05] * 40)
        self.clock.advance(900)
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 4)
        self.assertEqual(len(calls), 4)
        self.assertEqual(len(self.clock.getDelayedCalls()), 1)

    def test_siteLocalAlsoAnnouncesToFF05(self) -> None:
        """
        With site-local announcing, IPv6 links are announced to FF05::C as well
        as FF02::C, each with its HOST.
        """
        self.announcer.siteLocal = True
        self.announcer.start(LINKS[:2])
        self.clock.pump([0.05] * 40)
        destinations = {sent.destination for sent in self.sender.sent}
        self.assertEqual(
            destinations, {("239.255.255.250", 1900), ("ff02::c", 1900, 0, 2), ("ff05::c", 1900, 0, 2)}
        )
        hosts = {n.headers["host"] for n in self.notifies()}
        self.assertEqual(hosts, {"239.255.255.250:1900", "[FF02::C]:1900", "[FF05::C]:1900"})
