# -*- test-case-name: tests.ssdp.test_host -*-
"""
Hearing SSDP on some links, as one L{IService}: the sockets, the group
memberships, sending from the right address, and the observers.

An L{SSDPListener} has nothing to say of its own: a control point uses it
to hear announcements.  L{coherence_lite.ssdp.host.SSDPService} adds the
responder and announcer of a device host.

Which searches are this host's own is decided here, once: a search from the
SSDP port, or from a port given to L{SSDPListener.ignoreSearchesFrom}, sent
from one of the addresses served.  Its observers never hear of those.
"""

from __future__ import annotations

import socket
from typing import Callable, Sequence

from twisted.application.service import Service
from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.message import Address, MSearch, Notify, SearchResponse
from coherence_lite.ssdp.protocol import MessageHandler, SSDPProtocol
from coherence_lite.ssdp.transport import GroupPort, ipv6Groups, linksByIndex, listenSSDP
from coherence_lite.stats import Stats

__all__ = ["ListenFunction", "SSDPListener"]

# Link.family without its property call, on the path of every answer.
_FAMILY_OF_VERSION = {4: socket.AF_INET, 6: socket.AF_INET6}

log = Logger()

#: Binds the socket of one address family: C{(reactor, port, family, ttl,
#: protocol)}.
ListenFunction = Callable[[Reactor, int, int, int, SSDPProtocol], GroupPort]


class SSDPListener(Service, MessageHandler):
    """
    Joins the SSDP group on some links and tells its observers what arrives.

    @ivar ports: the sockets by address family, while running.
    @ivar stats: counts datagrams received, sent and dropped.

    @param links: the links to serve, asked when starting.
    @param reactor: binds the sockets and times the debug-line budget.
    @param ssdpPort: the SSDP port (1900 on a real network).
    @param ttl: the multicast TTL (hop limit).
    @param listen: binds the socket of one address family.
    @param ipv6SiteLocal: on IPv6, also join the site-local group FF05::C.
    """

    def __init__(
        self,
        links: Callable[[], Sequence[Link]],
        reactor: Reactor,
        ssdpPort: int = 1900,
        ttl: int = 2,
        stats: Stats | None = None,
        listen: ListenFunction = listenSSDP,
        ipv6SiteLocal: bool = False,
    ) -> None:
        self._links = links
        self._reactor = reactor
        self.ssdpPort = ssdpPort
        self._ttl = ttl
        self._listen = listen
        self._groups6 = ipv6Groups(ipv6SiteLocal)
        self.stats = stats or Stats()
        self.ports: dict[int, GroupPort] = {}
        self._joined: tuple[Link, ...] = ()
        self._served: dict[tuple[int, int], list[Link]] = {}
        self._observers: list[MessageHandler] = []
        self._ownSearchPorts: set[int] = set()

    @property
    def links(self) -> tuple[Link, ...]:
        """
        The links served: those whose group could be joined (empty until
        started).
        """
        return self._joined

    def addObserver(self, observer: MessageHandler) -> None:
        """
        Tell C{observer} of every message from now on (searches of this host's
        own excepted), after the observers added before it.
        """
        self._observers.append(observer)

    def removeObserver(self, observer: MessageHandler) -> None:
        """
        Stop telling C{observer} (no-op when it was not observing).
        """
        if observer in self._observers:
            self._observers.remove(observer)

    def ignoreSearchesFrom(self, port: int) -> None:
        """
        Searches sent from C{port} on one of our addresses are this host's
        own (a control point in this process searching from there): never
        answered, never passed on.
        """
        self._ownSearchPorts.add(port)

    def stopIgnoringSearchesFrom(self, port: int) -> None:
        """
        Undo L{ignoreSearchesFrom} (no-op when C{port} was not ignored).
        """
        self._ownSearchPorts.discard(port)

    def isOwnSearch(self, source: Address) -> bool:
        """
        Whether a search from C{source} is this host's own: sent from the
        SSDP port or an ignored port, from one of the addresses served.
        """
        if source[1] != self.ssdpPort and source[1] not in self._ownSearchPorts:
            return False
        host = source[0].split("%", 1)[0]
        return any(link.host == host for link in self._joined)

    def send(self, data: bytes, destination: Address, link: Link) -> None:
        """
        Send a datagram out of C{link}, from its address.
        """
        port = self.ports.get(_FAMILY_OF_VERSION[link.address.version])
        if port is not None and port.sendFrom(data, destination, link):
            self.stats.count("datagrams.sent")

    def _linksOn(self, family: int, index: int) -> Sequence[Link]:
        return self._served.get((family, index), ())

    def startService(self) -> None:
        """
        Bind a socket per address family and join the group on every link.

        @raise twisted.internet.error.CannotListenError: the SSDP port is not
            free.
        """
        self._join(list(self._links()))
        Service.startService(self)

    def _join(self, links: Sequence[Link]) -> tuple[Link, ...]:
        """
        Make sure a socket exists for each family and the group is joined on
        each link; leave the interfaces no longer served.

        @return: the links that could be joined, now L{links}.
        @raise twisted.internet.error.CannotListenError: a socket could not
            be bound.
        """
        for family in sorted({link.family for link in links} - set(self.ports)):
            protocol = SSDPProtocol(self, self._linksOn, family, self._reactor, self.stats)
            port = self._listen(self._reactor, self.ssdpPort, family, self._ttl, protocol)
            port.groups6 = self._groups6
            self.ports[family] = port
        joined = []
        for link in links:
            try:
                self.ports[link.family].join(link)
            except OSError as e:
                log.error(
                    "Cannot join the SSDP group on {interface} ({address}): {error}",
                    interface=link.interface,
                    address=link.host,
                    error=e.strerror or e,
                )
                continue
            joined.append(link)
        served = {(link.family, link.index) for link in joined}
        for link in self._joined:
            if (link.family, link.index) not in served and link.family in self.ports:
                self.ports[link.family].leave(link)
        self._joined = tuple(joined)
        self._served = linksByIndex(joined)
        return self._joined

    def stopService(self) -> Deferred[None]:
        """
        Close the sockets once L{_leaving} is done.

        @return: a L{Deferred} that fires once the sockets are closed.
        """
        Service.stopService(self)

        def close(_: object) -> None:
            for port in self.ports.values():
                port.stopListening()
            self.ports.clear()
            self._joined = ()
            self._served = {}

        return self._leaving().addCallback(close)

    def _leaving(self) -> Deferred[None]:
        """
        What to send before the sockets close: nothing for a listener.
        """
        return succeed(None)

    # MessageHandler: what the SSDPProtocol of each socket hands over.

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        Pass a search on to the observers, unless it is this host's own.
        """
        port = source[1]
        if (port == self.ssdpPort or port in self._ownSearchPorts) and self.isOwnSearch(source):
            return
        for observer in tuple(self._observers):
            observer.searchReceived(search, source, link, multicast)

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Pass a NOTIFY on to the observers.
        """
        for observer in list(self._observers):
            observer.notifyReceived(notify, source, link)

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        Pass a search response on to the observers.
        """
        for observer in list(self._observers):
            observer.responseReceived(response, source, link)
