# -*- test-case-name: tests.eventing.test_message -*-
"""
Tests for L{coherence_lite.eventing.message}: GENA headers, SEQ, and
property sets.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

from hypothesis import given
from hypothesis import strategies as st

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.eventing.message import (
    DEFAULT_TIMEOUT,
    MAX_CALLBACK_LENGTH,
    MAX_CALLBACK_URLS,
    MAX_PROPERTIES,
    MAX_SEQ,
    MAX_STATEVARS,
    MAX_TIMEOUT,
    MIN_TIMEOUT,
    CallbackURL,
    EventNotify,
    NewSubscription,
    Renewal,
    SubscriptionError,
    Unsubscribe,
    classify,
    classifyNotify,
    formatPropertySet,
    nextSeq,
    notifyHeaders,
    parseCallback,
    parsePropertySet,
    parseSID,
    parseStateVars,
    parseTimeout,
)

from tests.control.test_message import xmlText

SID = "uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8"
CALLBACK = "<http://192.168.1.5:4000/notify/1>"
HEADER = b'<?xml version="1.0"?><e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0">'


def urls(value: str) -> tuple[CallbackURL, ...]:
    """
    The URLs of a CALLBACK header that must be accepted.
    """
    result = parseCallback(value)
    assert isinstance(result, tuple), result
    return result


class CallbackTests(SynchronousTestCase):
    """
    CALLBACK headers: literal addresses only, bounded.
    """

    def test_urls(self) -> None:
        """
        Each URL in angle brackets gives its address, port (80 by default),
        path (C{/} by default) and IPv6 zone, in order.
        """
        self.assertEqual(
            parseCallback("<http://192.168.1.5:4000/notify/1?x=%20> <HTTP://[fe80::1%25eth0]:80><http://[2001:db8::5]>"),
            (
                CallbackURL(IPv4Address("192.168.1.5"), 4000, "/notify/1?x=%20"),
                CallbackURL(IPv6Address("fe80::1"), 80, "/", "eth0"),
                CallbackURL(IPv6Address("2001:db8::5"), 80, "/"),
            ),
        )

    def test_hostHeaderAndURL(self) -> None:
        """
        The HOST of a NOTIFY brackets an IPv6 address; the URL leaves the
        zone out.
        """
        v4, v6 = urls("<http://10.0.0.2:49152/ev><http://[fe80::1%25eth0]:8080/a/b>")
        self.assertEqual((v4.hostHeader, v4.url), ("10.0.0.2:49152", "http://10.0.0.2:49152/ev"))
        self.assertEqual((v6.hostHeader, v6.url), ("[fe80::1]:8080", "http://[fe80::1]:8080/a/b"))

    def test_refused(self) -> None:
        """
        A host name, another scheme, user information, a bad or zero port,
        a non-canonical or IPv4-in-brackets address, a fragment, spaces, or
        a header that is not a list of URLs, is a 412 for the whole header.
        """
        for value in (
            None,
            "http://1.2.3.4/",
            "<>",
            "<http://example.com/>",
            "<http://localhost:80/>",
            "<https://1.2.3.4/>",
            "<ftp://1.2.3.4/>",
            "<http://user@1.2.3.4/>",
            "<http://1.2.3.4:0/>",
            "<http://1.2.3.4:65536/>",
            "<http://1.2.3.4:http/>",
            "<http://010.0.0.1/>",
            "<http://1.2.3/>",
            "<http://256.1.1.1/>",
            "<http://[1.2.3.4]/>",
            "<http://fe80::1/>",
            "<http://[fe80::1%eth0]/>",
            "<http://1.2.3.4/#top>",
            "<http://1.2.3.4/a b>",
            "<http://1.2.3.4/>junk",
            "<http://1.2.3.4/><http://example.com/>",
            "<http://1.2.3.4/<x>>",
            "<//1.2.3.4/>",
        ):
            result = parseCallback(value)
            assert isinstance(result, SubscriptionError), value
            self.assertEqual(result.status, 412)

    def test_bounded(self) -> None:
        """
        At most L{MAX_CALLBACK_URLS} URLs and L{MAX_CALLBACK_LENGTH}
        characters.
        """
        self.assertEqual(len(urls(CALLBACK * MAX_CALLBACK_URLS)), MAX_CALLBACK_URLS)
        self.assertIsInstance(parseCallback(CALLBACK * (MAX_CALLBACK_URLS + 1)), SubscriptionError)
        longest = "<http://1.2.3.4/" + "a" * (MAX_CALLBACK_LENGTH - 17) + ">"
        self.assertEqual(len(longest), MAX_CALLBACK_LENGTH)
        self.assertIsInstance(parseCallback(longest), tuple)
        self.assertIsInstance(parseCallback(longest[:-1] + "a>"), SubscriptionError)

    @given(st.text(max_size=200))
    def test_anyTextNeverRaises(self, value: str) -> None:
        """
        Whatever a CALLBACK holds gives URLs or a 412, never an exception.
        """
        result = parseCallback(value)
        self.assertIsInstance(result, (tuple, SubscriptionError))


class HeaderValueTests(SynchronousTestCase):
    """
    TIMEOUT, SID and STATEVAR.
    """

    def test_timeout(self) -> None:
        """
        C{Second-N} is granted within the bounds; C{Second-infinite} is the
        maximum; absent or unusable is the default.
        """
        self.assertEqual((MIN_TIMEOUT, DEFAULT_TIMEOUT, MAX_TIMEOUT), (1800, 1800, 86400))
        self.assertEqual(parseTimeout("Second-3600"), 3600)
        self.assertEqual(parseTimeout("second-300"), 1800)
        self.assertEqual(parseTimeout("Second-999999999999"), 86400)
        self.assertEqual(parseTimeout("Second-infinite"), 86400)
        self.assertEqual(parseTimeout("SECOND-INFINITE"), 86400)
        for value in (None, "", "3600", "Second-", "Second--5", "Second-1e3", "Second-9999999999999", "Minute-5"):
            self.assertEqual(parseTimeout(value), DEFAULT_TIMEOUT, value)

    def test_timeoutBoundsAreTheCallers(self) -> None:
        """
        The bounds and the default are parameters; the default is clamped
        too, and bounds must make sense.
        """
        self.assertEqual(parseTimeout("Second-5", minimum=10, maximum=100), 10)
        self.assertEqual(parseTimeout("Second-50", minimum=10, maximum=100), 50)
        self.assertEqual(parseTimeout("Second-infinite", minimum=10, maximum=100), 100)
        self.assertEqual(parseTimeout(None, minimum=10, maximum=100), 100)
        self.assertEqual(parseTimeout(None, minimum=10, maximum=100, default=30), 30)
        self.assertRaises(ValueError, parseTimeout, None, 0, 10)
        self.assertRaises(ValueError, parseTimeout, None, 20, 10)

    def test_sid(self) -> None:
        """
        A SID is C{uuid:} and a UUID, returned in lower case; anything else
        is L{None}.
        """
        self.assertEqual(parseSID(SID), SID)
        self.assertEqual(parseSID(SID.upper().replace("UUID:", "uuid:")), SID)
        for value in (None, "", SID[5:], "uuid:", "uuid:x", SID + "0", "UUID:" + SID[5:], " " + SID, SID.replace("-", "")):
            self.assertIsNone(parseSID(value), value)

    def test_stateVars(self) -> None:
        """
        STATEVAR lists names, stripped, in order, without repeats; absent
        is L{None}; malformed or too long is 412.
        """
        self.assertIsNone(parseStateVars(None))
        self.assertEqual(parseStateVars("Status, Target ,Status"), ("Status", "Target"))
        names = parseStateVars(",".join(f"v{i}" for i in range(MAX_STATEVARS)))
        assert isinstance(names, tuple)
        self.assertEqual(len(names), MAX_STATEVARS)
        for value in ("a,,b", "a b", ",", "1a", ",".join(f"v{i}" for i in range(MAX_STATEVARS + 1))):
            result = parseStateVars(value)
            assert isinstance(result, SubscriptionError), value
            self.assertEqual(result.status, 412)


class ClassifyTests(SynchronousTestCase):
    """
    L{classify} sorts SUBSCRIBE and UNSUBSCRIBE requests.
    """

    def assertRefused(self, method: str, headers: dict[str, str], status: int) -> None:
        """
        The request gets C{status}.
        """
        result = classify(method, headers)
        assert isinstance(result, SubscriptionError), result
        self.assertEqual(result.status, status, result.reason)

    def test_newSubscription(self) -> None:
        """
        CALLBACK and NT make a new subscription, with TIMEOUT and STATEVAR
        when given; header names match in any case.
        """
        url = CallbackURL(IPv4Address("192.168.1.5"), 4000, "/notify/1")
        self.assertEqual(
            classify("SUBSCRIBE", {"callback": CALLBACK, "nt": "upnp:event"}), NewSubscription((url,), DEFAULT_TIMEOUT)
        )
        self.assertEqual(
            classify("SUBSCRIBE", {"CALLBACK": CALLBACK, "NT": "upnp:event", "TIMEOUT": "Second-7200", "StateVar": "Status"}),
            NewSubscription((url,), 7200, ("Status",)),
        )
        self.assertEqual(
            classify("SUBSCRIBE", {"CALLBACK": CALLBACK, "NT": "upnp:event", "TIMEOUT": "Second-7200"}, 60, 3600, 120),
            NewSubscription((url,), 3600),
        )

    def test_renewalAndUnsubscribe(self) -> None:
        """
        A SUBSCRIBE with SID alone is a renewal; an UNSUBSCRIBE with SID
        alone ends the subscription.
        """
        self.assertEqual(classify("SUBSCRIBE", {"SID": SID, "TIMEOUT": "Second-3600"}), Renewal(SID, 3600))
        self.assertEqual(classify("SUBSCRIBE", {"SID": SID}, 60, 600, 300), Renewal(SID, 300))
        self.assertEqual(classify("UNSUBSCRIBE", {"sid": SID.upper().replace("UUID", "uuid")}), Unsubscribe(SID))

    def test_sidWithCallbackOrNTIs400(self) -> None:
        """
        SID together with CALLBACK or NT is 400, for both methods, even
        when the SID is not a usable one.
        """
        for method in ("SUBSCRIBE", "UNSUBSCRIBE"):
            self.assertRefused(method, {"SID": SID, "CALLBACK": CALLBACK}, 400)
            self.assertRefused(method, {"SID": SID, "NT": "upnp:event"}, 400)
            self.assertRefused(method, {"SID": "junk", "NT": "upnp:event", "CALLBACK": CALLBACK}, 400)

    def test_preconditionsAre412(self) -> None:
        """
        A missing or unusable CALLBACK, NT or SID, or a bad STATEVAR, is 412.
        """
        self.assertRefused("SUBSCRIBE", {"NT": "upnp:event"}, 412)
        self.assertRefused("SUBSCRIBE", {"NT": "upnp:event", "CALLBACK": " "}, 412)
        self.assertRefused("SUBSCRIBE", {"NT": "upnp:event", "CALLBACK": "<http://evil.example/>"}, 412)
        self.assertRefused("SUBSCRIBE", {"CALLBACK": CALLBACK}, 412)
        self.assertRefused("SUBSCRIBE", {"CALLBACK": CALLBACK, "NT": "upnp:propchange"}, 412)
        self.assertRefused("SUBSCRIBE", {"CALLBACK": CALLBACK, "NT": "upnp:event", "STATEVAR": "a b"}, 412)
        self.assertRefused("SUBSCRIBE", {"SID": "uuid:junk"}, 412)
        self.assertRefused("SUBSCRIBE", {}, 412)
        self.assertRefused("UNSUBSCRIBE", {}, 412)
        self.assertRefused("UNSUBSCRIBE", {"SID": "uuid:junk"}, 412)

    def test_otherMethodsAre405(self) -> None:
        """
        Only SUBSCRIBE and UNSUBSCRIBE are classified.
        """
        self.assertRefused("NOTIFY", {"SID": SID}, 405)
        self.assertRefused("subscribe", {"CALLBACK": CALLBACK, "NT": "upnp:event"}, 405)

    @given(st.dictionaries(st.sampled_from(["SID", "CALLBACK", "NT", "TIMEOUT", "STATEVAR", "X"]), st.text(max_size=80)))
    def test_anyHeadersNeverRaise(self, headers: dict[str, str]) -> None:
        """
        Whatever the headers, a SUBSCRIBE gets a value, never an exception.
        """
        result = classify("SUBSCRIBE", headers)
        self.assertIsInstance(result, (NewSubscription, Renewal, SubscriptionError))


class NotifyTests(SynchronousTestCase):
    """
    Event messages: SEQ, headers, and their check on the subscriber's side.
    """

    def test_nextSeq(self) -> None:
        """
        SEQ counts up by one and wraps from 4294967295 to 1, never to 0.
        """
        self.assertEqual(MAX_SEQ, 4294967295)
        self.assertEqual(nextSeq(0), 1)
        self.assertEqual(nextSeq(41), 42)
        self.assertEqual(nextSeq(MAX_SEQ - 1), MAX_SEQ)
        self.assertEqual(nextSeq(MAX_SEQ), 1)
        self.assertRaises(ValueError, nextSeq, -1)
        self.assertRaises(ValueError, nextSeq, MAX_SEQ + 1)

    def test_headers(self) -> None:
        """
        A NOTIFY carries HOST, CONTENT-TYPE, NT, NTS, SID and SEQ, in that
        order.
        """
        (url,) = urls("<http://[fe80::2%25eth0]:4000/ev>")
        self.assertEqual(
            notifyHeaders(url, SID, 7),
            (
                (b"HOST", b"[fe80::2]:4000"),
                (b"CONTENT-TYPE", b'text/xml; charset="utf-8"'),
                (b"NT", b"upnp:event"),
                (b"NTS", b"upnp:propchange"),
                (b"SID", SID.encode()),
                (b"SEQ", b"7"),
            ),
        )
        self.assertRaises(ValueError, notifyHeaders, url, "uuid:x\r\nX: y", 0)
        self.assertRaises(ValueError, notifyHeaders, url, SID.upper(), 0)
        self.assertRaises(ValueError, notifyHeaders, url, SID, MAX_SEQ + 1)

    def test_classifyNotify(self) -> None:
        """
        A subscriber accepts NT upnp:event, NTS upnp:propchange, a SID and a
        SEQ; missing NT or NTS is 400, other faults 412.
        """
        good = {"NT": "upnp:event", "NTS": "upnp:propchange", "SID": SID, "SEQ": "0"}
        self.assertEqual(classifyNotify(good), EventNotify(SID, 0))
        self.assertEqual(classifyNotify({**good, "SEQ": str(MAX_SEQ)}), EventNotify(SID, MAX_SEQ))
        for headers, status in (
            ({**good, "NT": ""}, 400),
            ({k: v for k, v in good.items() if k != "NTS"}, 400),
            ({**good, "NT": "upnp:propchange"}, 412),
            ({**good, "NTS": "ssdp:alive"}, 412),
            ({**good, "SID": "uuid:x"}, 412),
            ({**good, "SEQ": "-1"}, 412),
            ({**good, "SEQ": str(MAX_SEQ + 1)}, 412),
            ({**good, "SEQ": "１"}, 412),
        ):
            result = classifyNotify(headers)
            assert isinstance(result, SubscriptionError), headers
            self.assertEqual(result.status, status)


class PropertySetTests(SynchronousTestCase):
    """
    Property set bodies, byte for byte and read back.
    """

    def test_format(self) -> None:
        """
        One C{e:property} per variable, in order, values escaped.
        """
        self.assertEqual(
            formatPropertySet([("Status", "1"), ("Note", "a&b<c>\r"), ("Empty", "")]),
            HEADER
            + b"<e:property><Status>1</Status></e:property>"
            + b"<e:property><Note>a&amp;b&lt;c&gt;&#13;</Note></e:property>"
            + b"<e:property><Empty></Empty></e:property></e:propertyset>",
        )
        self.assertEqual(formatPropertySet([]), HEADER + b"</e:propertyset>")
        self.assertEqual(formatPropertySet([("T", "é")]), HEADER + "<e:property><T>é</T></e:property></e:propertyset>".encode())

    def test_formatRefusesWhatCannotBeSent(self) -> None:
        """
        A name that is not an XML name, or a value XML cannot carry, raises
        L{ValueError}.
        """
        self.assertRaises(ValueError, formatPropertySet, [("a b", "1")])
        self.assertRaises(ValueError, formatPropertySet, [("a><x", "1")])
        self.assertRaises(ValueError, formatPropertySet, [("a", "\x07")])

    @given(st.lists(st.tuples(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True), xmlText), max_size=10))
    def test_roundTrip(self, properties: list[tuple[str, str]]) -> None:
        """
        Whatever is formatted is parsed back unchanged, in order.
        """
        self.assertEqual(parsePropertySet(formatPropertySet(properties)), tuple(properties))

    def test_lenientParse(self) -> None:
        """
        Several variables in one property, other children of the property
        set, whitespace and qualified variable names are accepted.
        """
        data = (
            b'<?xml version="1.0" encoding="utf-8"?>\n<e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0">\n'
            b"  <e:property><A>1</A><B>2</B></e:property>\n  <e:other/>\n"
            b'  <e:property><x:C xmlns:x="urn:x">3</x:C></e:property>\n</e:propertyset>'
        )
        self.assertEqual(parsePropertySet(data), (("A", "1"), ("B", "2"), ("C", "3")))

    def test_refused(self) -> None:
        """
        Bodies that are not well-formed, use a DTD, are not a property set,
        carry a variable with elements inside, or too many variables, give
        a reason instead of pairs.
        """
        laughs = b'<!DOCTYPE e [<!ENTITY a "aaaa">]>' + formatPropertySet([("A", "1")])[21:].replace(b">1<", b">&a;<")
        for data in (
            b"",
            b"<e:propertyset",
            laughs,
            b'<propertyset xmlns="urn:other"/>',
            HEADER + b"<e:property><A><b/></A></e:property></e:propertyset>",
            formatPropertySet([("A", "1")] * (MAX_PROPERTIES + 1)),
        ):
            self.assertIsInstance(parsePropertySet(data), str)
        self.assertEqual(len(parsePropertySet(formatPropertySet([("A", "1")] * MAX_PROPERTIES))), MAX_PROPERTIES)
        self.assertIsInstance(parsePropertySet(formatPropertySet([("A", "1")] * 3), maxProperties=2), str)

    @given(st.binary(max_size=300))
    def test_anyBytesNeverRaise(self, data: bytes) -> None:
        """
        Whatever bytes arrive, parsing gives pairs or a reason.
        """
        self.assertIsInstance(parsePropertySet(data), (tuple, str))
