# -*- test-case-name: tests.http.test_resources -*-
"""
Tests for L{coherence_lite.http.resources}: the error page and the generic
resources, rendered with L{DummyRequest}.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import Resource, getChildForRequest
from twisted.web.test.requesthelper import DummyRequest

from coherence_lite.http.resources import (
    ALLOWED_METHODS,
    HTML_CONTENT_TYPE,
    NOSNIFF,
    XML_CONTENT_TYPE,
    DirectoryResource,
    NotFoundResource,
    StaticResource,
    errorPage,
    reasonPhrase,
)


def render(root: Resource, path: bytes, method: bytes = b"GET") -> DummyRequest:
    """
    Dispatch a request for C{path} through C{root} and render it.
    """
    request = DummyRequest(path[1:].split(b"/"))
    request.method = method
    body = getChildForRequest(root, request).render(request)
    assert isinstance(body, bytes)
    request.write(body)
    request.finish()
    return request


def header(request: DummyRequest, name: bytes) -> bytes | None:
    """
    The one value of a response header, or L{None}.
    """
    values = request.responseHeaders.getRawHeaders(name)
    if values is None:
        return None
    assert len(values) == 1, values
    value: bytes = values[0]
    return value


class ErrorPageTests(SynchronousTestCase):
    """
    L{errorPage} and L{reasonPhrase}.
    """

    def test_pagesAreTheBytesSentSinceTheFirstVersion(self) -> None:
        """
        The 404, 405 and refusal pages are byte for byte the pages the
        device host has always sent.
        """
        self.assertEqual(
            errorPage(404, "No such resource."),
            b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            b"<title>404 Not Found</title></head>"
            b"<body><h1>Not Found</h1><p>No such resource.</p></body></html>\n",
        )
        self.assertEqual(
            errorPage(405, "Only GET and HEAD are allowed here."),
            b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            b"<title>405 Method Not Allowed</title></head>"
            b"<body><h1>Method Not Allowed</h1><p>Only GET and HEAD are allowed here.</p></body></html>\n",
        )
        self.assertEqual(
            errorPage(414),
            b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            b"<title>414 URI Too Long</title></head><body><h1>URI Too Long</h1></body></html>\n",
        )

    def test_explanationIsEscaped(self) -> None:
        """
        The explanation sentence cannot inject markup.
        """
        self.assertIn(b"<p>a &lt;b&gt; &amp; c</p>", errorPage(400, "a <b> & c"))

    def test_reasonPhrases(self) -> None:
        """
        RFC 9110's phrases replace Twisted's older ones; unknown codes say
        C{Error}.
        """
        self.assertEqual(reasonPhrase(413), b"Content Too Large")
        self.assertEqual(reasonPhrase(404), b"Not Found")
        self.assertEqual(reasonPhrase(799), b"Error")

    def test_headerConstants(self) -> None:
        """
        The content types and the nosniff header have the values UDA and
        browsers expect.
        """
        self.assertEqual(XML_CONTENT_TYPE, b'text/xml; charset="utf-8"')
        self.assertEqual(HTML_CONTENT_TYPE, b"text/html; charset=utf-8")
        self.assertEqual(NOSNIFF, (b"X-Content-Type-Options", b"nosniff"))
        self.assertEqual(ALLOWED_METHODS, b"GET, HEAD")


class ResourceTests(SynchronousTestCase):
    """
    L{StaticResource}, L{DirectoryResource} and L{NotFoundResource} in a
    small tree.
    """

    def setUp(self) -> None:
        self.root = DirectoryResource()
        self.static = StaticResource(b"<x/>", XML_CONTENT_TYPE)
        self.root.putChild(b"doc.xml", self.static)

    def test_getServesTheBytesWithTypeAndLength(self) -> None:
        """
        C{GET} answers 200 with the body, its type and its exact length.
        """
        request = render(self.root, b"/doc.xml")
        self.assertEqual(b"".join(request.written), b"<x/>")
        self.assertEqual(header(request, b"content-type"), XML_CONTENT_TYPE)
        self.assertEqual(header(request, b"content-length"), b"4")

    def test_headSendsTheHeadersOnly(self) -> None:
        """
        C{HEAD} answers the C{GET} headers without a body.
        """
        request = render(self.root, b"/doc.xml", b"HEAD")
        self.assertEqual(request.written, [b""])
        self.assertEqual(header(request, b"content-length"), b"4")

    def test_otherMethodsAre405WithAllow(self) -> None:
        """
        Any other method gets 405, the fixed page and an C{Allow} header.
        """
        request = render(self.root, b"/doc.xml", b"POST")
        self.assertEqual(request.responseCode, 405)
        self.assertEqual(header(request, b"allow"), ALLOWED_METHODS)
        self.assertEqual(b"".join(request.written), errorPage(405, "Only GET and HEAD are allowed here."))

    def test_pathsBelowALeafAndUnknownPathsAre404(self) -> None:
        """
        A path below a document, the directory itself and an unknown child
        are 404 with the fixed page; C{HEAD} gets no body.
        """
        for path in (b"/doc.xml/x", b"/", b"/nothing", b"/nothing/below"):
            request = render(self.root, path)
            self.assertEqual(request.responseCode, 404, path)
            self.assertEqual(b"".join(request.written), errorPage(404, "No such resource."))
            self.assertEqual(header(request, b"content-type"), HTML_CONTENT_TYPE)
        self.assertEqual(render(self.root, b"/nothing", b"HEAD").written, [b""])

    def test_notFoundCoversEverythingBelow(self) -> None:
        """
        A L{NotFoundResource} is its own child at any depth.
        """
        notFound = NotFoundResource()
        self.assertIs(notFound.getChild(b"x", DummyRequest([])), notFound)

    def test_directoryRefusesToReplaceAChild(self) -> None:
        """
        Two resources for one path segment are refused rather than one
        silently hiding the other.
        """
        self.assertRaises(ValueError, self.root.putChild, b"doc.xml", StaticResource(b"", XML_CONTENT_TYPE))
