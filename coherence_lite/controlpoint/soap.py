# -*- test-case-name: tests.controlpoint.test_soap -*-
"""
Calling actions of other devices' services: the control point's SOAP
client (UDA 2.0 section 3).

L{SOAPClient.call} takes Python values (or their text, as a command line
gives them), checks and encodes them with the SCPD's own types
(L{coherence_lite.model.types}, the rules the host applies), posts the
envelope through an injected L{IAgent} with a time limit and a body cap,
and returns the out-arguments decoded the same way.  A fault becomes the
L{UPnPError} it carries; anything else that goes wrong is a L{SOAPError}.

L{SOAPClient.post} is the raw exchange (any SOAPACTION, any body) the
conformance checker uses to see exactly what a device answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.web.iweb import IAgent

from coherence_lite.control.message import (
    CONTENT_TYPE,
    ActionResponse,
    ControlError,
    SOAPAction,
    escapeText,
    formatRequest,
    parseResponse,
)
from coherence_lite.controlpoint.exchange import EXCHANGE_TIMEOUT, ExchangeError, Reply, exchange
from coherence_lite.controlpoint.remote import RemoteService
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.errors import UPnPError
from coherence_lite.http.body import MAX_XML_BODY
from coherence_lite.model.device import Action
from coherence_lite.model.arguments import checkArguments, closestName
from coherence_lite.model.codecs import decodeValue, encodeValue
from coherence_lite.model.types import DataTypeError, Value

__all__ = [
    "SOAPError",
    "SOAPClient",
    "formatRequest",
    "requestHeaders",
    "encodeArguments",
    "decodeResults",
    "interpretReply",
]


class SOAPError(Exception):
    """
    A call that got no usable answer: no connection, no answer in time, an
    answer that is not SOAP, or one that does not fit the SCPD.

    @ivar reason: why, in words fit for a user.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def requestHeaders(serviceType: str, actionName: str, userAgent: str | None = None) -> list[tuple[bytes, bytes]]:
    """
    The headers of an action call: Content-Type and the quoted SOAPACTION.
    """
    headers = [
        (b"Content-Type", CONTENT_TYPE.encode("ascii")),
        (b"SOAPACTION", f'"{serviceType}#{actionName}"'.encode("utf-8")),
    ]
    if userAgent is not None:
        headers.append((b"User-Agent", userAgent.encode("utf-8")))
    return headers


def encodeArguments(scpd: SCPD, action: Action, values: Mapping[str, object]) -> list[tuple[str, str]]:
    """
    The in-arguments of a call of C{action}, in the SCPD's order, as text.

    A L{str} given for a variable that is not a string is read as that
    type's text (as a command line gives it); other values must be of the
    Python type the data type takes.  The texts are then checked as the
    device itself checks them (L{checkArguments}).

    @raise UPnPError: with the code the device would answer: 402 when an
        in-argument is missing, unknown (the description suggests the name
        meant) or not of its type; 600 or 601 when its variable does not
        allow the value; 600 too for text XML cannot carry.
    """
    variables = {variable.name: variable for variable in scpd.stateVariables}
    related = {argument.name: variables[argument.relatedStateVariable] for argument in action.arguments if argument.direction == "in"}
    texts: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, str) or name not in related:
            texts[name] = str(value)
            continue
        try:
            texts[name] = encodeValue(related[name].dataType, value)
        except DataTypeError as e:
            raise UPnPError(402 if e.code == 600 else e.code, f"{name}: {e.reason}") from None
    decoded = checkArguments(action, variables, texts)
    encoded = []
    for argument in action.arguments:
        if argument.direction != "in":
            continue
        text = encodeValue(related[argument.name].dataType, decoded[argument.name])
        try:
            escapeText(text)
        except ValueError:
            raise UPnPError(600, f"{argument.name}: holds a character XML cannot carry") from None
        encoded.append((argument.name, text))
    return encoded


def decodeResults(scpd: SCPD, action: Action, response: ActionResponse) -> dict[str, Value]:
    """
    The out-arguments of an answer, decoded with their variables' types.

    @raise SOAPError: an out-argument is missing or not of its type.
    """
    sent = dict(response.arguments)
    results: dict[str, Value] = {}
    for argument in action.arguments:
        if argument.direction != "out":
            continue
        if argument.name not in sent:
            raise SOAPError(f"the answer lacks the out-argument {argument.name!r}")
        variable = scpd.variable(argument.relatedStateVariable)
        assert variable is not None, "parseSCPD keeps only actions whose variables exist"
        try:
            results[argument.name] = decodeValue(variable.dataType, sent[argument.name])
        except DataTypeError as e:
            raise SOAPError(f"out-argument {argument.name!r}: {e.reason}") from None
    return results


def interpretReply(reply: Reply, serviceType: str, actionName: str) -> ActionResponse | UPnPError | ControlError:
    """
    What an HTTP answer to an action call says: the out-arguments (status
    200), the UPnP error of a fault (status 500), or why it is unusable
    (L{ControlError}, its C{status} the HTTP status when that is neither).
    """
    if reply.code not in (200, 500):
        return ControlError(reply.code, None, f"HTTP status {reply.code}")
    parsed = parseResponse(reply.body, SOAPAction(serviceType, actionName))
    if reply.code == 200 and isinstance(parsed, UPnPError):
        return ControlError(200, None, "a fault with status 200")
    if reply.code == 500 and isinstance(parsed, ActionResponse):
        return ControlError(500, None, "a response with status 500")
    return parsed


class SOAPClient:
    """
    Calls actions of remote services.

    @param agent: sends the requests.
    @param clock: times them.
    @param timeout: seconds a call may take, connection to last byte.
    @param maxSize: the largest answer read, in bytes.
    @param userAgent: the USER-AGENT header, if any.
    """

    def __init__(
        self,
        agent: IAgent,
        clock: IReactorTime,
        timeout: float = EXCHANGE_TIMEOUT,
        maxSize: int = MAX_XML_BODY,
        userAgent: str | None = None,
    ) -> None:
        self._agent = agent
        self._clock = clock
        self._timeout = timeout
        self._maxSize = maxSize
        self._userAgent = userAgent

    def post(
        self,
        controlURL: str,
        serviceType: str,
        actionName: str,
        arguments: Sequence[tuple[str, str]] = (),
        body: bytes | None = None,
    ) -> Deferred[Reply]:
        """
        Post one action call as it is, with no check: C{arguments} as text,
        or a whole C{body} instead.

        @return: a L{Deferred} firing with the answer whatever its status,
            or failing with L{ExchangeError}.
        """
        if body is None:
            body = formatRequest(serviceType, actionName, arguments)
        return exchange(
            self._agent,
            self._clock,
            b"POST",
            controlURL,
            requestHeaders(serviceType, actionName, self._userAgent),
            body,
            self._timeout,
            self._maxSize,
        )

    def call(
        self, service: RemoteService, scpd: SCPD, actionName: str, arguments: Mapping[str, object] | None = None
    ) -> Deferred[dict[str, Value]]:
        """
        Call an action and decode its out-arguments.

        @param service: the service, from its device's description.
        @param scpd: the service's description (L{parseSCPD}).
        @param actionName: the action to call.
        @param arguments: the in-arguments by name: Python values, or their
            text.
        @return: a L{Deferred} firing with the out-arguments by name, or
            failing with L{UPnPError} (a fault of the device, or a value
            refused before sending) or L{SOAPError}.
        """
        return Deferred.fromCoroutine(self._call(service, scpd, actionName, dict(arguments or {})))

    async def _call(
        self, service: RemoteService, scpd: SCPD, actionName: str, arguments: dict[str, Any]
    ) -> dict[str, Value]:
        action = scpd.action(actionName)
        if action is None:
            hint = closestName(actionName, [each.name for each in scpd.actions])
            suggestion = f"; did you mean {hint}?" if hint is not None else ""
            name = f"{actionName!r:.80}".encode("ascii", "backslashreplace").decode("ascii")
            raise UPnPError(401, f"{service.serviceId or service.serviceType} has no action {name}{suggestion}"[:256])
        if service.controlURL is None:
            raise SOAPError(f"{service.serviceId or service.serviceType} has no usable controlURL")
        encoded = encodeArguments(scpd, action, arguments)
        try:
            reply = await self.post(service.controlURL, service.serviceType, actionName, encoded)
        except ExchangeError as e:
            raise SOAPError(e.reason) from None
        outcome = interpretReply(reply, service.serviceType, actionName)
        if isinstance(outcome, UPnPError):
            raise outcome
        if isinstance(outcome, ControlError):
            raise SOAPError(f"unusable answer: {outcome.reason}")
        return decodeResults(scpd, action, outcome)
