"""
Tests for L{coherence_lite.controlpoint.soap} and
L{coherence_lite.controlpoint.exchange}: action calls to a small
twisted.web control endpoint on loopback, and the pure encoding rules.
"""

from __future__ import annotations

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site

from coherence_lite.control.message import (
    ActionRequest,
    SOAPAction,
    formatFault,
    formatResponse,
    parseRequest,
    parseSOAPAction,
)
from coherence_lite.controlpoint.exchange import ExchangeError, exchange
from coherence_lite.controlpoint.remote import RemoteService
from coherence_lite.controlpoint.scpd import SCPD, parseSCPD
from coherence_lite.controlpoint.soap import (
    SOAPClient,
    SOAPError,
    encodeArguments,
    formatRequest,
    interpretReply,
)
from coherence_lite.controlpoint.exchange import Reply
from coherence_lite.errors import UPnPError
from coherence_lite.model.description import serviceDescription
from coherence_lite.model.device import Action, AllowedValueRange, Argument, Service, StateVariable

from tests.controlpoint.test_scpd import SWITCH

SERVICE_TYPE = SWITCH.serviceType


def switchSCPD() -> SCPD:
    """
    The SwitchPower test service's SCPD, as a control point reads it.
    """
    result = parseSCPD(serviceDescription(SWITCH, 1))
    assert isinstance(result, SCPD)
    return result


class ControlEndpoint(Resource):
    """
    A control URL answering with C{answer(request, parsed)}'s (status,
    body), or never when C{hang} is set.
    """

    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        self.body = formatResponse(SERVICE_TYPE, "GetStatus", [("ResultStatus", "1")])
        self.hang = False

    def render_POST(self, request: Request) -> bytes | int:
        headers = {k.decode().lower(): v[0].decode() for k, v in request.requestHeaders.getAllRawHeaders()}
        assert request.content is not None
        self.received.append((headers, request.content.read()))
        if self.hang:
            return NOT_DONE_YET
        request.setResponseCode(self.status)
        request.setHeader(b"Content-Type", b'text/xml; charset="utf-8"')
        return self.body


class EncodingTests(SynchronousTestCase):
    """
    The pure parts: request bodies and argument encoding.
    """

    def test_requestParsesAsTheHostReadsIt(self) -> None:
        """
        A request body is what the host's own parser reads as the call.
        """
        body = formatRequest(SERVICE_TYPE, "SetTarget", [("newTargetValue", "1 < 2 & 3")])
        self.assertEqual(
            parseRequest(body, SOAPAction(SERVICE_TYPE, "SetTarget")),
            ActionRequest(SERVICE_TYPE, "SetTarget", (("newTargetValue", "1 < 2 & 3"),)),
        )

    def test_namesThatWouldBreakTheEnvelopeRefused(self) -> None:
        """
        An action or argument name that is not an XML name, or a service
        type with spaces, is refused before anything is formatted.
        """
        for serviceType, action, arguments in (
            (SERVICE_TYPE, "Get><x", []),
            (SERVICE_TYPE, "GetStatus", [("a b", "1")]),
            ("urn:x y", "GetStatus", []),
        ):
            self.assertRaises(ValueError, formatRequest, serviceType, action, arguments)

    def test_textAndPythonValuesEncodeByType(self) -> None:
        """
        A boolean given as text ("true") or as a Python bool is sent as 1.
        """
        scpd = switchSCPD()
        action = scpd.action("SetTarget")
        assert action is not None
        self.assertEqual(encodeArguments(scpd, action, {"newTargetValue": "true"}), [("newTargetValue", "1")])
        self.assertEqual(encodeArguments(scpd, action, {"newTargetValue": False}), [("newTargetValue", "0")])

    def test_badArgumentsRefusedWithTheDevicesCode(self) -> None:
        """
        A missing or unknown argument and a value not of the type are a 402
        (as the device answers them), and a value holding a NUL a 600,
        before anything is sent.
        """
        scpd = switchSCPD()
        action = scpd.action("SetTarget")
        assert action is not None
        for values, code in (({}, 402), ({"newTargetValue": "1", "x": "2"}, 402), ({"newTargetValue": "maybe"}, 402)):
            error = self.assertRaises(UPnPError, encodeArguments, scpd, action, values)
            self.assertEqual(error.code, code)
        modes = Service(SERVICE_TYPE, SWITCH.serviceId, (Action("SetMode", (Argument("newMode", "in", "Mode"),)),), (StateVariable("Mode", "string"),))
        text = parseSCPD(serviceDescription(modes, 1))
        assert isinstance(text, SCPD)
        setMode = text.action("SetMode")
        assert setMode is not None
        self.assertEqual(encodeArguments(text, setMode, {"newMode": "a < b"}), [("newMode", "a < b")])
        self.assertEqual(self.assertRaises(UPnPError, encodeArguments, text, setMode, {"newMode": "a\x00"}).code, 600)

    def test_pythonNumbersAreRangeChecked(self) -> None:
        """
        A Python number is held to the variable's allowedValueRange as the
        same number given as text is: outside the range or off its step is
        a 601, before anything is sent; within it, it is sent.
        """
        levels = Service(
            SERVICE_TYPE, SWITCH.serviceId, (Action("SetLevel", (Argument("newLevel", "in", "Level"),)),),
            (StateVariable("Level", "ui1", allowedValueRange=AllowedValueRange("0", "100", "5")),),
        )
        scpd = parseSCPD(serviceDescription(levels, 1))
        assert isinstance(scpd, SCPD)
        setLevel = scpd.action("SetLevel")
        assert setLevel is not None
        self.assertEqual(encodeArguments(scpd, setLevel, {"newLevel": 100}), [("newLevel", "100")])
        for value in (101, 7, "101", "7"):
            error = self.assertRaises(UPnPError, encodeArguments, scpd, setLevel, {"newLevel": value})
            self.assertEqual(error.code, 601, value)

    def test_interpretReply(self) -> None:
        """
        A 200 with a fault, a 500 with a response and a 404 are unusable
        answers; a 500 fault is its UPnP error.
        """
        fault = formatFault(UPnPError(402))
        ok = formatResponse(SERVICE_TYPE, "GetStatus", [])
        error = interpretReply(Reply(500, {}, fault), SERVICE_TYPE, "GetStatus")
        assert isinstance(error, UPnPError)
        self.assertEqual((error.code, error.description), (402, "Invalid Args"))
        for reply in (Reply(200, {}, fault), Reply(500, {}, ok), Reply(404, {}, b"")):
            self.assertIsNone(getattr(interpretReply(reply, SERVICE_TYPE, "GetStatus"), "code", None))


class ClientTests(TestCase):
    """
    L{SOAPClient} against a loopback endpoint.
    """

    def setUp(self) -> None:
        self.endpoint = ControlEndpoint()
        self.port = reactor.listenTCP(0, Site(self.endpoint), interface="127.0.0.1")
        self.addCleanup(self.port.stopListening)
        url = f"http://127.0.0.1:{self.port.getHost().port}/control"
        self.service = RemoteService(SERVICE_TYPE, "urn:upnp-org:serviceId:SwitchPower", None, url, None)
        self.client = SOAPClient(Agent(reactor), reactor, timeout=5)

    async def test_callDecodesOutArguments(self) -> None:
        """
        A call sends the quoted SOAPACTION and the envelope, and decodes
        the out-arguments with their types.
        """
        result = await self.client.call(self.service, switchSCPD(), "GetStatus")
        self.assertEqual(result, {"ResultStatus": True})
        headers, body = self.endpoint.received[0]
        self.assertEqual(parseSOAPAction(headers["soapaction"]), SOAPAction(SERVICE_TYPE, "GetStatus"))
        self.assertTrue(headers["soapaction"].startswith('"'))
        self.assertIn(b"<u:GetStatus", body)

    async def test_faultIsUPnPError(self) -> None:
        """
        A fault answers as the L{UPnPError} it carries.
        """
        self.endpoint.status = 500
        self.endpoint.body = formatFault(UPnPError(501, "Broken bulb"))
        with self.assertRaises(UPnPError) as raised:
            await self.client.call(self.service, switchSCPD(), "GetStatus")
        self.assertEqual((raised.exception.code, raised.exception.description), (501, "Broken bulb"))

    async def test_wrongOutArgumentIsSOAPError(self) -> None:
        """
        An answer whose out-argument is not of its type is a L{SOAPError}.
        """
        self.endpoint.body = formatResponse(SERVICE_TYPE, "GetStatus", [("ResultStatus", "maybe")])
        with self.assertRaises(SOAPError) as raised:
            await self.client.call(self.service, switchSCPD(), "GetStatus")
        self.assertIn("ResultStatus", raised.exception.reason)

    async def test_unknownActionRefusedLocally(self) -> None:
        """
        An action the SCPD does not list is a 401, and nothing is sent.
        """
        with self.assertRaises(UPnPError) as raised:
            await self.client.call(self.service, switchSCPD(), "Explode")
        self.assertEqual(raised.exception.code, 401)
        self.assertEqual(self.endpoint.received, [])

    async def test_bodyCap(self) -> None:
        """
        An answer larger than the cap is refused.
        """
        self.endpoint.body = b" " * 5000
        client = SOAPClient(Agent(reactor), reactor, maxSize=1000)
        with self.assertRaises(SOAPError) as raised:
            await client.call(self.service, switchSCPD(), "GetStatus")
        self.assertIn("larger than 1000", raised.exception.reason)


class ExchangeTimeoutTests(SynchronousTestCase):
    """
    L{exchange}'s time limit, on an injected clock.
    """

    def test_timeout(self) -> None:
        """
        An agent that never answers fails with an L{ExchangeError} once the
        clock passes the timeout.
        """

        class Silent:
            """
            An agent whose requests never get an answer.
            """

            def request(self, *args: object) -> Deferred[object]:
                return Deferred()

        clock = Clock()
        d = exchange(Silent(), clock, b"GET", "http://127.0.0.1:9/", timeout=3)  # type: ignore[arg-type]
        clock.advance(2.9)
        self.assertNoResult(d)
        clock.advance(0.2)
        self.assertIn("within 3 s", self.failureResultOf(d, ExchangeError).value.reason)

    def test_notHTTP(self) -> None:
        """
        A URL that is not http:// fails at once.
        """
        d = exchange(None, Clock(), b"GET", "file:///etc/passwd")  # type: ignore[arg-type]
        self.failureResultOf(d, ExchangeError)
