"""
Tests for L{coherence_lite.ssdp.format}: the exact bytes of every message,
refusal of unsafe values, and hypothesis properties (whatever the formatters
write, the parser reads back unchanged; no line break ever gets through).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp import SSDP_ADDR, SSDP_ADDR_V6_LINK, SSDP_ADDR_V6_SITE, SSDP_PORT
from coherence_lite.ssdp.format import (
    formatMSearch,
    formatNotifyAlive,
    formatNotifyByebye,
    formatNotifyUpdate,
    formatSearchResponse,
    hostHeader,
    httpDate,
)
from coherence_lite.ssdp.message import ALIVE, BYEBYE, MAX_LINE, UPDATE, MSearch, Notify, SearchResponse
from coherence_lite.ssdp.parse import parse

from tests.support.ssdp import (
    UDN,
    bootIds,
    configIds,
    crlf,
    hosts,
    locations,
    maxAges,
    searchPorts,
    searchTargets,
    texts,
    unsafe,
    words,
)


class FormatTests(SynchronousTestCase):
    """
    The formatters write UDA's canonical messages and refuse unsafe values.
    """

    def test_searchResponseExactBytes(self) -> None:
        """
        A search response has exactly UDA's headers, in order, with an empty
        EXT.
        """
        datagram = formatSearchResponse(
            st="upnp:rootdevice",
            usn=f"{UDN}::upnp:rootdevice",
            location="http://192.168.4.207:8088/jambon-3000.xml",
            maxAge=1800,
            server="Linux/6.1 UPnP/1.1 coherence-lite/0.1.0",
            date="Sat, 22 Oct 2016 14:44:26 GMT",
            bootId=1,
            configId=2,
        )
        self.assertEqual(
            datagram,
            crlf(
                "HTTP/1.1 200 OK\n"
                "CACHE-CONTROL: max-age=1800\n"
                "DATE: Sat, 22 Oct 2016 14:44:26 GMT\n"
                "EXT:\n"
                "LOCATION: http://192.168.4.207:8088/jambon-3000.xml\n"
                "SERVER: Linux/6.1 UPnP/1.1 coherence-lite/0.1.0\n"
                "ST: upnp:rootdevice\n"
                f"USN: {UDN}::upnp:rootdevice\n"
                "BOOTID.UPNP.ORG: 1\n"
                "CONFIGID.UPNP.ORG: 2\n"
                "\n"
            ),
        )

    def test_searchPortComesLast(self) -> None:
        """
        SEARCHPORT.UPNP.ORG, when given, is the last header of a response.
        """
        datagram = formatSearchResponse("ssdp:all", UDN, "http://h/", 1800, "S/1 UPnP/1.1 P/1", "D", 1, 2, 49200)
        self.assertTrue(datagram.endswith(b"CONFIGID.UPNP.ORG: 2\r\nSEARCHPORT.UPNP.ORG: 49200\r\n\r\n"))

    def test_aliveExactBytes(self) -> None:
        """
        An alive has exactly UDA's headers, in order.
        """
        datagram = formatNotifyAlive(
            "239.255.255.250:1900", "upnp:rootdevice", f"{UDN}::upnp:rootdevice", "http://10.0.0.2/d.xml",
            1800, "Linux/6.1 UPnP/1.1 coherence-lite/0.1.0", 5, 7,
        )
        self.assertEqual(
            datagram,
            crlf(
                "NOTIFY * HTTP/1.1\n"
                "HOST: 239.255.255.250:1900\n"
                "CACHE-CONTROL: max-age=1800\n"
                "LOCATION: http://10.0.0.2/d.xml\n"
                "NT: upnp:rootdevice\n"
                "NTS: ssdp:alive\n"
                "SERVER: Linux/6.1 UPnP/1.1 coherence-lite/0.1.0\n"
                f"USN: {UDN}::upnp:rootdevice\n"
                "BOOTID.UPNP.ORG: 5\n"
                "CONFIGID.UPNP.ORG: 7\n"
                "\n"
            ),
        )

    def test_byebyeExactBytes(self) -> None:
        """
        A byebye carries no LOCATION, CACHE-CONTROL nor SERVER.
        """
        self.assertEqual(
            formatNotifyByebye("[FF02::C]:1900", UDN, UDN, 5, 7),
            crlf(
                "NOTIFY * HTTP/1.1\nHOST: [FF02::C]:1900\n"
                f"NT: {UDN}\nNTS: ssdp:byebye\nUSN: {UDN}\nBOOTID.UPNP.ORG: 5\nCONFIGID.UPNP.ORG: 7\n\n"
            ),
        )

    def test_updateExactBytes(self) -> None:
        """
        An update carries LOCATION and NEXTBOOTID but no CACHE-CONTROL nor
        SERVER.
        """
        self.assertEqual(
            formatNotifyUpdate("239.255.255.250:1900", UDN, UDN, "http://h/d.xml", 5, 7, 6),
            crlf(
                "NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nLOCATION: http://h/d.xml\n"
                f"NT: {UDN}\nNTS: ssdp:update\nUSN: {UDN}\nBOOTID.UPNP.ORG: 5\n"
                "CONFIGID.UPNP.ORG: 7\nNEXTBOOTID.UPNP.ORG: 6\n\n"
            ),
        )

    def test_mSearchExactBytes(self) -> None:
        """
        A multicast search has HOST, MAN, MX and ST, in that order.
        """
        self.assertEqual(
            formatMSearch("ssdp:all", 2),
            crlf('M-SEARCH * HTTP/1.1\nHOST: 239.255.255.250:1900\nMAN: "ssdp:discover"\nMX: 2\nST: ssdp:all\n\n'),
        )

    def test_unicastMSearchHasNoMX(self) -> None:
        """
        A unicast search has no MX, and USER-AGENT when given.
        """
        datagram = formatMSearch("upnp:rootdevice", None, "192.168.1.10:1900", "Linux/6 UPnP/1.1 coherence-lite/0.1.0")
        self.assertEqual(
            datagram,
            crlf(
                'M-SEARCH * HTTP/1.1\nHOST: 192.168.1.10:1900\nMAN: "ssdp:discover"\nST: upnp:rootdevice\n'
                "USER-AGENT: Linux/6 UPnP/1.1 coherence-lite/0.1.0\n\n"
            ),
        )

    def test_formattersRefuseLineBreaksAndNul(self) -> None:
        """
        Every formatter refuses a CR, an LF or a NUL in any text it is given.
        """
        for bad in ("a\r\nX-Evil: 1", "a\nb", "a\rb", "a\x00b"):
            self.assertRaises(ValueError, formatNotifyAlive, "h:1900", bad, UDN, "http://h/", 1800, "S", 1, 1)
            self.assertRaises(ValueError, formatNotifyAlive, "h:1900", UDN, UDN, "http://h/", 1800, bad, 1, 1)
            self.assertRaises(ValueError, formatNotifyByebye, bad, UDN, UDN, 1, 1)
            self.assertRaises(ValueError, formatNotifyUpdate, "h:1900", UDN, UDN, bad, 1, 1, 2)
            self.assertRaises(ValueError, formatSearchResponse, bad, UDN, "http://h/", 1800, "S", "D", 1, 1)
            self.assertRaises(ValueError, formatSearchResponse, UDN, UDN, "http://h/", 1800, "S", bad, 1, 1)
            self.assertRaises(ValueError, formatMSearch, "ssdp:all", 1, "h:1900", bad)
            self.assertRaises(ValueError, formatMSearch, bad, 1)

    def test_formattersRefuseNumbersOutOfRange(self) -> None:
        """
        BOOTID, CONFIGID, max-age, SEARCHPORT and MX out of range, booleans and
        strings are refused.
        """
        self.assertRaises(ValueError, formatNotifyByebye, "h:1", UDN, UDN, -1, 1)
        self.assertRaises(ValueError, formatNotifyByebye, "h:1", UDN, UDN, 2**31, 1)
        self.assertRaises(ValueError, formatNotifyByebye, "h:1", UDN, UDN, 1, 2**24)
        self.assertRaises(ValueError, formatNotifyByebye, "h:1", UDN, UDN, True, 1)
        self.assertRaises(ValueError, formatNotifyByebye, "h:1", UDN, UDN, "1", 1)
        self.assertRaises(ValueError, formatNotifyAlive, "h:1", UDN, UDN, "http://h/", 0, "S", 1, 1)
        self.assertRaises(ValueError, formatNotifyAlive, "h:1", UDN, UDN, "http://h/", 1800, "S", 1, 1, 1900)
        self.assertRaises(ValueError, formatMSearch, "ssdp:all", 0)

    def test_formattersRefuseWhatParseWouldRefuse(self) -> None:
        """
        Values the parser would refuse (an unknown target, spaces in a word, an
        empty word, padded text, a line too long) are refused.
        """
        self.assertRaises(ValueError, formatMSearch, "ssdp:everything", 1)
        self.assertRaises(ValueError, formatNotifyByebye, "h:1", "has space", UDN, 1, 1)
        self.assertRaises(ValueError, formatNotifyByebye, "h:1", "", UDN, 1, 1)
        self.assertRaises(ValueError, formatNotifyAlive, "h:1", UDN, UDN, "http://h/", 1800, " S", 1, 1)
        self.assertRaises(ValueError, formatNotifyAlive, "h:1", UDN, UDN, "http://h/" + "a" * MAX_LINE, 1800, "S", 1, 1)

    def test_httpDate(self) -> None:
        """
        L{httpDate} spells RFC 1123 dates in GMT, dropping fractions of a
        second.
        """
        self.assertEqual(httpDate(1477147466), "Sat, 22 Oct 2016 14:44:26 GMT")
        self.assertEqual(httpDate(1477147466.9), "Sat, 22 Oct 2016 14:44:26 GMT")
        self.assertEqual(httpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT")

    def test_hostHeader(self) -> None:
        """
        L{hostHeader} brackets and upper-cases IPv6 groups without their zone,
        and refuses ports out of range and line breaks.
        """
        self.assertEqual(hostHeader(SSDP_ADDR, SSDP_PORT), "239.255.255.250:1900")
        self.assertEqual(hostHeader(SSDP_ADDR_V6_LINK, SSDP_PORT), "[FF02::C]:1900")
        self.assertEqual(hostHeader(SSDP_ADDR_V6_SITE, 1900), "[FF05::C]:1900")
        self.assertEqual(hostHeader("fe80::1%eth0", 1900), "[FE80::1]:1900")
        self.assertEqual(hostHeader("[ff02::c]", 1900), "[FF02::C]:1900")
        self.assertRaises(ValueError, hostHeader, "239.255.255.250", 0)
        self.assertRaises(ValueError, hostHeader, "239.255.255.250", 70000)
        self.assertRaises(ValueError, hostHeader, "a\r\nb", 1900)


class RoundTripPropertyTests(SynchronousTestCase):
    """
    Whatever the formatters write, L{parse} reads back unchanged.
    """

    @given(hosts, words, words, locations, maxAges, texts, bootIds, configIds, searchPorts)
    def test_alive(self, host, nt, usn, location, maxAge, server, bootId, configId, searchPort) -> None:
        """
        Every alive the formatter writes parses back to the values it was
        given.
        """
        datagram = formatNotifyAlive(host, nt, usn, location, maxAge, server, bootId, configId, searchPort)
        self.assertEqual(
            parse(datagram), Notify(ALIVE, nt, usn, location, maxAge, server, bootId, configId, None, searchPort)
        )

    @given(hosts, words, words, bootIds, configIds)
    def test_byebye(self, host, nt, usn, bootId, configId) -> None:
        """
        Every byebye the formatter writes parses back to the values it was
        given.
        """
        datagram = formatNotifyByebye(host, nt, usn, bootId, configId)
        self.assertEqual(parse(datagram), Notify(BYEBYE, nt, usn, None, None, None, bootId, configId, None, None))

    @given(hosts, words, words, locations, bootIds, configIds, bootIds, searchPorts)
    def test_update(self, host, nt, usn, location, bootId, configId, nextBootId, searchPort) -> None:
        """
        Every update the formatter writes parses back to the values it was
        given.
        """
        datagram = formatNotifyUpdate(host, nt, usn, location, bootId, configId, nextBootId, searchPort)
        self.assertEqual(
            parse(datagram), Notify(UPDATE, nt, usn, location, None, None, bootId, configId, nextBootId, searchPort)
        )

    @given(words, words, locations, maxAges, texts, texts, bootIds, configIds, searchPorts)
    def test_searchResponse(self, st_, usn, location, maxAge, server, date, bootId, configId, searchPort) -> None:
        """
        Every search response the formatter writes parses back to the values it
        was given, DATE included.
        """
        datagram = formatSearchResponse(st_, usn, location, maxAge, server, date, bootId, configId, searchPort)
        message = parse(datagram)
        self.assertEqual(message, SearchResponse(st_, usn, location, maxAge, server, bootId, configId, searchPort))
        assert isinstance(message, SearchResponse)
        self.assertEqual(message.headers["date"], date)

    @given(searchTargets, st.none() | st.integers(1, 120), hosts, st.none() | texts)
    def test_mSearch(self, st_, mx, host, userAgent) -> None:
        """
        Every search the formatter writes parses back to the values it was
        given, USER-AGENT included.
        """
        message = parse(formatMSearch(st_, mx, host, userAgent))
        self.assertEqual(message, MSearch(st_, mx, host))
        assert isinstance(message, MSearch)
        self.assertEqual(message.headers.get("user-agent"), userAgent)


class UnsafeValuePropertyTests(SynchronousTestCase):
    """
    No generated line break or NUL gets through any formatter.
    """

    @given(unsafe)
    def test_formattersRejectLineBreaksAndNul(self, bad) -> None:
        """
        Any text holding a CR, an LF or a NUL is refused by every formatter, in
        every field.
        """
        calls = [
            lambda: formatNotifyAlive("h:1900", bad, UDN, "http://h/", 1800, "S", 1, 1),
            lambda: formatNotifyAlive("h:1900", UDN, UDN, "http://h/", 1800, bad, 1, 1),
            lambda: formatNotifyByebye("h:1900", UDN, bad, 1, 1),
            lambda: formatNotifyUpdate(bad, UDN, UDN, "http://h/", 1, 1, 2),
            lambda: formatSearchResponse(UDN, UDN, bad, 1800, "S", "D", 1, 1),
            lambda: formatSearchResponse(UDN, UDN, "http://h/", 1800, "S", bad, 1, 1),
            lambda: formatMSearch("ssdp:all", 1, bad),
            lambda: formatMSearch("ssdp:all", 1, "h:1900", bad),
        ]
        for call in calls:
            self.assertRaises(ValueError, call)
