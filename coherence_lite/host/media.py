# -*- test-case-name: tests.host.test_media -*-
"""
Hosting a MediaServer beside the other devices: the one of C{--media}
folders or of a device file's C{[media]} table (one per host), its stable
UDN, its library run with the host and its files served at C{/media/};
a reload that changes it replaces it, one that does not keeps it running.
What it is asked for is a L{MediaRequest}.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from twisted.application.service import MultiService

from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.udn import derivedUDN
from coherence_lite.media.request import MediaRequest
from coherence_lite.media.server import MediaServer, defaultMediaName
from coherence_lite.media.streaming import StreamingResource
from coherence_lite.backend.hosted import Hosted

__all__ = ["MediaHosting"]


class MediaHosting(MultiService):
    """
    The one MediaServer of a host: built when a load asks for it, kept
    while loads ask for the same, replaced when they ask for another.

    @ivar server: the MediaServer, or L{None}.
    """

    def __init__(self, stateDirectory: Path | None, reactor: Any) -> None:
        """
        @param stateDirectory: where the library's store is kept.
        @param reactor: the reactor the libraries run with.
        """
        super().__init__()
        self.setName("media")
        self.server: MediaServer | None = None
        self._request: MediaRequest | None = None
        self._stateDirectory = stateDirectory
        self._reactor = reactor
        self._host: UPnPDeviceService | None = None

    def device(self, request: MediaRequest, identity: str) -> Hosted:
        """
        The MediaServer device (with its services' runtimes) for
        C{request}: the running one when it asks for the same, else a new
        one replacing it.
        """
        if self.server is not None and request == self._request:
            return self.server.hosted
        udn = request.udn or derivedUDN(identity, "media:" + request.origin)
        server = MediaServer(
            list(request.folders), request.name or defaultMediaName(), udn, self._stateDirectory, self._reactor,
            request.ignore, request.inotify, request.views, request.thumbnails,
        )
        if self.server is not None:
            self.server.disownServiceParent()
        self.server, self._request = server, request
        server.setServiceParent(self)
        self._serve()
        return server.hosted

    def attach(self, host: UPnPDeviceService) -> None:
        """
        Run with C{host} once there is a MediaServer (after the host's web
        server and SSDP, so the devices answer while the index is built),
        its files served at C{/media/}.
        """
        self._host = host
        self._serve()

    def _serve(self) -> None:
        if self._host is None or self.server is None:
            return
        if self.parent is None:
            self.setServiceParent(self._host)
        library = self.server.library
        self._host.mount(b"media", StreamingResource(library.lookup, library.servedRoots))
