# -*- test-case-name: tests.compat.test_announcing -*-
"""
Tests for what L{coherence_lite.compat.ssdp.SSDPServer} sends: its
announcements, its silent registrations and its answers to searches.

Where a test departs from Coherence's expectations, a comment names the
Coherence bug it no longer has.  Time is a L{Clock} given as the reactor, so
"asynchronously" means "not before C{clock.advance(0)}".
"""

from __future__ import annotations

from twisted.internet.testing import EventLoggingObserver
from twisted.logger import globalLogPublisher

from coherence_lite.compat.ssdp import SSDP_ADDR, SSDP_PORT

from tests.support.compat import (
    CompatTestCase,
    JAMBON,
    JAMBON_LOCATION,
    JAMBON_USNS,
    NOTIFY_USN,
    QUERIER,
    ROOT_USN,
    SignalRecorder,
    datagram,
    lines,
    msearch,
    ssdp_notify_1,
)


class AnnouncingTests(CompatTestCase):
    """
    Local registrations are announced, re-announced and withdrawn.
    """

    def test_registeringAnnouncesThreeRounds(self) -> None:
        """
        Registering announces every local USN three times to the group, after a
        short delay.
        """
        self.registerJambon()
        self.assertEqual(self.tr.written, [])
        self.pastTheBursts()
        self.assertEqual(len(self.tr.written), 3 * len(JAMBON_USNS))
        announced = {line for data in self.written() for line in lines(data) if line.startswith("USN: ")}
        self.assertEqual(announced, {f"USN: {usn}\r\n" for usn, _ in JAMBON_USNS})
        self.assertEqual({address for _, address in self.tr.written}, {(SSDP_ADDR, SSDP_PORT)})

    def test_reannouncedBeforeHalfTheMaxAge(self) -> None:
        """
        Registrations are announced again before half their max-age.
        """
        self.registerJambon()
        self.pastTheBursts()
        self.tr.written.clear()
        self.clock.advance(900)
        self.assertEqual(len(self.tr.written), len(JAMBON_USNS))

    def test_shortMaxAgeIsReannouncedSooner(self) -> None:
        """
        A registration's own short max-age is announced and shortens the re-
        announce interval.
        """
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION, cache_control="max-age = 100")
        self.pastTheBursts()
        [first, *_] = self.written()
        self.assertIn("CACHE-CONTROL: max-age=100\r\n", lines(first))
        # The round scheduled when serving started still used the default
        # max-age; every later one is well inside 100 s.
        self.clock.advance(900)
        self.tr.written.clear()
        times = []
        for _ in range(300):
            self.clock.advance(1)
            if self.tr.written:
                times.append(self.clock.seconds())
                self.tr.written.clear()
        gaps = [later - earlier for earlier, later in zip(times, times[1:])]
        self.assertGreater(len(gaps), 4)
        self.assertLess(max(gaps), 50)

    def test_unregisteredUSNIsNoLongerAnnounced(self) -> None:
        """
        An un-registered USN is neither re-announced nor sent by
        C{resendNotify}.
        """
        self.registerJambon()
        self.pastTheBursts()
        self.proto.unRegister(ROOT_USN)
        self.tr.written.clear()
        self.clock.advance(1800)
        self.proto.resendNotify()
        self.assertTrue(self.tr.written)
        self.assertFalse(any(ROOT_USN.encode() in data for data in self.written()))

    def test_unregisteredUSNIsNoLongerAnswered(self) -> None:
        """
        An un-registered USN no longer answers searches.
        """
        self.registerJambon()
        self.proto.unRegister(ROOT_USN)
        self.pastTheBursts()
        self.tr.written.clear()
        self.proto.datagramReceived(msearch("upnp:rootdevice"), QUERIER)
        self.clock.advance(5)
        self.assertEqual(self.tr.written, [])

    def test_unRegisterSendsNoByebye(self) -> None:
        """
        Un-registering sends no byebye, as Coherence.
        """
        self.registerJambon()
        self.pastTheBursts()
        self.tr.written.clear()
        self.proto.unRegister(ROOT_USN)
        self.assertEqual(self.tr.written, [])

    def test_unRegisterOfUnknownUSNIsIgnored(self) -> None:
        """
        Un-registering a USN neither registered nor heard sends nothing,
        leaves C{known} as it was, signals nothing and logs no warning or
        error (Coherence raised L{KeyError}).
        """
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)
        signals = SignalRecorder(self)
        self.registerJambon()
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.pastTheBursts()
        self.tr.written.clear()
        signals.events.clear()
        before = dict(self.proto.known)
        self.proto.unRegister("uuid:nobody")
        self.clock.advance(0)
        self.assertEqual(self.tr.written, [])
        self.assertEqual(dict(self.proto.known), before)
        self.assertEqual(len(before), len(JAMBON_USNS) + 1)
        self.assertFalse(self.proto.isKnown("uuid:nobody"))
        self.assertEqual(signals.events, [])
        self.assertEqual([event for event in events if event["log_level"].name in ("warn", "error", "critical")], [])

    def test_resendNotifySendsEveryLocalTwice(self) -> None:
        """
        C{resendNotify} sends every local registration's alive twice, and
        nothing for remote ones.
        """
        self.registerJambon()
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.proto.resendNotify()
        self.assertEqual(len(self.tr.written), 2 * len(JAMBON_USNS))

    def test_shutdownSendsByebyeAndFiresAfter(self) -> None:
        """
        C{shutdown} sends byebye twice for every registration, fires after the
        second, and empties C{known}.
        """
        self.registerJambon()
        self.pastTheBursts()
        self.tr.written.clear()
        done = self.proto.shutdown()
        self.assertNoResult(done)
        self.clock.advance(1)
        self.assertIsNone(self.successResultOf(done))
        self.assertEqual(len(self.tr.written), 2 * len(JAMBON_USNS))
        self.assertTrue(all(b"NTS: ssdp:byebye" in data for data in self.written()))
        self.assertEqual(self.proto.known, {})

    def test_shutdownTwiceIsFine(self) -> None:
        """
        A second C{shutdown} fires at once.
        """
        self.registerJambon()
        first = self.proto.shutdown()
        self.clock.advance(1)
        self.successResultOf(first)
        self.successResultOf(self.proto.shutdown())

    def test_registrationCarriesItsServerAndMaxAge(self) -> None:
        """
        A registration's SERVER and max-age are sent, and its CACHE-CONTROL
        kept in C{known} as given.
        """
        self.proto.register(
            "local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION, server="Jambon/1 UPnP/1.0 Boucherie/3000",
            cache_control="max-age=3600, no-cache",
        )
        self.proto.doNotify(ROOT_USN)
        sent = lines(self.written()[0])
        self.assertIn("SERVER: Jambon/1 UPnP/1.0 Boucherie/3000\r\n", sent)
        self.assertIn("CACHE-CONTROL: max-age=3600\r\n", sent)
        self.assertEqual(self.proto.known[ROOT_USN]["CACHE-CONTROL"], "max-age=3600, no-cache")

    def test_registeringAgainReplacesTheRegistration(self) -> None:
        """
        Registering a USN again replaces its LOCATION.
        """
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", "http://192.168.4.207:9000/d.xml")
        self.pastTheBursts()
        locations = {line for data in self.written() for line in lines(data) if line.startswith("LOCATION")}
        self.assertEqual(locations, {"LOCATION: http://192.168.4.207:9000/d.xml\r\n"})

    def test_unsendableRegistrationIsRefused(self) -> None:
        """
        A registration with a line break, a space or an empty ST is refused
        before anything is remembered.
        """
        # Coherence wrote whatever it was given into its datagrams.
        for usn, st, location in [
            (ROOT_USN, "upnp:rootdevice", "http://x/\r\nEVIL: 1"),
            (ROOT_USN + " x", "upnp:rootdevice", JAMBON_LOCATION),
            (ROOT_USN, "", JAMBON_LOCATION),
        ]:
            self.assertRaises(ValueError, self.proto.register, "local", usn, st, location)
        self.assertEqual(self.proto.known, {})

    def test_unknownManifestationIsRefused(self) -> None:
        """
        A manifestation other than local or remote is refused.
        """
        self.assertRaises(ValueError, self.proto.register, "elsewhere", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)


class SilentTests(CompatTestCase):
    """
    Silent registrations answer searches naming them and are never announced.
    """

    def setUp(self) -> None:
        super().setUp()
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION, silent=True)

    def test_silentIsNeverAnnounced(self) -> None:
        """
        A silent registration is never announced, even when asked to.
        """
        self.clock.advance(0.1)
        self.pastTheBursts()
        self.clock.advance(3600)
        self.proto.doNotify(ROOT_USN)
        self.proto.resendNotify()
        self.assertEqual(self.tr.written, [])

    def test_silentAnswersSearchesForItsST(self) -> None:
        """
        A silent registration answers a search naming its ST.
        """
        self.proto.datagramReceived(msearch("upnp:rootdevice"), QUERIER)
        self.clock.advance(2)
        self.assertEqual(len(self.tr.written), 1)
        self.assertIn(f"USN: {ROOT_USN}\r\n", lines(self.written()[0]))

    def test_silentIsLeftOutOfSsdpAll(self) -> None:
        """
        A silent registration does not answer C{ssdp:all}.
        """
        self.proto.datagramReceived(msearch("ssdp:all"), QUERIER)
        self.clock.advance(5)
        self.assertEqual(self.tr.written, [])

    def test_silentGetsByebyeOnShutdown(self) -> None:
        """
        A silent registration gets one byebye on shutdown.
        """
        self.proto.shutdown()
        self.assertEqual(len(self.tr.written), 1)
        self.assertIn("NTS: ssdp:byebye\r\n", lines(self.written()[0]))

    def test_silentIsInKnown(self) -> None:
        """
        A silent registration is in C{known}, marked silent.
        """
        self.assertTrue(self.proto.known[ROOT_USN]["SILENT"])

    def test_olderVersionsRegisteredSilentlyAreAnsweredOnce(self) -> None:
        """
        Older versions registered silently next to the current one are answered
        once each, not twice.
        """
        # Coherence's devices register their current type and, silently,
        # every older version; the version rule already answers those.
        for version in (2, 1):
            st = f"urn:schemas-upnp-org:device:MediaServer:{version}"
            self.proto.register("local", f"{JAMBON}::{st}", st, JAMBON_LOCATION, silent=version < 2)
        for version in (1, 2):
            self.tr.written.clear()
            self.proto.datagramReceived(msearch(f"urn:schemas-upnp-org:device:MediaServer:{version}"), QUERIER)
            self.clock.advance(2)
            [answer] = [data for data in self.written() if data.startswith(b"HTTP/")]
            self.assertIn(f"USN: {JAMBON}::urn:schemas-upnp-org:device:MediaServer:{version}\r\n", lines(answer))


class AnsweringTests(CompatTestCase):
    """
    Searches are answered from the local registrations, with UDA's rules.
    """

    def setUp(self) -> None:
        super().setUp()
        self.registerJambon()
        self.pastTheBursts()
        self.tr.written.clear()

    def test_ssdpAllIsAnsweredWithEveryRegistration(self) -> None:
        """
        C{ssdp:all} is answered within MX with every registration's ST, to the
        querier.
        """
        self.proto.datagramReceived(msearch("ssdp:all", mx=3), QUERIER)
        self.assertEqual(self.tr.written, [])
        self.clock.advance(3)
        self.assertEqual(len(self.tr.written), len(JAMBON_USNS))
        self.assertEqual({address for _, address in self.tr.written}, {QUERIER})
        sts = {line for data in self.written() for line in lines(data) if line.startswith("ST: ")}
        self.assertEqual(sts, {f"ST: {st}\r\n" for _, st in JAMBON_USNS})

    def test_olderDeviceVersionIsAnsweredWithTheAskedVersion(self) -> None:
        """
        A search for an older device version is answered by the newer
        registration, with the version asked.
        """
        # Coherence answered exact STs only; UDA wants versions >= asked.
        self.proto.register(
            "local",
            f"{JAMBON}::urn:schemas-upnp-org:device:Basic:2",
            "urn:schemas-upnp-org:device:Basic:2",
            JAMBON_LOCATION,
        )
        self.proto.unRegister(JAMBON_USNS[2][0])
        self.tr.written.clear()
        self.proto.datagramReceived(msearch("urn:schemas-upnp-org:device:Basic:1"), QUERIER)
        self.clock.advance(2)
        answers = [data for data in self.written() if data.startswith(b"HTTP/")]
        self.assertEqual(len(answers), 1)
        self.assertIn(f"USN: {JAMBON}::urn:schemas-upnp-org:device:Basic:1\r\n", lines(answers[0]))

    def test_unknownTargetIsNotAnswered(self) -> None:
        """
        A search for a type not registered gets no answer.
        """
        self.proto.datagramReceived(msearch("urn:schemas-upnp-org:device:MediaServer:1"), QUERIER)
        self.clock.advance(5)
        self.assertEqual(self.tr.written, [])

    def test_searchWithoutMXIsIgnored(self) -> None:
        """
        A multicast search without MX is ignored, not a crash.
        """
        # Coherence raised KeyError on headers['mx'].
        self.proto.datagramReceived(msearch("ssdp:all", mx=None), QUERIER)
        self.clock.advance(5)
        self.assertEqual(self.tr.written, [])

    def test_discoveryRequestTakesCoherenceHeaders(self) -> None:
        """
        C{discoveryRequest} takes Coherence's header dict and answers it.
        """
        headers = {"host": "239.255.255.250:1900", "man": '"ssdp:discover"', "st": "upnp:rootdevice", "mx": "1"}
        self.proto.discoveryRequest(headers, QUERIER)
        self.clock.advance(1)
        self.assertEqual(len(self.tr.written), 1)

    def test_remoteEntriesAreNotAnswered(self) -> None:
        """
        USNs heard from other hosts never answer searches.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), ("10.1.1.1", 1900))
        self.proto.datagramReceived(msearch("ssdp:all"), QUERIER)
        self.clock.advance(2)
        self.assertFalse(any(NOTIFY_USN.encode() in data for data in self.written()))
