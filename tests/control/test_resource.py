# -*- test-case-name: tests.control.test_resource -*-
"""
Tests for L{coherence_lite.control.resource}: SOAP control at a service's
controlURL, rendered with L{DummyRequest}: answers, every fault shape and
every refusal.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from twisted.internet.task import Clock, deferLater
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.server import NOT_DONE_YET
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.backend.request import clientHeaders
from coherence_lite.backend.runtime import SentArguments, ServiceRuntime
from coherence_lite.control.message import CONTROL_NS, SOAP_ENVELOPE_NS, formatFault
from coherence_lite.control.resource import ControlResource, decodeArguments
from coherence_lite.errors import UPnPError
from coherence_lite.model.device import Action, AllowedValueRange, Argument, Service, StateVariable
from coherence_lite.stats import Stats

SWITCH = "urn:schemas-upnp-org:service:SwitchPower:1"


def service() -> Service:
    """
    SwitchPower:1 with a dimming action added for ranges and lists.
    """
    return Service(
        SWITCH,
        "urn:upnp-org:serviceId:SwitchPower",
        actions=(
            Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),
            Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),
            Action("SetLevel", (Argument("Level", "in", "Level"), Argument("Mode", "in", "Mode"))),
            Action("GetBoth", (Argument("Level", "out", "Level"), Argument("Text", "out", "Text"))),
        ),
        stateVariables=(
            StateVariable("Target", "boolean"),
            StateVariable("Status", "boolean", sendEvents=True),
            StateVariable("Level", "ui1", allowedValueRange=AllowedValueRange("0", "100", "10")),
            StateVariable("Mode", "string", allowedValues=("Auto", "Manual")),
            StateVariable("Text", "string", defaultValue="a<b & c"),
        ),
    )


def envelope(action: str, arguments: str = "", serviceType: str = SWITCH) -> bytes:
    """
    A SOAP request body calling C{action} with the given argument elements.
    """
    return (
        f'<?xml version="1.0"?><s:Envelope xmlns:s="{SOAP_ENVELOPE_NS}" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
        f'<u:{action} xmlns:u="{serviceType}">{arguments}</u:{action}></s:Body></s:Envelope>'
    ).encode("utf-8")


def renderControl(
    resource: ControlResource, body: bytes, action: str | None, serviceType: str,
    method: bytes = b"POST", headers: dict[bytes, bytes] | None = None,
) -> DummyRequest:
    """
    Render one control request (with C{SOAPACTION} naming C{action} of
    C{serviceType}, unless C{action} is L{None}) and return it, finished or
    not.
    """
    request = DummyRequest([])
    request.method = method
    request.content = BytesIO(body)
    request.requestHeaders.setRawHeaders(b"Content-Type", [b'text/xml; charset="utf-8"'])
    if action is not None:
        request.requestHeaders.setRawHeaders(b"SOAPACTION", [f'"{serviceType}#{action}"'.encode()])
    for name, value in (headers or {}).items():
        request.requestHeaders.setRawHeaders(name, [value])
    result = resource.render(request)
    if result is not NOT_DONE_YET:
        assert isinstance(result, bytes)
        request.write(result)
        request.finish()
    return request


class ControlTests(SynchronousTestCase):
    """
    Calls through a L{ControlResource}.
    """

    def setUp(self) -> None:
        """
        A SwitchPower runtime whose SetTarget sets both variables.
        """
        self.stats = Stats()
        self.handlers: dict[str, Any] = {"SetTarget": self.setTarget}
        self.runtime = ServiceRuntime(service(), handlers=self.handlers)
        self.resource = ControlResource(self.runtime, self.stats, maxBodySize=4096)

    def setTarget(self, newTargetValue: bool) -> None:
        """
        SwitchPower's SetTarget.
        """
        self.runtime.state.update({"Target": newTargetValue, "Status": newTargetValue})

    def request(
        self, body: bytes, action: str | None = "SetTarget", method: bytes = b"POST",
        headers: dict[bytes, bytes] | None = None, serviceType: str = SWITCH,
    ) -> DummyRequest:
        """
        Render one request and return it, finished or not.
        """
        return renderControl(self.resource, body, action, serviceType, method, headers)

    def assertFault(self, request: DummyRequest, code: int) -> None:
        """
        The request was answered 500 with exactly the UPnPError body.
        """
        self.assertEqual(request.responseCode, 500)
        self.assertEqual(b"".join(request.written), formatFault(UPnPError(code)))
        self.assertEqual(request.responseHeaders.getRawHeaders(b"Content-Type"), [b'text/xml; charset="utf-8"'])

    def test_setTargetThenGetStatus(self) -> None:
        """
        SetTarget answers an empty response; GetStatus then answers 1, with
        the content type, EXT and an exact Content-Length.
        """
        request = self.request(envelope("SetTarget", "<newTargetValue>1</newTargetValue>"))
        self.assertEqual(request.responseCode, 200)
        self.assertIn(b'<u:SetTargetResponse xmlns:u="' + SWITCH.encode() + b'"></u:SetTargetResponse>', b"".join(request.written))
        request = self.request(envelope("GetStatus"), "GetStatus")
        body = b"".join(request.written)
        self.assertIn(b"<ResultStatus>1</ResultStatus>", body)
        self.assertEqual(request.responseHeaders.getRawHeaders(b"EXT"), [b""])
        self.assertEqual(request.responseHeaders.getRawHeaders(b"Content-Length"), [str(len(body)).encode()])
        self.assertEqual(self.stats["control.calls"], 2)

    def test_runtimeSaysWhatTheArgumentsMean(self) -> None:
        """
        A runtime's C{rename} sees the arguments as sent, with the client's
        identifying headers set, and what it returns is decoded: a
        misnamed argument renamed for one client is a call; the same body
        from another client is the 402 the SCPD says.
        """
        seen: list[tuple[str, SentArguments, dict[str, str]]] = []

        def rename(actionName: str, sent: SentArguments) -> SentArguments:
            headers = dict(clientHeaders.get())
            seen.append((actionName, sent, headers))
            if headers.get("user-agent") == "Misnamer/1.0":
                return tuple(("newTargetValue" if name == "Target" else name, text) for name, text in sent)
            return sent

        self.runtime = ServiceRuntime(service(), handlers=self.handlers, rename=rename)
        self.resource = ControlResource(self.runtime, self.stats, maxBodySize=4096)
        body = envelope("SetTarget", "<Target>1</Target>")
        request = self.request(body, headers={b"User-Agent": b"Misnamer/1.0"})
        self.assertEqual(request.responseCode, 200)
        self.assertIs(self.runtime.state.get("Target"), True)
        self.assertEqual(seen, [("SetTarget", (("Target", "1"),), {"user-agent": "Misnamer/1.0"})])
        self.assertEqual(dict(clientHeaders.get()), {})
        self.assertFault(self.request(body, headers={b"User-Agent": b"Other/1.0"}), 402)

    def test_outArgumentsInOrderAndEscaped(self) -> None:
        """
        Out-arguments come in SCPD order, their text escaped.
        """
        body = b"".join(self.request(envelope("GetBoth"), "GetBoth").written)
        self.assertIn(b"<Level>0</Level><Text>a&lt;b &amp; c</Text>", body)

    def test_mPost(self) -> None:
        """
        A UDA 1.0 M-POST with MAN and NN-SOAPACTION is answered too.
        """
        request = self.request(
            envelope("GetStatus"), None, b"M-POST",
            {b"MAN": b'"http://schemas.xmlsoap.org/soap/envelope/"; ns=01', b"01-SOAPACTION": f'"{SWITCH}#GetStatus"'.encode()},
        )
        self.assertEqual(request.responseCode, 200)

    def test_earlierVersionAccepted(self) -> None:
        """
        A call naming an earlier version of the service type is answered
        with the actual type.
        """
        self.runtime = ServiceRuntime(
            Service("urn:schemas-upnp-org:service:SwitchPower:2", "urn:upnp-org:serviceId:SwitchPower",
                    service().actions, service().stateVariables)
        )
        self.resource = ControlResource(self.runtime, self.stats)
        self.assertEqual(self.request(envelope("GetStatus"), "GetStatus").responseCode, 200)
        later = "urn:schemas-upnp-org:service:SwitchPower:3"
        self.assertFault(self.request(envelope("GetStatus", serviceType=later), "GetStatus", serviceType=later), 401)

    def test_unknownAction(self) -> None:
        """
        An action the service lacks is fault 401.
        """
        self.assertFault(self.request(envelope("Explode"), "Explode"), 401)

    def test_soapActionDisagreesWithBody(self) -> None:
        """
        A body calling another action than SOAPACTION names is fault 401.
        """
        self.assertFault(self.request(envelope("GetStatus"), "SetTarget"), 401)

    def test_otherServiceType(self) -> None:
        """
        A call for another service type is fault 401.
        """
        other = "urn:schemas-upnp-org:service:Dimming:1"
        self.assertFault(self.request(envelope("GetStatus", serviceType=other), "GetStatus", serviceType=other), 401)

    def test_missingUnknownAndDuplicateArguments(self) -> None:
        """
        Missing, unknown or repeated arguments are fault 402.
        """
        for arguments in ("", "<newTargetValue>1</newTargetValue><x>1</x>", "<other>1</other>",
                          "<newTargetValue>1</newTargetValue><newTargetValue>0</newTargetValue>"):
            self.assertFault(self.request(envelope("SetTarget", arguments)), 402)

    def test_undecodableArgument(self) -> None:
        """
        A text that is not a value of the type is fault 402.
        """
        self.assertFault(self.request(envelope("SetTarget", "<newTargetValue>maybe</newTargetValue>")), 402)

    def test_rangeAndList(self) -> None:
        """
        A number out of its type's or the variable's range, or off its step,
        is fault 601; a string outside the allowed list is fault 600; a
        right one reaches the action (602 here: it has no handler).
        """
        for level, mode, code in (("300", "Auto", 601), ("110", "Auto", 601), ("15", "Auto", 601),
                                  ("20", "Off", 600), ("20", "Manual", 602)):
            arguments = f"<Level>{level}</Level><Mode>{mode}</Mode>"
            self.assertFault(self.request(envelope("SetLevel", arguments), "SetLevel"), code)

    def test_argumentsInAnyOrder(self) -> None:
        """
        Arguments sent in another order are matched by name.
        """
        runtime = ServiceRuntime(service(), handlers={"SetLevel": lambda Level, Mode: None})
        self.resource = ControlResource(runtime, self.stats)
        request = self.request(envelope("SetLevel", "<Mode>Auto</Mode><Level>20</Level>"), "SetLevel")
        self.assertEqual(request.responseCode, 200)

    def test_handlerFailureIs501WithoutTraceback(self) -> None:
        """
        A handler raising an unexpected exception answers fault 501, logs
        it, and sends nothing of it.
        """

        def broken() -> None:
            raise RuntimeError("secret detail")

        self.resource = ControlResource(ServiceRuntime(service(), handlers={"GetStatus": broken}), self.stats)
        request = self.request(envelope("GetStatus"), "GetStatus")
        self.assertFault(request, 501)
        self.assertNotIn(b"secret", b"".join(request.written))
        self.assertEqual(self.stats["control.failed"], 1)
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)

    def test_handlerUPnPError(self) -> None:
        """
        A handler's L{UPnPError} is sent with its code and description.
        """

        def refuse() -> None:
            raise UPnPError(801, "Lamp <broken>")

        self.resource = ControlResource(ServiceRuntime(service(), handlers={"GetStatus": refuse}), self.stats)
        request = self.request(envelope("GetStatus"), "GetStatus")
        self.assertEqual(b"".join(request.written), formatFault(UPnPError(801, "Lamp <broken>")))
        self.assertIn(b"Lamp &lt;broken&gt;", b"".join(request.written))

    def test_deferredAnswer(self) -> None:
        """
        A handler answering later finishes the request then.
        """
        clock = Clock()
        runtime = ServiceRuntime(service(), handlers={"GetStatus": lambda: deferLater(clock, 1, lambda: {"ResultStatus": True})})
        self.resource = ControlResource(runtime, self.stats)
        request = self.request(envelope("GetStatus"), "GetStatus")
        self.assertEqual(request.finished, 0)
        clock.advance(1)
        self.assertEqual(request.finished, 1)
        self.assertIn(b"<ResultStatus>1</ResultStatus>", b"".join(request.written))

    def test_deferredAnswerAfterDisconnect(self) -> None:
        """
        A late answer to a client that went away is dropped.
        """
        clock = Clock()
        runtime = ServiceRuntime(service(), handlers={"GetStatus": lambda: deferLater(clock, 1, lambda: None)})
        self.resource = ControlResource(runtime, self.stats)
        request = self.request(envelope("GetStatus"), "GetStatus")
        request.processingFailed(Exception("gone"))
        clock.advance(1)
        self.assertEqual(request.written, [])

    def test_queryStateVariable(self) -> None:
        """
        QueryStateVariable answers a variable's lexical value in return;
        an unknown variable is fault 402.
        """
        self.runtime.state.set("Level", 30)
        request = self.request(
            envelope("QueryStateVariable", "<varName>Level</varName>", CONTROL_NS), "QueryStateVariable", serviceType=CONTROL_NS
        )
        self.assertIn(b"<return>30</return>", b"".join(request.written))
        request = self.request(
            envelope("QueryStateVariable", "<varName>Nope</varName>", CONTROL_NS), "QueryStateVariable", serviceType=CONTROL_NS
        )
        self.assertEqual(request.responseCode, 500)
        self.assertIn(b"<errorCode>402</errorCode>", b"".join(request.written))

    def test_badEnvelopes(self) -> None:
        """
        Bodies that are not SOAP envelopes are 400 with a small page.
        """
        for body in (b"", b"not xml", b"<a/>", b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
                     f'<s:Envelope xmlns:s="{SOAP_ENVELOPE_NS}"/>'.encode()):
            request = self.request(body)
            self.assertEqual(request.responseCode, 400, body)
        self.assertEqual(self.stats["control.rejected.bad-request"], 5)

    def test_missingSOAPAction(self) -> None:
        """
        A POST without SOAPACTION is 400.
        """
        self.assertEqual(self.request(envelope("GetStatus"), None).responseCode, 400)

    def test_oversizedBody(self) -> None:
        """
        A body over the limit is 413.
        """
        big = envelope("SetTarget", "<newTargetValue>" + "1" * 5000 + "</newTargetValue>")
        self.assertEqual(self.request(big).responseCode, 413)
        self.assertEqual(self.stats["control.rejected.body-too-large"], 1)

    def test_notXML(self) -> None:
        """
        A body announced as another media type is 415.
        """
        request = self.request(envelope("GetStatus"), "GetStatus", headers={b"Content-Type": b"application/json"})
        self.assertEqual(request.responseCode, 415)

    def test_getIs405WithAllow(self) -> None:
        """
        GET (or any other method) on a controlURL is 405 naming POST and
        M-POST.
        """
        for method in (b"GET", b"HEAD", b"PUT", b"SUBSCRIBE"):
            request = self.request(b"", None, method)
            self.assertEqual(request.responseCode, 405)
            self.assertEqual(request.responseHeaders.getRawHeaders(b"Allow"), [b"POST, M-POST"])
        self.assertEqual(self.stats["control.rejected.method"], 4)

    def test_deeperPathIs404(self) -> None:
        """
        A path below the controlURL is 404.
        """
        request = DummyRequest([b"extra"])
        request.method = b"POST"
        self.resource.render(request)
        self.assertEqual(request.responseCode, 404)

    def test_decodeArgumentsOrder(self) -> None:
        """
        L{decodeArguments} returns Python values keyed by name, in SCPD
        order.
        """
        action = service().actions[2]
        values = decodeArguments(service(), action, (("Mode", "Manual"), ("Level", "40")))
        self.assertEqual(list(values.items()), [("Level", 40), ("Mode", "Manual")])
