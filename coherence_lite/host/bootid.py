# -*- test-case-name: tests.host.test_bootid -*-
"""
State kept across restarts: the BOOTID.UPNP.ORG counter.

UDA wants BOOTID to increase each time the device joins the network.  The
last value is stored in a small JSON file in a state directory, replaced
atomically (L{coherence_lite._files}) so a crash never leaves it
half-written; a damaged one is ignored with one warning.
Without a usable directory the wall clock is the fallback: seconds since the
epoch also grow from one start to the next.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from coherence_lite._files import readStateFile, warnDamaged, writeAtomically
from coherence_lite.ssdp.message import MAX_BOOTID

__all__ = ["BootIdStore", "defaultStateDirectory"]

log = Logger()


def defaultStateDirectory() -> Path:
    """
    C{$XDG_STATE_HOME/coherence-lite}, or C{~/.local/state/coherence-lite}.
    """
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base, "coherence-lite")


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
        warnDamaged(self._path, "no BOOTID from 0 to 2**31 - 1 in it")
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
