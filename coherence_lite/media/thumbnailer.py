# -*- test-case-name: tests.media.test_thumbnailer -*-
"""
The library's thumbnailer: a service that gives every picture, every
picture kept as album art and (when C{ffmpeg} is installed) every video a
JPEG_TN thumbnail once per version of the file, in the background (Pillow
on a thread of its own, a few ffmpeg processes at once), once the first
scan is done and after each change the library tells of from then on; it
records them in the store, tells the changed
containers' new update ids, and deletes the thumbnails of files changed
or gone.
"""

from __future__ import annotations

import os
import shutil
from enum import Enum
from pathlib import Path
from typing import Any

from twisted.application.service import Service
from twisted.internet.defer import Deferred, DeferredSemaphore, gatherResults, succeed
from twisted.internet.threads import deferToThreadPool
from twisted.logger import Logger
from twisted.python.threadpool import ThreadPool

from coherence_lite.media.containment import containedPath
from coherence_lite.media.extras import Pending, Thumbnail, pendingThumbnails, pruneThumbnails, recordThumbnails, thumbnailName
from coherence_lite.media.index import Library
from coherence_lite.media.thumbnails import ThumbnailError, grabFrame, writeThumbnail

__all__ = ["Thumbnailer", "frameTime"]

log = Logger()

#: Objects read from the store, made and recorded together.
BATCH = 32

#: Thumbnails made at once (ffmpeg processes; Pillow has one thread).
CONCURRENCY = min(4, os.cpu_count() or 1)

#: Seconds one ffmpeg process may take over a video.
VIDEO_TIMEOUT = 20.0


class _Skipped(Enum):
    """
    Nothing made and nothing to record.
    """

    SKIPPED = "skipped"


_SKIPPED = _Skipped.SKIPPED


def frameTime(duration: float | None) -> float:
    """
    Where a video's thumbnail is taken: at a tenth of its duration when
    known (past titles and fades), else at 5 s.
    """
    return duration / 10 if duration else 5.0


class Thumbnailer(Service):
    """
    Makes the library's thumbnails in the background.

    @ivar directory: the thumbnail folder (C{media-thumbnails-<uuid>/} in
        the state directory).
    @ivar ffmpeg: the ffmpeg command, or L{None}: no video thumbnails.
    @ivar made: thumbnails made since the start.
    @ivar failed: sources that could not be made into one.
    @ivar done: fires once every thumbnail of the first full scan is made.
    """

    def __init__(
        self, library: Library, directory: Path, reactor: Any, clock: Any = None, ffmpeg: str | None = "",
        videoTimeout: float = VIDEO_TIMEOUT, concurrency: int = CONCURRENCY,
    ) -> None:
        """
        @param library: the index whose pictures and videos get thumbnails.
        @param directory: the thumbnail folder (also one of the library's
            served roots).
        @param reactor: spawns ffmpeg and runs the jobs' results.
        @param clock: times ffmpeg out (the reactor when L{None}).
        @param ffmpeg: the ffmpeg command; C{""} looks it up on C{PATH},
            L{None} makes no video thumbnails.
        @param videoTimeout: seconds one ffmpeg process may take.
        @param concurrency: thumbnails made at once.
        """
        self.library = library
        self.directory = directory
        self.ffmpeg = shutil.which("ffmpeg") if ffmpeg == "" else ffmpeg
        self.made = 0
        self.failed = 0
        self.done: Deferred[None] = Deferred()
        self._reactor = reactor
        self._clock = clock if clock is not None else reactor
        self._videoTimeout = videoTimeout
        self._concurrency = max(1, concurrency)
        self._pool = ThreadPool(1, 1, "media-thumbnails")
        self._working = False
        self._again = False
        self._telling = False
        self._broken = False
        self._started = 0.0
        self._waiting: list[Deferred[None]] = []
        library.listeners.append(self._changed)

    def startService(self) -> None:
        """
        Start the thread; make thumbnails once the first scan is done, and
        after every change from then on.
        """
        super().startService()
        self._started = self._clock.seconds()
        self._pool.start()
        if self.ffmpeg is None:
            log.info("No video thumbnails: ffmpeg is not installed")
        self.library.scanned.addCallback(lambda _: self.kick())

    def stopService(self) -> None:
        """
        Stop after the object under way; stop the thread.
        """
        super().stopService()
        self._pool.stop()
        if self._changed in self.library.listeners:
            self.library.listeners.remove(self._changed)

    def _changed(self, system: int, containers: dict[int, int]) -> None:
        # During the first scan the scan has the machine to itself: the
        # library is browsable sooner, and the pass after it finds all.
        if not self._telling and self.library.scanned.called:
            self.kick()

    def kick(self) -> None:
        """
        Make the missing thumbnails (again, once the pass under way is
        done, if one is).
        """
        if not self.running or self._broken:
            return
        if self._working:
            self._again = True
            return
        self._working = True
        working = Deferred.fromCoroutine(self._work())
        working.addErrback(lambda failure: log.failure("Making thumbnails failed", failure))
        working.addBoth(self._idle)

    def _idle(self, _: object) -> None:
        self._working = False
        waiting, self._waiting = self._waiting, []
        for each in waiting:
            each.callback(None)

    def whenIdle(self) -> "Deferred[None]":
        """
        A Deferred firing once no pass is under way (at once if none is).
        """
        if not self._working:
            return succeed(None)
        waiting: Deferred[None] = Deferred()
        self._waiting.append(waiting)
        return waiting

    async def _work(self) -> None:
        again = True
        while again and self.running:
            self._again = False
            after = -1
            while self.running and not self._broken:
                batch = await self.library.run(pendingThumbnails, self.ffmpeg is not None, BATCH, after)
                if not batch:
                    break
                turns = DeferredSemaphore(self._concurrency)
                results = await gatherResults(
                    [turns.run(lambda pending: Deferred.fromCoroutine(self._make(pending)), pending) for pending in batch]
                )
                made = [(pending, result) for pending, result in zip(batch, results) if result is not _SKIPPED]
                after = batch[-1].id
                changed = await self.library.run(recordThumbnails, made, self.directory)
                self._tell(changed)
            if self.running:
                await self.library.run(pruneThumbnails, self.directory)
            again = self._again
        if self.running and self.library.scanned.called and not self.done.called:
            log.info(
                "Media thumbnails done: {made} made, {failed} failed in {seconds:.1f} s",
                made=self.made, failed=self.failed, seconds=self._clock.seconds() - self._started,
            )
            self.done.callback(None)

    def _tell(self, changed: tuple[int, dict[int, int]] | None) -> None:
        if changed is None:
            return
        self._telling = True
        try:
            self.library.tell(*changed)
        finally:
            self._telling = False

    async def _make(self, pending: Pending) -> Thumbnail | None | _Skipped:
        """
        The thumbnail of one object, L{None} (logged) when its source
        cannot be made into one, or L{_SKIPPED} when stopping or unable to
        write (then nothing is recorded).
        """
        if not self.running or self._broken:
            return _SKIPPED
        name = thumbnailName(pending)
        source = os.fsdecode(pending.path)
        try:
            if pending.video:
                assert self.ffmpeg is not None
                frame = await self._frame(source, pending.duration)
                made = await deferToThreadPool(
                    self._reactor, self._pool, writeThumbnail, frame, self.library.servedRoots, self.directory, name
                )
            else:
                made = await deferToThreadPool(
                    self._reactor, self._pool, writeThumbnail, Path(source), self.library.servedRoots, self.directory, name
                )
        except ThumbnailError as e:
            log.warn("No thumbnail for {path}: {reason}", path=source, reason=str(e))
            self.failed += 1
            return None
        except OSError as e:
            log.error(
                "Cannot write thumbnails in {directory}: {reason}; no more thumbnails until restarted",
                directory=str(self.directory), reason=e.strerror or str(e),
            )
            self._broken = True
            return _SKIPPED
        self.made += 1
        return made

    async def _frame(self, source: str, duration: float | None) -> bytes:
        real = containedPath(source, self.library.servedRoots)
        if real is None:
            raise ThumbnailError("missing or outside the media folders")
        assert self.ffmpeg is not None
        at = frameTime(duration)
        frame = await grabFrame(self._reactor, self._clock, self.ffmpeg, real, at, self._videoTimeout)
        if not frame and at > 0:
            frame = await grabFrame(self._reactor, self._clock, self.ffmpeg, real, 0.0, self._videoTimeout)
        if not frame:
            raise ThumbnailError("ffmpeg found no frame")
        return frame
