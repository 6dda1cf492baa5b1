# -*- test-case-name: tests.model.test_devicefile_errors -*-
"""
Icon image files named by a device file: their MIME type from the file
name, and their bytes, checked to be a small image of that type.
"""

from __future__ import annotations

import os

__all__ = ["IconFileError", "KNOWN_EXTENSIONS", "iconMimetype", "readIconFile"]

_MIMETYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
_MAX_ICON_BYTES = 1024 * 1024

#: The file name extensions whose image type is known.
KNOWN_EXTENSIONS = tuple(_MIMETYPES)


class IconFileError(Exception):
    """
    An icon file that cannot be served; the message says why.
    """


def iconMimetype(fileName: str) -> str | None:
    """
    The MIME type of an icon file named C{fileName}, or L{None} when its
    extension is not one of L{KNOWN_EXTENSIONS}.
    """
    return _MIMETYPES.get(os.path.splitext(fileName)[1].lower())


def readIconFile(path: str, mimetype: str) -> bytes:
    """
    Read an icon's image file.

    @raise IconFileError: when it cannot be read, is empty, is larger than
        1 MiB, or does not start the way a C{mimetype} image does.
    """
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_ICON_BYTES + 1)
    except OSError as e:
        raise IconFileError(f"cannot read {path}: {e.strerror or e}") from e
    if not data:
        raise IconFileError(f"{path} is empty")
    if len(data) > _MAX_ICON_BYTES:
        raise IconFileError(f"{path} is larger than 1 MiB; icons should be small")
    magic = _MAGIC.get(mimetype)
    if magic is not None and not data.startswith(magic):
        raise IconFileError(f"{path} is not a {mimetype} image")
    return data
