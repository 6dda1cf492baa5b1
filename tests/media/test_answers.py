"""
The exact bytes ContentDirectory's Browse and Search answers carry through
the control resource, for a library of hostile names and every kind of
metadata, against C{answers.golden}: written by the plain DIDL writer and
SOAP escaping before they were made fast (commit d676655), so any change to
those paths that changes a byte on the wire fails here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import TestCase

from coherence_lite.control.resource import ControlResource
from coherence_lite.media.contentdirectory import ContentDirectory
from coherence_lite.media.index import Library
from coherence_lite.media.store import bumpUpdateIds
from tests.control.test_resource import renderControl

GOLDEN = Path(__file__).with_name("answers.golden")
CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"

_COLUMNS = (
    "id, parent, path, lineage, container, title, class, mime, size, duration, bitrate, sampleRate, channels, "
    "resolution, artist, album, genre, track, date, art, embeddedArt, profile"
)

#: Objects of the library: containers, then items of every kind, with
#: names no writer should trust (quotes, markup, control characters,
#: unicode, carriage returns) and paths with odd suffixes; each item's
#: DLNA profile as the scan stores it (a 160x120 JPEG is JPEG_TN, as
#: GUPnP-DLNA names it: the one change to the recorded answers).
ROWS: list[tuple[object, ...]] = [
    (1, 0, b"/m", "/0/1/", 1, 'Music & "Friends" <1>', "object.container.storageFolder", *([None] * 15)),
    (8, 1, b"/m/s", "/0/1/8/", 1, "caf\u00e9 \u4e2d\r\n\t\x01x\x7f", "object.container.storageFolder", *([None] * 15)),
    (2, 1, b"/m/2.MP3", "/0/1/", 0, 'say "hi" & <go>\r', "object.item.audioItem.musicTrack", "audio/mpeg",
     5_000_000_000, 185.12, 16000, 44100, 2, None, "A&B <x>", "Alb'um ]]>", "Rock\x7f", 4, "2020-01-02", 9, 10, "MP3"),
    (3, 1, b"/m/\xff\xfe.fla\xffc", "/0/1/", 0, "\U0001f3b5 flac", "object.item.audioItem.musicTrack", "audio/flac",
     1234, 0.0004, None, 96000, 6, None, None, None, None, None, None, 99, None, None),
    (4, 1, b"/m/.jpg", "/0/1/", 0, "photo\u202e", "object.item.imageItem.photo", "image/jpeg",
     10, None, None, None, None, "640x480", None, None, None, None, "2019-12-31", None, None, "JPEG_SM"),
    (5, 1, b"/m/a.b/noext", "/0/1/", 0, "video\t1", "object.item.videoItem", "video/x-matroska",
     7, 30 * 3600 + 0.9995, 250000, None, None, "1920x1080", "Dir", None, "Drama", None, None, None, None, None),
    (6, 1, b"/m/x.tar.gz", "/0/1/", 0, "big.png", "object.item.imageItem.photo", "image/png",
     None, None, None, None, None, "5000x5000", None, None, None, 0, None, None, None, None),
    (7, 8, None, "/0/1/8/", 0, "", "object.item.audioItem.musicTrack", "audio/ogg",
     None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    (9, 1, b"/m/cover.JPEG", "/0/1/", 0, "cover", "object.item.imageItem.photo", "image/jpeg",
     99, None, None, None, None, "160x120", None, None, None, None, None, None, None, "JPEG_TN"),
    (10, None, b"/art/10.png", "/art/", 0, "art", "object.item.imageItem.photo", "image/png",
     5, None, None, None, None, None, None, None, None, None, None, None, None, None),
]

#: Each request: a name, the action and its arguments.
CASES: list[tuple[str, str, dict[str, object]]] = [
    ("root", "Browse", {"ObjectID": "0", "BrowseFlag": "BrowseDirectChildren", "Filter": "*"}),
    ("root-metadata", "Browse", {"ObjectID": "0", "BrowseFlag": "BrowseMetadata", "Filter": "*"}),
    ("folder-all", "Browse", {"ObjectID": "1", "BrowseFlag": "BrowseDirectChildren", "Filter": "*"}),
    ("folder-required", "Browse", {"ObjectID": "1", "BrowseFlag": "BrowseDirectChildren", "Filter": ""}),
    ("folder-list", "Browse", {"ObjectID": "1", "BrowseFlag": "BrowseDirectChildren",
                               "Filter": "upnp:album,res@size,res@duration,@childCount,dc:creator"}),
    ("folder-res", "Browse", {"ObjectID": "1", "BrowseFlag": "BrowseDirectChildren",
                              "Filter": "res,upnp:albumArtURI,dc:date,upnp:originalTrackNumber,@searchable"}),
    ("folder-page", "Browse", {"ObjectID": "1", "BrowseFlag": "BrowseDirectChildren", "Filter": "*",
                               "StartingIndex": "2", "RequestedCount": "3", "SortCriteria": "-dc:title"}),
    ("item-metadata", "Browse", {"ObjectID": "2", "BrowseFlag": "BrowseMetadata", "Filter": "*"}),
    ("subfolder-metadata", "Browse", {"ObjectID": "8", "BrowseFlag": "BrowseMetadata", "Filter": "*"}),
    ("subfolder", "Browse", {"ObjectID": "8", "BrowseFlag": "BrowseDirectChildren", "Filter": "*"}),
    ("missing", "Browse", {"ObjectID": "77", "BrowseFlag": "BrowseMetadata", "Filter": "*"}),
    ("search", "Search", {"ContainerID": "0", "SearchCriteria": 'upnp:class derivedfrom "object.item"',
                          "Filter": "*", "SortCriteria": "+dc:title"}),
]


def fill(connection: sqlite3.Connection) -> None:
    """
    Store L{ROWS} and give the containers their child counts and UpdateIDs.
    """
    marks = ", ".join("?" * len(ROWS[0]))
    connection.executemany(f"INSERT INTO objects ({_COLUMNS}) VALUES ({marks})", ROWS)
    bumpUpdateIds(connection, [0, 1, 8])


def envelope(action: str, arguments: dict[str, object]) -> bytes:
    """
    The SOAP body of a call with C{arguments} (the paging ones defaulted).
    """
    defaults: dict[str, object] = {"StartingIndex": "0", "RequestedCount": "0", "SortCriteria": ""}
    body = "".join(f"<{name}>{value}</{name}>" for name, value in {**defaults, **arguments}.items())
    return (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
        f'<u:{action} xmlns:u="{CDS}">{body}</u:{action}></s:Body></s:Envelope>'
    ).encode("utf-8")


def readGolden() -> dict[str, bytes]:
    """
    The expected answer of each case: status line, then the body.
    """
    answers: dict[str, bytes] = {}
    for section in GOLDEN.read_bytes().split(b"\n=== ")[1:]:
        name, _, answer = section.partition(b" ===\n")
        answers[name.decode("ascii")] = answer
    return answers


class AnswerBytesTests(TestCase):
    """
    Browse and Search answers through L{ControlResource}, byte for byte.
    """

    def setUp(self) -> "Deferred[None]":  # type: ignore[override]
        self.library = Library([], ":memory:", reactor)
        self.library.startService()
        self.addCleanup(self.library.stopService)
        self.backend = ContentDirectory(self.library, Clock())
        self.addCleanup(self.backend.stop)
        self.resource = ControlResource(self.backend.runtime)
        return self.library.run(fill)

    async def answer(self, action: str, arguments: dict[str, object]) -> bytes:
        """
        The status, Content-Length and body of one call from 127.0.0.1:80.
        """
        request = renderControl(self.resource, envelope(action, arguments), action, CDS)
        if not request.finished:
            await request.notifyFinish()
        length = (request.responseHeaders.getRawHeaders(b"Content-Length") or [b"-"])[0]
        return b"%d %s\n" % (request.responseCode or 200, length) + b"".join(request.written)

    async def test_answersUnchanged(self) -> None:
        """
        Every case answers exactly the recorded status, length and body.
        """
        expected = readGolden()
        self.assertEqual(sorted(expected), sorted(name for name, _, _ in CASES))
        for name, action, arguments in CASES:
            self.assertEqual(await self.answer(action, arguments), expected[name], name)
