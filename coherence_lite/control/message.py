# -*- test-case-name: tests.control.test_message -*-
"""
SOAP 1.1 messages of UPnP control (UDA 2.0 section 3): parsing action
requests, formatting responses and faults.

Everything here is pure: no sockets, no clock, no reactor.  Parsing never
raises: whatever a client sends becomes an L{ActionRequest}, a
L{QueryStateVariable} or a L{ControlError} saying how to answer.  The
C{format*} functions raise L{ValueError} for a name that is not an XML name
or a value holding a character XML 1.0 cannot carry, so no caller can
inject markup; every value is escaped.

Parsing rules:

  - C{SOAPACTION} is C{serviceType#actionName}, quoted or not.  A UDA 1.0
    C{M-POST} carries it as C{NN-SOAPACTION} under
    C{MAN: "http://schemas.xmlsoap.org/soap/envelope/"; ns=NN}.  Without a
    usable one the request is not a control request: L{ControlError} 400.
  - The body is at most C{maxSize} bytes (413), parsed by
    L{coherence_lite.model.xmlparse} (defusedxml: no DTD, no entity, no
    external reference), with at most L{MAX_ELEMENTS} elements and
    L{MAX_DEPTH} levels; anything else that is not a well-formed
    C{s:Envelope} with one C{s:Body} (after an optional C{s:Header}) is
    400.
  - The body holds one action element, in the namespace and with the name
    SOAPACTION gives, else fault 401.  Its children are the arguments,
    unqualified (or, as some UDA 1.0 clients write them, in the action's
    namespace), text only, each name once, at most L{MAX_ARGUMENTS}: else
    fault 402.  Checking them against the SCPD is the caller's job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from coherence_lite.errors import UPnPError
from coherence_lite.http.body import MAX_XML_BODY
from coherence_lite.model.xmltext import XML_CONTENT_TYPE as CONTENT_TYPE
from coherence_lite.model.xmltext import (
    MAX_DEPTH,
    MAX_ELEMENTS,
    escapeText,
    headerValue,
    isXMLName,
    parseShaped,
    shapeProblem,
    splitTag,
    textElement,
)

__all__ = [
    "SOAP_ENVELOPE_NS", "SOAP_ENCODING", "CONTROL_NS", "QUERY_STATE_VARIABLE", "CONTENT_TYPE",
    "MAX_ELEMENTS", "MAX_DEPTH", "MAX_ARGUMENTS", "SOAPAction", "ActionRequest",
    "QueryStateVariable", "ActionResponse", "ControlError", "headerValue", "isXMLContentType",
    "parseSOAPAction", "soapActionOf", "shapeProblem", "parseRequest", "parseResponse",
    "escapeText", "formatRequest", "formatResponse", "formatFault",
    "formatQueryStateVariableResponse",
]

#: The SOAP 1.1 envelope namespace.
SOAP_ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"

#: The SOAP 1.1 encoding style every UPnP envelope declares.
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"

#: The namespace of UPnP control's own elements: the fault detail and the
#: deprecated QueryStateVariable action.
CONTROL_NS = "urn:schemas-upnp-org:control-1-0"

#: The name of the deprecated action that reads one state variable.
QUERY_STATE_VARIABLE = "QueryStateVariable"

#: The most arguments an action request or response may carry.
MAX_ARGUMENTS = 64

_MAN = re.compile(r'"?http://schemas\.xmlsoap\.org/soap/envelope/"?\s*;\s*ns\s*=\s*([0-9]{2})', re.IGNORECASE)
_SERVICE_TYPE = re.compile(r"[!$%'()*+,\-./0-9:;=?@A-Z\[\]^_`a-z{|}~]{1,256}")
_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
_ENVELOPE_START = (
    f'<s:Envelope xmlns:s="{SOAP_ENVELOPE_NS}" s:encodingStyle="{SOAP_ENCODING}"><s:Body>'
)
_ENVELOPE_END = "</s:Body></s:Envelope>"
_ENVELOPE = f"{{{SOAP_ENVELOPE_NS}}}Envelope"
_HEADER = f"{{{SOAP_ENVELOPE_NS}}}Header"
_BODY = f"{{{SOAP_ENVELOPE_NS}}}Body"
_FAULT = f"{{{SOAP_ENVELOPE_NS}}}Fault"


@dataclass(frozen=True)
class SOAPAction:
    """
    What a SOAPACTION header names: an action of a service type.
    """

    serviceType: str
    actionName: str


@dataclass(frozen=True)
class ActionRequest:
    """
    A parsed action call.

    @ivar arguments: (name, text) of each in-argument, in the order sent.
    """

    serviceType: str
    actionName: str
    arguments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class QueryStateVariable:
    """
    A call of the deprecated C{QueryStateVariable} action for C{varName}.
    """

    varName: str


@dataclass(frozen=True)
class ActionResponse:
    """
    A parsed successful answer: (name, text) of each out-argument, in order.
    """

    arguments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ControlError:
    """
    A control request (or response) that cannot be used.

    @ivar status: the HTTP status to answer: 400 (not a SOAP action call at
        all), 413 (body too large) or 500 with a fault.
    @ivar errorCode: the fault's UPnP error code (401 or 402) when
        C{status} is 500, else L{None}.
    @ivar reason: why, for a log line (never sent to the client).
    """

    status: int
    errorCode: int | None
    reason: str


def _badRequest(reason: str) -> ControlError:
    return ControlError(400, None, reason)


def _fault(code: int, reason: str) -> ControlError:
    return ControlError(500, code, reason)


def isXMLContentType(value: str | None) -> bool:
    """
    Whether a request's Content-Type is acceptable for a SOAP body:
    C{text/xml} or C{application/xml}, with any parameters, or none at all.
    """
    if value is None:
        return True
    return value.split(";", 1)[0].strip().lower() in ("text/xml", "application/xml")


def parseSOAPAction(value: str | None) -> SOAPAction | ControlError:
    """
    Parse a SOAPACTION header, C{"serviceType#actionName"}, quotes optional.
    """
    if value is None:
        return _badRequest("no SOAPACTION")
    value = value.strip(" \t")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    serviceType, hash, actionName = value.partition("#")
    if not hash or not _SERVICE_TYPE.fullmatch(serviceType) or not isXMLName(actionName):
        return _badRequest("SOAPACTION is not serviceType#actionName")
    return SOAPAction(serviceType, actionName)


def soapActionOf(method: str, headers: Mapping[str, str]) -> SOAPAction | ControlError:
    """
    The SOAPACTION of a C{POST}, or of an C{M-POST} with its C{MAN} header
    and C{NN-SOAPACTION}.
    """
    if method == "POST":
        return parseSOAPAction(headerValue(headers, "soapaction"))
    if method == "M-POST":
        man = _MAN.fullmatch(headerValue(headers, "man") or "")
        if man is None:
            return _badRequest("M-POST without the SOAP envelope MAN extension")
        return parseSOAPAction(headerValue(headers, f"{man.group(1)}-soapaction"))
    return _badRequest(f"{method[:16]!r} is not POST or M-POST")


def _bodyElement(data: bytes, maxSize: int, what: str) -> Element | ControlError:
    """
    The one element in the C{s:Body} of a SOAP envelope, the C{what}
    (C{"action"}, C{"response"}).
    """
    if len(data) > maxSize:
        return ControlError(413, None, f"body larger than {maxSize} bytes")
    root = parseShaped(data, maxSize)
    if isinstance(root, str):
        return _badRequest(root)
    if root.tag != _ENVELOPE:
        return _badRequest("not a SOAP envelope")
    children = list(root)
    if children and children[0].tag == _HEADER:
        children = children[1:]
    if len(children) != 1 or children[0].tag != _BODY:
        return _badRequest("a SOAP envelope holds one Body, after an optional Header")
    if len(children[0]) != 1:
        return _fault(401, f"a SOAP Body holds one {what} element")
    return children[0][0]


def _arguments(element: Element) -> tuple[tuple[str, str], ...] | ControlError:
    """
    The (name, text) children of an action or response element.
    """
    namespace, _ = splitTag(element.tag)
    arguments: list[tuple[str, str]] = []
    for child in element:
        childNamespace, name = splitTag(child.tag)
        if childNamespace not in (None, namespace) or not isXMLName(name):
            return _fault(402, f"unexpected element {child.tag[:80]!r}")
        if len(child):
            return _fault(402, f"argument {name!r} is not text")
        if any(name == seen for seen, _ in arguments):
            return _fault(402, f"argument {name!r} given twice")
        if len(arguments) == MAX_ARGUMENTS:
            return _fault(402, f"more than {MAX_ARGUMENTS} arguments")
        arguments.append((name, child.text or ""))
    return tuple(arguments)


def parseRequest(data: bytes, action: SOAPAction, maxSize: int = MAX_XML_BODY) -> ActionRequest | QueryStateVariable | ControlError:
    """
    Parse the body of an action call announced by C{action} (its
    SOAPACTION).

    @return: the call; a L{QueryStateVariable} when SOAPACTION names that
        deprecated action in L{CONTROL_NS}; or why not.
    """
    element = _bodyElement(data, maxSize, "action")
    if isinstance(element, ControlError):
        return element
    if splitTag(element.tag) != (action.serviceType, action.actionName):
        return _fault(401, "the action element does not match SOAPACTION")
    arguments = _arguments(element)
    if isinstance(arguments, ControlError):
        return arguments
    if action == SOAPAction(CONTROL_NS, QUERY_STATE_VARIABLE):
        if len(arguments) != 1 or arguments[0][0] != "varName":
            return _fault(402, "QueryStateVariable takes varName alone")
        return QueryStateVariable(arguments[0][1])
    return ActionRequest(action.serviceType, action.actionName, arguments)


def _upnpError(fault: Element) -> UPnPError | ControlError:
    """
    The UPnP error in the detail of a SOAP fault; its standard description
    when the one sent is unusable.
    """
    detail = f"detail/{{{CONTROL_NS}}}UPnPError/{{{CONTROL_NS}}}"
    code = (fault.findtext(detail + "errorCode") or "").strip()
    description = (fault.findtext(detail + "errorDescription") or "").strip()
    if re.fullmatch("[0-9]{3}", code):
        for text in (description, None):
            try:
                return UPnPError(int(code), text)
            except ValueError:
                pass
    return _fault(402, "a fault without a usable UPnP error")


def parseResponse(data: bytes, action: SOAPAction, maxSize: int = MAX_XML_BODY) -> ActionResponse | UPnPError | ControlError:
    """
    Parse the answer to a call of C{action}, for a control point.

    @return: the out-arguments; the L{UPnPError} of a fault; or why the
        answer cannot be used (C{status} 400 when it is not SOAP, 500 with
        code 401 or 402 when it does not answer C{action} or holds a fault
        that is not a UPnP one).
    """
    element = _bodyElement(data, maxSize, "response")
    if isinstance(element, ControlError):
        return element
    if element.tag == _FAULT:
        return _upnpError(element)
    if splitTag(element.tag) != (action.serviceType, action.actionName + "Response"):
        return _fault(401, "the response element does not match the action")
    arguments = _arguments(element)
    if isinstance(arguments, ControlError):
        return arguments
    return ActionResponse(arguments)


def _envelope(serviceType: str, actionName: str, suffix: str, arguments: Sequence[tuple[str, str]]) -> bytes:
    """
    A SOAP envelope, with an XML declaration, holding C{<u:actionName
    xmlns:u="serviceType">} (C{suffix} added to the name) and each argument
    in order, as UTF-8.
    """
    if not isinstance(serviceType, str) or not _SERVICE_TYPE.fullmatch(serviceType):
        raise ValueError(f"{serviceType!r} is not a service type")
    if not isXMLName(actionName):
        raise ValueError(f"{actionName!r} is not an action or argument name")
    tag = f"u:{actionName}{suffix}"
    parts = [f'<{tag} xmlns:u="{serviceType}">']  # _SERVICE_TYPE needs no escaping
    for name, value in arguments:
        parts.append(textElement(name, value, "an action or argument name"))
    parts.append(f"</{tag}>")
    return _rawEnvelope("".join(parts))


def _rawEnvelope(inner: str) -> bytes:
    return (_XML_DECLARATION + _ENVELOPE_START + inner + _ENVELOPE_END).encode("utf-8")


def formatRequest(serviceType: str, actionName: str, arguments: Sequence[tuple[str, str]]) -> bytes:
    """
    The body of an action call, for a control point: C{<u:actionName
    xmlns:u="serviceType">} holding each in-argument, in the order given,
    as UTF-8 with an XML declaration.

    @param arguments: (name, lexical value) of each in-argument.
    @raise ValueError: C{serviceType} or a name is not one SOAPACTION can
        carry, or a value holds a character XML 1.0 cannot carry.
    """
    return _envelope(serviceType, actionName, "", arguments)


def formatResponse(serviceType: str, actionName: str, arguments: Sequence[tuple[str, str]]) -> bytes:
    """
    The body of a successful answer: C{<u:actionNameResponse
    xmlns:u="serviceType">} holding each out-argument, in the order given,
    as UTF-8 with an XML declaration.

    @param arguments: (name, lexical value) of each out-argument.
    @raise ValueError: a name is not an XML name, C{serviceType} is not a
        printable token, or a value holds a character XML cannot carry.
    """
    return _envelope(serviceType, actionName, "Response", arguments)


def formatFault(error: UPnPError) -> bytes:
    """
    The body of a failed call: a C{s:Client} fault whose detail is the
    C{UPnPError} with C{error}'s code and description.
    """
    return _rawEnvelope(
        "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>"
        f'<detail><UPnPError xmlns="{CONTROL_NS}"><errorCode>{error.code:d}</errorCode>'
        f"<errorDescription>{escapeText(error.description)}</errorDescription>"
        "</UPnPError></detail></s:Fault>"
    )


def formatQueryStateVariableResponse(value: str) -> bytes:
    """
    The body answering a L{QueryStateVariable}: the variable's lexical
    C{value} in C{<return>}.

    @raise ValueError: C{value} holds a character XML cannot carry.
    """
    return formatResponse(CONTROL_NS, QUERY_STATE_VARIABLE, [("return", value)])
