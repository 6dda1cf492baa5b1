# -*- test-case-name: tests.test_files -*-
"""
Durable small files: atomic replacement with fsync, and a bounded, safe read
of a JSON state file.

A file is replaced atomically (write a temporary beside it, fsync, rename,
fsync of the folder) so a crash never leaves it half-written; a damaged
state file is ignored with one warning naming it, and the caller starts from
its defaults.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from twisted.logger import Logger

__all__ = ["MAX_STATE_FILE", "discard", "readStateFile", "syncFolder", "warnDamaged", "writeAtomically", "writeTemporary"]

log = Logger()

#: The most bytes of a state file read back; a longer one is damaged.
MAX_STATE_FILE = 1024 * 1024


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
    temporary = writeTemporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        discard(temporary)
        raise
    if syncDirectory:
        syncFolder(path.parent)


def writeTemporary(path: Path, data: bytes) -> str:
    """
    Write C{data} into a new temporary file beside C{path} and fsync it:
    the first half of L{writeAtomically}, to be renamed over C{path}.

    @return: the temporary file's path.
    @raise OSError: it cannot be written (nothing is left behind).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        discard(temporary)
        raise
    return temporary


def discard(temporary: str) -> None:
    """
    Remove a temporary file, if it is still there.
    """
    try:
        os.unlink(temporary)
    except OSError:
        pass


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
        warnDamaged(path, e.strerror or str(e))
        return None
    if len(data) > maxBytes:
        warnDamaged(path, f"longer than {maxBytes} bytes")
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        warnDamaged(path, "not UTF-8 text")
        return None
    except RecursionError:
        warnDamaged(path, "nested too deeply")
        return None
    except ValueError as e:
        warnDamaged(path, f"not JSON ({e})")
        return None


def warnDamaged(path: Path, reason: str) -> None:
    """
    Log that the state file C{path} is ignored because of C{reason}.
    """
    log.warn("Ignoring the damaged state file {path} ({reason}): starting from the defaults", path=str(path), reason=reason)
