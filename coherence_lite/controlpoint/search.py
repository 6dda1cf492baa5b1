# -*- test-case-name: tests.controlpoint.test_search -*-
"""
Searching: M-SEARCH out of every link, and the answers back.

A control point searches from its own UDP port, not from the SSDP port: a
device host on the same machine and SSDP port ignores searches that come
from that port (they look like its own), and answers go unicast to the
port a search came from.  L{Searcher} binds one socket per address family
on a free port (no group membership: only answers arrive there), sends
each search a few times (UDP is lossy) to the SSDP group of every link,
searches again every C{interval} seconds, and hands every answer to its
observers, normally an L{coherence_lite.ssdp.registry.EntryRegistry}.
"""

from __future__ import annotations

from typing import Callable, Sequence

from twisted.application.service import Service
from twisted.internet.defer import Deferred, gatherResults, maybeDeferred
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.protocol import DatagramProtocol
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.advertisement import ALL
from coherence_lite.ssdp.format import formatMSearch, hostHeader
from coherence_lite.ssdp.message import Address, MSearch, Notify, SearchResponse
from coherence_lite.ssdp.protocol import MessageHandler, SSDPProtocol
from coherence_lite.ssdp.transport import SSDPPort, linksByIndex, multicastDestination
from coherence_lite.stats import Stats

__all__ = [
    "SEARCH_TARGET",
    "SEARCH_MX",
    "SEARCH_INTERVAL",
    "SEARCH_COPIES",
    "SEARCH_SPACING",
    "ListenFunction",
    "Searcher",
    "listenSearchPort",
]

log = Logger()

#: What is searched for by default: everything.
SEARCH_TARGET = ALL
#: Seconds devices may wait before answering (MX).
SEARCH_MX = 2
#: Seconds between searches while running.
SEARCH_INTERVAL = 120.0
#: How many times each search is sent.
SEARCH_COPIES = 2
#: Seconds between the copies of one search.
SEARCH_SPACING = 1.0

#: Binds the search socket of one address family: C{(reactor, family, ttl,
#: protocol)}.
ListenFunction = Callable[[Reactor, int, int, SSDPProtocol], SSDPPort]


class _SearchPort(SSDPPort):
    """
    An L{SSDPPort} on a free port of its own: not shared with other sockets
    (C{SO_REUSEADDR} could let the kernel hand out a port in use), never in
    the group.
    """

    def __init__(self, protocol: DatagramProtocol, family: int, ttl: int, reactor: Reactor) -> None:
        super().__init__(0, protocol, family, ttl, reactor=reactor)
        self.listenMultiple = False


def listenSearchPort(reactor: Reactor, family: int, ttl: int, protocol: DatagramProtocol) -> SSDPPort:
    """
    Bind a search socket of one address family on a free port.

    @raise twisted.internet.error.CannotListenError: no port could be bound.
    """
    port = _SearchPort(protocol, family, ttl, reactor)
    port.startListening()
    return port


class Searcher(Service, MessageHandler):
    """
    Sends M-SEARCH on some links and tells its observers of every answer
    (and of any NOTIFY that arrives on the search port).

    @ivar ports: the search sockets by address family, while running.
    @param links: the links to search on, asked when starting.
    @param reactor: binds the sockets and schedules the searches.
    @param ssdpPort: the port of the SSDP group searches go to.
    @param searchTarget: the ST searched for.
    @param mx: the MX of the searches.
    @param interval: seconds between searches while running; L{None} to
        search only when started and when L{search} is called.
    @param copies: how many times each search is sent, L{SEARCH_SPACING}
        seconds apart.
    @param userAgent: the USER-AGENT header of the searches, if any.
    @param searchOnStart: search as soon as started; when L{False}, only
        L{search} and the C{interval} send searches.
    """

    def __init__(
        self,
        links: Callable[[], Sequence[Link]],
        reactor: Reactor,
        ssdpPort: int = 1900,
        searchTarget: str = SEARCH_TARGET,
        mx: int = SEARCH_MX,
        interval: float | None = SEARCH_INTERVAL,
        copies: int = SEARCH_COPIES,
        ttl: int = 2,
        userAgent: str | None = None,
        listen: ListenFunction = listenSearchPort,
        stats: Stats | None = None,
        searchOnStart: bool = True,
    ) -> None:
        # Fail now, not at the first search.
        formatMSearch(searchTarget, mx, userAgent=userAgent)
        self._links = links
        self._reactor = reactor
        self.ssdpPort = ssdpPort
        self.searchTarget = searchTarget
        self.mx = mx
        self._interval = interval
        self._copies = copies
        self._ttl = ttl
        self._userAgent = userAgent
        self._listen = listen
        self.stats = stats or Stats()
        self._searchOnStart = searchOnStart
        self._observers: list[MessageHandler] = []
        self.ports: dict[int, SSDPPort] = {}
        self._served: dict[tuple[int, int], list[Link]] = {}
        self._loop: LoopingCall | None = None
        self._calls: set[IDelayedCall] = set()

    def addObserver(self, observer: MessageHandler) -> None:
        """
        Tell C{observer} of every answer from now on, after the observers
        added before it.
        """
        self._observers.append(observer)

    def removeObserver(self, observer: MessageHandler) -> None:
        """
        Stop telling C{observer} (no-op when it was not observing).
        """
        if observer in self._observers:
            self._observers.remove(observer)

    @property
    def links(self) -> list[Link]:
        """
        The links searched on, while running.
        """
        return [link for links in self._served.values() for link in links]

    def startService(self) -> None:
        """
        Bind a search socket per address family, search at once (unless told
        not to), and then every C{interval} seconds.

        @raise twisted.internet.error.CannotListenError: a socket could not
            be bound.
        """
        links = list(self._links())
        for family in sorted({link.family for link in links}):
            protocol = SSDPProtocol(self, self._linksOn, family, self._reactor, self.stats)
            self.ports[family] = self._listen(self._reactor, family, self._ttl, protocol)
        self._served = linksByIndex(links)
        Service.startService(self)
        if self._searchOnStart:
            self.search()
        if self._interval:
            self._loop = LoopingCall(self._periodic)
            self._loop.clock = self._reactor
            self._loop.start(self._interval, now=False)

    def stopService(self) -> Deferred[None]:
        """
        Stop searching and close the sockets.

        @return: a L{Deferred} that fires once the sockets are closed.
        """
        Service.stopService(self)
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None
        for call in self._calls:
            if call.active():
                call.cancel()
        self._calls.clear()
        closing = [maybeDeferred(port.stopListening) for port in self.ports.values()]
        self.ports.clear()
        self._served = {}
        return gatherResults(closing).addCallback(lambda _: None)

    def search(self, searchTarget: str | None = None, mx: int | None = None) -> None:
        """
        Search on every link now, and send the copies of the search later.

        @param searchTarget: the ST, the searcher's own by default.
        @param mx: the MX, the searcher's own by default.
        @raise ValueError: C{searchTarget} or C{mx} cannot be sent.
        """
        st = self.searchTarget if searchTarget is None else searchTarget
        wait = self.mx if mx is None else mx
        formatMSearch(st, wait, userAgent=self._userAgent)
        self._sendAll(st, wait)
        for copy in range(1, self._copies):
            self._later(copy * SEARCH_SPACING, st, wait)

    def _later(self, delay: float, st: str, mx: int) -> None:
        def fire() -> None:
            self._calls.discard(call)
            self._sendAll(st, mx)

        call = self._reactor.callLater(delay, fire)
        self._calls.add(call)

    def _periodic(self) -> None:
        try:
            self.search()
        except Exception:
            log.failure("Searching failed")

    def _sendAll(self, st: str, mx: int) -> None:
        for link in self.links:
            destination = multicastDestination(link, self.ssdpPort)
            data = formatMSearch(st, mx, hostHeader(destination[0], self.ssdpPort), self._userAgent)
            port = self.ports.get(link.family)
            if port is not None and port.sendFrom(data, destination, link):
                self.stats.count("searches.sent")
                log.debug("Searched for {st} on {interface} ({address})", st=st, interface=link.interface, address=link.host)

    def _linksOn(self, family: int, index: int) -> Sequence[Link]:
        return self._served.get((family, index), ())

    # MessageHandler
    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        Searches are not for this port: ignored.
        """

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Pass a NOTIFY on (none should arrive on a port outside the group).
        """
        for observer in list(self._observers):
            observer.notifyReceived(notify, source, link)

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        Pass an answer on.
        """
        self.stats.count("responses.received")
        for observer in list(self._observers):
            observer.responseReceived(response, source, link)
