# -*- test-case-name: tests.media.test_views -*-
"""
The views beside the folder tree (Music by artist, album and genre, Photos
by year and month, Videos, Recently added): containers that are not
stored, answered by queries on the index (blocking functions run on its
query thread), whose items are references (C{refID}) to the folder tree's.

A view's object id is its path from the root, each name percent-encoded
(C{music/artists/AC%2FDC}); an item's is its view's id and the id of the
folder item it refers to (C{music/artists/AC%2FDC/42}).  They start with a
letter, so they never meet the stored objects' numeric ids, and depend on
names and stored ids only, so they are as stable as those.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from urllib.parse import quote, unquote

from coherence_lite.media.didl import DidlObject
from coherence_lite.media.store import COLUMNS, Row, childRows, fetchRow, sortClause, storedId, systemUpdateId

__all__ = ["EVENTED", "RECENT", "TOP", "ViewItem", "browseView", "isViewId"]

#: The views' ids, as the root lists them after the media folders.
TOP = ("music", "photos", "videos", "recent")

#: The containers listed in ContainerUpdateIDs on every change of the
#: library (what changed is not known per view; their UpdateID is the
#: SystemUpdateID).
EVENTED = ("music", "music/albums", "music/artists", "music/genres", "music/tracks", "photos", "recent", "videos")

#: How many of the newest items Recently added lists.
RECENT = 100

#: The longest view id read.
MAX_ID = 2048

#: What every view's items are: files of the folder tree (the C{+} keeps
#: SQLite from reading them through the parent index, slower than a scan).
_FILES = "container = 0 AND +parent IS NOT NULL"

#: A file's month (C{YYYY-MM}): its date when it starts with one (EXIF,
#: tags), else its modification time's (UTC).
_MONTH = (
    "(CASE WHEN date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]*' THEN substr(date, 1, 7) "
    "ELSE strftime('%Y-%m', COALESCE(mtime, 0), 'unixepoch') END)"
)

_TRACK_ORDER = "track IS NULL, track, title COLLATE NOCASE, id"
_TITLE_ORDER = "title COLLATE NOCASE, id"

#: Music's groupings: their title, key, the class of each group and its
#: title when the key is empty, and the order of a group's tracks.
_BY = {
    "artists": ("Artists", "artist", "object.container.person.musicArtist", "Unknown artist", "album COLLATE NOCASE, " + _TRACK_ORDER),
    "albums": ("Albums", "album", "object.container.album.musicAlbum", "Unknown album", _TRACK_ORDER),
    "genres": ("Genres", "genre", "object.container.genre.musicGenre", "Unknown genre", "artist COLLATE NOCASE, album COLLATE NOCASE, " + _TRACK_ORDER),
}


def _encode(name: str) -> str:
    """
    A name as a part of an id: percent-encoded UTF-8 (a lone surrogate
    kept, so every name has an id).
    """
    return quote(name, safe="", errors="surrogatepass")


def _ofClass(upnpClass: str) -> tuple[str, tuple[object, ...]]:
    return f"{_FILES} AND class LIKE ?", (upnpClass + "%",)


_AUDIO = _ofClass("object.item.audioItem")
_IMAGE = _ofClass("object.item.imageItem")
_VIDEO = _ofClass("object.item.videoItem")


@dataclass(frozen=True)
class ViewItem:
    """
    A file of the folder tree as a view lists it.

    @ivar row: the file's stored object (its id is the C{refID}).
    @ivar id: the item's id in the view.
    @ivar parentID: the view's id.
    """

    row: Row
    id: str
    parentID: str


@dataclass(frozen=True)
class _Items:
    """
    A view listing files: those matching C{where}, in C{order} (the
    default order), only the first C{limit} of them if given.
    """

    where: str
    parameters: tuple[object, ...]
    order: str
    limit: int | None = None

    def condition(self) -> tuple[str, tuple[object, ...]]:
        if self.limit is None:
            return self.where, self.parameters
        return f"id IN (SELECT id FROM objects WHERE {self.where} ORDER BY {self.order} LIMIT {self.limit})", self.parameters


@dataclass(frozen=True)
class _Groups:
    """
    A view listing a container for each value of C{key} among the files
    matching C{where}, each holding C{count} children.
    """

    key: str
    where: str
    parameters: tuple[object, ...]
    upnpClass: str
    unknown: str = ""
    prefix: str = ""
    count: str = "count(*)"


@dataclass(frozen=True)
class _Node:
    """
    A view container: fixed children, groups or files.
    """

    id: str
    parentID: str
    title: str
    upnpClass: str
    fixed: tuple[str, ...] = ()
    groups: _Groups | None = None
    items: _Items | None = None
    exists: tuple[str, tuple[object, ...]] | None = None


def _node(parts: list[str]) -> _Node | None:
    """
    The view container at a path of names (decoded), or L{None}.
    """
    head, rest = parts[0], parts[1:]
    if head == "music":
        return _music(rest)
    if head == "photos":
        return _photos(rest)
    if rest:
        return None
    if head == "videos":
        return _Node("videos", "0", "Videos", "object.container", items=_Items(*_VIDEO, _TITLE_ORDER))
    if head == "recent":
        return _Node("recent", "0", "Recently added", "object.container", items=_Items(_FILES, (), "added DESC, id DESC", RECENT))
    return None


def _music(rest: list[str]) -> _Node | None:
    if not rest:
        return _Node("music", "0", "Music", "object.container", fixed=tuple(f"music/{name}" for name in (*_BY, "tracks")))
    by, rest = rest[0], rest[1:]
    if by == "tracks":
        return None if rest else _Node("music/tracks", "music", "All tracks", "object.container", items=_Items(*_AUDIO, _TITLE_ORDER))
    if by not in _BY or len(rest) > 1:
        return None
    title, column, upnpClass, unknown, order = _BY[by]
    own = f"music/{by}"
    key = f"COALESCE({column}, '')"
    if not rest:
        return _Node(own, "music", title, "object.container", groups=_Groups(key, *_AUDIO, upnpClass, unknown))
    where = (f"{_AUDIO[0]} AND {key} = ?", (*_AUDIO[1], rest[0]))
    return _Node(f"{own}/{_encode(rest[0])}", own, rest[0] or unknown, upnpClass, items=_Items(*where, order), exists=where)


def _photos(rest: list[str]) -> _Node | None:
    if not rest:
        return _Node("photos", "0", "Photos", "object.container",
                     groups=_Groups(f"substr({_MONTH}, 1, 4)", *_IMAGE, "object.container", count=f"count(DISTINCT {_MONTH})"))
    year = rest[0]
    if len(rest) == 1:
        where = (f"{_IMAGE[0]} AND substr({_MONTH}, 1, 4) = ?", (*_IMAGE[1], year))
        return _Node(f"photos/{_encode(year)}", "photos", year, "object.container",
                     groups=_Groups(f"substr({_MONTH}, 6, 2)", *where, "object.container", prefix=f"{year}-"), exists=where)
    if len(rest) == 2:
        month = f"{year}-{rest[1]}"
        where = (f"{_IMAGE[0]} AND {_MONTH} = ?", (*_IMAGE[1], month))
        parent = f"photos/{_encode(year)}"
        order = "date, mtime, " + _TITLE_ORDER
        return _Node(f"{parent}/{_encode(rest[1])}", parent, month, "object.container", items=_Items(*where, order), exists=where)
    return None


def isViewId(objectId: str) -> bool:
    """
    Whether C{objectId} names a view or an item in one (not a stored
    object).
    """
    return objectId.split("/", 1)[0] in TOP


def _resolve(objectId: str) -> _Node | tuple[_Node, int] | None:
    """
    The view container, or the view and the stored id of the item, an id
    names; L{None} for an id that is not one we give (not in its
    canonical spelling, or too long).
    """
    if len(objectId) > MAX_ID:
        return None
    try:
        parts = [unquote(part, errors="surrogatepass") for part in objectId.split("/")]
    except UnicodeDecodeError:
        return None
    if "/".join(_encode(part) for part in parts) != objectId:
        return None
    node = _node(parts)
    if node is not None:
        return node
    item = storedId(parts[-1])
    if len(parts) < 2 or item is None:
        return None
    view = _node(parts[:-1])
    return None if view is None or view.items is None else (view, item)


def _exists(connection: sqlite3.Connection, where: tuple[str, tuple[object, ...]]) -> bool:
    return connection.execute(f"SELECT 1 FROM objects WHERE {where[0]} LIMIT 1", where[1]).fetchone() is not None


def _childCount(connection: sqlite3.Connection, node: _Node) -> int:
    if node.groups is not None:
        groups = node.groups
        query = f"SELECT count(DISTINCT {groups.key}) FROM objects WHERE {groups.where}"
        return int(connection.execute(query, groups.parameters).fetchone()[0])
    if node.items is not None:
        items = node.items
        found = int(connection.execute(f"SELECT count(*) FROM objects WHERE {items.where}", items.parameters).fetchone()[0])
        return found if items.limit is None else min(found, items.limit)
    return len(node.fixed)


def _container(connection: sqlite3.Connection, node: _Node) -> DidlObject:
    return DidlObject(node.id, node.parentID, node.title, node.upnpClass, childCount=_childCount(connection, node), searchable=False)


def _descending(criteria: str) -> bool:
    """
    Whether SortCriteria ask for titles last to first (the only order
    asked of a list of groups; any other property leaves them by title).
    """
    first = next((part.strip() for part in criteria.split(",") if part.strip()), "")
    return first == "-dc:title"


def _children(
    connection: sqlite3.Connection, node: _Node, start: int, count: int, criteria: str
) -> tuple[list[Row | ViewItem | DidlObject], int]:
    if node.groups is not None:
        groups = node.groups
        total = _childCount(connection, node)
        found = connection.execute(
            f"SELECT {groups.key} AS value, {groups.count} FROM objects WHERE {groups.where} GROUP BY value "
            f"ORDER BY value COLLATE NOCASE {'DESC' if _descending(criteria) else 'ASC'}, value LIMIT ? OFFSET ?",
            (*groups.parameters, count, start),
        )
        return [
            DidlObject(f"{node.id}/{_encode(value)}", node.id, groups.prefix + value if value else groups.unknown,
                       groups.upnpClass, childCount=children, searchable=False)
            for value, children in found
        ], total
    if node.items is not None:
        where, parameters = node.items.condition()
        total = _childCount(connection, node)
        order = sortClause(criteria) if criteria.strip() else node.items.order
        rows = connection.execute(
            f"SELECT {COLUMNS} FROM objects WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", (*parameters, count, start)
        )
        return [ViewItem(row, f"{node.id}/{row.id}", node.id) for row in (Row(*each) for each in rows)], total
    fixed = [_node(each.split("/")) for each in node.fixed[start:start + count]]
    return [_container(connection, each) for each in fixed if each is not None], len(node.fixed)


def _root(
    connection: sqlite3.Connection, children: bool, start: int, count: int, criteria: str
) -> tuple[list[Row | ViewItem | DidlObject], int, int]:
    """
    The root with the views after the media folders.
    """
    root = fetchRow(connection, 0)
    assert root is not None
    if not children:
        return [root._replace(childCount=root.childCount + len(TOP))], 1, root.updateId
    rows, folders = childRows(connection, 0, start, count, sortClause(criteria))
    first = max(0, start - folders)
    views = [_node([name]) for name in TOP[first:first + count - len(rows)]]
    entries: list[Row | ViewItem | DidlObject] = [*rows]
    entries += [_container(connection, view) for view in views if view is not None]
    return entries, folders + len(TOP), root.updateId


def browseView(
    connection: sqlite3.Connection, objectId: str, children: bool, start: int, count: int, criteria: str
) -> tuple[list[Row | ViewItem | DidlObject], int, int] | None:
    """
    Browse the root (with the views), a view or an item in one: the
    objects of the page, how many there are in all, and the UpdateID (a
    view's is the SystemUpdateID); L{None} for no such object.

    @param count: the most objects (at least 1).
    @param criteria: the SortCriteria, already checked by
        L{sortClause}; a list of groups is sorted by title only.
    """
    if objectId == "0":
        return _root(connection, children, start, count, criteria)
    found = _resolve(objectId)
    if found is None:
        return None
    system = systemUpdateId(connection)
    if isinstance(found, tuple):
        view, rowId = found
        assert view.items is not None
        where, parameters = view.items.condition()
        row = connection.execute(f"SELECT {COLUMNS} FROM objects WHERE id = ? AND {where}", (rowId, *parameters)).fetchone()
        if row is None:
            return None
        return ([], 0, system) if children else ([ViewItem(Row(*row), objectId, view.id)], 1, system)
    if found.exists is not None and not _exists(connection, found.exists):
        return None
    if not children:
        return [_container(connection, found)], 1, system
    return (*_children(connection, found, start, count, criteria), system)
