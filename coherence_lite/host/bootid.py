# -*- test-case-name: tests.host.test_bootid -*-
"""
State kept across restarts: the BOOTID.UPNP.ORG counter.

UDA wants BOOTID to increase each time the device joins the network.  The
last value is stored in a small JSON file in a state directory, replaced
atomically (write, fsync, rename, fsync of the folder) so a crash never
leaves it half-written; a damaged one is ignored with one warning.
Without a usable directory the wall clock is the fallback: seconds since the
epoch also grow from one start to the next.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from coherence_lite.ssdp.message import MAX_BOOTID

__all__ = ["MAX_STATE_FILE", "BootIdStore", "defaultStateDirectory", "readStateFile", "syncFolder", "writeAtomically"]

log = Logger()

#: The most bytes of a state file read back; a longer one is damaged.
MAX_STATE_FILE = 1024 * 1024


def defaultStateDirectory() -> Path:
    """
    C{$XDG_STATE_HOME/coherence-lite}, or C{~/.local/state/coherence-lite}.
    """
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base, "coherence-lite")


def writeAtomically(path: Path, data: bytes, syncDirectory: bool = True) -> None:
    """
    Replace C{path} with C{data} so that readers see the old or the new
    content, never a mix, and a crash (even of the machine) right after
    keeps the new: a temporary file beside it is written and fsynced, then
    renamed over it, then the folder is fsynced so the rename is kept.

    @param syncDirectory: fsync the folder too; L{False} for a caller that
        writes several files of one folder and calls L{syncFolder} once.
    @raise OSError: the file cannot be written; the old content stays.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    if syncDirectory:
        syncFolder(path.parent)


def syncFolder(folder: Path) -> None:
    """
    fsync a folder, so the renames made in it survive a crash.

    @raise OSError: it cannot be opened or synced.
    """
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def readStateFile(path: Path, maxBytes: int = MAX_STATE_FILE) -> object | None:
    """
    The JSON content of a state file, or L{None} when there is none or it
    is damaged (not UTF-8 JSON, truncated, nested too deeply, too long,
    unreadable): then with one warning naming the file, and the caller
    starts from its defaults.

    @param maxBytes: files longer than this are damaged.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(maxBytes + 1)
    except FileNotFoundError:
        return None
    except OSError as e:
        _damaged(path, e.strerror or str(e))
        return None
    if len(data) > maxBytes:
        _damaged(path, f"longer than {maxBytes} bytes")
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        _damaged(path, "not UTF-8 text")
        return None
    except RecursionError:
        _damaged(path, "nested too deeply")
        return None
    except ValueError as e:
        _damaged(path, f"not JSON ({e})")
        return None


def _damaged(path: Path, reason: str) -> None:
    log.warn("Ignoring the damaged state file {path} ({reason}): starting from the defaults", path=str(path), reason=reason)


class BootIdStore:
    """
    Hands out increasing BOOTID values, remembered in C{<directory>/state.json}.
    """

    def __init__(self, directory: Path | None, clock: IReactorTime) -> None:
        self._path = None if directory is None else Path(directory, "state.json")
        self._clock = clock
        self._last = 0

    def _load(self) -> int:
        if self._path is None or not self._path.exists():
            return 0
        data = readStateFile(self._path)
        if data is None:
            return 0
        value = data.get("bootId") if isinstance(data, dict) else None
        if type(value) is int and 0 <= value <= MAX_BOOTID:
            return value
        _damaged(self._path, "no BOOTID from 0 to 2**31 - 1 in it")
        return 0

    def next(self) -> int:
        """
        The next BOOTID, stored before it is returned; always above the one
        handed out before by this store.
        """
        if self._path is None:
            self._last = self._fromClock()
            return self._last
        stored = max(self._load(), self._last)
        value = stored + 1 if stored < MAX_BOOTID else 1
        try:
            writeAtomically(self._path, json.dumps({"bootId": value}).encode("utf-8"))
        except OSError as e:
            log.warn(
                "Cannot store BOOTID in {path} ({error}); using the clock instead",
                path=str(self._path),
                error=e,
            )
            value = self._fromClock()
        self._last = value
        return value

    def _fromClock(self) -> int:
        # Seconds since the epoch grow from one start to the next.
        return min(max(self._last + 1, int(self._clock.seconds())), MAX_BOOTID)
