"""
Tests for L{coherence_lite.ssdp.parse}: real-world datagrams, every class
of bad input, and hypothesis properties (L{parse} never raises and never
returns a field it did not validate).
"""

from __future__ import annotations

import re

from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.format import formatMSearch, formatNotifyByebye, formatSearchResponse
from coherence_lite.ssdp.message import (
    ALIVE,
    BYEBYE,
    MAX_DATAGRAM,
    MAX_HEADERS,
    MAX_LINE,
    UPDATE,
    MSearch,
    Notify,
    ParseError,
    SearchResponse,
    isSearchTarget,
)
from coherence_lite.ssdp.parse import parse, parseMaxAge

from tests.support.ssdp import (
    ASYNC_UPNP_CLIENT_SEARCH,
    GSSDP_SEARCH,
    ROUTER_ALIVE,
    SEED_RESPONSE,
    SEED_SEARCH,
    UDN,
    WINDOWS_SEARCH,
    crlf,
    names,
    replaceLine,
)


class RealWorldParseTests(SynchronousTestCase):
    """
    Datagrams as real control points and devices send them.
    """

    def test_seedSearchWithoutSpacesAfterColons(self) -> None:
        """
        The seed README's search, with no space after any colon, is a multicast
        search for the root device.
        """
        self.assertEqual(parse(SEED_SEARCH), MSearch(st="upnp:rootdevice", mx=2, host="239.255.255.250:1900"))

    def test_windowsSearch(self) -> None:
        """
        Windows' search, with mixed-case header names, is read with its ST and
        MX.
        """
        message = parse(WINDOWS_SEARCH)
        self.assertEqual(
            message,
            MSearch(st="urn:schemas-upnp-org:device:InternetGatewayDevice:1", mx=3, host="239.255.255.250:1900"),
        )

    def test_gssdpSearchKeepsOtherHeaders(self) -> None:
        """
        A GUPnP search is read and its USER-AGENT kept among the headers.
        """
        message = parse(GSSDP_SEARCH)
        assert isinstance(message, MSearch)
        self.assertEqual((message.st, message.mx, message.host), ("ssdp:all", 3, "239.255.255.250:1900"))
        self.assertEqual(message.headers["user-agent"], "Linux/6.1.0 UPnP/1.1 GSSDP/1.6.3")

    def test_asyncUpnpClientSearch(self) -> None:
        """
        Home Assistant's async-upnp-client search is read as an C{ssdp:all}
        search.
        """
        self.assertEqual(parse(ASYNC_UPNP_CLIENT_SEARCH), MSearch(st="ssdp:all", mx=4, host="239.255.255.250:1900"))

    def test_routerAlive(self) -> None:
        """
        A miniupnpd alive is read with every field, and its private headers are
        kept.
        """
        message = parse(ROUTER_ALIVE)
        self.assertEqual(
            message,
            Notify(
                nts=ALIVE,
                nt="urn:schemas-upnp-org:service:WANIPConnection:1",
                usn="uuid:8a3b4f3e-1dd2-11b2-a0f3-c1c2d3e4f5a6::urn:schemas-upnp-org:service:WANIPConnection:1",
                location="http://192.168.1.1:5000/rootDesc.xml",
                maxAge=120,
                server="OpenWRT/OpenWrt UPnP/1.1 MiniUPnPd/2.3.3",
                bootId=1700000000,
                configId=1337,
                nextBootId=None,
                searchPort=None,
            ),
        )
        assert isinstance(message, Notify)
        self.assertEqual(message.headers["01-nls"], "1700000000")

    def test_seedResponseWithPrivateHeader(self) -> None:
        """
        The seed README's response is read; its empty EXT and private C{last-
        seen} header are kept as headers.
        """
        message = parse(SEED_RESPONSE)
        self.assertEqual(
            message,
            SearchResponse(
                st="upnp:rootdevice",
                usn=f"{UDN}::upnp:rootdevice",
                location="http://192.168.4.207:8088/jambon-3000.xml",
                maxAge=1800,
                server="ZeWaren example SSDP Server",
                bootId=None,
                configId=None,
                searchPort=None,
            ),
        )
        assert isinstance(message, SearchResponse)
        self.assertEqual(message.headers["ext"], "")
        self.assertEqual(message.headers["last-seen"], "1477147409.432466")

    def test_bareLineFeeds(self) -> None:
        """
        Lines ending in a bare LF read as CRLF lines do.
        """
        self.assertEqual(parse(SEED_SEARCH.replace(b"\r\n", b"\n")), parse(SEED_SEARCH))

    def test_mixedLineEndings(self) -> None:
        """
        A datagram mixing CRLF and LF line endings reads as an all-CRLF one.
        """
        mixed = SEED_SEARCH.replace(b"MX:2\r\n", b"MX:2\n")
        self.assertEqual(parse(mixed), parse(SEED_SEARCH))

    def test_missingFinalBlankLine(self) -> None:
        """
        Coherence crashed on a datagram ending after the last header; the end
        of the datagram ends the headers.
        """
        self.assertEqual(parse(SEED_SEARCH[:-2]), parse(SEED_SEARCH))
        self.assertEqual(parse(SEED_SEARCH[:-4]), parse(SEED_SEARCH))

    def test_lowerCaseHeaderNames(self) -> None:
        """
        Lower-case header names are read as upper-case ones.
        """
        datagram = b'M-SEARCH * HTTP/1.1\r\nhost: 239.255.255.250:1900\r\nman: "ssdp:discover"\r\nst: ssdp:all\r\nmx: 1\r\n\r\n'
        self.assertEqual(parse(datagram), MSearch(st="ssdp:all", mx=1, host="239.255.255.250:1900"))

    def test_spacesAroundValuesAndBeforeColon(self) -> None:
        """
        Spaces and tabs before a colon and around a value are tolerated.
        """
        datagram = b'M-SEARCH * HTTP/1.1\r\nHOST :  239.255.255.250:1900 \r\nMAN:\t"ssdp:discover"\t\r\nST:   ssdp:all\r\nMX:  5  \r\n\r\n'
        self.assertEqual(parse(datagram), MSearch(st="ssdp:all", mx=5, host="239.255.255.250:1900"))

    def test_leadingBlankLinesAreSkipped(self) -> None:
        """
        Empty lines before the start line are skipped.
        """
        self.assertEqual(parse(b"\r\n" + SEED_SEARCH), parse(SEED_SEARCH))

    def test_bodyAfterBlankLineIsIgnored(self) -> None:
        """
        Whatever follows the empty line, even NUL and invalid UTF-8, is
        ignored.
        """
        self.assertEqual(parse(SEED_SEARCH + b"garbage\x00\xff"), parse(SEED_SEARCH))

    def test_unicastSearchWithoutMX(self) -> None:
        """
        A search without MX is read with C{mx} L{None}.
        """
        datagram = b'M-SEARCH * HTTP/1.1\r\nHOST: 192.168.1.10:1900\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n'
        self.assertEqual(parse(datagram), MSearch(st="ssdp:all", mx=None, host="192.168.1.10:1900"))

    def test_mxIsKeptAsSent(self) -> None:
        """
        MX is read as the number sent, neither clamped nor refused for being
        large.
        """
        for raw, expected in [(b"0", 0), (b"120", 120), (b"0005", 5), (b"9999999999", 9999999999)]:
            message = parse(replaceLine(SEED_SEARCH, b"MX:2", b"MX:" + raw))
            assert isinstance(message, MSearch)
            self.assertEqual(message.mx, expected)

    def test_unknownButWellFormedURNSearchIsKept(self) -> None:
        """
        A well-formed URN of an unknown shape is a valid search target.
        """
        message = parse(replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:urn:Belkin:device:**"))
        assert isinstance(message, MSearch)
        self.assertEqual(message.st, "urn:Belkin:device:**")

    def test_uuidSearch(self) -> None:
        """
        A search for a UDN is read with the UDN as its target.
        """
        message = parse(replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:" + UDN.encode()))
        assert isinstance(message, MSearch)
        self.assertEqual(message.st, UDN)

    def test_identicalRepeatOfAnInterpretedHeaderIsAccepted(self) -> None:
        """
        An interpreted header repeated with the same value is accepted.
        """
        datagram = replaceLine(SEED_SEARCH, b"MX:2", b"MX:2\r\nMX: 2")
        self.assertEqual(parse(datagram), parse(SEED_SEARCH))

    def test_utf8ValuesAreAccepted(self) -> None:
        """
        UTF-8 text in a free-text header is read as text.
        """
        datagram = GSSDP_SEARCH.replace(b"GSSDP/1.6.3", "GSSDP/1.6.3 (Küche)".encode())
        message = parse(datagram)
        assert isinstance(message, MSearch)
        self.assertEqual(message.headers["user-agent"], "Linux/6.1.0 UPnP/1.1 GSSDP/1.6.3 (Küche)")

    def test_byebyeWithoutLocation(self) -> None:
        """
        A byebye needs no LOCATION and is read with its BOOTID and CONFIGID.
        """
        datagram = crlf(
            "NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nNT: upnp:rootdevice\n"
            f"NTS: ssdp:byebye\nUSN: {UDN}::upnp:rootdevice\nBOOTID.UPNP.ORG: 3\nCONFIGID.UPNP.ORG: 9\n\n"
        )
        self.assertEqual(
            parse(datagram),
            Notify(BYEBYE, "upnp:rootdevice", f"{UDN}::upnp:rootdevice", None, None, None, 3, 9, None, None),
        )

    def test_byebyeWithInvalidLocationKeepsTheByebyeWithoutIt(self) -> None:
        """
        A byebye needs no LOCATION: an invalid one is dropped, never passed
        on unchecked, and the byebye still counts.
        """
        for location in ("http://h/a b".encode(), "caf\u00e9".encode("utf-8"), b"\xc2\x80"):
            datagram = crlf(
                "NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nNT: upnp:rootdevice\n"
                f"NTS: ssdp:byebye\nUSN: {UDN}::upnp:rootdevice\n"
            ) + b"LOCATION: " + location + b"\r\n\r\n"
            message = parse(datagram)
            assert isinstance(message, Notify), message
            self.assertIsNone(message.location, location)

    def test_updateWithNextBootIdAndSearchPort(self) -> None:
        """
        An update is read with its NEXTBOOTID and SEARCHPORT.
        """
        datagram = crlf(
            "NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nLOCATION: http://10.0.0.2:80/d.xml\n"
            f"NT: {UDN}\nNTS: ssdp:update\nUSN: {UDN}\nBOOTID.UPNP.ORG: 3\nCONFIGID.UPNP.ORG: 9\n"
            "NEXTBOOTID.UPNP.ORG: 4\nSEARCHPORT.UPNP.ORG: 49200\n\n"
        )
        self.assertEqual(
            parse(datagram),
            Notify(UPDATE, UDN, UDN, "http://10.0.0.2:80/d.xml", None, None, 3, 9, 4, 49200),
        )

    def test_responseWithHTTP10AndOtherReason(self) -> None:
        """
        A 200 response is read with HTTP/1.0, another reason phrase, or none.
        """
        for startLine in (b"HTTP/1.0 200 OK", b"HTTP/1.1 200 Ok", b"HTTP/1.1 200"):
            message = parse(replaceLine(SEED_RESPONSE, b"HTTP/1.1 200 OK", startLine))
            self.assertIsInstance(message, SearchResponse, startLine)

    def test_cacheControlVariants(self) -> None:
        """
        CACHE-CONTROL's max-age is read in every spelling devices use, and is
        L{None} when unusable.
        """
        cases = {
            b"max-age=1800": 1800,
            b"max-age = 1800": 1800,
            b"max-age=1800, no-cache": 1800,
            b"no-cache, max-age=60": 60,
            b'MAX-AGE="90"': 90,
            b"no-cache": None,
            b"max-age=soon": None,
            b"max-age=": None,
            b"max-age=-5": None,
            b"": None,
        }
        for value, expected in cases.items():
            message = parse(replaceLine(ROUTER_ALIVE, b"CACHE-CONTROL: max-age=120", b"CACHE-CONTROL: " + value))
            assert isinstance(message, Notify), (value, message)
            self.assertEqual(message.maxAge, expected, value)

    def test_missingCacheControlIsNoMaxAge(self) -> None:
        """
        An alive without CACHE-CONTROL is read with C{maxAge} L{None}.
        """
        message = parse(replaceLine(ROUTER_ALIVE, b"CACHE-CONTROL: max-age=120\r\n", b""))
        assert isinstance(message, Notify)
        self.assertIsNone(message.maxAge)

    def test_invalidUPnPNumbersAreNone(self) -> None:
        """
        Out-of-range or malformed BOOTID, CONFIGID and SEARCHPORT values become
        L{None} without refusing the message.
        """
        cases = [
            (b"BOOTID.UPNP.ORG: 1700000000", b"BOOTID.UPNP.ORG: x", "bootId"),
            (b"BOOTID.UPNP.ORG: 1700000000", b"BOOTID.UPNP.ORG: 2147483648", "bootId"),
            (b"CONFIGID.UPNP.ORG: 1337", b"CONFIGID.UPNP.ORG: 16777216", "configId"),
            (b"CONFIGID.UPNP.ORG: 1337", b"CONFIGID.UPNP.ORG: -1", "configId"),
            (b"CONFIGID.UPNP.ORG: 1337", b"SEARCHPORT.UPNP.ORG: 1900", "searchPort"),
        ]
        for old, new, attribute in cases:
            message = parse(replaceLine(ROUTER_ALIVE, old, new))
            assert isinstance(message, Notify), (new, message)
            self.assertIsNone(getattr(message, attribute), new)


class ParseMaxAgeTests(SynchronousTestCase):
    """
    L{parseMaxAge} reads the max-age directive of a CACHE-CONTROL value.
    """

    def test_spacesAroundEquals(self) -> None:
        """
        Spaces around the equals sign are tolerated.
        """
        self.assertEqual(parseMaxAge("max-age = 1800"), 1800)

    def test_amongOtherDirectives(self) -> None:
        """
        The max-age directive is found before or after other directives.
        """
        self.assertEqual(parseMaxAge("max-age=1800, no-cache"), 1800)
        self.assertEqual(parseMaxAge("no-cache, max-age=60"), 60)

    def test_quoted(self) -> None:
        """
        A quoted max-age number is read.
        """
        self.assertEqual(parseMaxAge('max-age="90"'), 90)

    def test_missing(self) -> None:
        """
        No header, an empty one, or one without max-age gives L{None}.
        """
        self.assertIsNone(parseMaxAge(None))
        self.assertIsNone(parseMaxAge(""))
        self.assertIsNone(parseMaxAge("no-cache"))

    def test_garbage(self) -> None:
        """
        Anything but a whole number of seconds of at most ten digits gives
        L{None}.
        """
        for value in ("max-age=soon", "max-age=", "max-age=-5", "max-age=1e3", "max-age=99999999999", "\x00=="):
            self.assertIsNone(parseMaxAge(value), value)


class BadInputTests(SynchronousTestCase):
    """
    Each class of bad input gives a L{ParseError} that says what is wrong.
    """

    def assertRefused(self, data: bytes, *words: str) -> None:
        result = parse(data)
        self.assertIsInstance(result, ParseError, result)
        assert isinstance(result, ParseError)
        for word in words:
            self.assertIn(word, result.reason)

    def test_empty(self) -> None:
        """
        An empty datagram, or one of empty lines only, is refused as empty.
        """
        self.assertRefused(b"", "empty")
        self.assertRefused(b"\r\n\r\n", "empty")

    def test_garbage(self) -> None:
        """
        Binary garbage and plain text are refused for not being UTF-8 or not
        naming a known method.
        """
        self.assertRefused(b"\xde\xad\xbe\xef" * 10, "UTF-8")
        self.assertRefused(b"hello world", "unknown method")

    def test_truncated(self) -> None:
        """
        Datagrams cut short are refused with the reason of what is missing.
        """
        self.assertRefused(SEED_SEARCH[:12], "malformed request line")
        self.assertRefused(SEED_SEARCH[:5], "unknown method")
        self.assertRefused(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.2", "MAN")

    def test_unknownMethod(self) -> None:
        """
        Methods other than M-SEARCH and NOTIFY are refused, named in the
        reason.
        """
        self.assertRefused(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "unknown method", "'GET'")
        self.assertRefused(b"SUBSCRIBE * HTTP/1.1\r\n\r\n", "unknown method")

    def test_methodIsCaseSensitive(self) -> None:
        """
        A lower-case method is an unknown method.
        """
        self.assertRefused(SEED_SEARCH.replace(b"M-SEARCH", b"m-search"), "unknown method")

    def test_malformedRequestLine(self) -> None:
        """
        A known method with another request target or HTTP version is a
        malformed request line.
        """
        self.assertRefused(SEED_SEARCH.replace(b"M-SEARCH * HTTP/1.1", b"M-SEARCH / HTTP/1.1"), "request line")
        self.assertRefused(SEED_SEARCH.replace(b"HTTP/1.1", b"HTTP/1.0"), "request line")

    def test_otherStatus(self) -> None:
        """
        A status other than 200 is refused.
        """
        self.assertRefused(SEED_RESPONSE.replace(b"200 OK", b"404 Not Found"), "status line")

    def test_missingMan(self) -> None:
        """
        A search without MAN is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b'MAN:"ssdp:discover"\r\n', b""), "without MAN")

    def test_unquotedMan(self) -> None:
        """
        A MAN value without its quotes is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b'MAN:"ssdp:discover"', b"MAN:ssdp:discover"), "MAN")

    def test_missingST(self) -> None:
        """
        A search without ST is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice\r\n", b""), "without ST")

    def test_emptyST(self) -> None:
        """
        A search with an empty ST is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:"), "empty ST")

    def test_unsupportedST(self) -> None:
        """
        Search targets outside the accepted forms are refused.
        """
        for st in (b"ssdp:everything", b"SSDP:ALL", b"upnp:root device", b"urn:", b"uuid:", b"x" * 300):
            self.assertRefused(replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:" + st), "search target")

    def test_tooLongST(self) -> None:
        """
        A search target longer than 256 characters is refused.
        """
        st = b"urn:schemas-upnp-org:device:" + b"A" * 300 + b":1"
        self.assertRefused(replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:" + st), "search target")

    def test_missingHost(self) -> None:
        """
        A search without HOST is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"HOST:239.255.255.250:1900\r\n", b""), "without HOST")

    def test_mxNotANumber(self) -> None:
        """
        An MX that is not plain ASCII digits is refused.
        """
        for mx in (b"two", b"2.5", b"-1", b"+3", b"0x10", b"\xd9\xa3"):
            self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b"MX:" + mx), "MX")

    def test_hugeMX(self) -> None:
        """
        An MX of more than ten digits is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b"MX:" + b"9" * 11), "MX", "10 digits")
        self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b"MX:" + b"9" * 1000), "MX")

    def test_conflictingRepeatedST(self) -> None:
        """
        Two different search targets in one datagram are refused as ambiguous.
        """
        datagram = replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:upnp:rootdevice\r\nST:ssdp:all")
        self.assertRefused(datagram, "conflicting", "ST")

    def test_crlfInjection(self) -> None:
        """
        A CR inside a line is refused rather than read as a line break.
        """
        injected = replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:upnp:rootdevice\rX-Evil: 1")
        self.assertRefused(injected, "bare CR")

    def test_nul(self) -> None:
        """
        A NUL byte anywhere in the header block is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"ST:upnp:rootdevice", b"ST:upnp:root\x00device"), "NUL")
        self.assertRefused(b"\x00" * 100, "NUL")

    def test_controlCharacter(self) -> None:
        """
        A control character in a value is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b"MX:2\x1b[31m"), "control character")

    def test_tooLarge(self) -> None:
        """
        A datagram larger than L{MAX_DATAGRAM} is refused before it is read.
        """
        padding = b"X-Padding: " + b"a" * 1000 + b"\r\n"
        datagram = SEED_SEARCH[:-2] + padding * 9 + b"\r\n"
        self.assertGreater(len(datagram), MAX_DATAGRAM)
        self.assertRefused(datagram, "larger than 8192")

    def test_tooManyHeaders(self) -> None:
        """
        More than L{MAX_HEADERS} header lines are refused.
        """
        extra = b"".join(b"X-H%d: 1\r\n" % i for i in range(MAX_HEADERS))
        self.assertRefused(SEED_SEARCH[:-2] + extra + b"\r\n", "more than 64 header")

    def test_sixtyFourHeadersAreAccepted(self) -> None:
        """
        A message of exactly L{MAX_HEADERS} header lines is accepted.
        """
        extra = b"".join(b"X-H%d: 1\r\n" % i for i in range(MAX_HEADERS - 4))
        self.assertIsInstance(parse(SEED_SEARCH[:-2] + extra + b"\r\n"), MSearch)

    def test_longLine(self) -> None:
        """
        A line longer than L{MAX_LINE} bytes is refused.
        """
        datagram = SEED_SEARCH[:-2] + b"X-Long: " + b"a" * MAX_LINE + b"\r\n\r\n"
        self.assertRefused(datagram, "longer than 1024")

    def test_notUTF8(self) -> None:
        """
        A header line that is not UTF-8 is refused.
        """
        self.assertRefused(GSSDP_SEARCH.replace(b"GSSDP", b"GS\xffDP"), "UTF-8")

    def test_foldedHeader(self) -> None:
        """
        A folded (continuation) header line is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b"MX:2\r\n  more"), "folded")

    def test_headerWithoutColon(self) -> None:
        """
        A header line without a colon is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b"MX 2"), "colon")

    def test_invalidHeaderName(self) -> None:
        """
        A header name that is not an HTTP token, or is empty, is refused.
        """
        self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b"M(X):2"), "header name")
        self.assertRefused(replaceLine(SEED_SEARCH, b"MX:2", b":2"), "header name")

    def test_notifyWithUnknownNTS(self) -> None:
        """
        A NOTIFY with an unknown NTS, or none, is refused.
        """
        self.assertRefused(replaceLine(ROUTER_ALIVE, b"NTS: ssdp:alive", b"NTS: ssdp:dead"), "NTS")
        self.assertRefused(replaceLine(ROUTER_ALIVE, b"NTS: ssdp:alive\r\n", b""), "without NTS")

    def test_aliveWithoutLocation(self) -> None:
        """
        An alive without LOCATION is refused.
        """
        datagram = replaceLine(ROUTER_ALIVE, b"LOCATION: http://192.168.1.1:5000/rootDesc.xml\r\n", b"")
        self.assertRefused(datagram, "without LOCATION")

    def test_notifyWithoutNTOrUSN(self) -> None:
        """
        A NOTIFY without NT or without USN is refused.
        """
        self.assertRefused(replaceLine(ROUTER_ALIVE, b"NT: urn:schemas-upnp-org:service:WANIPConnection:1\r\n", b""), "NT")
        self.assertRefused(ROUTER_ALIVE.replace(b"USN: ", b"X-USN: "), "without USN")

    def test_usnWithSpaces(self) -> None:
        """
        A USN with a space in it is refused.
        """
        self.assertRefused(ROUTER_ALIVE.replace(b"USN: uuid:", b"USN: uuid: "), "USN")

    def test_responseWithoutRequiredHeaders(self) -> None:
        """
        A response without ST, USN or LOCATION is refused.
        """
        for name in (b"ST: ", b"USN: ", b"LOCATION: "):
            self.assertRefused(SEED_RESPONSE.replace(name, b"X-" + name), "without")


# Hypothesis strategies for text that looks like headers.

START_LINES = ["M-SEARCH * HTTP/1.1", "NOTIFY * HTTP/1.1", "HTTP/1.1 200 OK", "HTTP/1.0 200 OK", "GET / HTTP/1.1", ""]
HEADER_NAMES = [
    "HOST", "MAN", "ST", "MX", "NT", "NTS", "USN", "LOCATION", "CACHE-CONTROL", "SERVER",
    "BOOTID.UPNP.ORG", "CONFIGID.UPNP.ORG", "NEXTBOOTID.UPNP.ORG", "SEARCHPORT.UPNP.ORG", "EXT",
]
HEADER_VALUES = [
    '"ssdp:discover"', "ssdp:all", "upnp:rootdevice", "ssdp:alive", "ssdp:byebye", "ssdp:update",
    "max-age=1800", "3", "99999999999", "http://h/", UDN, "",
]
headerLines = st.builds(
    lambda name, separator, value: f"{name}{separator}{value}",
    st.sampled_from(HEADER_NAMES) | st.text(max_size=12),
    st.sampled_from([":", ": ", " : ", "", "\t:"]),
    st.sampled_from(HEADER_VALUES) | st.text(max_size=40),
)
headerishTexts = st.builds(
    lambda start, lines, ending, blank: (ending.join([start, *lines]) + (ending * 2 if blank else "")).encode(
        "utf-8", "surrogatepass"
    ),
    st.sampled_from(START_LINES) | st.text(max_size=30),
    st.lists(headerLines, max_size=20),
    st.sampled_from(["\r\n", "\n", "\r", "\r\r\n"]),
    st.booleans(),
)


# Nearly valid messages: every header a message kind needs, each with a
# good value or a hostile one (spaces, tabs, non-ASCII, injected line
# breaks, empty, huge), names in any case, and unknown headers around them,
# so that parse returns messages often and every field gets attacked.
hostile = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "", " ", "a b", "x\ty", "caf\u00e9", "ssdp:all\r\nX-Evil: 1", "ssdp:all\rX: 1", "1\x00", "\x7f",
            "\u2028", "\ufeff", "-1", "+3", "0x10", "9" * 11, "a" * 300, '"ssdp:discover" ', "max-age=-1",
        ]
    ),
)
GOOD = {
    "host": ["239.255.255.250:1900", "[FF02::C]:1900", "192.168.1.10:1900"],
    "man": ['"ssdp:discover"'],
    "st": ["ssdp:all", "upnp:rootdevice", UDN, "urn:schemas-upnp-org:device:Basic:1", "urn:Belkin:device:**"],
    "mx": ["0", "1", "3", "120", "9999999999"],
    "nt": ["upnp:rootdevice", UDN, "urn:schemas-upnp-org:service:SwitchPower:1"],
    "nts": [ALIVE, BYEBYE, UPDATE],
    "usn": [UDN, f"{UDN}::upnp:rootdevice"],
    "location": ["http://192.168.1.1:5000/rootDesc.xml", "http://[fe80::1]:80/d.xml"],
    "cache-control": ["max-age=1800", "max-age = 60, no-cache", 'max-age="90"'],
    "server": ["Linux/6.1 UPnP/1.1 MiniUPnPd/2.3.3", "caf\u00e9 \t server"],
    "bootid.upnp.org": ["0", "1700000000", "2147483647", "2147483648"],
    "configid.upnp.org": ["0", "16777215", "16777216"],
    "nextbootid.upnp.org": ["5"],
    "searchport.upnp.org": ["49152", "1900"],
    "ext": [""],
}
KINDS = {
    "M-SEARCH * HTTP/1.1": ["host", "man", "st", "mx"],
    "NOTIFY * HTTP/1.1": ["host", "nt", "nts", "usn", "location", "cache-control", "server", "bootid.upnp.org", "configid.upnp.org", "nextbootid.upnp.org", "searchport.upnp.org"],
    "HTTP/1.1 200 OK": ["cache-control", "ext", "location", "server", "st", "usn", "bootid.upnp.org", "configid.upnp.org", "searchport.upnp.org"],
}


@st.composite
def nearlyValidMessages(draw: st.DrawFn) -> bytes:
    start = draw(st.sampled_from(sorted(KINDS)))
    lines = [start]
    for name in KINDS[start]:
        if draw(st.integers(0, 19)) == 0:
            continue
        spelled = "".join(c.upper() if draw(st.booleans()) else c for c in name)
        value = draw(st.sampled_from(GOOD[name]) if draw(st.integers(0, 5)) else hostile)
        lines.append(spelled + draw(st.sampled_from([":", ": ", " :\t"])) + value)
        if draw(st.integers(0, 7)) == 0:
            lines.append(spelled + ": " + draw(st.sampled_from(GOOD[name]) | hostile))
    lines += draw(st.lists(st.builds("X-{}: {}".format, names, st.sampled_from(HEADER_VALUES) | hostile), max_size=3))
    if draw(st.integers(0, 9)) == 0:
        lines += draw(st.lists(headerLines, max_size=2))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogatepass")


_WORD_FIELD = re.compile(r"[\x21-\x7e]+")
_TOKEN_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9a-z]+")
_NO_CONTROL = re.compile(r"[^\x00-\x08\x0a-\x1f\x7f]*")


class FuzzPropertyTests(SynchronousTestCase):
    """
    L{parse} never raises, only returns its four result types, and never
    returns a field it did not validate: every field of a message passes
    the validators, and the formatters accept it (above all the ST, the
    only request text a response may carry).
    """

    def assertParsesToAValue(self, data: bytes) -> None:
        result = parse(data)
        self.assertIsInstance(result, (MSearch, Notify, SearchResponse, ParseError))
        if isinstance(result, ParseError):
            self.assertIsInstance(result.reason, str)
            self.assertTrue(result.reason)
        else:
            self.assertOnlyValidatedFields(result)

    def assertWord(self, value: object) -> None:
        assert isinstance(value, str), value
        self.assertRegex(value, _WORD_FIELD)
        self.assertIsNotNone(_WORD_FIELD.fullmatch(value), value)

    def assertNumber(self, value: object, low: int, high: int) -> None:
        if value is not None:
            assert isinstance(value, int) and not isinstance(value, bool), value
            self.assertTrue(low <= value <= high, value)

    def assertOnlyValidatedFields(self, message: MSearch | Notify | SearchResponse) -> None:
        for name, value in message.headers.pairs:
            self.assertIsNotNone(_TOKEN_NAME.fullmatch(name), name)
            self.assertIsNotNone(_NO_CONTROL.fullmatch(value), value)
            self.assertEqual(value, value.strip(" \t"))
        if isinstance(message, MSearch):
            self.assertTrue(isSearchTarget(message.st), message.st)
            self.assertWord(message.host)
            self.assertNumber(message.mx, 0, 9999999999)
            # The one value a response copies from a request goes through as is.
            response = parse(formatSearchResponse(message.st, UDN, "http://h/", 1800, "S/1 UPnP/1.1 P/1", "D", 1, 1))
            assert isinstance(response, SearchResponse)
            self.assertEqual(response.st, message.st)
            self.assertEqual(parse(formatMSearch(message.st, None, message.host)), MSearch(message.st, None, message.host))
        elif isinstance(message, Notify):
            self.assertIn(message.nts, (ALIVE, BYEBYE, UPDATE))
            for word in (message.nt, message.usn):
                self.assertWord(word)
            if message.nts != BYEBYE or message.location is not None:
                self.assertWord(message.location)
            self.assertNumber(message.maxAge, 0, 10**10)
            self.assertNumber(message.bootId, 0, 2**31 - 1)
            self.assertNumber(message.nextBootId, 0, 2**31 - 1)
            self.assertNumber(message.configId, 0, 2**24 - 1)
            self.assertNumber(message.searchPort, 49152, 65535)
            if message.server is not None:
                self.assertIsNotNone(_NO_CONTROL.fullmatch(message.server))
            again = parse(formatNotifyByebye("h:1900", message.nt, message.usn, message.bootId or 0, message.configId))
            assert isinstance(again, Notify)
            self.assertEqual((again.nt, again.usn), (message.nt, message.usn))
        else:
            for word in (message.st, message.usn, message.location):
                self.assertWord(word)
            self.assertNumber(message.maxAge, 0, 10**10)
            self.assertNumber(message.bootId, 0, 2**31 - 1)
            self.assertNumber(message.configId, 0, 2**24 - 1)
            self.assertNumber(message.searchPort, 49152, 65535)
            again = parse(
                formatSearchResponse(
                    message.st, message.usn, message.location, 1800, "S", "D", 1, message.configId, message.searchPort
                )
            )
            assert isinstance(again, SearchResponse)
            self.assertEqual(
                (again.st, again.usn, again.location, again.configId, again.searchPort),
                (message.st, message.usn, message.location, message.configId, message.searchPort),
            )

    @settings(max_examples=300)
    @given(nearlyValidMessages())
    def test_nearlyValidMessages(self, data) -> None:
        """
        Messages with every header present, some of them hostile, parse to a
        value with validated fields only.
        """
        self.assertParsesToAValue(data)

    def test_nearlyValidMessagesReachEveryKind(self) -> None:
        """
        The strategy above produces every message kind, so the property
        checks the validators of each (it would prove little if everything
        were a L{ParseError}).
        """
        kinds: set[type] = set()

        class AllSeen(Exception):
            pass

        @settings(max_examples=3000, database=None, phases=[Phase.generate])
        @given(nearlyValidMessages())
        def collect(data: bytes) -> None:
            kinds.add(type(parse(data)))
            if kinds >= {MSearch, Notify, SearchResponse}:
                raise AllSeen()

        self.assertRaises(AllSeen, collect)

    @settings(max_examples=500)
    @given(st.binary(max_size=MAX_DATAGRAM + 10))
    def test_arbitraryBytes(self, data) -> None:
        """
        Any bytes at all parse to a value with validated fields only.
        """
        self.assertParsesToAValue(data)

    @settings(max_examples=500)
    @given(headerishTexts)
    def test_headerishTexts(self, data) -> None:
        """
        Text shaped like start and header lines, with any line endings, parses
        to a value with validated fields only.
        """
        self.assertParsesToAValue(data)

    @given(st.sampled_from([SEED_SEARCH, GSSDP_SEARCH, ROUTER_ALIVE, SEED_RESPONSE]), st.data())
    def test_mutatedRealMessages(self, message, data) -> None:
        """
        Real datagrams with bytes inserted and cut anywhere parse to a value
        with validated fields only.
        """
        position = data.draw(st.integers(0, len(message)))
        insert = data.draw(st.binary(max_size=8))
        cut = data.draw(st.integers(0, 8))
        self.assertParsesToAValue(message[:position] + insert + message[position + cut :])
