# -*- test-case-name: tests.controlpoint.test_discovery -*-
"""
L{ControlPoint}: seeing the UPnP devices on the network, as one
L{MultiService}.

It wires the parts: the links to use (L{coherence_lite.net.interfaces.selectLinks}),
an L{SSDPListener} on the SSDP port hearing announcements, a L{Searcher}
sending M-SEARCH from a port of its own, an L{EntryRegistry} both feed,
and a L{DeviceTracker} that fetches and keeps the descriptions.  Hearing
announcements is a bonus: when the SSDP port cannot be bound (another
program holds it without sharing it) the control point still finds devices
by searching.
"""

from __future__ import annotations

from typing import Callable, Sequence

from twisted.application.service import MultiService, Service
from twisted.internet.error import CannotListenError
from twisted.logger import Logger, LogLevel
from twisted.web.iweb import IAgent

from coherence_lite._version import __version__
from coherence_lite.controlpoint.agent import clientAgent
from coherence_lite.controlpoint.fetch import FETCH_TIMEOUT, Fetcher, HTTPFetcher, RetryingFetcher
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.search import (
    SEARCH_INTERVAL,
    SEARCH_MX,
    SEARCH_TARGET,
    ListenFunction,
    Searcher,
    listenSearchPort,
)
from coherence_lite.controlpoint.tracker import DeviceTracker
from coherence_lite.errors import StartupError
from coherence_lite.identity import serverString
from coherence_lite.net.interfaces import (
    InterfaceReport,
    Link,
    NetworkInterface,
    reportedLinks,
    selectLinks,
    systemInterfaces,
)
from coherence_lite._reactor import Reactor, defaultReactor
from coherence_lite.ssdp.listener import ListenFunction as SSDPListenFunction
from coherence_lite.ssdp.listener import SSDPListener
from coherence_lite.ssdp.registry import EntryRegistry
from coherence_lite.ssdp.transport import listenSSDP

__all__ = ["ControlPoint", "makeFetcher"]

log = Logger()


def makeFetcher(reactor: Reactor, agent: IAgent | None = None, timeout: float = FETCH_TIMEOUT) -> Fetcher:
    """
    The fetcher a control point uses: an L{HTTPFetcher} on a
    L{clientAgent} (non-persistent, IPv6 zones understood), retried with backoff.

    @param reactor: connects and times the requests.
    @param agent: the agent to use instead of a new one.
    """
    if agent is None:
        agent = clientAgent(reactor)
    userAgent = serverString(__version__)
    return RetryingFetcher(HTTPFetcher(agent, reactor, timeout=timeout, userAgent=userAgent), reactor)


class ControlPoint(MultiService):
    """
    Finds the UPnP devices on some links and keeps their descriptions.

    @ivar registry: every SSDP entry heard.
    @ivar tracker: the described root devices; add L{DeviceObserver}s with
        C{tracker.addObserver} (Coherence's signals:
        L{coherence_lite.compat.devices.DeviceSignals}).
    @ivar searcher: sends the searches.
    @ivar listener: hears the announcements on the SSDP port.
    @ivar links: the links in use, once started.

    @param interfaces: interface names or addresses to use; empty for every
        suitable one (see L{selectLinks}).
    @param excludeInterfaces: names or glob patterns never to use.
    @param ipv6: use IPv6 too where an interface has an address for it.
    @param ssdpPort: the SSDP port (1900 on a real network).
    @param searchTarget: the ST searched for.
    @param mx: the MX of searches.
    @param searchInterval: seconds between searches; L{None} to search only
        when started and when L{search} is called.
    @param ttl: the multicast TTL (hop limit) of searches.
    @param reactor: the reactor; the global one when L{None}.
    @param fetcher: gets descriptions; L{makeFetcher}C{(reactor)} by default.
    @param systemInterfaces: asks the OS for its interfaces.
    @param listenSSDP: binds the SSDP socket of one address family.
    @param listenSearch: binds the search socket of one address family.
    """

    def __init__(
        self,
        *,
        interfaces: Sequence[str] = (),
        excludeInterfaces: Sequence[str] = (),
        ipv6: bool = True,
        ssdpPort: int = 1900,
        searchTarget: str = SEARCH_TARGET,
        mx: int = SEARCH_MX,
        searchInterval: float | None = SEARCH_INTERVAL,
        ttl: int = 2,
        reactor: Reactor | None = None,
        fetcher: Fetcher | None = None,
        systemInterfaces: Callable[[], Sequence[NetworkInterface]] = systemInterfaces,
        listenSSDP: SSDPListenFunction = listenSSDP,
        listenSearch: ListenFunction = listenSearchPort,
    ) -> None:
        super().__init__()
        self.reactor = reactor if reactor is not None else defaultReactor()
        self.interfaces = tuple(interfaces)
        self.excludeInterfaces = tuple(excludeInterfaces)
        self.ipv6 = ipv6
        self._systemInterfaces = systemInterfaces
        self.links: list[Link] = []
        self.registry = EntryRegistry(self.reactor)
        self.tracker = DeviceTracker(
            self.registry, self.reactor, fetcher if fetcher is not None else makeFetcher(self.reactor)
        )
        self.tracker.setName("tracker")
        self.tracker.setServiceParent(self)
        self.listener = SSDPListener(lambda: self.links, self.reactor, ssdpPort=ssdpPort, ttl=ttl, listen=listenSSDP)
        self.listener.addObserver(self.registry)
        self.listener.setName("listener")
        self.listener.setServiceParent(self)
        self.searcher = Searcher(
            lambda: self.links,
            self.reactor,
            ssdpPort=ssdpPort,
            searchTarget=searchTarget,
            mx=mx,
            interval=searchInterval,
            ttl=ttl,
            userAgent=serverString(__version__),
            listen=listenSearch,
        )
        self.searcher.addObserver(self.registry)
        self.searcher.setName("searcher")
        self.searcher.setServiceParent(self)

    def interfaceReports(self) -> list[InterfaceReport]:
        """
        Which interfaces would be used, and why each is used or skipped.
        """
        return selectLinks(self._systemInterfaces(), self.interfaces, self.excludeInterfaces, self.ipv6)

    def startService(self) -> None:
        """
        Choose the links, follow the registry, listen and search.

        @raise StartupError: no interface can be used, or no search socket
            can be bound.
        """
        links = reportedLinks(self.interfaceReports(), log, LogLevel.debug)
        if not links:
            raise StartupError("no usable network interface (name one with --interface)")
        self.links = links
        Service.startService(self)
        self.tracker.startService()
        try:
            self.listener.startService()
        except CannotListenError as e:
            self.listener.stopService()
            log.warn(
                "Cannot hear announcements on SSDP port {port} ({error}); finding devices by searching only",
                port=e.port,
                error=e.socketError,
            )
        try:
            self.searcher.startService()
        except CannotListenError as e:
            for child in (self.listener, self.tracker):
                child.stopService()
            self.running = 0
            raise StartupError(f"cannot bind a port to search from: {e.socketError}") from None

    def devices(self) -> list[RemoteRootDevice]:
        """
        The root devices described so far.
        """
        return self.tracker.devices()

    def search(self, searchTarget: str | None = None, mx: int | None = None) -> None:
        """
        Search again now (see L{Searcher.search}).
        """
        self.searcher.search(searchTarget, mx)
