# -*- test-case-name: tests.host.test_site -*-
"""
The HTTP side of a device host: a twisted.web resource tree serving the
description documents, SCPDs, icons and presentation pages of one or more
root devices, the site around it, and the LOCATION that points at it.

Paths come from L{coherence_lite.model.layout}.  Every document (the
description, SCPDs, icons, the index) is built once, when the tree is built
from L{Documents}; requests only look bytes up.  When a device's
configuration changes, build a new tree and swap it in with
C{site.resource = makeRootResource(...)}.

Documents answer C{GET} and C{HEAD} only (anything else is C{405 Method Not
Allowed} with an C{Allow} header); every path the layout does not name is
C{404 Not Found}, whatever its method.  A device's presentation page lives
at C{/<uuid>/}, rendered per request with the values of its services'
runtimes (the same ones their controlURLs call), and also takes its forms'
C{POST}; C{/<uuid>} without the slash is 404, like every other path the
layout does not spell.

The pages themselves are L{coherence_lite.panel.pages} and
L{coherence_lite.panel.resource}; the generic
resources L{coherence_lite.http.resources}; the site enforces L{HTTPLimits}
(sizes, timeouts, connection caps), see L{coherence_lite.http.limits}.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence, cast

from twisted.internet.interfaces import IReactorTime
from twisted.web.resource import IResource, Resource
from twisted.web.server import Request

from coherence_lite._version import __version__
from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.control.resource import ControlResource
from coherence_lite.panel.live import LiveStreams
from coherence_lite.panel.pages import indexPage
from coherence_lite.panel.resource import PresentationResource
from coherence_lite.http.hosts import HostPolicy
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.http.server import LimitedSite
from coherence_lite.http.resources import (
    HTML_CONTENT_TYPE,
    NOSNIFF,
    XML_CONTENT_TYPE,
    ChosenResource,
    DirectoryResource,
    StaticResource,
)
from coherence_lite.identity import serverString
from coherence_lite.model import layout
from coherence_lite.model.description import SPEC_VERSION, Documents
from coherence_lite.model.device import Device
from coherence_lite.net.interfaces import Link, parseAddress
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.catalogue import Publication
from coherence_lite.stats import Stats

__all__ = [
    "DeviceResource",
    "HostResource",
    "ServiceResource",
    "defaultServerHeader",
    "makeRootResource",
    "makeSite",
    "publicationOf",
]


def defaultServerHeader(specVersion: tuple[int, int] = SPEC_VERSION) -> bytes:
    """
    The C{Server} header value: the same C{OS/version UPnP/x.y
    coherence-lite/version} string SSDP sends as C{SERVER}.

    @param specVersion: the UDA version the documents declare.
    """
    major, minor = specVersion
    return serverString(__version__, f"{major}.{minor}").encode("ascii")


class ServiceResource(DirectoryResource):
    """
    C{/<uuid>/<service>/}: holds the SCPD, the control endpoint and (added
    with L{putChild} under its L{layout} name) the event endpoint.
    """


class DeviceResource(DirectoryResource):
    """
    C{/<uuid>/}: everything of one device (presentation page, icons,
    services, and the description for a root device).

    @ivar device: the device served.
    @ivar services: the L{ServiceResource} of each service, by
        C{service.shortId}.
    """

    def __init__(self, device: Device) -> None:
        super().__init__()
        self.device = device
        self.services: dict[str, ServiceResource] = {}


class HostResource(DirectoryResource):
    """
    The root of the tree: the index page at C{/} and a L{DeviceResource}
    per hosted device, root or embedded.

    @ivar devices: the L{DeviceResource} of each device, by UDN.
    @ivar live: the live value streams of its presentation pages, if any.
    """

    def __init__(self) -> None:
        super().__init__()
        self.devices: dict[str, DeviceResource] = {}
        self.live: LiveStreams | None = None

    def closeLiveStreams(self) -> None:
        """
        End the open live value streams of its pages (a browser opens
        another after its retry delay).
        """
        if self.live is not None:
            self.live.closeAll()


def _segments(path: str) -> list[bytes]:
    """
    Split an absolute layout path into the byte segments twisted.web walks.
    """
    assert path.startswith("/"), path
    return [segment.encode("utf-8") for segment in path[1:].split("/")]


def _place(host: HostResource, path: str, leaf: Resource) -> None:
    """
    Put C{leaf} at C{path}, which must lie in an existing directory.
    """
    *parents, name = _segments(path)
    node: DirectoryResource = host
    for segment in parents:
        child = node.children[segment]
        assert isinstance(child, DirectoryResource), segment
        node = child
    node.putChild(name, leaf)


#: The runtime of each hosted service, by (device UDN, service short id).
Runtimes = Mapping[tuple[str, str], ServiceRuntime]


def makeRootResource(
    documentsList: Sequence[Documents], stats: Stats | None = None, runtimes: Runtimes | None = None
) -> HostResource:
    """
    Build the resource tree serving some root devices.

    @param documentsList: the rendered documents of each root device.
    @param stats: counters to show on the presentation pages (to loopback
        clients only), if any.
    @param runtimes: what answers each service's control requests; a
        service left out gets a runtime with no handlers (its getters
        answer from the default values).
    @return: the root resource, to serve at C{/}.
    @raise ValueError: two devices share a UDN, or two documents of a device
        share a path (a service whose short id is C{icons} or
        C{description.xml}, or C{.}/C{..}).
    """
    host = HostResource()
    host.putChild(b"", StaticResource(indexPage(documentsList), HTML_CONTENT_TYPE))
    live = LiveStreams(stats=stats)
    for documents in documentsList:
        root = documents.root
        for device in root.allDevices():
            if device.UDN.lower() in (udn.lower() for udn in host.devices):
                raise ValueError(f"two hosted devices share the UDN {device.UDN}")
            deviceResource = DeviceResource(device)
            host.devices[device.UDN] = deviceResource
            host.putChild(_segments(layout.presentationPath(device))[0], deviceResource)
            if device.icons:
                iconDirectory = _segments(layout.iconPath(device, device.icons[0]))[-2]
                deviceResource.putChild(iconDirectory, DirectoryResource())
            for icon in device.icons:
                _place(host, layout.iconPath(device, icon), StaticResource(icon.data, icon.mimetype.encode("ascii")))
            deviceRuntimes: dict[str, ServiceRuntime] = {}
            for service in device.services:
                scpdPath = layout.servicePath(device, service, layout.SCPD)
                serviceSegment = _segments(scpdPath)[-2]
                if serviceSegment in (b".", b".."):
                    raise ValueError(f"service id {service.serviceId!r} cannot be a URL path segment")
                serviceResource = ServiceResource()
                deviceResource.services[service.shortId] = serviceResource
                deviceResource.putChild(serviceSegment, serviceResource)
                scpd = documents.scpds[(device.UDN, service.shortId)]
                _place(host, scpdPath, StaticResource(scpd, XML_CONTENT_TYPE))
                runtime = (runtimes or {}).get((device.UDN, service.shortId))
                runtime = runtime or ServiceRuntime(service)
                _place(host, layout.servicePath(device, service, layout.CONTROL), ControlResource(runtime, stats))
                deviceRuntimes[service.shortId] = runtime
            page = PresentationResource(device, documents, deviceRuntimes, live, stats)
            _place(host, layout.presentationPath(device), page)
        _place(host, layout.descriptionPath(root), _descriptionResource(documents))
    live.tree = host
    host.live = live
    return host


def _descriptionResource(documents: Documents) -> StaticResource:
    """
    The resource of a root device's description: the same bytes for
    everyone, or, with variants, those L{Documents.descriptionFor} picks
    for each request.
    """
    if not documents.variants:
        return StaticResource(documents.description, XML_CONTENT_TYPE)
    return ChosenResource(documents.description, XML_CONTENT_TYPE, documents.descriptionFor)


class _DeviceSite(LimitedSite):
    """
    A L{LimitedSite} adding the C{Server} and C{X-Content-Type-Options}
    headers to every response, 404s and 405s included.
    """

    def everyResponseHeaders(self) -> Sequence[tuple[bytes, bytes]]:
        """
        The headers L{getResourceFor} sets, for the prebuilt answers.
        """
        assert self.serverHeader is not None
        return ((b"Server", self.serverHeader), NOSNIFF)

    def getResourceFor(self, request: Request) -> IResource:
        """
        Set the headers every response carries, then find the resource.
        """
        assert self.serverHeader is not None
        request.setHeader(b"Server", self.serverHeader)
        request.setHeader(*NOSNIFF)
        resource: IResource = super().getResourceFor(request)
        return resource


def makeSite(
    documentsList: Sequence[Documents],
    server: str | None = None,
    *,
    limits: HTTPLimits = HTTPLimits(),
    stats: Stats | None = None,
    reactor: IReactorTime | None = None,
    runtimes: Runtimes | None = None,
    root: HostResource | None = None,
    hostPolicy: HostPolicy | None = None,
) -> LimitedSite:
    """
    Build the HTTP site of a device host.

    With a C{hostPolicy} (the host service and compat's hosting always pass
    one) every request must name the server in its C{Host} header: one of
    our address literals, C{localhost} or a configured name; others are
    refused (421, or 400 for HTTP/1.1 without C{Host}), which closes DNS
    rebinding (see L{coherence_lite.http.hosts}).

    To serve changed documents, swap the tree in with
    C{site.resource = makeRootResource(newDocuments, site.stats)}.

    @param documentsList: the rendered documents of each root device.
    @param server: the C{Server} header value, normally the SSDP C{SERVER}
        string; by default L{defaultServerHeader} of the documents' UDA
        version, which is what SSDP announces too.
    @param limits: sizes, timeouts and connection caps.
    @param stats: where HTTP events are counted, and what the presentation
        pages show; a new L{Stats} when L{None}.
    @param reactor: for timeouts and the C{Date} of refusals; the global
        reactor when L{None}.
    @param runtimes: what answers control requests (see
        L{makeRootResource}).
    @param root: the tree to serve, built already from the same documents
        (see L{coherence_lite.host.serving}); built here when L{None}.
    @param hostPolicy: which C{Host} values are answered; L{None} answers
        any (for tests and embedding behind a proxy that checks it).
    @return: a site with C{displayTracebacks} off, ready for
        C{reactor.listenTCP} or C{strports.service}.
    @raise ValueError: see L{makeRootResource}.
    """
    if server is None:
        versions = {documents.specVersion for documents in documentsList}
        serverHeader = defaultServerHeader(max(versions) if versions else SPEC_VERSION)
    else:
        serverHeader = server.encode("ascii")
    stats = stats if stats is not None else Stats()
    return _DeviceSite(
        cast(IResource, root if root is not None else makeRootResource(documentsList, stats, runtimes)),
        limits=limits,
        stats=stats,
        reactor=reactor,
        serverHeader=serverHeader,
        hostPolicy=hostPolicy,
    )


def publicationOf(documents: Documents, port: Callable[[], int], advertisedHost: str | None = None) -> Publication:
    """
    What SSDP says about one hosted root device: its advertisements, its
    CONFIGID, and a LOCATION per link pointing at its description on this
    site.

    @param documents: the device's rendered documents.
    @param port: returns the HTTP port the site is served on (known once it
        listens).
    @param advertisedHost: a host name or address to put in LOCATION instead
        of the link's own address (behind NAT or in a container); an IPv6
        literal is bracketed here, once.
    """
    path = layout.descriptionPath(documents.root)
    literal = parseAddress(advertisedHost) if advertisedHost else None
    urlHost = f"[{advertisedHost}]" if literal and literal.version == 6 else advertisedHost

    def location(link: Link) -> str:
        return f"http://{urlHost or link.urlHost}:{port()}{path}"

    return Publication(advertisements(documents.root), location, documents.configId)
