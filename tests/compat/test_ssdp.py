# -*- test-case-name: tests.compat.test_ssdp -*-
"""
Tests for L{coherence_lite.compat.ssdp}: Coherence's own SSDP tests, what
the server remembers of what it hears, and per-instance state.

Where a test departs from Coherence's expectations, a comment names the
Coherence bug it no longer has.  Time is a L{Clock} given as the reactor, so
"asynchronously" means "not before C{clock.advance(0)}".
"""

from __future__ import annotations

from twisted.internet import reactor
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import globalLogPublisher

from coherence_lite.compat import SERVER_ID
from coherence_lite.compat.ssdp import KNOWN_KEYS, SSDP_ADDR, SSDP_PORT, SSDPServer
from coherence_lite.ssdp.format import httpDate

from tests.support.compat import (
    CompatTestCase,
    JAMBON_LOCATION,
    JAMBON_USNS,
    NOTIFY_LOCATION,
    NOTIFY_USN,
    QUERIER,
    ROOT_USN,
    datagram,
    expected,
    lines,
    msearch,
    ssdp_notify_1,
)


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
