# -*- test-case-name: tests.media.test_scanner,tests.media.test_watcher -*-
"""
The library index: the SQLite store of the media folders, worked on one
job at a time by its own thread (never the reactor's), scanned in the
background at start and on demand, and asked for pages, searches and the
files to stream on a second thread that does not wait for the scan.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from twisted.application.service import Service
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.logger import Logger
from twisted.python.threadpool import ThreadPool

from coherence_lite.media.containment import containedPath, resolveRoots
from coherence_lite.media.extralinks import subtitlePath
from coherence_lite.media.extras import subtitleOf, thumbnailOf
from coherence_lite.media.scanner import Folder, Step, Walk, pruneArt, scanFolder, setRoots
from coherence_lite.media.store import fetchRow, openStore, profileOf, storedId
from coherence_lite.media.target import StreamTarget

__all__ = ["DATABASE_NAME", "Library", "UpdateListener"]

log = Logger()

#: The store's file name in the state directory, per device UUID.
DATABASE_NAME = "media-{uuid}.sqlite"

#: Told of each change: the new SystemUpdateID and the changed containers'
#: new UpdateIDs by object id.
UpdateListener = Callable[[int, dict[int, int]], None]

_T = TypeVar("_T")


class Library(Service):
    """
    The index of some media folders.

    @ivar folders: the media folders, as given (absolute).
    @ivar roots: the same, resolved: what every listed file must be in.
    @ivar servedRoots: the roots, the art folder and the thumbnail folder:
        what every served file must be in.
    @ivar listeners: told of every change (see L{UpdateListener}).
    @ivar scanned: fires when the first full scan is done.
    """

    def __init__(
        self,
        folders: Sequence[Path],
        database: Path | str,
        reactor: Any,
        artDirectory: Path | None = None,
        ignore: "re.Pattern[bytes] | None" = None,
        thumbnailDirectory: Path | None = None,
    ) -> None:
        """
        @param folders: the media folders.
        @param database: the store's file (C{:memory:} for none).
        @param reactor: runs the jobs' results on its thread.
        @param artDirectory: where pictures embedded in tracks are kept to
            be served as their album art; L{None} keeps none.
        @param ignore: names to leave out besides dot-files (see
            L{Walk.ignore}).
        @param thumbnailDirectory: where thumbnails are kept (see
            L{coherence_lite.media.thumbnailer}); L{None} serves none.
        """
        self.ignore = ignore
        self.folders = tuple(Path(os.path.abspath(folder)) for folder in folders)
        self.roots = resolveRoots(self.folders)
        self.artDirectory = artDirectory
        self.thumbnailDirectory = thumbnailDirectory
        kept = tuple(folder for folder in (artDirectory, thumbnailDirectory) if folder is not None)
        self.servedRoots = resolveRoots((*self.folders, *kept))
        self._database = str(database)
        self._reactor = reactor
        self._pool = ThreadPool(1, 1, "media-index")
        self._queries = ThreadPool(1, 1, "media-query")
        self._connection: Any = None
        self._reader: Any = None
        self.listeners: list[UpdateListener] = []
        self.scanned: Deferred[None] = Deferred()

    def run(self, function: Callable[..., _T], *arguments: object) -> "Deferred[_T]":
        """
        Run C{function(connection, *arguments)} on the index's thread.
        """
        return deferToThreadPool(self._reactor, self._pool, self._call, function, arguments)

    def query(self, function: Callable[..., _T], *arguments: object) -> "Deferred[_T]":
        """
        Run C{function(connection, *arguments)}, a read that changes
        nothing, on the queries' thread with a connection of its own, so it
        does not wait for a scan step (SQLite's WAL lets it read what the
        last step committed); on the index's thread while the store is in
        memory or not yet opened there.
        """
        if self._database == ":memory:" or self._connection is None:
            return self.run(function, *arguments)
        return deferToThreadPool(self._reactor, self._queries, self._read, function, arguments)

    def _call(self, function: Callable[..., _T], arguments: tuple[object, ...]) -> _T:
        if self._connection is None:
            self._connection = openStore(self._database)
        return function(self._connection, *arguments)

    def _read(self, function: Callable[..., _T], arguments: tuple[object, ...]) -> _T:
        if self._reader is None:
            self._reader = openStore(self._database)
        return function(self._reader, *arguments)

    def startService(self) -> None:
        """
        Start the index's thread and scan the folders in the background.
        """
        super().startService()
        self._pool.start()
        self._queries.start()
        self.scanAll()

    def stopService(self) -> None:
        """
        Stop scanning and stop the thread (after the job under way).
        """
        super().stopService()
        self._pool.stop()
        self._queries.stop()
        for connection in (self._connection, self._reader):
            if connection is not None:
                connection.close()
        self._connection = self._reader = None

    def scanAll(self) -> "Deferred[None]":
        """
        Scan every media folder (only what changed since the last scan is
        read again); a failure is logged.
        """
        scanning = Deferred.fromCoroutine(self._scanAll())
        return scanning.addErrback(lambda failure: log.failure("The media scan failed", failure))

    async def _scanAll(self) -> None:
        started = self._reactor.seconds()
        walk = Walk(self.roots, self.artDirectory, self.ignore)
        pending = list(await self.run(setRoots, self.folders))
        folders = 0
        while pending and self.running:
            step: Step = await self.run(scanFolder, pending.pop(), walk)
            folders += 1
            pending.extend(reversed(step.folders))
            self._tell(step)
        if self.running:
            await self.run(pruneArt)
        if not self.scanned.called:
            log.info(
                "Media scan done: {folders} folders in {seconds:.1f} s",
                folders=folders, seconds=self._reactor.seconds() - started,
            )
            self.scanned.callback(None)

    async def rescan(self, path: bytes) -> list[bytes]:
        """
        Bring one folder (and the subfolders new to the index) up to date,
        for a live change.

        @return: the paths of the folders new to the index.
        """
        folder = await self.run(_folderAt, path)
        if folder is None:
            return []
        walk = Walk(self.roots, self.artDirectory, self.ignore)
        pending = [folder]
        added: list[bytes] = []
        while pending and self.running:
            step: Step = await self.run(scanFolder, pending.pop(), walk)
            pending.extend(step.added)
            added.extend(each.path for each in step.added)
            self._tell(step)
        return added

    def folderPaths(self) -> "Deferred[list[bytes]]":
        """
        The path of every folder listed, as walked.
        """
        return self.run(_folderPaths)

    def _tell(self, step: Step) -> None:
        if step.systemUpdateId is not None:
            self.tell(step.systemUpdateId, step.containers)

    def tell(self, system: int, containers: dict[int, int]) -> None:
        """
        Tell the listeners of a change recorded in the store (by a scan
        step, or by the thumbnailer).
        """
        for listener in list(self.listeners):
            listener(system, containers)

    def lookup(self, objectId: str) -> "Deferred[StreamTarget | None]":
        """
        The file to stream for an object id: an item's (or an embedded
        picture's) resolved path, if it is still inside a media folder (or
        the art folder); for C{<id>.tn}, the item's thumbnail; for
        C{<id>.sub}, a video's subtitle; L{None} for anything else.
        """
        number, _, variant = objectId.partition(".")
        finder = _VARIANTS.get(variant)
        stored = storedId(number)
        if finder is None or stored is None:
            result: Deferred[StreamTarget | None] = Deferred()
            result.callback(None)
            return result
        return self.query(finder, stored, self.servedRoots, self.thumbnailDirectory)


def _folderPaths(connection: Any) -> list[bytes]:
    return [path for (path,) in connection.execute("SELECT path FROM objects WHERE container = 1 AND path IS NOT NULL")]


def _folderAt(connection: Any, path: bytes) -> Folder | None:
    found = connection.execute("SELECT id, lineage FROM objects WHERE path = ? AND container = 1", (path,)).fetchone()
    return None if found is None else Folder(path, *found)


def _target(connection: Any, objectId: int, roots: tuple[Path, ...], thumbnails: Path | None) -> StreamTarget | None:
    row = fetchRow(connection, objectId)
    if row is None or row.container or row.path is None or row.mime is None:
        return None
    path = containedPath(os.fsdecode(row.path), roots)
    if path is None:
        return None
    caption = subtitlePath(objectId) if row.cls.startswith("object.item.videoItem") and subtitleOf(connection, objectId) else None
    return StreamTarget(path, row.mime, row.size or 0, row.mtime or 0.0, profileOf(row), caption=caption)


def _thumbnailTarget(connection: Any, objectId: int, roots: tuple[Path, ...], thumbnails: Path | None) -> StreamTarget | None:
    found = None if thumbnails is None else thumbnailOf(connection, objectId)
    if found is None or thumbnails is None:
        return None
    thumbnail, row = found
    path = containedPath(thumbnails / thumbnail.file, roots)
    if path is None:
        return None
    return StreamTarget(path, "image/jpeg", thumbnail.bytes, row.mtime or 0.0, "JPEG_TN", converted=True)


def _subtitleTarget(connection: Any, objectId: int, roots: tuple[Path, ...], thumbnails: Path | None) -> StreamTarget | None:
    found = subtitleOf(connection, objectId)
    path = None if found is None else containedPath(os.fsdecode(found), roots)
    if path is None:
        return None
    return StreamTarget(path, "text/srt", 0, 0.0)


#: What an object id's variant (after a dot) names: the object's file, its
#: thumbnail, a video's subtitle.
_VARIANTS = {"": _target, "tn": _thumbnailTarget, "sub": _subtitleTarget}
