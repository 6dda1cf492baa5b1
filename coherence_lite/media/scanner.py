# -*- test-case-name: tests.media.test_scanner -*-
"""
Walking the media folders into the library store, one folder per step (a
blocking function run on the index's thread): new and changed files (by
size and modification time) are read, vanished ones dropped, symlinks
followed only when they resolve inside a media folder, each folder's
cover image becomes its tracks' album art, and each video's sidecar
C{.srt} its subtitle.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from twisted.logger import Logger

from coherence_lite.media.containment import containedPath
from coherence_lite.media.extras import syncSubtitles
from coherence_lite.media.metadata import Kind, Metadata, MetadataError, mediaKind, readMetadata
from coherence_lite.media.store import bumpUpdateIds, inodeKey

__all__ = ["Folder", "Step", "Walk", "ignorePattern", "pruneArt", "scanFolder", "setRoots"]

log = Logger()

#: Names of a folder's cover image, in order of preference.
COVER_NAMES = (b"cover.jpg", b"folder.jpg", b"front.jpg", b"cover.png", b"folder.png")


@dataclass(frozen=True)
class Folder:
    """
    A folder to scan: its path as walked, its container's id and lineage.
    """

    path: bytes
    id: int
    lineage: str


@dataclass(frozen=True)
class Walk:
    """
    What the steps of a walk over the media folders share.

    @ivar roots: the media folders, resolved.
    @ivar artDirectory: where pictures embedded in tracks are kept (one
        file per distinct picture); L{None} keeps none.
    @ivar ignore: file and folder names (bytes) to leave out besides
        dot-files, matched from their start (Coherence FSStore's
        C{ignore_patterns}); L{None} leaves out dot-files only.
    """

    roots: tuple[Path, ...]
    artDirectory: Path | None = None
    ignore: re.Pattern[bytes] | None = None


@dataclass(frozen=True)
class Step:
    """
    What scanning one folder did.

    @ivar folders: its subfolders, to scan next.
    @ivar added: the subfolders new to the store (a live update scans
        these, not the others).
    @ivar systemUpdateId: the new SystemUpdateID if anything changed.
    @ivar containers: the changed containers' new UpdateIDs.
    """

    folders: tuple[Folder, ...]
    added: tuple[Folder, ...]
    systemUpdateId: int | None
    containers: dict[int, int]


def ignorePattern(patterns: Sequence[str]) -> re.Pattern[bytes] | None:
    """
    One pattern for L{Walk.ignore} out of regular expressions, any of
    which leaves a name out when it matches the name's start (as Coherence's
    FSStore read its C{ignore_patterns}).

    @return: L{None} for no pattern.
    @raise re.error: a pattern is not a regular expression.
    """
    if not patterns:
        return None
    return re.compile(b"|".join(b"(?:" + os.fsencode(pattern) + b")" for pattern in patterns))


def displayName(name: bytes) -> str:
    """
    A file name as a title: undecodable bytes become U+FFFD.
    """
    return name.decode("utf-8", "replace")


def setRoots(connection: sqlite3.Connection, folders: Sequence[Path]) -> list[Folder]:
    """
    Make the store's top containers the media folders (dropping those of
    folders no longer served).

    @return: the folders to scan, in the order given.
    """
    wanted = [os.fsencode(folder) for folder in folders]
    connection.execute("BEGIN")
    try:
        stale = connection.execute("SELECT id, path, lineage FROM objects WHERE parent = 0").fetchall()
        changed = False
        for objectId, path, lineage in stale:
            if path not in wanted:
                connection.execute("DELETE FROM objects WHERE lineage LIKE ?", (lineage + "%",))
                changed = True
        result = []
        for path in wanted:
            try:
                inode: str | None = inodeKey(os.stat(path))
            except OSError:
                inode = None
            found = connection.execute("SELECT id, lineage FROM objects WHERE path = ?", (path,)).fetchone()
            if found is None:
                title = displayName(os.path.basename(path.rstrip(b"/")) or path)
                found = _addContainer(connection, path, 0, "/0/", title, inode)
                changed = True
            connection.execute("UPDATE objects SET inode = ? WHERE id = ?", (inode, found[0]))
            result.append(Folder(path, *found))
        if changed:
            bumpUpdateIds(connection, [0])
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return result


def _addContainer(
    connection: sqlite3.Connection, path: bytes, parent: int, lineage: str, title: str, inode: str | None
) -> tuple[int, str]:
    cursor = connection.execute(
        "INSERT INTO objects (parent, path, lineage, container, title, class, added, inode) "
        "VALUES (?, ?, '', 1, ?, 'object.container.storageFolder', ?, ?)",
        (parent, path, title, time.time(), inode),
    )
    objectId = cursor.lastrowid
    assert objectId is not None
    own = f"{lineage}{objectId}/"
    connection.execute("UPDATE objects SET lineage = ? WHERE id = ?", (own, objectId))
    return objectId, own


def _storeArt(connection: sqlite3.Connection, directory: Path, mimeType: str, data: bytes) -> int | None:
    """
    Keep an embedded picture as a file of C{directory} (named by its
    digest, so a picture shared by an album is kept once) with a row of its
    own; return that row's id, or L{None} if it cannot be written.
    """
    name = hashlib.sha256(data).hexdigest()[:32] + (".jpg" if mimeType == "image/jpeg" else ".png")
    target = directory / name
    try:
        if not target.exists():
            directory.mkdir(parents=True, exist_ok=True)
            partial = directory / (name + ".part")
            partial.write_bytes(data)
            os.replace(partial, target)
    except OSError as e:
        log.warn("Cannot keep an embedded picture in {directory}: {reason}", directory=str(directory), reason=e.strerror or str(e))
        return None
    stored = os.fsencode(target)
    connection.execute(
        "INSERT OR IGNORE INTO objects (parent, path, lineage, container, title, class, mime, size, mtime, added) "
        "VALUES (NULL, ?, '', 0, 'cover', 'object.item.imageItem.photo', ?, ?, ?, ?)",
        (stored, mimeType, len(data), time.time(), time.time()),
    )
    found = connection.execute("SELECT id FROM objects WHERE path = ?", (stored,)).fetchone()
    return None if found is None else int(found[0])


def pruneArt(connection: sqlite3.Connection) -> None:
    """
    Forget the embedded pictures no track holds any more (rows and files).
    """
    orphans = connection.execute(
        "SELECT id, path FROM objects WHERE parent IS NULL AND id != 0 "
        "AND id NOT IN (SELECT embeddedArt FROM objects WHERE embeddedArt IS NOT NULL)"
    ).fetchall()
    for objectId, path in orphans:
        connection.execute("DELETE FROM objects WHERE id = ?", (objectId,))
        try:
            os.unlink(path)
        except OSError:
            pass


def _storeFile(
    connection: sqlite3.Connection,
    folder: Folder,
    path: bytes,
    kind: Kind,
    status: os.stat_result,
    existing: int | None,
    walk: Walk,
) -> None:
    try:
        found = readMetadata(Path(os.fsdecode(path)), kind)
    except MetadataError as e:
        log.warn("Listing {path} by name only: {reason}", path=os.fsdecode(path), reason=str(e))
        found = Metadata()
    art = None
    if found.art is not None and walk.artDirectory is not None:
        art = _storeArt(connection, walk.artDirectory, *found.art)
    title = found.title or displayName(os.path.splitext(os.path.basename(path))[0])
    values = (
        folder.id, path, folder.lineage, title, kind.upnpClass, kind.mimeType, status.st_size, status.st_mtime,
        found.duration, found.bitrate, found.sampleRate, found.channels, found.resolution,
        found.artist, found.album, found.genre, found.track, found.date, art, found.profile,
    )
    columns = (
        "parent, path, lineage, container, title, class, mime, size, mtime, duration, bitrate, sampleRate, "
        "channels, resolution, artist, album, genre, track, date, embeddedArt, profile"
    )
    if existing is None:
        connection.execute(
            f"INSERT INTO objects ({columns}, added) VALUES (?, ?, ?, 0, {', '.join('?' * 17)}, ?)",
            (*values, time.time()),
        )
    else:
        assignments = ", ".join(f"{name.strip()} = ?" for name in columns.split(",") if name.strip() != "container")
        connection.execute(f"UPDATE objects SET {assignments} WHERE id = ?", (*values, existing))


def scanFolder(connection: sqlite3.Connection, folder: Folder, walk: Walk) -> Step:
    """
    Bring one folder's entries in the store up to date with the disk.

    A file that cannot be read is skipped, and a broken one listed by name,
    each with one log line; neither stops the walk.
    """
    try:
        entries = sorted(os.scandir(folder.path), key=lambda entry: entry.name)
    except OSError as e:
        log.warn("Cannot list {path}: {reason}", path=os.fsdecode(folder.path), reason=e.strerror or str(e))
        return Step((), (), None, {})
    connection.execute("BEGIN")
    try:
        step = _scanEntries(connection, folder, walk, entries)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return step


def _scanEntries(connection: sqlite3.Connection, folder: Folder, walk: Walk, entries: list[os.DirEntry[bytes]]) -> Step:
    existing = {
        path: (objectId, container, size, mtime, lineage)
        for objectId, path, container, size, mtime, lineage in connection.execute(
            "SELECT id, path, container, size, mtime, lineage FROM objects WHERE parent = ?", (folder.id,)
        )
    }
    seen: set[bytes] = set()
    folders: list[Folder] = []
    added: list[Folder] = []
    changed = False
    for entry in entries:
        if not _listable(entry, walk):
            continue
        path = entry.path
        try:
            if entry.is_symlink() and containedPath(os.fsdecode(path), walk.roots) is None:
                target = os.path.realpath(path)
                log.info(
                    "Skipping {path}: a symlink to {target}, missing or outside the media folders",
                    path=os.fsdecode(path), target=os.fsdecode(target),
                )
                continue
            status = os.stat(path)
        except (OSError, RuntimeError) as e:
            log.info("Skipping {path}: {reason}", path=os.fsdecode(path), reason=getattr(e, "strerror", None) or str(e))
            continue
        known = existing.get(path)
        if stat.S_ISDIR(status.st_mode):
            inode = inodeKey(status)
            if _listedElsewhere(connection, path, inode):
                log.info("Skipping {path}: a folder already listed (a link or a loop)", path=os.fsdecode(path))
                continue
            if known is None and _isMediaFolder(connection, path):
                log.info("Skipping {path}: a media folder of its own, listed at the top", path=os.fsdecode(path))
                continue
            seen.add(path)
            if known is not None and known[1]:
                folders.append(Folder(path, known[0], known[4]))
                continue
            if known is not None:
                connection.execute("DELETE FROM objects WHERE id = ?", (known[0],))
            sub = Folder(path, *_addContainer(connection, path, folder.id, folder.lineage, displayName(entry.name), inode))
            folders.append(sub)
            added.append(sub)
            changed = True
            continue
        kind = mediaKind(os.fsdecode(entry.name))
        if kind is None or not stat.S_ISREG(status.st_mode):
            continue
        if not os.access(path, os.R_OK):
            log.info("Skipping {path}: not readable", path=os.fsdecode(path))
            continue
        seen.add(path)
        if known is not None and not known[1] and known[2] == status.st_size and known[3] == status.st_mtime:
            continue
        if known is not None and known[1]:
            connection.execute("DELETE FROM objects WHERE lineage LIKE ?", (known[4] + "%",))
            known = None
        _storeFile(connection, folder, path, kind, status, None if known is None else known[0], walk)
        changed = True
    for path, (objectId, container, _, _, lineage) in existing.items():
        if path not in seen:
            if container:
                connection.execute("DELETE FROM objects WHERE lineage LIKE ?", (lineage + "%",))
            else:
                connection.execute("DELETE FROM objects WHERE id = ?", (objectId,))
            changed = True
    if syncSubtitles(connection, folder.id, {entry.name: entry.path for entry in entries if _listable(entry, walk)}, walk.roots):
        changed = True
    if not changed:
        return Step(tuple(folders), tuple(added), None, {})
    _setArt(connection, folder, {entry.name.lower(): entry.path for entry in entries})
    system, containers = bumpUpdateIds(connection, [folder.id])
    return Step(tuple(folders), tuple(added), system, containers)


def _listable(entry: os.DirEntry[bytes], walk: Walk) -> bool:
    """
    Whether an entry is looked at: not a dot-file, not ignored.
    """
    return not entry.name.startswith(b".") and (walk.ignore is None or walk.ignore.match(entry.name) is None)


def _isMediaFolder(connection: sqlite3.Connection, path: bytes) -> bool:
    """
    Whether C{path} is one of the media folders (the root's children), as
    one media folder inside another is.
    """
    return connection.execute("SELECT 1 FROM objects WHERE path = ? AND parent = 0", (path,)).fetchone() is not None


def _listedElsewhere(connection: sqlite3.Connection, path: bytes, inode: str) -> bool:
    """
    Whether the folder at C{path} is already listed at another path that
    still reaches it (a moved folder's old row does not count).
    """
    for (other,) in connection.execute("SELECT path FROM objects WHERE inode = ? AND path != ?", (inode, path)):
        try:
            if inodeKey(os.stat(other)) == inode:
                return True
        except OSError:
            continue
    return False


def _setArt(connection: sqlite3.Connection, folder: Folder, names: dict[bytes, bytes]) -> None:
    art = None
    for name in COVER_NAMES:
        if name in names:
            found = connection.execute("SELECT id FROM objects WHERE path = ?", (names[name],)).fetchone()
            if found is not None:
                art = found[0]
                break
    connection.execute(
        "UPDATE objects SET art = ? WHERE parent = ? AND container = 0 AND class LIKE 'object.item.audioItem%'",
        (art, folder.id),
    )
