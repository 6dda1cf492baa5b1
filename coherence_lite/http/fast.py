# -*- test-case-name: tests.http.test_fast -*-
"""
Prebuilt answers to plain C{GET} and C{HEAD} requests for fixed documents,
sent without building a twisted.web L{Request}.

Control points fetch the same few documents (descriptions, SCPDs, icons)
again and again, over keep-alive connections.  twisted.web spends most of
a request's time on objects the answer does not need.  A L{FastAnswers}
table maps a path to the complete answer twisted.web would send (status
line, headers, body), with only the C{Date} patched in once per second; a
L{LimitedHTTPChannel <coherence_lite.http.channel.LimitedHTTPChannel>} uses
it for a request only when all of this holds, and otherwise hands the bytes
to twisted.web unchanged:

  - the whole request head is in the bytes received, with no body: no
    C{Content-Length}, C{Transfer-Encoding}, C{Expect}, C{Connection} or
    C{Upgrade} header;
  - the request line is C{GET} or C{HEAD}, a path without C{%} or C{?},
    and C{HTTP/1.1} (so the connection stays open);
  - every header line is C{name: value} with a token name and no NUL or
    CR, and the head is within every limit of L{HTTPLimits} (line length,
    number of header lines, head size);
  - the path names a L{StaticResource} reached through static children
    only (no resource deciding at request time).

So every HTTP limit still applies, and a request the fast path does not
take is answered exactly as before.  Answers go out as one write; a client
that does not read them fills the send buffer and is then handled by the
slow path, which closes its connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from twisted.web.http import datetimeToString
from twisted.web.resource import IResource, Resource

from coherence_lite.http.limits import HTTPLimits
from coherence_lite.http.resources import StaticResource

__all__ = ["FastAnswer", "FastAnswers", "MAX_FAST_PATHS", "MAX_REMEMBERED_HEAD", "parseSimpleHead"]

#: How many paths a table remembers (found or not), and how many request
#: heads and answers; when full it forgets them all, so requests for random
#: paths cannot grow it.
MAX_FAST_PATHS = 1024

#: Request heads longer than this (a browser's are under 1 KiB) are parsed
#: each time, not remembered: the tables of heads and answers stay within a
#: few MiB.
MAX_REMEMBERED_HEAD = 2048

# A header line the fast path takes: a token name, a colon, a value
# without NUL or CR (bare LF cannot occur: lines are split on CRLF).
_HEADER = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\x00\r]*")

# Headers that change how a request is read or answered: such requests take
# the slow path.
_SLOW_HEADERS = (b"content-length:", b"transfer-encoding:", b"expect:", b"connection:", b"upgrade:")


@dataclass(frozen=True)
class FastAnswer:
    """
    A prebuilt answer: C{head + date + rest}, then C{body} for C{GET}.
    """

    head: bytes
    rest: bytes
    body: bytes


def parseSimpleHead(head: bytes, limits: HTTPLimits) -> tuple[bytes, bytes] | None:
    """
    The method and path of a request head the fast path may answer, or
    L{None} for one twisted.web must see.

    @param head: the request line and header lines, without the final empty
        line.
    """
    if len(head) + 4 > limits.maxHeadSize:
        return None
    lines = head.split(b"\r\n")
    if len(lines) > limits.maxHeaders + 1:
        return None
    requestLine = lines[0]
    if len(requestLine) > limits.maxLineLength:
        return None
    parts = requestLine.split(b" ")
    if len(parts) != 3 or parts[2] != b"HTTP/1.1" or parts[0] not in (b"GET", b"HEAD"):
        return None
    path = parts[1]
    if not path.startswith(b"/") or b"%" in path or b"?" in path:
        return None
    maxLine = limits.maxLineLength
    for line in lines[1:]:
        if len(line) > maxLine or _HEADER.fullmatch(line) is None or line.lower().startswith(_SLOW_HEADERS):
            return None
    return parts[0], path


class FastAnswers:
    """
    The prebuilt answers of a resource tree, found on first request.

    @param root: the site's root resource.
    @param headers: the headers every answer carries besides C{Date},
        C{Content-Type} and C{Content-Length}, C{Server} first, in the order
        twisted.web writes them.

    Everything it remembers (answers by path, request heads, complete
    answers of the current second) is bounded by L{MAX_FAST_PATHS} entries
    each.
    """

    def __init__(self, root: IResource, headers: Sequence[tuple[bytes, bytes]], limits: HTTPLimits) -> None:
        """
        @param limits: the limits a request head must be within.
        """
        self.root = root
        self._headers = tuple(headers)
        self._limits = limits
        self._answers: dict[bytes, FastAnswer | None] = {}
        # Clients repeat the same request heads: what each one is, and the
        # complete answer to it during the current second.
        self._heads: dict[bytes, tuple[bytes, bytes] | None] = {}
        self._responses: dict[bytes, bytes] = {}
        self._second = -1
        self._date = b""

    def respond(self, head: bytes, now: float) -> bytes | None:
        """
        The complete answer to a request head at C{now}, or L{None} when the
        fast path does not take it (see L{parseSimpleHead}, L{answer}).

        @param head: the request line and header lines, without the empty
            line that ends them.
        """
        if int(now) != self._second:
            self.date(now)
        response = self._responses.get(head)
        if response is not None:
            return response
        remember = len(head) <= MAX_REMEMBERED_HEAD
        try:
            simple = self._heads[head]
        except KeyError:
            simple = parseSimpleHead(head, self._limits)
            if remember:
                if len(self._heads) >= MAX_FAST_PATHS:
                    self._heads.clear()
                self._heads[head] = simple
        if simple is None:
            return None
        method, path = simple
        answer = self.answer(path)
        if answer is None:
            return None
        response = answer.head + self._date + answer.rest
        if method == b"GET":
            response += answer.body
        if remember:
            if len(self._responses) >= MAX_FAST_PATHS:
                self._responses.clear()
            self._responses[head] = response
        return response

    def answer(self, path: bytes) -> FastAnswer | None:
        """
        The prebuilt answer for C{path}, or L{None} when the path does not
        name a fixed document.
        """
        try:
            return self._answers[path]
        except KeyError:
            pass
        if len(self._answers) >= MAX_FAST_PATHS:
            self._answers.clear()
        found = self._answers[path] = self._build(path)
        return found

    def date(self, now: float) -> bytes:
        """
        The C{Date} value for C{now}, spelled once per second.
        """
        second = int(now)
        if second != self._second:
            self._date = datetimeToString(second)
            self._second = second
            self._responses.clear()
        return self._date

    def _build(self, path: bytes) -> FastAnswer | None:
        node: object = self.root
        for segment in path[1:].split(b"/"):
            if (
                not isinstance(node, Resource)
                or node.isLeaf
                or type(node).getChildWithDefault is not Resource.getChildWithDefault
                or segment not in node.children
            ):
                return None
            node = node.children[segment]
        if type(node) is not StaticResource:
            return None
        lines = [b"HTTP/1.1 200 OK"]
        others = []
        for name, value in self._headers:
            if name.lower() == b"server":
                lines.append(name + b": " + value)
            else:
                others.append(name + b": " + value)
        rest = others + [b"Content-Type: " + node.contentType, b"Content-Length: %d" % (len(node.body),)]
        return FastAnswer(
            head=b"\r\n".join(lines) + b"\r\nDate: ",
            rest=b"\r\n" + b"\r\n".join(rest) + b"\r\n\r\n",
            body=node.body,
        )
