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

from coherence_lite.backend.service import action, stateVariable
from coherence_lite.compat.service import ServiceServer

__all__ = ["SwitchPowerServer"]


class SwitchPowerServer(ServiceServer):
    """
    C{urn:schemas-upnp-org:service:SwitchPower:1}: C{Target} (not evented)
    and C{Status} (evented), both boolean and off at start.
    """

    serviceType = "urn:schemas-upnp-org:service:SwitchPower:1"
    serviceId = "urn:upnp-org:serviceId:SwitchPower"

    Target = stateVariable("boolean", default=False, sendEvents=False)
    Status = stateVariable("boolean", default=False)

    @action(inputs={"newTargetValue": "Target"})
    def SetTarget(self, newTargetValue: bool) -> object:
        """
        Switch on or off: the backend's C{upnp_SetTarget}.
        """
        return self.backendCall("SetTarget", newTargetValue=newTargetValue)

    @action(outputs={"RetTargetValue": "Target"})
    def GetTarget(self) -> object:
        """
        The target: the backend's C{upnp_GetTarget}, else C{Target}.
        """
        return self.backendCall("GetTarget")

    @action(outputs={"ResultStatus": "Status"})
    def GetStatus(self) -> object:
        """
        The status: the backend's C{upnp_GetStatus}, else C{Status}.
        """
        return self.backendCall("GetStatus")
