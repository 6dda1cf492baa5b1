"""
Tests for L{coherence_lite.media.scanner} and L{coherence_lite.media.index}:
a real library (made with ffmpeg) scanned into a real store.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from twisted.internet import reactor
from twisted.logger import ILogObserver, LogLevel, formatEvent, globalLogPublisher
from twisted.trial.unittest import TestCase
from zope.interface import provider

from coherence_lite.media.index import Library
from coherence_lite.media.scanner import ignorePattern
from coherence_lite.media.store import Row, fetchRow, systemUpdateId
from tests.media.library import EXPECTED, makeLibrary, makeMedia, needFFmpeg


def allRows(connection: object) -> list[Row]:
    """
    Every object of the store but the root.
    """
    from coherence_lite.media.store import COLUMNS

    return [Row(*row) for row in connection.execute(f"SELECT {COLUMNS} FROM objects WHERE id != 0")]  # type: ignore[attr-defined]


class ScanTests(TestCase):
    """
    Scanning a library lists every readable media file once, with its
    metadata, and nothing outside the media folder.
    """

    timeout = 120

    def setUp(self) -> None:
        needFFmpeg()
        self.base = Path(tempfile.mkdtemp(prefix="cl-media-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.music = makeLibrary(self.base)
        self.database = self.base / "state.sqlite"

    async def scan(self) -> tuple[Library, list[Row], list[tuple[int, dict[int, int]]]]:
        """
        Scan the library with a new L{Library} on the same store; return it
        (running), every row and the changes it told.
        """
        library = Library([self.music], str(self.database), reactor, self.base / "art")
        told: list[tuple[int, dict[int, int]]] = []
        library.listeners.append(lambda system, containers: told.append((system, containers)))
        library.startService()
        self.addCleanup(lambda: library.stopService() if library.running else None)
        await library.scanned
        return library, await library.run(allRows), told

    async def test_everything(self) -> None:
        """
        Each readable media file is listed once, with its title and
        duration; folders are containers with their child counts; the
        cover becomes the tracks' art, an embedded picture a file of the art
        folder served by its own id; symlinks outside are skipped.
        """
        library, rows, told = await self.scan()
        items = {os.fsdecode(row.path or b"").removeprefix(str(self.music) + "/"): row for row in rows if not row.container and row.parent is not None}
        self.assertEqual(sorted(items), sorted(EXPECTED))
        for name, (title, duration) in EXPECTED.items():
            row = items[name]
            self.assertEqual(row.title, title, name)
            self.assertEqual(None if row.duration is None else round(row.duration), duration, name)
        song = items["Artist/Album/01 song.mp3"]
        self.assertEqual((song.artist, song.album, song.genre, song.track, song.date), ("The Artist", "The Album", "Rock", 1, "2021"))
        self.assertEqual((song.mime, song.cls, song.sampleRate, song.channels), ("audio/mpeg", "object.item.audioItem.musicTrack", 44100, 1))
        self.assertEqual(song.art, items["Artist/Album/cover.jpg"].id)
        self.assertEqual(items["video/clip.mp4"].resolution, "320x240")
        self.assertEqual(items["pictures/picture.png"].resolution, "32x24")
        folders = {row.title: row for row in rows if row.container}
        self.assertEqual(sorted(folders), ["Album", "Artist", "embedded", "music", "other", "pictures", "video"])
        self.assertEqual(folders["Album"].childCount, 3)
        self.assertEqual(folders["music"].parent, 0)
        self.assertGreater(await library.run(systemUpdateId), 0)
        self.assertTrue(told)
        target = await library.lookup(str(song.id))
        assert target is not None
        self.assertEqual((target.path, target.mimeType, target.size), ((self.music / "Artist/Album/01 song.mp3").resolve(), "audio/mpeg", song.size))
        self.assertIsNone(await library.lookup(str(folders["Album"].id)))
        embedded = items["embedded/art.mp3"]
        self.assertIsNone(embedded.art)
        assert embedded.embeddedArt is not None
        picture = await library.lookup(str(embedded.embeddedArt))
        assert picture is not None
        self.assertEqual(picture.path.parent, (self.base / "art").resolve())
        self.assertEqual((picture.mimeType, picture.path.read_bytes()), ("image/jpeg", (self.music / "Artist/Album/cover.jpg").read_bytes()))
        self.assertIsNone(song.embeddedArt)
        self.assertIsNone(await library.lookup("../../etc/passwd"))
        self.assertIsNone(await library.lookup("999999"))
        for malformed in ("\u00b2", "\u0663", "0" + str(song.id)):
            self.assertIsNone(await library.lookup(malformed), malformed)

    async def test_brokenFile(self) -> None:
        """
        A file its reader refuses is listed by its name, with one log line
        naming it, and the scan goes on.
        """
        (self.music / "other/garbage.flac").write_bytes(b"not a flac file" * 10)
        lines: list[str] = []

        @provider(ILogObserver)
        def observe(event: dict[str, Any]) -> None:
            if event.get("log_level") == LogLevel.warn:
                lines.append(formatEvent(event))

        globalLogPublisher.addObserver(observe)
        self.addCleanup(globalLogPublisher.removeObserver, observe)
        library, rows, _ = await self.scan()
        garbage = [row for row in rows if row.path == os.fsencode(self.music / "other/garbage.flac")]
        self.assertEqual([(row.title, row.duration) for row in garbage], [("garbage", None)])
        self.assertEqual(len([line for line in lines if "garbage.flac" in line]), 1, lines)
        self.assertEqual(len([row for row in rows if not row.container and row.parent is not None]), len(EXPECTED) + 1)

    async def test_rescan(self) -> None:
        """
        A second scan of an unchanged library changes nothing: the same ids,
        no new SystemUpdateID; a changed library keeps the ids of what
        stayed, bumps the SystemUpdateID past the stored one and forgets the
        embedded pictures no track holds any more.
        """
        first, rows, _ = await self.scan()
        system = await first.run(systemUpdateId)
        first.stopService()
        second, again, told = await self.scan()
        self.assertEqual(again, rows)
        self.assertEqual(told, [])
        self.assertEqual(await second.run(systemUpdateId), system)
        second.stopService()
        (self.music / "other/pcm.wav").unlink()
        (self.music / "embedded/art.mp3").unlink()
        makeMedia(self.music / "other/new.flac", "title=Brand New")
        third, changed, told = await self.scan()
        before = {row.path: row.id for row in rows}
        after = {row.path: row.id for row in changed}
        pictures = list((self.base / "art").iterdir())
        self.assertEqual(pictures, [])
        self.assertEqual(
            set(before) - set(after),
            {os.fsencode(self.music / "other/pcm.wav"), os.fsencode(self.music / "embedded/art.mp3")}
            | {row.path for row in rows if row.parent is None},
        )
        self.assertEqual(set(after) - set(before), {os.fsencode(self.music / "other/new.flac")})
        self.assertEqual({path: before[path] for path in after if path in before}, {path: after[path] for path in after if path in before})
        other = [row for row in changed if row.title == "other"][0]
        embedded = [row for row in changed if row.title == "embedded"][0]
        self.assertEqual(len(told), 2)
        newSystem = told[-1][0]
        self.assertGreater(newSystem, system)
        containers: dict[int, int] = {}
        for _, each in told:
            containers.update(each)
        self.assertEqual(sorted(containers), sorted([other.id, embedded.id]))
        self.assertEqual(max(containers.values()), newSystem)
        self.assertEqual((await third.run(fetchRow, other.id)).updateId, newSystem)  # type: ignore[union-attr]

    async def test_liveRescan(self) -> None:
        """
        L{Library.rescan} of one folder picks up a new subfolder and its
        files, and a removed file.
        """
        library, rows, told = await self.scan()
        makeMedia(self.music / "other/sub/fresh.mp3", "title=Fresh")
        (self.music / "other/vorbis.ogg").unlink()
        del told[:]
        added = await library.rescan(os.fsencode(self.music / "other"))
        self.assertEqual(added, [os.fsencode(self.music / "other/sub")])
        titles = {row.title for row in await library.run(allRows)}
        self.assertIn("Fresh", titles)
        self.assertIn("sub", titles)
        self.assertNotIn("vorbis", titles)
        self.assertEqual(len(told), 2)

    async def test_queryWhileIndexBusy(self) -> None:
        """
        L{Library.query} reads on a thread and connection of its own: it
        answers while the index's thread is busy (a long scan step), and
        sees what the index committed.
        """
        library, rows, told = await self.scan()
        release = threading.Event()
        busy = library.run(lambda connection: release.wait(30))
        try:
            found = await library.query(allRows)
            self.assertFalse(busy.called)
        finally:
            release.set()
        await busy
        self.assertEqual(sorted(row.id for row in found), sorted(row.id for row in rows))
        item = next(row for row in rows if not row.container and row.parent is not None)
        target = await library.lookup(str(item.id))
        assert target is not None
        self.assertEqual(os.fsencode(target.path), item.path)


class IgnoreTests(TestCase):
    """
    Names matching Coherence FSStore's C{ignore_patterns} (regular
    expressions matched from the name's start) are left out, folders with
    all they hold.
    """

    timeout = 120

    def test_pattern(self) -> None:
        """
        L{ignorePattern} joins the expressions so that any of them leaves a
        name out when it matches from the start; none gives L{None}; a bad
        expression raises.
        """
        pattern = ignorePattern(["video$", r".*\.png$"])
        assert pattern is not None
        self.assertTrue(pattern.match(b"video"))
        self.assertTrue(pattern.match(b"picture.png"))
        self.assertFalse(pattern.match(b"my video"))
        self.assertFalse(pattern.match(b"videos"))
        self.assertIsNone(ignorePattern([]))
        self.assertRaises(re.error, ignorePattern, ["("])

    async def test_scanLeavesOut(self) -> None:
        """
        A scan with an ignore pattern lists everything else and nothing
        that matches (nor anything inside a matching folder).
        """
        needFFmpeg()
        base = Path(tempfile.mkdtemp(prefix="cl-media-"))
        self.addCleanup(shutil.rmtree, base, True)
        music = makeLibrary(base)
        library = Library([music], ":memory:", reactor, None, ignorePattern(["video$", r".*\.png$"]))
        library.startService()
        self.addCleanup(lambda: library.stopService() if library.running else None)
        await library.scanned
        rows = await library.run(allRows)
        items = sorted(os.fsdecode(row.path or b"").removeprefix(str(music) + "/") for row in rows if not row.container)
        expected = sorted(name for name in EXPECTED if not name.startswith("video/") and not name.endswith(".png"))
        self.assertEqual(items, expected)
        self.assertNotIn("video", {row.title for row in rows if row.container})

    async def test_nestedMediaFolders(self) -> None:
        """
        A media folder inside another (as Coherence's C{content:/a,content:/a/b}
        allowed) is listed once, at the top, its files once.
        """
        base = Path(tempfile.mkdtemp(prefix="cl-media-"))
        self.addCleanup(shutil.rmtree, base, True)
        (base / "a" / "b").mkdir(parents=True)
        from PIL import Image

        Image.new("RGB", (4, 4)).save(base / "a" / "b" / "x.png")
        library = Library([base / "a", base / "a" / "b"], ":memory:", reactor)
        library.startService()
        self.addCleanup(lambda: library.stopService() if library.running else None)
        await library.scanned
        rows = await library.run(allRows)
        self.assertEqual(sorted((row.title, row.parent) for row in rows if row.container), [("a", 0), ("b", 0)])
        self.assertEqual([row.title for row in rows if not row.container], ["x"])
