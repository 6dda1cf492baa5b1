# -*- test-case-name: tests.compat.test_backend -*-
"""
SwitchPower:1 as Coherence hosted it: Coherence's
C{coherence.upnp.services.servers.switch_power_server}.

The service is the UPnP standard's (argument names as the standard spells
them: C{newTargetValue}, C{RetTargetValue}, C{ResultStatus}); a Coherence
backend's C{upnp_SetTarget(**kwargs)} still finds C{kwargs['NewTargetValue']}
(see L{coherence_lite.compat.service.coherenceArguments}).
"""

from __future__ import annotations

from coherence_lite.compat.service import ServiceServer
from coherence_lite.profiles.switchpower import SwitchPower

__all__ = ["SwitchPowerServer"]


class SwitchPowerServer(ServiceServer, SwitchPower):
    """
    L{SwitchPower} whose actions the Coherence backend answers.
    """

    def SetTarget(self, newTargetValue: bool) -> object:
        """
        Switch on or off: the backend's C{upnp_SetTarget}.
        """
        return self.backendCall("SetTarget", newTargetValue=newTargetValue)

    def GetTarget(self) -> object:
        """
        The target: the backend's C{upnp_GetTarget}, else C{Target}.
        """
        return self.backendCall("GetTarget")

    def GetStatus(self) -> object:
        """
        The status: the backend's C{upnp_GetStatus}, else C{Status}.
        """
        return self.backendCall("GetStatus")
