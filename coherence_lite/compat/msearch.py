# -*- test-case-name: tests.test_compat_ssdp -*-
"""
Coherence's C{MSearch}: the control point's periodic C{ssdp:all} search.

    from coherence.upnp.core.msearch import MSearch      # Coherence
    from coherence_lite.compat.msearch import MSearch    # coherence-lite

As Coherence's, it searches from its own UDP port (so answers come back to
it, not to the shared SSDP port), twice every two minutes with MX 5, and
hands every answer to its L{SSDPServer}, which remembers the USN until its
max-age runs out (and, unlike Coherence, refreshes it on every answer).
Every datagram it receives goes out as C{UPnP.SSDP.datagram_received}.

Searches leave through every IPv4 link the server serves, from that link's
address.  With C{test=True} nothing binds: searches go to C{self.transport}
and nothing repeats until L{MSearch.startDiscovering} is called.
"""

from __future__ import annotations

import socket

from twisted.internet.defer import Deferred, maybeDeferred, succeed
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IReactorTime
from twisted.internet.protocol import DatagramProtocol
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

from coherence_lite.compat.ssdp import SSDPServer
from coherence_lite.signals import DATAGRAM_RECEIVED, SignalSender
from coherence_lite.ssdp import SSDP_ADDR
from coherence_lite.ssdp.advertisement import ALL
from coherence_lite.ssdp.format import formatMSearch, hostHeader
from coherence_lite.ssdp.message import ParseError, SearchResponse
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.transport import Address, Arrival, SSDPPort, listenSSDP

__all__ = ["MSearch", "DISCOVERY_INTERVAL", "DISCOVERY_MX"]

log = Logger()

#: Seconds between two rounds of searches (Coherence: 120).
DISCOVERY_INTERVAL = 120.0

#: The MX of the searches (Coherence: 5).
DISCOVERY_MX = 5


class MSearch(DatagramProtocol):
    """
    Searches for every device and feeds the answers to an L{SSDPServer}.

    @ivar ssdp_server: the server answers are given to (Coherence's name).
    @ivar port: the bound UDP port, when not in test mode and bound.
    """

    noisy = False

    def __init__(
        self,
        ssdp_server: SSDPServer,
        test: bool = False,
        *,
        reactor: IReactorTime | None = None,
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
        self.port: SSDPPort | None = None
        if not test:
            try:
                self.port = listenSSDP(self.reactor, 0, socket.AF_INET, ttl, self)
            except CannotListenError as e:
                log.error("Cannot bind a port to search from: {error}", error=e.socketError)
                return
            # Never answer our own searches (UDA).
            ssdp_server.service.searchPorts.add(self.port.getHost().port)
            self.startDiscovering()

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

    def shutdown(self) -> Deferred[None]:
        """
        Stop searching and close the port.

        @return: a L{Deferred} that fires once the port is closed.
        """
        self.stopDiscovering()
        port, self.port = self.port, None
        if port is None:
            return succeed(None)
        self.ssdp_server.service.searchPorts.discard(port.getHost().port)
        return maybeDeferred(port.stopListening)

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
        ssdpPort = self.ssdp_server.ssdpPort
        datagram = formatMSearch(ALL, DISCOVERY_MX, hostHeader(SSDP_ADDR, ssdpPort))
        destination = (SSDP_ADDR, ssdpPort)
        if self.port is not None:
            for link in self.ssdp_server.links:
                if link.family == socket.AF_INET:
                    self.port.sendFrom(datagram, destination, link)
            return
        if self.transport is None:
            log.warn("Not searching: not connected")
            return
        try:
            self.transport.write(datagram, destination)
        except OSError as e:
            log.info("Could not send a search: {error}", error=e)

    def datagramArrived(self, data: bytes, source: Address, arrival: Arrival) -> None:
        """
        A datagram arrived on the bound port.
        """
        self.datagramReceived(data, source)

    def datagramReceived(self, datagram: bytes, addr: Address) -> None:
        """
        Give an answer to the server, then signal C{datagram_received}.
        Anything but an answer is dropped with a debug line.
        """
        message = parse(datagram)
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
        self._signals.send(DATAGRAM_RECEIVED, datagram, addr[0], addr[1])
