# -*- test-case-name: tests.test_ssdp_service -*-
"""
The SSDP side of a device host as one L{IService}: sockets, responder and
announcer over a L{Catalogue}, on a set of links.
"""

from __future__ import annotations

import random as _random
from typing import Callable, Sequence

from twisted.application.service import Service
from twisted.internet.defer import Deferred, succeed
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp import SSDP_ADDR_V6_LINK, SSDP_ADDR_V6_SITE
from coherence_lite.ssdp.announcer import Announcer
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.ssdp.message import MSearch, Notify, SearchResponse
from coherence_lite.ssdp.protocol import SSDPProtocol
from coherence_lite.ssdp.responder import Responder
from coherence_lite.ssdp.transport import Address, SSDPPort, listenSSDP, linksByIndex
from coherence_lite.stats import Stats

log = Logger()

ListenFunction = Callable[[object, int, int, int, SSDPProtocol], SSDPPort]


class MessageObserver:
    """
    Base for objects that watch NOTIFYs and search responses (control point
    side); every method does nothing unless overridden.
    """

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        A NOTIFY arrived.
        """

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        A search response arrived.
        """

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        An M-SEARCH arrived (after the responder saw it).
        """


class SSDPService(Service):
    """
    Serves SSDP for a L{Catalogue} on some links.

    @ivar ports: the sockets by address family, while running.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        links: Callable[[], Sequence[Link]],
        reactor: IReactorTime,
        ssdpPort: int = 1900,
        ttl: int = 2,
        random: _random.Random | None = None,
        limits: ResponderLimits = ResponderLimits(),
        stats: Stats | None = None,
        listen: ListenFunction = listenSSDP,  # type: ignore[assignment]
        ipv6SiteLocal: bool = False,
    ) -> None:
        self.catalogue = catalogue
        self._links = links
        self._reactor = reactor
        self.ssdpPort = ssdpPort
        self._ttl = ttl
        self._listen = listen
        self.stats = stats or Stats()
        self._random = random or _random.Random()
        self.ports: dict[int, SSDPPort] = {}
        self._served: dict[tuple[int, int], list[Link]] = {}
        self.observers: list[MessageObserver] = []
        #: Local ports this host searches from: searches from them (and
        #: from the SSDP port) on our own addresses are not answered.
        self.searchPorts: set[int] = set()
        self.responder = Responder(catalogue, self, reactor, self._random, limits, self.stats)
        self.announcer = Announcer(catalogue, self, reactor, ssdpPort, self._random, self.stats)
        self.announcer.siteLocal = ipv6SiteLocal
        self._groups6 = (SSDP_ADDR_V6_LINK, SSDP_ADDR_V6_SITE) if ipv6SiteLocal else (SSDP_ADDR_V6_LINK,)

    # Sender
    def send(self, data: bytes, destination: Address, link: Link) -> None:
        """
        Send a datagram out of C{link}, from its address.
        """
        port = self.ports.get(link.family)
        if port is not None and port.sendFrom(data, destination, link):
            self.stats.count("datagrams.sent")

    def _linksOn(self, family: int, index: int) -> Sequence[Link]:
        return self._served.get((family, index), ())

    def startService(self) -> None:
        """
        Bind, join the group on every link and start announcing.

        @raise twisted.internet.error.CannotListenError: the SSDP port is not
            free.
        """
        joined = self._join(list(self._links()))
        Service.startService(self)
        self.announcer.start(joined)

    def _join(self, links: Sequence[Link]) -> list[Link]:
        """
        Make sure a socket exists for each family and the group is joined on
        each link; leave the interfaces no longer served.

        @return: the links that could be joined.
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
        for links_ in self._served.values():
            for link in links_:
                if (link.family, link.index) not in served and link.family in self.ports:
                    self.ports[link.family].leave(link)
        self._served = linksByIndex(joined)
        return joined

    def setLinks(self, links: Sequence[Link], nextBootId: int | None) -> None:
        """
        Serve another set of links from now on (an address appeared, changed
        or went away): join and leave the group as needed, then let the
        announcer say goodbye, update and announce.

        @param nextBootId: the BOOTID to use when links were added.
        """
        if not self.running:
            return
        try:
            joined = self._join(links)
        except CannotListenError as e:
            log.error("Cannot open the SSDP socket: {error}", error=e)
            return
        self.announcer.linksChanged(joined, nextBootId)

    def stopService(self) -> Deferred[None]:
        """
        Send byebye for everything, then close the sockets.

        @return: a L{Deferred} that fires once the byebyes are written and
            the sockets closed.
        """
        Service.stopService(self)
        self.responder.stop()
        done = self.announcer.stop() if self.announcer.running else succeed(None)

        def close(_: object) -> None:
            for port in self.ports.values():
                port.stopListening()
            self.ports.clear()
            self._served = {}

        return done.addCallback(close)

    def publish(self, publication: Publication) -> None:
        """
        Add a publication and announce it if running.
        """
        self.catalogue.add(publication)
        self.announcer.published(publication)

    def withdraw(self, publication: Publication) -> None:
        """
        Send byebye for a publication if running, and remove it.
        """
        self.announcer.withdrawn(publication)
        self.catalogue.remove(publication)

    def _isOwn(self, source: Address) -> bool:
        if source[1] != self.ssdpPort and source[1] not in self.searchPorts:
            return False
        host = source[0].split("%", 1)[0]
        return any(link.host == host for links in self._served.values() for link in links)

    # MessageHandler
    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        Answer a search unless it is our own.
        """
        if self._isOwn(source):
            return
        self.responder.searchReceived(search, source, link, multicast)
        for observer in list(self.observers):
            observer.searchReceived(search, source, link, multicast)

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Pass a NOTIFY on to the observers.
        """
        for observer in list(self.observers):
            observer.notifyReceived(notify, source, link)

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        Pass a search response on to the observers.
        """
        for observer in list(self.observers):
            observer.responseReceived(response, source, link)

