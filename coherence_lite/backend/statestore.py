# -*- test-case-name: tests.backend.test_statestore -*-
"""
The acknowledged state of device-file services, kept durable in the state
directory before an action that changed it answers.

A L{StateStore} holds the latest values of every stored device in memory
(encoded, by UDN) and writes them, one small JSON file per device
(C{device-<uuid>.json}), atomically: temporary file, fsync, rename, fsync
of the folder.  Writes are group commits, in threads, off the reactor: the
changes recorded in one turn of the reactor are one batch, and every change
recorded while batches are under way waits for the next one, which writes
all of them at once, so a burst of calls costs a few writes, not one each.
Up to L{MAX_WRITING} batches are written at once (each mostly waits for the
disk, and the file system commits concurrent fsyncs together); a batch
writes every device not yet known to be written, and an older batch never
renames its content over a newer one's, so a batch that is done means
everything recorded before it started is on disk.

The values in memory are the truth: a device hosted again (a reload) starts
from them, not from the disk, so a state directory that cannot be written
(read-only, full) never brings back an older value.  A failed write is
logged (the first, then at most once every L{LOG_EVERY} seconds), the
waiting actions answer all the same (their change is applied and kept in
memory), and the write is tried again, after L{RETRY_DELAY} seconds and
then ever more slowly, until it succeeds, which is logged too.
"""

from __future__ import annotations

import json
import os
import threading
from functools import partial
from pathlib import Path
from typing import Any, Callable

from twisted.application.service import Service
from twisted.internet.defer import Deferred, maybeDeferred, succeed
from twisted.internet.interfaces import IDelayedCall, IReactorThreads
from twisted.internet.threads import deferToThreadPool
from twisted.logger import Logger
from twisted.python.failure import Failure

from coherence_lite._files import discard, readStateFile, syncFolder, writeTemporary
from coherence_lite.model.device import Device

__all__ = ["LOG_EVERY", "MAX_RETRY_DELAY", "MAX_WRITING", "RETRY_DELAY", "StateStore", "Stored", "stateFile"]

log = Logger()

#: Seconds before a failed write is tried again; doubled at each failure
#: in a row, up to L{MAX_RETRY_DELAY}.
RETRY_DELAY = 2.0

#: The longest wait between two tries of a failing write.
MAX_RETRY_DELAY = 300.0

#: The most batches being written at once.
MAX_WRITING = 3

#: While writes keep failing, at most one warning per this many seconds.
LOG_EVERY = 600.0

#: What a device's state file holds: the encoded value of each variable,
#: by variable name, by serviceId.
Stored = dict[str, dict[str, object]]

#: Runs a function away from the reactor; fires with its result.
ThreadRunner = Callable[[Callable[[], object]], "Deferred[object]"]


def stateFile(directory: Path, device: Device) -> Path:
    """
    Where the state of C{device}'s services is kept.
    """
    return Path(directory, f"device-{device.uuid.lower()}.json")


class _RenameOrder:
    """
    Which batch last renamed each file into place, shared by the writing
    threads: an older batch finishing later never puts older content back.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last: dict[str, int] = {}


def _writeBatch(directory: Path, files: dict[str, bytes], batch: int, order: _RenameOrder) -> dict[str, OSError]:
    """
    Write each file of C{files} (by name) into C{directory} as batch number
    C{batch}, then fsync the folder once; runs in a thread.

    @return: the error of each file that could not be written.
    """
    failed: dict[str, OSError] = {}
    written: dict[str, str] = {}
    for name, data in files.items():
        try:
            written[name] = writeTemporary(Path(directory, name), data)
        except OSError as e:
            failed[name] = e
    with order.lock:
        for name, temporary in written.items():
            if order.last.get(name, -1) > batch:
                discard(temporary)
                continue
            try:
                os.replace(temporary, Path(directory, name))
            except OSError as e:
                discard(temporary)
                failed[name] = e
                continue
            order.last[name] = batch
    if len(failed) < len(files):
        try:
            syncFolder(directory)
        except OSError as e:
            failed.update({name: e for name in files})
    return failed


def _threadRunner(reactor: Any) -> ThreadRunner:
    if IReactorThreads.providedBy(reactor):
        return lambda function: deferToThreadPool(reactor, reactor.getThreadPool(), function)
    return lambda function: maybeDeferred(function)


class StateStore(Service):
    """
    The stored state of device-file services: in memory, and written to a
    state directory in group commits.

    @ivar directory: the state directory, or L{None} to keep values in
        memory only.
    """

    def __init__(
        self,
        directory: Path | None,
        reactor: Any,
        runInThread: ThreadRunner | None = None,
        retryDelay: float = RETRY_DELAY,
    ) -> None:
        """
        @param directory: the state directory; L{None} writes nothing.
        @param reactor: times retries and the log; runs the writes in its
            thread pool when it has one.
        @param runInThread: runs a batch's writes; by default in the
            reactor's thread pool (synchronously on a reactor without one).
        @param retryDelay: seconds before a failed write is tried again.
        """
        self.directory = directory
        self._reactor = reactor
        self._runInThread = runInThread or _threadRunner(reactor)
        self._retryDelay = retryDelay
        self._memory: dict[str, tuple[str, Stored]] = {}
        self._dirty: set[str] = set()
        self._order = _RenameOrder()
        self._batches = 0
        self._writing: dict[int, set[str]] = {}
        self._waiters: list[tuple[int, Deferred[None]]] = []
        self._waitingForNext: list[Deferred[None]] = []
        self._idle: list[Deferred[None]] = []
        self._starting: IDelayedCall | None = None
        self._retry: IDelayedCall | None = None
        self._failures = 0
        self._lastWarning = float("-inf")

    def load(self, device: Device) -> Stored:
        """
        The stored values of C{device}'s services: those recorded in memory
        when there are (they are newer than any file), else its state file
        (a damaged one is ignored with one warning naming it).
        """
        kept = self._memory.get(device.UDN)
        if kept is not None:
            return {serviceId: dict(values) for serviceId, values in kept[1].items()}
        if self.directory is None:
            return {}
        path = stateFile(self.directory, device)
        data = readStateFile(path)
        if data is None:
            return {}
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict) or not all(
            isinstance(values, dict) and all(isinstance(value, str) for value in values.values())
            for values in services.values()
        ):
            log.warn(
                "Ignoring the damaged state file {path} (not the values of services): starting from the defaults",
                path=str(path),
            )
            return {}
        return {str(serviceId): dict(values) for serviceId, values in services.items()}

    def record(self, device: Device, services: Stored) -> None:
        """
        Keep C{services} (the encoded values by serviceId) as the state of
        C{device}, and have it written.
        """
        self._memory[device.UDN] = (stateFile(Path(), device).name, services)
        if self.directory is None:
            return
        self._dirty.add(device.UDN)
        self._schedule()

    def durable(self) -> Deferred[None]:
        """
        Fires once everything recorded so far is written, or could not be
        (then logged, kept in memory and tried again later).
        """
        waiter: Deferred[None] = Deferred()
        if self._dirty:
            self._waitingForNext.append(waiter)
        elif self._writing:
            self._waiters.append((max(self._writing), waiter))
        else:
            waiter.callback(None)
        return waiter

    def _schedule(self) -> None:
        # Calls arriving in the same turn of the reactor share a batch.
        if self.running and len(self._writing) < MAX_WRITING and self._starting is None:
            self._starting = self._reactor.callLater(0, self._write)

    def _write(self) -> None:
        self._starting = None
        if len(self._writing) >= MAX_WRITING or not self._dirty or self.directory is None:
            return
        if self._retry is not None and self._retry.active():
            self._retry.cancel()
        self._retry = None
        self._batches += 1
        batch = self._batches
        # Every device not yet known to be written: once this batch is done,
        # so is everything recorded before it started.
        udns = self._dirty.union(*self._writing.values())
        self._dirty = set()
        files = {}
        for udn in udns:
            name, services = self._memory[udn]
            files[name] = json.dumps({"UDN": udn, "services": services}, indent=1).encode("utf-8")
        self._waiters.extend((batch, waiter) for waiter in self._waitingForNext)
        self._waitingForNext = []
        self._writing[batch] = udns
        udnOf = {self._memory[udn][0]: udn for udn in udns}
        writing = self._runInThread(partial(_writeBatch, self.directory, files, batch, self._order))
        writing.addBoth(self._written, batch, udnOf)

    def _written(self, outcome: object, batch: int, udnOf: dict[str, str]) -> None:
        if isinstance(outcome, Failure):
            failed: dict[str, OSError | str] = {name: outcome.getErrorMessage() for name in udnOf}
            log.failure("Writing the state files failed", outcome)
        else:
            assert isinstance(outcome, dict)
            failed = dict(outcome)
        del self._writing[batch]
        if failed:
            self._dirty.update(udnOf[name] for name in failed)
            self._failed(failed)
        elif self._failures:
            log.info(
                "The state is stored again in {directory} (after {count} failed writes)",
                directory=str(self.directory),
                count=self._failures,
            )
            self._failures = 0
        done = [waiter for target, waiter in self._waiters if target <= batch]
        self._waiters = [(target, waiter) for target, waiter in self._waiters if target > batch]
        for waiter in done:
            waiter.callback(None)
        if not self._writing:
            idle, self._idle = self._idle, []
            for waiter in idle:
                waiter.callback(None)
        if self._dirty and self._retry is None:
            self._schedule()

    def _failed(self, failed: dict[str, OSError | str]) -> None:
        self._failures += 1
        now = self._reactor.seconds()
        if self._failures == 1 or now - self._lastWarning >= LOG_EVERY:
            self._lastWarning = now
            name, error = next(iter(failed.items()))
            assert self.directory is not None
            log.warn(
                "Cannot store the state in {path} ({error}; {count} failed writes so far): "
                "the acknowledged values are kept in memory and the write is tried again",
                path=str(Path(self.directory, name)),
                error=error.strerror or str(error) if isinstance(error, OSError) else error,
                count=self._failures,
            )
        if self.running:
            delay = min(self._retryDelay * 2 ** min(self._failures - 1, 16), MAX_RETRY_DELAY)
            self._retry = self._reactor.callLater(delay, self._retried)

    def _retried(self) -> None:
        self._retry = None
        self._write()

    def startService(self) -> None:
        """
        Start writing (what was recorded before is written now).
        """
        Service.startService(self)
        if self._dirty:
            self._schedule()

    def stopService(self) -> Deferred[None]:
        """
        Stop retrying; write what is still to be written, once.

        @return: fires once the last write is done (or failed, logged).
        """
        Service.stopService(self)
        for call in (self._starting, self._retry):
            if call is not None and call.active():
                call.cancel()
        self._starting = self._retry = None
        done: Deferred[None] = Deferred()
        tried = False

        def last(_: object = None) -> None:
            nonlocal tried
            if self._writing:
                idle: Deferred[None] = Deferred()
                self._idle.append(idle.addCallback(last))
            elif self._dirty and not tried:
                tried = True
                self._write()
                last()
            else:
                done.callback(None)

        last()
        return done
