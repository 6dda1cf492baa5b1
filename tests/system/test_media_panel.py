"""
A MediaServer's presentation page (L{coherence_lite.panel.library}) served
by a real daemon (C{twistd -n upnp-device --media DIR}) over a library made
with ffmpeg: browsed and played over real HTTP on loopback, and by Debian's
headless Chromium in a client namespace (tests/system/media_browser_probe.py),
with screenshots.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import sys
import tempfile
from html import unescape
from pathlib import Path

from twisted.internet import reactor
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent, readBody

from tests.media.library import makeLibrary, needFFmpeg
from tests.support.netns import Topology, run
from tests.support.prerequisites import missing
from tests.system.mediadaemon import startMediaDaemon
from tests.system.test_browser import browserMissing

PROBE = Path(__file__).with_name("media_browser_probe.py")
UUID = "5e1f0000-0000-4000-8000-00000000d0d0"
PORT = "8091"

#: Pictures in the folder C{many}: more than one page.
MANY = 61

_LINK = re.compile(r'<a href="(\?[^"]*)"[^>]*>([^<]*)</a>')


def library(base: Path) -> Path:
    """
    The test library, plus a folder C{many} of L{MANY} pictures.
    """
    music = makeLibrary(base)
    many = music / "many"
    many.mkdir()
    for n in range(MANY):
        shutil.copyfile(music / "pictures" / "picture.png", many / f"p{n:03}.png")
    return music


def links(page: str) -> dict[str, str]:
    """
    The library card's links of a page: query by (unescaped) text.
    """
    card = page.split('<section class="card wide library">', 1)[1].split("</section>", 1)[0]
    return {unescape(text): unescape(href) for href, text in _LINK.findall(card)}


class PanelHTTPTests(TestCase):
    """
    The library on the page, over real HTTP on loopback.
    """

    timeout = 120

    async def get(self, url: str) -> tuple[int, dict[bytes, list[bytes]], bytes]:
        """
        GET C{url}: status, headers, body.
        """
        response = await Agent(reactor).request(b"GET", url.encode("utf-8"))
        body = await readBody(response)
        return response.code, dict(response.headers.getAllRawHeaders()), body

    async def test_browseAndPlay(self) -> None:
        """
        From the page, folder links lead down to the album; the song's play
        link shows an <audio> whose source serves the file's bytes; a
        picture is an <img>, a video a <video>; hostile names are escaped;
        a folder of 61 pictures has two pages with Next and Previous; an
        unknown object says 701; the page keeps its CSP (media-src 'self').
        """
        needFFmpeg()
        base = Path(tempfile.mkdtemp(prefix="cl-media-panel-"))
        self.addCleanup(shutil.rmtree, base, True)
        music = library(base)
        daemon = await startMediaDaemon(self, music, base / "state")
        process = daemon.process
        page = daemon.location.rsplit("/", 1)[0] + "/"
        origin = page.split("/", 3)[:3]

        code, headers, body = await self.get(page)
        self.assertEqual(code, 200)
        self.assertIn(b"media-src 'self'", headers[b"Content-Security-Policy"][0])
        self.assertEqual(list(links(body.decode())), ["music", "Music", "Photos", "Videos", "Recently added"])
        _, _, views = await self.get(page + links(body.decode())["Music"])
        self.assertLessEqual({"Up", "Artists", "Albums", "Genres", "All tracks"}, set(links(views.decode())))
        _, _, body = await self.get(page + links(body.decode())["music"])
        music_ = links(body.decode())
        self.assertLessEqual({"Up", "Artist", "other", "pictures", "video", "many", "truncated"}, set(music_))
        self.assertFalse({"etc", "music2-link", "secret", "passwd"} & set(music_))
        _, _, body = await self.get(page + music_["Artist"])
        _, _, body = await self.get(page + links(body.decode())["Album"])
        album = links(body.decode())
        self.assertEqual(set(album) - {"Up"}, {"Tagged Song", "cover", "flac"})
        _, _, body = await self.get(page + album["Tagged Song"])
        source = re.search(r'<audio controls preload="metadata" src="(/media/[^"]+)"', body.decode())
        assert source is not None, body
        code, headers, data = await self.get("/".join(origin) + source[1])
        self.assertEqual((code, data), (200, (music / "Artist/Album/01 song.mp3").read_bytes()))

        _, _, body = await self.get(page + music_["pictures"])
        pictures = links(body.decode())
        self.assertIn('a "q" & <b>', pictures)
        self.assertIn("a &quot;q&quot; &amp; &lt;b&gt;", body.decode())
        _, _, body = await self.get(page + pictures["picture"])
        self.assertRegex(body.decode(), r'<img src="/media/\d+\.png" alt="picture">')
        _, _, body = await self.get(page + music_["video"])
        clip = links(body.decode())["clip"]
        _, _, body = await self.get(page + clip)
        self.assertRegex(body.decode(), r'<video controls preload="metadata" src="/media/\d+\.(mp4|mkv)"')

        _, _, body = await self.get(page + music_["many"])
        first = links(body.decode())
        self.assertEqual(len([name for name in first if name.startswith("p")]), 50)
        self.assertIn(f"1\u201350 of {MANY}", body.decode())
        _, _, body = await self.get(page + first["Next"])
        second = links(body.decode())
        self.assertEqual(sorted(name for name in second if name.startswith("p0") or name.startswith("p1")), [f"p{n:03}" for n in range(50, MANY)])
        self.assertIn("Previous", second)
        self.assertNotIn("Next", second)

        code, _, body = await self.get(page + "?browse=no-such-thing")
        self.assertEqual(code, 200)
        self.assertIn("(701)", body.decode())
        code, _, body = await self.get(page + "?play=%3Cscript%3E")
        self.assertNotIn("<script>alert", body.decode())
        self.assertNotIn("Traceback", process.output)


def pngSize(path: Path) -> tuple[int, int]:
    """
    The width and height of a PNG file.
    """
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class PanelBrowserTests(SynchronousTestCase):
    """
    A person browsing and playing the library in Chromium, across a link.
    """

    def test_personBrowsesAndPlays(self) -> None:
        """
        Chromium clicks down to the album, plays the song (its metadata
        loads: 3 s), shows a picture (it decodes: 32 px wide), pages
        through a folder of 61 pictures (50, then 11); the browser logs no
        error (no CSP refusal); the screenshots are whole pages.
        """
        reason = browserMissing()
        if reason is not None:
            missing(reason)
        needFFmpeg()
        base = Path(tempfile.mkdtemp(prefix="cl-media-panel-"))
        self.addCleanup(shutil.rmtree, base, True)
        os.chmod(base, 0o755)
        music = library(base)
        topology = Topology.build(clientCount=1)
        self.addCleanup(topology.destroy)
        client = topology.clients[0]
        log = topology.startDaemon(
            "--media", str(music), "--media-name", "Den", "--uuid", f"uuid:{UUID}", "--http-port", PORT,
            stateDirectory=os.path.abspath(self.mktemp()),
        )
        log.waitFor("Media scan done")
        shots = Path(self.mktemp())
        shots.mkdir()
        result = json.loads(
            run(
                "ip", "netns", "exec", client.namespace, sys.executable, str(PROBE),
                f"http://{client.deviceAddress}:{PORT}/{UUID}/", str(shots.absolute()), timeout=120,
            ).stdout
        )
        self.assertNotIn("error", result, result)
        self.assertEqual(result["title"], "Den")
        self.assertEqual(result["root"], [["folder", "music"], ["folder", "Music"], ["folder", "Photos"], ["folder", "Videos"], ["folder", "Recently added"]])
        self.assertIn(["audio", "Tagged Song"], result["album"])
        self.assertTrue(result["audioSource"].startswith(f"http://{client.deviceAddress}:{PORT}/media/"))
        self.assertEqual(round(result["audioDuration"]), 3)
        self.assertEqual(result["imageWidth"], 32)
        self.assertEqual((result["firstPage"], result["secondPage"]), (50, MANY - 50))
        self.assertEqual(result["pager"], "Previous")
        self.assertEqual(result["errors"], [])
        for name in ("album.png", "player.png"):
            width, height = pngSize(shots / name)
            self.assertEqual(width, 1100)
            self.assertGreaterEqual(height, 600)
        if os.environ.get("CL_KEEP_SCREENSHOTS"):
            for name in ("album.png", "player.png"):
                shutil.copyfile(shots / name, Path(os.environ["CL_KEEP_SCREENSHOTS"]) / name)
