# -*- test-case-name: tests.http.test_resources -*-
"""
The small twisted.web resources every HTTP endpoint of the package is built
from, and the one HTML error page.

  - L{errorPage}: the fixed page of an error status, shared by the
    resources here and by L{coherence_lite.http.limits} (refusals, 500s).
  - L{NotFoundResource}: 404 for every method and every path below it;
    L{ErrorResource} the same for any other status.
  - L{StaticResource}: fixed bytes for C{GET} and C{HEAD}; 405 with an
    C{Allow} header for other methods, 404 for deeper paths.
  - L{DirectoryResource}: an inner node of a tree, 404 itself, refusing to
    replace a child.

The content types and the C{X-Content-Type-Options} header are spelled here
once.
"""

from __future__ import annotations

from html import escape
from typing import Callable, Sequence, cast

from twisted.web.http import RESPONSES
from twisted.web.resource import IResource, Resource
from twisted.web.server import Request

from coherence_lite.model import xmltext

__all__ = [
    "ALLOWED_METHODS",
    "HTML_CONTENT_TYPE",
    "NOSNIFF",
    "XML_CONTENT_TYPE",
    "ChosenResource",
    "DirectoryResource",
    "ErrorResource",
    "NotFoundResource",
    "StaticResource",
    "errorPage",
    "reasonPhrase",
    "sendHeaders",
]

#: The Content-Type of description documents and SCPDs (UDA 1.1 §2.11),
#: as bytes: L{xmltext.XML_CONTENT_TYPE}.
XML_CONTENT_TYPE = xmltext.XML_CONTENT_TYPE.encode("ascii")

#: The Content-Type of the HTML pages, error pages included.
HTML_CONTENT_TYPE = b"text/html; charset=utf-8"

#: The header every response carries so that browsers never guess a type.
NOSNIFF = (b"X-Content-Type-Options", b"nosniff")

#: The methods a document supports, for C{Allow} headers.
ALLOWED_METHODS = b"GET, HEAD"

# RFC 9110 / 6585 reason phrases that differ from Twisted's table.
_REASONS = {
    408: b"Request Timeout",
    413: b"Content Too Large",
    414: b"URI Too Long",
    421: b"Misdirected Request",
    431: b"Request Header Fields Too Large",
    500: b"Internal Server Error",
}


def reasonPhrase(code: int) -> bytes:
    """
    The reason phrase of an HTTP status: RFC 9110's, else Twisted's, else
    C{Error}.
    """
    return _REASONS.get(code) or RESPONSES.get(code, b"Error")


def errorPage(code: int, explanation: str | None = None) -> bytes:
    """
    A small, fixed HTML page for an error status: its code and reason, an
    optional sentence, and nothing about the request or the server's state.

    @param code: an HTTP status code, such as 404.
    @param explanation: one sentence for the reader, or L{None}.
    """
    reason = escape(reasonPhrase(code).decode("ascii"))
    paragraph = "" if explanation is None else f"<p>{escape(explanation)}</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{code} {reason}</title></head>"
        f"<body><h1>{reason}</h1>{paragraph}</body></html>\n"
    ).encode("ascii")


def sendHeaders(request: Request, code: int, headers: Sequence[tuple[bytes, bytes]], length: int) -> None:
    """
    Set the status, the given headers and an exact C{Content-Length}.
    """
    request.setResponseCode(code)
    for name, value in headers:
        request.setHeader(name, value)
    request.setHeader(b"Content-Length", b"%d" % (length,))


_NOT_FOUND_BODY = errorPage(404, "No such resource.")
_NOT_FOUND_HEADERS = ((b"Content-Type", HTML_CONTENT_TYPE),)
_METHOD_NOT_ALLOWED_BODY = errorPage(405, "Only GET and HEAD are allowed here.")
_METHOD_NOT_ALLOWED_HEADERS = ((b"Content-Type", HTML_CONTENT_TYPE), (b"Allow", ALLOWED_METHODS))


class NotFoundResource(Resource):
    """
    A leaf answering C{404 Not Found} to every request and every method,
    with a fixed page.
    """

    isLeaf = True

    def render(self, request: Request) -> bytes:
        """
        Answer 404, with a body unless the request is a C{HEAD}.
        """
        sendHeaders(request, 404, _NOT_FOUND_HEADERS, len(_NOT_FOUND_BODY))
        if request.method == b"HEAD":
            return b""
        return _NOT_FOUND_BODY

    def getChild(self, path: bytes, request: Request) -> Resource:
        """
        Everything below is not found either.
        """
        return self


_notFound = NotFoundResource()


class ErrorResource(Resource):
    """
    A leaf answering one error status, with the fixed page, to every
    method and path (as the site does to a refused C{Host}).
    """

    isLeaf = True

    def __init__(self, code: int) -> None:
        """
        @param code: the status, such as 421.
        """
        super().__init__()
        self.code = code
        self._body = errorPage(code)

    def render(self, request: Request) -> bytes:
        """
        Answer the status, with a body unless the request is a C{HEAD}.
        """
        sendHeaders(request, self.code, _NOT_FOUND_HEADERS, len(self._body))
        request.setResponseCode(self.code, reasonPhrase(self.code))
        return b"" if request.method == b"HEAD" else self._body


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
        sendHeaders(request, 405, _METHOD_NOT_ALLOWED_HEADERS, len(_METHOD_NOT_ALLOWED_BODY))
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
        sendHeaders(request, 200, self._headers, len(body))
        return body

    def render_HEAD(self, request: Request) -> bytes:
        """
        Send the same headers as C{GET}, without the body.
        """
        sendHeaders(request, 200, self._headers, len(self.currentBody()))
        return b""


class ChosenResource(StaticResource):
    """
    A L{StaticResource} whose body is chosen per request from its headers
    among fixed ones (a description some clients get in another form).
    Not a plain L{StaticResource}, so the fast path never answers it.
    """

    def __init__(self, body: bytes, contentType: bytes, choose: Callable[[Callable[[str], str | None]], bytes]) -> None:
        """
        @param body: the body of a request C{choose} is not asked about.
        @param contentType: the C{Content-Type} header value.
        @param choose: the body for a request, given the value of its
            headers by name (L{None} for one it lacks).
        """
        super().__init__(body, contentType)
        self._choose = choose

    def _chosen(self, request: Request) -> bytes:
        return self._choose(lambda name: request.getHeader(name))

    def render_GET(self, request: Request) -> bytes:
        """
        Send the headers and the body chosen for this request.
        """
        body = self._chosen(request)
        sendHeaders(request, 200, self._headers, len(body))
        return body

    def render_HEAD(self, request: Request) -> bytes:
        """
        Send the same headers as C{GET}, without the body.
        """
        sendHeaders(request, 200, self._headers, len(self._chosen(request)))
        return b""


class DirectoryResource(Resource):
    """
    An inner node of a tree: it has children but is no page itself, so it
    and any path it does not know are 404 for every method.
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
        Add a child, refusing to replace one: two paths that collide would
        otherwise silently hide a document.

        @raise ValueError: C{path} already has a child.
        """
        if path in self.children:
            raise ValueError(f"two resources want the path segment {path!r}")
        super().putChild(path, cast(IResource, child))
