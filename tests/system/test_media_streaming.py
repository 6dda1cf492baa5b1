"""
The streaming resource against real third-party clients over loopback
HTTP (IPv4 and IPv6): curl fetches every range form byte-exact, ffprobe
probes a streamed MP4 and MP3 and ffmpeg seeks in one; hostile requests are
refused.  The media come from ffmpeg's lavfi sources.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from twisted.internet import defer, reactor
from twisted.trial.unittest import TestCase

from coherence_lite.host.site import HostResource
from coherence_lite.http.hosts import HostPolicy
from coherence_lite.http.server import LimitedSite
from coherence_lite.media.streaming import StreamingResource
from coherence_lite.media.target import StreamTarget

from tests.support.mediaclients import curl, rangeForms, runTool
from tests.support.prerequisites import missing


def _generate(folder: Path) -> None:
    """
    A 4 s H.264/AAC MP4 and a 3 s MP3, made by ffmpeg from lavfi sources.
    """
    commands = [
        ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-f", "lavfi", "-i", "sine=duration=4",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart", "v.mp4"],
        ["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame", "-metadata", "title=T", "a.mp3"],
    ]
    for arguments in commands:
        subprocess.run(["ffmpeg", "-v", "error", "-y", *arguments], cwd=folder, check=True, timeout=120)


class CurlAndFFprobeTests(TestCase):
    """
    curl and ffprobe against C{/media/} on 127.0.0.1 and [::1].
    """

    timeout = 240

    def setUp(self) -> None:
        for tool in ("curl", "ffmpeg", "ffprobe"):
            if shutil.which(tool) is None:
                missing(f"{tool} is not installed (apt-get install {'curl' if tool == 'curl' else 'ffmpeg'})")
        base = Path(self.mktemp()).absolute()
        self.music = base / "music"
        self.music.mkdir(parents=True)
        (base / "music2").mkdir()
        (base / "music2" / "sibling.mp3").write_bytes(b"sibling")
        _generate(self.music)
        (self.music / "outside.mp3").symlink_to("/etc/passwd")
        self.targets = {
            "v": StreamTarget(self.music / "v.mp4", "video/mp4", 0, 0.0),
            "a": StreamTarget(self.music / "a.mp3", "audio/mpeg", 0, 0.0, "MP3"),
            "out": StreamTarget(self.music / "outside.mp3", "audio/mpeg", 0, 0.0),
            "sib": StreamTarget(base / "music2" / "sibling.mp3", "audio/mpeg", 0, 0.0),
        }
        self.video = (self.music / "v.mp4").read_bytes()
        tree = HostResource()
        tree.putChild(b"media", StreamingResource(lambda i: defer.succeed(self.targets.get(i)), [self.music]))
        self.site = LimitedSite(tree, hostPolicy=HostPolicy.allowing(()))
        self.bases = []
        for interface, urlHost in (("127.0.0.1", "127.0.0.1"), ("::1", "[::1]")):
            port = reactor.listenTCP(0, self.site, interface=interface)  # type: ignore[attr-defined]
            self.addCleanup(port.stopListening)
            self.bases.append(f"http://{urlHost}:{port.getHost().port}/media/")

    def runTool(self, tool: str, *arguments: str) -> Any:
        """
        Run C{tool}; fire with its output, errors and exit code.
        """
        return defer.ensureDeferred(runTool((), tool, *arguments))

    def curl(self, url: str, *arguments: str) -> Any:
        """
        The status and body curl gets.
        """
        return defer.ensureDeferred(curl(self, (), url, *arguments))

    @defer.inlineCallbacks
    def test_everyRangeFormByteExact(self) -> Any:
        """
        Whole, a-b, a-, -n, -n beyond the size, clamped end: byte-exact, on
        both families; 416 past the end.
        """
        size = len(self.video)
        for base in self.bases:
            for form, status, expected in rangeForms(self.video):
                extra = ("-r", form) if form else ()
                got = yield self.curl(base + "v.mp4", *extra)
                self.assertEqual(got, (status, expected), (base, form))
            status, _ = yield self.curl(base + "v", "-r", f"{size}-")
            self.assertEqual(status, 416)

    @defer.inlineCallbacks
    def test_headAndIfRangeAndDlnaHeaders(self) -> Any:
        """
        HEAD carries GET's headers; If-Range with the ETag keeps the range,
        a stale one gets the whole file.
        """
        out, _, _ = yield self.runTool("curl", "-sSI", "-H", "getcontentFeatures.dlna.org: 1", self.bases[0] + "a.mp3")
        head = out.decode("latin-1")
        self.assertIn("HTTP/1.1 200", head)
        self.assertIn(f"Content-Length: {(self.music / 'a.mp3').stat().st_size}", head)
        self.assertIn("contentFeatures.dlna.org: DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=0170", head)
        self.assertIn("transferMode.dlna.org: Streaming", head)
        etag = [line.split(":", 1)[1].strip() for line in head.split("\r\n") if line.lower().startswith("etag:")][0]
        audio = (self.music / "a.mp3").read_bytes()
        got = yield self.curl(self.bases[1] + "a.mp3", "-r", "10-19", "-H", f"If-Range: {etag}")
        self.assertEqual(got, (206, audio[10:20]))
        got = yield self.curl(self.bases[1] + "a.mp3", "-r", "10-19", "-H", 'If-Range: "old"')
        self.assertEqual(got, (200, audio))

    @defer.inlineCallbacks
    def test_ffprobeAndSeek(self) -> Any:
        """
        ffprobe reads the streamed MP4 and MP3 as the files are; ffmpeg
        seeks two seconds into the MP4 over HTTP.
        """
        for base in self.bases:
            out, err, code = yield self.runTool(
                "ffprobe", "-v", "error", "-show_entries", "format=duration,size:stream=codec_name,width,height",
                "-of", "json", base + "v.mp4",
            )
            self.assertEqual(code, 0, err)
            probed = json.loads(out)
            self.assertEqual(int(probed["format"]["size"]), len(self.video))
            self.assertAlmostEqual(float(probed["format"]["duration"]), 4.0, delta=0.2)
            self.assertEqual({s["codec_name"] for s in probed["streams"]}, {"h264", "aac"})
            out, err, code = yield self.runTool("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "json", base + "a.mp3")
            self.assertEqual((code, [s["codec_name"] for s in json.loads(out)["streams"]]), (0, ["mp3"]), err)
            _, err, code = yield self.runTool("ffmpeg", "-v", "error", "-ss", "2", "-i", base + "v.mp4", "-t", "0.5", "-f", "null", "-")
            self.assertEqual(code, 0, err)

    @defer.inlineCallbacks
    def test_hostileRequestsRefused(self) -> Any:
        """
        The outside symlink and the prefix sibling are 404, traversal and
        encoded paths 404, a rebinding Host 421; the server keeps serving.
        """
        for base in self.bases:
            for path in ("out", "sib", "../music/v.mp4", "%2e%2e%2fv.mp4", "v.mp4/x", "%ff%fe", "a" * 5000, "..%2f..%2fetc%2fpasswd"):
                status, body = yield self.curl(base + path)
                self.assertEqual(status, 404, path)
                self.assertNotIn(b"root:", body)
            status, _ = yield self.curl(base + "v.mp4", "-H", "Host: rebind.attacker.example")
            self.assertEqual(status, 421)
            status, _ = yield self.curl(base + "a.mp3", "-r", "0-0")
            self.assertEqual(status, 206)
