"""
Tests for L{coherence_lite.compat.ssdp} and L{coherence_lite.compat.msearch},
written the way Coherence's own C{test_ssdp.py} and C{test_msearch.py} were:
a server in test mode on a fake datagram transport, raw datagrams passed to
C{datagramReceived}, the exact header sets of what is written compared and
the datagrams counted.

Where a test departs from Coherence's expectations, a comment names the
Coherence bug it no longer has.  Time is a L{Clock} given as the reactor, so
"asynchronously" means "not before C{clock.advance(0)}".
"""

from __future__ import annotations

import random
import socket
from typing import Any

import louie
from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.internet.task import Clock, deferLater
from twisted.internet.testing import EventLoggingObserver, FakeDatagramTransport
from twisted.logger import globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.compat import SERVER_ID
from coherence_lite.compat.msearch import MSearch
from coherence_lite.compat.ssdp import KNOWN_KEYS, SSDP_ADDR, SSDP_PORT, SSDPServer
from coherence_lite.signals import DATAGRAM_RECEIVED, LOG, NEW_DEVICE, REMOVED_DEVICE
from coherence_lite.ssdp.format import httpDate

from tests.support import JAMBON_UDN, freeUDPPort

# Coherence's fixture: a Windows device's alive.
ssdp_notify_1 = """NOTIFY * HTTP/1.1
Host:239.255.255.250:1900
NT:upnp:rootdevice
NTS:ssdp:alive
Location:http://10.10.222.94:2869/upnp?content=uuid:e711a4bf
USN:uuid:e711a4bf::upnp:rootdevice
Cache-Control:max-age=1800
Server:Microsoft-Windows-NT/5.1 UPnP/1.0 UPnP-Device-Host/1.0
""".splitlines()

NOTIFY_USN = "uuid:e711a4bf::upnp:rootdevice"
NOTIFY_LOCATION = "http://10.10.222.94:2869/upnp?content=uuid:e711a4bf"

# Coherence's fixture: an answer to a search.
USN_1 = "uuid:DDF542FB::urn:service:X_MS_MediaReceiverRegistrar:1"
MSEARCH_RESPONSE_1 = (
    "HTTP/1.1 200 OK",
    "Cache-Control: max-age=1802",
    "Date: Mon, 02 Jun 2014 18:04:59 GMT",
    "Ext: ",
    "Location: http://192.168.1.4:9000/plugins/UPnP/MediaServer.xml",
    "Server: Linux/armv5-linux UPnP/1.0 DLNADOC/1.50 MediaServer/7.3/735",
    "ST: urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1",
    "USN: " + USN_1,
)

# The seed's Jambon 3000, registered the Coherence way: its four USNs.
JAMBON = JAMBON_UDN
JAMBON_LOCATION = f"http://192.168.4.207:8088/{JAMBON[5:]}/description.xml"
JAMBON_USNS = (
    (f"{JAMBON}::upnp:rootdevice", "upnp:rootdevice"),
    (JAMBON, JAMBON),
    (f"{JAMBON}::urn:schemas-upnp-org:device:Basic:1", "urn:schemas-upnp-org:device:Basic:1"),
    (f"{JAMBON}::urn:boucherie.example.com:service:Jambon:1", "urn:boucherie.example.com:service:Jambon:1"),
)
ROOT_USN = JAMBON_USNS[0][0]

QUERIER = ("10.20.30.40", 1234)


def datagram(lines: Any) -> bytes:
    """
    Join header lines into a CRLF datagram with its final empty line.
    """
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def msearch(st: str, mx: int | None = 2) -> bytes:
    """
    A multicast search datagram for C{st} (no MX when L{None}).
    """
    lines = ["M-SEARCH * HTTP/1.1", "HOST: 239.255.255.250:1900", 'MAN: "ssdp:discover"', f"ST: {st}"]
    if mx is not None:
        lines.append(f"MX: {mx}")
    return datagram(lines)


def lines(data: bytes) -> list[str]:
    """
    A datagram's lines, sorted: the order of headers does not matter.
    """
    return sorted(data.decode().splitlines(True))


def expected(*items: str) -> list[str]:
    """
    The sorted lines of a datagram made of C{items}, for L{lines}.
    """
    return sorted(item + "\r\n" for item in items + ("",))


class SignalRecorder:
    """
    Records every compat signal with its arguments, through receivers
    shaped like Coherence's.  Kept alive by the test (louie holds weak
    references) and disconnected in a cleanup (louie is global).
    """

    def __init__(self, testCase: SynchronousTestCase) -> None:
        self.events: list[tuple[str, tuple, dict]] = []
        for name, receiver in (
            (NEW_DEVICE, self.newDevice),
            (REMOVED_DEVICE, self.removedDevice),
            (DATAGRAM_RECEIVED, self.datagramReceived),
            (LOG, self.logLine),
        ):
            louie.connect(receiver, name)
            testCase.addCleanup(louie.disconnect, receiver, name)

    def newDevice(self, device_type: str, infos: dict) -> None:
        self.events.append((NEW_DEVICE, (), {"device_type": device_type, "infos": infos}))

    def removedDevice(self, device_type: str, infos: dict) -> None:
        self.events.append((REMOVED_DEVICE, (), {"device_type": device_type, "infos": infos}))

    def datagramReceived(self, data: bytes, host: str, port: int) -> None:
        self.events.append((DATAGRAM_RECEIVED, (data, host, port), {}))

    def logLine(self, category: str, host: str, text: str) -> None:
        self.events.append((LOG, (category, host, text), {}))

    def of(self, signal: str) -> list[tuple[tuple, dict]]:
        return [(args, named) for name, args, named in self.events if name == signal]


class CompatTestCase(SynchronousTestCase):
    """
    A server in test mode on a fake datagram transport, timed on a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1_400_000_000)
        self.addCleanup(self.assertNoDelayedCalls)
        self.proto = self.makeServer()
        self.tr = self.connect(self.proto)

    def makeServer(self, seed: int = 0) -> SSDPServer:
        server = SSDPServer(test=True, reactor=self.clock, random=random.Random(seed))
        self.addCleanup(self.shutdown, server)
        return server

    def connect(self, server: SSDPServer) -> FakeDatagramTransport:
        transport = FakeDatagramTransport()
        server.makeConnection(transport)
        return transport

    def shutdown(self, server: SSDPServer) -> None:
        done = server.shutdown()
        self.clock.advance(1)
        self.successResultOf(done)

    def assertNoDelayedCalls(self) -> None:
        self.clock.advance(0)
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def registerJambon(self, server: SSDPServer | None = None, **options: Any) -> None:
        for usn, st in JAMBON_USNS:
            (server or self.proto).register("local", usn, st, JAMBON_LOCATION, **options)

    def written(self, transport: FakeDatagramTransport | None = None) -> list[bytes]:
        return [data for data, _ in (transport or self.tr).written]

    def pastTheBursts(self) -> None:
        """
        Let the three alive rounds of a registration go out.
        """
        self.clock.pump([0.1] * 20)


class SSDPServerCoherenceTests(CompatTestCase):
    """
    Coherence's SSDP tests, adjusted where Coherence was wrong.
    """

    def test_ssdp_notify(self) -> None:
        """
        An alive heard is remembered in C{known} with Coherence's keys and
        values, the sender's address as HOST.
        """
        self.assertEqual(self.proto.known, {})
        self.proto.datagramReceived(datagram(ssdp_notify_1), ("10.20.30.40", 1234))
        self.assertTrue(self.proto.isKnown(NOTIFY_USN))
        self.assertFalse(self.proto.isKnown(NOTIFY_USN * 2))
        service = self.proto.known[NOTIFY_USN]
        self.assertEqual(service.pop("last-seen"), self.clock.seconds())
        self.assertEqual(
            service,
            {
                "HOST": "10.20.30.40",
                "ST": "upnp:rootdevice",
                "LOCATION": NOTIFY_LOCATION,
                "USN": NOTIFY_USN,
                "CACHE-CONTROL": "max-age=1800",
                "SERVER": "Microsoft-Windows-NT/5.1 UPnP/1.0 UPnP-Device-Host/1.0",
                "MANIFESTATION": "remote",
                "SILENT": False,
                "EXT": "",
            },
        )

    def test_ssdp_notify_does_not_send_reply(self) -> None:
        """
        An alive heard is never answered.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), ("127.0.0.1", 1234))
        self.clock.advance(10)
        self.assertEqual(self.tr.written, [])

    def test_doNotify(self) -> None:
        """
        C{doNotify} sends a local registration's alive twice to the group, with
        UDA's headers and BOOTID.
        """
        # Coherence's test announced the remote device it had just heard:
        # sending alive for another host's device is a bug (see
        # test_doNotifyOfARemoteUSNSendsNothing); a local one is used here.
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.assertEqual(self.tr.written, [])
        self.proto.doNotify(ROOT_USN)
        # Sent twice, as Coherence did.
        self.assertEqual(len(self.tr.written), 2)
        self.assertEqual(self.tr.written[0], self.tr.written[1])
        data, (host, port) = self.tr.written[0]
        self.assertEqual((host, port), (SSDP_ADDR, SSDP_PORT))
        # Coherence also sent "EXT:" (a search response header it copied
        # from its table); BOOTID.UPNP.ORG is UDA 1.1's.
        self.assertEqual(
            lines(data),
            expected(
                "NOTIFY * HTTP/1.1",
                "HOST: 239.255.255.250:1900",
                "NT: upnp:rootdevice",
                "NTS: ssdp:alive",
                f"LOCATION: {JAMBON_LOCATION}",
                f"USN: {ROOT_USN}",
                "CACHE-CONTROL: max-age=1800",
                f"SERVER: {SERVER_ID}",
                "BOOTID.UPNP.ORG: 1400000000",
            ),
        )

    def test_doByebye(self) -> None:
        """
        C{doByebye} sends one byebye with UDA's headers only, and the USN stays
        registered.
        """
        # As test_doNotify: a local USN, not the remote one Coherence used.
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.proto.doByebye(ROOT_USN)
        self.assertEqual(len(self.tr.written), 1)
        data, (host, port) = self.tr.written[0]
        self.assertEqual((host, port), (SSDP_ADDR, SSDP_PORT))
        # Coherence copied EXT, LOCATION, CACHE-CONTROL and SERVER into
        # byebye too; UDA's byebye has none of them, and BOOTID.UPNP.ORG.
        self.assertEqual(
            lines(data),
            expected(
                "NOTIFY * HTTP/1.1",
                "HOST: 239.255.255.250:1900",
                "NT: upnp:rootdevice",
                "NTS: ssdp:byebye",
                f"USN: {ROOT_USN}",
                "BOOTID.UPNP.ORG: 1400000000",
            ),
        )
        self.assertTrue(self.proto.isKnown(ROOT_USN))

    def test_discoveryResponse(self) -> None:
        """
        A search is answered within MX to the querier with UDA's headers and
        the current DATE.
        """
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.tr.written.clear()
        self.proto.datagramReceived(msearch("upnp:rootdevice", mx=2), QUERIER)
        self.clock.advance(2)
        [(data, destination)] = [(d, a) for d, a in self.tr.written if d.startswith(b"HTTP/")]
        self.assertEqual(destination, QUERIER)
        # Coherence also sent "last-seen: <its clock>" (internal state), and
        # "EXT: " with a space; BOOTID.UPNP.ORG is UDA 1.1's.
        date = httpDate(self.clock.seconds())
        responseLines = lines(data)
        self.assertIn(f"DATE: {date}\r\n", responseLines)
        responseLines.remove(f"DATE: {date}\r\n")
        self.assertEqual(
            responseLines,
            expected(
                "HTTP/1.1 200 OK",
                f"USN: {ROOT_USN}",
                f"LOCATION: {JAMBON_LOCATION}",
                "ST: upnp:rootdevice",
                "EXT:",
                f"SERVER: {SERVER_ID}",
                "CACHE-CONTROL: max-age=1800",
                "BOOTID.UPNP.ORG: 1400000000",
            ),
        )

    def test_doNotifyOfARemoteUSNSendsNothing(self) -> None:
        """
        Neither alive nor byebye is sent for a USN heard from another host.
        """
        # Coherence announced any USN it knew, other hosts' included.
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.proto.doNotify(NOTIFY_USN)
        self.proto.doByebye(NOTIFY_USN)
        self.assertEqual(self.tr.written, [])


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


class ReceivingTests(CompatTestCase):
    """
    What the server makes of the datagrams and header dicts it is given.
    """

    def test_datagramWithoutBlankLineIsRead(self) -> None:
        """
        A datagram without its final empty line is read.
        """
        # Coherence dropped into pdb here.
        data = "\r\n".join(ssdp_notify_1).encode()
        self.proto.datagramReceived(data, QUERIER)
        self.assertTrue(self.proto.isKnown(NOTIFY_USN))

    def test_malformedDatagramsAreDropped(self) -> None:
        """
        Malformed datagrams change nothing, send nothing and log no error.
        """
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)
        for data in (b"", b"\x00\xff\xfe", b"HELLO", b"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n", b"\r\n\r\n" * 3):
            self.proto.datagramReceived(data, QUERIER)
        self.assertEqual(self.proto.known, {})
        self.assertEqual(self.tr.written, [])
        self.assertEqual([event for event in events if event["log_level"].name in ("error", "critical")], [])

    def test_missingServerAndCacheControlDoNotRaise(self) -> None:
        """
        An alive without SERVER and CACHE-CONTROL is remembered with an empty
        SERVER and the default max-age.
        """
        data = datagram([line for line in ssdp_notify_1 if not line.startswith(("Server", "Cache-Control"))])
        self.proto.datagramReceived(data, QUERIER)
        service = self.proto.known[NOTIFY_USN]
        self.assertEqual((service["SERVER"], service["CACHE-CONTROL"]), ("", "max-age=1800"))

    def test_remoteEntryExpiresOnItsRealMaxAge(self) -> None:
        """
        A remote USN expires exactly at its max-age, however CACHE-CONTROL
        spells it.
        """
        # Coherence split CACHE-CONTROL on "=" (a ValueError for
        # "max-age=60, no-cache") and waited 30 s more, checked every 333 s.
        for usn, value in (("uuid:a", "max-age = 60"), ("uuid:b", "max-age=60, no-cache")):
            data = datagram(
                line.replace(NOTIFY_USN, usn).replace("max-age=1800", value) for line in ssdp_notify_1
            )
            self.proto.datagramReceived(data, QUERIER)
        self.clock.advance(59)
        self.assertTrue(self.proto.isKnown("uuid:a") and self.proto.isKnown("uuid:b"))
        self.clock.advance(1)
        self.assertEqual(self.proto.known, {})

    def test_repeatedAliveRefreshesLastSeen(self) -> None:
        """
        An alive heard again refreshes last-seen and the expiry.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        first = self.proto.known[NOTIFY_USN]["last-seen"]
        self.clock.advance(1000)
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.assertEqual(self.proto.known[NOTIFY_USN]["last-seen"], first + 1000)
        self.clock.advance(1000)
        self.assertTrue(self.proto.isKnown(NOTIFY_USN))

    def test_byebyeForgets(self) -> None:
        """
        A byebye forgets the USN.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        byebye = [line.replace("ssdp:alive", "ssdp:byebye") for line in ssdp_notify_1]
        self.proto.datagramReceived(datagram(byebye), QUERIER)
        self.assertFalse(self.proto.isKnown(NOTIFY_USN))

    def test_notifyReceivedTakesCoherenceHeaders(self) -> None:
        """
        C{notifyReceived} takes Coherence's header dict and remembers the USN.
        """
        headers = dict(line.lower().split(":", 1) for line in ssdp_notify_1[1:])
        headers["location"] = NOTIFY_LOCATION
        self.proto.notifyReceived(headers, QUERIER)
        self.assertTrue(self.proto.isKnown(NOTIFY_USN))

    def test_remoteCannotReplaceALocalRegistration(self) -> None:
        """
        Neither an alive heard nor a remote registration replaces a local
        registration.
        """
        self.proto.register("local", NOTIFY_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.proto.register("remote", NOTIFY_USN, "upnp:rootdevice", "http://evil/")
        self.assertEqual(self.proto.known[NOTIFY_USN]["LOCATION"], JAMBON_LOCATION)
        self.assertEqual(self.proto.known[NOTIFY_USN]["MANIFESTATION"], "local")

    def test_registeredRemoteExpires(self) -> None:
        """
        A remote registration keeps its HOST, has an empty SERVER when none is
        given, and expires at its max-age.
        """
        self.proto.register("remote", "uuid:r", "uuid:r", "http://10.0.0.9/d.xml", None, "max-age=120", host="10.0.0.9")
        self.assertEqual(self.proto.known["uuid:r"]["HOST"], "10.0.0.9")
        self.assertEqual(self.proto.known["uuid:r"]["SERVER"], "")
        self.clock.advance(120)
        self.assertFalse(self.proto.isKnown("uuid:r"))

    def test_noLastSeenOnTheWire(self) -> None:
        """
        No datagram sent carries last-seen or any header but UDA's.
        """
        # Coherence's responses carried "last-seen: <float>".
        self.registerJambon()
        self.pastTheBursts()
        self.proto.datagramReceived(msearch("ssdp:all"), QUERIER)
        self.clock.advance(3)
        self.proto.doByebye(ROOT_USN)
        self.proto.shutdown()
        self.clock.advance(1)
        kinds = {data.split(b"\r\n", 1)[0] for data in self.written()}
        self.assertEqual(kinds, {b"NOTIFY * HTTP/1.1", b"HTTP/1.1 200 OK"})
        self.assertFalse(any(b"last-seen" in data.lower() for data in self.written()))

    def test_knownHasExactlyTheDocumentedKeys(self) -> None:
        """
        Every C{known} entry, local or remote, has exactly Coherence's keys.
        """
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION, host="192.168.4.207")
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.assertEqual(len(self.proto.known), 2)
        for usn in (ROOT_USN, NOTIFY_USN):
            self.assertEqual(set(self.proto.known[usn]), KNOWN_KEYS)
        self.assertEqual(
            KNOWN_KEYS,
            {"USN", "LOCATION", "ST", "EXT", "SERVER", "CACHE-CONTROL", "MANIFESTATION", "SILENT", "HOST", "last-seen"},
        )
        local = self.proto.known[ROOT_USN]
        self.assertEqual((local["MANIFESTATION"], local["HOST"], local["SERVER"]), ("local", "192.168.4.207", SERVER_ID))

    def test_knownIsLiveButNotWhatIsSent(self) -> None:
        """
        C{known} hands out the same dict each time and keeps what is written
        into it, but what is sent still comes from the registration.
        """
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.proto.known[ROOT_USN]["LOCATION"] = "http://evil/"
        self.assertIs(self.proto.known[ROOT_USN], self.proto._known[ROOT_USN])
        self.assertEqual(self.proto.known[ROOT_USN]["LOCATION"], "http://evil/")
        self.pastTheBursts()
        self.assertTrue(self.written())
        self.assertFalse(any(b"evil" in data for data in self.written()))

    def test_datagramBeforeConnectingIsDropped(self) -> None:
        """
        A datagram given before a transport is connected is dropped.
        """
        server = SSDPServer(test=True, reactor=self.clock)
        server.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.assertEqual(server.known, {})


class InstanceTests(CompatTestCase):
    """
    Every server has its own state.
    """

    def test_twoServersDoNotShareState(self) -> None:
        """
        Two servers share no registrations, entries, callbacks or answers.
        """
        # Coherence kept known and _callbacks on the class.
        other = self.makeServer(seed=1)
        otherTransport = self.connect(other)
        self.registerJambon()
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.proto.subscribe("new_device", lambda *args: None)
        self.assertEqual(other.known, {})
        self.assertEqual(len(self.proto.known), len(JAMBON_USNS) + 1)
        self.assertIsNot(self.proto.known, other.known)
        self.assertNotEqual(self.proto._callbacks, other._callbacks)
        self.pastTheBursts()
        self.assertEqual(otherTransport.written, [])
        other.datagramReceived(msearch("ssdp:all"), QUERIER)
        self.clock.advance(5)
        self.assertEqual(otherTransport.written, [])

    def test_noClassLevelMutableState(self) -> None:
        """
        C{SSDPServer} keeps no mutable state on the class.
        """
        mutable = [name for name, value in vars(SSDPServer).items() if isinstance(value, (dict, list, set))]
        self.assertEqual(mutable, [])

    def test_constants(self) -> None:
        """
        C{SSDP_PORT} and C{SSDP_ADDR} are Coherence's.
        """
        self.assertEqual((SSDP_PORT, SSDP_ADDR), (1900, "239.255.255.250"))


class SignalTests(CompatTestCase):
    """
    The louie signals a server sends, asynchronously.
    """

    def setUp(self) -> None:
        super().setUp()
        self.signals = SignalRecorder(self)

    def test_newDeviceForARemoteRootDevice(self) -> None:
        """
        A remote root device heard gives C{new_device} on the next reactor
        turn, with its C{known} entry.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.assertEqual(self.signals.events, [])
        self.clock.advance(0)
        [(args, named)] = self.signals.of(NEW_DEVICE)
        self.assertEqual(args, ())
        self.assertEqual(set(named), {"device_type", "infos"})
        self.assertEqual(named["device_type"], "upnp:rootdevice")
        self.assertEqual(named["infos"], self.proto.known[NOTIFY_USN])

    def test_newDeviceForALocalRootDevice(self) -> None:
        """
        A local root device registered gives C{new_device} with its local
        entry.
        """
        self.registerJambon()
        self.clock.advance(0)
        [(_, named)] = self.signals.of(NEW_DEVICE)
        self.assertEqual(named["infos"]["USN"], ROOT_USN)
        self.assertEqual(named["infos"]["MANIFESTATION"], "local")

    def test_onlyRootDevicesAreSignalled(self) -> None:
        """
        Entries other than root devices give no device signal.
        """
        # As Coherence: embedded devices and services come with their root.
        self.proto.register("local", JAMBON, JAMBON, JAMBON_LOCATION)
        self.proto.unRegister(JAMBON)
        self.clock.advance(0)
        self.assertEqual(self.signals.of(NEW_DEVICE) + self.signals.of(REMOVED_DEVICE), [])

    def test_refreshIsNotANewDevice(self) -> None:
        """
        A root device heard again is not signalled again.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.clock.advance(0)
        self.assertEqual(len(self.signals.of(NEW_DEVICE)), 1)

    def test_removedDeviceOnByebye(self) -> None:
        """
        A root device's byebye gives C{removed_device} with its entry.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        byebye = [line.replace("ssdp:alive", "ssdp:byebye") for line in ssdp_notify_1]
        self.proto.datagramReceived(datagram(byebye), QUERIER)
        self.clock.advance(0)
        [(_, named)] = self.signals.of(REMOVED_DEVICE)
        self.assertEqual(named["device_type"], "upnp:rootdevice")
        self.assertEqual(named["infos"]["USN"], NOTIFY_USN)

    def test_removedDeviceOnExpiry(self) -> None:
        """
        A root device's expiry gives C{removed_device}.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        self.clock.advance(1800)
        self.clock.advance(0)
        self.assertEqual(len(self.signals.of(REMOVED_DEVICE)), 1)

    def test_removedDeviceOnUnRegister(self) -> None:
        """
        Un-registering a local root device gives C{removed_device} with its
        local entry.
        """
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION, host="h")
        self.proto.unRegister(ROOT_USN)
        self.clock.advance(0)
        [(_, named)] = self.signals.of(REMOVED_DEVICE)
        self.assertEqual((named["infos"]["MANIFESTATION"], named["infos"]["HOST"]), ("local", "h"))

    def test_rootDeviceAtANewLocationIsRemovedThenNew(self) -> None:
        """
        A root device heard at a new LOCATION gives C{removed_device} then
        C{new_device}, and C{known} has the new LOCATION.
        """
        # Coherence only refreshed last-seen and kept the old LOCATION.
        self.proto.datagramReceived(datagram(ssdp_notify_1), QUERIER)
        moved = [line.replace(":2869/", ":2870/") for line in ssdp_notify_1]
        self.proto.datagramReceived(datagram(moved), QUERIER)
        self.clock.advance(0)
        kinds = [name for name, _, _ in self.signals.events if name in (NEW_DEVICE, REMOVED_DEVICE)]
        self.assertEqual(kinds, [NEW_DEVICE, REMOVED_DEVICE, NEW_DEVICE])
        self.assertIn(":2870/", self.proto.known[NOTIFY_USN]["LOCATION"])

    def test_datagramReceivedAfterTheDeviceSignals(self) -> None:
        """
        C{datagram_received} carries the datagram and its source and comes
        after the signals it caused.
        """
        data = datagram(ssdp_notify_1)
        self.proto.datagramReceived(data, ("10.20.30.40", 1234))
        self.clock.advance(0)
        self.assertEqual(
            [name for name, _, _ in self.signals.events], [NEW_DEVICE, LOG, DATAGRAM_RECEIVED]
        )
        [(args, named)] = self.signals.of(DATAGRAM_RECEIVED)
        self.assertEqual((args, named), ((data, "10.20.30.40", 1234), {}))

    def test_datagramReceivedForEveryDatagram(self) -> None:
        """
        Every datagram, malformed ones included, gives C{datagram_received}.
        """
        for data in (b"garbage", msearch("ssdp:all")):
            self.proto.datagramReceived(data, QUERIER)
        self.clock.advance(0)
        self.assertEqual([args[0] for args, _ in self.signals.of(DATAGRAM_RECEIVED)], [b"garbage", msearch("ssdp:all")])

    def test_logSignals(self) -> None:
        """
        NOTIFYs and searches heard give Coherence's log lines.
        """
        self.proto.datagramReceived(datagram(ssdp_notify_1), ("10.20.30.40", 1234))
        self.proto.datagramReceived(msearch("ssdp:all"), ("10.20.30.41", 5000))
        self.clock.advance(0)
        self.assertEqual(
            [args for args, _ in self.signals.of(LOG)],
            [
                ("SSDP", "10.20.30.40", f"Notify ssdp:alive for {NOTIFY_USN}"),
                ("SSDP", "10.20.30.41", "M-Search for ssdp:all"),
            ],
        )


class CallbackTests(CompatTestCase):
    """
    Coherence's C{subscribe}/C{callback} mechanism.
    """

    def test_newAndRemovedDeviceCallbacks(self) -> None:
        """
        Subscribed C{new_device} and C{removed_device} callbacks are called on
        the next reactor turn with the ST and entry.
        """
        calls: list[tuple] = []
        self.proto.subscribe("new_device", lambda *args: calls.append(("new",) + args))
        self.proto.subscribe("removed_device", lambda *args: calls.append(("removed",) + args))
        self.proto.register("local", ROOT_USN, "upnp:rootdevice", JAMBON_LOCATION)
        self.proto.unRegister(ROOT_USN)
        self.assertEqual(calls, [])
        self.clock.advance(0)
        self.assertEqual([(kind, st) for kind, st, _ in calls], [("new", "upnp:rootdevice"), ("removed", "upnp:rootdevice")])
        self.assertEqual(calls[0][2]["USN"], ROOT_USN)

    def test_callbackCallsNowInOrder(self) -> None:
        """
        C{callback} calls the subscribed callbacks now, in order;
        unsubscribing, even twice, stops one.
        """
        calls: list[tuple] = []
        first = lambda *args: calls.append(("first",) + args)  # noqa: E731
        self.proto.subscribe("custom", first)
        self.proto.subscribe("custom", lambda *args: calls.append(("second",) + args))
        self.proto.callback("custom", 1, 2)
        self.assertEqual(calls, [("first", 1, 2), ("second", 1, 2)])
        self.proto.unsubscribe("custom", first)
        self.proto.unsubscribe("custom", first)
        self.proto.callback("custom", 3)
        self.assertEqual(calls[-1], ("second", 3))
        self.proto.callback("nobody")

    def test_failingCallbackIsLoggedAndOthersRun(self) -> None:
        """
        A failing callback is logged and the others still run.
        """
        calls: list[int] = []

        def broken(value: int) -> None:
            raise RuntimeError("callback broke")

        self.proto.subscribe("custom", broken)
        self.proto.subscribe("custom", calls.append)
        self.proto.callback("custom", 5)
        self.assertEqual(calls, [5])
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)


class MSearchTests(CompatTestCase):
    """
    C{MSearch} in test mode: Coherence's searches and their answers.
    """

    def setUp(self) -> None:
        super().setUp()
        self.search = MSearch(self.proto, test=True)
        self.searchTransport = FakeDatagramTransport()
        self.search.makeConnection(self.searchTransport)
        self.addCleanup(self.search.shutdown)

    def test_msearch_request(self) -> None:
        """
        An answer to a search is remembered in C{known} with Coherence's keys
        and values.
        """
        self.assertEqual(self.proto.known, {})
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        self.assertTrue(self.proto.isKnown(USN_1))
        self.assertFalse(self.proto.isKnown(USN_1 * 2))
        service = self.proto.known[USN_1]
        del service["last-seen"]
        self.assertEqual(
            service,
            {
                "HOST": "10.20.30.40",
                "ST": "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1",
                "LOCATION": "http://192.168.1.4:9000/plugins/UPnP/MediaServer.xml",
                "USN": USN_1,
                "CACHE-CONTROL": "max-age=1802",
                "SERVER": "Linux/armv5-linux UPnP/1.0 DLNADOC/1.50 MediaServer/7.3/735",
                "MANIFESTATION": "remote",
                "SILENT": False,
                "EXT": "",
            },
        )

    def test_msearch_request_does_not_send_reply(self) -> None:
        """
        An answer to a search is never answered.
        """
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        self.clock.advance(10)
        self.assertEqual(self.tr.written + self.searchTransport.written, [])

    def test_msearch_request_updates_timestamp(self) -> None:
        """
        An answer heard again refreshes last-seen and the expiry, which follows
        its max-age.
        """
        # Coherence's answers refreshed nothing (not even last-seen), so a
        # device only ever found by searching expired regardless.
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        first = self.proto.known[USN_1]["last-seen"]
        self.clock.advance(1000)
        self.search.datagramReceived(datagram(MSEARCH_RESPONSE_1), ("10.20.30.40", 1234))
        self.assertEqual(self.proto.known[USN_1]["last-seen"], first + 1000)
        self.clock.advance(1000)
        self.assertTrue(self.proto.isKnown(USN_1))
        self.clock.advance(802)
        self.assertFalse(self.proto.isKnown(USN_1))

    def test_discover(self) -> None:
        """
        C{discover} sends one C{ssdp:all} search with MX 5 to the group.
        """
        self.assertEqual(self.searchTransport.written, [])
        self.search.discover()
        self.assertEqual(len(self.searchTransport.written), 1)
        data, (host, port) = self.searchTransport.written[0]
        self.assertEqual((host, port), (SSDP_ADDR, SSDP_PORT))
        self.assertEqual(
            lines(data),
            expected("M-SEARCH * HTTP/1.1", "HOST: 239.255.255.250:1900", 'MAN: "ssdp:discover"', "MX: 5", "ST: ssdp:all"),
        )

    def test_doubleDiscoverSearchesTwice(self) -> None:
        """
        C{double_discover} sends the same search twice.
        """
        self.search.double_discover()
        self.assertEqual(len(self.searchTransport.written), 2)
        self.assertEqual(self.searchTransport.written[0], self.searchTransport.written[1])

    def test_searchesEveryTwoMinutes(self) -> None:
        """
        C{startDiscovering} searches twice now and every two minutes, until
        C{stopDiscovering}.
        """
        self.search.startDiscovering()
        self.assertEqual(len(self.searchTransport.written), 2)
        self.clock.advance(119)
        self.assertEqual(len(self.searchTransport.written), 2)
        self.clock.advance(1)
        self.assertEqual(len(self.searchTransport.written), 4)
        self.search.stopDiscovering()
        self.clock.advance(600)
        self.assertEqual(len(self.searchTransport.written), 4)

    def test_failingRoundDoesNotStopSearching(self) -> None:
        """
        A round whose sending raises is logged and the searches go on.
        """
        def broken(data: bytes, addr: object) -> None:
            raise RuntimeError("send broke")

        self.searchTransport.write = broken  # type: ignore[method-assign]
        self.search.startDiscovering()
        self.clock.pump([120, 120])
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 3)
        self.assertTrue(self.search._loop.running)

    def test_answerIsSignalled(self) -> None:
        """
        Every datagram the search port receives, answers and junk alike, gives
        C{datagram_received} on the next turn.
        """
        signals = SignalRecorder(self)
        data = datagram(MSEARCH_RESPONSE_1)
        self.search.datagramReceived(data, ("10.20.30.40", 1234))
        self.search.datagramReceived(b"junk", ("10.20.30.40", 1234))
        self.assertEqual(signals.events, [])
        self.clock.advance(0)
        self.assertEqual(
            [args for args, _ in signals.of(DATAGRAM_RECEIVED)],
            [(data, "10.20.30.40", 1234), (b"junk", "10.20.30.40", 1234)],
        )

    def test_answerForARootDeviceIsANewDevice(self) -> None:
        """
        An answer from a root device gives C{new_device} before
        C{datagram_received}.
        """
        signals = SignalRecorder(self)
        response = [line.replace(USN_1, NOTIFY_USN) for line in MSEARCH_RESPONSE_1]
        response = [
            "ST: upnp:rootdevice" if line.startswith("ST:") else line for line in response
        ]
        self.search.datagramReceived(datagram(response), ("10.20.30.40", 1234))
        self.clock.advance(0)
        self.assertEqual([name for name, _, _ in signals.events], [NEW_DEVICE, DATAGRAM_RECEIVED])


class LoopbackTests(TestCase):
    """
    Two servers on real sockets, on 127.0.0.1 and a free, non-standard SSDP
    port: one registers, the other hears it, as two Coherence processes on
    one host would.
    """

    timeout = 30

    def setUp(self) -> None:
        self.ssdpPort = freeUDPPort()
        self.announcing = self.serve()
        self.listening = self.serve()
        self.signals = SignalRecorder(self)

    def serve(self) -> SSDPServer:
        server = SSDPServer(interface="127.0.0.1", ssdpPort=self.ssdpPort, reactor=reactor)
        self.addCleanup(server.shutdown)
        self.assertEqual([link.host for link in server.links], ["127.0.0.1"])
        return server

    @inlineCallbacks
    def until(self, condition: Any, timeout: float = 8.0) -> Any:
        """
        Wait until C{condition()} holds, or fail after C{timeout} seconds.
        """
        waited = 0.0
        while not condition():
            if waited > timeout:
                self.fail("timed out")
            yield deferLater(reactor, 0.05, lambda: None)
            waited += 0.05

    @inlineCallbacks
    def test_registrationsReachAnotherServer(self) -> Any:
        """
        Registrations of one server are heard by another on the same host and
        port, and their byebyes too.
        """
        self.registerOn(self.announcing)
        yield self.until(lambda: all(self.listening.isKnown(usn) for usn, _ in JAMBON_USNS))
        heard = self.listening.known[ROOT_USN]
        self.assertEqual((heard["MANIFESTATION"], heard["HOST"], heard["LOCATION"]), ("remote", "127.0.0.1", JAMBON_LOCATION))
        yield self.until(lambda: any(n["infos"]["MANIFESTATION"] == "remote" for _, n in self.signals.of(NEW_DEVICE)))
        yield self.announcing.shutdown()
        yield self.until(lambda: not self.listening.isKnown(ROOT_USN))
        yield self.until(lambda: self.signals.of(REMOVED_DEVICE))

    @inlineCallbacks
    def test_msearchIsHeardAndAnswered(self) -> Any:
        """
        A search from an C{MSearch} is heard by the other server and answered
        to its port, every registration.
        """
        self.registerOn(self.announcing)
        search = MSearch(self.listening)
        self.addCleanup(search.shutdown)
        self.assertIsNotNone(search.port)
        yield self.until(lambda: ("SSDP", "127.0.0.1", "M-Search for ssdp:all") in [a for a, _ in self.signals.of(LOG)])
        answers = lambda: [a for a in self.signals.of(DATAGRAM_RECEIVED) if a[0][0].startswith(b"HTTP/1.1 200")]  # noqa: E731
        yield self.until(lambda: len(answers()) >= len(JAMBON_USNS))

    def test_msearchPortIsItsOwn(self) -> None:
        """
        A bound C{MSearch} searches from a port of its own, not shared with
        C{SO_REUSEADDR} (the kernel could hand out a port in use), and its
        server takes its searches for its own.
        """
        search = MSearch(self.listening)
        self.addCleanup(search.shutdown)
        assert search.port is not None
        self.assertEqual(search.port.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0)
        port = search.port.getHost().port
        self.assertNotEqual(port, self.ssdpPort)
        self.assertTrue(self.listening.service.isOwnSearch(("127.0.0.1", port)))
        self.assertFalse(self.announcing.service.isOwnSearch(("127.0.0.1", port)))

    def test_msearchSearchesTwiceAtOnceThenEveryTwoMinutes(self) -> None:
        """
        A bound C{MSearch} sends Coherence's double search at once, on each
        IPv4 link, and schedules the next round two minutes later.
        """
        search = MSearch(self.listening)
        self.addCleanup(search.shutdown)
        assert search._searcher is not None
        self.assertEqual(search._searcher.stats["searches.sent"], 2 * len(self.listening.links))
        self.assertTrue(search._loop.running)
        self.assertEqual(search._loop.interval, 120.0)

    def test_msearchShutdownClosesItsPort(self) -> None:
        """
        Shutting an C{MSearch} down closes its port, stops the searches and
        lets its server answer that port again.
        """
        search = MSearch(self.listening)
        assert search.port is not None
        port = search.port.getHost().port
        done = search.shutdown()
        self.assertIsNone(search.port)
        self.assertFalse(search._loop.running)
        self.assertFalse(self.listening.service.isOwnSearch(("127.0.0.1", port)))
        return done

    def registerOn(self, server: SSDPServer) -> None:
        for usn, st in JAMBON_USNS:
            server.register("local", usn, st, JAMBON_LOCATION)
