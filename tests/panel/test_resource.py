# -*- test-case-name: tests.panel.test_resource -*-
"""
Tests for L{coherence_lite.panel.resource}: a presentation page's values, its
action forms posted (through the control endpoint's decoding and the
service's runtime), the same-origin rule and the refusals, rendered with
L{DummyRequest}.
"""

from __future__ import annotations

import json
from io import BytesIO
from urllib.parse import urlencode

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import getChildForRequest
from twisted.web.server import NOT_DONE_YET
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.errors import UPnPError
from coherence_lite.panel.resource import MAX_FORM_BODY, fromLoopback
from coherence_lite.host.site import HostResource, makeRootResource
from coherence_lite.model import layout
from coherence_lite.model.description import buildDocuments
from coherence_lite.model.device import Device
from coherence_lite.stats import Stats

from tests.support.description import jambon, jambonService
from tests.host.test_site import header, parseHTML

HOST = b"192.168.1.20:8080"
ORIGIN = b"http://" + HOST
LAN_CLIENT = IPv4Address("TCP", "192.168.1.30", 50000)


def post(
    root: HostResource,
    path: str,
    fields: dict[str, str] | list[tuple[str, str]],
    headers: dict[bytes, bytes] | None = None,
    body: bytes | None = None,
) -> DummyRequest:
    """
    Post a form to C{path} from a page of the same origin (unless
    C{headers} say otherwise) and render the answer synchronously.
    """
    request = DummyRequest(path[1:].encode().split(b"/"))
    request.method = b"POST"
    request.client = LAN_CLIENT
    sent = {b"host": HOST, b"origin": ORIGIN, b"content-type": b"application/x-www-form-urlencoded"}
    sent.update(headers or {})
    for name, value in sent.items():
        if value:
            request.requestHeaders.setRawHeaders(name, [value])
    request.content = BytesIO(urlencode(fields).encode() if body is None else body)
    result = getChildForRequest(root, request).render(request)
    if result is not NOT_DONE_YET:
        request.write(result)
        request.finish()
    return request


def get(root: HostResource, path: str, client: object = LAN_CLIENT) -> DummyRequest:
    """
    Ask for a page from C{client} and render it synchronously.
    """
    request = DummyRequest(path[1:].encode().split(b"/"))
    request.client = client
    result = getChildForRequest(root, request).render(request)
    assert result is not NOT_DONE_YET
    request.write(result)
    request.finish()
    return request


class PanelTests(SynchronousTestCase):
    """
    The presentation page of a Jambon whose SetThickness is handled in
    Python.
    """

    def setUp(self) -> None:
        self.service = jambonService()
        self.calls: list[int] = []
        self.pending: Deferred[dict[str, object]] | None = None

        def setThickness(NewThickness: int) -> object:
            self.calls.append(NewThickness)
            if NewThickness == 13:
                raise UPnPError(714, "Unlucky <thickness>")
            if NewThickness == 7:
                raise RuntimeError("a bug with a secret in its message")
            if NewThickness == 9:
                self.pending = Deferred()
                return self.pending
            self.runtime.state.set("Thickness", NewThickness)
            return {"Result": "Slicing & packing"}

        self.runtime = ServiceRuntime(self.service, handlers={"SetThickness": setThickness})
        self.device = jambon(services=(self.service,))
        self.documents = buildDocuments(self.device)
        self.stats = Stats()
        self.root = makeRootResource([self.documents], self.stats, {(self.device.UDN, self.service.shortId): self.runtime})
        self.path = layout.presentationPath(self.device)

    def form(self, thickness: str) -> dict[str, str]:
        """
        The fields the SetThickness form sends.
        """
        return {"upnp-service": "Jambon", "upnp-action": "SetThickness", "in.NewThickness": thickness}

    def test_pageShowsTheValuesOfTheMoment(self) -> None:
        """
        The page shows each variable's current value, and each input starts
        at its related variable's value.
        """
        self.runtime.state.set("Thickness", 12)
        data = b"".join(get(self.root, self.path).written)
        self.assertIn(b'<span class="value" id="v-0-0">12</span>', data)
        self.assertIn(b'name="in.NewThickness" step="1" min="1" max="20" value="12"', data)

    def test_postInvokesTheActionAndShowsTheResult(self) -> None:
        """
        A form post calls the handler with the decoded value and answers
        200 with the page, showing the new value and the out-arguments by
        the form.
        """
        request = post(self.root, self.path, self.form("5"))
        self.assertEqual(request.responseCode or 200, 200)
        self.assertEqual(self.calls, [5])
        data = b"".join(request.written)
        parseHTML(data)
        self.assertIn(b'id="v-0-0">5</span>', data)
        self.assertIn(b"<dt>Result</dt><dd>Slicing &amp; packing</dd>", data)
        self.assertEqual(self.stats["pages.actions"], 1)

    def test_scriptGetsTheOutcomeAsJSON(self) -> None:
        """
        A post asking for JSON gets the outcome's escaped fragment alone.
        """
        request = post(self.root, self.path, self.form("5"), {b"accept": b"application/json"})
        self.assertEqual(header(request, b"content-type"), b"application/json")
        answer = json.loads(b"".join(request.written))
        self.assertEqual(answer["ok"], True)
        self.assertIn("<dd>Slicing &amp; packing</dd>", answer["html"])

    def test_invalidArgumentsAreTheControlEndpointsFaults(self) -> None:
        """
        Values are checked as SOAP's are: out of the allowed range is 601,
        not a number 402; the handler is not called.
        """
        outOfRange = json.loads(b"".join(post(self.root, self.path, self.form("99"), {b"accept": b"application/json"}).written))
        notANumber = json.loads(b"".join(post(self.root, self.path, self.form("<b>"), {b"accept": b"application/json"}).written))
        self.assertEqual(outOfRange["ok"], False)
        self.assertIn("UPnP error 601", outOfRange["html"])
        self.assertIn("UPnP error 402", notANumber["html"])
        self.assertEqual(self.calls, [])

    def test_handlerErrorsAreShownEscapedWithoutInternals(self) -> None:
        """
        A handler's own UPnPError is shown with its description, escaped; a
        bug is UPnP error 501, logged, and nothing of it reaches the page.
        """
        data = b"".join(post(self.root, self.path, self.form("13")).written)
        self.assertIn(b"UPnP error 714: Unlucky &lt;thickness&gt;", data)
        data = b"".join(post(self.root, self.path, self.form("7")).written)
        self.assertIn(b"UPnP error 501: Action Failed", data)
        self.assertNotIn(b"secret", data)
        self.assertNotIn(b"Traceback", data)
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)

    def test_laterAnswerIsWrittenWhenTheHandlerFires(self) -> None:
        """
        A handler answering later gets the page written when it fires.
        """
        request = post(self.root, self.path, self.form("9"), {b"accept": b"application/json"})
        self.assertEqual(request.written, [])
        assert self.pending is not None
        self.pending.callback({"Result": "Idle"})
        self.assertIn("<dd>Idle</dd>", json.loads(b"".join(request.written))["html"])
        self.assertEqual(request.finished, 1)

    def test_crossOriginPostsAreRefused(self) -> None:
        """
        A post whose Origin is another site, or without Origin and Referer,
        or with a Referer of another site, is 403 and invokes nothing.
        """
        for headers in (
            {b"origin": b"http://evil.example"},
            {b"origin": b"http://192.168.1.20:8081"},
            {b"origin": b""},
            {b"origin": b"", b"referer": b"http://evil.example/" + HOST},
            {b"origin": b"", b"referer": ORIGIN + b".evil.example/"},
            {b"host": b""},
        ):
            request = post(self.root, self.path, self.form("5"), headers)
            self.assertEqual(request.responseCode, 403, headers)
            self.assertNotIn(b"form", b"".join(request.written))
        self.assertEqual(self.calls, [])
        self.assertEqual(self.stats["pages.refused.cross-origin"], 6)
        sameReferer = post(self.root, self.path, self.form("5"), {b"origin": b"", b"referer": ORIGIN + self.path.encode()})
        self.assertEqual(sameReferer.responseCode or 200, 200)
        self.assertEqual(self.calls, [5])

    def test_malformedPostsAreRefused(self) -> None:
        """
        Not a form (415), over the size limit (413), an unknown service or
        action, or undecodable bytes (400), another method (405): each is
        the fixed error page, counted, and invokes nothing.
        """
        cases = [
            (415, {b"content-type": b"text/xml"}, self.form("5"), None),
            (413, {}, self.form("5"), b"a=" + b"x" * MAX_FORM_BODY),
            (400, {}, {"upnp-service": "Nope", "upnp-action": "SetThickness"}, None),
            (400, {}, {"upnp-service": "Jambon", "upnp-action": "Explode"}, None),
            (400, {}, {}, b"\xff\xfe=\x00"),
            (400, {}, {}, b"&".join([b"a=1"] * 300)),
        ]
        for code, headers, fields, body in cases:
            request = post(self.root, self.path, fields, headers, body)
            self.assertEqual(request.responseCode, code, (code, fields, body and body[:20]))
            self.assertIn(b"<!DOCTYPE html>", b"".join(request.written))
        request = DummyRequest(self.path[1:].encode().split(b"/"))
        request.method = b"PUT"
        getChildForRequest(self.root, request).render(request)
        self.assertEqual(request.responseCode, 405)
        self.assertEqual(header(request, b"allow"), b"GET, HEAD, POST")
        self.assertEqual(self.calls, [])
        self.assertEqual(self.stats["pages.rejected.bad-request"], 7)

    def test_missingArgumentIsInvalidArgs(self) -> None:
        """
        A form without its argument is UPnP error 402, as a SOAP call
        without it would be.
        """
        data = b"".join(post(self.root, self.path, {"upnp-service": "Jambon", "upnp-action": "SetThickness"}).written)
        self.assertIn(b"UPnP error 402", data)

    def test_countersOnlyForLoopbackClients(self) -> None:
        """
        The host's counters are on the page for a client on loopback
        (IPv4, IPv6 or IPv4-mapped), never for one on the LAN.
        """
        self.stats.count("datagrams.received", 4242)
        self.assertNotIn(b"4242", b"".join(get(self.root, self.path).written))
        for client in (
            IPv4Address("TCP", "127.0.0.1", 1),
            IPv6Address("TCP", "::1", 1),
            IPv6Address("TCP", "::ffff:127.0.0.1", 1),
        ):
            self.assertIn(b"<td>4242</td>", b"".join(get(self.root, self.path, client).written))

    def test_fromLoopback(self) -> None:
        """
        Only loopback addresses count as this machine; an address that is
        not an IP address does not.
        """
        def request(client: object) -> DummyRequest:
            made = DummyRequest([b""])
            made.client = client
            return made

        self.assertTrue(fromLoopback(request(IPv4Address("TCP", "127.8.9.1", 1))))
        self.assertFalse(fromLoopback(request(IPv4Address("TCP", "10.0.0.1", 1))))
        self.assertFalse(fromLoopback(request(IPv6Address("TCP", "fe80::1%eth0", 1))))
        self.assertFalse(fromLoopback(request(None)))

    def test_pageHeadersLockItDown(self) -> None:
        """
        The page forbids framing and every script, style and connection
        but its own.
        """
        request = get(self.root, self.path)
        policy = header(request, b"content-security-policy") or b""
        self.assertIn(b"default-src 'none'", policy)
        self.assertIn(b"script-src 'sha256-", policy)
        self.assertIn(b"frame-ancestors 'none'", policy)
        self.assertEqual(header(request, b"x-frame-options"), b"DENY")
        self.assertEqual(header(request, b"cache-control"), b"no-store")

    def test_deviceWithoutServicesHasAPage(self) -> None:
        """
        A device without services still has a balanced page.
        """
        bare = Device("urn:schemas-upnp-org:device:Basic:1", "Bare", "M", "N", "uuid:00000000-0000-4000-8000-000000000001")
        root = makeRootResource([buildDocuments(bare)])
        parseHTML(b"".join(get(root, layout.presentationPath(bare)).written))
