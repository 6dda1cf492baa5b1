# -*- test-case-name: tests.compat.test_base -*-
"""
How the L{Coherence <coherence_lite.compat.base.Coherence>} façade hosts
the devices its backends make: one web site for all of them (Coherence's
C{urlbase}), each device's documents, SOAP control and GENA eventing
mounted under C{/<uuid>/} as coherence-lite's host lays them out, and the
device's USNs registered with the façade's L{SSDPServer
<coherence_lite.compat.ssdp.SSDPServer>} (announced, answered, and seen by
the façade's own control point).
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger
from twisted.web.resource import Resource

from coherence_lite.compat.basics import HostedDevice
from coherence_lite.compat.ssdp import SSDPServer
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.agent import deliveryAgent
from coherence_lite.eventing.publisher import HostEventing
from coherence_lite.panel.pages import indexPage
from coherence_lite.host.serving import serveTree
from coherence_lite.host.site import HostResource, makeSite
from coherence_lite.http.hosts import HostPolicy
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.http.resources import HTML_CONTENT_TYPE, StaticResource
from coherence_lite.http.server import LimitedSite
from coherence_lite.model.description import Documents, buildDocuments
from coherence_lite.model.layout import descriptionPath
from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.model.device import LOCAL, Device
from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.stats import Stats

__all__ = ["DeviceHosting"]

log = Logger()


class _Hosted:
    """
    What hosting one device put in place, to take it away again.
    """

    def __init__(self, documents: Documents, segments: list[bytes], usns: list[str]):
        self.documents = documents
        self.segments = segments
        self.usns = usns


class DeviceHosting:
    """
    The site, eventing and SSDP registrations of a façade's devices.

    @ivar site: the web site (serve it on the façade's port).
    @ivar root: its resource tree; other resources can be added with
        C{putChild} (Coherence's C{add_web_resource}).
    @ivar stats: counts HTTP, SOAP and GENA events.
    """

    def __init__(
        self,
        reactor: Reactor,
        ssdp: SSDPServer,
        urlbase: Callable[[], str],
        links: Callable[[], Sequence[Link]],
        hostname: str,
        limits: EventingLimits = EventingLimits(),
    ) -> None:
        """
        @param ssdp: registers the devices' USNs.
        @param urlbase: C{http://<host>:<port>/}, the LOCATIONs' start.
        @param links: the links served, for the CallStranger check of
            SUBSCRIBE callbacks.
        @param hostname: the host, kept as C{known[usn]['HOST']}.
        """
        self._reactor = reactor
        self._ssdp = ssdp
        self._urlbase = urlbase
        self._links = links
        self._hostname = hostname
        self.stats = Stats()
        self._eventing = HostEventing(deliveryAgent(reactor, limits.connectTimeout), reactor, limits, self.stats)
        self._eventing.startService()
        self.site: LimitedSite = makeSite(
            [], limits=HTTPLimits(), stats=self.stats, reactor=reactor, hostPolicy=HostPolicy.allowing(())
        )
        self.root = HostResource()
        self.site.resource = self.root
        self._hosted: dict[str, _Hosted] = {}
        self._index()

    def _index(self) -> None:
        page = indexPage([hosted.documents for hosted in self._hosted.values()])
        self.root.children.pop(b"", None)
        self.root.putChild(b"", StaticResource(page, HTML_CONTENT_TYPE))

    def location(self, device: HostedDevice) -> str:
        """
        The LOCATION of a hosted device's description.
        """
        assert device.model is not None
        return self._urlbase() + descriptionPath(device.model).lstrip("/")

    def host(self, device: HostedDevice) -> None:
        """
        Serve a device whose backend is ready, and announce it.

        @raise ValueError: a device with its UDN is hosted already.
        """
        assert device.model is not None
        runtimes = {(device.model.UDN, server.service.shortId): server.runtime for server in device.services}
        self.hostModel(device.model, runtimes)

    def hostModel(self, model: Device, runtimes: Mapping[tuple[str, str], ServiceRuntime]) -> None:
        """
        Serve a device tree with its services' runtimes (keyed by UDN and
        service id), and announce it.

        @raise ValueError: a device with its UDN is hosted already.
        """
        udn = model.UDN.lower()
        if udn in self._hosted:
            raise ValueError(f"a device {model.UDN} is hosted already")
        documents = buildDocuments(model)
        tree = serveTree([documents], runtimes, self._eventing, self._links, self._reactor, self.stats)
        segments = [name for name in tree.children if name]
        for name in segments:
            self.root.putChild(name, tree.children[name])
        self.root.devices.update(tree.devices)
        location = self._urlbase() + descriptionPath(model).lstrip("/")
        usns = []
        for advertisement in advertisements(model):
            self._ssdp.register(
                LOCAL, advertisement.usn, advertisement.nt, location, host=self._hostname, configId=documents.configId
            )
            usns.append(advertisement.usn)
        self._hosted[udn] = _Hosted(documents, segments, usns)
        self._index()
        log.info("Hosting {name} ({udn}) at {location}", name=model.friendlyName, udn=model.UDN, location=location)

    def unhost(self, device: HostedDevice) -> None:
        """
        Say byebye for a device and stop serving it.
        """
        self.unhostUDN(device.uuid)

    def unhostUDN(self, udn: str) -> None:
        """
        Say byebye for the device with this UDN and stop serving it.
        """
        hosted = self._hosted.pop(udn.lower(), None)
        if hosted is None:
            return
        for usn in hosted.usns:
            self._ssdp.doByebye(usn)
            self._ssdp.unRegister(usn)
        for device_ in hosted.documents.root.allDevices():
            self._eventing.remove(device_.UDN)
        for name in hosted.segments:
            self.root.children.pop(name, None)
        for device_ in hosted.documents.root.allDevices():
            self.root.devices.pop(device_.UDN, None)
        self._index()

    def putChild(self, name: str, resource: Resource) -> None:
        """
        Serve another resource at C{/<name>} (Coherence's
        C{add_web_resource}).
        """
        self.root.children.pop(name.encode("utf-8"), None)
        self.root.putChild(name.encode("utf-8"), resource)

    def removeChild(self, name: str) -> None:
        """
        Stop serving C{/<name>}.
        """
        self.root.children.pop(name.encode("utf-8"), None)

    def stop(self) -> None:
        """
        Drop every subscription and pending event.
        """
        self._eventing.stopService()

    @property
    def clock(self) -> IReactorTime:
        """
        The reactor the hosting is timed on.
        """
        return self._reactor
