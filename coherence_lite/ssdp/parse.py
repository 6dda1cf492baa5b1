# -*- test-case-name: tests.ssdp.test_parse -*-
"""
Parsing SSDP datagrams into L{coherence_lite.ssdp.message} values.

Pure: no sockets, no clock, no reactor.  L{parse} never raises; whatever
arrives on port 1900 becomes an L{MSearch}, a L{Notify}, a
L{SearchResponse} or a L{ParseError} that says why the datagram was dropped.

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
from typing import TypedDict

from coherence_lite.model.description import MAX_CONFIG_ID
from coherence_lite.ssdp.message import (
    ALIVE,
    BYEBYE,
    DISCOVER,
    MAX_BOOTID,
    MAX_DATAGRAM,
    MAX_HEADERS,
    MAX_LINE,
    SEARCH_PORTS,
    UPDATE,
    Headers,
    Message,
    MSearch,
    Notify,
    ParseError,
    SearchResponse,
    hasControlCharacter,
    isSearchTarget,
    isWord,
)

__all__ = ["parse", "parseMaxAge"]

_NTS = frozenset((ALIVE, BYEBYE, UPDATE))

# Headers whose value this module interprets: they may repeat only with the
# same value.
_UNIQUE = frozenset(("host", "man", "st", "mx", "nt", "nts", "usn", "location"))

# RFC 9110 token characters, for header names.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

_DIGITS = re.compile(r"[0-9]{1,10}")

_RESPONSE_LINE = re.compile(r"HTTP/1\.[01] 200(?: .*)?")


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
        if hasControlCharacter(line):
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
    if not isWord(value):
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
        bootId=_number(headers.get("bootid.upnp.org"), 0, MAX_BOOTID),
        configId=_number(headers.get("configid.upnp.org"), 0, MAX_CONFIG_ID),
        searchPort=_number(headers.get("searchport.upnp.org"), *SEARCH_PORTS),
        headers=headers,
    )


def _mSearch(headers: Headers) -> MSearch:
    what = "M-SEARCH"
    host = _word(headers, "host", what)
    man = headers.get("man")
    if man is None:
        raise _Invalid(f"M-SEARCH without MAN: {DISCOVER}")
    if man != DISCOVER:
        raise _Invalid(f"M-SEARCH with MAN {_show(man)} instead of {DISCOVER}")
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
        if location is not None and not isWord(location):
            location = None
    else:
        location = _word(headers, "location", what)
    return Notify(
        nts=nts,
        nt=nt,
        usn=usn,
        location=location,
        nextBootId=_number(headers.get("nextbootid.upnp.org"), 0, MAX_BOOTID),
        **_advertisedFields(headers),
    )


def _searchResponse(headers: Headers) -> SearchResponse:
    what = "search response"
    st = _word(headers, "st", what)
    usn = _word(headers, "usn", what)
    location = _word(headers, "location", what)
    return SearchResponse(st=st, usn=usn, location=location, **_advertisedFields(headers))
