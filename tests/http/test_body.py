# -*- test-case-name: tests.http.test_body -*-
"""
Tests for L{coherence_lite.http.body}: bounded reads and safe XML parsing of
request bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.http.body import MAX_XML_BODY, BodyError, parseXMLBody, readBody

SOAP = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    b's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
    b'<s:Body><u:SetTarget xmlns:u="urn:schemas-upnp-org:service:SwitchPower:1">'
    b"<newTargetValue>1</newTargetValue></u:SetTarget></s:Body></s:Envelope>"
)


class _Content(BytesIO):
    """
    A body that records how much of it was read.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.readSizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        self.readSizes.append(-1 if size is None else size)
        return super().read(size)


@dataclass
class _Request:
    """
    What the helpers use of a request: its body.
    """

    content: _Content | None


def request(body: bytes | None) -> _Request:
    """
    A request carrying C{body} (read already to its end, as twisted.web
    leaves it after parsing a form).
    """
    content = None if body is None else _Content(body)
    if content is not None:
        content.seek(0, 2)
    return _Request(content)


class ReadBodyTests(SynchronousTestCase):
    """
    L{readBody}: bounded reads.
    """

    def test_readsFromTheStart(self) -> None:
        """
        The body is read from its first byte, wherever the content file was left.
        """
        self.assertEqual(readBody(request(b"hello")), b"hello")

    def test_noContentIsEmpty(self) -> None:
        """
        A request without content has an empty body.
        """
        self.assertEqual(readBody(request(None)), b"")

    def test_tooLargeIs413AndReadIsBounded(self) -> None:
        """
        A body above the limit is a 413 error, found by reading one byte more than the limit and no
        more.
        """
        r = request(b"x" * 1000)
        error = self.assertRaises(BodyError, readBody, r, 100)
        self.assertEqual(error.code, 413)
        assert r.content is not None
        self.assertEqual(r.content.readSizes, [101])

    def test_exactlyTheLimitIsAccepted(self) -> None:
        """
        A body of exactly the limit is read whole.
        """
        self.assertEqual(len(readBody(request(b"x" * MAX_XML_BODY))), MAX_XML_BODY)


class ParseXMLBodyTests(SynchronousTestCase):
    """
    L{parseXMLBody}: safe parsing of bounded bodies.
    """

    def test_soapEnvelope(self) -> None:
        """
        A SOAP envelope parses into its root element, namespaces kept.
        """
        root = parseXMLBody(request(SOAP))
        self.assertEqual(root.tag, "{http://schemas.xmlsoap.org/soap/envelope/}Envelope")
        self.assertEqual(root.find(".//newTargetValue").text, "1")  # type: ignore[union-attr]

    def assertRefused(self, body: bytes, code: int = 400, maxSize: int = MAX_XML_BODY) -> BodyError:
        error = self.assertRaises(BodyError, parseXMLBody, request(body), maxSize)
        self.assertEqual(error.code, code)
        return error

    def test_billionLaughsIsRefused(self) -> None:
        """
        Nested entity declarations (billion laughs) are refused as forbidden, with 400.
        """
        body = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
        )
        self.assertIn("forbidden", self.assertRefused(body).reason)

    def test_externalEntityIsRefused(self) -> None:
        """
        An external entity reading a local file is refused as forbidden, with 400.
        """
        body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
        self.assertIn("forbidden", self.assertRefused(body).reason)

    def test_anyDTDIsRefused(self) -> None:
        """
        Any document type declaration, external or empty, is refused with 400.
        """
        self.assertRefused(b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>')
        self.assertRefused(b"<!DOCTYPE x><x/>")

    def test_malformedAndEmpty(self) -> None:
        """
        Empty, blank, truncated, mismatched and undecodable bodies are refused with 400.
        """
        for body in (b"", b"  \r\n", b"<a>", b"not xml", b"<a></b>", b"\xff\xfe<a/>"):
            self.assertRefused(body)

    def test_tooLargeIs413(self) -> None:
        """
        A body one byte above the limit is a 413 error; at the limit it parses.
        """
        self.assertRefused(SOAP, 413, maxSize=len(SOAP) - 1)
        self.assertEqual(parseXMLBody(request(SOAP), len(SOAP)).tag.rsplit("}", 1)[1], "Envelope")

    def test_errorSaysCodeAndReason(self) -> None:
        """
        A body error reads as its status and reason.
        """
        self.assertEqual(str(BodyError(413, "too big")), "413: too big")
