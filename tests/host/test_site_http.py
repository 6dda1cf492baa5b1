# -*- test-case-name: tests.host.test_site_http -*-
"""
Tests for L{coherence_lite.host.site} over real HTTP: a site listening on
127.0.0.1, asked by an L{Agent} or by raw bytes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from defusedxml.ElementTree import fromstring

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import Deferred, inlineCallbacks, succeed
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.protocol import Protocol
from twisted.protocols.policies import WrappingFactory
from twisted.python.failure import Failure
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, HTTPConnectionPool, readBody
from twisted.web.http_headers import Headers
from twisted.web.iweb import IResponse
from twisted.web.server import Site

from coherence_lite.host.site import defaultServerHeader, makeRootResource, makeSite
from coherence_lite.http.resources import HTML_CONTENT_TYPE, XML_CONTENT_TYPE
from coherence_lite.model import layout
from coherence_lite.model.description import Documents, buildDocuments
from coherence_lite.model.device import Icon

from tests.support.description import D, jambon, lamp, png
from tests.host.test_site import OTHER_UDN, other, parseHTML

reactor: Any = _globalReactor


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
        C{Allow} header, including methods Twisted itself would call 501;
        a presentation page also takes POST (its action forms).
        """
        for documents in self.documents:
            for path in (layout.descriptionPath(documents.root), layout.presentationPath(documents.root), "/"):
                page = path == layout.presentationPath(documents.root)
                for method in (b"POST", b"PUT", b"DELETE", b"OPTIONS", b"SUBSCRIBE", b"NOTIFY"):
                    if page and method == b"POST":
                        continue
                    response, body = yield self.fetch(path, method)
                    self.assertEqual(response.code, 405, (path, method))
                    self.assertEqual(self.one(response, b"allow"), b"GET, HEAD, POST" if page else b"GET, HEAD")
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
            layout.servicePath(root, service, layout.CONTROL) + "/x",
            layout.servicePath(root, service, layout.SUBSCRIBE),
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
        C{/} answers an HTML index with a link to every hosted device,
        embedded ones after their parent.
        """
        response, body = yield self.fetch("/")
        self.assertEqual(response.code, 200)
        self.assertEqual(self.one(response, b"content-type"), HTML_CONTENT_TYPE)
        page = parseHTML(body)
        self.assertEqual(
            [link for link in page.links if link.endswith("/")],
            [layout.presentationPath(device) for documents in self.documents for device in documents.root.allDevices()],
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
