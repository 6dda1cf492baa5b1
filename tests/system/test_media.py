"""
The MediaServer as users run it: a real daemon (C{twistd -n upnp-device
--media DIR --interface 127.0.0.1}) over a library made with ffmpeg,
walked and searched by async-upnp-client's DmsDevice as Home Assistant
does, its DIDL-Lite parsed by GUPnP-AV, and updated live.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from twisted.internet import reactor
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, readBody

from tests.media.library import EXPECTED, makeLibrary, makeMedia, needFFmpeg
from tests.support import freeUDPPort
from tests.support.prerequisites import missing
from tests.system.test_cli import HOSTING, Process, environment

HERE = Path(__file__).parent
DMS_PROBE = HERE / "dms_probe.py"
GUPNPAV_PROBE = HERE / "gupnpav_probe.py"
EVENTS_PROBE = HERE / "dms_events_probe.py"

try:
    import async_upnp_client  # noqa: F401
except ImportError:
    async_upnp_client = None  # type: ignore[assignment]

#: The suffixes of the files each kind of view lists.
AUDIO = (".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav")
PICTURES = (".jpg", ".png")


def folderTree(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """
    The objects a probe's walk found below the media folders (not below the
    views the root lists after them).
    """
    folders = {each["id"] for each in objects if each["parent_id"] == "0" and each["class"] == "object.container.storageFolder"}
    return [each for each in objects if each["top"] in folders]


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
        description URL once the first scan is done.
        """
        process = Process("the daemon").spawn(
            "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
            "-n", "--pidfile=", "--logfile=-", "upnp-device",
            "--interface", interface, "--ssdp-port", str(freeUDPPort()), "--http-port", "0",
            "--state-dir", str(self.base / "state"), "--media", str(self.music), "--media-name", "Den",
        )
        self.addCleanup(process.stop)
        self.process = process
        log = await process.waitFor("Hosting", 20)
        hosting = HOSTING.search(log)
        assert hosting is not None, log
        self.assertEqual(hosting["name"], "Den")
        log = await process.waitFor("Media scan done", 60)
        self.assertLess(log.index("Hosting"), log.index("Media scan done"))
        return hosting["location"]

    async def probe(self, executable: str, *arguments: str) -> Any:
        """
        Run a probe; return the JSON it printed.
        """
        out, err, code = await getProcessOutputAndValue(executable, arguments, env=environment(), reactor=reactor)
        self.assertEqual(code, 0, err.decode(errors="replace") + "\n" + self.process.output)
        return json.loads(out)

    async def test_homeAssistantWalk(self) -> None:
        """
        DmsDevice walks the whole library: every readable file exactly
        once in the folder tree (the views are walked too: every object
        has an id of its own), with its title and duration, nothing
        outside the folder;
        child counts match the pages; Home Assistant's path search resolves
        a path title by title; a class search, C{*} and the error codes
        answer as the spec says; res URLs carry the ids and serve the
        files' bytes, the album art URLs the folder cover's and the embedded
        picture's.
        """
        location = await self.daemon()
        found = await self.probe(sys.executable, str(DMS_PROBE), location, "music/Artist/Album/Tagged Song")
        tree = folderTree(found["objects"])
        items = [each for each in tree if each["class"].startswith("object.item")]
        self.assertEqual(sorted(each["title"] for each in items), sorted(title for title, _ in EXPECTED.values()))
        self.assertEqual(len({each["id"] for each in found["objects"]}), len(found["objects"]))
        durations = {each["title"]: each["res"][0]["duration"] for each in items}
        for title, seconds in EXPECTED.values():
            if seconds is None:
                continue
            hours, minutes, rest = durations[title].split(":")
            self.assertEqual(round(int(hours) * 3600 + int(minutes) * 60 + float(rest)), seconds, title)
        for each in items:
            self.assertEqual(len(each["res"]), 1)
            url = each["res"][0]["url"]
            self.assertTrue(url.startswith("http://127.0.0.1:") and f"/media/{each['id']}." in url, url)
        for title in ("sibling", "secret", "passwd"):
            self.assertNotIn(title, {each["title"] for each in found["objects"]})
        containers = {each["id"]: each for each in found["objects"] if each["class"].startswith("object.container")}
        for objectId, total in found["totals"].items():
            if objectId != "0":
                self.assertEqual(int(containers[objectId]["child_count"]), total)
        self.assertEqual(len(found["resolved"]), 4)
        self.assertNotIn(None, found["resolved"])
        song = [each for each in items if each["title"] == "Tagged Song"][0]
        self.assertEqual(found["resolved"][-1], song["id"])
        self.assertTrue(song["art"].endswith(".jpg"))
        cover = (self.music / "Artist/Album/cover.jpg").read_bytes()
        response = await Agent(reactor).request(b"GET", song["art"].encode("ascii"))
        self.assertEqual(await readBody(response), cover)
        embedded = [each for each in items if each["title"] == "art"][0]
        self.assertNotEqual(embedded["art"], song["art"])
        response = await Agent(reactor).request(b"GET", embedded["art"].encode("ascii"))
        self.assertEqual(await readBody(response), cover)
        self.assertEqual(found["audio"], sorted(title for name, (title, _) in EXPECTED.items() if name.endswith(AUDIO)))
        self.assertEqual(found["everything"], [2, len(tree)])
        self.assertEqual(
            found["errors"],
            {"browse_missing": 701, "search_bad": 708, "search_caps": 708, "search_missing": 710, "sort_bad": 709},
        )
        self.assertIn("dc:title", found["search_capabilities"])
        self.assertIn("@parentID", found["search_capabilities"])
        self.assertTrue(any(info.startswith("http-get:*:audio/mpeg:") for info in found["protocol_info"]))
        for each in items:
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
        items = [each for each in folderTree(found["objects"]) if each["class"].startswith("object.item")]
        self.assertEqual(sorted(each["title"] for each in items), sorted(title for title, _ in EXPECTED.values()))
        self.assertNotIn(None, found["resolved"])
        song = [each for each in items if each["title"] == "Tagged Song"][0]
        url = song["res"][0]["url"]
        self.assertTrue(url.startswith("http://[::1]:"), url)
        response = await Agent(reactor).request(b"GET", url.encode("ascii"))
        self.assertEqual(await readBody(response), (self.music / "Artist/Album/01 song.mp3").read_bytes())

    async def test_gupnpavParsesEveryPage(self) -> None:
        """
        GUPnP-AV's DIDL-Lite parser reads every page of every container
        without an error: the same items, hostile names included.
        """
        if not Path("/usr/bin/python3").exists() or subprocess.run(
            ["/usr/bin/python3", "-c", "import gi; gi.require_version('GUPnPAV', '1.0')"], capture_output=True
        ).returncode:
            missing("GUPnP-AV for the system Python is not installed (apt-get install python3-gi gir1.2-gupnpav-1.0)")
        location = await self.daemon()
        control = location.rsplit("/", 1)[0] + "/ContentDirectory/control"
        found = await self.probe("/usr/bin/python3", str(GUPNPAV_PROBE), control)
        self.assertEqual(found["errors"], [])
        tree = {item["id"]: item for item in found["items"] if item["ref_id"] is None}
        self.assertEqual(sorted(item["title"] for item in tree.values()), sorted(title for title, _ in EXPECTED.values()))
        self.assertTrue(all(item["uris"] for item in found["items"]))
        references = [item for item in found["items"] if item["ref_id"] is not None]
        self.assertTrue(references)
        for item in references:
            self.assertEqual((item["title"], item["uris"]), (tree[item["ref_id"]]["title"], tree[item["ref_id"]]["uris"]))

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

        self.assertEqual(titles("music/tracks"), sorted(title for name, (title, _) in EXPECTED.items() if name.endswith(AUDIO)))
        self.assertEqual(titles("videos"), ["clip", "clip"])
        self.assertEqual(sorted(each["title"] for each in references if each["top"] == "photos"),
                         sorted(title for name, (title, _) in EXPECTED.items() if name.endswith(PICTURES)))
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
        makeMedia(self.base / "new.flac", "title=Fresh Track")
        os.rename(self.base / "new.flac", self.music / "other/new.flac")
        await events.waitFor("Fresh Track", 10)
        (self.music / "other/pcm.wav").unlink()
        await events.waitFor("gone pcm", 10)
        lines = [json.loads(line) for line in events.output.splitlines() if line.startswith("{")]
        evented = [line["SystemUpdateID"] for line in lines if "SystemUpdateID" in line]
        self.assertGreaterEqual(len(set(evented)), 2, events.output)
        self.assertEqual(evented, sorted(evented))
        self.assertTrue(all(line.get("ContainerUpdateIDs") for line in lines), events.output)
