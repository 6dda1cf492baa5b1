# -*- test-case-name: tests.control.test_http -*-
"""
SOAP control over real HTTP on loopback: the daemon's site answers at each
controlURL with the headers UDA asks for, and the HTTP layer's limits and
refusals apply there too.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, FileBodyProducer, readBody
from twisted.web.http_headers import Headers

from coherence_lite.control.message import formatFault
from coherence_lite.errors import UPnPError
from coherence_lite.model.devicefile import loadDevice

from tests.support.control import callAction, controlURL, envelope
from tests.support.devicefile import EXAMPLES
from tests.support import startLoopbackService


class ControlOverHTTPTests(TestCase):
    """
    The zero-code light hosted on 127.0.0.1, called with twisted.web's Agent.
    """

    timeout = 60

    def setUp(self) -> None:
        """
        Host the light and aim an Agent at its SwitchPower controlURL.
        """
        read = loadDevice(EXAMPLES / "binary-light.toml", hostname="tests")
        self.device = read.device
        self.service = self.device.services[0]
        self.host = startLoopbackService(self, [read])
        self.agent = Agent(reactor)
        self.url = controlURL(self.host.web.port, self.device, self.service)

    @inlineCallbacks
    def test_headersOfAnAnswer(self) -> Any:
        """
        An answer carries the XML content type, EXT, SERVER (the SSDP one)
        and an exact Content-Length.
        """
        headers = Headers({
            b"Content-Type": [b'text/xml; charset="utf-8"'],
            b"SOAPACTION": [f'"{self.service.serviceType}#GetStatus"'.encode()],
        })
        body = FileBodyProducer(BytesIO(envelope(self.service.serviceType, "GetStatus")))
        response = yield self.agent.request(b"POST", self.url, headers, body)
        data = yield readBody(response)
        self.assertEqual(response.code, 200)
        self.assertEqual(response.headers.getRawHeaders(b"content-type"), [b'text/xml; charset="utf-8"'])
        self.assertEqual(response.headers.getRawHeaders(b"ext"), [b""])
        self.assertEqual(response.headers.getRawHeaders(b"server"), [self.host.catalogue.server.encode("ascii")])
        self.assertEqual(response.length, len(data))

    @inlineCallbacks
    def test_faultOverHTTP(self) -> Any:
        """
        A bad argument value is HTTP 500 with exactly the UPnPError body.
        """
        code, _, body = yield callAction(
            self.agent, self.url, self.service.serviceType, "SetTarget", {"newTargetValue": "maybe"}
        )
        self.assertEqual((code, body), (500, formatFault(UPnPError(402))))
        self.assertEqual(self.host.stats["control.faults"], 1)

    @inlineCallbacks
    def test_mPost(self) -> Any:
        """
        A UDA 1.0 M-POST goes through the site to the control resource.
        """
        headers = Headers({
            b"Content-Type": [b"text/xml"],
            b"MAN": [b'"http://schemas.xmlsoap.org/soap/envelope/"; ns=01'],
            b"01-SOAPACTION": [f'"{self.service.serviceType}#GetTarget"'.encode()],
        })
        body = FileBodyProducer(BytesIO(envelope(self.service.serviceType, "GetTarget")))
        response = yield self.agent.request(b"M-POST", self.url, headers, body)
        data = yield readBody(response)
        self.assertEqual(response.code, 200)
        self.assertIn(b"<RetTargetValue>0</RetTargetValue>", data)

    @inlineCallbacks
    def test_getIs405(self) -> Any:
        """
        GET on the controlURL is 405 with an Allow header.
        """
        response = yield self.agent.request(b"GET", self.url)
        yield readBody(response)
        self.assertEqual(response.code, 405)
        self.assertEqual(response.headers.getRawHeaders(b"allow"), [b"POST, M-POST"])

    @inlineCallbacks
    def test_oversizedBodyIs413(self) -> Any:
        """
        A body over the HTTP layer's limit is refused with 413 before the
        resource sees it.
        """
        padding = "x" * (self.host.settings.httpLimits.maxBodySize + 1)
        code, _, _ = yield callAction(
            self.agent, self.url, self.service.serviceType, "SetTarget", {"newTargetValue": padding}
        )
        self.assertEqual(code, 413)
        self.assertEqual(self.host.stats["control.calls"], 0)
