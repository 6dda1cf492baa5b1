# -*- test-case-name: tests.host.test_media -*-
"""
Hosting a MediaServer beside the other devices: the one built from
C{--media} folders, its stable UDN, its library started with the host and
its streaming resource mounted at C{/media/}.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Sequence

from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostedDeviceError
from coherence_lite.media.server import MediaServer, defaultMediaName
from coherence_lite.media.streaming import StreamingResource

__all__ = ["MediaServer", "attachMediaServer", "mediaServerFor", "mediaUDN"]

#: Names the UDNs of MediaServers (their UUIDs are derived from it, the
#: machine's identity and the server's place).
_NAMESPACE = uuid.UUID("6b0c1d2e-5f43-4e58-9a3c-2d7e4c1b8a90")


def mediaUDN(identity: str, position: int = 0) -> str:
    """
    The stable UDN of the MediaServer at C{position} (from 0) a machine
    hosts: it names the library's store, so its SystemUpdateID never goes
    backwards across restarts.
    """
    return "uuid:" + str(uuid.uuid5(_NAMESPACE, f"{identity}\0media\0{position}"))


def mediaServerFor(
    folders: Sequence[str | Path],
    name: str | None,
    udn: str,
    stateDirectory: Path | None,
    reactor: Any,
) -> MediaServer:
    """
    The MediaServer of some folders.

    @raise HostedDeviceError: a folder is not a readable folder (naming
        it), or the name is not a valid friendlyName.
    """
    paths = []
    for folder in folders:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise HostedDeviceError("media", f"{folder}: not a folder")
        paths.append(path.resolve())
    friendlyName = name if name is not None else defaultMediaName()
    if not friendlyName.strip() or len(friendlyName) > 64:
        raise HostedDeviceError("media-name", f"{friendlyName!r} must be 1 to 64 characters")
    return MediaServer(list(dict.fromkeys(paths)), friendlyName, udn, stateDirectory, reactor)


def attachMediaServer(host: UPnPDeviceService, server: MediaServer) -> None:
    """
    Run C{server}'s library and watcher with C{host} (after its web server
    and SSDP, so the device answers at once while the index is built) and
    serve its files at C{/media/}.
    """
    server.setServiceParent(host)
    host.mount(b"media", StreamingResource(server.library.lookup, server.library.roots))
