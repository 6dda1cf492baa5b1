"""
Tests for L{coherence_lite.media.thumbnailer} with L{coherence_lite.media.index}
and L{coherence_lite.media.contentdirectory}: a real library (made with
ffmpeg and Pillow) scanned into a real store, its thumbnails made once per
file version, cached, served by object id, shown in Browse, and deleted
with the files; sidecar subtitles found and linked.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from PIL import Image
from twisted.internet import reactor
from twisted.internet.task import Clock
from twisted.logger import ILogObserver, formatEvent, globalLogPublisher
from twisted.trial.unittest import TestCase
from zope.interface import provider

from coherence_lite.backend.request import localAddress
from coherence_lite.media.contentdirectory import ContentDirectory
from coherence_lite.media.index import Library
from coherence_lite.media.thumbnailer import Thumbnailer, frameTime
from tests.media.library import makeLibrary, needFFmpeg

DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
UPNP = "{urn:schemas-upnp-org:metadata-1-0/upnp/}"
DC = "{http://purl.org/dc/elements/1.1/}"
DLNA = "{urn:schemas-dlna-org:metadata-1-0/}"
SEC = "{http://www.sec.co.kr/}"

SUBTITLE = b"1\r\n00:00:00,000 --> 00:00:01,500\r\nHello & <b>bye</b>\r\n\r\n"


class ThumbnailerTests(TestCase):
    """
    The thumbnailer over a scanned library.
    """

    timeout = 180

    def setUp(self) -> None:
        needFFmpeg()
        self.base = Path(tempfile.mkdtemp(prefix="cl-thumbs-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.music = makeLibrary(self.base)
        Image.new("RGB", (1280, 720), (0, 90, 200)).save(self.music / "pictures/wide.jpg")
        (self.music / "pictures/broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken")
        (self.music / "video/clip.srt").write_bytes(SUBTITLE)
        self.thumbs = self.base / "thumbs"
        self.lines: list[str] = []

        @provider(ILogObserver)
        def observe(event: dict[str, Any]) -> None:
            self.lines.append(formatEvent(event))

        globalLogPublisher.addObserver(observe)
        self.addCleanup(globalLogPublisher.removeObserver, observe)

    async def start(self, ffmpeg: str | None = "") -> tuple[Library, Thumbnailer]:
        """
        Scan the library and make its thumbnails; return both, running.
        """
        library = Library([self.music], str(self.base / "state.sqlite"), reactor, self.base / "art", None, self.thumbs)
        thumbnailer = Thumbnailer(library, self.thumbs, reactor, ffmpeg=ffmpeg)
        library.startService()
        thumbnailer.startService()
        self.addCleanup(lambda: library.stopService() if library.running else None)
        self.addCleanup(lambda: thumbnailer.stopService() if thumbnailer.running else None)
        await thumbnailer.done
        return library, thumbnailer

    async def idOf(self, library: Library, name: str) -> int:
        """
        The object id of a file of the library.
        """
        path = os.fsencode(self.music / name)
        found = await library.run(lambda connection: connection.execute("SELECT id FROM objects WHERE path = ?", (path,)).fetchone())
        assert found is not None, name
        return int(found[0])

    async def browse(self, library: Library, objectId: int, flag: str = "BrowseMetadata") -> list[ET.Element]:
        """
        Browse through a ContentDirectory over the library, from 127.0.0.1:8200.
        """
        backend = ContentDirectory(library, Clock())
        self.addCleanup(backend.stop)
        token = localAddress.set(("127.0.0.1", 8200))
        try:
            answer = backend.runtime.invoke("Browse", {
                "ObjectID": str(objectId), "BrowseFlag": flag, "Filter": "*",
                "StartingIndex": 0, "RequestedCount": 0, "SortCriteria": "",
            })
        finally:
            localAddress.reset(token)
        return list(ET.fromstring((await answer)["Result"]))

    def logged(self, text: str) -> list[str]:
        """
        The log lines containing C{text}.
        """
        return [line for line in self.lines if text in line]

    async def test_madeServedAndShown(self) -> None:
        """
        Every picture, the embedded album art and both videos get a JPEG of
        at most 160×160 (aspect kept), served by object id as JPEG_TN; the
        broken picture gets none and one log line; Browse shows a picture's
        thumbnail as its album art and a second res, a track's album art as
        its cover's thumbnail, and a video's subtitle as a third res and
        C{sec:CaptionInfoEx}; the video's own target names its subtitle.
        """
        library, thumbnailer = await self.start()
        self.assertEqual((thumbnailer.made, thumbnailer.failed), (9, 1))
        self.assertEqual(len(self.logged("Media thumbnails done: 9 made, 1 failed")), 1)
        self.assertEqual(len(self.logged("No thumbnail for")), 1)
        self.assertIn("broken.jpg", self.logged("No thumbnail for")[0])
        self.assertEqual(len(os.listdir(self.thumbs)), 9)
        for name, size in (("pictures/wide.jpg", (160, 90)), ("video/clip.mp4", (160, 120)), ("Artist/Album/cover.jpg", (64, 48))):
            target = await library.lookup(f"{await self.idOf(library, name)}.tn")
            assert target is not None, name
            self.assertEqual((target.mimeType, target.dlnaProfile, target.converted), ("image/jpeg", "JPEG_TN", True))
            self.assertEqual(target.path.parent, self.thumbs.resolve())
            with Image.open(target.path) as image:
                self.assertEqual((image.format, image.size), ("JPEG", size), name)
        self.assertIsNone(await library.lookup(f"{await self.idOf(library, 'pictures/broken.jpg')}.tn"))
        self.assertIsNone(await library.lookup(f"{await self.idOf(library, 'Artist/Album/01 song.mp3')}.tn"))
        self.assertIsNone(await library.lookup("1.xx"))

        wide = await self.idOf(library, "pictures/wide.jpg")
        [item] = await self.browse(library, wide)
        art = item.find(UPNP + "albumArtURI")
        assert art is not None
        self.assertEqual((art.text, art.get(DLNA + "profileID")), (f"http://127.0.0.1:8200/media/{wide}.tn.jpg", "JPEG_TN"))
        original, thumbnail = item.findall(DIDL + "res")
        self.assertEqual(original.text, f"http://127.0.0.1:8200/media/{wide}.jpg")
        self.assertTrue(thumbnail.get("protocolInfo", "").startswith("http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_TN;"))
        self.assertIn("DLNA.ORG_CI=1", thumbnail.get("protocolInfo", ""))
        self.assertEqual((thumbnail.text, thumbnail.get("resolution")), (art.text, "160x90"))

        song = await self.idOf(library, "Artist/Album/01 song.mp3")
        cover = await self.idOf(library, "Artist/Album/cover.jpg")
        [track] = await self.browse(library, song)
        self.assertEqual(track.findtext(UPNP + "albumArtURI"), f"http://127.0.0.1:8200/media/{cover}.tn.jpg")
        self.assertEqual(len(track.findall(DIDL + "res")), 1)

        clip = await self.idOf(library, "video/clip.mp4")
        [video] = await self.browse(library, clip)
        resources = video.findall(DIDL + "res")
        self.assertEqual([res.get("protocolInfo", "").split(":")[2] for res in resources], ["video/mp4", "image/jpeg", "text/srt"])
        self.assertEqual(resources[2].get("protocolInfo"), "http-get:*:text/srt:*")
        self.assertEqual(resources[2].get("size"), str(len(SUBTITLE)))
        caption = video.find(SEC + "CaptionInfoEx")
        assert caption is not None
        self.assertEqual((caption.text, caption.get(SEC + "type")), (f"http://127.0.0.1:8200/media/{clip}.sub.srt", "srt"))
        target = await library.lookup(str(clip))
        assert target is not None
        self.assertEqual(target.caption, f"{clip}.sub.srt")
        subtitle = await library.lookup(f"{clip}.sub")
        assert subtitle is not None
        self.assertEqual((subtitle.mimeType, subtitle.path.read_bytes()), ("text/srt", SUBTITLE))
        folder = await self.idOf(library, "video")
        titles = [each.findtext(DC + "title") for each in await self.browse(library, folder, "BrowseDirectChildren")]
        self.assertEqual(sorted(titles), ["clip", "clip"])

    async def test_changedAndRemoved(self) -> None:
        """
        A changed picture gets a new thumbnail and its old one is deleted;
        a removed one's is deleted; the broken one is not tried (nor
        logged) again; a removed subtitle is no longer linked; the folders'
        UpdateIDs are told.
        """
        library, thumbnailer = await self.start()
        wide = await self.idOf(library, "pictures/wide.jpg")
        before = await library.lookup(f"{wide}.tn")
        assert before is not None
        told: list[dict[int, int]] = []
        library.listeners.append(lambda system, containers: told.append(containers))
        Image.new("RGB", (300, 600)).save(self.music / "pictures/wide.jpg")
        os.utime(self.music / "pictures/wide.jpg", (1, 1))
        picture = await library.lookup(f"{await self.idOf(library, 'pictures/picture.png')}.tn")
        assert picture is not None
        (self.music / "pictures/picture.png").unlink()
        (self.music / "video/clip.srt").unlink()
        await library.rescan(os.fsencode(self.music / "pictures"))
        await library.rescan(os.fsencode(self.music / "video"))
        await thumbnailer.whenIdle()
        after = await library.lookup(f"{wide}.tn")
        assert after is not None
        self.assertNotEqual(after.path, before.path)
        self.assertFalse(before.path.exists())
        self.assertFalse(picture.path.exists())
        with Image.open(after.path) as image:
            self.assertEqual(image.size, (80, 160))
        self.assertEqual(len(os.listdir(self.thumbs)), 8)
        self.assertEqual(len(self.logged("No thumbnail for")), 1)
        clip = await self.idOf(library, "video/clip.mp4")
        self.assertIsNone(await library.lookup(f"{clip}.sub"))
        target = await library.lookup(str(clip))
        assert target is not None
        self.assertIsNone(target.caption)
        pictures = await self.idOf(library, "pictures")
        self.assertTrue(any(pictures in containers for containers in told), told)

    async def test_withoutFFmpeg(self) -> None:
        """
        Without ffmpeg, one log line says so, the videos get no thumbnail
        and the pictures do.
        """
        library, thumbnailer = await self.start(ffmpeg=None)
        self.assertEqual(len(self.logged("No video thumbnails: ffmpeg is not installed")), 1)
        self.assertEqual(thumbnailer.made, 7)
        self.assertIsNone(await library.lookup(f"{await self.idOf(library, 'video/clip.mkv')}.tn"))

    async def test_keptAcrossRestarts(self) -> None:
        """
        A second start makes no thumbnail again: they are kept for the
        same file versions.
        """
        library, thumbnailer = await self.start()
        kept = sorted(os.listdir(self.thumbs))
        thumbnailer.stopService()
        library.stopService()
        library, thumbnailer = await self.start()
        self.assertEqual((thumbnailer.made, thumbnailer.failed), (0, 0))
        self.assertEqual(sorted(os.listdir(self.thumbs)), kept)

    def test_frameTime(self) -> None:
        """
        A tenth of the duration, else 5 s.
        """
        self.assertEqual((frameTime(120.0), frameTime(None), frameTime(0.0)), (12.0, 5.0, 5.0))
