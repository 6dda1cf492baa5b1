"""
Tests for L{coherence_lite.ssdp.registry}: the table of known SSDP entries,
fed NOTIFYs and search responses, timed on a L{Clock}.
"""

from __future__ import annotations

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.device import LOCAL, REMOTE
from coherence_lite.ssdp.message import Notify, SearchResponse
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.registry import (
    BYEBYE_REASON,
    DEFAULT_MAX_AGE,
    EXPIRED,
    UNREGISTERED,
    Entry,
    EntryRegistry,
)

from tests.support import link

LINK = link("192.168.1.10/24")
SOURCE = ("192.168.1.50", 1900)
USN = "uuid:e711a4bf::upnp:rootdevice"


def notify(
    nts: str = "ssdp:alive",
    usn: str = USN,
    nt: str = "upnp:rootdevice",
    location: str = "http://192.168.1.50:2869/d.xml",
    cacheControl: str | None = "max-age=1800",
    server: str | None = "Linux/5 UPnP/1.0 Thing/1",
) -> Notify:
    """
    Parse a NOTIFY built from its header values (L{None} leaves one out).
    """
    lines = ["NOTIFY * HTTP/1.1", "HOST: 239.255.255.250:1900", f"NT: {nt}", f"NTS: {nts}", f"USN: {usn}"]
    if nts != "ssdp:byebye":
        lines.append(f"LOCATION: {location}")
    if cacheControl is not None:
        lines.append(f"CACHE-CONTROL: {cacheControl}")
    if server is not None:
        lines.append(f"SERVER: {server}")
    message = parse(("\r\n".join(lines) + "\r\n\r\n").encode())
    assert isinstance(message, Notify), message
    return message


def response(usn: str = USN, st: str = "upnp:rootdevice", cacheControl: str = "max-age=600") -> SearchResponse:
    """
    Parse a search response built from its header values.
    """
    lines = [
        "HTTP/1.1 200 OK",
        f"CACHE-CONTROL: {cacheControl}",
        "EXT:",
        "LOCATION: http://192.168.1.50:2869/d.xml",
        f"ST: {st}",
        f"USN: {usn}",
    ]
    message = parse(("\r\n".join(lines) + "\r\n\r\n").encode())
    assert isinstance(message, SearchResponse), message
    return message


class RecordingObserver:
    """
    Records what an L{EntryRegistry} tells its observers.
    """

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def entryAdded(self, entry: Entry) -> None:
        self.events.append(("added", entry.usn))

    def entryUpdated(self, old: Entry, new: Entry) -> None:
        self.events.append(("updated", new.usn))

    def entryRemoved(self, entry: Entry, reason: str) -> None:
        self.events.append(("removed", entry.usn, reason))


class EntryRegistryTests(SynchronousTestCase):
    """
    L{EntryRegistry} keeps the entries NOTIFYs and answers announce, until
    byebye or expiry, and tells its observers.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1000)
        self.registry = EntryRegistry(self.clock)
        self.observer = RecordingObserver()
        self.registry.addObserver(self.observer)

    def test_aliveAddsTheEntryOnce(self) -> None:
        """
        An alive adds an entry with its values, source and time, and tells the
        observers once.
        """
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertEqual(
            (entry.st, entry.location, entry.server, entry.maxAge, entry.source, entry.manifestation),
            ("upnp:rootdevice", "http://192.168.1.50:2869/d.xml", "Linux/5 UPnP/1.0 Thing/1", 1800, SOURCE, REMOTE),
        )
        self.assertEqual(entry.lastSeen, 1000)
        self.assertEqual(self.observer.events, [("added", USN)])

    def test_repeatedAliveRefreshesWithoutSecondAdded(self) -> None:
        """
        The same alive again refreshes the entry's time without a second added
        event.
        """
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.clock.advance(100)
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.assertEqual(self.observer.events, [("added", USN)])
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertEqual(entry.lastSeen, 1100)
        self.assertEqual(len(self.registry), 1)

    def test_repeatedAliveFromAnotherPortIsNoUpdate(self) -> None:
        """
        The same alive from another port of the same host is not an update.
        """
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.registry.notifyReceived(notify(), (SOURCE[0], 50123), LINK)
        self.assertEqual(self.observer.events, [("added", USN)])

    def test_changedLocationIsAnUpdate(self) -> None:
        """
        An alive with another LOCATION updates the entry and tells the
        observers.
        """
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.registry.notifyReceived(notify(location="http://192.168.1.50:5000/new.xml"), SOURCE, LINK)
        self.assertEqual(self.observer.events, [("added", USN), ("updated", USN)])
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertEqual(entry.location, "http://192.168.1.50:5000/new.xml")

    def test_linkLocalLocationGetsTheArrivalZone(self) -> None:
        """
        A link-local LOCATION heard (alive or answer) is kept with the zone
        of the interface it arrived on: the control point can fetch it.
        Other LOCATIONs stay as announced.
        """
        v6 = link("fe80::10/64", interface="wlan0", index=3)
        source = ("fe80::50", 1900, 0, 3)
        self.registry.notifyReceived(notify(location="http://[fe80::50]:2869/d.xml"), source, v6)
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertEqual(entry.location, "http://[fe80::50%25wlan0]:2869/d.xml")
        other = "uuid:0f1e::upnp:rootdevice"
        self.registry.responseReceived(response(usn=other), SOURCE, v6)
        answered = self.registry.get(other)
        assert answered is not None
        self.assertEqual(answered.location, "http://192.168.1.50:2869/d.xml")

    def test_byebyeRemoves(self) -> None:
        """
        A byebye removes the entry, says why, and cancels its expiry.
        """
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.registry.notifyReceived(notify("ssdp:byebye"), SOURCE, LINK)
        self.assertNotIn(USN, self.registry)
        self.assertEqual(self.observer.events, [("added", USN), ("removed", USN, BYEBYE_REASON)])
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_byebyeForUnknownUSNIsIgnored(self) -> None:
        """
        A byebye for a USN not known changes nothing.
        """
        self.registry.notifyReceived(notify("ssdp:byebye"), SOURCE, LINK)
        self.assertEqual(self.observer.events, [])

    def test_entryExpiresAfterItsMaxAge(self) -> None:
        """
        An entry is removed as expired when its max-age runs out, not before.
        """
        self.registry.notifyReceived(notify(cacheControl="max-age=300"), SOURCE, LINK)
        self.clock.advance(299)
        self.assertIn(USN, self.registry)
        self.clock.advance(1)
        self.assertNotIn(USN, self.registry)
        self.assertEqual(self.observer.events[-1], ("removed", USN, EXPIRED))

    def test_refreshRestartsTheExpiry(self) -> None:
        """
        An alive before expiry restarts the max-age.
        """
        self.registry.notifyReceived(notify(cacheControl="max-age=300"), SOURCE, LINK)
        self.clock.advance(200)
        self.registry.notifyReceived(notify(cacheControl="max-age=300"), SOURCE, LINK)
        self.clock.advance(200)
        self.assertIn(USN, self.registry)
        self.clock.advance(100)
        self.assertNotIn(USN, self.registry)

    def test_maxAgeWithSpacesAroundEquals(self) -> None:
        """
        C{max-age = 900} is understood and timed.
        """
        self.registry.notifyReceived(notify(cacheControl="max-age = 900"), SOURCE, LINK)
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertEqual(entry.maxAge, 900)
        self.clock.advance(899)
        self.assertIn(USN, self.registry)
        self.clock.advance(1)
        self.assertNotIn(USN, self.registry)

    def test_maxAgeAmongOtherDirectives(self) -> None:
        """
        max-age is found among other directives and when quoted.
        """
        for value in ("max-age=1200, no-cache", 'no-cache, MAX-AGE="1200"'):
            self.registry.notifyReceived(notify(cacheControl=value, usn=f"uuid:{len(value)}"), SOURCE, LINK)
        self.assertEqual({entry.maxAge for entry in self.registry}, {1200})

    def test_missingCacheControlMeansDefaultMaxAge(self) -> None:
        """
        Without CACHE-CONTROL an entry is kept for the default max-age.
        """
        self.registry.notifyReceived(notify(cacheControl=None), SOURCE, LINK)
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertEqual(entry.maxAge, DEFAULT_MAX_AGE)
        self.clock.advance(DEFAULT_MAX_AGE - 1)
        self.assertIn(USN, self.registry)
        self.clock.advance(1)
        self.assertNotIn(USN, self.registry)

    def test_unusableMaxAgeMeansDefault(self) -> None:
        """
        An unusable or zero max-age means the default one.
        """
        for value in ("max-age=soon", "max-age=0", "no-cache"):
            self.registry.notifyReceived(notify(cacheControl=value, usn=f"uuid:{value}"), SOURCE, LINK)
        self.assertEqual({entry.maxAge for entry in self.registry}, {DEFAULT_MAX_AGE})

    def test_missingServerIsNone(self) -> None:
        """
        An alive without SERVER gives an entry whose server is L{None}.
        """
        self.registry.notifyReceived(notify(server=None), SOURCE, LINK)
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertIsNone(entry.server)

    def test_searchResponseIsTrackedWithItsST(self) -> None:
        """
        A search response adds an entry with its ST, expiring after its max-
        age.
        """
        self.registry.responseReceived(response(st="uuid:e711a4bf", usn="uuid:e711a4bf"), SOURCE, LINK)
        entry = self.registry.get("uuid:e711a4bf")
        assert entry is not None
        self.assertEqual((entry.st, entry.maxAge), ("uuid:e711a4bf", 600))
        self.clock.advance(600)
        self.assertNotIn("uuid:e711a4bf", self.registry)

    def local(self, usn: str = USN) -> Entry:
        """
        A local entry (this host's) for C{usn}.
        """
        return Entry(usn=usn, st="upnp:rootdevice", location="http://192.168.1.10/d.xml", manifestation=LOCAL, maxAge=60)

    def test_localEntryNeverExpires(self) -> None:
        """
        A local entry has no expiry timer.
        """
        self.registry.add(self.local())
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.clock.advance(10 * DEFAULT_MAX_AGE)
        self.assertIn(USN, self.registry)

    def test_localEntryIsNotReplacedByRemote(self) -> None:
        """
        A remote alive or answer never replaces a local entry of the same USN.
        """
        self.registry.add(self.local())
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.registry.responseReceived(response(), SOURCE, LINK)
        entry = self.registry.get(USN)
        assert entry is not None
        self.assertEqual((entry.manifestation, entry.location), (LOCAL, "http://192.168.1.10/d.xml"))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_remoteByebyeDoesNotRemoveLocalEntry(self) -> None:
        """
        A remote byebye does not remove a local entry.
        """
        self.registry.add(self.local())
        self.registry.notifyReceived(notify("ssdp:byebye"), SOURCE, LINK)
        self.assertIn(USN, self.registry)

    def test_localReplacingRemoteCancelsItsExpiry(self) -> None:
        """
        A local entry replacing a remote one cancels the remote one's expiry.
        """
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.registry.add(self.local())
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_removeSaysWhy(self) -> None:
        """
        Removing an entry returns it and tells the observers it was
        unregistered; removing it again gives L{None}.
        """
        self.registry.add(self.local())
        removed = self.registry.remove(USN)
        self.assertEqual(removed, self.local())
        self.assertEqual(self.observer.events[-1], ("removed", USN, UNREGISTERED))
        self.assertIsNone(self.registry.remove(USN))

    def test_tableIsBounded(self) -> None:
        """
        At most C{maxEntries} remote entries are kept, local ones aside, and
        the refused ones are counted.
        """
        registry = EntryRegistry(self.clock, maxEntries=3)
        registry.add(self.local("uuid:local"))
        for number in range(10):
            registry.notifyReceived(notify(usn=f"uuid:{number}"), SOURCE, LINK)
        self.assertEqual(len(registry), 4)
        self.assertEqual(registry.dropped, 7)
        self.assertEqual(len(self.clock.getDelayedCalls()), 3)

    def test_fullTableStillRefreshesKnownEntries(self) -> None:
        """
        A full table still refreshes the entries it holds.
        """
        registry = EntryRegistry(self.clock, maxEntries=1)
        registry.notifyReceived(notify(cacheControl="max-age=100"), SOURCE, LINK)
        registry.notifyReceived(notify(usn="uuid:other"), SOURCE, LINK)
        self.clock.advance(90)
        registry.notifyReceived(notify(cacheControl="max-age=100"), SOURCE, LINK)
        self.clock.advance(90)
        self.assertIn(USN, registry)
        self.assertEqual(registry.dropped, 1)

    def test_expiredEntryFreesItsPlace(self) -> None:
        """
        An expired entry frees its place for a new one.
        """
        registry = EntryRegistry(self.clock, maxEntries=1)
        registry.notifyReceived(notify(cacheControl="max-age=100"), SOURCE, LINK)
        self.clock.advance(100)
        registry.notifyReceived(notify(usn="uuid:other"), SOURCE, LINK)
        self.assertIn("uuid:other", registry)

    def test_clearForgetsSilentlyAndCancelsTimers(self) -> None:
        """
        C{clear} forgets every entry without telling the observers and cancels
        every timer.
        """
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.registry.add(self.local("uuid:local"))
        self.observer.events.clear()
        self.registry.clear()
        self.assertEqual(len(self.registry), 0)
        self.assertEqual(self.observer.events, [])
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_tablesAreNotShared(self) -> None:
        """
        Two registries do not share their entries.
        """
        other = EntryRegistry(self.clock)
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.assertNotIn(USN, other)

    def test_removedObserverHearsNothingMore(self) -> None:
        """
        An observer removed hears of nothing more; removing it twice is fine.
        """
        self.registry.removeObserver(self.observer)
        self.registry.removeObserver(self.observer)
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.assertEqual(self.observer.events, [])
        self.assertIn(USN, self.registry)

    def test_observersAreToldInTheOrderAdded(self) -> None:
        """
        Observers hear of each change in the order they were added.
        """
        heard: list[str] = []

        class Named(RecordingObserver):
            def __init__(self, name: str) -> None:
                super().__init__()
                self.name = name

            def entryAdded(self, entry: Entry) -> None:
                heard.append(self.name)

        self.registry.addObserver(Named("second"))
        self.registry.addObserver(Named("third"))
        self.registry.notifyReceived(notify(), SOURCE, LINK)
        self.assertEqual((self.observer.events, heard), ([("added", USN)], ["second", "third"]))
