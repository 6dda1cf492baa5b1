# -*- test-case-name: tests.compat.test_msearch -*-
"""
Coherence's C{MSearch}: the control point's periodic C{ssdp:all} search.

    from coherence.upnp.core.msearch import MSearch      # Coherence
    from coherence_lite.compat.msearch import MSearch    # coherence-lite

As Coherence's, it searches from its own UDP port (so answers come back to
it, not to the shared SSDP port), twice every two minutes with MX 5, and
hands every answer to its L{SSDPServer}, which remembers the USN until its
max-age runs out (and, unlike Coherence, refreshes it on every answer).
Every datagram it receives goes out as C{UPnP.SSDP.datagram_received}.

It is a thin wrapper: the sockets, the sending and the answers are a core
L{Searcher}'s (a port of its own, not shared with C{SO_REUSEADDR}); only
Coherence's schedule and names are kept here.  Searches leave through every
IPv4 link the server serves, from that link's address, and the server never
answers them (they are this host's own).  With C{test=True} nothing binds:
searches go to C{self.transport} and nothing repeats until
L{MSearch.startDiscovering} is called.
"""

from __future__ import annotations

import socket

from twisted.internet.defer import Deferred, succeed
from twisted.internet.error import CannotListenError
from twisted.internet.protocol import DatagramProtocol
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

from coherence_lite.compat._impl.adapters import DatagramTap, datagramBytes
from coherence_lite.compat.ssdp import SSDPServer
from coherence_lite.controlpoint.search import Searcher, listenSearchPort
from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.compat.signals import DATAGRAM_RECEIVED, SignalSender
from coherence_lite.ssdp import SSDP_ADDR, SSDP_PORT
from coherence_lite.ssdp.advertisement import ALL
from coherence_lite.ssdp.format import formatMSearch, hostHeader
from coherence_lite.ssdp.message import Address, ParseError, SearchResponse
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.protocol import MessageHandler, SSDPProtocol
from coherence_lite.ssdp.transport import SSDPPort

__all__ = ["SSDP_PORT", "SSDP_ADDR", "MSearch", "DISCOVERY_INTERVAL", "DISCOVERY_MX"]

log = Logger()

#: Seconds between two rounds of searches (Coherence: 120).
DISCOVERY_INTERVAL = 120.0

#: The MX of the searches (Coherence: 5).
DISCOVERY_MX = 5


class _AnswersTo(MessageHandler):
    """
    Gives every answer a L{Searcher} hears to an L{SSDPServer}.
    """

    def __init__(self, server: SSDPServer) -> None:
        self._server = server

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        Let the server remember (or refresh) the answering USN.
        """
        self._server.searchResponseReceived(response, source)


class MSearch(DatagramProtocol):
    """
    Searches for every device and feeds the answers to an L{SSDPServer}.

    @ivar ssdp_server: the server answers are given to (Coherence's name).
    @ivar port: the bound IPv4 search port, when not in test mode, bound,
        and the server has an IPv4 link.
    """

    noisy = False

    def __init__(
        self,
        ssdp_server: SSDPServer,
        test: bool = False,
        *,
        reactor: Reactor | None = None,
        ttl: int = 2,
    ) -> None:
        """
        Set up and, unless C{test}, bind a free UDP port and start searching
        at once, then every L{DISCOVERY_INTERVAL} seconds, as Coherence did.

        @param ssdp_server: the server answers are given to; searches go to
            its SSDP port on its links.
        @param test: bind nothing and do not repeat; send through
            C{self.transport}.
        @param reactor: the reactor; the server's when L{None}.
        @param ttl: the multicast TTL.
        """
        self.ssdp_server = ssdp_server
        self.test = test
        self.reactor = reactor if reactor is not None else ssdp_server.reactor
        self._signals = SignalSender(self.reactor)
        self._loop = LoopingCall(self._discoverRound)
        self._loop.clock = self.reactor
        self._searcher: Searcher | None = None
        self.port: SSDPPort | None = None
        if not test:
            self._startSearcher(ttl)

    def _startSearcher(self, ttl: int) -> None:
        """
        Bind the search port of a L{Searcher} that sends what L{discover}
        asks for, tell the server its searches are ours, and start searching.
        """
        searcher = Searcher(
            self._ipv4Links,
            self.reactor,
            ssdpPort=self.ssdp_server.ssdpPort,
            searchTarget=ALL,
            mx=DISCOVERY_MX,
            interval=None,
            copies=1,
            ttl=ttl,
            listen=self._listen,
            searchOnStart=False,
        )
        searcher.addObserver(_AnswersTo(self.ssdp_server))
        try:
            searcher.startService()
        except CannotListenError as e:
            log.error("Cannot bind a port to search from: {error}", error=e.socketError)
            return
        self._searcher = searcher
        self.port = searcher.ports.get(socket.AF_INET)
        for port in searcher.ports.values():
            # Never answer our own searches (UDA).
            self.ssdp_server.service.ignoreSearchesFrom(port.getHost().port)
        self.startDiscovering()

    def _ipv4Links(self) -> list[Link]:
        return [link for link in self.ssdp_server.links if link.family == socket.AF_INET]

    def _listen(self, reactor: Reactor, family: int, ttl: int, protocol: SSDPProtocol) -> SSDPPort:
        return listenSearchPort(reactor, family, ttl, DatagramTap(protocol, self._datagramSeen, "MSearch"))

    def _datagramSeen(self, data: bytes, source: Address) -> None:
        self._signals.send(DATAGRAM_RECEIVED, data, source[0], source[1])

    def startDiscovering(self, interval: float = DISCOVERY_INTERVAL) -> None:
        """
        Search now (twice) and again every C{interval} seconds, until
        L{stopDiscovering}.
        """
        if not self._loop.running:
            self._loop.start(interval, now=True)

    def stopDiscovering(self) -> None:
        """
        Stop the periodic searches.
        """
        if self._loop.running:
            self._loop.stop()

    def stopDiscovery(self) -> None:
        """
        Coherence's name for L{stopDiscovering}.
        """
        self.stopDiscovering()

    def shutdown(self) -> Deferred[None]:
        """
        Stop searching and close the port.

        @return: a L{Deferred} that fires once the port is closed.
        """
        self.stopDiscovering()
        searcher, self._searcher = self._searcher, None
        self.port = None
        if searcher is None:
            return succeed(None)
        for port in searcher.ports.values():
            self.ssdp_server.service.stopIgnoringSearchesFrom(port.getHost().port)
        return searcher.stopService()

    def _discoverRound(self) -> None:
        # One failing round must not stop the loop.
        try:
            self.double_discover()
        except Exception:
            log.failure("Searching failed")

    def double_discover(self) -> None:
        """
        Search twice: UDP is lossy.
        """
        self.discover()
        self.discover()

    def discover(self) -> None:
        """
        Send one C{ssdp:all} search with MX 5 to the SSDP group.
        """
        if self._searcher is not None:
            self._searcher.search(ALL, DISCOVERY_MX)
            return
        if self.transport is None:
            log.warn("Not searching: not connected")
            return
        ssdpPort = self.ssdp_server.ssdpPort
        datagram = formatMSearch(ALL, DISCOVERY_MX, hostHeader(SSDP_ADDR, ssdpPort))
        try:
            self.transport.write(datagram, (SSDP_ADDR, ssdpPort))
        except OSError as e:
            log.info("Could not send a search: {error}", error=e)

    def datagramReceived(self, datagram: bytes | str, addr: Address) -> None:
        """
        In test mode, a datagram arrived through C{self.transport}: give an
        answer to the server, then signal C{datagram_received}.  Anything
        but an answer is dropped with a debug line.

        @param datagram: bytes, or text (as Cohen3 took it), read as UTF-8.
        """
        data = datagramBytes(datagram, addr)
        if data is None:
            return
        message = parse(data)
        if isinstance(message, SearchResponse):
            self.ssdp_server.searchResponseReceived(message, addr)
        elif isinstance(message, ParseError):
            log.debug(
                "Malformed datagram from {host}:{port} dropped: {reason}",
                host=addr[0],
                port=addr[1],
                reason=message.reason,
            )
        else:
            log.debug("{kind} from {host}:{port} ignored", kind=type(message).__name__, host=addr[0], port=addr[1])
        self._datagramSeen(data, addr)
