"""
Tests for L{coherence_lite.media.watcher}: live updates by inotify, and the
periodic rescan where inotify cannot watch.
"""

from __future__ import annotations

from typing import Any, cast

from twisted.internet import inotify
from twisted.internet.defer import Deferred, succeed
from twisted.internet.task import Clock
from twisted.logger import ILogObserver, LogLevel, formatEvent, globalLogPublisher
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase
from zope.interface import provider

from coherence_lite.media.index import Library
from coherence_lite.media.watcher import SETTLE, FolderWatcher


class FakeLibrary:
    """
    A library recording the scans asked of it.
    """

    def __init__(self) -> None:
        self.scanned: Deferred[None] = Deferred()
        self.fullScans = 0
        self.rescans: list[bytes] = []

    def scanAll(self) -> Deferred[None]:
        self.fullScans += 1
        return succeed(None)

    def folderPaths(self) -> Deferred[list[bytes]]:
        return succeed([b"/m", b"/m/a"])

    async def rescan(self, path: bytes) -> list[bytes]:
        self.rescans.append(path)
        return [path + b"/new"] if path == b"/m/a" else []


class FakeNotifier:
    """
    An inotify reader recording its watches; it fails after C{limit}.
    """

    def __init__(self, limit: int = 100) -> None:
        self.watched: list[bytes] = []
        self.callbacks: list[Any] = []
        self.limit = limit
        self.stopped = False

    def startReading(self) -> None:
        pass

    def connectionLost(self, reason: object) -> None:
        self.stopped = True

    def watch(self, path: FilePath[bytes], mask: int, callbacks: list[Any]) -> None:
        if len(self.watched) >= self.limit:
            raise OSError(28, "No space left on device (inotify watches)")
        self.watched.append(path.path)
        self.callbacks.extend(callbacks)


class WatcherTests(SynchronousTestCase):
    """
    L{FolderWatcher} rescans changed folders, or everything periodically.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.library = FakeLibrary()
        self.warnings: list[dict[str, Any]] = []

        @provider(ILogObserver)
        def observe(event: dict[str, Any]) -> None:
            if event.get("log_level") == LogLevel.warn:
                self.warnings.append(event)

        globalLogPublisher.addObserver(observe)
        self.addCleanup(globalLogPublisher.removeObserver, observe)

    def watcher(self, notifier: Any) -> FolderWatcher:
        """
        A running watcher of the fake library, after its first scan.
        """
        watcher = FolderWatcher(cast(Library, self.library), self.clock, rescanInterval=10, notifier=notifier)
        watcher.startService()
        self.addCleanup(lambda: watcher.stopService() if watcher.running else None)
        self.library.scanned.callback(None)
        return watcher

    def test_changesRescanTheirFolder(self) -> None:
        """
        Changes in a folder are rescanned once, after they settle; folders
        the rescan added are watched too.
        """
        notifier = FakeNotifier()
        watcher = self.watcher(lambda: notifier)
        self.assertEqual(notifier.watched, [b"/m", b"/m/a"])
        changed = notifier.callbacks[0]
        changed(None, FilePath(b"/m/a/x.mp3"), inotify.IN_CLOSE_WRITE)
        self.clock.advance(SETTLE / 2)
        changed(None, FilePath(b"/m/a/y.mp3"), inotify.IN_DELETE)
        self.clock.advance(SETTLE / 2)
        self.assertEqual(self.library.rescans, [])
        self.clock.advance(SETTLE)
        self.assertEqual(self.library.rescans, [b"/m/a"])
        self.assertEqual(notifier.watched, [b"/m", b"/m/a", b"/m/a/new"])
        self.assertFalse(watcher.polling)
        watcher.stopService()
        self.assertTrue(notifier.stopped)

    def test_overflowRescansEverything(self) -> None:
        """
        An inotify queue overflow rescans every folder.
        """
        notifier = FakeNotifier()
        self.watcher(lambda: notifier)
        notifier.callbacks[0](None, FilePath(b"/m"), inotify.IN_Q_OVERFLOW)
        self.assertEqual(self.library.fullScans, 1)

    def test_noInotify(self) -> None:
        """
        Without inotify the watcher rescans everything periodically, and
        says so once.
        """

        def broken() -> Any:
            raise OSError("inotify_init failed")

        watcher = self.watcher(broken)
        self.assertTrue(watcher.polling)
        self.assertEqual(len(self.warnings), 1)
        self.clock.advance(10)
        self.clock.advance(10)
        self.assertEqual(self.library.fullScans, 2)

    def test_outOfWatches(self) -> None:
        """
        Running out of watches falls back to periodic rescans, logged once.
        """
        watcher = self.watcher(lambda: FakeNotifier(limit=1))
        self.assertTrue(watcher.polling)
        self.assertEqual(len(self.warnings), 1)
        self.clock.advance(10)
        self.assertEqual(self.library.fullScans, 1)

    def test_inotifyTurnedOff(self) -> None:
        """
        With C{useInotify=False} (FSStore's C{enable_inotify = no}) no
        notifier is made: everything is rescanned periodically, said once.
        """
        made: list[FakeNotifier] = []

        def notifier() -> FakeNotifier:
            made.append(FakeNotifier())
            return made[-1]

        watcher = FolderWatcher(cast(Library, self.library), self.clock, rescanInterval=10, notifier=notifier, useInotify=False)
        watcher.startService()
        self.addCleanup(watcher.stopService)
        self.library.scanned.callback(None)
        self.assertTrue(watcher.polling)
        self.assertEqual(made, [])
        self.assertEqual(len(self.warnings), 1)
        self.assertIn("turned off by the configuration", formatEvent(self.warnings[0]))
        self.clock.advance(10)
        self.assertEqual(self.library.fullScans, 1)
