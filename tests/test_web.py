# -*- test-case-name: tests.test_web -*-
"""
Tests for L{coherence_lite.host.site}: fast ones against the resource tree with
L{DummyRequest}, and real HTTP ones against a site listening on 127.0.0.1.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from defusedxml.ElementTree import fromstring

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import Deferred, inlineCallbacks, succeed
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.protocol import Protocol
from twisted.protocols.policies import WrappingFactory
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent, HTTPConnectionPool, readBody
from twisted.web.http_headers import Headers
from twisted.web.iweb import IResponse
from twisted.web.resource import getChildForRequest
from twisted.web.server import NOT_DONE_YET, Site
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.model import layout
from coherence_lite.model.description import SPEC_VERSION, Documents, buildDocuments
from coherence_lite.model.device import Device, Icon, Service, StateVariable
from coherence_lite.identity import serverString
from coherence_lite.stats import Stats
from coherence_lite.host.site import (
    HTML_CONTENT_TYPE,
    XML_CONTENT_TYPE,
    DeviceResource,
    HostResource,
    ServiceResource,
    defaultServerHeader,
    makeRootResource,
    makeSite,
)

from tests.test_description import D, JAMBON_UDN, LAMP_UDN, BULB_UDN, jambon, lamp, png

reactor: Any = _globalReactor

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

    def test_presentationPageShowsTheDevice(self) -> None:
        """
        A device's presentation page is balanced HTML5 showing its details,
        its first icon, links to its SCPDs, its embedded devices and the
        description.
        """
        root = self.documents.root
        request = render(self.root, layout.presentationPath(root).encode())
        self.assertEqual(header(request, b"content-type"), HTML_CONTENT_TYPE)
        page = parseHTML(b"".join(request.written))
        text = "".join(page.text)
        for value in (
            "Jambon 3000",
            root.deviceType,
            "Boucherie numérique SAS",
            "Jambon",
            "3000",
            "Jambon Appliance 3000",
            "JBN425133",
            JAMBON_UDN,
            str(self.documents.configId),
            "urn:boucherie.example.com:service:Jambon:1",
            "urn:boucherie.example.com:serviceId:Jambon",
            "Light",
        ):
            self.assertIn(value, text)
        self.assertEqual(page.images, [layout.iconPath(root, root.icons[0])])
        self.assertIn("http://www.boucherie.example.com/", page.links)
        self.assertIn(layout.servicePath(root, root.services[0], layout.SCPD), page.links)
        self.assertIn(layout.presentationPath(root.devices[0]), page.links)
        self.assertIn(layout.descriptionPath(root), page.links)

    def test_embeddedPresentationPageLinksRootDescription(self) -> None:
        """
        An embedded device has its own page, linking the root's description
        (it has none of its own) and its own services.
        """
        light = self.documents.root.devices[0]
        page = parseHTML(b"".join(render(self.root, layout.presentationPath(light).encode()).written))
        self.assertIn(layout.descriptionPath(self.documents.root), page.links)
        self.assertIn(layout.servicePath(light, light.services[0], layout.SCPD), page.links)
        self.assertIn(layout.presentationPath(light.devices[0]), page.links)
        self.assertEqual(render(self.root, f"/{light.uuid}/{layout.DESCRIPTION}".encode()).responseCode, 404)

    def test_presentationPageEscapes(self) -> None:
        """
        Device text is HTML-escaped, and URLs that are not http(s) are not
        made into links.
        """
        root = jambon(
            friendlyName='<script>alert("x")</script> & co',
            manufacturerURL="javascript:alert(1)",
            presentationURL="javascript:alert(2)",
        )
        documents = buildDocuments(root)
        data = b"".join(render(makeRootResource([documents]), layout.presentationPath(root).encode()).written)
        self.assertNotIn(b"<script>", data)
        self.assertIn(b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co", data)
        page = parseHTML(data)
        self.assertNotIn("script", page.tags)
        self.assertFalse([link for link in page.links if "javascript" in link])

    def test_indexLinksEveryRootDevice(self) -> None:
        """
        C{/} is an HTML page linking each root device's presentation page
        and description.
        """
        documents = [buildDocuments(jambon()), buildDocuments(other())]
        request = render(makeRootResource(documents), b"/")
        self.assertEqual(header(request, b"content-type"), HTML_CONTENT_TYPE)
        page = parseHTML(b"".join(request.written))
        for each in documents:
            self.assertIn(layout.presentationPath(each.root), page.links)
            self.assertIn(layout.descriptionPath(each.root), page.links)
        self.assertIn("Saucisson", "".join(page.text))

    def test_siteHidesTracebacks(self) -> None:
        """
        The site never shows tracebacks.
        """
        self.assertFalse(makeSite([self.documents]).displayTracebacks)

    def test_presentationPageShowsTheCountersAsTheyAreNow(self) -> None:
        """
        With a L{Stats}, each presentation page ends with the counters as
        they are at the time of the request, escaped; C{HEAD} gives the
        same length.
        """
        stats = Stats()
        root = makeRootResource([self.documents], stats)
        path = layout.presentationPath(self.documents.root).encode()
        page = parseHTML(b"".join(render(root, path).written))
        self.assertIn("Nothing counted yet.", "".join(page.text))
        stats.count("datagrams.received", 12)
        stats.count("dropped.<script>")
        request = render(root, path)
        data = b"".join(request.written)
        text = "".join(parseHTML(data).text)
        self.assertIn("datagrams.received12", text)
        self.assertIn("dropped.<script>1", text)
        self.assertNotIn(b"<script>", data)
        self.assertEqual(header(request, b"content-length"), b"%d" % len(data))
        self.assertEqual(header(render(root, path, b"HEAD"), b"content-length"), b"%d" % len(data))
        stats.count("datagrams.received")
        self.assertIn(b"<td>13</td>", b"".join(render(root, path).written))

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


class _TrackingFactory(WrappingFactory):
    """
    Keep track of server-side connections so a test can close them all and
    leave a clean reactor.
    """

    def __init__(self, wrappedFactory: Site) -> None:
        super().__init__(wrappedFactory)
        self._waiting: list[Deferred[None]] = []

    def unregisterProtocol(self, p: Any) -> None:
        super().unregisterProtocol(p)
        if not self.protocols:
            waiting, self._waiting = self._waiting, []
            for d in waiting:
                d.callback(None)

    def closeAll(self) -> Deferred[None]:
        """
        Close every open connection; fire when all are gone.
        """
        if not self.protocols:
            return succeed(None)
        d: Deferred[None] = Deferred()
        self._waiting.append(d)
        for protocol in list(self.protocols):
            protocol.transport.loseConnection()
        return d


class _RawClient(Protocol):
    """
    Send bytes as they are and collect the whole answer until the server
    closes.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.received: list[bytes] = []
        self.done: Deferred[bytes] = Deferred()

    def connectionMade(self) -> None:
        transport: Any = self.transport
        transport.write(self.data)

    def dataReceived(self, data: bytes) -> None:
        self.received.append(data)

    def connectionLost(self, reason: Failure = Failure(ConnectionError())) -> None:
        self.done.callback(b"".join(self.received))


class HTTPTests(TestCase):
    """
    Real HTTP over loopback: a site listening on 127.0.0.1 and an L{Agent}.
    """

    server = b"TestOS/1 UPnP/1.1 coherence-lite/test"

    def setUp(self) -> None:
        self.documents = [buildDocuments(lamp()), buildDocuments(other())]
        self.site = makeSite(self.documents, server=self.server.decode())
        self.factory = _TrackingFactory(self.site)
        self.port = reactor.listenTCP(0, self.factory, interface="127.0.0.1")
        self.addCleanup(self.port.stopListening)
        self.addCleanup(self.factory.closeAll)
        self.pool = HTTPConnectionPool(reactor)
        self.addCleanup(self.pool.closeCachedConnections)
        self.agent = Agent(reactor, pool=self.pool)
        self.base = f"http://127.0.0.1:{self.port.getHost().port}"

    @inlineCallbacks
    def fetch(self, path: str, method: bytes = b"GET") -> Any:
        """
        Request C{path} and return C{(response, body)}.
        """
        response: IResponse = yield self.agent.request(method, (self.base + path).encode("ascii"), Headers({}))
        body: bytes = yield readBody(response)
        return response, body

    def raw(self, data: bytes) -> Deferred[bytes]:
        """
        Send a raw request and return the raw response.
        """
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", self.port.getHost().port)
        client = _RawClient(data)
        return connectProtocol(endpoint, client).addCallback(lambda _: client.done)

    def one(self, response: IResponse, name: bytes) -> bytes:
        """
        The single value of a response header.
        """
        values = response.headers.getRawHeaders(name)
        self.assertIsNotNone(values, name)
        assert values is not None
        self.assertEqual(len(values), 1, values)
        value: bytes = values[0]
        return value

    @inlineCallbacks
    def test_descriptionOverHTTP(self) -> Any:
        """
        The description is served with status 200, the UPnP XML content
        type, an exact Content-Length, and parses as the device namespace.
        """
        documents = self.documents[0]
        response, body = yield self.fetch(layout.descriptionPath(documents.root))
        self.assertEqual(response.code, 200)
        self.assertEqual(self.one(response, b"content-type"), b'text/xml; charset="utf-8"')
        self.assertEqual(response.length, len(documents.description))
        self.assertEqual(body, documents.description)
        self.assertEqual(fromstring(body).tag, D + "root")
        self.assertEqual(self.one(response, b"server"), self.server)
        self.assertEqual(self.one(response, b"x-content-type-options"), b"nosniff")

    @inlineCallbacks
    def test_exactContentLengthNotChunked(self) -> Any:
        """
        On the wire, an HTTP/1.1 answer carries an exact Content-Length
        header, not chunked encoding, for documents and errors alike.
        """
        documents = self.documents[0]
        cases = [
            (layout.descriptionPath(documents.root).encode(), documents.description),
            (b"/no/such/thing", None),
        ]
        for target, expected in cases:
            answer = yield self.raw(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head, _, body = answer.partition(b"\r\n\r\n")
            lines = head.lower().split(b"\r\n")
            self.assertIn(b"content-length: %d" % len(body), lines)
            self.assertNotIn(b"transfer-encoding: chunked", lines)
            if expected is not None:
                self.assertEqual(body, expected)

    @inlineCallbacks
    def test_twoGetsReturnIdenticalBytes(self) -> Any:
        """
        Repeated requests get the same bytes, those of the prebuilt
        documents.
        """
        documents = self.documents[0]
        path = layout.descriptionPath(documents.root)
        _, first = yield self.fetch(path)
        _, second = yield self.fetch(path)
        self.assertEqual(first, second)
        self.assertEqual(first, documents.description)

    @inlineCallbacks
    def test_headReturnsHeadersOnly(self) -> Any:
        """
        C{HEAD} gets the status and headers of C{GET}, Content-Length
        included, and no body.
        """
        documents = self.documents[0]
        response, body = yield self.fetch(layout.descriptionPath(documents.root), b"HEAD")
        self.assertEqual(response.code, 200)
        self.assertEqual(body, b"")
        self.assertEqual(self.one(response, b"content-length"), b"%d" % len(documents.description))
        self.assertEqual(self.one(response, b"content-type"), XML_CONTENT_TYPE)
        response, body = yield self.fetch("/nothing-here", b"HEAD")
        self.assertEqual((response.code, body), (404, b""))

    @inlineCallbacks
    def test_otherMethodsAre405WithAllow(self) -> Any:
        """
        Methods other than GET and HEAD on a document get 405 with an
        C{Allow} header, including methods Twisted itself would call 501.
        """
        for documents in self.documents:
            for path in (layout.descriptionPath(documents.root), layout.presentationPath(documents.root), "/"):
                for method in (b"POST", b"PUT", b"DELETE", b"OPTIONS", b"SUBSCRIBE", b"NOTIFY"):
                    response, body = yield self.fetch(path, method)
                    self.assertEqual(response.code, 405, (path, method))
                    self.assertEqual(self.one(response, b"allow"), b"GET, HEAD")
                    self.assertEqual(response.length, len(body))

    @inlineCallbacks
    def test_unknownPathsAre404(self) -> Any:
        """
        Everything the layout does not name is 404, including the control
        and event endpoints that do not exist yet, and the description of
        an embedded device.
        """
        root = self.documents[0].root
        uuid = root.uuid
        light = root.devices[0]
        service = root.services[0]
        for path in (
            "/nothing",
            "/favicon.ico",
            "//",
            f"/{uuid}",
            f"/{uuid}//",
            f"/{uuid}/description.xml/",
            f"/{uuid}/description.xml/x",
            f"/{uuid}/DESCRIPTION.XML",
            f"/{uuid}/icons",
            f"/{uuid}/icons/",
            f"/{uuid}/icons/{root.icons[0].name}/x",
            f"/{uuid}/{service.shortId}",
            f"/{uuid}/{service.shortId}/",
            f"/{uuid}/{service.shortId}/scpd.xml/x",
            layout.servicePath(root, service, layout.CONTROL),
            layout.servicePath(root, service, layout.EVENT),
            f"/{light.uuid}/{layout.DESCRIPTION}",
            f"/{OTHER_UDN[5:].upper()}/description.xml",
        ):
            for method in (b"GET", b"POST", b"SUBSCRIBE"):
                response, _ = yield self.fetch(path, method)
                self.assertEqual(response.code, 404, (path, method))
                self.assertEqual(self.one(response, b"server"), self.server)

    @inlineCallbacks
    def test_traversalIs404(self) -> Any:
        """
        Dot segments and percent-encoded separators, sent byte for byte,
        reach nothing.
        """
        uuid = self.documents[0].root.uuid.encode()
        for target in (
            b"/" + uuid + b"/../../etc/passwd",
            b"/../etc/passwd",
            b"/" + uuid + b"/%2e%2e/%2e%2e/etc/passwd",
            b"/" + uuid + b"/..%2f..%2fetc%2fpasswd",
            b"/" + uuid + b"/description.xml%2fx",
            b"/" + uuid + b"%2fdescription.xml",
            b"/%2e%2e/" + uuid + b"/description.xml",
            b"/" + uuid + b"/icons/..%2f" + b"description.xml",
        ):
            answer = yield self.raw(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            self.assertTrue(answer.startswith(b"HTTP/1.1 404 "), (target, answer[:60]))
            self.assertNotIn(b"root:", answer)

    @inlineCallbacks
    def test_relativeURLsResolveToServedResources(self) -> Any:
        """
        Every URL in every served description, resolved against the
        description's URL, is fetchable, with the right content type.
        """
        for documents in self.documents:
            location = self.base + layout.descriptionPath(documents.root)
            _, body = yield self.fetch(layout.descriptionPath(documents.root))
            document = fromstring(body)
            self.assertIsNone(document.find(f".//{D}URLBase"))
            expected = {
                D + "SCPDURL": XML_CONTENT_TYPE,
                D + "url": b"image/png",
                D + "presentationURL": HTML_CONTENT_TYPE,
            }
            seen = 0
            for element in document.iter():
                if element.tag in expected:
                    url = urljoin(location, element.text or "")
                    self.assertTrue(url.startswith(self.base + "/"), url)
                    response, data = yield self.fetch(url[len(self.base):])
                    self.assertEqual(response.code, 200, url)
                    self.assertEqual(self.one(response, b"content-type"), expected[element.tag])
                    self.assertEqual(response.length, len(data))
                    if element.tag == D + "SCPDURL":
                        self.assertEqual(fromstring(data).attrib["configId"], str(documents.configId))
                    seen += 1
            devices = list(documents.root.allDevices())
            self.assertEqual(seen, sum(len(d.services) + len(d.icons) + 1 for d in devices))

    @inlineCallbacks
    def test_iconIsTheRealPNG(self) -> Any:
        """
        The icon's bytes come back unchanged, as a PNG.
        """
        root = self.documents[0].root
        response, body = yield self.fetch(layout.iconPath(root, root.icons[0]))
        self.assertEqual(response.code, 200)
        self.assertEqual(body, root.icons[0].data)
        self.assertTrue(body.startswith(b"\x89PNG\r\n\x1a\n"))

    @inlineCallbacks
    def test_indexPage(self) -> Any:
        """
        C{/} answers an HTML index with a link to each root device.
        """
        response, body = yield self.fetch("/")
        self.assertEqual(response.code, 200)
        self.assertEqual(self.one(response, b"content-type"), HTML_CONTENT_TYPE)
        page = parseHTML(body)
        self.assertEqual(
            [link for link in page.links if link.endswith("/")],
            [layout.presentationPath(documents.root) for documents in self.documents],
        )

    @inlineCallbacks
    def test_newConfigurationSwapsTheTree(self) -> Any:
        """
        A changed device is served by swapping in a new tree: the next
        request sees the new documents and configId.
        """
        changed = buildDocuments(replace(lamp(), friendlyName="Jambon 3001"))
        self.assertNotEqual(changed.configId, self.documents[0].configId)
        self.site.resource = makeRootResource([changed, self.documents[1]])
        _, body = yield self.fetch(layout.descriptionPath(changed.root))
        self.assertEqual(body, changed.description)
        self.assertEqual(fromstring(body).attrib["configId"], str(changed.configId))


class DefaultServerTests(TestCase):
    """
    L{makeSite} without an explicit server string.
    """

    @inlineCallbacks
    def test_defaultServerHeader(self) -> Any:
        """
        Without a server string, responses carry L{defaultServerHeader}.
        """
        documents: list[Documents] = [buildDocuments(jambon(icons=(Icon("image/png", 1, 1, 24, png()),)))]
        factory = _TrackingFactory(makeSite(documents))
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        self.addCleanup(factory.closeAll)
        pool = HTTPConnectionPool(reactor)
        self.addCleanup(pool.closeCachedConnections)
        agent = Agent(reactor, pool=pool)
        url = f"http://127.0.0.1:{port.getHost().port}{layout.descriptionPath(documents[0].root)}"
        response = yield agent.request(b"GET", url.encode("ascii"))
        yield readBody(response)
        self.assertEqual(response.headers.getRawHeaders(b"server"), [defaultServerHeader()])
