# -*- test-case-name: tests.test_web -*-
"""
The HTTP side of a device host: a twisted.web resource tree serving the
description documents, SCPDs, icons and presentation pages of one or more
root devices.

Paths come from L{coherence_lite.model.layout}.  Every response body is built
once, when the tree is built from L{Documents}; requests only look bytes
up.  When a device's configuration changes, build a new tree and swap it
in with C{site.resource = makeRootResource(...)}.

Only C{GET} and C{HEAD} are served (anything else is C{405 Method Not
Allowed} with an C{Allow} header); every path the layout does not name is
C{404 Not Found}, whatever its method.  A device's presentation page lives
at C{/<uuid>/}; C{/<uuid>} without the slash is 404, like every other path
the layout does not spell.

Presentation pages end with the host's counters (a L{Stats}), the only
part rendered per request.  The site enforces L{HTTPLimits} (sizes,
timeouts, connection caps), see L{coherence_lite.http.limits}.
"""

from __future__ import annotations

from html import escape
from typing import Iterable, Sequence, cast
from urllib.parse import urlsplit

from twisted.internet.interfaces import IReactorTime
from twisted.web.resource import IResource, Resource
from twisted.web.server import Request

from coherence_lite import __version__
from coherence_lite.model import layout
from coherence_lite.model.description import SPEC_VERSION, Documents
from coherence_lite.model.device import Device
from coherence_lite.http.limits import HTTPLimits, LimitedSite
from coherence_lite.identity import serverString
from coherence_lite.stats import Stats

__all__ = [
    "XML_CONTENT_TYPE",
    "ALLOWED_METHODS",
    "HTML_CONTENT_TYPE",
    "defaultServerHeader",
    "StaticResource",
    "PresentationResource",
    "NotFoundResource",
    "DirectoryResource",
    "ServiceResource",
    "DeviceResource",
    "HostResource",
    "makeRootResource",
    "makeSite",
]

#: The Content-Type of description documents and SCPDs (UDA 1.1 §2.11).
XML_CONTENT_TYPE = b'text/xml; charset="utf-8"'

#: The Content-Type of the HTML pages.
HTML_CONTENT_TYPE = b"text/html; charset=utf-8"


def defaultServerHeader(specVersion: tuple[int, int] = SPEC_VERSION) -> bytes:
    """
    The C{Server} header value: the same C{OS/version UPnP/x.y
    coherence-lite/version} string SSDP sends as C{SERVER}.

    @param specVersion: the UDA version the documents declare.
    """
    major, minor = specVersion
    return serverString(__version__, f"{major}.{minor}").encode("ascii")


def _sendHeaders(request: Request, code: int, headers: Sequence[tuple[bytes, bytes]], length: int) -> None:
    request.setResponseCode(code)
    for name, value in headers:
        request.setHeader(name, value)
    request.setHeader(b"Content-Length", b"%d" % (length,))


class NotFoundResource(Resource):
    """
    A leaf answering C{404 Not Found} to every request and every method,
    with a fixed page.
    """

    isLeaf = True
    _body = (
        b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        b"<title>404 Not Found</title></head>"
        b"<body><h1>Not Found</h1><p>No such resource.</p></body></html>\n"
    )
    _headers = ((b"Content-Type", HTML_CONTENT_TYPE),)

    def render(self, request: Request) -> bytes:
        """
        Answer 404, with a body unless the request is a C{HEAD}.
        """
        _sendHeaders(request, 404, self._headers, len(self._body))
        if request.method == b"HEAD":
            return b""
        return self._body

    def getChild(self, path: bytes, request: Request) -> Resource:
        """
        Everything below is not found either.
        """
        return self


_notFound = NotFoundResource()

#: The methods a document supports, for C{Allow} headers.
ALLOWED_METHODS = b"GET, HEAD"

_METHOD_NOT_ALLOWED_BODY = (
    b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    b"<title>405 Method Not Allowed</title></head>"
    b"<body><h1>Method Not Allowed</h1><p>Only GET and HEAD are allowed here.</p></body></html>\n"
)
_METHOD_NOT_ALLOWED_HEADERS = ((b"Content-Type", HTML_CONTENT_TYPE), (b"Allow", ALLOWED_METHODS))


class StaticResource(Resource):
    """
    A leaf serving fixed bytes to C{GET} and C{HEAD}.

    A request whose path goes on below this resource
    (C{/uuid/description.xml/extra}, or a trailing slash) is 404.
    """

    isLeaf = True

    def __init__(self, body: bytes, contentType: bytes) -> None:
        """
        @param body: the response body, sent as is.
        @param contentType: the C{Content-Type} header value.
        """
        super().__init__()
        self.body = body
        self.contentType = contentType
        self._headers = ((b"Content-Type", contentType),)

    def render(self, request: Request) -> bytes:
        """
        Serve the bytes if the request addresses exactly this resource with
        C{GET} or C{HEAD}; answer 404 to deeper paths and 405 (with an
        C{Allow} header) to other methods.
        """
        if request.postpath:
            return _notFound.render(request)
        if request.method == b"GET":
            return self.render_GET(request)
        if request.method == b"HEAD":
            return self.render_HEAD(request)
        _sendHeaders(request, 405, _METHOD_NOT_ALLOWED_HEADERS, len(_METHOD_NOT_ALLOWED_BODY))
        return _METHOD_NOT_ALLOWED_BODY

    def currentBody(self) -> bytes:
        """
        The body to send now: always L{body} here.
        """
        return self.body

    def render_GET(self, request: Request) -> bytes:
        """
        Send the headers and the body.
        """
        body = self.currentBody()
        _sendHeaders(request, 200, self._headers, len(body))
        return body

    def render_HEAD(self, request: Request) -> bytes:
        """
        Send the same headers as C{GET}, without the body.
        """
        _sendHeaders(request, 200, self._headers, len(self.currentBody()))
        return b""


class PresentationResource(StaticResource):
    """
    A presentation page: prebuilt HTML with the host's counters inserted
    before its end at each request.
    """

    def __init__(self, page: bytes, stats: Stats | None) -> None:
        """
        @param page: the prebuilt page, ending with C{</body></html>}.
        @param stats: the counters to show; L{None} serves C{page} as is.
        """
        super().__init__(page, HTML_CONTENT_TYPE)
        self.stats = stats
        assert page.endswith(_PAGE_END), page[-40:]
        self._head = page[: -len(_PAGE_END)]

    def currentBody(self) -> bytes:
        """
        The page with the counters as they are now.
        """
        if self.stats is None:
            return self.body
        return self._head + _statsSection(self.stats.snapshot()) + _PAGE_END


class DirectoryResource(Resource):
    """
    An inner node of the tree: it has children but is no page itself, so
    it and any path it does not know are 404 for every method.
    """

    def render(self, request: Request) -> bytes:
        """
        An inner node is not a page.
        """
        return _notFound.render(request)

    def getChild(self, path: bytes, request: Request) -> Resource:
        """
        Unknown children are not found.
        """
        return _notFound

    def putChild(self, path: bytes, child: IResource | Resource) -> None:
        """
        Add a child, refusing to replace one: two layout paths that collide
        would otherwise silently hide a document.

        @raise ValueError: C{path} already has a child.
        """
        if path in self.children:
            raise ValueError(f"two resources want the path segment {path!r}")
        super().putChild(path, cast(IResource, child))


class ServiceResource(DirectoryResource):
    """
    C{/<uuid>/<service>/}: holds the SCPD; control and event endpoints are
    added with L{putChild} under L{layout.CONTROL} and L{layout.EVENT} when
    they exist.
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
    """

    def __init__(self) -> None:
        super().__init__()
        self.devices: dict[str, DeviceResource] = {}


def _safeLink(url: str | None) -> str | None:
    """
    Return C{url} if it is fit for an C{href} (http, https or a path), else
    L{None}: a description may carry a C{javascript:} URL.
    """
    if url is None:
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https") or (scheme == "" and url.startswith("/")):
        return url
    return None


_PAGE_END = b"</body>\n</html>\n"


def _page(title: str, body: Iterable[str]) -> bytes:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n" + "".join(body)
    ).encode("utf-8") + _PAGE_END


def _statsSection(counters: dict[str, int]) -> bytes:
    """
    The counters as an HTML table, escaped.
    """
    if not counters:
        return b"<h2>Statistics</h2>\n<p>Nothing counted yet.</p>\n"
    rows = "".join(_row(name, str(value)) for name, value in counters.items())
    return f"<h2>Statistics</h2>\n<table>\n{rows}</table>\n".encode("utf-8")


def _row(label: str, value: str | None, link: str | None = None) -> str:
    if value is None:
        return ""
    text = escape(value)
    if link is not None:
        text = f'<a href="{escape(link)}">{text}</a>'
    return f"<tr><th>{escape(label)}</th><td>{text}</td></tr>\n"


def _presentationPage(device: Device, documents: Documents) -> bytes:
    """
    Render the presentation page of one device of C{documents}.
    """
    body = [f"<h1>{escape(device.friendlyName)}</h1>\n"]
    if device.icons:
        icon = device.icons[0]
        body.append(
            f'<p><img src="{escape(layout.iconPath(device, icon))}" '
            f'width="{icon.width}" height="{icon.height}" alt="{escape(device.friendlyName)} icon"></p>\n'
        )
    body.append("<table>\n")
    body.append(_row("Device type", device.deviceType))
    body.append(_row("Manufacturer", device.manufacturer, _safeLink(device.manufacturerURL)))
    body.append(_row("Model", device.modelName, _safeLink(device.modelURL)))
    body.append(_row("Model number", device.modelNumber))
    body.append(_row("Model description", device.modelDescription))
    body.append(_row("Serial number", device.serialNumber))
    body.append(_row("UPC", device.UPC))
    body.append(_row("UDN", device.UDN))
    body.append(_row("Configuration id", str(documents.configId)))
    body.append(_row("Description", layout.descriptionPath(documents.root), layout.descriptionPath(documents.root)))
    if device.presentationURL is not None:
        link = _safeLink(device.presentationURL)
        body.append(_row("Presentation", device.presentationURL, link))
    body.append("</table>\n")
    if device.services:
        body.append("<h2>Services</h2>\n<ul>\n")
        for service in device.services:
            scpd = layout.servicePath(device, service, layout.SCPD)
            body.append(
                f"<li>{escape(service.serviceType)} ({escape(service.serviceId)}): "
                f'<a href="{escape(scpd)}">service description</a></li>\n'
            )
        body.append("</ul>\n")
    if device.devices:
        body.append("<h2>Embedded devices</h2>\n<ul>\n")
        for embedded in device.devices:
            body.append(
                f'<li><a href="{escape(layout.presentationPath(embedded))}">'
                f"{escape(embedded.friendlyName)}</a> ({escape(embedded.deviceType)})</li>\n"
            )
        body.append("</ul>\n")
    return _page(device.friendlyName, body)


def _indexPage(documentsList: Sequence[Documents]) -> bytes:
    """
    Render the page at C{/}: a link to each root device's presentation page.
    """
    body = ["<h1>UPnP devices</h1>\n<ul>\n"]
    for documents in documentsList:
        root = documents.root
        body.append(
            f'<li><a href="{escape(layout.presentationPath(root))}">{escape(root.friendlyName)}</a> '
            f"({escape(root.deviceType)}, "
            f'<a href="{escape(layout.descriptionPath(root))}">description</a>)</li>\n'
        )
    body.append("</ul>\n")
    return _page("UPnP devices", body)


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


def makeRootResource(documentsList: Sequence[Documents], stats: Stats | None = None) -> HostResource:
    """
    Build the resource tree serving some root devices.

    @param documentsList: the rendered documents of each root device.
    @param stats: counters to show on the presentation pages, if any.
    @return: the root resource, to serve at C{/}.
    @raise ValueError: two devices share a UDN, or two documents of a device
        share a path (a service whose short id is C{icons} or
        C{description.xml}, or C{.}/C{..}).
    """
    host = HostResource()
    host.putChild(b"", StaticResource(_indexPage(documentsList), HTML_CONTENT_TYPE))
    for documents in documentsList:
        root = documents.root
        for device in root.allDevices():
            if device.UDN.lower() in (udn.lower() for udn in host.devices):
                raise ValueError(f"two hosted devices share the UDN {device.UDN}")
            deviceResource = DeviceResource(device)
            host.devices[device.UDN] = deviceResource
            host.putChild(_segments(layout.presentationPath(device))[0], deviceResource)
            _place(host, layout.presentationPath(device), PresentationResource(_presentationPage(device, documents), stats))
            if device.icons:
                iconDirectory = _segments(layout.iconPath(device, device.icons[0]))[-2]
                deviceResource.putChild(iconDirectory, DirectoryResource())
            for icon in device.icons:
                _place(host, layout.iconPath(device, icon), StaticResource(icon.data, icon.mimetype.encode("ascii")))
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
        _place(host, layout.descriptionPath(root), StaticResource(documents.description, XML_CONTENT_TYPE))
    return host


class _DeviceSite(LimitedSite):
    """
    A L{LimitedSite} adding the C{Server} and C{X-Content-Type-Options}
    headers to every response, 404s and 405s included.
    """

    def getResourceFor(self, request: Request) -> IResource:
        """
        Set the headers every response carries, then find the resource.
        """
        assert self.serverHeader is not None
        request.setHeader(b"Server", self.serverHeader)
        request.setHeader(b"X-Content-Type-Options", b"nosniff")
        resource: IResource = super().getResourceFor(request)
        return resource


def makeSite(
    documentsList: Sequence[Documents],
    server: str | None = None,
    *,
    limits: HTTPLimits = HTTPLimits(),
    stats: Stats | None = None,
    reactor: IReactorTime | None = None,
) -> LimitedSite:
    """
    Build the HTTP site of a device host.

    To serve changed documents, swap the tree in with
    C{site.resource = makeRootResource(newDocuments, site.stats)}.

    @param documentsList: the rendered documents of each root device.
    @param server: the C{Server} header value, normally the SSDP C{SERVER}
        string; by default L{defaultServerHeader} of the documents' UDA
        version, which is what SSDP announces too.
    @param limits: sizes, timeouts and connection caps.
    @param stats: where HTTP events are counted, and what the presentation
        pages show; a new L{Stats} when L{None}.
    @param reactor: for timeouts; the global reactor when L{None}.
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
    site = _DeviceSite(
        cast(IResource, makeRootResource(documentsList, stats)),
        limits=limits,
        stats=stats,
        reactor=reactor,
        serverHeader=serverHeader,
    )
    site.displayTracebacks = False
    return site
