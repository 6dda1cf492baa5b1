"""
Tests for L{coherence_lite.ssdp.responder}: MX spreading, immediate unicast
answers, the version rule and the amplification limits (one token per
answer, pacing), on a L{Clock}.
"""

from __future__ import annotations

import random
from typing import Callable

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.ssdp.message import MSearch, SearchResponse, Headers
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.responder import Responder
from coherence_lite.stats import Stats

from tests.support import RecordingSender, binaryLight, jambon, link

LINK = link("192.168.1.10/24")
QUERIER = ("192.168.1.77", 50000)


def search(st: str, mx: int | None = 2) -> MSearch:
    """
    A search for C{st} with this MX.
    """
    return MSearch(st=st, mx=mx, host="239.255.255.250:1900", headers=Headers([]))


def jambonCatalogue(location: Callable[[Link], str] = lambda l: "http://x/d.xml", configId: int = 1) -> Catalogue:
    """
    A catalogue (BOOTID 7) publishing the Jambon 3000 at C{location}.
    """
    catalogue = Catalogue(server="Linux/6 UPnP/1.1 coherence-lite/0.1.0", bootId=7)
    catalogue.add(Publication(advertisements(jambon()), location, configId))
    return catalogue


class ResponderTests(SynchronousTestCase):
    """
    L{Responder} answers searches for its catalogue: within MX, at once, or
    not at all.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1_000_000)
        self.sender = RecordingSender(self.clock)
        self.stats = Stats()
        self.catalogue = jambonCatalogue(lambda l: f"http://{l.urlHost}:8080/d.xml", 42)
        self.responder = self.makeResponder()

    def makeResponder(self, limits: ResponderLimits = ResponderLimits()) -> Responder:
        return Responder(self.catalogue, self.sender, self.clock, random.Random(3), limits, self.stats)

    def responses(self) -> list[SearchResponse]:
        parsed = [parse(sent.data) for sent in self.sender.sent]
        for message in parsed:
            self.assertIsInstance(message, SearchResponse)
        return parsed  # type: ignore[return-value]

    def test_multicastSearchIsAnsweredWithinMX(self) -> None:
        """
        A multicast search is answered later, within MX, once per
        advertisement, to the querier and on its link.
        """
        self.responder.searchReceived(search("ssdp:all", mx=3), QUERIER, LINK, True)
        self.assertEqual(self.sender.sent, [])
        self.clock.pump([0.1] * 30)
        # Jambon 3000: rootdevice, uuid, device type and one service type.
        self.assertEqual(len(self.sender.sent), 4)
        start = 1_000_000
        for sent in self.sender.sent:
            self.assertTrue(start <= sent.time <= start + 3)
            self.assertEqual(sent.destination, QUERIER)
            self.assertEqual(sent.link, LINK)

    def test_responsesAreSpreadOverTheWindow(self) -> None:
        """
        The responses to one search each get their own delay.
        """
        self.responder.searchReceived(search("ssdp:all", mx=5), QUERIER, LINK, True)
        self.clock.pump([0.01] * 500)
        times = {round(sent.time, 2) for sent in self.sender.sent}
        self.assertEqual(len(self.sender.sent), 4)
        self.assertEqual(len(times), 4)

    def test_delaysSpreadOverTheWholeMXWindow(self) -> None:
        """
        Response delays are spread over the whole MX window, not bunched at
        its start: over many searches with MX 5, some answers wait less
        than a second and some more than four, none more than five.
        """
        self.responder = self.makeResponder(ResponderLimits(rate=1000, burst=1000))
        start = self.clock.seconds()
        for host in range(50):
            self.responder.searchReceived(search("ssdp:all", mx=5), (f"192.168.1.{100 + host}", 1900), LINK, True)
        self.clock.pump([0.01] * 501)
        delays = [round(sent.time - start, 6) for sent in self.sender.sent]
        self.assertEqual(len(delays), 50 * 4)
        self.assertLessEqual(max(delays), 5)
        self.assertGreater(max(delays), 4)
        self.assertLess(min(delays), 1)
        self.assertGreater(len([delay for delay in delays if delay > 2.5]), 50)

    def test_largeMXSpreadsOverFiveSeconds(self) -> None:
        """
        An MX above 5 counts as 5: the delays spread over five seconds, no
        more.
        """
        self.responder = self.makeResponder(ResponderLimits(rate=1000, burst=1000))
        start = self.clock.seconds()
        for host in range(50):
            self.responder.searchReceived(search("ssdp:all", mx=120), (f"192.168.1.{100 + host}", 1900), LINK, True)
        self.clock.pump([0.01] * 501)
        delays = [round(sent.time - start, 6) for sent in self.sender.sent]
        self.assertEqual(len(delays), 50 * 4)
        self.assertTrue(4 < max(delays) <= 5, max(delays))

    def test_ipv6LinkLocalQuerierIsAnsweredOnAGlobalOnlyLink(self) -> None:
        """
        A link-local IPv6 querier is answered on a link whose only network
        is global: link-local addresses are always on the link.
        """
        global6 = link("2001:db8::10/64", "eth0", 2)
        self.responder.searchReceived(search("upnp:rootdevice", mx=None), ("fe80::99", 50000, 0, 2), global6, False)
        self.assertEqual(len(self.sender.sent), 1)
        [response] = self.responses()
        self.assertEqual(response.location, "http://[2001:db8::10]:8080/d.xml")
        self.assertEqual(self.sender.sent[0].destination, ("fe80::99", 50000, 0, 2))

    def test_nothingIsSentAfterTheWindow(self) -> None:
        """
        Nothing is sent after the MX window, and no response is left waiting.
        """
        self.responder.searchReceived(search("upnp:rootdevice", mx=2), QUERIER, LINK, True)
        self.clock.advance(2)
        count = len(self.sender.sent)
        self.assertEqual(count, 1)
        self.clock.advance(100)
        self.assertEqual(len(self.sender.sent), count)
        self.assertEqual(self.responder.pending, 0)

    def test_largeMXCountsAsFive(self) -> None:
        """
        An MX above 5 is answered within five seconds.
        """
        self.responder.searchReceived(search("ssdp:all", mx=120), QUERIER, LINK, True)
        self.clock.advance(5)
        self.assertEqual(len(self.sender.sent), 4)
        self.assertEqual(self.responder.pending, 0)

    def test_multicastSearchWithoutMXIsIgnored(self) -> None:
        """
        A multicast search without MX, or with MX 0, is not answered and is
        counted.
        """
        self.responder.searchReceived(search("ssdp:all", mx=None), QUERIER, LINK, True)
        self.responder.searchReceived(search("ssdp:all", mx=0), QUERIER, LINK, True)
        self.clock.advance(10)
        self.assertEqual(self.sender.sent, [])
        self.assertEqual(self.stats["dropped.no-mx"], 2)

    def test_unicastSearchIsAnsweredAtOnce(self) -> None:
        """
        A unicast search is answered at once with the link's LOCATION, BOOTID,
        CONFIGID and max-age.
        """
        self.responder.searchReceived(search("upnp:rootdevice", mx=None), QUERIER, LINK, False)
        [response] = self.responses()
        self.assertEqual(self.sender.sent[0].time, self.clock.seconds())
        self.assertEqual(response.st, "upnp:rootdevice")
        self.assertEqual(response.usn, "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363::upnp:rootdevice")
        self.assertEqual(response.location, "http://192.168.1.10:8080/d.xml")
        self.assertEqual(response.bootId, 7)
        self.assertEqual(response.configId, 42)
        self.assertEqual(response.maxAge, 1800)

    def test_responseCarriesOnlyStandardHeaders(self) -> None:
        """
        A response carries UDA's headers only, with an empty EXT and the
        clock's DATE.
        """
        self.responder.searchReceived(search("upnp:rootdevice", mx=None), QUERIER, LINK, False)
        [response] = self.responses()
        self.assertEqual(
            set(response.headers),
            {"cache-control", "date", "ext", "location", "server", "st", "usn", "bootid.upnp.org", "configid.upnp.org"},
        )
        self.assertEqual(response.headers["ext"], "")
        self.assertEqual(response.headers["date"], "Mon, 12 Jan 1970 13:46:40 GMT")

    def test_searchForOlderVersionAnswersWithAskedVersion(self) -> None:
        """
        A search for an older device version is answered with the version
        asked.
        """
        self.catalogue.publications[:] = [
            Publication(advertisements(binaryLight(version=2)), lambda l: "http://x/d.xml", 1)
        ]
        st = "urn:schemas-upnp-org:device:BinaryLight:1"
        self.responder.searchReceived(search(st, mx=None), QUERIER, LINK, False)
        [response] = self.responses()
        self.assertEqual(response.st, st)
        self.assertEqual(response.usn, "uuid:11111111-2222-3333-4444-555555555555::" + st)

    def test_searchForNewerVersionIsNotAnswered(self) -> None:
        """
        A search for a newer version than hosted is not answered.
        """
        self.responder.searchReceived(
            search("urn:schemas-upnp-org:device:Basic:2", mx=None), QUERIER, LINK, False
        )
        self.assertEqual(self.sender.sent, [])

    def test_serviceSearchIsAnsweredByEachDeviceOfferingIt(self) -> None:
        """
        A service search is answered once by each device offering the service.
        """
        self.catalogue.publications[:] = [Publication(advertisements(binaryLight()), lambda l: "http://x/d.xml", 1)]
        st = "urn:schemas-upnp-org:service:SwitchPower:1"
        self.responder.searchReceived(search(st, mx=None), QUERIER, LINK, False)
        usns = sorted(response.usn for response in self.responses())
        self.assertEqual(
            usns,
            [
                "uuid:11111111-2222-3333-4444-555555555555::" + st,
                "uuid:66666666-7777-8888-9999-000000000000::" + st,
            ],
        )

    def test_offLinkQuerierIsNotAnswered(self) -> None:
        """
        Queriers outside the link's networks are not answered and are counted.
        """
        self.responder.searchReceived(search("ssdp:all", mx=None), ("10.9.9.9", 1900), LINK, False)
        self.responder.searchReceived(search("ssdp:all", mx=1), ("8.8.8.8", 1900), LINK, True)
        self.clock.advance(5)
        self.assertEqual(self.sender.sent, [])
        self.assertEqual(self.stats["dropped.off-link"], 2)

    def test_unknownTargetGetsNoAnswer(self) -> None:
        """
        Searches for types and devices not hosted get no answer.
        """
        self.responder.searchReceived(search("urn:example-com:device:Toaster:1", mx=None), QUERIER, LINK, False)
        self.responder.searchReceived(search("uuid:00000000-0000-0000-0000-000000000000", mx=None), QUERIER, LINK, False)
        self.assertEqual(self.sender.sent, [])

    def test_sourceIsRateLimitedWithBurstAndRefill(self) -> None:
        """
        A source gets a burst of answers, then answers at the refill rate.
        """
        self.responder = self.makeResponder(ResponderLimits(rate=2, burst=4))
        for _ in range(10):
            self.responder.searchReceived(search("upnp:rootdevice", mx=None), QUERIER, LINK, False)
        self.assertEqual(len(self.sender.sent), 4)
        self.assertEqual(self.stats["dropped.rate-limited"], 6)
        self.clock.advance(1)
        for _ in range(10):
            self.responder.searchReceived(search("upnp:rootdevice", mx=None), QUERIER, LINK, False)
        self.assertEqual(len(self.sender.sent), 6)

    def test_rateLimitIsPerSource(self) -> None:
        """
        The rate limit is per source address, whatever the port.
        """
        self.responder = self.makeResponder(ResponderLimits(rate=1, burst=1))
        for port in range(3):
            self.responder.searchReceived(search("upnp:rootdevice", mx=None), ("192.168.1.77", port), LINK, False)
        self.responder.searchReceived(search("upnp:rootdevice", mx=None), ("192.168.1.78", 1), LINK, False)
        self.assertEqual(len(self.sender.sent), 2)

    def test_repeatedSsdpAllFromOneSourceIsAnsweredAgain(self) -> None:
        """
        Two C{ssdp:all} from one address within MX (two control points on
        one host, or a search re-sent) are both answered in full.
        """
        self.responder.searchReceived(search("ssdp:all", mx=2), QUERIER, LINK, True)
        self.responder.searchReceived(search("ssdp:all", mx=2), ("192.168.1.77", 50001), LINK, True)
        self.clock.pump([0.01] * 201)
        self.assertEqual(len(self.sender.sent), 8)
        self.assertEqual([sent.destination for sent in self.sender.sent].count(QUERIER), 4)
        self.assertEqual(self.stats["searches.answered"], 2)

    def test_searchCostsOneTokenPerAnswer(self) -> None:
        """
        A search takes one token per answer, and is answered completely or
        not at all: with a burst of 10, two C{ssdp:all} (4 answers each) are
        answered and the third is not, then the bucket refills at C{rate}
        answers per second.
        """
        self.responder = self.makeResponder(ResponderLimits(rate=4, burst=10))
        for _ in range(3):
            self.responder.searchReceived(search("ssdp:all", mx=None), QUERIER, LINK, False)
        self.assertEqual(len(self.sender.sent), 8)
        self.assertEqual(self.stats["dropped.rate-limited"], 1)
        self.clock.advance(0.5)
        self.responder.searchReceived(search("ssdp:all", mx=None), QUERIER, LINK, False)
        self.assertEqual(len(self.sender.sent), 12)

    def test_searchCostingMoreThanABurstNeedsAFullBucket(self) -> None:
        """
        A search with more answers than a whole burst is answered when the
        source's bucket is full, and leaves it in debt: nothing more until
        the bucket has refilled.
        """
        self.responder = self.makeResponder(ResponderLimits(rate=1, burst=2))
        self.responder.searchReceived(search("ssdp:all", mx=None), QUERIER, LINK, False)
        self.clock.pump([0.01] * 10)
        self.assertEqual(len(self.sender.sent), 4)
        self.clock.advance(1)
        self.responder.searchReceived(search("upnp:rootdevice", mx=None), QUERIER, LINK, False)
        self.assertEqual(len(self.sender.sent), 4)
        self.clock.advance(3)
        self.responder.searchReceived(search("ssdp:all", mx=None), QUERIER, LINK, False)
        self.clock.pump([0.01] * 10)
        self.assertEqual(len(self.sender.sent), 8)

    def test_largeUnicastAnswerIsPacedAndComplete(self) -> None:
        """
        A unicast C{ssdp:all} with more answers than one round of the pace
        (ten devices, 40 answers, pace 1000/s: 10 a round) is not sent at
        once: it leaves in rounds, at most one round per tick, all of it.
        """
        for number in range(9):
            udn = f"uuid:00000000-0000-4000-8000-{number:012d}"
            self.catalogue.add(Publication(advertisements(jambon(UDN=udn)), lambda l: "http://x/d.xml", 1))
        self.responder = self.makeResponder(ResponderLimits(pace=1000))
        self.responder.searchReceived(search("ssdp:all", mx=None), QUERIER, LINK, False)
        self.assertLessEqual(len(self.sender.sent), 10)
        self.clock.pump([0.001] * 100)
        self.assertEqual(len(self.sender.sent), 40)
        times = [sent.time for sent in self.sender.sent]
        self.assertEqual(max(times.count(t) for t in times), 10)
        self.assertGreaterEqual(times[-1] - times[0], 0.03)

    def test_pendingResponsesAreCapped(self) -> None:
        """
        Answers waiting for their delay are capped: a search that would go
        beyond is not answered at all, and its answers are counted.
        """
        self.responder = self.makeResponder(ResponderLimits(rate=1000, burst=1000, maxPending=10))
        for host in range(5):
            self.responder.searchReceived(search("ssdp:all", mx=5), (f"192.168.1.{100 + host}", 1), LINK, True)
        self.assertEqual(self.responder.pending, 8)
        self.assertEqual(self.stats["dropped.pending-cap"], 12)
        self.clock.pump([0.01] * 501)
        self.assertEqual(len(self.sender.sent), 8)

    def test_stopCancelsPendingResponses(self) -> None:
        """
        Stopping cancels every response still waiting, leaving no timer.
        """
        self.responder.searchReceived(search("ssdp:all", mx=5), QUERIER, LINK, True)
        self.responder.stop()
        self.clock.advance(10)
        self.assertEqual(self.sender.sent, [])
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_withdrawnPublicationIsNotAnsweredAfterDelay(self) -> None:
        """
        A publication withdrawn during the delay is not answered for.
        """
        self.responder.searchReceived(search("ssdp:all", mx=5), QUERIER, LINK, True)
        self.catalogue.publications.clear()
        self.clock.advance(5)
        self.assertEqual(self.sender.sent, [])
