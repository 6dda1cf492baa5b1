# -*- test-case-name: tests.ssdp.test_format -*-
"""
Formatting SSDP datagrams: announcements, search answers and searches.

Pure: no sockets, no clock, no reactor.  The C{format*} functions only
produce datagrams that L{coherence_lite.ssdp.parse.parse} accepts, and raise
L{ValueError} for any value that could not be sent as it is (a line break, a
NUL or another control character, a number out of range), so no caller can
inject a header.  Lines end in CRLF and an empty line ends the datagram.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import lru_cache

from coherence_lite.model.description import MAX_CONFIG_ID
from coherence_lite.ssdp import SSDP_ADDR, SSDP_PORT
from coherence_lite.ssdp.message import (
    ALIVE,
    BYEBYE,
    DISCOVER,
    MAX_BOOTID,
    MAX_DATAGRAM,
    MAX_LINE,
    SEARCH_PORTS,
    UPDATE,
    hasControlCharacter,
    isSearchTarget,
    isWord,
)

__all__ = [
    "formatNotifyAlive",
    "formatNotifyByebye",
    "formatNotifyUpdate",
    "formatSearchResponse",
    "formatMSearch",
    "httpDate",
    "hostHeader",
]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _checkWord(name: str, value: object) -> str:
    """
    A value that is printable ASCII without spaces (NT, USN, ST, LOCATION,
    HOST).
    """
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    if hasControlCharacter(value):
        raise ValueError(f"{name} must not contain CR, LF, NUL or other control characters")
    if not isWord(value):
        raise ValueError(f"{name} must be non-empty printable ASCII without spaces: {value!r}")
    return value


def _checkText(name: str, value: object) -> str:
    """
    A free-text value (SERVER, USER-AGENT, DATE): no control characters, no
    surrounding whitespace, UTF-8 allowed.
    """
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    if hasControlCharacter(value):
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
    return _checkNumber(name, value, 0, MAX_BOOTID)


def _checkMaxAge(value: object) -> int:
    return _checkNumber("maxAge", value, 1, MAX_BOOTID)


def _searchPortHeaders(searchPort: int | None) -> list[tuple[str, str | None]]:
    if searchPort is None:
        return []
    return [("SEARCHPORT.UPNP.ORG", str(_checkNumber("searchPort", searchPort, *SEARCH_PORTS)))]


def _configIdValue(configId: int | None) -> str | None:
    # Coherence-style registrations know no configuration: no CONFIGID then.
    return None if configId is None else str(_checkNumber("configId", configId, 0, MAX_CONFIG_ID))


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
    headers = [("HOST", _checkWord("host", host)), ("MAN", DISCOVER)]
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
    # A responder answers many searches within one second.  Spelled here
    # rather than with email.utils.formatdate, which loads the socket module.
    t = time.gmtime(second)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


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
