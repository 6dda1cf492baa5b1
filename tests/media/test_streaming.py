"""
Tests for L{coherence_lite.media.streaming} and L{coherence_lite.media.sending},
over real loopback HTTP (IPv4 and IPv6) through the package's L{LimitedSite}.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from twisted.internet import defer, reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP6ClientEndpoint, connectProtocol
from twisted.internet.interfaces import IListeningPort
from twisted.internet.protocol import Protocol
from twisted.internet.task import deferLater
from twisted.logger import ILogObserver, globalLogPublisher
from twisted.python.failure import Failure
from twisted.trial.unittest import TestCase

from coherence_lite.http.limits import HTTPLimits
from coherence_lite.http.resources import DirectoryResource
from coherence_lite.http.server import LimitedSite
from coherence_lite.media import streaming
from coherence_lite.media.ranges import Validators
from coherence_lite.media.streaming import StreamingResource, objectIdOf
from coherence_lite.media.target import StreamTarget

CONTENT = bytes(range(256)) * 4096 + b"tail"  # 1 MiB and 4 bytes
SIZE = len(CONTENT)

#: A SubRip subtitle.
SUBTITLE = b"1\r\n00:00:00,000 --> 00:00:02,000\r\nHi\r\n"

#: A sparse file larger than loopback's socket buffers hold.
LARGE = 256 * 1024 * 1024


class Client(Protocol):
    """
    Sends bytes, keeps what comes back, fires C{lost} with it at the end.
    """

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.received = bytearray()
        self.lost: defer.Deferred[bytes] = defer.Deferred()

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(self.request)

    def dataReceived(self, data: bytes) -> None:
        self.received += data

    def connectionLost(self, reason: Failure | None = None) -> None:
        self.lost.callback(bytes(self.received))


def parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    """
    Split one answer into its status, its headers (lower-case names) and body.
    """
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.lower()] = value.strip()
    return int(lines[0].split(" ")[1]), headers, body


class SendfileIPv4Tests(TestCase):
    """
    A site with C{/media/} over a library of a few files, served on
    loopback: zero-copy sending over IPv4.
    """

    zeroCopy = True
    family = 4

    def setUp(self) -> None:
        base = Path(self.mktemp()).absolute()
        self.music = base / "music"
        (base / "outside").mkdir(parents=True)
        self.music.mkdir()
        (self.music / "song.mp3").write_bytes(CONTENT)
        (self.music / "empty.mp3").write_bytes(b"")
        (self.music / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
        with open(self.music / "large.mkv", "wb") as large:
            large.truncate(LARGE)
        (base / "outside" / "secret.mp3").write_bytes(b"secret")
        (self.music / "escape.mp3").symlink_to(base / "outside" / "secret.mp3")
        self.targets = {
            "1": StreamTarget(self.music / "song.mp3", "audio/mpeg", SIZE, 0.0, "MP3"),
            "2": StreamTarget(self.music / "empty.mp3", "audio/mpeg", 0, 0.0),
            "3": StreamTarget(self.music / "photo.jpg", "image/jpeg", 6, 0.0, "JPEG_SM"),
            "4": StreamTarget(base / "outside" / "secret.mp3", "audio/mpeg", 6, 0.0),
            "5": StreamTarget(self.music / "escape.mp3", "audio/mpeg", 6, 0.0),
            "6": StreamTarget(self.music / "gone.mp3", "audio/mpeg", 6, 0.0),
            "7": StreamTarget(self.music / "large.mkv", "video/x-matroska", LARGE, 0.0, caption="7.sub.srt"),
            "7.sub": StreamTarget(self.music / "large.srt", "text/srt", 0, 0.0),
            "3.tn": StreamTarget(self.music / "photo.jpg", "image/jpeg", 6, 0.0, "JPEG_TN", converted=True),
        }
        (self.music / "large.srt").write_bytes(SUBTITLE)
        self.resource = StreamingResource(self.lookup, [self.music], zeroCopy=self.zeroCopy)
        top = DirectoryResource()
        top.putChild(b"media", self.resource)
        self.site = LimitedSite(top, HTTPLimits(idleTimeout=0.3, requestTimeout=0.3))
        interface = "127.0.0.1" if self.family == 4 else "::1"
        self.port: IListeningPort = reactor.listenTCP(0, self.site, interface=interface)  # type: ignore[arg-type]
        self.addCleanup(self.port.stopListening)
        self.events: list[dict[str, Any]] = []
        observer = cast(ILogObserver, self.events.append)
        globalLogPublisher.addObserver(observer)
        self.addCleanup(globalLogPublisher.removeObserver, observer)

    def lookup(self, objectId: str) -> defer.Deferred[StreamTarget | None]:
        if objectId == "boom":
            return defer.fail(RuntimeError("index broken"))
        return defer.succeed(self.targets.get(objectId))

    def connect(self, client: Client) -> defer.Deferred[Any]:
        number = self.port.getHost().port  # type: ignore[attr-defined]
        if self.family == 4:
            endpoint: Any = TCP4ClientEndpoint(reactor, "127.0.0.1", number)
        else:
            endpoint = TCP6ClientEndpoint(reactor, "::1", number)
        return connectProtocol(endpoint, client)

    @defer.inlineCallbacks
    def rawFetch(self, path: bytes, *headers: bytes, method: bytes = b"GET") -> Any:
        request = b"%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" % (method, path)
        request += b"".join(header + b"\r\n" for header in headers) + b"\r\n"
        client = Client(request)
        yield self.connect(client)
        answer = yield client.lost
        return answer

    @defer.inlineCallbacks
    def fetch(self, path: bytes, *headers: bytes, method: bytes = b"GET") -> Any:
        answer = yield self.rawFetch(path, *headers, method=method)
        return parse(answer)

    @defer.inlineCallbacks
    def test_wholeFile(self) -> Any:
        """
        GET answers 200 with the exact bytes and every streaming header.
        """
        code, headers, body = yield self.fetch(b"/media/1.mp3")
        self.assertEqual((code, body), (200, CONTENT))
        self.assertEqual(headers["content-type"], "audio/mpeg")
        self.assertEqual(headers["content-length"], str(SIZE))
        self.assertEqual(headers["accept-ranges"], "bytes")
        self.assertEqual(headers["transfermode.dlna.org"], "Streaming")
        self.assertEqual(
            headers["contentfeatures.dlna.org"],
            "DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000",
        )
        info = os.stat(self.music / "song.mp3")
        validators = Validators.of(SIZE, info.st_mtime_ns, info.st_ino)
        self.assertEqual(headers["etag"], validators.etag.decode())
        self.assertEqual(headers["last-modified"], validators.lastModified.decode())

    @defer.inlineCallbacks
    def test_rangeForms(self) -> Any:
        """
        Each single-range form answers 206 with the right bytes and
        C{Content-Range}; several ranges answer the whole file.
        """
        cases = [
            (b"bytes=0-0", 0, 0),
            (b"bytes=100-199", 100, 199),
            (b"bytes=1000000-", 1000000, SIZE - 1),
            (b"bytes=-100", SIZE - 100, SIZE - 1),
            (b"bytes=-99999999", 0, SIZE - 1),
            (b"bytes=10-99999999", 10, SIZE - 1),
        ]
        for header, first, last in cases:
            code, headers, body = yield self.fetch(b"/media/1", b"Range: " + header)
            self.assertEqual(code, 206, header)
            self.assertEqual(body, CONTENT[first : last + 1], header)
            self.assertEqual(headers["content-range"], f"bytes {first}-{last}/{SIZE}")
            self.assertEqual(headers["content-length"], str(last - first + 1))
        code, _, body = yield self.fetch(b"/media/1", b"Range: bytes=0-1,5-6")
        self.assertEqual((code, body), (200, CONTENT))

    @defer.inlineCallbacks
    def test_unsatisfiable(self) -> Any:
        """
        A start at the end, C{-0} or any range of an empty file is 416 with
        C{bytes */LEN}.
        """
        for path, header, size in ((b"/media/1", b"bytes=%d-" % SIZE, SIZE), (b"/media/1", b"bytes=-0", SIZE), (b"/media/2", b"bytes=0-", 0)):
            code, headers, _ = yield self.fetch(path, b"Range: " + header)
            self.assertEqual(code, 416, header)
            self.assertEqual(headers["content-range"], f"bytes */{size}")

    @defer.inlineCallbacks
    def test_ifRange(self) -> Any:
        """
        A range with a matching If-Range is served; with another validator
        the whole file is.
        """
        _, headers, _ = yield self.fetch(b"/media/1", method=b"HEAD")
        for validator in (headers["etag"], headers["last-modified"]):
            code, _, body = yield self.fetch(b"/media/1", b"Range: bytes=5-9", b"If-Range: " + validator.encode())
            self.assertEqual((code, body), (206, CONTENT[5:10]))
        for stale in (b'"stale"', b"Thu, 01 Jan 1970 00:00:00 GMT"):
            code, _, body = yield self.fetch(b"/media/1", b"Range: bytes=5-9", b"If-Range: " + stale)
            self.assertEqual((code, body), (200, CONTENT))

    @defer.inlineCallbacks
    def test_headAndEmptyFile(self) -> Any:
        """
        HEAD has GET's headers and no body; an empty file is an empty 200.
        """
        code, headers, body = yield self.fetch(b"/media/1", b"Range: bytes=-10", method=b"HEAD")
        self.assertEqual((code, body, headers["content-length"]), (206, b"", "10"))
        code, headers, body = yield self.fetch(b"/media/2")
        self.assertEqual((code, body, headers["content-length"]), (200, b"", "0"))

    @defer.inlineCallbacks
    def test_imageIsInteractiveAndModeEchoed(self) -> Any:
        """
        Images are Interactive; a mode the client asks for is echoed.
        """
        _, headers, _ = yield self.fetch(b"/media/3.jpg", b"getcontentFeatures.dlna.org: 1")
        self.assertEqual(headers["transfermode.dlna.org"], "Interactive")
        self.assertTrue(headers["contentfeatures.dlna.org"].startswith("DLNA.ORG_PN=JPEG_SM;DLNA.ORG_OP=01;"))
        _, headers, _ = yield self.fetch(b"/media/1", b"transferMode.dlna.org: interactive")
        self.assertEqual(headers["transfermode.dlna.org"], "Interactive")

    @defer.inlineCallbacks
    def test_thumbnailAndSubtitle(self) -> Any:
        """
        A thumbnail is served as JPEG_TN with C{DLNA.ORG_CI=1}; a subtitle
        as C{text/srt}, byte-exact, with ranges and HEAD; a video with a
        subtitle answers C{getCaptionInfo.sec: 1} with C{CaptionInfo.sec}
        (spelt so) naming the subtitle's URL on the address asked, and
        says nothing of it otherwise.
        """
        code, headers, body = yield self.fetch(b"/media/3.tn.jpg", b"getcontentFeatures.dlna.org: 1")
        self.assertEqual((code, headers["content-type"], body), (200, "image/jpeg", b"\xff\xd8jpeg"))
        self.assertTrue(headers["contentfeatures.dlna.org"].startswith("DLNA.ORG_PN=JPEG_TN;DLNA.ORG_OP=01;DLNA.ORG_CI=1;"))
        code, headers, body = yield self.fetch(b"/media/7.sub.srt")
        self.assertEqual((code, headers["content-type"], body), (200, "text/srt", SUBTITLE))
        code, headers, body = yield self.fetch(b"/media/7.sub.srt", b"Range: bytes=2-5")
        self.assertEqual((code, headers["content-range"], body), (206, f"bytes 2-5/{len(SUBTITLE)}", SUBTITLE[2:6]))
        answer = yield self.rawFetch(b"/media/7.mkv", b"getCaptionInfo.sec: 1", method=b"HEAD")
        host = "127.0.0.1" if self.family == 4 else "[::1]"
        url = f"http://{host}:{self.port.getHost().port}/media/7.sub.srt".encode()  # type: ignore[attr-defined]
        self.assertIn(b"\r\nCaptionInfo.sec: " + url + b"\r\n", answer)
        _, headers, _ = yield self.fetch(b"/media/7.mkv", method=b"HEAD")
        self.assertNotIn("captioninfo.sec", headers)
        _, headers, _ = yield self.fetch(b"/media/1.mp3", b"getCaptionInfo.sec: 1", method=b"HEAD")
        self.assertNotIn("captioninfo.sec", headers)

    @defer.inlineCallbacks
    def test_timeSeekAndMethods(self) -> Any:
        """
        TimeSeekRange and PlaySpeed are 406; POST is 405 with Allow.
        """
        code, _, _ = yield self.fetch(b"/media/1", b"TimeSeekRange.dlna.org: npt=10-")
        self.assertEqual(code, 406)
        code, _, _ = yield self.fetch(b"/media/1", b"PlaySpeed.dlna.org: speed=2")
        self.assertEqual(code, 406)
        code, headers, _ = yield self.fetch(b"/media/1", b"Content-Length: 0", method=b"POST")
        self.assertEqual((code, headers["allow"]), (405, "GET, HEAD"))

    @defer.inlineCallbacks
    def test_hostilePathsAre404(self) -> Any:
        """
        Unknown ids, traversal, encoded separators, nested, overlong and
        undecodable paths are 404.
        """
        paths = [
            b"/media/99",
            b"/media/",
            b"/media/../music/song.mp3",
            b"/media/%2e%2e%2fsong.mp3",
            b"/media/1/extra",
            b"/media/%ff",
            b"/media/" + b"a" * 4000,
            b"/media/..%5c..%5cetc%5cpasswd",
            b"/media/%00",
        ]
        for path in paths:
            code, _, _ = yield self.fetch(path)
            self.assertEqual(code, 404, path)

    @defer.inlineCallbacks
    def test_outsideFilesAre404AndLogged(self) -> Any:
        """
        A target outside the media folders, a symlink leading out and a
        vanished file are 404, each with a log line.
        """
        for objectId in (b"4", b"5", b"6"):
            code, _, _ = yield self.fetch(b"/media/" + objectId)
            self.assertEqual(code, 404, objectId)
        ids = [event.get("id") for event in self.events if event.get("log_namespace") == streaming.__name__]
        self.assertEqual(ids, ["4", "5", "6"])

    @defer.inlineCallbacks
    def test_unreadableIs403(self) -> Any:
        """
        A file the server may not open is 403 with a log line (the tests run
        as root, who reads everything, so the open is made to fail).
        """

        def denied(path: Path, roots: object) -> int:
            raise PermissionError(13, "Permission denied", str(path))

        self.patch(streaming, "openContained", denied)
        code, _, _ = yield self.fetch(b"/media/1")
        self.assertEqual(code, 403)
        self.assertTrue(any("not readable" in event.get("log_format", "") for event in self.events))

    @defer.inlineCallbacks
    def test_lookupFailureIs500(self) -> Any:
        """
        A failing lookup is a plain 500, the failure logged.
        """
        code, _, body = yield self.fetch(b"/media/boom")
        self.assertEqual(code, 500)
        self.assertNotIn(b"index broken", body)
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)

    @defer.inlineCallbacks
    def test_keepAlive(self) -> Any:
        """
        Two downloads on one connection, then a third request, are all
        answered in order.
        """
        one = b"GET /media/1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
        two = b"GET /media/1 HTTP/1.1\r\nHost: localhost\r\nRange: bytes=-4\r\n\r\n"
        three = b"HEAD /media/3 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        client = Client(one + two + three)
        yield self.connect(client)
        answer = yield client.lost
        code, headers, rest = parse(answer)
        self.assertEqual((code, rest[:SIZE]), (200, CONTENT))
        code, headers, rest = parse(rest[SIZE:])
        self.assertEqual((code, rest[:4]), (206, b"tail"))
        code, headers, rest = parse(rest[4:])
        self.assertEqual((code, rest), (200, b""))

    @defer.inlineCallbacks
    def test_slowReaderOutlivesIdleTimeout(self) -> Any:
        """
        A client that stops reading for longer than the idle timeout still
        gets the whole file: the timers do not cut a download.
        """
        client = Client(b"GET /media/1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        yield self.connect(client)
        assert client.transport is not None
        client.transport.pauseProducing()  # type: ignore[attr-defined]
        yield deferLater(reactor, 0.8, lambda: None)
        client.transport.resumeProducing()  # type: ignore[attr-defined]
        code, _, body = parse((yield client.lost))
        self.assertEqual((code, body), (200, CONTENT))

    @defer.inlineCallbacks
    def test_clientLeavingClosesTheFile(self) -> Any:
        """
        A client that hangs up mid-download leaves no open file behind.
        """
        client = Client(b"GET /media/7 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        yield self.connect(client)
        assert client.transport is not None
        client.transport.pauseProducing()  # type: ignore[attr-defined]
        yield deferLater(reactor, 0.1, lambda: None)
        self.assertEqual(self.openMediaFiles(), 1)
        client.transport.abortConnection()  # type: ignore[attr-defined]
        yield client.lost
        for _ in range(50):
            if not self.openMediaFiles() and not self.site.openConnections:
                break
            yield deferLater(reactor, 0.02, lambda: None)
        self.assertEqual((self.openMediaFiles(), self.site.openConnections), (0, 0))

    def openMediaFiles(self) -> int:
        """
        How many descriptors of this process are open on library files.
        """
        found = 0
        for name in os.listdir("/proc/self/fd"):
            try:
                found += os.readlink(f"/proc/self/fd/{name}").startswith(str(self.music.resolve()))
            except OSError:
                pass
        return found


class BufferedIPv4Tests(SendfileIPv4Tests):
    """
    Buffered sending over IPv4.
    """

    zeroCopy = False


class SendfileIPv6Tests(SendfileIPv4Tests):
    """
    Zero-copy sending over IPv6.
    """

    family = 6


class ObjectIdTests(TestCase):
    """
    L{objectIdOf} reads one path segment.
    """

    def test_ids(self) -> None:
        """
        The extension is dropped; empty, nested, separator, control and
        undecodable segments name nothing.
        """
        self.assertEqual(objectIdOf([b"42.mp3"]), "42")
        self.assertEqual(objectIdOf([b"42"]), "42")
        self.assertEqual(objectIdOf(["\u00e9t\u00e9".encode()]), "\u00e9t\u00e9")
        for postpath in ([], [b""], [b".mp3"], [b"a", b"b"], [b"a\\b"], [b"a\x00"], [b"\xff"], [b"x" * 300]):
            self.assertIsNone(objectIdOf(postpath), postpath)
