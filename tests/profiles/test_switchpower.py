# -*- test-case-name: tests.profiles.test_switchpower -*-
"""
Tests for L{coherence_lite.profiles.switchpower}: SwitchPower:1 as a
backend.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat.switch_power_server import SwitchPowerServer
from coherence_lite.model.device import Action, Argument, Service, StateVariable
from coherence_lite.profiles.switchpower import SwitchPower


class SwitchPowerTests(SynchronousTestCase):
    """
    The standard's required part, switching at once.
    """

    def test_description(self) -> None:
        """
        The service is SwitchPower:1's required part, with the standard's
        argument names, Status evented and Target not.
        """
        self.assertEqual(
            SwitchPower.describe(),
            Service(
                "urn:schemas-upnp-org:service:SwitchPower:1",
                "urn:upnp-org:serviceId:SwitchPower",
                (
                    Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),
                    Action("GetTarget", (Argument("RetTargetValue", "out", "Target"),)),
                    Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),
                ),
                (
                    StateVariable("Target", "boolean", sendEvents=False, defaultValue="0"),
                    StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
                ),
            ),
        )

    def test_setTargetSwitchesAtOnce(self) -> None:
        """
        SetTarget sets Target and Status in one event; the getters answer
        them.
        """
        light = SwitchPower()
        heard: list[dict[str, object]] = []
        light.state.addObserver(heard.append)
        self.assertEqual(self.successResultOf(light.runtime.invoke("SetTarget", {"newTargetValue": True})), {})
        self.assertEqual(heard, [{"Status": True}])
        self.assertEqual(self.successResultOf(light.runtime.invoke("GetTarget", {})), {"RetTargetValue": True})
        self.assertEqual(self.successResultOf(light.runtime.invoke("GetStatus", {})), {"ResultStatus": True})

    def test_compatServerIsTheProfile(self) -> None:
        """
        Coherence's SwitchPower server is this profile, its service the
        same description.
        """
        self.assertTrue(issubclass(SwitchPowerServer, SwitchPower))
        self.assertEqual(SwitchPowerServer.describe(), SwitchPower.describe())
