# -*- test-case-name: tests.ssdp.test_message -*-
"""
SSDP messages as values: what L{coherence_lite.ssdp.parse} makes of a
datagram and what L{coherence_lite.ssdp.format} writes, and the limits and
spelling rules both apply.

Pure: no sockets, no clock, no reactor.

  - L{MSearch}, L{Notify} and L{SearchResponse} are the three messages; a
    L{ParseError} is a datagram refused, as a value.
  - L{Headers} keeps every header line of a message received.
  - L{Address} is a peer's address as a datagram socket gives it.
  - A message is at most L{MAX_DATAGRAM} bytes in at most L{MAX_HEADERS}
    header lines of at most L{MAX_LINE} bytes; BOOTID.UPNP.ORG is at most
    L{MAX_BOOTID}, CONFIGID.UPNP.ORG at most
    L{coherence_lite.model.description.MAX_CONFIG_ID}, and
    SEARCHPORT.UPNP.ORG within L{SEARCH_PORTS}.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "MAX_DATAGRAM",
    "MAX_HEADERS",
    "MAX_LINE",
    "MAX_BOOTID",
    "SEARCH_PORTS",
    "DISCOVER",
    "ALIVE",
    "BYEBYE",
    "UPDATE",
    "Address",
    "Headers",
    "MSearch",
    "Notify",
    "SearchResponse",
    "ParseError",
    "Message",
    "isSearchTarget",
    "isWord",
    "hasControlCharacter",
]

#: The largest datagram L{coherence_lite.ssdp.parse.parse} reads, in bytes.
MAX_DATAGRAM = 8192

#: The most header lines a message may have.
MAX_HEADERS = 64

#: The longest line (start line or header, without its line ending), in bytes.
MAX_LINE = 1024

#: The largest BOOTID.UPNP.ORG (and NEXTBOOTID.UPNP.ORG): a 31-bit number.
MAX_BOOTID = 2**31 - 1

#: The lowest and highest SEARCHPORT.UPNP.ORG.
SEARCH_PORTS = (49152, 65535)

#: The MAN value of a search, quotes included.
DISCOVER = '"ssdp:discover"'

#: NTS values.
ALIVE = "ssdp:alive"
BYEBYE = "ssdp:byebye"
UPDATE = "ssdp:update"

#: A peer's address as a datagram socket gives it: C{(host, port)}, or for
#: IPv6 C{(host, port, flowinfo, scope)}.
Address = Union[tuple[str, int], tuple[str, int, int, int]]

# Control characters refused in values (tab is allowed, as in HTTP).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

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


def isWord(text: str) -> bool:
    """
    Whether C{text} is non-empty printable ASCII without spaces, as NT, USN,
    ST, LOCATION and HOST values must be.
    """
    return _WORD.fullmatch(text) is not None


def hasControlCharacter(text: str) -> bool:
    """
    Whether C{text} holds a control character (CR, LF, NUL, ...; a tab is
    allowed, as in HTTP).
    """
    return _CONTROL.search(text) is not None


def isSearchTarget(st: str) -> bool:
    """
    Whether C{st} is a search target this package accepts: C{ssdp:all},
    C{upnp:rootdevice}, C{uuid:} and a device id, or C{urn:} with a domain and
    up to 256 characters in all of printable ASCII without spaces.

    Well-formed URNs of unknown shape (C{urn:Belkin:device:**}) are
    accepted; they just match no advertisement.
    """
    return isinstance(st, str) and len(st) <= 256 and _SEARCH_TARGET.fullmatch(st) is not None


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


#: What L{coherence_lite.ssdp.parse.parse} returns for a usable datagram.
Message = Union[MSearch, Notify, SearchResponse]
