# -*- test-case-name: tests.host.test_service -*-
"""
L{UPnPDeviceService}: a complete device host as one L{MultiService}.

Its children start in order: the running services, the web server
(announcements carry its port), eventing, then SSDP (which also warns when
another process announces one of our UDNs).  Stopping sends byebye for
every device, then closes the sockets and the web server; the state store
(the first child) stops last, writing what is pending.  L{HostSettings}
says how; L{UPnPDeviceService.replaceDevices} hosts other devices while it
runs (the reload of C{twistd upnp-device}).
"""

from __future__ import annotations

import random as _random
from typing import Callable, Sequence

from twisted.application.service import MultiService, Service
from twisted.internet.defer import Deferred
from twisted.internet.error import CannotListenError
from twisted.logger import Logger
from twisted.web.resource import IResource

from coherence_lite._version import __version__
from coherence_lite.errors import StartupError
from coherence_lite.backend.hosted import Hostable, Hosted, asHosted
from coherence_lite.eventing.agent import deliveryAgent
from coherence_lite.host.bootid import BootIdStore
from coherence_lite.host.reload import Changes, sameDocuments
from coherence_lite.host.serving import Serving, buildServing
from coherence_lite.host.settings import HostSettings
from coherence_lite.host.site import makeSite, publicationOf
from coherence_lite.backend.statestore import StateStore
from coherence_lite.http.listener import WebServerService
from coherence_lite.http.hosts import HostPolicy
from coherence_lite.identity import serverString
from coherence_lite.model.description import SPEC_VERSION, Documents, buildDocuments
from coherence_lite.net.interfaces import InterfaceReport, Link, NetworkInterface, reportedLinks, selectLinks
from coherence_lite.net.interfaces import systemInterfaces as _systemInterfaces
from coherence_lite.net.netlink import NetlinkMonitor
from coherence_lite._reactor import Reactor, defaultReactor
from coherence_lite.net.watcher import InterfaceWatcher
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.conflicts import UDNConflicts
from coherence_lite.ssdp.host import SSDPService
from coherence_lite.stats import Stats, StatsMonitor

__all__ = ["InterfaceLister", "UPnPDeviceService", "interfaceReports"]

log = Logger()

#: A function listing the machine's network interfaces, such as
#: L{coherence_lite.net.interfaces.systemInterfaces}.
InterfaceLister = Callable[[], Sequence[NetworkInterface]]


def interfaceReports(settings: HostSettings, systemInterfaces: InterfaceLister | None = None) -> list[InterfaceReport]:
    """
    Which interfaces a host with these settings would serve, and why each
    is used or skipped.

    @param systemInterfaces: lists the machine's interfaces; the real ones
        when L{None}.
    """
    found = (systemInterfaces or _systemInterfaces)()
    return selectLinks(found, settings.interfaces, settings.excludeInterfaces, settings.ipv6)


class UPnPDeviceService(MultiService):
    """
    Hosts UPnP root devices on the local network.

    Its children start in order: the web server (C{web}) first, since
    announcements carry its port, then SSDP (C{ssdp}), the stats log
    (C{monitor}) and, unless C{settings.pollInterval} is 0, the interface
    watcher (C{watcher}) and, unless C{settings.netlink} is off, what makes
    it look at once when Linux reports a change (C{netlink}).

    @ivar settings: how the devices are hosted.
    @ivar hosted: each root device, with what runs its services.
    @ivar documents: the rendered documents of each root device.
    @ivar stats: the counters of SSDP and HTTP, logged and shown on the
        presentation pages.
    @ivar links: the links served now.
    @ivar stateStore: keeps the state of device-file services (the first
        child: started first, stopped last, writing what is pending).
    @ivar runtimes: the running services.
    @ivar eventing: the GENA subscriptions of every service, answered at
        its eventSubURL and dropped (deliveries cancelled) on stop.
    """

    def __init__(
        self,
        devices: Sequence[Hostable],
        settings: HostSettings = HostSettings(),
        *,
        reactor: Reactor | None = None,
        random: _random.Random | None = None,
        systemInterfaces: InterfaceLister | None = None,
    ) -> None:
        """
        @param devices: the root devices: plain L{Device}s, device files
            (L{DeviceFile}, as L{loadDevice} reads them) or L{Hosted}
            devices paired with services written in Python.
        @param settings: how to host them.
        @param reactor: the reactor; the global one when L{None}.
        @param random: chooses the delays of announcements and answers; a
            new L{random.Random} when L{None}.
        @param systemInterfaces: lists the machine's interfaces, the real
            ones when L{None}; tests give made-up ones (the host looks at
            them again while it runs, so a list given once would not do).
        """
        super().__init__()
        self.reactor = reactor if reactor is not None else defaultReactor()
        self.settings = settings
        self.stats = Stats()
        self.hosted = [asHosted(device) for device in devices]
        self.documents: list[Documents] = [buildDocuments(each.device, variants=each.variants) for each in self.hosted]
        self._systemInterfaces = systemInterfaces
        self._bootIds = BootIdStore(settings.stateDirectory, self.reactor)
        self.links: list[Link] = []
        major, minor = SPEC_VERSION
        self.catalogue = Catalogue(server=serverString(__version__, f"{major}.{minor}"), maxAge=settings.maxAge)
        self.stateStore = StateStore(settings.stateDirectory, self.reactor)
        self.stateStore.setName("state")
        self.stateStore.setServiceParent(self)
        limits = settings.eventingLimits
        self._agent = deliveryAgent(self.reactor, limits.connectTimeout)
        serving = self._build(self.hosted, self.documents)
        self.runtimes = serving.runtimes
        self.runtimes.setServiceParent(self)
        self.web = WebServerService(
            makeSite(
                self.documents, limits=settings.httpLimits, stats=self.stats, reactor=self.reactor, root=serving.tree,
                hostPolicy=HostPolicy.allowing((*settings.allowedHosts, *filter(None, [settings.advertisedHost]))),
            ),
            settings.httpPort,
            self.reactor,
        )
        self.web.setName("web")
        self.web.setServiceParent(self)
        self.eventing = serving.eventing
        self.eventing.setServiceParent(self)
        self._tree = serving.tree
        self.mounts: dict[bytes, IResource] = {}
        self.ssdp = SSDPService(
            self.catalogue,
            lambda: self.links,
            self.reactor,
            ssdpPort=settings.ssdpPort,
            ttl=settings.ttl,
            random=random,
            limits=settings.responderLimits,
            stats=self.stats,
            ipv6SiteLocal=settings.ipv6SiteLocal,
        )
        self.ssdp.setName("ssdp")
        self.ssdp.setServiceParent(self)
        self.ssdp.addObserver(UDNConflicts(self.catalogue, self._locations, self.reactor))
        self.monitor = StatsMonitor(self.stats, self.reactor, settings.statsInterval)
        self.monitor.setServiceParent(self)
        self.watcher: InterfaceWatcher | None = None
        if settings.pollInterval > 0:
            self.watcher = InterfaceWatcher(self.interfaceReports, self.linksChanged, self.reactor, settings.pollInterval)
            self.watcher.setName("watcher")
            self.watcher.setServiceParent(self)
            if settings.netlink:
                netlink = NetlinkMonitor(self.watcher.poll, self.reactor)
                netlink.setName("netlink")
                netlink.setServiceParent(self)
        for documents in self.documents:
            self.catalogue.add(self.publicationOf(documents))

    def _build(self, hosted: Sequence[Hosted], documentsList: Sequence[Documents], previous: Serving | None = None) -> Serving:
        return buildServing(
            hosted,
            documentsList,
            reactor=self.reactor,
            stats=self.stats,
            links=lambda: self.links,
            agent=self._agent,
            limits=self.settings.eventingLimits,
            store=self.stateStore,
            previous=previous,
        )

    def replaceDevices(self, devices: Sequence[Hostable]) -> Changes:
        """
        Host C{devices} from now on instead of the current ones, telling
        the network what changed, the UPnP way:

          - a device that is gone: ssdp:byebye for its whole set;
          - a new device: alive bursts, as at start;
          - a changed device (its description or an SCPD differs, so its
            CONFIGID.UPNP.ORG changes): ssdp:byebye for the advertisements
            it no longer has (a service type dropped, say), then alive
            bursts of its set with the new CONFIGID, which makes control
            points fetch the description again.  Advertisements it keeps
            get no byebye: some control points drop a device at a byebye
            even when an alive follows;
          - a device that did not change: nothing.

        The new documents are served before anything is announced, so a
        control point that reacts to an alive finds the new description:

          - an unchanged service keeps its runtime (the same object: state,
            handlers) and its subscriptions as they are (same SIDs, SEQ
            going on, no extra event).  Unchanged means: a device of the
            same UDN declares a service of the same serviceId exactly as
            before (serviceType, actions, state variables: all its SCPD
            says but the device's CONFIGID, which any other change of the
            device alters) with the same backend: the same action bindings
            for a device-file service, the same runtime object for one
            written in Python (an unchanged MediaServer's);
          - a changed service gets a new runtime, its state handed on
            through the state store (in memory: the acknowledged values,
            even when the state directory cannot be written); its
            subscriptions stay (same SIDs, SEQ going on) and each gets a
            message with every evented variable of the new declaration,
            unless it no longer events any variable: then they end (a
            renewal gets 412);
          - a removed service's (or device's) subscriptions end, their
            deliveries cancelled (its eventSubURL is gone: a renewal gets
            404);
          - a new resource tree is swapped in, requests under way finishing
            with the old one.

        @param devices: the root devices to host, in order (as for the
            constructor).
        @return: which devices were added, changed, removed or kept.
        @raise DeviceError: a device cannot be rendered.
        @raise ConfigError: a device file binds a function that cannot be
            imported.
        @raise ValueError: the devices cannot be served together (two
            share a UDN).
        Nothing has changed when it raises.
        """
        hosted = [asHosted(device) for device in devices]
        seen: set[str] = set()
        for device in (each for root in hosted for each in root.device.allDevices()):
            if device.UDN.lower() in seen:
                raise ValueError(f"two devices share the UDN {device.UDN}")
            seen.add(device.UDN.lower())
        newDocuments = [buildDocuments(each.device, variants=each.variants) for each in hosted]
        old = {
            documents.root.UDN.lower(): (documents, publication)
            for documents, publication in zip(self.documents, self.catalogue.publications)
        }
        self._serve(hosted, newDocuments)
        changes = Changes(names={documents.root.UDN: documents.root.friendlyName for documents in newDocuments})
        publications: list[Publication] = []
        fresh: list[Publication] = []
        for documents in newDocuments:
            key = documents.root.UDN.lower()
            before = old.pop(key, None)
            if before is not None and sameDocuments(before[0], documents):
                publications.append(before[1])
                changes.unchanged.append(documents.root.UDN)
                continue
            publication = self.publicationOf(documents)
            publications.append(publication)
            fresh.append(publication)
            if before is None:
                changes.added.append(documents.root.UDN)
                continue
            changes.changed.append(documents.root.UDN)
            previous = before[1]
            dropped = tuple(ad for ad in previous.advertisements if ad not in publication.advertisements)
            if dropped:
                self.ssdp.sendByebye([Publication(dropped, previous.location, previous.configId)])
            self.catalogue.remove(previous)
        for documents, publication in old.values():
            changes.removed.append(documents.root.UDN)
            self.ssdp.withdraw(publication)
        for publication in fresh:
            self.ssdp.publish(publication)
        self.catalogue.replace(publications)
        self.documents[:] = newDocuments
        self.hosted[:] = hosted
        return changes

    def _serve(self, hosted: Sequence[Hosted], documentsList: Sequence[Documents]) -> None:
        """
        Serve new documents: new runtimes in the old ones' place among the
        children (the old ones stop first; the unchanged services' runtimes
        are taken over, the others' state is in the store), the same
        eventing following them (see L{buildServing}) and the new tree
        swapped in (the old one's live streams end: the browser reconnects
        to the new pages).
        """
        oldRuntimes = self.runtimes
        if oldRuntimes.running:
            oldRuntimes.stopService()
        try:
            serving = self._build(hosted, documentsList, Serving(oldRuntimes, self.eventing, self._tree))
        except Exception:
            if self.running:
                oldRuntimes.startService()
            raise
        self._replaceChild(oldRuntimes, serving.runtimes)
        self.runtimes = serving.runtimes
        for name, resource in self.mounts.items():
            serving.tree.putChild(name, resource)
        self.web.site.resource = serving.tree
        oldTree, self._tree = self._tree, serving.tree
        oldTree.closeLiveStreams()

    def mount(self, name: bytes, resource: IResource) -> None:
        """
        Serve C{resource} at C{/name/} beside the devices' documents, now
        and in every tree a reload builds (a MediaServer's C{/media/}).
        """
        self.mounts[name] = resource
        self.web.site.resource.putChild(name, resource)

    def _replaceChild(self, old: Service, new: Service) -> None:
        """
        Put C{new} where C{old} was among the children (stopping C{old},
        starting C{new} if the host runs), so they keep their turn at stop.
        """
        index = self.services.index(old)
        old.disownServiceParent()
        new.setServiceParent(self)
        self.services.remove(new)
        self.services.insert(index, new)

    def publicationOf(self, documents: Documents) -> Publication:
        """
        What SSDP says about one of our root devices: see
        L{coherence_lite.host.site.publicationOf}.
        """
        return publicationOf(documents, lambda: self.web.port, self.settings.advertisedHost)

    def _locations(self, publication: Publication) -> list[str] | None:
        """
        Our LOCATIONs of C{publication}, one per link served; L{None} while
        the web server is not running.
        """
        if not self.web.running:
            return None
        return [publication.location(link) for link in self.ssdp.links]

    def interfaceReports(self) -> list[InterfaceReport]:
        """
        Which interfaces would be served, and why each is used or skipped.
        """
        return interfaceReports(self.settings, self._systemInterfaces)

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
                reason = getattr(e.socketError, "strerror", None) or e.socketError
                raise StartupError(f"SSDP port {e.port}: {reason}") from None
            raise
        self._logHosting(self.ssdp.links)

    def stopService(self) -> Deferred[None]:
        """
        End the panel's live streams (open connections outlive the HTTP
        port), then stop the children, last started first.
        """
        self._tree.closeLiveStreams()
        stopped: Deferred[None] = MultiService.stopService(self)
        return stopped

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
        self._logHosting([link for link in self.ssdp.links if link in added])
