# -*- test-case-name: tests.media.test_watcher -*-
"""
Live updates of the library: inotify watches on every listed folder, a
changed folder rescanned a moment after its last change; where inotify is
missing or out of watches (logged once), a periodic rescan instead.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from twisted.application.service import Service
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python.filepath import FilePath

from coherence_lite.media.index import Library

__all__ = ["RESCAN_INTERVAL", "SETTLE", "FolderWatcher"]

log = Logger()

#: Seconds between two full rescans where inotify cannot watch.
RESCAN_INTERVAL = 300.0

#: Seconds a folder must stay quiet before it is rescanned.
SETTLE = 0.5

try:
    from twisted.internet import inotify
except ImportError:  # not Linux
    inotify = None  # type: ignore[assignment]


def _mask() -> int:
    assert inotify is not None
    return (
        inotify.IN_CREATE | inotify.IN_CLOSE_WRITE | inotify.IN_MOVED_TO | inotify.IN_MOVED_FROM
        | inotify.IN_DELETE | inotify.IN_DELETE_SELF | inotify.IN_MOVE_SELF | inotify.IN_ATTRIB
    )


class FolderWatcher(Service):
    """
    Keeps a L{Library} up to date while it runs.

    @ivar polling: whether it fell back to periodic rescans.
    """

    def __init__(
        self,
        library: Library,
        reactor: Any,
        rescanInterval: float = RESCAN_INTERVAL,
        notifier: Callable[[], Any] | None = None,
        useInotify: bool = True,
    ) -> None:
        """
        @param library: the library to keep up to date.
        @param reactor: times the rescans, and reads inotify.
        @param rescanInterval: seconds between full rescans without inotify.
        @param notifier: makes the inotify reader; twisted's
            C{inotify.INotify} by default (tests give one that fails).
        @param useInotify: whether to watch at all; C{False} (Coherence
            FSStore's C{enable_inotify = no}) rescans periodically instead.
        """
        self._useInotify = useInotify
        self._library = library
        self._reactor = reactor
        self._interval = rescanInterval
        self._notifier = notifier
        self._inotify: Any = None
        self._pending: set[bytes] = set()
        self._timer: IDelayedCall | None = None
        self._poll: LoopingCall | None = None
        self._busy = False
        self.polling = False

    def startService(self) -> None:
        """
        Watch the folders once the first scan has listed them.
        """
        super().startService()
        self._library.scanned.addCallback(lambda _: self._watchAll() if self.running else None)

    def stopService(self) -> None:
        """
        Stop watching and rescanning.
        """
        super().stopService()
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        if self._poll is not None and self._poll.running:
            self._poll.stop()
        if self._inotify is not None:
            self._inotify.connectionLost(None)
            self._inotify = None

    def _watchAll(self) -> None:
        if not self._useInotify:
            self._fallBack("turned off by the configuration")
            return
        try:
            if self._notifier is not None:
                self._inotify = self._notifier()
            elif inotify is None:
                raise OSError("inotify is not available on this system")
            else:
                self._inotify = inotify.INotify(self._reactor)
            self._inotify.startReading()
        except Exception as e:
            self._fallBack(str(e))
            return
        self._library.folderPaths().addCallback(self._watch)

    def _watch(self, paths: list[bytes]) -> None:
        if self._inotify is None or self.polling:
            return
        for path in paths:
            try:
                self._inotify.watch(FilePath(path), _mask(), callbacks=[self._changed])
            except Exception as e:
                self._fallBack(f"cannot watch {os.fsdecode(path)}: {e}")
                return

    def _fallBack(self, reason: str) -> None:
        if self.polling:
            return
        self.polling = True
        log.warn(
            "Live media updates: inotify cannot be used ({reason}); rescanning every {interval:g} s instead",
            reason=reason, interval=self._interval,
        )
        self._poll = LoopingCall(self._library.scanAll)
        self._poll.clock = self._reactor
        self._poll.start(self._interval, now=False)

    def _changed(self, ignored: object, path: FilePath[Any], mask: int) -> None:
        if inotify is not None and mask & inotify.IN_Q_OVERFLOW:
            log.info("Live media updates: the inotify queue overflowed; rescanning everything")
            self._library.scanAll()
            return
        self._pending.add(os.fsencode(path.dirname()))
        if self._timer is not None and self._timer.active():
            self._timer.reset(SETTLE)
        else:
            self._timer = self._reactor.callLater(SETTLE, self._flush)

    def _flush(self) -> None:
        if self._busy:
            self._timer = self._reactor.callLater(SETTLE, self._flush)
            return
        folders, self._pending = sorted(self._pending), set()
        self._busy = True
        rescans = self._rescan(folders)
        rescans.addErrback(lambda failure: log.failure("A live media rescan failed", failure))
        rescans.addBoth(self._done)

    def _rescan(self, folders: list[bytes]) -> "Deferred[None]":
        async def run() -> None:
            for folder in folders:
                added = await self._library.rescan(folder)
                self._watch(added)

        return Deferred.fromCoroutine(run())

    def _done(self, ignored: object) -> None:
        self._busy = False
