# -*- test-case-name: tests.compat.test_fsstore -*-
"""
Coherence's FSStore plugin on the L{Coherence
<coherence_lite.compat.base.Coherence>} façade: its keys read as
C{twistd upnp-device --plugin} reads them, the MediaServer built by the
host's L{MediaHosting} and served on the façade's web site (its files at
C{/media/}), its index built on the library's own thread.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Iterable, Mapping

from twisted.internet.defer import Deferred
from twisted.logger import Logger

from coherence_lite.compat._impl.hosting import DeviceHosting
from coherence_lite.media.coherenceconfig import CoherenceConfigError, fsstoreRequest
from coherence_lite.host.media import MediaHosting
from coherence_lite.backend.runtimes import HostedRuntimes
from coherence_lite.host.udn import derivedUDN, machineIdentity
from coherence_lite.media.server import MediaServer
from coherence_lite.media.streaming import StreamingResource

__all__ = ["FSStorePlugin", "ORIGIN", "enableFSStore"]

log = Logger()

#: What an FSStore plugin of a façade is named by in messages.
ORIGIN = "Coherence plugin FSStore"


class FSStorePlugin:
    """
    One FSStore plugin served: its MediaServer, running while hosted.

    @ivar uuid: the MediaServer's UDN: the plugin's C{uuid}, else derived
        from the machine and the folders (the same at every start; nothing
        is written back).
    @ivar friendly_name: its friendlyName (Coherence's C{name}).
    @ivar server: the MediaServer.
    """

    def __init__(self, hosting: DeviceHosting, stateDirectory: Path, reactor: Any, settings: Mapping[str, Any]) -> None:
        """
        Host the MediaServer the plugin's settings ask for, then start its
        library (the first scan runs on the library's thread; the device
        answers meanwhile).

        @param hosting: the façade's site and SSDP registrations.
        @param stateDirectory: where the index and the machine identity
            are kept.
        @param settings: the plugin's keys (C{content}, C{name}, C{uuid},
            C{ignore_patterns}, C{enable_inotify}); any other is logged,
            one line each, as the daemon says it, and ignored.
        @raise coherence_lite.media.coherenceconfig.CoherenceConfigError: the
            settings cannot be served (naming the key).
        @raise ValueError: a device with its UDN is hosted already.
        """
        request = fsstoreRequest(ORIGIN, {"backend": "FSStore", **settings}, lambda line: log.warn("{line}", line=line))
        identity = machineIdentity(stateDirectory)
        folders = ",".join(str(folder) for folder in request.folders)
        request = dataclasses.replace(request, udn=request.udn or derivedUDN(identity, "media:fsstore:" + folders))
        assert request.udn is not None
        self._media = MediaHosting(stateDirectory, reactor)
        hosted = self._media.device(request, identity)
        assert self._media.server is not None
        self.server: MediaServer = self._media.server
        self.uuid = request.udn
        self.friendly_name = self.server.device.friendlyName
        runtimes = HostedRuntimes([hosted], reactor, None)
        hosting.hostModel(hosted.device, runtimes.byService)
        self._hosting = hosting
        library = self.server.library
        hosting.putChild("media", StreamingResource(library.lookup, library.servedRoots))
        self._media.startService()

    def get_id(self) -> str:
        """
        The UDN (Coherence's name).
        """
        return self.uuid

    def unregister(self) -> Deferred[None]:
        """
        Say byebye, stop serving the files and stop the library.

        @return: fires once the library's thread is stopped.
        """
        self._hosting.unhostUDN(self.uuid)
        self._hosting.removeChild("media")
        stopped: Deferred[Any] = Deferred()
        stopped.callback(None)
        if self._media.running:
            result = self._media.stopService()
            if isinstance(result, Deferred):
                stopped = result
        return stopped.addCallback(lambda _: None)


def enableFSStore(
    hosting: DeviceHosting, stateDirectory: Path, reactor: Any, settings: Mapping[str, Any], served: Iterable[object]
) -> FSStorePlugin | None:
    """
    Serve an FSStore plugin, or log one error saying why not: its settings
    cannot be served (naming the key), or an FSStore plugin is among
    C{served} already (one MediaServer per host, as the daemon says).

    @param served: the façade's hosted plugins.
    @return: the plugin served, or L{None}.
    """
    if any(isinstance(each, FSStorePlugin) for each in served):
        log.error(
            "Cannot enable FSStore: a second MediaServer (an FSStore plugin is served already); "
            "a host serves one: give its folders as one plugin's content"
        )
        return None
    try:
        return FSStorePlugin(hosting, stateDirectory, reactor, settings)
    except (CoherenceConfigError, ValueError) as e:
        log.error("Cannot enable FSStore: {error}", error=e)
        return None
