"""
Tests for L{coherence_lite.media.views}: the views beside the folder tree,
browsed through ContentDirectory's actions over the real index of a
library made with ffmpeg.
"""

from __future__ import annotations

import calendar
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from twisted.internet import reactor
from twisted.internet.task import Clock
from twisted.trial.unittest import TestCase

from coherence_lite.errors import UPnPError
from coherence_lite.media import views
from coherence_lite.media.contentdirectory import ContentDirectory
from coherence_lite.media.index import Library
from tests.media.calls import ContentDirectoryCalls
from tests.media.library import makeMedia, needFFmpeg

DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
DC = "{http://purl.org/dc/elements/1.1/}"

#: The files of the library: path, then ffmpeg -metadata tags.
FILES = {
    "rock/two.mp3": ("title=Two", "artist=Band", "album=First", "genre=Rock", "track=2"),
    "rock/one.mp3": ("title=One", "artist=Band", "album=First", "genre=Rock", "track=1"),
    "other/three.flac": ("title=Three", "artist=AC/DC", "album=Second", "genre=Jazz & Blues"),
    "other/untagged.ogg": (),
    "photos/march.jpg": (),
    "photos/november.png": (),
    "clips/clip.mkv": (),
}

#: The modification time given to each picture (their month, with no EXIF
#: date, is that of this time in UTC).
PHOTO_TIMES = {
    "photos/march.jpg": calendar.timegm((2021, 3, 5, 12, 0, 0)),
    "photos/november.png": calendar.timegm((2022, 11, 1, 12, 0, 0)),
}


#: The files' bytes by name, made once by L{makeViewsLibrary}.
_MADE: dict[str, bytes] = {}


def makeViewsLibrary(base: Path) -> Path:
    """
    Write L{FILES} below C{base}/media (made with ffmpeg once, then copied)
    and return that folder.
    """
    if not _MADE:
        scratch = Path(tempfile.mkdtemp(prefix="cl-views-made-"))
        try:
            for name, tags in FILES.items():
                makeMedia(scratch / name, *tags)
            _MADE.update((name, (scratch / name).read_bytes()) for name in FILES)
        finally:
            shutil.rmtree(scratch, True)
    media = base / "media"
    for name, data in _MADE.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
    for name, seconds in PHOTO_TIMES.items():
        os.utime(media / name, (seconds, seconds))
    return media


class ViewsTests(ContentDirectoryCalls, TestCase):
    """
    The views of a real index, through Browse.
    """

    async def setUp(self) -> None:  # type: ignore[override]
        needFFmpeg()
        self.base = Path(tempfile.mkdtemp(prefix="cl-views-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.media = makeViewsLibrary(self.base)
        self.state = self.base / "state"
        self.state.mkdir()
        await self.start()

    async def start(self) -> None:
        """
        Start a library over the media folder (its store in the state
        folder) with views on, and wait for its first scan.
        """
        self.library = Library([self.media], self.state / "store.sqlite", reactor)
        self.library.startService()
        self.clock = Clock()
        self.backend = ContentDirectory(self.library, self.clock, views=True)
        self.addCleanup(self.stop)
        await self.library.scanned

    def stop(self) -> None:
        """
        Stop the library and the backend (once).
        """
        if self.library.running:
            self.backend.stop()
            self.library.stopService()

    async def titles(self, objectId: str, sort: str = "") -> list[str]:
        """
        The titles of a container's children.
        """
        objects, _ = await self.browse(objectId, sort=sort)
        return [each.findtext(DC + "title") or "" for each in objects]

    async def failsWith(self, code: int, objectId: str, flag: str = "BrowseMetadata", sort: str = "") -> None:
        """
        Browse of C{objectId} fails with the UPnP error C{code}.
        """
        try:
            await self.browse(objectId, flag, sort=sort)
        except UPnPError as e:
            self.assertEqual(e.code, code, objectId)
        else:
            self.fail(f"Browse of {objectId!r} did not fail")

    async def walk(self, objectId: str) -> list[ET.Element]:
        """
        Every object below C{objectId}, two per page, checking that each
        container's childCount is its TotalMatches and that each child
        names it as its parent.
        """
        found: list[ET.Element] = []
        start, total = 0, 1
        while start < total:
            objects, answer = await self.browse(objectId, start=start, count=2)
            total = answer["TotalMatches"]
            start += answer["NumberReturned"]
            self.assertTrue(objects or start >= total)
            for each in objects:
                self.assertEqual(each.attrib["parentID"], objectId)
                found.append(each)
                if each.tag == DIDL + "container":
                    below, counted = await self.browse(each.attrib["id"], count=1)
                    self.assertEqual(int(each.attrib["childCount"]), counted["TotalMatches"], each.attrib["id"])
                    found += await self.walk(each.attrib["id"])
        return found

    async def test_root(self) -> None:
        """
        The root lists the media folder, then Music, Photos, Videos and
        Recently added; its childCount and TotalMatches count them all, and
        pages across the folders and the views hold every child once.
        """
        objects, answer = await self.browse("0")
        self.assertEqual([each.findtext(DC + "title") for each in objects], ["media", "Music", "Photos", "Videos", "Recently added"])
        self.assertEqual([each.attrib["id"] for each in objects[1:]], ["music", "photos", "videos", "recent"])
        self.assertEqual((answer["NumberReturned"], answer["TotalMatches"]), (5, 5))
        self.assertEqual([each.attrib["searchable"] for each in objects[1:]], ["0"] * 4)
        root, metadata = await self.browse("0", "BrowseMetadata")
        self.assertEqual(root[0].attrib["childCount"], "5")
        self.assertEqual(answer["UpdateID"], metadata["UpdateID"])
        paged = []
        for start in range(0, 6, 2):
            page, answer = await self.browse("0", start=start, count=2)
            self.assertEqual(answer["TotalMatches"], 5)
            paged += [each.attrib["id"] for each in page]
        self.assertEqual(paged, [each.attrib["id"] for each in objects])

    async def test_music(self) -> None:
        """
        Music holds Artists, Albums, Genres and All tracks; each artist,
        album and genre (an empty one as Unknown) holds its tracks, in
        album and track order; names are percent-encoded in the ids.
        """
        self.assertEqual(await self.titles("music"), ["Artists", "Albums", "Genres", "All tracks"])
        objects, _ = await self.browse("music/artists")
        self.assertEqual(
            [(each.findtext(DC + "title"), each.attrib["id"], each.attrib["childCount"]) for each in objects],
            [("Unknown artist", "music/artists/", "1"), ("AC/DC", "music/artists/AC%2FDC", "1"), ("Band", "music/artists/Band", "2")],
        )
        self.assertEqual({each.findtext(f"{{urn:schemas-upnp-org:metadata-1-0/upnp/}}class") for each in objects},
                         {"object.container.person.musicArtist"})
        self.assertEqual(await self.titles("music/artists/Band"), ["One", "Two"])
        self.assertEqual(await self.titles("music/albums"), ["Unknown album", "First", "Second"])
        self.assertEqual(await self.titles("music/genres"), ["Unknown genre", "Jazz & Blues", "Rock"])
        self.assertEqual(await self.titles("music/genres/Jazz%20%26%20Blues"), ["Three"])
        self.assertEqual(await self.titles("music/tracks"), ["One", "Three", "Two", "untagged"])
        group, answer = await self.browse("music/artists/AC%2FDC", "BrowseMetadata")
        self.assertEqual((group[0].attrib["parentID"], group[0].findtext(DC + "title"), answer["TotalMatches"]),
                         ("music/artists", "AC/DC", 1))

    async def test_items(self) -> None:
        """
        An item of a view has an id of its own, the view as parent, the
        folder item's id as refID, and the folder item's title and res;
        BrowseMetadata of its id answers it.
        """
        folder = {each.attrib["id"]: each for each in await self.walk("1") if each.tag == DIDL + "item"}
        objects, _ = await self.browse("music/artists/Band")
        for each in objects:
            original = folder[each.attrib["refID"]]
            self.assertEqual(each.attrib["id"], "music/artists/Band/" + each.attrib["refID"])
            self.assertEqual(each.findtext(DC + "title"), original.findtext(DC + "title"))
            self.assertEqual(each.findtext(DIDL + "res"), original.findtext(DIDL + "res"))
            again, answer = await self.browse(each.attrib["id"], "BrowseMetadata")
            self.assertEqual((again[0].attrib["id"], again[0].attrib["parentID"], answer["TotalMatches"]),
                             (each.attrib["id"], "music/artists/Band", 1))
            children, answer = await self.browse(each.attrib["id"])
            self.assertEqual((children, answer["TotalMatches"]), ([], 0))
        filtered, _ = await self.browse("music/artists/Band", filterText="dc:title")
        self.assertNotIn("refID", filtered[0].attrib)
        self.assertNotIn("refID", (await self.browse(objects[0].attrib["refID"], "BrowseMetadata"))[0][0].attrib)

    async def test_photosAndVideos(self) -> None:
        """
        Photos lists years, a year its months, a month its pictures (by
        their modification time without an EXIF date); Videos lists the
        videos; Recently added the newest files, newest first, at most
        L{views.RECENT}.
        """
        self.assertEqual(await self.titles("photos"), ["2021", "2022"])
        objects, _ = await self.browse("photos")
        self.assertEqual([each.attrib["childCount"] for each in objects], ["1", "1"])
        self.assertEqual(await self.titles("photos/2022"), ["2022-11"])
        self.assertEqual(await self.titles("photos/2022/11"), ["november"])
        self.assertEqual(await self.titles("photos/2021/03"), ["march"])
        self.assertEqual(await self.titles("videos"), ["clip"])
        recent, answer = await self.browse("recent")
        self.assertEqual(answer["TotalMatches"], len(FILES))
        ids = [int(each.attrib["refID"]) for each in recent]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.patch(views, "RECENT", 2)
        recent, answer = await self.browse("recent")
        self.assertEqual((answer["TotalMatches"], [int(each.attrib["refID"]) for each in recent]), (2, ids[:2]))
        await self.failsWith(701, f"recent/{ids[2]}")

    async def test_sort(self) -> None:
        """
        SortCriteria order a view's items; a list of groups by title only,
        either way; unknown properties are 709.
        """
        self.assertEqual(await self.titles("music/tracks", "-dc:title"), ["untagged", "Two", "Three", "One"])
        self.assertEqual(await self.titles("music/artists/Band", "-upnp:originalTrackNumber"), ["Two", "One"])
        self.assertEqual(await self.titles("music/artists", "-dc:title"), ["Band", "AC/DC", "Unknown artist"])
        self.assertEqual(await self.titles("music/artists", "+upnp:genre"), ["Unknown artist", "AC/DC", "Band"])
        await self.failsWith(709, "music/tracks", "BrowseDirectChildren", "+upnp:producer")
        await self.failsWith(709, "0", "BrowseDirectChildren", "+upnp:producer")

    async def test_unknownIds(self) -> None:
        """
        Ids we never give are 701: unknown views and groups, names not
        spelt as we spell them, undecodable ones, an item under a view that
        does not list it, an overlong id.
        """
        tracks, _ = await self.browse("music/tracks")
        track = tracks[0].attrib["refID"]
        for objectId in ("music/x", "music/artists/Nobody", "music/artists/B%61nd", "music/artists/%ff", "music/tracks/x",
                         f"videos/{track}", f"music/artists/AC%2FDC/{track}", "photos/1999", "photos/2021/04",
                         "photos/2021/03/x/1", "videos/", "music/" + "a" * 3000, f"music/tracks/{track}/1", "recent/-1",
                         f"music/tracks/0{track}", "videos/%C2%B2", "music/tracks/%D9%A1"):
            await self.failsWith(701, objectId)
        answer, _ = await self.browse(f"music/tracks/{track}", "BrowseMetadata")
        self.assertEqual(answer[0].attrib["refID"], track)

    async def test_walkAndSearch(self) -> None:
        """
        A walk from the root finds every file of the folder tree once
        without a refID, and every item of the views with a refID to one
        of them; Search sees the folder tree only (no view, no reference),
        and a view cannot be searched.
        """
        everything = await self.walk("0")
        tree = [each for each in everything if each.tag == DIDL + "item" and "refID" not in each.attrib]
        self.assertEqual(len(tree), len(FILES))
        self.assertEqual(len({each.attrib["id"] for each in everything}), len(everything))
        treeIds = {each.attrib["id"] for each in tree}
        references = [each for each in everything if "refID" in each.attrib]
        self.assertEqual({each.attrib["refID"] for each in references}, treeIds)
        stored = [each for each in everything if each.attrib["id"].isdigit()]
        answer = await self.call("Search", ContainerID="0", SearchCriteria="*", Filter="", StartingIndex=0,
                                 RequestedCount=0, SortCriteria="")
        self.assertEqual(answer["TotalMatches"], len(stored))
        self.assertEqual({each.attrib["id"] for each in ET.fromstring(answer["Result"])}, {each.attrib["id"] for each in stored})
        try:
            await self.call("Search", ContainerID="music", SearchCriteria="*", Filter="", StartingIndex=0,
                            RequestedCount=0, SortCriteria="")
        except UPnPError as e:
            self.assertEqual(e.code, 710)
        else:
            self.fail("Search of a view did not fail")

    async def test_stableIds(self) -> None:
        """
        After a restart over the same store, every object has the same id,
        in the folder tree and in the views.
        """
        before = [(each.attrib["id"], each.attrib.get("refID")) for each in await self.walk("0")]
        self.stop()
        await self.start()
        after = [(each.attrib["id"], each.attrib.get("refID")) for each in await self.walk("0")]
        self.assertEqual(after, before)

    async def test_liveChange(self) -> None:
        """
        A track added and rescanned shows in its views, first in Recently
        added; ContainerUpdateIDs lists the views with the new
        SystemUpdateID, which is their UpdateID.
        """
        shutil.copy(self.media / "rock/one.mp3", self.media / "other/copy.mp3")
        await self.library.rescan(os.fsencode(self.media / "other"))
        system = (await self.call("GetSystemUpdateID"))["Id"]
        listed = self.backend.ContainerUpdateIDs.split(",")
        pairs = dict(zip(listed[::2], listed[1::2]))
        for view in views.EVENTED:
            self.assertEqual(pairs[view], str(system))
        self.assertEqual(await self.titles("music/artists/Band"), ["One", "One", "Two"])
        recent, answer = await self.browse("recent")
        self.assertEqual((recent[0].findtext(DC + "title"), answer["UpdateID"]), ("One", system))
        _, answer = await self.browse("music/artists", "BrowseMetadata")
        self.assertEqual(answer["UpdateID"], system)
