# -*- test-case-name: tests.control.test_resource -*-
"""
The control endpoint of a hosted service: a twisted.web resource at its
controlURL answering SOAP action calls (UDA 2.0 §3).

C{POST} (or UDA 1.0's C{M-POST}) with a C{SOAPACTION} naming the service's
type (or an earlier version of it) and an action, and a body saying the
same, is parsed by L{coherence_lite.control.message}; the in-arguments (as the
runtime says the call meant them: L{ServiceRuntime.meant}) are decoded in SCPD order with L{coherence_lite.model.types} and handed to the
service's L{ServiceRuntime}; its out-arguments are encoded in SCPD order
into one response body.  Faults are C{500} with the exact C{UPnPError}
body.  How arguments are refused:

  - a missing or unknown in-argument, or a text that is not a value of the
    related variable's data type: fault 402 (Invalid Args);
  - a value of the right type that the type's range or the variable's
    allowedValueRange refuses: fault 601 (Out of Range); one not in the
    variable's allowedValueList: fault 600 (Argument Value Invalid).

Whatever a client sends, the answer is a status and a small fixed body:
400 for what is not a SOAP call, 413 for a body over the limit, 415 for a
body that is not XML, 405 (with C{Allow}) for another method; a handler
that fails is a logged 501 fault, never a traceback.  Every refusal is
counted in L{Stats}.
"""

from __future__ import annotations

from typing import Any, Mapping, cast

from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from coherence_lite.backend.request import CLIENT_HEADERS, clientHeaders, localAddress
from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.control.message import (
    ActionRequest,
    ControlError,
    QueryStateVariable,
    formatFault,
    formatQueryStateVariableResponse,
    formatResponse,
    headerValue,
    isXMLContentType,
    parseRequest,
    soapActionOf,
)
from coherence_lite.errors import UPnPError
from coherence_lite.http.body import MAX_XML_BODY, BodyError, readBody
from coherence_lite.http.resources import HTML_CONTENT_TYPE, XML_CONTENT_TYPE, errorPage, sendHeaders
from coherence_lite.model.device import Action, Service, parseURN
from coherence_lite.model.arguments import checkArguments
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import Value
from coherence_lite.stats import Stats

__all__ = ["ALLOWED_METHODS", "ControlResource", "decodeArguments"]

log = Logger()

#: The methods a controlURL answers.
ALLOWED_METHODS = b"POST, M-POST"

_RESPONSE_HEADERS = ((b"Content-Type", XML_CONTENT_TYPE), (b"EXT", b""))
_PAGES = {
    400: errorPage(400, "This is a SOAP control endpoint."),
    404: errorPage(404, "No such resource."),
    405: errorPage(405, "Only POST and M-POST are allowed here."),
    413: errorPage(413),
    415: errorPage(415, "A SOAP body is text/xml."),
}
_REFUSALS = {
    400: "control.rejected.bad-request",
    404: "control.rejected.not-found",
    405: "control.rejected.method",
    413: "control.rejected.body-too-large",
    415: "control.rejected.content-type",
}


def _clientHeaders(request: Request) -> dict[str, str]:
    found = {}
    for name in CLIENT_HEADERS:
        value = request.getHeader(name)
        if value is not None:
            found[name] = value[:512]
    return found


def _sameOrEarlier(requested: str, offered: str) -> bool:
    """
    Whether a control point asking for service type C{requested} may use
    our C{offered}: the same type, at our version or an earlier one.
    """
    if requested == offered:
        return True
    asked, ours = parseURN(requested), parseURN(offered)
    if asked is None or ours is None:
        return False
    return (asked.domain, asked.kind, asked.name) == (ours.domain, ours.kind, ours.name) and asked.version <= ours.version


def decodeArguments(service: Service, action: Action, sent: tuple[tuple[str, str], ...]) -> dict[str, Value]:
    """
    Decode the in-arguments of a call, in the action's order, and check
    each against its related state variable
    (L{coherence_lite.model.arguments.checkArguments}, the control point's
    rule too).

    @param sent: (name, text) of each argument, in the order sent.
    @return: the Python value of each in-argument, by name.
    @raise UPnPError: 402 for a missing or unknown argument or a text that
        is not of the type; 600 or 601 for a value the variable does not
        allow (see the module's docstring); with the code's standard
        description.
    """
    variables = {variable.name: variable for variable in service.stateVariables}
    try:
        return checkArguments(action, variables, dict(sent))
    except UPnPError as e:
        raise UPnPError(e.code) from None


class ControlResource(Resource):
    """
    The controlURL of one hosted service.

    @ivar runtime: what the calls go to.
    """

    isLeaf = True

    def __init__(self, runtime: ServiceRuntime, stats: Stats | None = None, maxBodySize: int = MAX_XML_BODY) -> None:
        """
        @param runtime: the service's runtime; its C{service} says which
            actions and arguments there are.
        @param stats: where calls and refusals are counted.
        @param maxBodySize: the largest request body read, in bytes.
        """
        super().__init__()
        self.runtime = runtime
        self._service = runtime.service
        self._stats = stats if stats is not None else Stats()
        self._maxBodySize = maxBodySize

    def render(self, request: Request) -> bytes | int:
        """
        Answer a control request: see the module's docstring.
        """
        if request.postpath:
            return self._refuse(request, 404)
        method = request.method.decode("latin-1")
        if method not in ("POST", "M-POST"):
            return self._refuse(request, 405, ((b"Allow", ALLOWED_METHODS),))
        headers = {name.decode("latin-1"): values[0].decode("latin-1") for name, values in request.requestHeaders.getAllRawHeaders()}
        if not isXMLContentType(headerValue(headers, "content-type")):
            return self._refuse(request, 415)
        soapAction = soapActionOf(method, headers)
        if isinstance(soapAction, ControlError):
            return self._refuse(request, soapAction.status)
        try:
            data = readBody(cast(Any, request), self._maxBodySize)
        except BodyError as e:
            return self._refuse(request, e.code)
        call = parseRequest(data, soapAction, self._maxBodySize)
        if isinstance(call, ControlError):
            if call.errorCode is None:
                return self._refuse(request, call.status)
            return self._fault(request, UPnPError(call.errorCode))
        if isinstance(call, QueryStateVariable):
            return self._query(request, call.varName)
        return self._call(request, call)

    def _refuse(self, request: Request, code: int, extra: tuple[tuple[bytes, bytes], ...] = ()) -> bytes:
        self._stats.count(_REFUSALS.get(code, "control.rejected.bad-request"))
        body = _PAGES.get(code, _PAGES[400])
        sendHeaders(request, code if code in _PAGES else 400, ((b"Content-Type", HTML_CONTENT_TYPE), *extra), len(body))
        return body

    def _fault(self, request: Request, error: UPnPError) -> bytes:
        self._stats.count("control.faults")
        if error.code == 501:
            self._stats.count("control.failed")
        body = formatFault(error)
        sendHeaders(request, 500, _RESPONSE_HEADERS, len(body))
        return body

    def _success(self, request: Request, body: bytes) -> bytes:
        self._stats.count("control.calls")
        sendHeaders(request, 200, _RESPONSE_HEADERS, len(body))
        return body

    def _query(self, request: Request, name: str) -> bytes:
        try:
            value = self.runtime.query(name)
        except UPnPError as e:
            return self._fault(request, e)
        variable = self.runtime.state.variable(name)
        return self._success(request, formatQueryStateVariableResponse(encodeValue(variable.dataType, value)))

    def _call(self, request: Request, call: ActionRequest) -> bytes | int:
        action = self.runtime.action(call.actionName)
        if action is None or not _sameOrEarlier(call.serviceType, self._service.serviceType):
            return self._fault(request, UPnPError(401))
        headers = _clientHeaders(request)
        identity = clientHeaders.set(headers)
        try:
            sent = self.runtime.meant(action.name, call.arguments)
        finally:
            clientHeaders.reset(identity)
        try:
            arguments = decodeArguments(self._service, action, sent)
        except UPnPError as e:
            return self._fault(request, e)
        answered: list[bytes] = []
        waiting: list[bool] = []
        gone: list[bool] = []

        def answer(outcome: Mapping[str, Value] | Failure) -> None:
            body = self._answer(request, outcome, action)
            if not waiting:
                answered.append(body)
            elif not gone:
                request.write(body)
                request.finish()

        local = request.getHost()
        token = localAddress.set((local.host, local.port) if hasattr(local, "port") else None)
        identity = clientHeaders.set(headers)
        try:
            self.runtime.invoke(action.name, arguments).addBoth(answer)
        finally:
            clientHeaders.reset(identity)
            localAddress.reset(token)
        if answered:
            return answered[0]
        waiting.append(True)
        request.notifyFinish().addErrback(lambda _: gone.append(True))
        return NOT_DONE_YET

    def _answer(self, request: Request, outcome: Mapping[str, Value] | Failure, action: Action) -> bytes:
        if isinstance(outcome, Failure):
            return self._failed(request, outcome, action)
        try:
            body = self._encode(outcome, action)
        except Exception:
            return self._failed(request, Failure(), action)
        return self._success(request, body)

    def _encode(self, values: Mapping[str, Value], action: Action) -> bytes:
        related = {argument.name: argument.relatedStateVariable for argument in action.arguments}
        encoded = [
            (name, encodeValue(self.runtime.state.variable(related[name]).dataType, value))
            for name, value in values.items()
        ]
        return formatResponse(self._service.serviceType, action.name, encoded)

    def _failed(self, request: Request, failure: Failure, action: Action) -> bytes:
        if failure.check(UPnPError):
            error = failure.value
            assert isinstance(error, UPnPError)
            return self._fault(request, error)
        log.failure(
            "Answering {action} of {serviceId} failed",
            failure,
            action=action.name,
            serviceId=self._service.serviceId,
        )
        return self._fault(request, UPnPError(501))

