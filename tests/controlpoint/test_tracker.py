"""
Tests for L{coherence_lite.controlpoint.tracker}: L{DeviceTracker} over a
real registry, with a fake fetcher and a L{Clock}, telling a recording
observer and the compat observer that sends Coherence's signals.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat import signals
from coherence_lite.compat._impl.accessors import coherenceDevice
from coherence_lite.compat._impl.devicesignals import DeviceSignals
from coherence_lite.controlpoint.fetch import FetchError, RetryingFetcher
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.tracker import DeviceObserver, DeviceTracker
from coherence_lite.model.description import deviceDescription
from coherence_lite.model.device import LOCAL, REMOTE
from coherence_lite.compat.signals import SignalSender
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.format import formatNotifyAlive, formatNotifyByebye, formatSearchResponse
from coherence_lite.ssdp.message import Notify, SearchResponse
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.registry import Entry, EntryRegistry

from tests.support.controlpoint import (
    BILLION_LAUGHS,
    DEVICE_HOST,
    DIMMER_UDN,
    LIGHT_UDN,
    LINK,
    SERVER,
    SOURCE,
    URL,
    FakeFetcher,
    SignalRecorder,
    lightDescription,
)
from tests.support import binaryLight, jambon


class RecordingObserver(DeviceObserver):
    """
    Records what a tracker tells it.
    """

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def deviceAdded(self, root: RemoteRootDevice) -> None:
        self.events.append(("added", root))

    def deviceRemoved(self, root: RemoteRootDevice) -> None:
        self.events.append(("removed", root))

    def descriptionFailed(self, location: str, reason: str) -> None:
        self.events.append(("failed", location))


class TrackerTests(SynchronousTestCase):
    """
    L{DeviceTracker} over a real registry, with a fake fetcher and a
    L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.registry = EntryRegistry(self.clock)
        self.fetcher = FakeFetcher()
        self.signals = SignalRecorder(self)
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)
        self.observer = RecordingObserver()
        self.tracker = self.makeTracker(self.fetcher)

    def makeTracker(self, fetcher: Any) -> DeviceTracker:
        """
        A started tracker with C{fetcher}, telling the signal sender and
        then L{observer}.
        """
        tracker = DeviceTracker(self.registry, self.clock, fetcher)
        tracker.addObserver(DeviceSignals(SignalSender(self.clock)))
        tracker.addObserver(self.observer)
        tracker.startService()
        self.addCleanup(lambda: tracker.running and tracker.stopService())
        return tracker

    def announce(
        self,
        location: str = URL,
        bootId: int = 1,
        configId: int | None = 5,
        maxAge: int = 1800,
        only: str | None = None,
        bootless: bool = False,
    ) -> None:
        """
        NOTIFY alive for the light's whole advertisement set (or the entry
        whose NT is C{only}).
        """
        for ad in advertisements(binaryLight()):
            if only is not None and ad.nt != only:
                continue
            datagram = formatNotifyAlive("239.255.255.250:1900", ad.nt, ad.usn, location, maxAge, SERVER, bootId, configId)
            if bootless:
                datagram = datagram.replace(b"BOOTID.UPNP.ORG: %d\r\n" % bootId, b"")
            notify = parse(datagram)
            assert isinstance(notify, Notify)
            self.registry.notifyReceived(notify, SOURCE, LINK)

    def byebye(self, only: str | None = None) -> None:
        """
        NOTIFY byebye for the light's advertisement set (or the entry whose
        NT is C{only}).
        """
        for ad in advertisements(binaryLight()):
            if only is None or ad.nt == only:
                notify = parse(formatNotifyByebye("239.255.255.250:1900", ad.nt, ad.usn, 1, 5))
                self.registry.notifyReceived(notify, SOURCE, LINK)  # type: ignore[arg-type]

    def answer(self, index: int = -1, body: bytes | None = None) -> None:
        """
        Answer a fetch with the light's description, or C{body}.
        """
        self.fetcher.requests[index][1].callback(lightDescription() if body is None else body)

    def deliver(self) -> None:
        """
        Let the signals sent on this turn be delivered.
        """
        self.clock.advance(0)

    def test_aliveFetchesOnceAndSignalsOnTheNextTurn(self) -> None:
        """
        An announced tree is fetched once, told to observers at once, and signalled on
        the next turn with Coherence objects, embedded devices first.
        """
        self.announce()
        self.assertEqual(self.fetcher.urls, [URL])
        self.answer()
        self.assertEqual(self.signals.received, [])
        self.deliver()
        [root] = self.tracker.devices()
        tree = coherenceDevice(root)
        self.assertEqual(
            self.signals.received,
            [
                (signals.DEVICE_DETECTION_COMPLETED, {"device": tree.devices[0]}),
                (signals.DEVICE_DETECTION_COMPLETED, {"device": tree}),
                (signals.ROOT_DEVICE_DETECTION_COMPLETED, {"device": tree}),
            ],
        )
        self.assertEqual(self.observer.events, [("added", root)])
        self.assertEqual((root.server, root.bootId, root.host, root.manifestation), (SERVER, 1, DEVICE_HOST, REMOTE))
        self.assertIs(self.tracker.get(LIGHT_UDN.upper()), root)
        self.assertIs(self.tracker.deviceWithId(DIMMER_UDN), root.devices[0])

    def test_repeatedAliveDoesNotFetchAgain(self) -> None:
        """
        Repeated announcements with the same BOOTID, CONFIGID and LOCATION neither fetch
        nor signal again.
        """
        self.announce()
        self.answer()
        self.deliver()
        self.signals.clear()
        for _ in range(3):
            self.clock.advance(600)
            self.announce()
        self.deliver()
        self.assertEqual(len(self.fetcher.requests), 1)
        self.assertEqual(self.signals.received, [])
        self.assertEqual(len(self.tracker.devices()), 1)

    def test_entriesArrivingDuringAFetchShareIt(self) -> None:
        """
        Entries of the tree arriving while its description is fetched wait for that
        fetch instead of starting another.
        """
        self.announce(only=DIMMER_UDN)
        self.announce()
        self.assertEqual(self.fetcher.urls, [URL])
        self.assertEqual(self.tracker.pendingLocations(), [URL])
        self.answer()
        self.deliver()
        self.assertEqual(len(self.tracker.devices()), 1)
        self.assertEqual(self.signals.names().count(signals.ROOT_DEVICE_DETECTION_COMPLETED), 1)
        self.assertEqual(self.tracker.pendingLocations(), [])

    def test_aDeadAddressFallsOverToTheOtherOne(self) -> None:
        """
        A device heard at a second address while its first is fetched is
        one device: nothing more is fetched meanwhile, and when the first
        fetch fails the other address is fetched at once (a dead address
        never hides a reachable one).
        """
        dead = URL.replace(DEVICE_HOST, "[2001:db8::20]")
        self.announce(location=dead)
        self.announce()
        self.assertEqual(self.fetcher.urls, [dead])
        self.fetcher.requests[0][1].errback(FetchError("cannot connect: network is unreachable"))
        self.assertEqual(self.fetcher.urls, [dead, URL])
        self.answer()
        [root] = self.tracker.devices()
        self.assertEqual(root.location, URL)
        self.assertEqual([event[0] for event in self.observer.events], ["failed", "added"])

    def test_searchResponsesAreTrackedToo(self) -> None:
        """
        A search response leads to the description like an announcement does, with its
        BOOTID.
        """
        response = parse(formatSearchResponse("upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", URL, 1800, SERVER, "x", 3, 5))
        assert isinstance(response, SearchResponse)
        self.registry.responseReceived(response, SOURCE, LINK)
        self.answer()
        [root] = self.tracker.devices()
        self.assertEqual(root.bootId, 3)

    def test_byebyeRemovesTheTreeWithCoherenceSignals(self) -> None:
        """
        A byebye of the root entry removes the tree, told at once and signalled on the
        next turn, embedded devices first.
        """
        self.announce()
        self.answer()
        self.deliver()
        [root] = self.tracker.devices()
        self.signals.clear()
        self.byebye(only="upnp:rootdevice")
        self.assertEqual(self.signals.received, [])
        self.deliver()
        usn = f"{LIGHT_UDN}::upnp:rootdevice"
        self.assertEqual(
            self.signals.received,
            [
                (signals.DEVICE_REMOVED, {"usn": DIMMER_UDN}),
                (signals.DEVICE_REMOVED, {"usn": usn}),
                (signals.ROOT_DEVICE_REMOVED, {"usn": usn}),
            ],
        )
        self.assertEqual(self.observer.events[-1], ("removed", root))
        self.assertEqual(self.tracker.devices(), [])

    def test_lastEntryGoingRemovesTheTree(self) -> None:
        """
        A tree known from an embedded device's entry alone goes when that entry goes.
        """
        self.announce(only=DIMMER_UDN)
        self.answer()
        self.assertEqual(len(self.tracker.devices()), 1)
        self.byebye(only=DIMMER_UDN)
        self.assertEqual(self.tracker.devices(), [])

    def test_expiryAfterMaxAgeRemoves(self) -> None:
        """
        A tree whose entries expire after their max-age is removed, logged with the
        reason.
        """
        self.announce(maxAge=1800)
        self.answer()
        self.clock.advance(1799)
        self.assertEqual(len(self.tracker.devices()), 1)
        self.clock.advance(1)
        self.assertEqual(self.tracker.devices(), [])
        self.assertIn(signals.ROOT_DEVICE_REMOVED, self.signals.names())
        gone = [e for e in self.events if "is gone" in e["log_format"]]
        self.assertEqual(gone[0]["reason"], "expired")

    def test_newBootIdRemovesAndFetchesAgain(self) -> None:
        """
        A new BOOTID removes the tree and fetches its description again.
        """
        self.announce(bootId=1)
        self.answer()
        self.deliver()
        self.signals.clear()
        self.announce(bootId=2)
        self.assertEqual(self.fetcher.urls, [URL, URL])
        self.assertEqual(self.tracker.devices(), [])
        self.answer()
        self.deliver()
        [root] = self.tracker.devices()
        self.assertEqual(root.bootId, 2)
        self.assertEqual(
            self.signals.names(),
            [signals.DEVICE_REMOVED, signals.DEVICE_REMOVED, signals.ROOT_DEVICE_REMOVED]
            + [signals.DEVICE_DETECTION_COMPLETED] * 2
            + [signals.ROOT_DEVICE_DETECTION_COMPLETED],
        )
        self.assertEqual([kind for kind, _ in self.observer.events], ["added", "removed", "added"])

    def test_newConfigIdFetchesAgain(self) -> None:
        """
        A new CONFIGID fetches the description again.
        """
        self.announce(configId=5)
        self.answer()
        self.announce(configId=6)
        self.assertEqual(len(self.fetcher.requests), 2)

    def test_otherLocationWithTheSameBootIdIsAnotherInterface(self) -> None:
        """
        Another LOCATION with the same BOOTID is the device's other interface, not a
        change.
        """
        self.announce()
        self.answer()
        self.announce(location=URL.replace(DEVICE_HOST, "10.9.9.9"))
        self.assertEqual(len(self.fetcher.requests), 1)
        self.assertEqual(len(self.tracker.devices()), 1)

    def test_newLocationOfADeviceWithoutBootIdFetchesAgain(self) -> None:
        """
        A UDA 1.0 device without BOOTID that announces a new LOCATION is fetched again
        from there.
        """
        self.announce(bootless=True)
        self.answer()
        moved = URL.replace(DEVICE_HOST, "192.168.1.21")
        self.announce(location=moved, bootless=True)
        self.assertEqual(self.fetcher.urls, [URL, moved])

    def test_byebyeDuringTheFetchCancelsIt(self) -> None:
        """
        A byebye while the description is fetched cancels the fetch and signals nothing.
        """
        self.announce()
        self.byebye()
        self.assertEqual(self.fetcher.cancelled, [URL])
        self.deliver()
        self.assertEqual(self.signals.received, [])
        self.assertEqual(self.tracker.devices(), [])
        self.assertEqual(self.tracker.pendingLocations(), [])

    def test_fetchFailuresAreRetriedWithBackoffThenGivenUpWithOneWarning(self) -> None:
        """
        Failed fetches are retried after 2, 4 and 8 seconds, given up with one warning
        and observers told, then tried again after RECHECK_AFTER.
        """
        inner = FakeFetcher()
        self.tracker.stopService()
        self.tracker = self.makeTracker(RetryingFetcher(inner, self.clock))
        self.announce()
        times = []
        for wait in (2, 4, 8):
            times.append(self.clock.seconds())
            inner.requests[-1][1].errback(FetchError("connection refused"))
            self.clock.advance(wait)
        times.append(self.clock.seconds())
        inner.requests[-1][1].errback(FetchError("connection refused"))
        self.assertEqual(times, [0, 2, 6, 14])
        self.assertEqual(len(inner.requests), 4)
        self.assertEqual(self.tracker.devices(), [])
        warnings = [e for e in self.events if e["log_level"] == LogLevel.warn]
        self.assertEqual(len(warnings), 1)
        self.assertIn("connection refused", warnings[0]["reason"])
        self.assertIn(("failed", URL), self.observer.events)
        # Still announced: tried again after RECHECK_AFTER, and a success
        # then adds the device; no second warning was logged.
        self.clock.advance(299)
        self.assertEqual(len(inner.requests), 4)
        self.clock.advance(1)
        self.assertEqual(len(inner.requests), 5)
        inner.requests[-1][1].callback(lightDescription())
        self.assertEqual(len(self.tracker.devices()), 1)
        self.assertEqual(len([e for e in self.events if e["log_level"] == LogLevel.warn]), 1)

    def test_repeatedFailuresWarnOnce(self) -> None:
        """
        Only the first of repeated failures at one LOCATION is a warning; the next ones
        are info.
        """
        self.announce()
        for _ in range(3):
            self.fetcher.requests[-1][1].errback(FetchError("HTTP status 500"))
            self.clock.advance(300)
        self.assertEqual(len(self.fetcher.requests), 4)
        levels = [e["log_level"] for e in self.events if "Cannot use" in e["log_format"]]
        self.assertEqual(levels, [LogLevel.warn, LogLevel.info, LogLevel.info])

    def test_newBootIdAfterAFailureFetchesAtOnce(self) -> None:
        """
        After a failure, the same BOOTID waits for the re-check but a new BOOTID fetches
        at once.
        """
        self.announce(bootId=1)
        self.fetcher.requests[-1][1].errback(FetchError("HTTP status 404", permanent=True))
        self.announce(bootId=1)
        self.assertEqual(len(self.fetcher.requests), 1)
        self.announce(bootId=2)
        self.assertEqual(len(self.fetcher.requests), 2)

    def test_deviceLeavingAfterAFailureIsForgotten(self) -> None:
        """
        A device leaving after a failure leaves no re-check scheduled.
        """
        self.announce()
        self.fetcher.requests[-1][1].errback(FetchError("timeout"))
        self.byebye()
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_unusableDescriptionIsAWarningNotACrash(self) -> None:
        """
        A hostile description is a warning saying it is unusable, and no device.
        """
        self.announce()
        self.answer(body=BILLION_LAUGHS)
        self.assertEqual(self.tracker.devices(), [])
        [warning] = [e for e in self.events if e["log_level"] == LogLevel.warn]
        self.assertIn("unusable description", warning["reason"])

    def test_unexpectedFetcherErrorIsLoggedNotRaised(self) -> None:
        """
        A fetcher raising an unexpected exception is logged, not raised into the
        registry.
        """
        class Broken:
            def fetch(self, url: str) -> Deferred[bytes]:
                raise RuntimeError("bug")

        self.tracker.stopService()
        self.tracker = self.makeTracker(Broken())
        self.announce()
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)
        self.assertEqual(self.tracker.devices(), [])

    def test_failingObserverDoesNotStopTheOthers(self) -> None:
        """
        An observer raising is logged, and the observers after it are still told.
        """
        class Failing(DeviceObserver):
            def deviceAdded(self, root: RemoteRootDevice) -> None:
                raise ValueError("observer bug")

        self.tracker.removeObserver(self.observer)
        self.tracker.addObserver(Failing())
        self.tracker.addObserver(self.observer)
        self.announce()
        self.answer()
        self.assertEqual(len(self.flushLoggedErrors(ValueError)), 1)
        self.assertEqual([kind for kind, _ in self.observer.events], ["added"])

    def test_localEntriesGiveLocalDevices(self) -> None:
        """
        Entries of this host's own devices give devices of the C{local} manifestation,
        embedded ones included.
        """
        for ad in advertisements(binaryLight()):
            self.registry.add(Entry(usn=ad.usn, st=ad.nt, location=URL, manifestation=LOCAL))
        self.assertEqual(self.fetcher.urls, [URL])
        self.answer()
        [root] = self.tracker.devices()
        self.assertEqual(root.manifestation, LOCAL)
        self.assertTrue(coherenceDevice(root).devices[0].is_local())
        self.registry.remove(f"{LIGHT_UDN}::upnp:rootdevice")
        self.assertEqual(self.tracker.devices(), [])

    def test_entriesKnownBeforeStartAreFetched(self) -> None:
        """
        Entries the registry held before the tracker started are fetched when it starts.
        """
        self.tracker.stopService()
        self.announce()
        self.assertEqual(self.fetcher.requests, [])
        self.tracker.startService()
        self.assertEqual(self.fetcher.urls, [URL])

    def test_stopAbandonsFetches(self) -> None:
        """
        Stopping cancels the fetches under way and ignores later announcements.
        """
        self.announce()
        self.tracker.stopService()
        self.assertEqual(self.fetcher.cancelled, [URL])
        self.announce(bootId=9)
        self.assertEqual(len(self.fetcher.requests), 1)

    def test_loopbackLocationFromAnotherMachineIsNotFetched(self) -> None:
        """
        LOCATIONs on loopback from another machine, multicast or unspecified addresses
        are not fetched.
        """
        self.announce(location="http://127.0.0.1:6379/description.xml")
        self.announce(location="http://[::1]:80/d.xml", only="upnp:rootdevice", bootId=2)
        self.announce(location="http://239.255.255.250:80/d.xml", only="upnp:rootdevice", bootId=3)
        self.announce(location="http://0.0.0.0:80/d.xml", only="upnp:rootdevice", bootId=4)
        self.assertEqual(self.fetcher.requests, [])

    def test_loopbackLocationFromLoopbackIsFetched(self) -> None:
        """
        A loopback LOCATION announced from loopback is fetched.
        """
        notify = parse(formatNotifyAlive("239.255.255.250:1900", "upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", "http://127.0.0.1:8080/d.xml", 1800, SERVER, 1, 5))
        self.registry.notifyReceived(notify, ("127.0.0.1", 1900), LINK)  # type: ignore[arg-type]
        self.assertEqual(self.fetcher.urls, ["http://127.0.0.1:8080/d.xml"])

    def test_descriptionOfAnotherUDNIsKeptUnderItsOwn(self) -> None:
        """
        A description of another UDN than announced is kept under its own UDN, and goes
        with the announced entry.
        """
        self.announce(only="upnp:rootdevice")
        self.answer(body=deviceDescription(jambon(), 1))
        [root] = self.tracker.devices()
        self.assertEqual(root.friendlyName, "Jambon 3000")
        self.byebye(only="upnp:rootdevice")
        self.assertEqual(self.tracker.devices(), [])

    def test_removedObserverIsToldNothingMore(self) -> None:
        """
        A removed observer is told nothing more, and removing it twice is harmless.
        """
        self.tracker.removeObserver(self.observer)
        self.tracker.removeObserver(self.observer)
        self.announce()
        self.answer()
        self.assertEqual(self.observer.events, [])
        self.assertEqual(len(self.tracker.devices()), 1)

    def test_observerAddedTwiceIsToldOnce(self) -> None:
        """
        An observer added twice is told of each device once.
        """
        self.tracker.addObserver(self.observer)
        self.announce()
        self.answer()
        self.assertEqual([kind for kind, _ in self.observer.events], ["added"])

    def test_trackerSendsNoSignalOfItsOwn(self) -> None:
        """
        A tracker without the compat observer sends no louie signal: signals are the
        edge's business.
        """
        fetcher = FakeFetcher()
        tracker = DeviceTracker(EntryRegistry(self.clock), self.clock, fetcher)
        tracker.startService()
        self.addCleanup(tracker.stopService)
        for ad in advertisements(binaryLight()):
            tracker.registry.add(Entry(usn=ad.usn, st=ad.nt, location=URL))
        fetcher.requests[0][1].callback(lightDescription())
        self.deliver()
        self.assertEqual(len(tracker.devices()), 1)
        self.assertEqual(self.signals.received, [])
