# -*- test-case-name: tests.media.test_request,tests.host.test_media -*-
"""
What a MediaServer is asked to serve (L{MediaRequest}): the folders of
C{--media}, or those of a device file's C{[media]} table, checked.

A device file for a MediaServer holds a C{[media]} table only::

    [media]
    folders = ["/srv/music", "photos"]   # relative to the file's folder
    name = "Den"                           # optional
    views = false                          # optional; default true
    uuid = "..."                           # optional; derived from the file
    thumbnails = false                     # optional; default true
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from coherence_lite.errors import HostedDeviceError
from coherence_lite.model._toml import parseTOML

__all__ = ["MediaRequest", "mediaRequestFromFile"]

#: The keys of a C{[media]} table.
_KEYS = ("folders", "name", "uuid", "views", "thumbnails")


@dataclass(frozen=True)
class MediaRequest:
    """
    What a MediaServer is asked to serve, and where the ask came from.

    @ivar origin: C{--media} or the device file's path, for messages and
        the derived UDN.
    @ivar folders: the media folders, resolved, without repeats.
    @ivar name: its friendlyName, or L{None} for the default.
    @ivar udn: its UDN, or L{None} to derive it from the origin.
    @ivar ignore: regular expressions of names to leave out besides
        dot-files (Coherence FSStore's C{ignore_patterns}), checked.
    @ivar inotify: whether changes are watched live (else the folders are
        rescanned periodically).
    @ivar views: whether the root lists the views (Music, Photos, Videos,
        Recently added) after the media folders.
    @ivar thumbnails: whether pictures, album art and videos get JPEG_TN
        thumbnails.
    """

    origin: str
    folders: tuple[Path, ...]
    name: str | None = None
    udn: str | None = None
    ignore: tuple[str, ...] = ()
    inotify: bool = True
    views: bool = True
    thumbnails: bool = True

    @classmethod
    def checked(cls, origin: str, folders: list[str], name: str | None, udn: str | None, base: Path | None = None) -> "MediaRequest":
        """
        A request whose folders exist.

        @param base: the folder relative folders are taken from.
        @raise HostedDeviceError: a folder is missing (naming it), or the
            name is empty or too long.
        """
        field = "media" if base is None else None
        where = "" if base is None else f"{origin}: media.folders: "
        paths = []
        if not folders:
            raise HostedDeviceError(field, f"{where}names no folder")
        for folder in folders:
            path = Path(base or ".", os.path.expanduser(folder))
            if not path.is_dir():
                raise HostedDeviceError(field, f"{where}{folder}: not a folder")
            paths.append(path.resolve())
        if name is not None and not (name.strip() and len(name) <= 64):
            what = "media-name" if base is None else None
            raise HostedDeviceError(what, f"{'' if base is None else origin + ': media.name: '}{name!r} must be 1 to 64 characters")
        return cls(origin, tuple(dict.fromkeys(paths)), name, udn)


def mediaRequestFromFile(path: Path) -> MediaRequest | None:
    """
    The MediaServer a device file asks for, or L{None} for a file without
    a C{[media]} table (an ordinary device file).

    @raise HostedDeviceError: the file cannot be read, or its C{[media]}
        table is wrong (naming the file and the key).
    """
    name = os.fsdecode(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise HostedDeviceError(None, f"{name}: cannot read the device file: {e.strerror or e}") from None
    data = parseTOML(raw, lambda reason: HostedDeviceError(None, f"{name}: {reason}"))
    table = data.get("media")
    if table is None:
        return None
    if not isinstance(table, Mapping) or set(data) != {"media"}:
        raise HostedDeviceError(None, f"{name}: media: a MediaServer's file holds one [media] table and nothing else")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise HostedDeviceError(None, f"{name}: media.{unknown[0]}: unknown key (known: {', '.join(_KEYS)})")
    folders = table.get("folders")
    if isinstance(folders, str):
        folders = [folders]
    if not isinstance(folders, list) or not all(isinstance(folder, str) for folder in folders):
        raise HostedDeviceError(None, f"{name}: media.folders: must be a folder or a list of folders")
    for key in ("name", "uuid"):
        if key in table and not isinstance(table[key], str):
            raise HostedDeviceError(None, f"{name}: media.{key}: must be a string")
    views = table.get("views", True)
    thumbnails = table.get("thumbnails", True)
    for key, value in (("views", views), ("thumbnails", thumbnails)):
        if not isinstance(value, bool):
            raise HostedDeviceError(None, f"{name}: media.{key}: must be true or false")
    udn = table.get("uuid")
    if udn is not None:
        udn = "uuid:" + udn.removeprefix("uuid:")
    return replace(MediaRequest.checked(name, folders, table.get("name"), udn, path.parent), views=views, thumbnails=thumbnails)
