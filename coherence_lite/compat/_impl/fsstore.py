# -*- test-case-name: tests.compat.test_fsstore -*-
"""
Coherence's FSStore plugin on the L{Coherence
<coherence_lite.compat.base.Coherence>} façade: its keys read as
C{twistd upnp-device --plugin} reads them, served as coherence-lite's
MediaServer on the façade's web site (its files at C{/media/}).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from twisted.logger import Logger

from coherence_lite.compat._impl.hosting import DeviceHosting
from coherence_lite.host.coherenceconfig import fsstoreRequest
from coherence_lite.host.udn import derivedUDN, machineIdentity
from coherence_lite.media.server import MediaServer, defaultMediaName
from coherence_lite.media.streaming import StreamingResource

__all__ = ["FSStorePlugin"]

log = Logger()

#: The origin an FSStore plugin of a façade's configuration is named by.
ORIGIN = "Coherence plugin FSStore"


class FSStorePlugin:
    """
    One FSStore plugin served: its MediaServer, running while hosted.

    @ivar uuid: the MediaServer's UDN: the plugin's C{uuid}, else derived
        from the machine and the folders (the same at every start).
    @ivar friendly_name: its friendlyName (Coherence's C{name}).
    @ivar server: the MediaServer.
    """

    def __init__(self, hosting: DeviceHosting, stateDirectory: Path, reactor: Any, settings: Mapping[str, Any]) -> None:
        """
        Start the MediaServer the plugin's settings ask for, and host it.

        @param stateDirectory: where the library's index and the machine
            identity are kept.
        @raise coherence_lite.host.coherenceconfig.CoherenceConfigError: the
            settings cannot be served (naming the key).
        """
        request = fsstoreRequest(ORIGIN, {"backend": "FSStore", **settings}, lambda line: log.warn("{line}", line=line))
        folders = ",".join(str(folder) for folder in request.folders)
        self.uuid = request.udn or derivedUDN(machineIdentity(stateDirectory), "media:fsstore:" + folders)
        self.friendly_name = request.name or defaultMediaName()
        self.server = MediaServer(
            list(request.folders), self.friendly_name, self.uuid, stateDirectory, reactor, request.ignore, request.inotify
        )
        self._hosting = hosting
        self.server.startService()
        hosting.hostModel(self.server.hosted.device, self.server.hosted.runtimes)
        library = self.server.library
        hosting.putChild("media", StreamingResource(library.lookup, library.servedRoots))

    def get_id(self) -> str:
        """
        The UDN (Coherence's name).
        """
        return self.uuid

    def unregister(self) -> None:
        """
        Say byebye, stop serving the files and stop the library.
        """
        self._hosting.unhostUDN(self.uuid)
        self._hosting.removeChild("media")
        if self.server.running:
            self.server.stopService()
