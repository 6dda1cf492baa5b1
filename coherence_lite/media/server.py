# -*- test-case-name: tests.media.test_server -*-
"""
A MediaServer:1 root device serving some folders: its library (indexed in
the background, watched for changes), its ContentDirectory:1 and
ConnectionManager:1 services, and the device to host.
"""

from __future__ import annotations

import platform
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

from twisted.application.service import MultiService

from coherence_lite.backend.hosted import hosted
from coherence_lite.identity import PRODUCT
from coherence_lite.media.connectionmanager import ConnectionManager
from coherence_lite.media.contentdirectory import ContentDirectory
from coherence_lite.media.index import DATABASE_NAME, Library
from coherence_lite.media.quirks import descriptionVariants
from coherence_lite.media.registrar import MediaReceiverRegistrar
from coherence_lite.media.store import storedSystemUpdateId
from coherence_lite.media.scanner import ignorePattern
from coherence_lite.media.thumbnailer import Thumbnailer
from coherence_lite.media.watcher import FolderWatcher
from coherence_lite.model.defaults import defaultIcons
from coherence_lite.model.device import Device
from coherence_lite.model.extension import DLNA_DEVICE_NAMESPACE, Extension

__all__ = ["DLNA_DOC", "MEDIA_SERVER", "MediaServer", "defaultMediaName"]

#: The device type of a MediaServer.
MEDIA_SERVER = "urn:schemas-upnp-org:device:MediaServer:1"

#: The DLNA device class and version the description declares: a Digital
#: Media Server of DLNA 1.5.
DLNA_DOC = Extension(DLNA_DEVICE_NAMESPACE, "dlna", "X_DLNADOC", "DMS-1.50")


def defaultMediaName(hostname: str | None = None) -> str:
    """
    The friendly name of a MediaServer not given one: C{"Media on <host>"}.
    """
    hostname = "".join(c for c in (platform.node() if hostname is None else hostname) if c.isprintable()).strip()
    return f"Media on {hostname}"[:64].rstrip() if hostname else "Media"


class MediaServer(MultiService):
    """
    A MediaServer over some folders: a service to run beside the host (its
    library and watcher), and the L{device} to host.

    @ivar library: the index of the folders.
    @ivar contentDirectory: the ContentDirectory:1 backend.
    @ivar connectionManager: the ConnectionManager:1 backend.
    @ivar thumbnailer: makes the thumbnails, or L{None} (none asked for,
        or no state directory).
    @ivar registrar: the X_MS_MediaReceiverRegistrar:1 backend (Xbox 360,
        Windows Media Player).
    @ivar device: the root device.
    @ivar hosted: the device with its services' runtimes and its
        description variants (L{descriptionVariants}), to host.
    """

    def __init__(
        self,
        folders: Sequence[Path],
        friendlyName: str,
        udn: str,
        stateDirectory: Path | None,
        reactor: Any,
        ignore: Sequence[str] = (),
        useInotify: bool = True,
        views: bool = True,
        thumbnails: bool = True,
    ) -> None:
        """
        @param folders: the media folders.
        @param friendlyName: the device's name.
        @param udn: the device's UDN (stable: the index's SystemUpdateID
            belongs to it).
        @param stateDirectory: where the index is kept (C{media-<uuid>.sqlite})
            and embedded pictures (C{media-art-<uuid>/}); L{None} keeps the
            index in memory only, and no embedded picture.
        @param reactor: the reactor (threads, timers, inotify).
        @param ignore: regular expressions of names to leave out besides
            dot-files (see L{ignorePattern}); checked by the caller.
        @param useInotify: C{False} rescans periodically instead of
            watching the folders.
        @param views: whether the root lists the views (Music, Photos,
            Videos, Recently added) after the media folders.
        @param thumbnails: whether pictures, album art and videos get
            JPEG_TN thumbnails (kept in C{media-thumbnails-<uuid>/} of the
            state directory; none without one).
        """
        super().__init__()
        uuid = udn.removeprefix("uuid:").lower()
        artDirectory = thumbnailDirectory = None
        if stateDirectory is None:
            database = ":memory:"
        else:
            stateDirectory.mkdir(parents=True, exist_ok=True)
            database = str(stateDirectory / DATABASE_NAME.format(uuid=uuid))
            artDirectory = stateDirectory / f"media-art-{uuid}"
            if thumbnails:
                thumbnailDirectory = stateDirectory / f"media-thumbnails-{uuid}"
        self.library = Library(folders, database, reactor, artDirectory, ignorePattern(ignore), thumbnailDirectory)
        self.library.setServiceParent(self)
        self.thumbnailer: Thumbnailer | None = None
        if thumbnailDirectory is not None:
            self.thumbnailer = Thumbnailer(self.library, thumbnailDirectory, reactor)
            self.thumbnailer.setServiceParent(self)
        self.contentDirectory = ContentDirectory(self.library, reactor, storedSystemUpdateId(database), views)
        self.connectionManager = ConnectionManager()
        self.registrar = MediaReceiverRegistrar()
        watcher = FolderWatcher(self.library, reactor, useInotify=useInotify)
        watcher.setServiceParent(self)
        self.device = Device(
            deviceType=MEDIA_SERVER,
            friendlyName=friendlyName,
            manufacturer=PRODUCT,
            modelName=f"{PRODUCT} MediaServer",
            modelDescription="Media folders served over UPnP AV / DLNA",
            UDN=udn,
            icons=defaultIcons(),
            services=(self.contentDirectory.service, self.connectionManager.service, self.registrar.service),
            extensions=(DLNA_DOC,),
        )
        self.hosted = replace(
            hosted(self.device, self.contentDirectory, self.connectionManager, self.registrar),
            variants=descriptionVariants(self.device),
        )

    def stopService(self) -> Any:
        """
        Stop the library and the watcher, and the events of the update ids.
        """
        self.contentDirectory.stop()
        return super().stopService()
