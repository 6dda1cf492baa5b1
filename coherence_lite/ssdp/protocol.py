# -*- test-case-name: tests.ssdp.test_host,tests.ssdp.test_protocol -*-
"""
From datagrams to messages: the SSDP L{DatagramProtocol}, and
L{MessageHandler}, the one interface everything that hears SSDP messages
implements.

The protocol finds the link a datagram arrived on, parses it and hands the
message to a handler.  Malformed datagrams are dropped with one debug line;
nothing of them reaches the handler.

Control points repeat identical searches, so parse results are remembered
by the datagram's bytes and the link by (interface, peer address), both in
bounded tables (messages are immutable values, so sharing them is safe).
"""

from __future__ import annotations

import socket

from typing import Callable, Sequence

from twisted.internet.interfaces import IReactorTime
from twisted.internet.protocol import DatagramProtocol
from twisted.logger import Logger

from coherence_lite.logbudget import LogBudget
from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.message import Address, MSearch, Notify, ParseError, SearchResponse
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.transport import Arrival
from coherence_lite.stats import Stats

__all__ = ["MAX_CACHED", "MAX_CACHED_DATAGRAM", "MessageHandler", "SSDPProtocol", "linkFor"]

log = Logger()

#: How many parse results, and how many (interface, peer) links, a protocol
#: remembers; when full it forgets them all (a flood of distinct datagrams
#: costs what parsing costs, never more memory).
MAX_CACHED = 1024

#: Datagrams longer than this are parsed each time, not remembered (a search
#: is about 100 to 300 bytes): the parse cache holds at most 512 KiB.
MAX_CACHED_DATAGRAM = 512


class MessageHandler:
    """
    What hears parsed SSDP messages: an L{SSDPProtocol}'s handler, and the
    observers of an L{SSDPListener <coherence_lite.ssdp.listener.SSDPListener>}
    or a L{Searcher <coherence_lite.controlpoint.search.Searcher>}.

    A base class: every method does nothing, so a subclass overrides only
    the messages it cares about.
    """

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        An M-SEARCH arrived on C{link}, sent to the group when C{multicast}.
        """

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        A NOTIFY arrived on C{link}.
        """

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        A search response arrived on C{link}.
        """


def linkFor(links: Sequence[Link], source: str) -> Link | None:
    """
    The link of an interface that a peer at C{source} is best answered on:
    the one whose network holds the peer, else the first.
    """
    for link in links:
        if link.isOnLink(source):
            return link
    return links[0] if links else None


class SSDPProtocol(DatagramProtocol):
    """
    Parses datagrams and dispatches them by kind.

    @param linksOn: the served links of an interface, by (family, index).
    @param clock: times the budget of debug lines about dropped datagrams.
    """

    noisy = False

    def logPrefix(self) -> str:
        """
        How Twisted names this protocol in its lines (C{SSDP (IPv4)
        starting on 1900}).
        """
        return "SSDP (IPv6)" if self._family == socket.AF_INET6 else "SSDP (IPv4)"

    def __init__(
        self,
        handler: MessageHandler,
        linksOn: Callable[[int, int], Sequence[Link]],
        family: int,
        clock: IReactorTime,
        stats: Stats | None = None,
    ) -> None:
        self._handler = handler
        self._linksOn = linksOn
        self._family = family
        self._stats = stats or Stats()
        self._dropLog = LogBudget(log, clock)
        # Control points repeat the same few datagrams: parse each once.
        self._parsed: dict[bytes, MSearch | Notify | SearchResponse | ParseError] = {}
        # The link of each (interface, peer), with the links it was chosen
        # from: a new list of links (the listener rebuilds it when links
        # change) makes the entry stale.
        self._linkOf: dict[tuple[int, str], tuple[Sequence[Link], Link | None]] = {}

    def datagramReceived(self, datagram: bytes, addr: Address) -> None:
        self._dropLog.debug("Datagram from {source} without interface information dropped", source=addr)
        self._stats.count("dropped.no-interface")

    def datagramArrived(self, data: bytes, source: Address, arrival: Arrival) -> None:
        """
        One datagram arrived on the interface C{arrival.index}.
        """
        self._stats.count("datagrams.received")
        links = self._linksOn(self._family, arrival.index)
        key = (arrival.index, source[0])
        known = self._linkOf.get(key)
        if known is not None and known[0] is links:
            link = known[1]
        else:
            link = linkFor(links, source[0])
            if len(self._linkOf) >= MAX_CACHED:
                self._linkOf.clear()
            self._linkOf[key] = (links, link)
        if link is None:
            self._stats.count("dropped.unserved-interface")
            return
        message = self._parsed.get(data)
        if message is None:
            message = parse(data)
            if len(data) <= MAX_CACHED_DATAGRAM:
                if len(self._parsed) >= MAX_CACHED:
                    self._parsed.clear()
                self._parsed[data] = message
        if isinstance(message, MSearch):
            self._handler.searchReceived(message, source, link, arrival.multicast)
        elif isinstance(message, ParseError):
            self._stats.count("dropped.malformed")
            self._dropLog.debug(
                "Malformed datagram from {host}:{port} dropped: {reason}",
                host=source[0],
                port=source[1],
                reason=message.reason,
            )
        elif isinstance(message, Notify):
            self._handler.notifyReceived(message, source, link)
        else:
            self._handler.responseReceived(message, source, link)
