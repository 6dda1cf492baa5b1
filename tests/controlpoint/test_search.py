"""
Tests for L{coherence_lite.controlpoint.search}: L{Searcher} on fake
sockets and a L{Clock}.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.search import SEARCH_SPACING, Searcher
from coherence_lite.ssdp.format import formatSearchResponse
from coherence_lite.ssdp.message import MSearch
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.registry import EntryRegistry

from tests.support.controlpoint import LIGHT_UDN, LINK, SERVER, SOURCE, URL, FakeSockets
from tests.support import link


class SearcherTests(SynchronousTestCase):
    """
    L{Searcher} on fake sockets and a L{Clock}, feeding a registry.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.sockets = FakeSockets()
        self.links = [LINK, link("10.0.0.2/8", "wlan0", 3)]
        self.searcher = Searcher(
            lambda: self.links, self.clock, ssdpPort=19000, mx=3, interval=60, listen=self.sockets.listenSearch
        )
        self.registry = EntryRegistry(self.clock)
        self.searcher.addObserver(self.registry)

    def searches(self) -> list[tuple[MSearch, tuple, Any]]:
        """
        The searches sent so far: message, destination and link.
        """
        [port] = self.sockets.search
        return [(parse(data), destination, sent) for data, destination, sent in port.sent]  # type: ignore[misc]

    def test_searchesEveryLinkAtOnceAndAgainAfterASecond(self) -> None:
        """
        A started searcher searches every link at once and once more after the spacing,
        then waits.
        """
        self.searcher.startService()
        first = self.searches()
        self.assertEqual([(destination, sent) for _, destination, sent in first], [(("239.255.255.250", 19000), l) for l in self.links])
        search = first[0][0]
        self.assertEqual((search.st, search.mx, search.host), ("ssdp:all", 3, "239.255.255.250:19000"))
        self.clock.advance(SEARCH_SPACING)
        self.assertEqual(len(self.searches()), 4)
        self.clock.advance(10)
        self.assertEqual(len(self.searches()), 4)

    def test_searchesAgainEveryInterval(self) -> None:
        """
        The searches are repeated every interval.
        """
        self.searcher.startService()
        self.clock.advance(60)
        self.assertEqual(len(self.searches()), 6)
        self.clock.advance(60)
        self.assertEqual(len(self.searches()), 10)

    def test_answersReachTheObservers(self) -> None:
        """
        Answers to the searches reach the observers, here a registry.
        """
        self.searcher.startService()
        [port] = self.sockets.search
        response = formatSearchResponse("upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", URL, 1800, SERVER, "x", 1, 5)
        from coherence_lite.ssdp.transport import Arrival

        port.protocol.datagramArrived(response, SOURCE, Arrival(LINK.index, "192.168.1.10"))
        entry = self.registry.get(f"{LIGHT_UDN}::upnp:rootdevice")
        assert entry is not None
        self.assertEqual(entry.location, URL)

    def test_otherTargetOnDemand(self) -> None:
        """
        A search for another target can be sent on demand, and a bad target is refused.
        """
        self.searcher.startService()
        self.searcher.search("upnp:rootdevice", 1)
        self.assertEqual(self.searches()[-1][0].st, "upnp:rootdevice")
        self.assertRaises(ValueError, self.searcher.search, "nonsense")

    def test_stopClosesAndCancels(self) -> None:
        """
        Stopping closes the port and cancels every timer.
        """
        self.searcher.startService()
        [port] = self.sockets.search
        self.searcher.stopService()
        self.assertFalse(port.listening)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.assertEqual(port.joined, [])

    def test_badTargetFailsAtConstruction(self) -> None:
        """
        A bad search target is refused when the searcher is built.
        """
        self.assertRaises(ValueError, Searcher, lambda: [], self.clock, searchTarget="x y")
