# -*- test-case-name: tests.test_message -*-
"""
SSDP messages: parsing datagrams into values and formatting values into
datagrams.

Everything here is pure: no sockets, no clock, no reactor.  L{parse} never
raises; whatever arrives on port 1900 becomes an L{MSearch}, a L{Notify}, a
L{SearchResponse} or a L{ParseError} that says why the datagram was dropped.
The C{format*} functions only produce datagrams that L{parse} accepts and
raise L{ValueError} for any value that could not be sent as it is (a line
break, a NUL or another control character, a number out of range), so no
caller can inject a header.

Parsing rules, chosen to be lenient where real devices differ and strict
where a value is interpreted:

  - At most L{MAX_DATAGRAM} bytes, L{MAX_HEADERS} header lines, each line at
    most L{MAX_LINE} bytes.  The datagram must be UTF-8 (ASCII included); NUL,
    other control characters (tab excepted) and a CR that does not end a line
    are refused.
  - Lines end in CRLF or a bare LF.  The end of the datagram ends the header
    block when the empty line is missing; anything after the empty line is
    ignored (SSDP messages have no body).  Leading empty lines are skipped.
  - The start line is exactly C{M-SEARCH * HTTP/1.1} or C{NOTIFY * HTTP/1.1}
    (methods are case-sensitive, as in HTTP), or a status line
    C{HTTP/1.1 200 <any reason>}; C{HTTP/1.0} is also accepted for responses,
    which some embedded stacks send.  Other status codes are refused.
  - Header names are HTTP tokens, matched case-insensitively; whitespace
    between a name and its colon is tolerated, folded (continuation) lines
    are refused.  Values are stripped of surrounding spaces and tabs.
  - When a header repeats, L{Headers} keeps the first value.  The headers
    this module interprets (HOST, MAN, ST, MX, NT, NTS, USN, LOCATION) may
    repeat only with the same value: two different search targets or
    locations in one datagram make it ambiguous, so it is refused.
  - M-SEARCH needs HOST, C{MAN: "ssdp:discover"} and a valid ST (see
    L{isSearchTarget}); MX, when present, must be digits (at most 10) and is
    kept as sent: clamping it and ignoring multicast searches without it are
    the responder's job.
  - NOTIFY needs NTS (C{ssdp:alive}, C{ssdp:byebye} or C{ssdp:update}), NT
    and USN, and LOCATION for alive and update (a byebye's LOCATION is
    L{None} unless valid).  A 200 response needs ST, USN and LOCATION.
    CACHE-CONTROL's max-age and the C{*.UPNP.ORG} numbers are L{None} when
    absent or unusable: they never cause a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import lru_cache
from typing import TypedDict, Union

from coherence_lite.ssdp import SSDP_ADDR, SSDP_PORT

__all__ = [
    "MAX_DATAGRAM",
    "MAX_HEADERS",
    "MAX_LINE",
    "Headers",
    "MSearch",
    "Notify",
    "SearchResponse",
    "ParseError",
    "Message",
    "parse",
    "parseMaxAge",
    "isSearchTarget",
    "formatNotifyAlive",
    "formatNotifyByebye",
    "formatNotifyUpdate",
    "formatSearchResponse",
    "formatMSearch",
    "httpDate",
    "hostHeader",
    "ALIVE",
    "BYEBYE",
    "UPDATE",
]

#: The largest datagram L{parse} reads, in bytes.
MAX_DATAGRAM = 8192

#: The most header lines a message may have.
MAX_HEADERS = 64

#: The longest line (start line or header, without its line ending), in bytes.
MAX_LINE = 1024

#: NTS values.
ALIVE = "ssdp:alive"
BYEBYE = "ssdp:byebye"
UPDATE = "ssdp:update"

_NTS = frozenset((ALIVE, BYEBYE, UPDATE))

_DISCOVER = '"ssdp:discover"'

# Headers whose value this module interprets: they may repeat only with the
# same value.
_UNIQUE = frozenset(("host", "man", "st", "mx", "nt", "nts", "usn", "location"))

# RFC 9110 token characters, for header names.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

# Control characters refused in values (tab is allowed, as in HTTP).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

_DIGITS = re.compile(r"[0-9]{1,10}")

# Printable ASCII without spaces: NT, USN, ST, LOCATION and HOST values.
_WORD = re.compile(r"[\x21-\x7e]+")

# Search targets: the fixed ones, a UDN, or any well-formed URN (unknown
# URNs are valid searches that simply match nothing).
_SEARCH_TARGET = re.compile(
    r"ssdp:all"
    r"|upnp:rootdevice"
    r"|uuid:[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}"
    r"|urn:[A-Za-z0-9][A-Za-z0-9.\-]{0,63}:[\x21-\x7e]{1,187}"
)

_RESPONSE_LINE = re.compile(r"HTTP/1\.[01] 200(?: .*)?")

_MAX_BOOT_ID = 2**31 - 1
_MAX_CONFIG_ID = 2**24 - 1
_SEARCH_PORTS = (49152, 65535)


class Headers(Mapping[str, str]):
    """
    The headers of a message: an immutable, case-insensitive mapping of
    header name to value.

    Names are kept lower-cased and values stripped of surrounding spaces and
    tabs.  When a name repeats, the mapping holds its first value; L{pairs}
    keeps every line as received.

    Two L{Headers} are equal when they map the same names to the same values.
    """

    __slots__ = ("_pairs", "_values")

    _pairs: tuple[tuple[str, str], ...]
    _values: dict[str, str]

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        """
        @param pairs: C{(name, value)} in the order they were received.
        """
        normalized = tuple((name.lower(), value.strip(" \t")) for name, value in pairs)
        values: dict[str, str] = {}
        for name, value in normalized:
            values.setdefault(name, value)
        object.__setattr__(self, "_pairs", normalized)
        object.__setattr__(self, "_values", values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Headers are immutable")

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """
        Every header line as C{(lower-cased name, stripped value)}, repeats
        included, in the order received.
        """
        return self._pairs

    def __getitem__(self, name: str) -> str:
        if not isinstance(name, str):
            raise KeyError(name)
        return self._values[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __repr__(self) -> str:
        return f"Headers({list(self._pairs)!r})"


@dataclass(frozen=True)
class MSearch:
    """
    A search request.

    @ivar st: the search target, validated by L{isSearchTarget}.
    @ivar mx: the MX value as sent (not clamped), or L{None} when absent (a
        unicast search, or a multicast one to ignore).
    @ivar host: the HOST value, e.g. C{239.255.255.250:1900}.
    @ivar headers: all headers; they take no part in equality.
    """

    st: str
    mx: int | None
    host: str
    headers: Headers = field(default_factory=Headers, compare=False)


@dataclass(frozen=True)
class Notify:
    """
    An announcement: C{ssdp:alive}, C{ssdp:byebye} or C{ssdp:update}.

    @ivar nts: one of L{ALIVE}, L{BYEBYE}, L{UPDATE}.
    @ivar location: L{None} only for byebye without a LOCATION.
    @ivar maxAge: CACHE-CONTROL's max-age, or L{None} when absent or not a
        number.
    @ivar bootId: BOOTID.UPNP.ORG when a valid 31-bit number, else L{None};
        likewise C{nextBootId}.  C{configId} is a number up to 16777215 and
        C{searchPort} a port from 49152 to 65535.
    @ivar headers: all headers; they take no part in equality.
    """

    nts: str
    nt: str
    usn: str
    location: str | None
    maxAge: int | None
    server: str | None
    bootId: int | None
    configId: int | None
    nextBootId: int | None
    searchPort: int | None
    headers: Headers = field(default_factory=Headers, compare=False)


@dataclass(frozen=True)
class SearchResponse:
    """
    A C{200 OK} answer to a search.

    Optional fields are as for L{Notify}.

    @ivar headers: all headers; they take no part in equality.
    """

    st: str
    usn: str
    location: str
    maxAge: int | None
    server: str | None
    bootId: int | None
    configId: int | None
    searchPort: int | None
    headers: Headers = field(default_factory=Headers, compare=False)


@dataclass(frozen=True)
class ParseError:
    """
    A datagram that is not an SSDP message this package can use.  A value,
    not an exception: callers log it and drop the datagram.

    @ivar reason: why, in words fit for a debug log.
    """

    reason: str


#: What L{parse} returns for a usable datagram.
Message = Union[MSearch, Notify, SearchResponse]


class _Invalid(Exception):
    """
    Raised inside this module only; L{parse} turns it into a L{ParseError}.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _show(value: str, limit: int = 40) -> str:
    """
    Quote a received value for a reason, cut to C{limit} characters.
    """
    if len(value) > limit:
        return repr(value[:limit]) + "..."
    return repr(value)


def isSearchTarget(st: str) -> bool:
    """
    Whether C{st} is a search target this package accepts: C{ssdp:all},
    C{upnp:rootdevice}, C{uuid:} and a device id, or C{urn:} with a domain and
    up to 256 characters in all of printable ASCII without spaces.

    Well-formed URNs of unknown shape (C{urn:Belkin:device:**}) are
    accepted; they just match no advertisement.
    """
    return isinstance(st, str) and len(st) <= 256 and _SEARCH_TARGET.fullmatch(st) is not None


def parse(data: bytes) -> MSearch | Notify | SearchResponse | ParseError:
    """
    Parse one SSDP datagram.

    Never raises: any input gives one of the four result types.

    @param data: the datagram as received.
    @return: the message, or a L{ParseError} saying why it was refused.
    """
    try:
        return _parse(bytes(data))
    except _Invalid as invalid:
        return ParseError(invalid.reason)


def _parse(data: bytes) -> Message:
    if len(data) > MAX_DATAGRAM:
        raise _Invalid(f"datagram of {len(data)} bytes is larger than {MAX_DATAGRAM}")
    lines = _lines(data)
    startLine, headerLines = lines[0], lines[1:]
    headers = _headers(headerLines)
    if startLine == "M-SEARCH * HTTP/1.1":
        return _mSearch(headers)
    if startLine == "NOTIFY * HTTP/1.1":
        return _notify(headers)
    if _RESPONSE_LINE.fullmatch(startLine):
        return _searchResponse(headers)
    if startLine.startswith("HTTP/"):
        raise _Invalid(f"unsupported status line {_show(startLine)}")
    method = startLine.split(" ", 1)[0]
    if method in ("M-SEARCH", "NOTIFY"):
        raise _Invalid(f"malformed request line {_show(startLine)}")
    raise _Invalid(f"unknown method {_show(method)}")


def _lines(data: bytes) -> list[str]:
    """
    Split a datagram into its start line and header lines, decoded.

    @return: at least one line, the start line first.
    """
    rawLines = data.split(b"\n")
    while rawLines and rawLines[0] in (b"", b"\r"):
        rawLines.pop(0)
    if not rawLines:
        raise _Invalid("empty datagram")
    lines: list[str] = []
    for number, raw in enumerate(rawLines, 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if raw == b"":
            break
        if len(lines) > MAX_HEADERS:
            raise _Invalid(f"more than {MAX_HEADERS} header lines")
        if len(raw) > MAX_LINE:
            raise _Invalid(f"line {number} is longer than {MAX_LINE} bytes")
        if b"\x00" in raw:
            raise _Invalid(f"NUL byte in line {number}")
        if b"\r" in raw:
            raise _Invalid(f"bare CR inside line {number}")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Invalid(f"line {number} is not UTF-8 text") from None
        if _CONTROL.search(line):
            raise _Invalid(f"control character in line {number}")
        lines.append(line)
    return lines


def _headers(lines: list[str]) -> Headers:
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for line in lines:
        if line[0] in " \t":
            raise _Invalid(f"folded header line {_show(line)} is not supported")
        name, colon, value = line.partition(":")
        name = name.rstrip(" \t")
        if not colon:
            raise _Invalid(f"header line without a colon: {_show(line)}")
        if not _TOKEN.fullmatch(name):
            raise _Invalid(f"invalid header name {_show(name)}")
        key = name.lower()
        value = value.strip(" \t")
        if key in _UNIQUE and seen.get(key, value) != value:
            raise _Invalid(f"conflicting values for repeated header {name.upper()}")
        seen.setdefault(key, value)
        pairs.append((name, value))
    return Headers(pairs)


def _required(headers: Headers, name: str, what: str) -> str:
    value = headers.get(name)
    if value is None:
        raise _Invalid(f"{what} without {name.upper()}")
    if value == "":
        raise _Invalid(f"{what} with an empty {name.upper()}")
    return value


def _word(headers: Headers, name: str, what: str) -> str:
    value = _required(headers, name, what)
    if not _WORD.fullmatch(value):
        raise _Invalid(f"{name.upper()} {_show(value)} contains spaces or non-ASCII characters")
    return value


def _number(value: str | None, low: int, high: int) -> int | None:
    if value is None or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    if not low <= number <= high:
        return None
    return number


def parseMaxAge(value: str | None) -> int | None:
    """
    The max-age directive of a CACHE-CONTROL value, in seconds.

    Lenient where devices differ: the directive name is matched
    case-insensitively, spaces around C{=} and other directives before or
    after it are tolerated (C{max-age = 1800}, C{no-cache, max-age=60}) and
    the number may be quoted (C{max-age="90"}).  Only the first max-age
    directive counts.

    @param value: a CACHE-CONTROL header value, or L{None} when the header
        is missing.
    @return: the number of seconds, or L{None} when there is no max-age
        directive or its argument is not a whole number of seconds (at most
        10 digits).
    """
    if value is None:
        return None
    for directive in value.split(","):
        name, equals, argument = directive.partition("=")
        if name.strip(" \t").lower() != "max-age" or not equals:
            continue
        argument = argument.strip(" \t")
        if len(argument) >= 2 and argument[0] == argument[-1] == '"':
            argument = argument[1:-1]
        return _number(argument, 0, 10**10)
    return None


class _AdvertisedFields(TypedDict):
    """
    What L{_advertisedFields} returns: the fields a L{Notify} and a
    L{SearchResponse} share.
    """

    maxAge: int | None
    server: str | None
    bootId: int | None
    configId: int | None
    searchPort: int | None
    headers: Headers


def _advertisedFields(headers: Headers) -> _AdvertisedFields:
    """
    What an announcement and a search response say alike: CACHE-CONTROL's
    max-age, SERVER, BOOTID, CONFIGID and SEARCHPORT, each L{None} unless
    valid, and all the headers.
    """
    return _AdvertisedFields(
        maxAge=parseMaxAge(headers.get("cache-control")),
        server=headers.get("server") or None,
        bootId=_number(headers.get("bootid.upnp.org"), 0, _MAX_BOOT_ID),
        configId=_number(headers.get("configid.upnp.org"), 0, _MAX_CONFIG_ID),
        searchPort=_number(headers.get("searchport.upnp.org"), *_SEARCH_PORTS),
        headers=headers,
    )


def _mSearch(headers: Headers) -> MSearch:
    what = "M-SEARCH"
    host = _word(headers, "host", what)
    man = headers.get("man")
    if man is None:
        raise _Invalid('M-SEARCH without MAN: "ssdp:discover"')
    if man != _DISCOVER:
        raise _Invalid(f'M-SEARCH with MAN {_show(man)} instead of "ssdp:discover"')
    st = _required(headers, "st", what)
    if not isSearchTarget(st):
        raise _Invalid(f"M-SEARCH with unsupported search target {_show(st)}")
    rawMX = headers.get("mx")
    mx: int | None = None
    if rawMX is not None:
        if not _DIGITS.fullmatch(rawMX):
            raise _Invalid(f"MX {_show(rawMX)} is not a whole number of seconds (at most 10 digits)")
        mx = int(rawMX)
    return MSearch(st=st, mx=mx, host=host, headers=headers)


def _notify(headers: Headers) -> Notify:
    nts = _required(headers, "nts", "NOTIFY")
    if nts not in _NTS:
        raise _Invalid(f"NOTIFY with unknown NTS {_show(nts)}")
    what = f"NOTIFY {nts}"
    nt = _word(headers, "nt", what)
    usn = _word(headers, "usn", what)
    location: str | None
    if nts == BYEBYE:
        # A byebye needs no LOCATION: one that is not a valid word is dropped
        # rather than passed on unchecked (or costing the byebye).
        location = headers.get("location") or None
        if location is not None and not _WORD.fullmatch(location):
            location = None
    else:
        location = _word(headers, "location", what)
    return Notify(
        nts=nts,
        nt=nt,
        usn=usn,
        location=location,
        nextBootId=_number(headers.get("nextbootid.upnp.org"), 0, _MAX_BOOT_ID),
        **_advertisedFields(headers),
    )


def _searchResponse(headers: Headers) -> SearchResponse:
    what = "search response"
    st = _word(headers, "st", what)
    usn = _word(headers, "usn", what)
    location = _word(headers, "location", what)
    return SearchResponse(st=st, usn=usn, location=location, **_advertisedFields(headers))


# Formatting.


def _checkWord(name: str, value: object) -> str:
    """
    A value that is printable ASCII without spaces (NT, USN, ST, LOCATION,
    HOST).
    """
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    if _CONTROL.search(value):
        raise ValueError(f"{name} must not contain CR, LF, NUL or other control characters")
    if not _WORD.fullmatch(value):
        raise ValueError(f"{name} must be non-empty printable ASCII without spaces: {value!r}")
    return value


def _checkText(name: str, value: object) -> str:
    """
    A free-text value (SERVER, USER-AGENT, DATE): no control characters, no
    surrounding whitespace, UTF-8 allowed.
    """
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    if _CONTROL.search(value):
        raise ValueError(f"{name} must not contain CR, LF, NUL or other control characters")
    if value.strip(" \t") != value or value == "":
        raise ValueError(f"{name} must be non-empty without surrounding whitespace: {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{name} cannot be encoded as UTF-8") from None
    return value


def _checkNumber(name: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high}, not {value}")
    return value


def _checkBootId(name: str, value: object) -> int:
    return _checkNumber(name, value, 0, _MAX_BOOT_ID)


def _checkConfigId(value: object) -> int:
    return _checkNumber("configId", value, 0, _MAX_CONFIG_ID)


def _checkMaxAge(value: object) -> int:
    return _checkNumber("maxAge", value, 1, _MAX_BOOT_ID)


def _searchPortHeaders(searchPort: int | None) -> list[tuple[str, str | None]]:
    if searchPort is None:
        return []
    return [("SEARCHPORT.UPNP.ORG", str(_checkNumber("searchPort", searchPort, *_SEARCH_PORTS)))]


def _configIdValue(configId: int | None) -> str | None:
    # Coherence-style registrations know no configuration: no CONFIGID then.
    return None if configId is None else str(_checkConfigId(configId))


def _render(startLine: str, headers: Sequence[tuple[str, str | None]]) -> bytes:
    """
    Join checked headers into a datagram: CRLF line endings, an empty line
    at the end.  A header with an empty value is written C{NAME:}; one whose
    value is L{None} is left out.
    """
    lines = [startLine]
    for name, value in headers:
        if value is not None:
            lines.append(f"{name}: {value}" if value else f"{name}:")
    for line in lines:
        if len(line.encode("utf-8")) > MAX_LINE:
            raise ValueError(f"{line.split(':', 1)[0]} line would be longer than {MAX_LINE} bytes")
    datagram = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    if len(datagram) > MAX_DATAGRAM:
        raise ValueError(f"message would be longer than {MAX_DATAGRAM} bytes")
    return datagram


def formatNotifyAlive(
    host: str,
    nt: str,
    usn: str,
    location: str,
    maxAge: int,
    server: str,
    bootId: int,
    configId: int | None,
    searchPort: int | None = None,
) -> bytes:
    """
    Format an C{ssdp:alive} announcement.

    @param host: the HOST value, see L{hostHeader}.
    @param maxAge: seconds the announcement is valid (CACHE-CONTROL).
    @param server: the SERVER value, see L{coherence_lite.identity.serverString}.
    @param searchPort: SEARCHPORT.UPNP.ORG, only when not answering on 1900.
    @return: the datagram.
    @raise ValueError: a value cannot be sent as it is.
    """
    return _render(
        "NOTIFY * HTTP/1.1",
        [
            ("HOST", _checkWord("host", host)),
            ("CACHE-CONTROL", f"max-age={_checkMaxAge(maxAge)}"),
            ("LOCATION", _checkWord("location", location)),
            ("NT", _checkWord("nt", nt)),
            ("NTS", ALIVE),
            ("SERVER", _checkText("server", server)),
            ("USN", _checkWord("usn", usn)),
            ("BOOTID.UPNP.ORG", str(_checkBootId("bootId", bootId))),
            ("CONFIGID.UPNP.ORG", _configIdValue(configId)),
        ]
        + _searchPortHeaders(searchPort),
    )


def formatNotifyByebye(host: str, nt: str, usn: str, bootId: int, configId: int | None) -> bytes:
    """
    Format an C{ssdp:byebye} announcement.

    @return: the datagram.
    @raise ValueError: a value cannot be sent as it is.
    """
    return _render(
        "NOTIFY * HTTP/1.1",
        [
            ("HOST", _checkWord("host", host)),
            ("NT", _checkWord("nt", nt)),
            ("NTS", BYEBYE),
            ("USN", _checkWord("usn", usn)),
            ("BOOTID.UPNP.ORG", str(_checkBootId("bootId", bootId))),
            ("CONFIGID.UPNP.ORG", _configIdValue(configId)),
        ],
    )


def formatNotifyUpdate(
    host: str,
    nt: str,
    usn: str,
    location: str,
    bootId: int,
    configId: int | None,
    nextBootId: int,
    searchPort: int | None = None,
) -> bytes:
    """
    Format an C{ssdp:update} announcement.

    @param bootId: the BOOTID in use until now.
    @param nextBootId: the BOOTID the following alive messages will carry.
    @return: the datagram.
    @raise ValueError: a value cannot be sent as it is.
    """
    return _render(
        "NOTIFY * HTTP/1.1",
        [
            ("HOST", _checkWord("host", host)),
            ("LOCATION", _checkWord("location", location)),
            ("NT", _checkWord("nt", nt)),
            ("NTS", UPDATE),
            ("USN", _checkWord("usn", usn)),
            ("BOOTID.UPNP.ORG", str(_checkBootId("bootId", bootId))),
            ("CONFIGID.UPNP.ORG", _configIdValue(configId)),
            ("NEXTBOOTID.UPNP.ORG", str(_checkBootId("nextBootId", nextBootId))),
        ]
        + _searchPortHeaders(searchPort),
    )


def formatSearchResponse(
    st: str,
    usn: str,
    location: str,
    maxAge: int,
    server: str,
    date: str,
    bootId: int,
    configId: int | None,
    searchPort: int | None = None,
) -> bytes:
    """
    Format the answer to a search.

    Headers, in order: CACHE-CONTROL, DATE, EXT (empty), LOCATION, SERVER,
    ST, USN, BOOTID.UPNP.ORG, CONFIGID.UPNP.ORG and, when given,
    SEARCHPORT.UPNP.ORG.  Nothing else.

    @param st: the search target to echo, byte for byte as it was asked.
    @param date: the DATE value, see L{httpDate}.
    @return: the datagram.
    @raise ValueError: a value cannot be sent as it is.
    """
    return _render(
        "HTTP/1.1 200 OK",
        [
            ("CACHE-CONTROL", f"max-age={_checkMaxAge(maxAge)}"),
            ("DATE", _checkText("date", date)),
            ("EXT", ""),
            ("LOCATION", _checkWord("location", location)),
            ("SERVER", _checkText("server", server)),
            ("ST", _checkWord("st", st)),
            ("USN", _checkWord("usn", usn)),
            ("BOOTID.UPNP.ORG", str(_checkBootId("bootId", bootId))),
            ("CONFIGID.UPNP.ORG", _configIdValue(configId)),
        ]
        + _searchPortHeaders(searchPort),
    )


def formatMSearch(
    st: str,
    mx: int | None,
    host: str = f"{SSDP_ADDR}:{SSDP_PORT}",
    userAgent: str | None = None,
) -> bytes:
    """
    Format a search request.

    @param st: the search target; L{isSearchTarget} must accept it.
    @param mx: seconds responders may wait (1 to 120), or L{None} for a
        unicast search, which has no MX.
    @param host: the HOST value, see L{hostHeader}.
    @param userAgent: a USER-AGENT value, if any.
    @return: the datagram.
    @raise ValueError: a value cannot be sent as it is.
    """
    _checkWord("st", st)
    if not isSearchTarget(st):
        raise ValueError(f"st {st!r} is not a search target")
    headers = [("HOST", _checkWord("host", host)), ("MAN", _DISCOVER)]
    if mx is not None:
        headers.append(("MX", str(_checkNumber("mx", mx, 1, 120))))
    headers.append(("ST", st))
    if userAgent is not None:
        headers.append(("USER-AGENT", _checkText("userAgent", userAgent)))
    return _render("M-SEARCH * HTTP/1.1", headers)


def httpDate(seconds: float) -> str:
    """
    Spell a time as an RFC 1123 date, C{Sat, 22 Oct 2016 14:44:26 GMT},
    whatever the locale.

    @param seconds: seconds since the epoch.
    """
    return _httpDateOfSecond(int(seconds))


@lru_cache(maxsize=4)
def _httpDateOfSecond(second: int) -> str:
    # A responder answers many searches within one second.
    return formatdate(second, usegmt=True)


def hostHeader(address: str, port: int) -> str:
    """
    The HOST value for an address and port: C{239.255.255.250:1900}, or for
    IPv6 the address in brackets, upper-cased as UDA spells it and without a
    zone index (meaningless to the receiver): C{[FF02::C]:1900}.

    @raise ValueError: C{address} is empty or has spaces or control
        characters, or C{port} is not from 1 to 65535.
    """
    _checkWord("address", address)
    _checkNumber("port", port, 1, 65535)
    if ":" in address:
        bare = address.strip("[]").split("%", 1)[0]
        return f"[{bare.upper()}]:{port}"
    return f"{address}:{port}"
