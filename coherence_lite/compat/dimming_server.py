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

from coherence_lite.compat.service import ServiceServer
from coherence_lite.profiles.dimming import Dimming

__all__ = ["DimmingServer"]


class DimmingServer(ServiceServer, Dimming):
    """
    L{Dimming} whose actions the Coherence backend answers.
    """

    def SetLoadLevelTarget(self, newLoadlevelTarget: int) -> object:
        """
        Dim: the backend's C{upnp_SetLoadLevelTarget}.
        """
        return self.backendCall("SetLoadLevelTarget", newLoadlevelTarget=newLoadlevelTarget)

    def GetLoadLevelTarget(self) -> object:
        """
        The target level: the backend's C{upnp_GetLoadLevelTarget}, else
        C{LoadLevelTarget}.
        """
        return self.backendCall("GetLoadLevelTarget")

    def GetLoadLevelStatus(self) -> object:
        """
        The level: the backend's C{upnp_GetLoadLevelStatus}, else
        C{LoadLevelStatus}.
        """
        return self.backendCall("GetLoadLevelStatus")
