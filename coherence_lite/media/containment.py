# -*- test-case-name: tests.media.test_containment -*-
"""
Path containment for the media folders: whether a path lies inside a root
after symlinks are resolved, compared by whole path components (never a
string prefix: C{/media/music2} is not inside C{/media/music}), and opening
a file so that what was opened is checked, not what the name meant a moment
earlier.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["NotContained", "containedPath", "isInside", "openContained", "resolveRoots"]


class NotContained(Exception):
    """
    The file is outside every media folder, or is not a regular file.
    """


def resolveRoots(roots: Iterable[Path | str]) -> tuple[Path, ...]:
    """
    The media folders as absolute paths with every symlink resolved, in
    their order, without repeats; a folder that does not exist resolves as
    far as it can (and then contains nothing that exists).
    """
    return tuple(dict.fromkeys(Path(root).resolve() for root in roots))


def isInside(path: Path, root: Path) -> bool:
    """
    Whether C{path} is C{root} or below it, comparing whole components.
    Both must already be resolved (see L{resolveRoots}): this looks at
    names only, never at the file system.
    """
    return path == root or root in path.parents


def containedPath(path: Path | str, roots: Sequence[Path]) -> Path | None:
    """
    C{path} with every symlink resolved, if it exists and lies inside one
    of C{roots} (resolved, see L{resolveRoots}); else L{None}.

    This is what the scanner asks of each entry, so that a symlink
    pointing outside the library, or to a sibling folder that merely
    shares a root's name as a prefix, is never listed.
    """
    try:
        real = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):
        # Missing, unreadable directory, or a symlink loop.
        return None
    if any(isInside(real, root) for root in roots):
        return real
    return None


def _openedPath(fd: int, path: Path) -> Path | None:
    """
    The real path of an open file: what the kernel says it opened
    (C{/proc/self/fd}), or where the name leads now if that is the same
    file, when C{/proc} is unavailable.
    """
    try:
        opened = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        real = containedPath(path, [Path("/")])
        if real is None:
            return None
        now = os.stat(real)
        then = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (then.st_dev, then.st_ino):
            return None
        return real
    if not opened.startswith("/") or opened.endswith(" (deleted)"):
        return None
    return Path(opened)


def openContained(path: Path, roots: Sequence[Path]) -> int:
    """
    Open a regular file for reading, then check that the file opened lies
    inside one of C{roots} (resolved, see L{resolveRoots}).

    The check is made on the open descriptor, so a path swapped for a
    symlink between the scan (or any earlier check) and the open cannot
    lead outside the library: the last component may not be a symlink
    (C{O_NOFOLLOW}), and the opened file's real path is then compared by
    whole components.

    @param path: the file's resolved path, as the library index holds it.
    @return: the open descriptor; the caller closes it.
    @raise NotContained: the opened file is outside the roots, or is not a
        regular file.
    @raise OSError: opening failed (missing, unreadable, a symlink).
    """
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotContained(f"{path} is not a regular file")
        opened = _openedPath(fd, path)
        if opened is None or not any(isInside(opened, root) for root in roots):
            raise NotContained(f"{path} opened {opened}, outside the media folders")
    except BaseException:
        os.close(fd)
        raise
    return fd
