"""
The MediaServer as users run it: a real daemon (C{twistd -n upnp-device
--media DIR --interface 127.0.0.1}) over a library made with ffmpeg,
walked and searched by async-upnp-client's DmsDevice as Home Assistant
does, its DIDL-Lite parsed by GUPnP-AV, and updated live.
"""

from __future__ import annotations

import io
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image
from twisted.internet import reactor
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, readBody
from twisted.web.http_headers import Headers

from tests.media.library import EXPECTED, makeLibrary, needFFmpeg
from tests.support.mediaclients import (
    AUDIO_SUFFIXES, checkDIDLParsed, checkLiveUpdate, checkSearches, checkWalk, folderTree, needGUPnPAV, runProbe,
)
from tests.support.prerequisites import missing
from tests.system.mediadaemon import startMediaDaemon
from tests.system.test_cli import Process

HERE = Path(__file__).parent
DMS_PROBE = HERE / "dms_probe.py"
GUPNPAV_PROBE = HERE / "gupnpav_probe.py"
EVENTS_PROBE = HERE / "dms_events_probe.py"

try:
    import async_upnp_client  # noqa: F401
except ImportError:
    async_upnp_client = None  # type: ignore[assignment]


class MediaServerTests(TestCase):
    """
    A real MediaServer daemon on loopback, seen by real clients.
    """

    timeout = 180

    def setUp(self) -> None:
        needFFmpeg()
        if async_upnp_client is None:
            missing("async-upnp-client is not installed (pip install '.[test]')")
        self.base = Path(tempfile.mkdtemp(prefix="cl-media-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.music = makeLibrary(self.base)

    async def daemon(self, interface: str = "127.0.0.1") -> str:
        """
        Start the daemon serving the library on C{interface}; return its
        description URL once the first scan and the thumbnails are done.
        """
        daemon = await startMediaDaemon(self, self.music, self.base / "state", interface=interface)
        self.process = daemon.process
        self.assertEqual(daemon.name, "Den")
        self.assertLess(daemon.log.index("Hosting"), daemon.log.index("Media scan done"))
        await daemon.process.waitFor("Media thumbnails done", 60)
        return daemon.location

    async def probe(self, executable: str, *arguments: str) -> Any:
        """
        Run a probe; return the JSON it printed.
        """
        return await runProbe(self, (), executable, *arguments, context=lambda: self.process.output)

    async def test_homeAssistantWalk(self) -> None:
        """
        DmsDevice walks the whole library: every readable file exactly
        once in the folder tree (the views are walked too: every object
        has an id of its own), with its title and duration, nothing
        outside the folder;
        child counts match the pages; Home Assistant's path search resolves
        a path title by title; a class search, C{*} and the error codes
        answer as the spec says; res URLs carry the ids and serve the
        files' bytes; pictures and videos have their JPEG_TN thumbnail as
        album art and second res; the album art URLs of tracks are the
        thumbnails of the folder cover and of the embedded picture.
        """
        location = await self.daemon()
        found = await self.probe(sys.executable, str(DMS_PROBE), location, "music/Artist/Album/Tagged Song")
        byTitle = checkWalk(self, found, "http://127.0.0.1:")
        checkSearches(self, found)
        for each in folderTree(found["objects"]):
            if each["class"].startswith(("object.item.imageItem", "object.item.videoItem")):
                self.assertEqual(len(each["res"]), 2, each)
                self.assertEqual(each["res"][1]["url"], each["art"])
                self.assertTrue(each["art"].endswith(f"/media/{each['id']}.tn.jpg"), each)
        song = byTitle["Tagged Song"]
        self.assertEqual(song["art"], byTitle["cover"]["art"])
        response = await Agent(reactor).request(b"GET", song["art"].encode("ascii"))
        thumbnail = await readBody(response)
        with Image.open(io.BytesIO(thumbnail)) as image, Image.open(self.music / "Artist/Album/cover.jpg") as original:
            self.assertEqual((image.format, image.size), ("JPEG", original.size))
        embedded = byTitle["art"]
        self.assertNotEqual(embedded["art"], song["art"])
        self.assertTrue(embedded["art"].endswith(".tn.jpg"), embedded)
        response = await Agent(reactor).request(b"GET", embedded["art"].encode("ascii"))
        self.assertEqual(await readBody(response), thumbnail)
        for each in byTitle.values():
            if each["title"] in ("Tagged Song", "picture"):
                response = await Agent(reactor).request(b"GET", each["res"][0]["url"].encode("ascii"))
                self.assertEqual(response.code, 200)
                self.assertEqual(await readBody(response), (self.music / next(
                    name for name, (title, _) in EXPECTED.items() if title == each["title"]
                )).read_bytes())
        self.assertNotIn("Traceback", self.process.output)

    async def test_overIPv6(self) -> None:
        """
        Over IPv6 loopback the same walk finds the same items, with res URLs
        on C{[::1]} that serve the files.
        """
        try:
            probe = socket.socket(socket.AF_INET6)
            probe.bind(("::1", 0))
            probe.close()
        except OSError:
            missing("IPv6 loopback (::1) is not available")
        location = await self.daemon("::1")
        self.assertTrue(location.startswith("http://[::1]:"), location)
        found = await self.probe(sys.executable, str(DMS_PROBE), location, "music/Artist/Album/Tagged Song")
        url = checkWalk(self, found, "http://[::1]:")["Tagged Song"]["res"][0]["url"]
        response = await Agent(reactor).request(b"GET", url.encode("ascii"))
        self.assertEqual(await readBody(response), (self.music / "Artist/Album/01 song.mp3").read_bytes())

    async def test_gupnpavParsesEveryPage(self) -> None:
        """
        GUPnP-AV's DIDL-Lite parser reads every page of every container
        without an error: the same items, hostile names included.
        """
        needGUPnPAV()
        location = await self.daemon()
        control = location.rsplit("/", 1)[0] + "/ContentDirectory/control"
        found = await self.probe("/usr/bin/python3", str(GUPNPAV_PROBE), control)
        checkDIDLParsed(self, found)
        for item in found["items"]:
            if item["class"].startswith(("object.item.imageItem", "object.item.videoItem")):
                self.assertEqual((item["mime"][1], item["profiles"][1], item["art"]), ("image/jpeg", "JPEG_TN", item["uris"][1]))

    async def test_thumbnailsAndSubtitles(self) -> None:
        """
        DmsDevice finds a picture's and a video's thumbnail (album art and
        a JPEG_TN res) and a video's subtitle (a C{text/srt} res and
        C{sec:CaptionInfoEx}); fetched from those URLs, the thumbnails are
        JPEGs of at most 160×160 with their aspect and the subtitle is the
        C{.srt}'s bytes, each with its Content-Type; the video answers
        C{getCaptionInfo.sec: 1} with the subtitle's URL; the C{.srt} is
        no item of its own.
        """
        subtitle = "1\r\n00:00:00,000 --> 00:00:01,000\r\nCaf\u00e9 & <i>bye</i>\r\n".encode("utf-8")
        (self.music / "video/clip.srt").write_bytes(subtitle)
        Image.new("RGB", (1280, 720), (0, 90, 200)).save(self.music / "pictures/wide.jpg")
        location = await self.daemon()
        found = await self.probe(sys.executable, str(DMS_PROBE), location)
        items = {(each["title"], each["res"][0]["url"].rsplit(".", 1)[1]): each for each in folderTree(found["objects"])
                 if each["class"].startswith("object.item")}
        self.assertEqual(sorted(key for key in items if key[0] == "clip"), [("clip", "mkv"), ("clip", "mp4")])
        for key, size in ((("wide", "jpg"), (160, 90)), (("clip", "mp4"), (160, 120)), (("clip", "mkv"), (160, 120))):
            each = items[key]
            self.assertTrue(each["res"][1]["protocol_info"].startswith("http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_TN;"), each)
            response = await Agent(reactor).request(b"GET", each["art"].encode("ascii"))
            body = await readBody(response)
            self.assertEqual((response.code, response.headers.getRawHeaders(b"Content-Type")), (200, [b"image/jpeg"]))
            self.assertEqual(len(body), int(each["res"][1]["size"]))
            with Image.open(io.BytesIO(body)) as image:
                self.assertEqual((image.format, image.size), ("JPEG", size), key)
        for key in (("clip", "mp4"), ("clip", "mkv")):
            each = items[key]
            self.assertEqual(len(each["res"]), 3)
            srt = each["res"][2]
            self.assertEqual((srt["protocol_info"], each["caption"]), ("http-get:*:text/srt:*", srt["url"]))
            response = await Agent(reactor).request(b"GET", srt["url"].encode("ascii"))
            self.assertEqual((response.code, response.headers.getRawHeaders(b"Content-Type")), (200, [b"text/srt"]))
            self.assertEqual(await readBody(response), subtitle)
            response = await Agent(reactor).request(
                b"HEAD", each["res"][0]["url"].encode("ascii"), Headers({b"getCaptionInfo.sec": [b"1"]})
            )
            self.assertEqual(response.headers.getRawHeaders(b"CaptionInfo.sec"), [srt["url"].encode("ascii")])
        self.assertNotIn("Traceback", self.process.output)

    async def test_views(self) -> None:
        """
        DmsDevice browses the views the root lists after the media folder:
        Music's tracks, Photos' pictures and Videos' clips are references
        (refID) to the folder tree's items, with their titles and res URLs
        and ids of their own; an artist holds its track; Recently added
        holds every file; BrowseMetadata of a reference answers it.
        """
        location = await self.daemon()
        found = await self.probe(sys.executable, str(DMS_PROBE), location)
        objects = found["objects"]
        self.assertEqual([each["title"] for each in objects if each["parent_id"] == "0"][1:],
                         ["Music", "Photos", "Videos", "Recently added"])
        tree = {each["id"]: each for each in folderTree(objects)}
        references = [each for each in objects if each["ref_id"]]
        for each in references:
            original = tree[each["ref_id"]]
            self.assertNotEqual(each["id"], original["id"])
            self.assertEqual((each["title"], each["res"]), (original["title"], original["res"]))

        def titles(parent: str) -> list[str]:
            return sorted(each["title"] for each in references if each["parent_id"] == parent)

        def expected(suffixes: tuple[str, ...]) -> list[str]:
            return sorted(title for name, (title, _) in EXPECTED.items() if name.endswith(suffixes))

        self.assertEqual(titles("music/tracks"), expected(AUDIO_SUFFIXES))
        self.assertEqual(titles("videos"), ["clip", "clip"])
        self.assertEqual(sorted(each["title"] for each in references if each["top"] == "photos"), expected((".jpg", ".png")))
        self.assertEqual(len(titles("recent")), len(EXPECTED))
        [artist] = [each for each in objects if each["parent_id"] == "music/artists" and each["title"] == "The Artist"]
        self.assertEqual(titles(artist["id"]), ["Tagged Song"])
        self.assertEqual(found["reference"], {key: value for key, value in references[0].items() if key != "top"})
        self.assertNotIn("Traceback", self.process.output)

    async def test_liveUpdate(self) -> None:
        """
        A file added, then one removed, shows in Browse and in an evented
        SystemUpdateID within 10 s each.
        """
        location = await self.daemon()
        events = Process("the event probe").spawn(str(EVENTS_PROBE), location)
        self.addCleanup(events.stop)
        await events.waitFor("subscribed", 20)
        await checkLiveUpdate(self, events.waitFor, self.base, self.music)
