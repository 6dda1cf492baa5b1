# -*- test-case-name: tests.compat.test_backend -*-
"""
Dimming:1 as Coherence hosted it: Coherence's
C{coherence.upnp.services.servers.dimming_server}.

The service is the UPnP standard's required part (argument names as the
standard spells them: C{newLoadlevelTarget}, C{GetLoadlevelTarget},
C{retLoadlevelStatus}); a Coherence backend's
C{upnp_SetLoadLevelTarget(**kwargs)} still finds
C{kwargs['NewLoadlevelTarget']}.
"""

from __future__ import annotations

from coherence_lite.backend.service import action, stateVariable
from coherence_lite.compat.service import ServiceServer

__all__ = ["DimmingServer"]


class DimmingServer(ServiceServer):
    """
    C{urn:schemas-upnp-org:service:Dimming:1}: C{LoadLevelTarget} (not
    evented) and C{LoadLevelStatus} (evented), percentages from 0 to 100.
    """

    serviceType = "urn:schemas-upnp-org:service:Dimming:1"
    serviceId = "urn:upnp-org:serviceId:Dimming"

    LoadLevelTarget = stateVariable("ui1", default=0, sendEvents=False, allowedRange=(0, 100))
    LoadLevelStatus = stateVariable("ui1", default=0, allowedRange=(0, 100))

    @action(inputs={"newLoadlevelTarget": "LoadLevelTarget"})
    def SetLoadLevelTarget(self, newLoadlevelTarget: int) -> object:
        """
        Dim: the backend's C{upnp_SetLoadLevelTarget}.
        """
        return self.backendCall("SetLoadLevelTarget", newLoadlevelTarget=newLoadlevelTarget)

    @action(outputs={"GetLoadlevelTarget": "LoadLevelTarget"})
    def GetLoadLevelTarget(self) -> object:
        """
        The target level: the backend's C{upnp_GetLoadLevelTarget}, else
        C{LoadLevelTarget}.
        """
        return self.backendCall("GetLoadLevelTarget")

    @action(outputs={"retLoadlevelStatus": "LoadLevelStatus"})
    def GetLoadLevelStatus(self) -> object:
        """
        The level: the backend's C{upnp_GetLoadLevelStatus}, else
        C{LoadLevelStatus}.
        """
        return self.backendCall("GetLoadLevelStatus")
