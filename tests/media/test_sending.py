"""
Tests for L{coherence_lite.media.sending} over real loopback connections:
the fallback when the kernel refuses sendfile, and a file ending before the
promised length.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from twisted.internet import defer, reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.trial.unittest import TestCase
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from coherence_lite.http.server import LimitedSite
from coherence_lite.media import sending

from tests.media.test_streaming import Client, parse

DATA = os.urandom(3 * 1024 * 1024 + 7)


class RangeResource(Resource):
    """
    Sends C{count} bytes of a file from C{offset}, announcing C{count}.
    """

    isLeaf = True

    def __init__(self, path: Path, offset: int, count: int, zeroCopy: bool) -> None:
        super().__init__()
        self.path, self.offset, self.count, self.zeroCopy = path, offset, count, zeroCopy

    def render(self, request: Request) -> int:
        request.setHeader(b"Content-Length", b"%d" % (self.count,))
        fd = os.open(self.path, os.O_RDONLY)
        sending.sendRange(request, fd, self.offset, self.count, self.zeroCopy)
        return NOT_DONE_YET


class SendingTests(TestCase):
    """
    Ranges sent zero-copy or buffered arrive byte-exact; short files cut
    the connection.
    """

    def setUp(self) -> None:
        self.path = Path(self.mktemp())
        self.path.write_bytes(DATA)

    @defer.inlineCallbacks
    def fetch(self, offset: int, count: int, zeroCopy: bool = True) -> Any:
        site = LimitedSite(RangeResource(self.path, offset, count, zeroCopy))
        port = reactor.listenTCP(0, site, interface="127.0.0.1")  # type: ignore[attr-defined]
        self.addCleanup(port.stopListening)
        client = Client(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        yield connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port), client)
        answer = yield client.lost
        return parse(answer)

    @defer.inlineCallbacks
    def test_offsetRangeBothWays(self) -> Any:
        """
        A range from an offset arrives exactly, zero-copy and buffered.
        """
        for zeroCopy in (True, False):
            code, _, body = yield self.fetch(1000, 2_000_000, zeroCopy)
            self.assertEqual((code, body), (200, DATA[1000:2_001_000]))

    @defer.inlineCallbacks
    def test_sendfileRefusedFallsBackToBuffer(self) -> Any:
        """
        When the kernel refuses sendfile (EINVAL) before any byte, the range
        goes through the buffered sender, intact.
        """
        calls = []

        def refuse(*arguments: object) -> int:
            calls.append(arguments)
            raise OSError(errno.EINVAL, "Invalid argument")

        self.patch(sending.os, "sendfile", refuse)
        code, _, body = yield self.fetch(0, len(DATA))
        self.assertEqual((code, body), (200, DATA))
        self.assertEqual(len(calls), 1)

    @defer.inlineCallbacks
    def test_fileShorterThanPromisedCutsTheConnection(self) -> Any:
        """
        A file that ends before the announced length has its connection
        cut (what was sent is a prefix of the file, never other bytes, and
        never the announced length); nothing hangs.
        """
        for zeroCopy in (True, False):
            code, headers, body = yield self.fetch(0, len(DATA) + 5000, zeroCopy)
            self.assertEqual(code, 200)
            self.assertEqual(headers["content-length"], str(len(DATA) + 5000))
            self.assertTrue(DATA.startswith(body), zeroCopy)
            self.assertLess(len(body), len(DATA) + 5000)
