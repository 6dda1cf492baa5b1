# -*- test-case-name: tests.media.test_store -*-
"""
The library's SQLite tables and the statements on them: blocking functions
on a connection, run on the index's own thread (L{coherence_lite.media.index}).

Object ids are the rows' ids (the root is C{0}), never reused
(AUTOINCREMENT), kept across restarts and rescans since a file keeps its
row while it exists.  The SystemUpdateID and each container's UpdateID are
stored with the objects, so neither goes backwards.  Embedded album art,
kept as files in an art folder of the state directory, has rows without a
parent (never browsed or searched, only linked and served).  The
C{thumbnails} and C{subtitles} tables hold the items' extras (see
L{coherence_lite.media.extras}).
"""

from __future__ import annotations

import os
import sqlite3
from typing import Iterable, NamedTuple, Sequence

__all__ = ["Row", "SORTABLE", "SEARCHABLE", "bumpUpdateIds", "childRows", "openStore", "profileOf", "sortClause", "storedId", "storedSystemUpdateId"]

#: Current layout of the tables; a store of another version is rebuilt.
SCHEMA_VERSION = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent INTEGER,
    path BLOB UNIQUE,
    lineage TEXT NOT NULL,
    container INTEGER NOT NULL,
    title TEXT NOT NULL,
    class TEXT NOT NULL,
    mime TEXT,
    size INTEGER,
    mtime REAL,
    duration REAL,
    bitrate INTEGER,
    sampleRate INTEGER,
    channels INTEGER,
    resolution TEXT,
    artist TEXT,
    album TEXT,
    genre TEXT,
    track INTEGER,
    date TEXT,
    art INTEGER,
    added REAL,
    updateId INTEGER NOT NULL DEFAULT 0,
    childCount INTEGER NOT NULL DEFAULT 0,
    inode TEXT,
    embeddedArt INTEGER,
    profile TEXT
);
CREATE INDEX IF NOT EXISTS objects_parent ON objects (parent, container, title);
CREATE INDEX IF NOT EXISTS objects_order
    ON objects (parent, container DESC, track IS NULL, track, title COLLATE NOCASE, id);
CREATE INDEX IF NOT EXISTS objects_inode ON objects (inode);
CREATE TABLE IF NOT EXISTS thumbnails (
    object INTEGER PRIMARY KEY, size INTEGER, mtime REAL, file TEXT, bytes INTEGER, width INTEGER, height INTEGER
);
CREATE TABLE IF NOT EXISTS subtitles (object INTEGER PRIMARY KEY, path BLOB NOT NULL, size INTEGER NOT NULL);
"""

#: The natural order of a container's children: folders, then by track
#: number, then by title (the index C{objects_order} serves it, so a page
#: is read without sorting the folder).
NATURAL_ORDER = "container DESC, track IS NULL, track, title COLLATE NOCASE, id"

#: The SQL of each property a Search may name (the SearchCapabilities);
#: no object is a reference, so C{@refID} never has a value (Windows Media
#: Player searches with C{@refID exists false}).
SEARCHABLE = {
    "@id": "CAST(id AS TEXT)",
    "@parentID": "CAST(parent AS TEXT)",
    "@refID": "NULL",
    "dc:title": "title",
    "dc:creator": "artist",
    "dc:date": "date",
    "upnp:class": "class",
    "upnp:artist": "artist",
    "upnp:album": "album",
    "upnp:genre": "genre",
}

#: The longest SortCriteria read.
MAX_SORT_LENGTH = 1024

#: The column of each property SortCriteria may name (the SortCapabilities).
SORTABLE = {
    "dc:title": "title COLLATE NOCASE",
    "dc:date": "date",
    "dc:creator": "artist COLLATE NOCASE",
    "upnp:class": "class",
    "upnp:artist": "artist COLLATE NOCASE",
    "upnp:album": "album COLLATE NOCASE",
    "upnp:genre": "genre COLLATE NOCASE",
    "upnp:originalTrackNumber": "track",
}


class Row(NamedTuple):
    """
    One object of the library as stored.

    @ivar art: the folder's cover image object, for a track.
    @ivar embeddedArt: the object of the picture embedded in a track.
    @ivar profile: its C{DLNA.ORG_PN}, when the scan found it surely has
        one.
    """

    id: int
    parent: int | None
    path: bytes | None
    lineage: str
    container: int
    title: str
    cls: str
    mime: str | None
    size: int | None
    mtime: float | None
    duration: float | None
    bitrate: int | None
    sampleRate: int | None
    channels: int | None
    resolution: str | None
    artist: str | None
    album: str | None
    genre: str | None
    track: int | None
    date: str | None
    art: int | None
    added: float | None
    updateId: int
    childCount: int
    embeddedArt: int | None
    profile: str | None


#: The columns of a L{Row}, in order.
COLUMNS = ", ".join("class" if name == "cls" else name for name in Row._fields)


def profileOf(row: Row) -> str | None:
    """
    The C{DLNA.ORG_PN} of an item when it surely conforms (read from the
    file by the scan: L{coherence_lite.media.metadata}), else L{None}.
    """
    return row.profile if row.mime is not None else None


def inodeKey(status: os.stat_result) -> str:
    """
    What identifies a folder on disk whatever path reaches it: its device
    and inode numbers (stored with its container, so a folder reached twice,
    through a link or a loop, is listed once).
    """
    return f"{status.st_dev}:{status.st_ino}"


def openStore(path: str) -> sqlite3.Connection:
    """
    Open (creating or rebuilding when its layout is old) the library store.

    @param path: the database file, or C{:memory:}.
    """
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    lastId = 0
    if version != SCHEMA_VERSION:
        lastId = _lastObjectId(connection)
        connection.executescript(
            "DROP TABLE IF EXISTS objects; DROP INDEX IF EXISTS objects_parent; "
            "DROP TABLE IF EXISTS thumbnails; DROP TABLE IF EXISTS subtitles;"
        )
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.executescript(_SCHEMA)
    if lastId:
        # A rebuilt store numbers on from the old one: an id a client
        # kept never names another object.
        connection.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('objects', ?)", (lastId,))
    connection.execute(
        "INSERT OR IGNORE INTO objects (id, parent, path, lineage, container, title, class) "
        "VALUES (0, NULL, NULL, '/0/', 1, 'root', 'object.container.storageFolder')"
    )
    connection.execute("INSERT OR IGNORE INTO meta VALUES ('SystemUpdateID', 0)")
    return connection


def _lastObjectId(connection: sqlite3.Connection) -> int:
    """
    The highest object id a store has ever given (0 for a new store).
    """
    try:
        row = connection.execute("SELECT seq FROM sqlite_sequence WHERE name = 'objects'").fetchone()
    except sqlite3.OperationalError:  # no AUTOINCREMENT table yet
        return 0
    return int(row[0]) if row else 0


def storedId(text: str) -> int | None:
    """
    The stored object id an object id string names: ASCII digits written
    the one way C{str(int)} writes them, at most 18 of them (so it fits
    SQLite's integer); L{None} for any other string, such as C{"²"} or
    C{"٣"} (digits to C{str.isdigit}) or C{"07"}.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > 18 or str(int(text)) != text:
        return None
    return int(text)


def fetchRow(connection: sqlite3.Connection, objectId: int) -> Row | None:
    """
    The object C{objectId}, or L{None}.
    """
    found = connection.execute(f"SELECT {COLUMNS} FROM objects WHERE id = ?", (objectId,)).fetchone()
    return None if found is None else Row._make(found)


def sortClause(criteria: str) -> str:
    """
    The ORDER BY clause of SortCriteria (C{+dc:title,-dc:date}): the natural
    order when empty, else the named properties with it as the tie-break.

    @raise ValueError: a property is not in L{SORTABLE}, or the criteria
        are longer than L{MAX_SORT_LENGTH}.
    """
    if len(criteria) > MAX_SORT_LENGTH:
        raise ValueError(f"sort criteria longer than {MAX_SORT_LENGTH} characters")
    terms = []
    for part in criteria.split(","):
        part = part.strip()
        if not part:
            continue
        descending = part.startswith("-")
        name = part[1:] if part[0] in "+-" else part
        column = SORTABLE.get(name)
        if column is None:
            raise ValueError(f"cannot sort by {name[:64]!r}")
        terms.append(f"{column} {'DESC' if descending else 'ASC'}")
    return ", ".join(terms + [NATURAL_ORDER])


def childRows(
    connection: sqlite3.Connection, parent: int, start: int, count: int, order: str
) -> tuple[list[Row], int]:
    """
    A page of C{parent}'s children and how many it has.

    @param count: the most rows; 0 for all.
    @param order: an ORDER BY clause from L{sortClause}.
    """
    total = connection.execute("SELECT count(*) FROM objects WHERE parent = ?", (parent,)).fetchone()[0]
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM objects WHERE parent = ? ORDER BY {order} LIMIT ? OFFSET ?",
        (parent, count if count > 0 else -1, start),
    )
    return list(map(Row._make, rows)), total


def searchRows(
    connection: sqlite3.Connection,
    within: Row,
    condition: str,
    parameters: Sequence[object],
    start: int,
    count: int,
    order: str,
) -> tuple[list[Row], int]:
    """
    A page of the objects below C{within} matching an SQL condition built
    by L{coherence_lite.media.search.compileCriteria}, and how many match.
    """
    scope = "lineage LIKE ? AND id != ? AND "
    scoped = [within.lineage + "%", within.id, *parameters]
    total = connection.execute(f"SELECT count(*) FROM objects WHERE {scope}({condition})", scoped).fetchone()[0]
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM objects WHERE {scope}({condition}) ORDER BY {order} LIMIT ? OFFSET ?",
        [*scoped, count if count > 0 else -1, start],
    )
    return list(map(Row._make, rows)), total


def systemUpdateId(connection: sqlite3.Connection) -> int:
    """
    The stored SystemUpdateID.
    """
    return int(connection.execute("SELECT value FROM meta WHERE key = 'SystemUpdateID'").fetchone()[0])


def storedSystemUpdateId(path: str) -> int:
    """
    The SystemUpdateID stored in the store at C{path} (creating it), read
    once at start-up, before the index's thread runs.
    """
    connection = openStore(path)
    try:
        return systemUpdateId(connection)
    finally:
        connection.close()


def bumpUpdateIds(connection: sqlite3.Connection, containers: Iterable[int]) -> tuple[int, dict[int, int]]:
    """
    Record a change of C{containers}: the SystemUpdateID goes up by one and
    becomes their UpdateID; their child counts are counted again.

    @return: the new SystemUpdateID, and each changed container's UpdateID.
    """
    system = (systemUpdateId(connection) + 1) % 2**32
    changed = sorted(set(containers))
    connection.execute("UPDATE meta SET value = ? WHERE key = 'SystemUpdateID'", (system,))
    for container in changed:
        connection.execute(
            "UPDATE objects SET updateId = ?, childCount = (SELECT count(*) FROM objects AS c WHERE c.parent = ?) "
            "WHERE id = ?",
            (system, container, container),
        )
    return system, {container: system for container in changed}
