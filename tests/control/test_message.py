# -*- test-case-name: tests.control.test_message -*-
"""
Tests for L{coherence_lite.control.message} (SOAP requests, responses and
faults) and L{coherence_lite.errors.UPnPError}.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.control.message import (
    CONTROL_NS,
    MAX_ARGUMENTS,
    MAX_DEPTH,
    MAX_ELEMENTS,
    ActionRequest,
    ActionResponse,
    ControlError,
    QueryStateVariable,
    SOAPAction,
    escapeText,
    formatFault,
    formatQueryStateVariableResponse,
    formatResponse,
    headerValue,
    isXMLContentType,
    parseRequest,
    parseResponse,
    parseSOAPAction,
    shapeProblem,
    soapActionOf,
)
from coherence_lite.errors import UPnPError
from coherence_lite.model.xmlparse import XMLError, parseXML

SWITCH = "urn:schemas-upnp-org:service:SwitchPower:1"
SET_TARGET = SOAPAction(SWITCH, "SetTarget")
QSV = SOAPAction(CONTROL_NS, "QueryStateVariable")

PROLOGUE = b'<?xml version="1.0" encoding="utf-8"?>\n'
START = (
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    b's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
)
END = b"</s:Body></s:Envelope>"


def envelope(inner: bytes, prologue: bytes = PROLOGUE) -> bytes:
    """
    A SOAP envelope whose Body holds C{inner}.
    """
    return prologue + START + inner + END


def setTarget(arguments: bytes = b"<newTargetValue>1</newTargetValue>") -> bytes:
    """
    A SetTarget call of SwitchPower:1 with C{arguments}.
    """
    return envelope(b'<u:SetTarget xmlns:u="' + SWITCH.encode() + b'">' + arguments + b"</u:SetTarget>")


#: Text any XML 1.0 document can carry.
xmlText = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff").filter(
        lambda c: c in "\t\n\r" or ord(c) >= 0x20
    )
)


class UPnPErrorTests(SynchronousTestCase):
    """
    L{UPnPError} carries a valid code and a description.
    """

    def test_standardDescriptions(self) -> None:
        """
        The codes UDA defines get their standard description by default.
        """
        self.assertEqual(UPnPError(401).description, "Invalid Action")
        self.assertEqual(UPnPError(402).description, "Invalid Args")
        self.assertEqual(UPnPError(501).description, "Action Failed")
        self.assertEqual(UPnPError(600).description, "Argument Value Invalid")
        self.assertEqual(UPnPError(601).description, "Argument Value Out of Range")
        self.assertEqual(UPnPError(605).description, "String Argument Too Long")

    def test_ownDescription(self) -> None:
        """
        A description given replaces the standard one, and a service's own
        code needs one.
        """
        self.assertEqual(UPnPError(402, "Bad target").description, "Bad target")
        error = UPnPError(714, "No such entry in array")
        self.assertEqual((error.code, error.description), (714, "No such entry in array"))
        self.assertEqual(str(error), "UPnP error 714: No such entry in array")
        self.assertRaises(ValueError, UPnPError, 714)

    def test_codesOutsideTheRangesAreRefused(self) -> None:
        """
        Only 401, 402, 501 and 600-899 are UPnP error codes; a bool or a
        string is not a code.
        """
        for code in (400, 403, 500, 599, 900, 0, -401):
            self.assertRaises(ValueError, UPnPError, code, "x")
        self.assertRaises(ValueError, UPnPError, True, "x")
        self.assertRaises(ValueError, UPnPError, "401")
        self.assertEqual(UPnPError(899, "vendor").code, 899)

    def test_badDescriptionsAreRefused(self) -> None:
        """
        A description is 1 to 256 characters without control characters.
        """
        for description in ("", "   ", "x" * 257, "a\nb", "a\x00", "a\x85"):
            self.assertRaises(ValueError, UPnPError, 402, description)
        self.assertEqual(UPnPError(402, "x" * 256).description, "x" * 256)
        self.assertEqual(UPnPError(402, "Lampe éteinte 💡").description, "Lampe éteinte 💡")


class HeaderTests(SynchronousTestCase):
    """
    SOAPACTION, M-POST and Content-Type headers.
    """

    def test_headerValue(self) -> None:
        """
        Header names match case-insensitively; values are stripped and an
        empty one is absent.
        """
        headers = {"SOAPAction": ' "a#b" ', "Empty": " ", "X": "1"}
        self.assertEqual(headerValue(headers, "soapaction"), '"a#b"')
        self.assertIsNone(headerValue(headers, "empty"))
        self.assertIsNone(headerValue(headers, "missing"))

    def test_contentTypes(self) -> None:
        """
        C{text/xml} with or without charset and C{application/xml} are
        accepted, as is no Content-Type; anything else is not.
        """
        for value in ('text/xml; charset="utf-8"', "text/xml", "TEXT/XML;charset=utf-8", "application/xml", None):
            self.assertTrue(isXMLContentType(value), value)
        for value in ("application/x-www-form-urlencoded", "text/html", "", "text/xmlx"):
            self.assertFalse(isXMLContentType(value), value)

    def test_quotedAndUnquoted(self) -> None:
        """
        SOAPACTION is C{serviceType#actionName}, in quotes or not.
        """
        self.assertEqual(parseSOAPAction(f'"{SWITCH}#SetTarget"'), SET_TARGET)
        self.assertEqual(parseSOAPAction(f"{SWITCH}#SetTarget"), SET_TARGET)
        self.assertEqual(parseSOAPAction(f' "{CONTROL_NS}#QueryStateVariable" '), QSV)

    def test_badSOAPActionIs400(self) -> None:
        """
        A missing SOAPACTION, or one that is not C{serviceType#actionName},
        makes the request a plain 400.
        """
        for value in (
            None,
            "",
            '""',
            SWITCH,
            f"{SWITCH}#",
            "#SetTarget",
            f'"{SWITCH}#SetTarget',
            f"{SWITCH}#Set Target",
            f"{SWITCH}#Set#Target",
            "urn:a b#SetTarget",
            f"{SWITCH}#1Action",
            "x" * 300 + "#A",
        ):
            result = parseSOAPAction(value)
            assert isinstance(result, ControlError), value
            self.assertEqual((result.status, result.errorCode), (400, None))

    def test_post(self) -> None:
        """
        A POST's SOAPACTION is read whatever the header name's case.
        """
        self.assertEqual(soapActionOf("POST", {"soapaction": f'"{SWITCH}#SetTarget"'}), SET_TARGET)

    def test_mPost(self) -> None:
        """
        An M-POST names its SOAPACTION header through the SOAP envelope
        extension of C{MAN}.
        """
        headers = {"MAN": '"http://schemas.xmlsoap.org/soap/envelope/"; ns=01', "01-SOAPACTION": f'"{SWITCH}#SetTarget"'}
        self.assertEqual(soapActionOf("M-POST", headers), SET_TARGET)
        headers = {"Man": "http://schemas.xmlsoap.org/soap/envelope/;ns=42", "42-SoapAction": f"{SWITCH}#SetTarget"}
        self.assertEqual(soapActionOf("M-POST", headers), SET_TARGET)

    def test_badMPostIs400(self) -> None:
        """
        An M-POST without the envelope extension, with another prefix, or
        only a plain SOAPACTION, is a 400; so is any other method.
        """
        plain = {"SOAPACTION": f'"{SWITCH}#SetTarget"'}
        cases = [
            ("M-POST", plain),
            ("M-POST", {"MAN": '"http://example.com/"; ns=01', "01-SOAPACTION": f"{SWITCH}#SetTarget"}),
            ("M-POST", {"MAN": '"http://schemas.xmlsoap.org/soap/envelope/"; ns=01', "02-SOAPACTION": f"{SWITCH}#SetTarget"}),
            ("GET", plain),
        ]
        for method, headers in cases:
            result = soapActionOf(method, headers)
            assert isinstance(result, ControlError), (method, headers)
            self.assertEqual(result.status, 400)


class ParseRequestTests(SynchronousTestCase):
    """
    L{parseRequest} turns an envelope into an action call or says why not.
    """

    def assertError(self, data: bytes, status: int, code: int | None, action: SOAPAction = SET_TARGET) -> ControlError:
        """
        Parsing C{data} as a call of C{action} gives C{status} and C{code}.
        """
        result = parseRequest(data, action)
        assert isinstance(result, ControlError), repr(result)
        self.assertEqual((result.status, result.errorCode), (status, code), result.reason)
        return result

    def test_setTarget(self) -> None:
        """
        A well-formed call gives its service type, action and arguments.
        """
        self.assertEqual(parseRequest(setTarget(), SET_TARGET), ActionRequest(SWITCH, "SetTarget", (("newTargetValue", "1"),)))

    def test_argumentsInOrderAndDecoded(self) -> None:
        """
        Arguments keep their order; references, CDATA, non-ASCII text and
        empty elements are read as text.
        """
        data = setTarget(
            b"<B>x &amp; &lt;y&gt; &#x1F4A1;</B><A><![CDATA[<raw>]]></A><C/><D>caf\xc3\xa9</D><E>\n  spaced \n</E>"
        )
        result = parseRequest(data, SET_TARGET)
        assert isinstance(result, ActionRequest)
        self.assertEqual(
            result.arguments, (("B", "x & <y> 💡"), ("A", "<raw>"), ("C", ""), ("D", "café"), ("E", "\n  spaced \n"))
        )

    def test_tolerated(self) -> None:
        """
        A SOAP Header, leading whitespace, a byte order mark, another
        declared encoding, no declaration and arguments in the action's
        namespace are all accepted.
        """
        qualified = envelope(
            b'<u:SetTarget xmlns:u="' + SWITCH.encode() + b'"><u:newTargetValue>1</u:newTargetValue></u:SetTarget>'
        )
        withHeader = setTarget().replace(b"<s:Body>", b"<s:Header><x/></s:Header><s:Body>")
        latin = envelope(
            b'<u:SetTarget xmlns:u="' + SWITCH.encode() + b'"><newTargetValue>caf\xe9</newTargetValue></u:SetTarget>',
            b'<?xml version="1.0" encoding="ISO-8859-1"?>',
        )
        expected = ActionRequest(SWITCH, "SetTarget", (("newTargetValue", "1"),))
        for data in (qualified, withHeader, b"\r\n  " + setTarget(), b"\xef\xbb\xbf" + setTarget(), setTarget()[len(PROLOGUE) :]):
            self.assertEqual(parseRequest(data, SET_TARGET), expected)
        self.assertEqual(parseRequest(latin, SET_TARGET), ActionRequest(SWITCH, "SetTarget", (("newTargetValue", "café"),)))

    def test_queryStateVariable(self) -> None:
        """
        The deprecated QueryStateVariable gives the variable's name, with
        C{varName} qualified as UDA 1.0 shows it or not.
        """
        for arg in (b"<u:varName>Status</u:varName>", b"<varName>Status</varName>"):
            data = envelope(b'<u:QueryStateVariable xmlns:u="' + CONTROL_NS.encode() + b'">' + arg + b"</u:QueryStateVariable>")
            self.assertEqual(parseRequest(data, QSV), QueryStateVariable("Status"))

    def test_queryStateVariableNeedsVarNameAlone(self) -> None:
        """
        QueryStateVariable without C{varName}, or with more, is a 402.
        """
        for args in (b"", b"<other>x</other>", b"<varName>A</varName><more>B</more>"):
            data = envelope(b'<u:QueryStateVariable xmlns:u="' + CONTROL_NS.encode() + b'">' + args + b"</u:QueryStateVariable>")
            self.assertError(data, 500, 402, QSV)

    def test_mismatchIs401(self) -> None:
        """
        An action element that does not match SOAPACTION in name or
        namespace, or no or several action elements, is fault 401.
        """
        self.assertError(setTarget(), 500, 401, SOAPAction(SWITCH, "GetStatus"))
        self.assertError(setTarget(), 500, 401, SOAPAction(SWITCH.replace(":1", ":2"), "SetTarget"))
        self.assertError(envelope(b"<SetTarget><newTargetValue>1</newTargetValue></SetTarget>"), 500, 401)
        self.assertError(envelope(b""), 500, 401)
        twice = b'<u:SetTarget xmlns:u="' + SWITCH.encode() + b'"/>'
        self.assertError(envelope(twice + twice), 500, 401)

    def test_badArgumentsAre402(self) -> None:
        """
        An argument given twice, holding elements, or in another namespace,
        and more than L{MAX_ARGUMENTS} arguments, are fault 402.
        """
        self.assertError(setTarget(b"<a>1</a><a>2</a>"), 500, 402)
        self.assertError(setTarget(b"<a><b>1</b></a>"), 500, 402)
        self.assertError(setTarget(b'<x:a xmlns:x="urn:other">1</x:a>'), 500, 402)
        many = b"".join(b"<a%d>1</a%d>" % (i, i) for i in range(MAX_ARGUMENTS + 1))
        self.assertError(setTarget(many), 500, 402)
        result = parseRequest(setTarget(many[: many.index(b"<a64>")]), SET_TARGET)
        assert isinstance(result, ActionRequest)
        self.assertEqual(len(result.arguments), MAX_ARGUMENTS)

    def test_notSOAPIs400(self) -> None:
        """
        A body that is empty, not well-formed, not a SOAP 1.1 envelope, or
        without exactly one Body is a plain 400.
        """
        soap12 = setTarget().replace(b"http://schemas.xmlsoap.org/soap/envelope/", b"http://www.w3.org/2003/05/soap-envelope")
        for data in (
            b"",
            b"   ",
            b"<",
            setTarget()[:-5],
            b"\xff\xfe<a/>",
            b"<s:Envelope/>",
            b"<Envelope><Body/></Envelope>",
            soap12,
            b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>',
            setTarget().replace(END, b"</s:Body><s:Body/></s:Envelope>"),
            setTarget().replace(b"<s:Body>", b"<x/><s:Body>"),
            setTarget() + b"<trailing/>",
        ):
            self.assertError(data, 400, None)

    def test_forbiddenXMLIs400(self) -> None:
        """
        DTDs (billion laughs), entity declarations and external entities
        are refused before anything is expanded.
        """
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            + START
            + b"<u:SetTarget xmlns:u=\"" + SWITCH.encode() + b"\"><v>&lol2;</v></u:SetTarget>" + END
        )
        external = b'<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + setTarget(b"<v>&x;</v>")[len(PROLOGUE) :]
        doctypeOnly = b"<!DOCTYPE s:Envelope>" + setTarget()[len(PROLOGUE) :]
        for data in (laughs, external, doctypeOnly):
            self.assertIn("forbidden", self.assertError(data, 400, None).reason)
        self.assertIn("malformed", self.assertError(setTarget(b"<v>&undefined;</v>"), 400, None).reason)

    def test_boundedSizeAndShape(self) -> None:
        """
        A body above C{maxSize} is 413; more than L{MAX_ELEMENTS} elements,
        or nesting deeper than L{MAX_DEPTH}, is 400.
        """
        data = setTarget()
        result = parseRequest(data, SET_TARGET, maxSize=len(data) - 1)
        self.assertEqual(result, ControlError(413, None, f"body larger than {len(data) - 1} bytes"))
        self.assertIsInstance(parseRequest(data, SET_TARGET, maxSize=len(data)), ActionRequest)
        self.assertIn("too many", self.assertError(setTarget(b"<a/>" * MAX_ELEMENTS), 400, None).reason)
        deep = b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH
        self.assertIn("deep", self.assertError(setTarget(deep), 400, None).reason)

    @given(st.binary(max_size=512))
    def test_anyBytesNeverRaise(self, data: bytes) -> None:
        """
        Whatever bytes arrive, parsing gives an error value, never an
        exception.
        """
        self.assertIsInstance(parseRequest(data, SET_TARGET), ControlError)

    @given(st.binary(max_size=64))
    def test_garbageInsideAnEnvelopeNeverRaises(self, junk: bytes) -> None:
        """
        Arbitrary bytes in place of the arguments give a value, never an
        exception.
        """
        self.assertIsInstance(parseRequest(setTarget(junk), SET_TARGET), (ActionRequest, ControlError))


class ShapeProblemTests(SynchronousTestCase):
    """
    L{shapeProblem}, the bound on parsed documents that the control and
    eventing messages share.
    """

    def test_bounds(self) -> None:
        """
        The element and depth bounds are the caller's; exactly at them is
        accepted.
        """
        wide, deep = parseXML(b"<a><b/><c/></a>", 100), parseXML(b"<a><b><c/></b></a>", 100)
        assert not isinstance(wide, XMLError) and not isinstance(deep, XMLError)
        self.assertIsNone(shapeProblem(wide, maxElements=3))
        self.assertEqual(shapeProblem(wide, maxElements=2), "too many elements")
        self.assertIsNone(shapeProblem(deep, maxDepth=3))
        self.assertEqual(shapeProblem(deep, maxDepth=2), "elements nested too deep")


class FormatTests(SynchronousTestCase):
    """
    Responses and faults, byte for byte.
    """

    def test_response(self) -> None:
        """
        A response names the action's namespace on C{u}, and carries every
        out-argument in the order given, escaped.
        """
        self.assertEqual(
            formatResponse(SWITCH, "GetStatus", [("ResultStatus", "1"), ("Note", 'a&b<c>"d"\r\n')]),
            envelope(
                b'<u:GetStatusResponse xmlns:u="urn:schemas-upnp-org:service:SwitchPower:1">'
                b"<ResultStatus>1</ResultStatus><Note>a&amp;b&lt;c&gt;\"d\"&#13;\n</Note></u:GetStatusResponse>"
            ),
        )
        self.assertEqual(
            formatResponse(SWITCH, "SetTarget", []),
            envelope(b'<u:SetTargetResponse xmlns:u="urn:schemas-upnp-org:service:SwitchPower:1"></u:SetTargetResponse>'),
        )

    def test_responseRefusesWhatCannotBeSent(self) -> None:
        """
        Names that are not XML names, a service type with spaces or quotes,
        and values XML cannot carry raise L{ValueError}.
        """
        self.assertRaises(ValueError, formatResponse, SWITCH, "Get Status", [])
        self.assertRaises(ValueError, formatResponse, SWITCH, "GetStatus", [("a><b", "1")])
        self.assertRaises(ValueError, formatResponse, 'urn:x" y="z', "GetStatus", [])
        self.assertRaises(ValueError, formatResponse, SWITCH, "GetStatus", [("a", "\x00")])
        self.assertRaises(ValueError, formatResponse, SWITCH, "GetStatus", [("a", "\ud800")])
        self.assertRaises(ValueError, formatResponse, SWITCH, "GetStatus", [("a", 1)])

    def test_faults(self) -> None:
        """
        A fault is the s:Client UPnPError of UDA, with the code and the
        escaped description.
        """
        for error, detail in (
            (UPnPError(401), b"<errorCode>401</errorCode><errorDescription>Invalid Action</errorDescription>"),
            (UPnPError(402), b"<errorCode>402</errorCode><errorDescription>Invalid Args</errorDescription>"),
            (UPnPError(501), b"<errorCode>501</errorCode><errorDescription>Action Failed</errorDescription>"),
            (UPnPError(601), b"<errorCode>601</errorCode><errorDescription>Argument Value Out of Range</errorDescription>"),
            (UPnPError(714, "A<B & C"), b"<errorCode>714</errorCode><errorDescription>A&lt;B &amp; C</errorDescription>"),
        ):
            self.assertEqual(
                formatFault(error),
                envelope(
                    b"<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>"
                    b'<detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0">' + detail + b"</UPnPError></detail></s:Fault>"
                ),
            )

    def test_queryStateVariableResponse(self) -> None:
        """
        QueryStateVariable is answered with the value in C{<return>}.
        """
        self.assertEqual(
            formatQueryStateVariableResponse("1 < 2"),
            envelope(
                b'<u:QueryStateVariableResponse xmlns:u="urn:schemas-upnp-org:control-1-0">'
                b"<return>1 &lt; 2</return></u:QueryStateVariableResponse>"
            ),
        )

    def test_escaping(self) -> None:
        """
        Text escapes C{& < >} and carriage returns, and refuses what XML
        cannot carry.
        """
        self.assertEqual(escapeText("a&<>\"'\t\n\r"), "a&amp;&lt;&gt;\"'\t\n&#13;")
        self.assertRaises(ValueError, escapeText, "\x1b")
        self.assertRaises(ValueError, escapeText, "\uffff")


class ParseResponseTests(SynchronousTestCase):
    """
    L{parseResponse} reads what the C{format*} functions write.
    """

    @given(st.lists(st.tuples(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True), xmlText), max_size=8, unique_by=lambda a: a[0]))
    def test_roundTrip(self, arguments: list[tuple[str, str]]) -> None:
        """
        Any out-arguments survive formatting and parsing unchanged.
        """
        data = formatResponse(SWITCH, "GetStatus", arguments)
        self.assertEqual(parseResponse(data, SOAPAction(SWITCH, "GetStatus")), ActionResponse(tuple(arguments)))

    def test_faultRoundTrip(self) -> None:
        """
        A fault reads back as its L{UPnPError}.
        """
        result = parseResponse(formatFault(UPnPError(714, "No such entry")), SET_TARGET)
        assert isinstance(result, UPnPError)
        self.assertEqual((result.code, result.description), (714, "No such entry"))

    def test_unusableFaults(self) -> None:
        """
        A fault with an unusable description gets the standard one; without
        a UPnP error code it is a 402 error value.
        """
        good = formatFault(UPnPError(402))
        result = parseResponse(good.replace(b"Invalid Args", b""), SET_TARGET)
        assert isinstance(result, UPnPError)
        self.assertEqual((result.code, result.description), (402, "Invalid Args"))
        other = good.replace(b"<UPnPError xmlns", b"<Other xmlns").replace(b"</UPnPError>", b"</Other>")
        noDetail = good[: good.index(b"<detail>")] + b"</s:Fault></s:Body></s:Envelope>"
        for data in (good.replace(b"402", b"999"), good.replace(b"402", b"4O2"), other, noDetail):
            result = parseResponse(data, SET_TARGET)
            assert isinstance(result, ControlError), repr(result)
            self.assertEqual(result.errorCode, 402)

    def test_wrongResponseIs401(self) -> None:
        """
        A response for another action or service is refused.
        """
        data = formatResponse(SWITCH, "GetStatus", [])
        for action in (SOAPAction(SWITCH, "GetTarget"), SOAPAction("urn:x", "GetStatus")):
            result = parseResponse(data, action)
            assert isinstance(result, ControlError), repr(result)
            self.assertEqual(result.errorCode, 401)
        result = parseResponse(b"<x/>", SET_TARGET)
        assert isinstance(result, ControlError)
        self.assertEqual(result.status, 400)
