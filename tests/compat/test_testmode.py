# -*- test-case-name: tests.compat.test_testmode -*-
"""
Tests for Coherence's test mode of L{coherence_lite.compat.ssdp.SSDPServer}
and L{coherence_lite.compat.msearch.MSearch}: no socket and no timer on the
global reactor, C{known} as Coherence's live table, text datagrams, and
every name Coherence's C{ssdp} and C{msearch} modules had.
"""

from __future__ import annotations

from twisted.internet import reactor
from twisted.internet.testing import FakeDatagramTransport
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat import msearch as compatMSearch
from coherence_lite.compat import ssdp as compatSSDP
from coherence_lite.compat.msearch import MSearch
from coherence_lite.compat.ssdp import SSDPServer

ALIVE = (
    "NOTIFY * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "NT: upnp:rootdevice\r\n"
    "NTS: ssdp:alive\r\n"
    "LOCATION: http://10.0.0.5:80/d.xml\r\n"
    "USN: uuid:aa::upnp:rootdevice\r\n"
    "CACHE-CONTROL: max-age=100\r\n"
    "SERVER: Linux/1 UPnP/1.0 x/1\r\n\r\n"
)
ANSWER = (
    "HTTP/1.1 200 OK\r\n"
    "CACHE-CONTROL: max-age=100\r\n"
    "EXT:\r\n"
    "LOCATION: http://10.0.0.6:80/d.xml\r\n"
    "ST: urn:schemas-upnp-org:device:Basic:1\r\n"
    "USN: uuid:bb::urn:schemas-upnp-org:device:Basic:1\r\n\r\n"
)
PEER = ("10.0.0.5", 1900)


class TestModeTests(SynchronousTestCase):
    """
    A server built as Coherence's tests build it: C{SSDPServer(test=True)}.
    """

    def setUp(self) -> None:
        self.server = SSDPServer(test=True)
        self.transport = FakeDatagramTransport()
        self.server.makeConnection(self.transport)
        self.before = set(reactor.getDelayedCalls())

    def newGlobalTimers(self) -> list[object]:
        return [call for call in reactor.getDelayedCalls() if call not in self.before and call.getTime() > reactor.seconds() + 0.001]

    def test_registeringAndHearingLeaveNoGlobalTimer(self) -> None:
        """
        Registrations, NOTIFYs and searches start no timer on the global
        reactor in test mode (only next-turn signal deliveries).
        """
        self.server.register("local", "uuid:cc::upnp:rootdevice", "upnp:rootdevice", "http://127.0.0.1/d.xml")
        self.server.datagramReceived(ALIVE, PEER)
        self.server.datagramReceived(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                                     b'MAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n', PEER)
        self.assertEqual(self.newGlobalTimers(), [])
        self.assertTrue(self.server.reactor.getDelayedCalls())

    def test_privateClockRunsTheTimers(self) -> None:
        """
        Advancing the server's own clock sends what the timers hold: the
        alive rounds of a registration.
        """
        self.server.register("local", "uuid:cc::upnp:rootdevice", "upnp:rootdevice", "http://127.0.0.1/d.xml")
        self.assertEqual(self.transport.written, [])
        self.server.reactor.advance(2)  # type: ignore[attr-defined]
        self.assertTrue(all(data.startswith(b"NOTIFY") for data, _ in self.transport.written))
        self.assertEqual(len(self.transport.written), 3)

    def test_shutdownFiresWithoutAnyoneAdvancing(self) -> None:
        """
        C{shutdown()} in test mode lets the private clock run out, so its
        Deferred fires at once, after the byebyes.
        """
        self.server.register("local", "uuid:cc::upnp:rootdevice", "upnp:rootdevice", "http://127.0.0.1/d.xml")
        self.successResultOf(self.server.shutdown())
        self.assertIn(b"NTS: ssdp:byebye", self.transport.written[-1][0])
        self.assertEqual(self.server.known, {})

    def test_textDatagramsAreRead(self) -> None:
        """
        A NOTIFY given as text is read as its UTF-8 bytes would be.
        """
        self.server.datagramReceived(ALIVE, PEER)
        self.assertTrue(self.server.isKnown("uuid:aa::upnp:rootdevice"))

    def test_otherDatagramTypesAreDropped(self) -> None:
        """
        A datagram that is neither bytes nor text is dropped without a
        traceback.
        """
        self.server.datagramReceived(None, PEER)  # type: ignore[arg-type]
        self.server.datagramReceived(12, PEER)  # type: ignore[arg-type]
        self.assertEqual(self.server.known, {})

    def test_headerDictsMayHoldBytes(self) -> None:
        """
        C{notifyReceived} takes a header dict whose names and values are
        bytes as well as text.
        """
        headers = {
            b"nt": b"upnp:rootdevice",
            b"nts": b"ssdp:alive",
            b"usn": b"uuid:ee::upnp:rootdevice",
            b"location": b"http://10.0.0.5/d.xml",
            "cache-control": "max-age=60",
        }
        self.server.notifyReceived(headers, PEER)  # type: ignore[arg-type]
        self.assertEqual(self.server.known["uuid:ee::upnp:rootdevice"]["LOCATION"], "http://10.0.0.5/d.xml")

    def test_knownIsTheSameDictEachTime(self) -> None:
        """
        C{known[u] is known[u]}, C{_known} is the same table, and a refresh
        updates the dict a caller already holds.
        """
        self.server.datagramReceived(ALIVE, PEER)
        usn = "uuid:aa::upnp:rootdevice"
        held = self.server.known[usn]
        self.assertIs(held, self.server.known[usn])
        self.assertIs(self.server._known, self.server.known)
        self.server.reactor.advance(10)  # type: ignore[attr-defined]
        self.server.datagramReceived(ALIVE, PEER)
        self.assertIs(held, self.server.known[usn])
        self.assertEqual(held["last-seen"], 10)

    def test_writesIntoKnownAreKept(self) -> None:
        """
        What code writes into a C{known} dict stays there, except the keys
        a refresh sets again.
        """
        self.server.datagramReceived(ALIVE, PEER)
        usn = "uuid:aa::upnp:rootdevice"
        entry = self.server.known[usn]
        entry["mine"] = 1
        del entry["last-seen"]
        self.assertEqual(self.server.known[usn]["mine"], 1)
        self.server.datagramReceived(ALIVE, PEER)
        self.assertEqual((entry["mine"], entry["last-seen"]), (1, 0))

    def test_knownForgetsOnByebyeAndExpiry(self) -> None:
        """
        A byebye or the end of max-age takes the USN out of C{known}.
        """
        self.server.datagramReceived(ALIVE, PEER)
        self.server.datagramReceived(ALIVE.replace("ssdp:alive", "ssdp:byebye"), PEER)
        self.assertEqual(self.server.known, {})
        self.server.datagramReceived(ALIVE, PEER)
        self.server.reactor.advance(101)  # type: ignore[attr-defined]
        self.assertEqual(self.server.known, {})

    def test_serviceSeenRegistersOrRefreshes(self) -> None:
        """
        Coherence's C{service_seen} registers an unknown USN as remote
        (returning C{True}) and refreshes a known one (C{False}).
        """
        headers = {
            "usn": "uuid:dd::upnp:rootdevice",
            "location": "http://10.0.0.7/d.xml",
            "server": "x",
            "cache-control": "max-age=60",
        }
        self.assertTrue(self.server.service_seen("10.0.0.7", "upnp:rootdevice", headers))
        self.server.reactor.advance(5)  # type: ignore[attr-defined]
        self.assertFalse(self.server.service_seen("10.0.0.7", "upnp:rootdevice", headers))
        self.assertEqual(self.server.known["uuid:dd::upnp:rootdevice"]["last-seen"], 5)
        self.assertEqual(self.server.known["uuid:dd::upnp:rootdevice"]["HOST"], "10.0.0.7")

    def test_checkValidExpiresLapsedEntries(self) -> None:
        """
        Cohen3's C{check_valid} forgets remote entries whose max-age has
        run out (the timers do the same on their own).
        """
        self.server.datagramReceived(ALIVE, PEER)
        self.server.check_valid()
        self.assertIn("uuid:aa::upnp:rootdevice", self.server.known)
        self.server.reactor.advance(100)  # type: ignore[attr-defined]
        self.server.check_valid()
        self.assertEqual(self.server.known, {})

    def test_msearchTakesTextAnswers(self) -> None:
        """
        C{MSearch} in test mode reads an answer given as text.
        """
        search = MSearch(self.server, test=True)
        search.makeConnection(self.transport)
        search.datagramReceived(ANSWER, ("10.0.0.6", 1900))
        self.assertTrue(self.server.isKnown("uuid:bb::urn:schemas-upnp-org:device:Basic:1"))
        self.assertEqual(self.transport.written, [])


class NamesTests(SynchronousTestCase):
    """
    The modules have every name Coherence's modules had.
    """

    def test_ssdpModuleNames(self) -> None:
        """
        C{compat.ssdp} has C{SSDP_PORT}, C{SSDP_ADDR} and C{SSDPServer}, and
        the server Coherence's methods.
        """
        self.assertEqual((compatSSDP.SSDP_PORT, compatSSDP.SSDP_ADDR), (1900, "239.255.255.250"))
        for name in (
            "register", "unRegister", "isKnown", "doNotify", "doByebye", "resendNotify", "shutdown",
            "notifyReceived", "discoveryRequest", "datagramReceived", "subscribe", "unsubscribe",
            "callback", "service_seen", "check_valid",
        ):
            self.assertTrue(callable(getattr(SSDPServer, name)), name)

    def test_msearchModuleNames(self) -> None:
        """
        C{compat.msearch} has C{SSDP_PORT} and C{SSDP_ADDR} as Coherence's
        did, and C{MSearch} its methods.
        """
        self.assertEqual((compatMSearch.SSDP_PORT, compatMSearch.SSDP_ADDR), (1900, "239.255.255.250"))
        for name in ("discover", "double_discover", "datagramReceived", "stopDiscovery"):
            self.assertTrue(callable(getattr(MSearch, name)), name)
