"""
Tests for L{coherence_lite.media.contentdirectory} and
L{coherence_lite.media.connectionmanager}: the actions through the
service runtime, over a real store.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import TestCase

from coherence_lite.backend.request import baseURL
from coherence_lite.errors import UPnPError
from coherence_lite.media.connectionmanager import ConnectionManager
from coherence_lite.media.contentdirectory import EVENT_INTERVAL, ContentDirectory
from coherence_lite.media.dlna import SERVED_PROTOCOL_INFOS
from coherence_lite.media.index import Library
from coherence_lite.media.store import bumpUpdateIds
from tests.media.calls import ContentDirectoryCalls

DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
DC = "{http://purl.org/dc/elements/1.1/}"

#: Titles of the tracks of the test folder, in insertion order.
TRACKS = ["delta", "Alpha", "charlie", "bravo", 'say "hi" & <go>']


def fill(connection: sqlite3.Connection) -> None:
    """
    A folder C{1} below the root holding C{TRACKS} (ids 2 to 6) and an empty
    subfolder (id 7).
    """
    connection.execute(
        "INSERT INTO objects (id, parent, path, lineage, container, title, class) "
        "VALUES (1, 0, X'2f6d', '/0/1/', 1, 'Music', 'object.container.storageFolder')"
    )
    for position, title in enumerate(TRACKS, start=2):
        connection.execute(
            "INSERT INTO objects (id, parent, path, lineage, container, title, class, mime, size, duration, artist) "
            "VALUES (?, 1, ?, '/0/1/', 0, ?, 'object.item.audioItem.musicTrack', 'audio/mpeg', 1000, 3.5, 'Band')",
            (position, f"/m/{position}.mp3".encode(), title),
        )
    connection.execute(
        "INSERT INTO objects (id, parent, path, lineage, container, title, class) "
        "VALUES (7, 1, X'2f6d2f65', '/0/1/7/', 1, 'empty', 'object.container.storageFolder')"
    )
    bumpUpdateIds(connection, [0, 1, 7])


class ContentDirectoryTests(ContentDirectoryCalls, TestCase):
    """
    Browse, Search and the update ids.
    """

    def setUp(self) -> "Deferred[None]":  # type: ignore[override]
        self.library = Library([], ":memory:", reactor)
        self.library.startService()
        self.addCleanup(self.library.stopService)
        self.clock = Clock()
        self.backend = ContentDirectory(self.library, self.clock)
        self.addCleanup(self.backend.stop)
        return self.library.run(fill)

    async def failsWith(self, code: int, name: str, **arguments: Any) -> None:
        """
        The action fails with the UPnP error C{code}.
        """
        try:
            await self.call(name, **arguments)
        except UPnPError as e:
            self.assertEqual(e.code, code)
        else:
            self.fail(f"{name} did not fail")

    async def test_browseMetadata(self) -> None:
        """
        BrowseMetadata of the root answers one container with parentID -1,
        its child count and its UpdateID.
        """
        objects, answer = await self.browse("0", "BrowseMetadata")
        self.assertEqual((answer["NumberReturned"], answer["TotalMatches"], answer["UpdateID"]), (1, 1, 1))
        self.assertEqual(objects[0].attrib["parentID"], "-1")
        self.assertEqual(objects[0].attrib["childCount"], "1")

    async def test_browseChildren(self) -> None:
        """
        Children come folders first, then by title; pages keep the true
        TotalMatches; RequestedCount 0 is all; a start past the end is an
        empty page; res URLs name the object and the request's address.
        """
        objects, answer = await self.browse("1")
        titles = [each.findtext(DC + "title") for each in objects]
        self.assertEqual(titles, ["empty", "Alpha", "bravo", "charlie", "delta", 'say "hi" & <go>'])
        self.assertEqual((answer["NumberReturned"], answer["TotalMatches"]), (6, 6))
        objects, answer = await self.browse("1", start=2, count=2)
        self.assertEqual([each.findtext(DC + "title") for each in objects], ["bravo", "charlie"])
        self.assertEqual((answer["NumberReturned"], answer["TotalMatches"]), (2, 6))
        objects, answer = await self.browse("1", start=10, count=2)
        self.assertEqual((objects, answer["NumberReturned"], answer["TotalMatches"]), ([], 0, 6))
        objects, _ = await self.browse("1", start=1, count=1)
        self.assertEqual(objects[0].findtext(DIDL + "res"), "http://127.0.0.1:8200/media/3.mp3")

    async def test_sort(self) -> None:
        """
        SortCriteria within the SortCapabilities order the page; others,
        and overlong ones, are 709.
        """
        objects, _ = await self.browse("1", sort="-dc:title")
        self.assertEqual([each.findtext(DC + "title") for each in objects][:3], ['say "hi" & <go>', "empty", "delta"])
        for criteria in ("+upnp:producer", "+dc:title," * 200, "dc:title;DROP TABLE objects"):
            await self.failsWith(709, "Browse", ObjectID="1", BrowseFlag="BrowseDirectChildren", Filter="*",
                                 StartingIndex=0, RequestedCount=0, SortCriteria=criteria)

    async def test_browseErrors(self) -> None:
        """
        An unknown or malformed id is 701 (digits C{int} would refuse or
        read another way included), an unknown flag 402; the children of an
        item are none.
        """
        for objectId in ("99", "abc", "-1", "1 OR 1=1", "\u00b2", "\u0663", "01", "1" * 19):
            await self.failsWith(701, "Browse", ObjectID=objectId, BrowseFlag="BrowseMetadata", Filter="*",
                                 StartingIndex=0, RequestedCount=0, SortCriteria="")
        await self.failsWith(402, "Browse", ObjectID="0", BrowseFlag="BrowseAll", Filter="*",
                             StartingIndex=0, RequestedCount=0, SortCriteria="")
        objects, answer = await self.browse("2")
        self.assertEqual((objects, answer["TotalMatches"]), ([], 0))

    async def test_search(self) -> None:
        """
        Home Assistant's path search finds the one object; the subtree of
        the container is searched; bad criteria are 708, an unknown
        container 710.
        """
        answer = await self.call("Search", ContainerID="1", SearchCriteria='@parentID="1" and dc:title="ALPHA"',
                                 Filter="id,upnp:class,dc:title", StartingIndex=0, RequestedCount=1, SortCriteria="")
        self.assertEqual((answer["NumberReturned"], answer["TotalMatches"]), (1, 1))
        self.assertEqual(ET.fromstring(answer["Result"])[0].attrib["id"], "3")
        answer = await self.call("Search", ContainerID="0", SearchCriteria='upnp:class derivedfrom "object.item"',
                                 Filter="", StartingIndex=0, RequestedCount=2, SortCriteria="+dc:title")
        self.assertEqual((answer["NumberReturned"], answer["TotalMatches"]), (2, 5))
        answer = await self.call("Search", ContainerID="7", SearchCriteria="*", Filter="", StartingIndex=0,
                                 RequestedCount=0, SortCriteria="")
        self.assertEqual(answer["TotalMatches"], 0)
        for criteria in ('dc:title = "a', 'upnp:producer = "x"', ""):
            await self.failsWith(708, "Search", ContainerID="0", SearchCriteria=criteria, Filter="",
                                 StartingIndex=0, RequestedCount=0, SortCriteria="")
        for container in ("99", "2", "x"):
            await self.failsWith(710, "Search", ContainerID=container, SearchCriteria="*", Filter="",
                                 StartingIndex=0, RequestedCount=0, SortCriteria="")

    async def test_updateIds(self) -> None:
        """
        A library change sets SystemUpdateID and lists each changed
        container once with its newest UpdateID, until the event interval
        has passed.
        """
        self.backend.libraryChanged(5, {1: 5})
        self.backend.libraryChanged(6, {7: 6})
        self.backend.libraryChanged(7, {1: 7})
        self.assertEqual((await self.call("GetSystemUpdateID"))["Id"], 7)
        self.assertEqual(self.backend.ContainerUpdateIDs, "1,7,7,6")
        self.clock.advance(EVENT_INTERVAL)
        self.backend.libraryChanged(8, {7: 8})
        self.assertEqual(self.backend.ContainerUpdateIDs, "7,8")
        caps = await self.call("GetSearchCapabilities")
        self.assertIn("@parentID", caps["SearchCaps"].split(","))

    def test_evented(self) -> None:
        """
        SystemUpdateID and ContainerUpdateIDs are evented and moderated;
        the capabilities are not evented.
        """
        variables = {variable.name: variable for variable in self.backend.service.stateVariables}
        self.assertEqual(variables["SystemUpdateID"].maximumRate, EVENT_INTERVAL)
        self.assertTrue(variables["ContainerUpdateIDs"].sendEvents)
        self.assertFalse(variables["SearchCapabilities"].sendEvents)


class ConnectionManagerTests(TestCase):
    """
    ConnectionManager:1 for HTTP GET.
    """

    async def test_actions(self) -> None:
        """
        GetProtocolInfo lists every served protocolInfo; connection 0 is
        the only one; another id is 706.
        """
        runtime = ConnectionManager().runtime
        info = await runtime.invoke("GetProtocolInfo", {})
        self.assertEqual(str(info["Source"]).split(","), list(SERVED_PROTOCOL_INFOS))
        self.assertEqual(info["Sink"], "")
        self.assertEqual((await runtime.invoke("GetCurrentConnectionIDs", {}))["ConnectionIDs"], "0")
        connection = await runtime.invoke("GetCurrentConnectionInfo", {"ConnectionID": 0})
        self.assertEqual((connection["Direction"], connection["Status"], connection["RcsID"]), ("Output", "OK", -1))
        with self.assertRaises(UPnPError) as raised:
            await runtime.invoke("GetCurrentConnectionInfo", {"ConnectionID": 3})
        self.assertEqual(raised.exception.code, 706)


class BaseURLTests(TestCase):
    """
    L{baseURL} writes the address a request came in on.
    """

    def test_forms(self) -> None:
        """
        IPv4 as is, IPv6 bracketed without its zone, IPv4-mapped as IPv4.
        """
        self.assertEqual(baseURL(("192.168.1.2", 80)), "http://192.168.1.2:80")
        self.assertEqual(baseURL(("fe80::1%eth0", 8080)), "http://[fe80::1]:8080")
        self.assertEqual(baseURL(("::ffff:127.0.0.1", 8080)), "http://127.0.0.1:8080")
