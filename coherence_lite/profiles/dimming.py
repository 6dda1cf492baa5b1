# -*- test-case-name: tests.profiles.test_dimming -*-
"""
Dimming:1 (UPnP Lighting Controls V1.0) as a backend: L{Dimming}.

Its required part: C{LoadLevelTarget} (not evented) and C{LoadLevelStatus}
(evented), percentages from 0 to 100, 0 at start;
C{SetLoadLevelTarget}, C{GetLoadLevelTarget} and C{GetLoadLevelStatus},
with the argument names the standard spells (C{newLoadlevelTarget},
C{GetLoadlevelTarget}, C{retLoadlevelStatus}).  The level follows its
target at once; a subclass that drives real hardware overrides
C{SetLoadLevelTarget}.
"""

from __future__ import annotations

from coherence_lite.backend.declare import ServiceBackend, action, stateVariable

__all__ = ["Dimming"]


class Dimming(ServiceBackend):
    """
    C{urn:schemas-upnp-org:service:Dimming:1}, its level following its
    target at once.
    """

    serviceType = "urn:schemas-upnp-org:service:Dimming:1"
    serviceId = "urn:upnp-org:serviceId:Dimming"

    LoadLevelTarget = stateVariable("ui1", default=0, sendEvents=False, allowedRange=(0, 100))
    LoadLevelStatus = stateVariable("ui1", default=0, allowedRange=(0, 100))

    @action(inputs={"newLoadlevelTarget": "LoadLevelTarget"})
    def SetLoadLevelTarget(self, newLoadlevelTarget: int) -> object:
        """
        Dim: C{LoadLevelTarget} and C{LoadLevelStatus} take the level (one
        event).
        """
        self.set(LoadLevelTarget=newLoadlevelTarget, LoadLevelStatus=newLoadlevelTarget)
        return None

    @action(outputs={"GetLoadlevelTarget": "LoadLevelTarget"})
    def GetLoadLevelTarget(self) -> object:
        """
        The target level, answered from C{LoadLevelTarget}.
        """
        return None

    @action(outputs={"retLoadlevelStatus": "LoadLevelStatus"})
    def GetLoadLevelStatus(self) -> object:
        """
        The level, answered from C{LoadLevelStatus}.
        """
        return None
