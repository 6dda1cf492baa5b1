# -*- test-case-name: tests.profiles.test_switchpower -*-
"""
SwitchPower:1 (UPnP Lighting Controls V1.0) as a backend: L{SwitchPower}.

Its required part: C{Target} (not evented) and C{Status} (evented), both
boolean and off at start; C{SetTarget}, C{GetTarget} and C{GetStatus}, with
the argument names the standard spells.  The switch follows its target at
once; a subclass that drives real hardware overrides C{SetTarget}.

    light = SwitchPower()
    device = Device(..., services=(light.service,))
    UPnPDeviceService([hosted(device, light)])
"""

from __future__ import annotations

from coherence_lite.backend.declare import ServiceBackend, action, stateVariable

__all__ = ["SwitchPower"]


class SwitchPower(ServiceBackend):
    """
    C{urn:schemas-upnp-org:service:SwitchPower:1}, its status following
    its target at once.
    """

    serviceType = "urn:schemas-upnp-org:service:SwitchPower:1"
    serviceId = "urn:upnp-org:serviceId:SwitchPower"

    Target = stateVariable("boolean", default=False, sendEvents=False)
    Status = stateVariable("boolean", default=False)

    @action(inputs={"newTargetValue": "Target"})
    def SetTarget(self, newTargetValue: bool) -> object:
        """
        Switch on or off: C{Target} and C{Status} take the value (one event).
        """
        self.set(Target=newTargetValue, Status=newTargetValue)
        return None

    @action(outputs={"RetTargetValue": "Target"})
    def GetTarget(self) -> object:
        """
        The target, answered from C{Target}.
        """
        return None

    @action(outputs={"ResultStatus": "Status"})
    def GetStatus(self) -> object:
        """
        The status, answered from C{Status}.
        """
        return None
