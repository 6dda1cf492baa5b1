# -*- test-case-name: tests.profiles.test_dimming -*-
"""
Tests for L{coherence_lite.profiles.dimming}: Dimming:1 as a backend.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat.dimming_server import DimmingServer
from coherence_lite.model.device import Action, AllowedValueRange, Argument, Service, StateVariable
from coherence_lite.model.types import DataTypeError
from coherence_lite.profiles.dimming import Dimming


class DimmingTests(SynchronousTestCase):
    """
    The standard's required part, dimming at once.
    """

    def test_description(self) -> None:
        """
        The service is Dimming:1's required part, with the standard's
        argument names, percentages from 0 to 100, LoadLevelStatus evented.
        """
        percent = AllowedValueRange("0", "100")
        self.assertEqual(
            Dimming.describe(),
            Service(
                "urn:schemas-upnp-org:service:Dimming:1",
                "urn:upnp-org:serviceId:Dimming",
                (
                    Action("SetLoadLevelTarget", (Argument("newLoadlevelTarget", "in", "LoadLevelTarget"),)),
                    Action("GetLoadLevelTarget", (Argument("GetLoadlevelTarget", "out", "LoadLevelTarget"),)),
                    Action("GetLoadLevelStatus", (Argument("retLoadlevelStatus", "out", "LoadLevelStatus"),)),
                ),
                (
                    StateVariable("LoadLevelTarget", "ui1", sendEvents=False, defaultValue="0", allowedValueRange=percent),
                    StateVariable("LoadLevelStatus", "ui1", sendEvents=True, defaultValue="0", allowedValueRange=percent),
                ),
            ),
        )

    def test_setLoadLevelTargetDimsAtOnce(self) -> None:
        """
        SetLoadLevelTarget sets the target and the status in one event; a
        level above 100 is refused with 601.
        """
        light = Dimming()
        heard: list[dict[str, object]] = []
        light.state.addObserver(heard.append)
        self.successResultOf(light.runtime.invoke("SetLoadLevelTarget", {"newLoadlevelTarget": 30}))
        self.assertEqual(heard, [{"LoadLevelStatus": 30}])
        self.assertEqual(self.successResultOf(light.runtime.invoke("GetLoadLevelStatus", {})), {"retLoadlevelStatus": 30})
        self.assertEqual(
            self.successResultOf(light.runtime.invoke("GetLoadLevelTarget", {})), {"GetLoadlevelTarget": 30}
        )
        error = self.assertRaises(DataTypeError, light.state.set, "LoadLevelTarget", 101)
        self.assertEqual(error.code, 601)

    def test_compatServerIsTheProfile(self) -> None:
        """
        Coherence's Dimming server is this profile, its service the same
        description.
        """
        self.assertTrue(issubclass(DimmingServer, Dimming))
        self.assertEqual(DimmingServer.describe(), Dimming.describe())
