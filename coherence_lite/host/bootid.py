# -*- test-case-name: tests.host.test_bootid -*-
"""
State kept across restarts: the BOOTID.UPNP.ORG counter.

UDA wants BOOTID to increase each time the device joins the network.  The
last value is stored in a small JSON file in a state directory, replaced
atomically (write, fsync, rename) so a crash never leaves it half-written.
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

__all__ = ["BootIdStore", "defaultStateDirectory", "writeAtomically"]

log = Logger()


def defaultStateDirectory() -> Path:
    """
    C{$XDG_STATE_HOME/coherence-lite}, or C{~/.local/state/coherence-lite}.
    """
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base, "coherence-lite")


def writeAtomically(path: Path, data: bytes) -> None:
    """
    Replace C{path} with C{data} so that readers see the old or the new
    content, never a mix.
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


class BootIdStore:
    """
    Hands out increasing BOOTID values, remembered in C{<directory>/state.json}.
    """

    def __init__(self, directory: Path | None, clock: IReactorTime) -> None:
        self._path = None if directory is None else Path(directory, "state.json")
        self._clock = clock
        self._last = 0

    def _load(self) -> int:
        if self._path is None:
            return 0
        try:
            value = json.loads(self._path.read_text("utf-8")).get("bootId", 0)
        except FileNotFoundError:
            return 0
        except (OSError, ValueError, AttributeError) as e:
            log.warn("Ignoring unreadable state file {path}: {error}", path=str(self._path), error=e)
            return 0
        return value if isinstance(value, int) and 0 <= value <= MAX_BOOTID else 0

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
