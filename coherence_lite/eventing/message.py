# -*- test-case-name: tests.eventing.test_message -*-
"""
GENA messages of UPnP eventing (UDA 2.0 section 4): the headers of
SUBSCRIBE, UNSUBSCRIBE and NOTIFY, and the property set bodies events carry.

Everything here is pure: no sockets, no clock, no reactor.  Parsing never
raises: a request's headers become a L{NewSubscription}, a L{Renewal}, an
L{Unsubscribe} or a L{SubscriptionError} carrying the status to answer.
The C{format*} functions raise L{ValueError} for a name that is not an XML
name or a value XML 1.0 cannot carry; every value is escaped.

Rules (headers are matched case-insensitively; an empty one is absent):

  - SUBSCRIBE with a SID is a renewal: CALLBACK or NT with it is 400, a SID
    that is not C{uuid:} and a UUID is 412.  UNSUBSCRIBE takes SID alone,
    with the same answers.  SUBSCRIBE without a SID needs
    C{NT: upnp:event} and a CALLBACK, else 412.
  - CALLBACK is one to L{MAX_CALLBACK_URLS} URLs in angle brackets, at most
    L{MAX_CALLBACK_LENGTH} characters in all.  Each must be C{http://} with
    a literal IPv4 address or a bracketed IPv6 address (a zone after C{%25}
    is kept apart), an optional numeric port (80 when absent) and a path of
    printable ASCII: no user information, no host name, no fragment.  One
    bad URL refuses the whole header (412).  Whether an address is on the
    link the request came from is the caller's check (CallStranger).
  - TIMEOUT is C{Second-N} or C{Second-infinite} (any case); the time
    granted is clamped to the caller's [minimum, maximum], and the default
    applies when the header is absent or unusable.
  - STATEVAR (UDA 1.1) is a comma-separated list of at most
    L{MAX_STATEVARS} variable names; a malformed one is 412.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address

from coherence_lite.http.body import MAX_XML_BODY
from coherence_lite.model.xmltext import XML_CONTENT_TYPE as CONTENT_TYPE, headerValue, isXMLName, parseShaped, textElement

__all__ = [
    "EVENT_NS", "NT_EVENT", "NTS_PROPCHANGE", "CONTENT_TYPE", "DEFAULT_TIMEOUT", "MIN_TIMEOUT",
    "MAX_TIMEOUT", "MAX_SEQ", "MAX_CALLBACK_URLS", "MAX_CALLBACK_LENGTH", "MAX_STATEVARS",
    "MAX_PROPERTIES", "CallbackURL", "NewSubscription", "Renewal",
    "Unsubscribe", "EventNotify", "SubscriptionError", "parseCallback", "parseTimeout", "parseSID",
    "parseStateVars", "classify", "classifyNotify", "nextSeq", "formatPropertySet",
    "parsePropertySet", "notifyHeaders",
]

#: The namespace of property sets.
EVENT_NS = "urn:schemas-upnp-org:event-1-0"

#: The NT of subscriptions and event messages.
NT_EVENT = "upnp:event"

#: The NTS of event messages.
NTS_PROPCHANGE = "upnp:propchange"

#: Seconds granted when a SUBSCRIBE asks for no particular time.
DEFAULT_TIMEOUT = 1800

#: The shortest subscription granted by default, in seconds (UDA: at least
#: 1800).
MIN_TIMEOUT = 1800

#: The longest subscription granted by default (and for C{Second-infinite}).
MAX_TIMEOUT = 86400

#: The largest SEQ: the next one is 1 (0 belongs to the initial event).
MAX_SEQ = 4294967295

#: The most URLs a CALLBACK header may list.
MAX_CALLBACK_URLS = 4

#: The longest CALLBACK header, in characters.
MAX_CALLBACK_LENGTH = 1024

#: The most names a STATEVAR header may list.
MAX_STATEVARS = 64

#: The most variables a parsed property set may carry.
MAX_PROPERTIES = 256

_CALLBACK = re.compile(r"(?:\s*<[^<>]*>)+\s*")
_CALLBACK_URL = re.compile(
    r"http://(?:(?P<v4>[0-9.]{7,15})|\[(?P<v6>[0-9A-Fa-f:.]{2,45})(?:%25(?P<zone>[A-Za-z0-9_.~\-]{1,32}))?\])"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<path>/[!$%&'()*+,\-./0-9:;=?@A-Z\[\]^_`a-z{|}~]*)?",
    re.IGNORECASE,
)
_TIMEOUT = re.compile(r"second-(?:(?P<seconds>[0-9]{1,12})|infinite)", re.IGNORECASE)
_SID = re.compile(r"uuid:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_PROPERTYSET = f"{{{EVENT_NS}}}propertyset"
_PROPERTY = f"{{{EVENT_NS}}}property"


@dataclass(frozen=True)
class CallbackURL:
    """
    A delivery URL from a CALLBACK header.

    @ivar address: the literal address to connect to (for the caller's
        on-link check).
    @ivar zone: the IPv6 zone the subscriber wrote, or L{None}; meaningless
        on this host, where the arrival interface decides.
    @ivar path: the path and query to NOTIFY, at least C{/}.
    """

    address: IPv4Address | IPv6Address
    port: int
    path: str
    zone: str | None = None

    @property
    def hostHeader(self) -> str:
        """
        The HOST of a NOTIFY to this URL: address and port, IPv6 bracketed.
        """
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """
        The URL without its zone, as an HTTP client wants it.
        """
        return f"http://{self.hostHeader}{self.path}"


@dataclass(frozen=True)
class NewSubscription:
    """
    A valid SUBSCRIBE for a new subscription.

    @ivar callbacks: the delivery URLs, in the order to try them.
    @ivar timeout: the seconds to grant.
    @ivar stateVariables: the names STATEVAR asked for, or L{None} for all.
    """

    callbacks: tuple[CallbackURL, ...]
    timeout: int
    stateVariables: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Renewal:
    """
    A valid SUBSCRIBE renewing subscription C{sid} for C{timeout} seconds.
    """

    sid: str
    timeout: int


@dataclass(frozen=True)
class Unsubscribe:
    """
    A valid UNSUBSCRIBE of subscription C{sid}.
    """

    sid: str


@dataclass(frozen=True)
class EventNotify:
    """
    The headers of a valid event message (the subscriber's side): its
    subscription and sequence number.
    """

    sid: str
    seq: int


@dataclass(frozen=True)
class SubscriptionError:
    """
    A request to refuse.

    @ivar status: the HTTP status to answer (400, 405 or 412).
    @ivar reason: why, for a log line or a counter (never sent).
    """

    status: int
    reason: str


def _parseURL(text: str) -> CallbackURL | str:
    match = _CALLBACK_URL.fullmatch(text)
    if match is None:
        return "not an http:// URL with a literal address"
    literal = match["v4"] or match["v6"]
    try:
        address = ip_address(literal)
    except ValueError:
        return "not a literal IP address"
    if address.version != (4 if match["v4"] else 6):
        return "not a literal IP address"
    port = int(match["port"] or "80")
    if not 1 <= port <= 65535:
        return "port out of range"
    return CallbackURL(address, port, match["path"] or "/", match["zone"])


def parseCallback(value: str | None) -> tuple[CallbackURL, ...] | SubscriptionError:
    """
    Parse a CALLBACK header: C{<url1><url2>...}.

    @return: the URLs in order, or a 412 saying why none is used.
    """
    if value is None:
        return SubscriptionError(412, "no CALLBACK")
    if len(value) > MAX_CALLBACK_LENGTH:
        return SubscriptionError(412, "CALLBACK too long")
    if value.count("<") > MAX_CALLBACK_URLS:
        return SubscriptionError(412, f"more than {MAX_CALLBACK_URLS} CALLBACK URLs")
    if not _CALLBACK.fullmatch(value):
        return SubscriptionError(412, "CALLBACK is not a list of <URL>")
    urls: list[CallbackURL] = []
    for text in re.findall(r"<([^<>]*)>", value):
        url = _parseURL(text.strip())
        if isinstance(url, str):
            return SubscriptionError(412, f"CALLBACK URL refused: {url}")
        urls.append(url)
    return tuple(urls)


def parseTimeout(
    value: str | None, minimum: int = MIN_TIMEOUT, maximum: int = MAX_TIMEOUT, default: int = DEFAULT_TIMEOUT
) -> int:
    """
    The seconds to grant for a TIMEOUT header: C{Second-N} clamped to
    [C{minimum}, C{maximum}], C{Second-infinite} as C{maximum}, C{default}
    (clamped too) when absent or unusable.

    @raise ValueError: C{minimum} is below 1 or above C{maximum}.
    """
    if not 1 <= minimum <= maximum:
        raise ValueError("TIMEOUT bounds must satisfy 1 <= minimum <= maximum")
    match = _TIMEOUT.fullmatch(value or "")
    if match is None:
        seconds = default
    elif match["seconds"] is None:
        seconds = maximum
    else:
        seconds = int(match["seconds"])
    return max(minimum, min(maximum, seconds))


def parseSID(value: str | None) -> str | None:
    """
    A SID header's subscription id (C{uuid:} and a UUID, in lower case), or
    L{None} when it is absent or not one.
    """
    if value is None or not _SID.fullmatch(value):
        return None
    return "uuid:" + value[5:].lower()


def parseStateVars(value: str | None) -> tuple[str, ...] | None | SubscriptionError:
    """
    The names of a STATEVAR header, in order without repeats; L{None} when
    absent (every variable); a 412 when malformed or too long.
    """
    if value is None:
        return None
    names = [name.strip(" \t") for name in value.split(",", MAX_STATEVARS)]
    if len(names) > MAX_STATEVARS:
        return SubscriptionError(412, f"more than {MAX_STATEVARS} STATEVAR names")
    if not all(isXMLName(name) for name in names):
        return SubscriptionError(412, "STATEVAR is not a list of variable names")
    return tuple(dict.fromkeys(names))


def classify(
    method: str,
    headers: Mapping[str, str],
    minimum: int = MIN_TIMEOUT,
    maximum: int = MAX_TIMEOUT,
    default: int = DEFAULT_TIMEOUT,
) -> NewSubscription | Renewal | Unsubscribe | SubscriptionError:
    """
    What a SUBSCRIBE or UNSUBSCRIBE request asks, from its method and
    headers; TIMEOUT is granted as L{parseTimeout} says.
    """
    sid = headerValue(headers, "sid")
    callback = headerValue(headers, "callback")
    nt = headerValue(headers, "nt")
    if method not in ("SUBSCRIBE", "UNSUBSCRIBE"):
        return SubscriptionError(405, "not SUBSCRIBE or UNSUBSCRIBE")
    if sid is not None and (callback is not None or nt is not None):
        return SubscriptionError(400, "SID with CALLBACK or NT")
    if sid is not None or method == "UNSUBSCRIBE":
        parsed = parseSID(sid)
        if parsed is None:
            return SubscriptionError(412, "no usable SID")
        if method == "UNSUBSCRIBE":
            return Unsubscribe(parsed)
        return Renewal(parsed, parseTimeout(headerValue(headers, "timeout"), minimum, maximum, default))
    if nt != NT_EVENT:
        return SubscriptionError(412, "NT is not upnp:event")
    callbacks = parseCallback(callback)
    if isinstance(callbacks, SubscriptionError):
        return callbacks
    names = parseStateVars(headerValue(headers, "statevar"))
    if isinstance(names, SubscriptionError):
        return names
    return NewSubscription(callbacks, parseTimeout(headerValue(headers, "timeout"), minimum, maximum, default), names)


def classifyNotify(headers: Mapping[str, str]) -> EventNotify | SubscriptionError:
    """
    Check the headers of an event message, as its subscriber: NT or NTS
    missing is 400; a wrong NT or NTS, or an unusable SID or SEQ, is 412.
    Whether the SID is known is the caller's check.
    """
    nt, nts = headerValue(headers, "nt"), headerValue(headers, "nts")
    if nt is None or nts is None:
        return SubscriptionError(400, "no NT or NTS")
    if nt != NT_EVENT or nts != NTS_PROPCHANGE:
        return SubscriptionError(412, "NT or NTS is not upnp:event / upnp:propchange")
    sid = parseSID(headerValue(headers, "sid"))
    seq = headerValue(headers, "seq") or ""
    if sid is None or not re.fullmatch("[0-9]{1,10}", seq) or int(seq) > MAX_SEQ:
        return SubscriptionError(412, "no usable SID or SEQ")
    return EventNotify(sid, int(seq))


def nextSeq(seq: int) -> int:
    """
    The SEQ after C{seq}: one more, and 1 after L{MAX_SEQ}.

    @raise ValueError: C{seq} is not in [0, L{MAX_SEQ}].
    """
    if not 0 <= seq <= MAX_SEQ:
        raise ValueError(f"SEQ {seq!r} is out of range")
    return 1 if seq == MAX_SEQ else seq + 1


def formatPropertySet(properties: Sequence[tuple[str, str]]) -> bytes:
    """
    The body of an event message: one C{e:property} per (variable name,
    lexical value), in the order given, UTF-8.

    @raise ValueError: a name is not an XML name, or a value holds a
        character XML cannot carry.
    """
    parts = [f'<?xml version="1.0"?><e:propertyset xmlns:e="{EVENT_NS}">']
    for name, value in properties:
        parts.append(f"<e:property>{textElement(name, value, 'a state variable name')}</e:property>")
    parts.append("</e:propertyset>")
    return "".join(parts).encode("utf-8")


def parsePropertySet(
    data: bytes, maxProperties: int = MAX_PROPERTIES, maxSize: int = MAX_XML_BODY
) -> tuple[tuple[str, str], ...] | str:
    """
    Parse the body of an event message into (variable name, text) pairs in
    document order.  Each C{e:property} may hold one variable or, as some
    devices send, several; other children of the property set are ignored.

    @return: the pairs, or why the body is refused (larger than
        C{maxSize} bytes, not well-formed or forbidden XML, not a property
        set, a variable that is not text, more than C{maxProperties}
        variables).
    """
    root = parseShaped(data, maxSize, maxElements=2 * maxProperties + 8, maxDepth=4)
    if isinstance(root, str):
        return root
    if root.tag != _PROPERTYSET:
        return "not an event property set"
    properties: list[tuple[str, str]] = []
    for element in root:
        if element.tag != _PROPERTY:
            continue
        for variable in element:
            name = variable.tag.rpartition("}")[2]
            if len(variable) or not isXMLName(name):
                return f"property {name[:64]!r} is not a variable with a text value"
            if len(properties) == maxProperties:
                return f"more than {maxProperties} variables"
            properties.append((name, variable.text or ""))
    return tuple(properties)


def notifyHeaders(callback: CallbackURL, sid: str, seq: int) -> tuple[tuple[bytes, bytes], ...]:
    """
    The headers of the event message number C{seq} of subscription C{sid}
    to C{callback} (the HTTP client adds CONTENT-LENGTH).

    @raise ValueError: C{sid} is not a subscription id or C{seq} is out of
        range.
    """
    if parseSID(sid) != sid:
        raise ValueError(f"{sid!r} is not a subscription id")
    if not 0 <= seq <= MAX_SEQ:
        raise ValueError(f"SEQ {seq!r} is out of range")
    return (
        (b"HOST", callback.hostHeader.encode("ascii")),
        (b"CONTENT-TYPE", CONTENT_TYPE.encode("ascii")),
        (b"NT", NT_EVENT.encode("ascii")),
        (b"NTS", NTS_PROPCHANGE.encode("ascii")),
        (b"SID", sid.encode("ascii")),
        (b"SEQ", b"%d" % (seq,)),
    )
