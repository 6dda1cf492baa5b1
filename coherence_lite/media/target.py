# -*- test-case-name: tests.media.test_target -*-
"""
What the streaming resource needs to serve one library object: the value a
library lookup answers for an object id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StreamTarget:
    """
    A file the library may serve, found by its object id.

    @ivar path: the file's resolved path, inside a media folder.
    @ivar mimeType: the MIME type advertised for it (the C{Content-Type}).
    @ivar size: its size in bytes when it was indexed.
    @ivar mtime: its modification time (seconds since the epoch) when indexed.
    @ivar dlnaProfile: its C{DLNA.ORG_PN} when certain, else L{None}.
    @ivar converted: whether we made it (a thumbnail): C{DLNA.ORG_CI=1}.
    @ivar caption: a video's subtitle, as the path below C{/media/}
        (C{42.sub.srt}), for Samsung's C{CaptionInfo.sec}; else L{None}.
    """

    path: Path
    mimeType: str
    size: int
    mtime: float
    dlnaProfile: str | None = None
    converted: bool = False
    caption: str | None = None
