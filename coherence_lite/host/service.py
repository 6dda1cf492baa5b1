# -*- test-case-name: tests.test_integration -*-
"""
L{UPnPDeviceService}: a complete device host as one L{MultiService}.

Its children start in order: the web server first (announcements carry its
port), then SSDP.  Stopping sends byebye for every device, then closes the
sockets and the web server.
"""

from __future__ import annotations

import random as _random
from pathlib import Path
from typing import Callable, Sequence

from twisted.application.service import MultiService, Service
from twisted.internet.defer import Deferred
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IListeningPort
from twisted.logger import Logger
from twisted.web.server import Site

from coherence_lite import __version__
from coherence_lite.model.description import SPEC_VERSION, Documents, buildDocuments
from coherence_lite.model.device import Device
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.model.layout import descriptionPath
from coherence_lite.monitor import DEFAULT_INTERVAL as STATS_INTERVAL
from coherence_lite.monitor import StatsMonitor
from coherence_lite.net.interfaces import (
    InterfaceReport,
    Link,
    parseAddress,
    reportedLinks,
    selectLinks,
    systemInterfaces,
)
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.identity import serverString
from coherence_lite.ssdp.service import SSDPService
from coherence_lite.host.bootid import BootIdStore
from coherence_lite.stats import Stats
from coherence_lite.net.watcher import DEFAULT_INTERVAL, InterfaceWatcher
from coherence_lite.host.site import makeSite
from coherence_lite.errors import StartupError

log = Logger()


class WebServerService(Service):
    """
    Listens for HTTP with a L{Site}.

    @ivar port: the bound port number, once started.
    """

    def __init__(self, site: Site, port: int, reactor: object, interface: str | None = None) -> None:
        self.site = site
        self.requestedPort = port
        self.interface = interface
        self._reactor = reactor
        self._listening: IListeningPort | None = None

    @property
    def port(self) -> int:
        """
        The port HTTP is served on.
        """
        assert self._listening is not None, "the web server is not running"
        return self._listening.getHost().port  # type: ignore[attr-defined, no-any-return]

    def startService(self) -> None:
        """
        Bind the HTTP port.

        @raise StartupError: the port is not free.
        """
        candidates = [self.interface] if self.interface is not None else ["::", ""]
        error: CannotListenError | None = None
        for interface in candidates:
            try:
                self._listening = self._reactor.listenTCP(  # type: ignore[attr-defined]
                    self.requestedPort, self.site, interface=interface
                )
                break
            except CannotListenError as e:
                error = e
        else:
            assert error is not None
            raise StartupError(f"cannot serve HTTP on port {self.requestedPort}: {error.socketError}")
        Service.startService(self)
        log.info("Serving device descriptions over HTTP on port {port}", port=self.port)

    def stopService(self) -> Deferred[None] | None:
        """
        Close the HTTP port.
        """
        Service.stopService(self)
        listening, self._listening = self._listening, None
        if listening is None:
            return None
        stopped: Deferred[None] | None = listening.stopListening()
        return stopped


class UPnPDeviceService(MultiService):
    """
    Hosts UPnP root devices on the local network.

    @param devices: the root devices.
    @param interfaces: interface names or addresses to serve; empty for every
        suitable one (see L{coherence_lite.net.interfaces.selectLinks}).
    @param excludeInterfaces: names or glob patterns never to serve.
    @param ipv6: serve IPv6 too where an interface has an address for it.
    @param ipv6SiteLocal: on IPv6, also join and announce to the site-local
        group FF05::C (the link-local FF02::C always).
    @param httpPort: the HTTP port, 0 for any free one.
    @param ssdpPort: the SSDP port (1900 on a real network).
    @param maxAge: the CACHE-CONTROL max-age of announcements, in seconds.
    @param ttl: the multicast TTL (hop limit).
    @param advertisedHost: a host name or address to put in LOCATION instead
        of the interface's address (behind NAT or in a container).
    @param stateDirectory: where BOOTID is kept across restarts; L{None} uses
        the clock instead.
    @param pollInterval: seconds between looks at the interfaces for
        addresses that appear, change or go; 0 to never look again.
    @param limits: how much the SSDP responder answers.
    @param httpLimits: HTTP sizes, timeouts and connection caps.
    @param statsInterval: seconds between two stats lines in the log; 0
        logs them only when stopping.
    @param reactor: the reactor; the global one when L{None}.
    """

    def __init__(
        self,
        devices: Sequence[Device],
        *,
        interfaces: Sequence[str] = (),
        excludeInterfaces: Sequence[str] = (),
        ipv6: bool = True,
        ipv6SiteLocal: bool = False,
        httpPort: int = 0,
        ssdpPort: int = 1900,
        maxAge: int = 1800,
        ttl: int = 2,
        advertisedHost: str | None = None,
        stateDirectory: Path | None = None,
        limits: ResponderLimits = ResponderLimits(),
        httpLimits: HTTPLimits = HTTPLimits(),
        statsInterval: float = STATS_INTERVAL,
        reactor: object = None,
        random: _random.Random | None = None,
        systemInterfaces: Callable[[], list] = systemInterfaces,
        pollInterval: float = DEFAULT_INTERVAL,
    ) -> None:
        super().__init__()
        if reactor is None:
            from twisted.internet import reactor as globalReactor

            reactor = globalReactor
        self.reactor = reactor
        self.stats = Stats()
        self.documents: list[Documents] = [buildDocuments(device) for device in devices]
        self.interfaces = tuple(interfaces)
        self.excludeInterfaces = tuple(excludeInterfaces)
        self.ipv6 = ipv6
        self.advertisedHost = advertisedHost
        # An IPv6 literal stands in brackets in a URL.
        literal = parseAddress(advertisedHost) if advertisedHost else None
        self._advertisedURLHost = f"[{advertisedHost}]" if literal and literal.version == 6 else advertisedHost
        self._systemInterfaces = systemInterfaces
        self._bootIds = BootIdStore(stateDirectory, reactor)  # type: ignore[arg-type]
        self.links: list[Link] = []
        major, minor = SPEC_VERSION
        self.catalogue = Catalogue(
            server=serverString(__version__, f"{major}.{minor}"),
            maxAge=maxAge,
        )
        self.web = WebServerService(
            makeSite(self.documents, limits=httpLimits, stats=self.stats, reactor=reactor),  # type: ignore[arg-type]
            httpPort,
            reactor,
        )
        self.web.setName("web")
        self.web.setServiceParent(self)
        self.ssdp = SSDPService(
            self.catalogue,
            lambda: self.links,
            reactor,  # type: ignore[arg-type]
            ssdpPort=ssdpPort,
            ttl=ttl,
            random=random,
            limits=limits,
            stats=self.stats,
            ipv6SiteLocal=ipv6SiteLocal,
        )
        self.ssdp.setName("ssdp")
        self.ssdp.setServiceParent(self)
        self.monitor = StatsMonitor(self.stats, reactor, statsInterval)  # type: ignore[arg-type]
        self.monitor.setServiceParent(self)
        self.watcher: InterfaceWatcher | None = None
        if pollInterval > 0:
            self.watcher = InterfaceWatcher(self.interfaceReports, self.linksChanged, reactor, pollInterval)  # type: ignore[arg-type]
            self.watcher.setName("watcher")
            self.watcher.setServiceParent(self)
        for documents in self.documents:
            self.catalogue.add(self.publicationOf(documents))

    def publicationOf(self, documents: Documents) -> Publication:
        """
        What SSDP says about one of our root devices.
        """
        path = descriptionPath(documents.root)

        def location(link: Link) -> str:
            return f"http://{self._advertisedURLHost or link.urlHost}:{self.web.port}{path}"

        return Publication(advertisements(documents.root), location, documents.configId)

    def interfaceReports(self) -> list[InterfaceReport]:
        """
        Which interfaces would be served, and why each is used or skipped.
        """
        return selectLinks(self._systemInterfaces(), self.interfaces, self.excludeInterfaces, self.ipv6)

    def startService(self) -> None:
        """
        Choose the links, then start the web server and SSDP.

        @raise StartupError: a port is taken or no interface can be used.
        """
        self.links = reportedLinks(self.interfaceReports(), log)
        if not self.links:
            if self.watcher is None:
                raise StartupError(
                    "no usable network interface (see the lines above; name one with --interface)"
                )
            log.warn("No usable network interface yet: waiting for one to appear")
        if self.watcher is not None:
            self.watcher.current = list(self.links)
        self.catalogue.bootId = self._bootIds.next()
        Service.startService(self)
        started: list[Service] = []
        try:
            for child in self:
                child.startService()
                started.append(child)
        except (StartupError, CannotListenError) as e:
            for child in reversed(started):
                child.stopService()
            self.running = 0
            if isinstance(e, CannotListenError):
                raise StartupError(f"cannot use SSDP port {e.port}: {e.socketError}") from None
            raise
        self._logHosting(self.ssdp.announcer.links)

    def _logHosting(self, links: Sequence[Link]) -> None:
        for publication, documents in zip(self.catalogue, self.documents):
            for link in links:
                log.info(
                    "Hosting {name} ({udn}) at {location}",
                    name=documents.root.friendlyName,
                    udn=documents.root.UDN,
                    location=publication.location(link),
                )

    def linksChanged(self, old: Sequence[Link], new: Sequence[Link]) -> None:
        """
        The interfaces changed: serve the new set of links, with a new
        BOOTID when links were added.
        """
        self.links = list(new)
        added = [link for link in new if link not in old]
        self.ssdp.setLinks(self.links, self._bootIds.next() if added else None)
        self._logHosting([link for link in self.ssdp.announcer.links if link in added])
