# -*- test-case-name: tests.http.test_body -*-
"""
Reading XML request bodies (SOAP control requests, GENA event messages)
from a hostile network: a bounded number of bytes, parsed with defusedxml so
that no DTD, entity declaration or external reference is processed.

The channel of L{coherence_lite.http.limits} already refuses bodies above
its C{maxBodySize}; L{parseXMLBody} takes its own, usually smaller, limit
for the endpoint at hand.  Errors are L{BodyError} values carrying the HTTP
status to answer with.
"""

from __future__ import annotations

from typing import IO, Protocol
from xml.etree.ElementTree import Element

from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = ["MAX_XML_BODY", "BodyError", "readBody", "parseXMLBody"]

#: The default largest body L{readBody} and L{parseXMLBody} accept, in bytes.
MAX_XML_BODY = 65536


class _HasContent(Protocol):
    content: IO[bytes] | None


class BodyError(Exception):
    """
    A request body that cannot be used.

    @ivar code: the HTTP status to answer: 413 for too large, 400 for
        malformed or forbidden XML.
    @ivar reason: why, for a log line (never sent to the client).
    """

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


def readBody(request: _HasContent, maxSize: int = MAX_XML_BODY) -> bytes:
    """
    The body of C{request}, reading at most C{maxSize} + 1 bytes of it.

    @param request: a request whose C{content} holds the body (a
        L{twisted.web.server.Request}).
    @raise BodyError: (413) the body is larger than C{maxSize}.
    """
    content = request.content
    if content is None:
        return b""
    content.seek(0)
    data = content.read(maxSize + 1)
    if len(data) > maxSize:
        raise BodyError(413, f"body larger than {maxSize} bytes")
    return data


def parseXMLBody(request: _HasContent, maxSize: int = MAX_XML_BODY) -> Element:
    """
    Parse the body of C{request} as an XML document, safely.

    @param maxSize: the largest body accepted, in bytes.
    @return: the root element.
    @raise BodyError: (413) the body is too large; (400) it is empty, not
        well-formed XML, or uses a DTD, an entity or an external reference.
    """
    parsed = parseXML(readBody(request, maxSize), maxSize)
    if isinstance(parsed, XMLError):
        raise BodyError(400, parsed.reason)
    return parsed
