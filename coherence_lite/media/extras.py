# -*- test-case-name: tests.media.test_extras -*-
"""
The extras of library items, as stored: each picture's or video's JPEG_TN
thumbnail (a file of the thumbnail folder, valid for one version of its
source: size and modification time) and each video's sidecar C{.srt}
subtitle; blocking functions on a store connection, run on the index's
threads, like L{coherence_lite.media.store}.

Both live in tables of their own beside C{objects} (C{thumbnails} and
C{subtitles}, declared with it in L{coherence_lite.media.store}), keyed by
object id (ids are never reused), so the scanner and the Browse path stay
as they were: an item's extras are looked up for a page of rows in one
query each.  A thumbnail row whose C{file} is L{None} records a source that
could not be read (tried once per version).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from coherence_lite.media.containment import containedPath
from coherence_lite.media.store import Row, bumpUpdateIds, fetchRow

__all__ = [
    "Extras",
    "Pending",
    "Thumbnail",
    "pendingThumbnails",
    "pruneThumbnails",
    "readExtras",
    "recordThumbnails",
    "subtitleOf",
    "syncSubtitles",
    "thumbnailName",
    "thumbnailOf",
]

#: The suffix of a sidecar subtitle file (compared ignoring case).
SUBTITLE_SUFFIX = b".srt"

_PICTURES = "object.item.imageItem%"
_VIDEOS = "object.item.videoItem%"


@dataclass(frozen=True)
class Thumbnail:
    """
    A thumbnail made for the current version of an object.

    @ivar file: its file name in the thumbnail folder.
    @ivar bytes: its size.
    @ivar width: its width in pixels.
    @ivar height: its height in pixels.
    """

    file: str
    bytes: int
    width: int
    height: int


@dataclass(frozen=True)
class Pending:
    """
    A picture or a video still without a thumbnail for its version.

    @ivar video: whether it is a video (else a picture).
    @ivar duration: a video's duration in seconds, when known.
    """

    id: int
    path: bytes
    size: int | None
    mtime: float | None
    video: bool
    duration: float | None


@dataclass(frozen=True)
class Extras:
    """
    The extras of a page of rows.

    @ivar thumbnails: by object id (items and album art objects).
    @ivar subtitles: each video's subtitle size, by object id.
    """

    thumbnails: Mapping[int, Thumbnail]
    subtitles: Mapping[int, int]


def thumbnailName(pending: Pending) -> str:
    """
    The file name of a thumbnail: a digest of its source's path, size and
    modification time (another version of the file gets another name).
    """
    key = b"\0".join((pending.path, str(pending.size).encode(), repr(pending.mtime).encode()))
    return hashlib.sha256(key).hexdigest()[:32] + ".jpg"


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def readExtras(connection: sqlite3.Connection, rows: Iterable[Row]) -> Extras:
    """
    The valid thumbnails of the rows and of their album art, and the
    subtitles of the rows.
    """
    items = [row for row in rows if not row.container]
    pictured = {row.id for row in items if row.cls.startswith(("object.item.imageItem", "object.item.videoItem"))}
    wanted = sorted(pictured | {each for row in items for each in (row.art, row.embeddedArt) if each is not None})
    if not wanted:
        return Extras({}, {})
    thumbnails = {
        objectId: Thumbnail(file, size, width, height)
        for objectId, file, size, width, height in connection.execute(
            "SELECT t.object, t.file, t.bytes, t.width, t.height FROM thumbnails AS t JOIN objects AS o ON o.id = t.object "
            f"WHERE t.object IN ({_marks(wanted)}) AND t.file IS NOT NULL AND t.size IS o.size AND t.mtime IS o.mtime",
            wanted,
        )
    }
    videos = [row.id for row in items if row.cls.startswith("object.item.videoItem")]
    subtitles: dict[int, int] = {}
    if videos:
        subtitles = dict(
            connection.execute(f"SELECT object, size FROM subtitles WHERE object IN ({_marks(videos)})", videos).fetchall()
        )
    return Extras(thumbnails, subtitles)


def pendingThumbnails(connection: sqlite3.Connection, videos: bool, limit: int, after: int = -1) -> list[Pending]:
    """
    Up to C{limit} pictures (and videos, if C{videos}) with ids above
    C{after} whose thumbnail is missing or made for another version.
    """
    classes = "o.class LIKE ?" + (" OR o.class LIKE ?" if videos else "")
    found = connection.execute(
        "SELECT o.id, o.path, o.size, o.mtime, o.class, o.duration FROM objects AS o "
        "LEFT JOIN thumbnails AS t ON t.object = o.id "
        f"WHERE o.container = 0 AND o.path IS NOT NULL AND o.id > ? AND ({classes}) "
        "AND (t.object IS NULL OR t.size IS NOT o.size OR t.mtime IS NOT o.mtime) ORDER BY o.id LIMIT ?",
        (after, _PICTURES, *((_VIDEOS,) if videos else ()), limit),
    )
    return [
        Pending(objectId, path, size, mtime, cls.startswith("object.item.videoItem"), duration)
        for objectId, path, size, mtime, cls, duration in found
    ]


def recordThumbnails(
    connection: sqlite3.Connection, made: Sequence[tuple[Pending, Thumbnail | None]], directory: Path
) -> tuple[int, dict[int, int]] | None:
    """
    Record what was made for some pending objects (L{None}: the source
    could not be read, not tried again until it changes), dropping the
    files of the versions they replace; an object changed or gone since is
    skipped.

    @return: if a thumbnail was added, the new SystemUpdateID and the new
        UpdateIDs of the containers whose children changed (an item's
        folder, the folders of the tracks whose album art it is).
    """
    changed: set[int] = set()
    connection.execute("BEGIN")
    try:
        for pending, thumbnail in made:
            row = fetchRow(connection, pending.id)
            if row is None or (row.size, row.mtime) != (pending.size, pending.mtime):
                if thumbnail is not None:
                    _unlink(directory / thumbnail.file)
                continue
            old = connection.execute("SELECT file FROM thumbnails WHERE object = ?", (pending.id,)).fetchone()
            if old is not None and old[0] and (thumbnail is None or old[0] != thumbnail.file):
                _unlink(directory / old[0])
            connection.execute(
                "INSERT OR REPLACE INTO thumbnails VALUES (?, ?, ?, ?, ?, ?, ?)",
                (pending.id, pending.size, pending.mtime, *(
                    (thumbnail.file, thumbnail.bytes, thumbnail.width, thumbnail.height)
                    if thumbnail is not None else (None, None, None, None)
                )),
            )
            if thumbnail is None:
                continue
            if row.parent is not None:
                changed.add(row.parent)
            changed.update(
                parent for (parent,) in connection.execute(
                    "SELECT DISTINCT parent FROM objects WHERE (art = ? OR embeddedArt = ?) AND parent IS NOT NULL",
                    (pending.id, pending.id),
                )
            )
        bumped = bumpUpdateIds(connection, changed) if changed else None
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return bumped


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def pruneThumbnails(connection: sqlite3.Connection, directory: Path) -> int:
    """
    Forget the thumbnails and subtitles of objects gone, and delete every
    file of the thumbnail folder no valid thumbnail names (those of
    deleted or changed files, or left by an interrupted run), so the folder
    never grows with files that are gone.

    @return: how many files were deleted.
    """
    connection.execute("DELETE FROM thumbnails WHERE object NOT IN (SELECT id FROM objects)")
    connection.execute("DELETE FROM subtitles WHERE object NOT IN (SELECT id FROM objects)")
    kept = {
        file for (file,) in connection.execute(
            "SELECT t.file FROM thumbnails AS t JOIN objects AS o ON o.id = t.object "
            "WHERE t.file IS NOT NULL AND t.size IS o.size AND t.mtime IS o.mtime"
        )
    }
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    deleted = 0
    for name in names:
        if name not in kept:
            _unlink(directory / name)
            deleted += 1
    return deleted


def syncSubtitles(connection: sqlite3.Connection, folder: int, names: Mapping[bytes, bytes], roots: Sequence[Path]) -> bool:
    """
    Bring a folder's subtitles up to date: each video whose folder holds
    an C{.srt} of the same base name (C{film.mkv} and C{film.srt}), a
    regular file inside the media folders once symlinks are resolved, has
    it as its subtitle.

    @param names: the folder's entries, their names to their paths.
    @return: whether any video's subtitle came, went or changed.
    """
    before = connection.total_changes
    sidecars = {name[: -len(SUBTITLE_SUFFIX)]: path for name, path in names.items() if name.lower().endswith(SUBTITLE_SUFFIX)}
    if not sidecars:
        connection.execute("DELETE FROM subtitles WHERE object IN (SELECT id FROM objects WHERE parent = ?)", (folder,))
        return connection.total_changes != before
    videos = connection.execute(
        "SELECT o.id, o.path, s.path, s.size FROM objects AS o LEFT JOIN subtitles AS s ON s.object = o.id "
        "WHERE o.parent = ? AND o.container = 0 AND o.class LIKE ?",
        (folder, _VIDEOS),
    ).fetchall()
    for objectId, path, storedPath, storedSize in videos:
        found = _sidecar(sidecars.get(os.path.splitext(os.path.basename(path))[0]), roots)
        if found == (storedPath, storedSize):
            continue
        if found is None:
            connection.execute("DELETE FROM subtitles WHERE object = ?", (objectId,))
        else:
            connection.execute("INSERT OR REPLACE INTO subtitles VALUES (?, ?, ?)", (objectId, *found))
    return connection.total_changes != before


def _sidecar(path: bytes | None, roots: Sequence[Path]) -> tuple[bytes, int] | None:
    if path is None:
        return None
    real = containedPath(os.fsdecode(path), roots)
    if real is None:
        return None
    try:
        status = os.stat(real)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode) or not os.access(real, os.R_OK):
        return None
    return os.fsencode(real), status.st_size


def thumbnailOf(connection: sqlite3.Connection, objectId: int) -> tuple[Thumbnail, Row] | None:
    """
    The valid thumbnail of an object, with the object, or L{None}.
    """
    row = fetchRow(connection, objectId)
    if row is None:
        return None
    found = connection.execute(
        "SELECT file, bytes, width, height FROM thumbnails WHERE object = ? AND file IS NOT NULL AND size IS ? AND mtime IS ?",
        (objectId, row.size, row.mtime),
    ).fetchone()
    return None if found is None else (Thumbnail(*found), row)


def subtitleOf(connection: sqlite3.Connection, objectId: int) -> bytes | None:
    """
    The path of a video's subtitle file (resolved when the folder was
    scanned), or L{None}.
    """
    found = connection.execute("SELECT path FROM subtitles WHERE object = ?", (objectId,)).fetchone()
    return None if found is None else bytes(found[0])
