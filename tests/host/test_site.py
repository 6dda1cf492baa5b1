# -*- test-case-name: tests.host.test_site -*-
"""
Tests for L{coherence_lite.host.site}: the resource tree of a device host,
rendered with L{DummyRequest}, and the LOCATION of its devices.  The same
site over real HTTP is tested in L{tests.host.test_site_http}, its pages in
L{tests.panel.test_pages}.
"""

from __future__ import annotations

from html.parser import HTMLParser

from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import getChildForRequest
from twisted.web.server import NOT_DONE_YET
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.host.site import (
    DeviceResource,
    HostResource,
    ServiceResource,
    defaultServerHeader,
    makeRootResource,
    makeSite,
    publicationOf,
)
from coherence_lite.http.resources import XML_CONTENT_TYPE
from coherence_lite.identity import serverString
from coherence_lite.model import layout
from coherence_lite.model.description import SPEC_VERSION, buildDocuments
from coherence_lite.model.device import Device, Service, StateVariable
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.stats import Stats

from tests.support.description import BULB_UDN, LAMP_UDN, jambon, lamp
from tests.support import JAMBON_UDN, link

OTHER_UDN = "uuid:5f1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"


def other() -> Device:
    """
    A second root device, for hosts serving several.
    """
    return Device(
        "urn:schemas-upnp-org:device:Basic:1",
        "Saucisson",
        "Boucherie numérique SAS",
        "Saucisson",
        OTHER_UDN,
        services=(Service("urn:x-example:service:Dry:1", "urn:x-example:serviceId:Dry", stateVariables=(StateVariable("Days", "ui2"),)),),
    )


def render(root: HostResource, path: bytes, method: bytes = b"GET") -> DummyRequest:
    """
    Dispatch a request for C{path} (already split like twisted.web does)
    through the tree and render it synchronously.
    """
    assert path.startswith(b"/")
    request = DummyRequest(path[1:].split(b"/"))
    request.method = method
    resource = getChildForRequest(root, request)
    body = resource.render(request)
    assert body is not NOT_DONE_YET
    request.write(body)
    request.finish()
    return request


def header(request: DummyRequest, name: bytes) -> bytes | None:
    """
    The one value of a response header of a L{DummyRequest}.
    """
    values = request.responseHeaders.getRawHeaders(name)
    if values is None:
        return None
    assert len(values) == 1, values
    value: bytes = values[0]
    return value


class _HTMLChecker(HTMLParser):
    """
    Collect the links, image sources and text of a page, and check that
    every opened element is closed (void elements aside).
    """

    VOID = {"meta", "img", "br", "link", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        if tag == "img":
            self.images.append(attributes.get("src") or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parseHTML(data: bytes) -> _HTMLChecker:
    """
    Parse an HTML page, checking it is balanced and starts with a doctype.
    """
    assert data.startswith(b"<!DOCTYPE html>"), data[:40]
    checker = _HTMLChecker()
    checker.feed(data.decode("utf-8"))
    checker.close()
    assert checker.stack == [], checker.stack
    return checker



class ResourceTreeTests(SynchronousTestCase):
    """
    Fast tests of the resource tree with L{DummyRequest}.
    """

    def setUp(self) -> None:
        self.documents = buildDocuments(lamp())
        self.root = makeRootResource([self.documents])

    def test_descriptionIsThePrebuiltBytes(self) -> None:
        """
        The description is served from the very bytes object built with the
        tree, with the XML content type and its length.
        """
        path = layout.descriptionPath(self.documents.root).encode()
        request = DummyRequest(path[1:].split(b"/"))
        resource = getChildForRequest(self.root, request)
        self.assertIs(resource.render(request), self.documents.description)
        self.assertIs(resource.render(DummyRequest([])), self.documents.description)
        self.assertEqual(header(request, b"content-type"), b'text/xml; charset="utf-8"')
        self.assertEqual(header(request, b"content-length"), b"%d" % len(self.documents.description))

    def test_scpdOfEveryDevice(self) -> None:
        """
        Every service of every device, embedded ones included, has its SCPD
        at the layout's path.
        """
        for device in self.documents.root.allDevices():
            for service in device.services:
                request = render(self.root, layout.servicePath(device, service, layout.SCPD).encode())
                self.assertEqual(request.responseCode or 200, 200)
                self.assertEqual(b"".join(request.written), self.documents.scpds[(device.UDN, service.shortId)])
                self.assertEqual(header(request, b"content-type"), XML_CONTENT_TYPE)

    def test_iconsWithTheirMimetype(self) -> None:
        """
        Icons are served at the layout's path with their own MIME type.
        """
        for device in self.documents.root.allDevices():
            for icon in device.icons:
                request = render(self.root, layout.iconPath(device, icon).encode())
                self.assertEqual(b"".join(request.written), icon.data)
                self.assertEqual(header(request, b"content-type"), b"image/png")
                self.assertEqual(header(request, b"content-length"), b"%d" % len(icon.data))

    def test_headHasNoBody(self) -> None:
        """
        C{HEAD} gets the C{GET} headers and no body.
        """
        request = render(self.root, layout.descriptionPath(self.documents.root).encode(), b"HEAD")
        self.assertEqual(request.written, [b""])
        self.assertEqual(header(request, b"content-length"), b"%d" % len(self.documents.description))
        self.assertEqual(header(request, b"content-type"), XML_CONTENT_TYPE)

    def test_pathsBelowALeafAreNotFound(self) -> None:
        """
        A path going on below a document, even by an empty segment, is 404
        whatever the method.
        """
        base = layout.descriptionPath(self.documents.root).encode()
        for path in (base + b"/x", base + b"/", base + b"/x/y"):
            for method in (b"GET", b"HEAD", b"POST", b"DELETE"):
                self.assertEqual(render(self.root, path, method).responseCode, 404, (path, method))

    def test_innerNodesAreNotFound(self) -> None:
        """
        The directories of the layout are not pages: 404 for every method,
        never a listing nor a 405.
        """
        root = self.documents.root
        service = root.services[0]
        uuid = root.uuid.encode()
        for path in (
            b"/" + uuid,
            b"/" + uuid + b"/icons",
            b"/" + uuid + b"/icons/",
            b"/" + uuid + b"/" + service.shortId.encode(),
            b"/" + uuid + b"/" + service.shortId.encode() + b"/",
        ):
            for method in (b"GET", b"HEAD", b"PUT"):
                self.assertEqual(render(self.root, path, method).responseCode, 404, (path, method))

    def test_treeExposesDevicesAndServices(self) -> None:
        """
        The tree gives access to each device's and service's node, so that
        control and event endpoints can be added later.
        """
        self.assertEqual(sorted(self.root.devices), sorted([JAMBON_UDN, LAMP_UDN, BULB_UDN]))
        node = self.root.devices[LAMP_UDN]
        self.assertIsInstance(node, DeviceResource)
        self.assertIsInstance(node.services["SwitchPower"], ServiceResource)
        self.assertEqual(sorted(node.services), ["SwitchPower"])

    def test_duplicateUDNRefused(self) -> None:
        """
        Two hosted devices with the same UDN (in any case) cannot be served.
        """
        self.assertRaises(ValueError, makeRootResource, [buildDocuments(jambon()), buildDocuments(jambon(friendlyName="Twin"))])
        upper = jambon(UDN="uuid:" + JAMBON_UDN[5:].upper(), friendlyName="Upper")
        self.assertRaises(ValueError, makeRootResource, [buildDocuments(jambon()), buildDocuments(upper)])

    def test_serviceShadowingAnotherPathRefused(self) -> None:
        """
        A service whose URL segment would collide with the icons directory
        or the description is refused rather than silently hiding a
        document (ids like C{..} are refused by the device model itself).
        """
        for shortId in ("icons", "description.xml"):
            service = Service("urn:x-example:service:Odd:1", f"urn:x-example:serviceId:{shortId}")
            root = jambon(services=(service,))
            self.assertRaises(ValueError, makeRootResource, [buildDocuments(root)])

    def test_siteHidesTracebacks(self) -> None:
        """
        The site never shows tracebacks.
        """
        self.assertFalse(makeSite([self.documents]).displayTracebacks)

    def test_documentsStayPrebuiltWithStats(self) -> None:
        """
        Counters change only the presentation pages: descriptions are still
        served from their prebuilt bytes.
        """
        root = makeRootResource([self.documents], Stats())
        path = layout.descriptionPath(self.documents.root).encode()
        request = DummyRequest(path[1:].split(b"/"))
        self.assertIs(getChildForRequest(root, request).render(request), self.documents.description)

    def test_defaultServerHeaderAgreesWithSSDP(self) -> None:
        """
        The default C{Server} header is SSDP's C{SERVER} string, whose
        C{UPnP/x.y} token is the documents' spec version.
        """
        from coherence_lite import __version__

        value = defaultServerHeader()
        self.assertEqual(value, serverString(__version__, "%d.%d" % SPEC_VERSION).encode("ascii"))
        self.assertIn(b" UPnP/1.1 ", value)
        self.assertIn(b" UPnP/1.2 ", defaultServerHeader((1, 2)))


class PublicationTests(SynchronousTestCase):
    """
    L{publicationOf}: what SSDP says about a hosted root device.
    """

    def setUp(self) -> None:
        self.documents = buildDocuments(jambon())
        self.port = 0

    def test_locationIsTheLinksAddressAndTheCurrentPort(self) -> None:
        """
        LOCATION points at the description on the address of the link it
        is sent on (brackets for IPv6), with the port the site has when it
        is asked, not when the publication was built.
        """
        publication = publicationOf(self.documents, lambda: self.port)
        self.port = 49152
        path = layout.descriptionPath(self.documents.root)
        self.assertEqual(publication.location(link("192.168.1.10/24")), f"http://192.168.1.10:49152{path}")
        self.assertEqual(publication.location(link("fe80::1/64")), f"http://[fe80::1]:49152{path}")

    def test_advertisedHostReplacesTheLinksAddress(self) -> None:
        """
        An advertised host name or address is used on every link; an IPv6
        literal is bracketed.
        """
        path = layout.descriptionPath(self.documents.root)
        named = publicationOf(self.documents, lambda: 80, "nas.example.org")
        self.assertEqual(named.location(link()), f"http://nas.example.org:80{path}")
        literal = publicationOf(self.documents, lambda: 80, "2001:db8::5")
        self.assertEqual(literal.location(link()), f"http://[2001:db8::5]:80{path}")

    def test_advertisementsAndConfigId(self) -> None:
        """
        The publication carries the device's advertisements and the
        CONFIGID of its documents.
        """
        publication = publicationOf(self.documents, lambda: 80)
        self.assertEqual(publication.advertisements, advertisements(self.documents.root))
        self.assertEqual(publication.configId, self.documents.configId)
