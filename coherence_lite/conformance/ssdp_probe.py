# -*- test-case-name: tests.system.test_conformance_probe -*-
"""
The SSDP half of the checker's probe: searches sent only on the chosen
links (the control point's own L{Searcher}, from a port of its own), the
answers gathered in timed L{SearchRound}s, and the announcements heard on
the SSDP port meanwhile (when it can be shared).

Every round is bounded in time; nothing is sent but M-SEARCH, to the SSDP
group of the chosen links or, for the unicast round, to the device's own
address on a chosen link.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import replace

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.error import CannotListenError
from twisted.internet.task import deferLater
from twisted.logger import Logger

from coherence_lite._version import __version__
from coherence_lite.conformance.ssdp_rules import Answer, SearchRound
from coherence_lite.controlpoint.search import Searcher
from coherence_lite.identity import serverString
from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.net.zones import zonedLocation
from coherence_lite.ssdp.format import formatMSearch, hostHeader
from coherence_lite.ssdp.listener import SSDPListener
from coherence_lite.ssdp.message import Address, Notify, SearchResponse
from coherence_lite.ssdp.protocol import MessageHandler
from coherence_lite.ssdp.transport import multicastDestination

__all__ = ["MAX_ANSWERS", "MAX_NOTIFIES", "SSDPProbe"]

log = Logger()

#: The most answers one round keeps.
MAX_ANSWERS = 2048

#: The most announcements kept.
MAX_NOTIFIES = 2048


class SSDPProbe(MessageHandler):
    """
    Sends the checker's searches and gathers what comes back.

    @ivar notifies: the announcements heard while running, with their
        source host.
    @param links: the chosen links.
    @param reactor: sockets and time.
    @param ssdpPort: the SSDP port of the devices.
    """

    def __init__(self, links: Sequence[Link], reactor: Reactor, ssdpPort: int = 1900) -> None:
        self._links = list(links)
        self._reactor = reactor
        self._ssdpPort = ssdpPort
        userAgent = serverString(__version__)
        self._userAgent = userAgent
        self._searcher = Searcher(
            lambda: self._links, reactor, ssdpPort=ssdpPort, interval=None, copies=1, userAgent=userAgent, searchOnStart=False
        )
        self._searcher.addObserver(self)
        self._listener = SSDPListener(lambda: self._links, reactor, ssdpPort=ssdpPort)
        self._listener.addObserver(self)
        self._answers: list[Answer] | None = None
        self._started = 0.0
        self.notifies: list[tuple[str, Notify]] = []
        self.hearing = False

    def start(self) -> None:
        """
        Bind the search sockets, and the SSDP port to hear announcements
        when it can be shared.

        @raise twisted.internet.error.CannotListenError: no search socket.
        """
        self._searcher.startService()
        try:
            self._listener.startService()
            self.hearing = True
        except CannotListenError as e:
            self._listener.stopService()
            log.info("Not hearing announcements ({error})", error=e.socketError)

    def stop(self) -> Deferred[object]:
        """
        Close every socket.
        """
        if self.hearing:
            self._listener.stopService()
            self.hearing = False
        return maybeDeferred(self._searcher.stopService)

    async def round(self, targets: Sequence[str], mx: int | None, wait: float, unicastTo: str | None = None) -> SearchRound:
        """
        Send one search per target at once and gather the answers for
        C{wait} seconds.

        @param mx: the MX; L{None} sends searches without one.
        @param unicastTo: send to this device address on the SSDP port
            instead of to the group (through the chosen link it is on).
        """
        paused = unicastTo is not None and self.hearing
        if paused:
            # The device may share the SSDP port with this host's listener
            # (SO_REUSEADDR), and the kernel gives a unicast datagram to one
            # socket only: stop hearing while searching unicast.
            await maybeDeferred(self._listener.stopService)
            # A UDP port closes its socket one reactor turn after
            # stopListening: let it.
            await deferLater(self._reactor, 0, lambda: None)
        self._answers = []
        self._started = self._reactor.seconds()
        for st in targets:
            if unicastTo is None:
                self._multicast(st, mx)
            else:
                self._unicast(st, unicastTo)
        await deferLater(self._reactor, wait, lambda: None)
        answers, self._answers = self._answers, None
        if paused:
            self._listener.startService()
        return SearchRound(tuple(targets), mx, unicastTo is not None, tuple(answers))

    def _multicast(self, st: str, mx: int | None) -> None:
        if mx is not None:
            self._searcher.search(st, mx)
            return
        for link in self._links:
            destination = multicastDestination(link, self._ssdpPort)
            data = formatMSearch(st, None, hostHeader(destination[0], self._ssdpPort), self._userAgent)
            port = self._searcher.ports.get(link.family)
            if port is not None:
                port.sendFrom(data, destination, link)

    def _unicast(self, st: str, host: str) -> None:
        for link in self._links:
            if link.isOnLink(host) or str(link.address.ip) == host:
                port = self._searcher.ports.get(link.family)
                destination: Address = (host, self._ssdpPort) if link.family == socket.AF_INET else (host, self._ssdpPort, 0, link.index)
                data = formatMSearch(st, None, hostHeader(host, self._ssdpPort), self._userAgent)
                if port is not None:
                    port.sendFrom(data, destination, link)
                return
        log.warn("No chosen link reaches {host}: no unicast search sent", host=host)

    # MessageHandler
    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        Keep an answer in the current round, a link-local LOCATION with the
        zone of the link it came on.
        """
        if self._answers is not None and len(self._answers) < MAX_ANSWERS:
            response = replace(response, location=zonedLocation(response.location, link.interface))
            self._answers.append(Answer(self._reactor.seconds() - self._started, source[0], response))

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Keep an announcement.
        """
        if len(self.notifies) < MAX_NOTIFIES:
            self.notifies.append((source[0], notify))
