# -*- test-case-name: tests.compat.test_backend -*-
"""
Tests for hosting Coherence backends: L{coherence_lite.compat.backend},
L{coherence_lite.compat.service}, the SwitchPower and Dimming servers, the
BinaryLight and DimmableLight devices, the built-in light backends and
L{coherence_lite.compat.utils}.
"""

from __future__ import annotations

from typing import Any

import louie
from twisted.internet.defer import succeed
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat.backend import Backend
from coherence_lite.compat.binary_light import BinaryLight
from coherence_lite.compat.dimmable_light import DimmableLight
from coherence_lite.compat.light import BetterLight, SimpleLight
from coherence_lite.compat.service import coherenceArguments
from coherence_lite.compat.switch_power_server import SwitchPowerServer
from coherence_lite.compat.utils import generalise_boolean, means_true
from coherence_lite.errors import UPnPError
from coherence_lite.compat.signals import BACKEND_INIT_COMPLETED, STATE_VARIABLE_CHANGED, stateVariableChanged

UDN = "uuid:9bfc4f5e-5c0d-4a4b-9c51-6b3a0e7d2a11"


class FakeCoherence:
    """
    Records what a hosted device asks of its façade.
    """

    hostname = "127.0.0.1"

    def __init__(self) -> None:
        self.reactor = Clock()
        self.hosted: list[Any] = []
        self.unhosted: list[Any] = []

    def _hostDevice(self, device: Any) -> None:
        self.hosted.append(device)

    def _unhostDevice(self, device: Any) -> None:
        self.unhosted.append(device)


class Recorder(Backend):
    """
    A backend that keeps the arguments of its SetTarget calls.
    """

    implements = ["BinaryLight"]

    def __init__(self, server: Any, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.calls: list[dict[str, str]] = []
        self.init_completed()

    def upnp_SetTarget(self, **kwargs: str) -> dict[str, object]:
        self.calls.append(kwargs)
        self.server.switch_power_server.set_variable(0, "Status", kwargs["NewTargetValue"])
        return {}


class NamedParameter(Backend):
    """
    A backend whose upnp method names its parameter.
    """

    implements = ["BinaryLight"]

    def __init__(self, server: Any, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.seen: list[str] = []
        louie.send(BACKEND_INIT_COMPLETED, None, backend=self)

    def upnp_SetTarget(self, NewTargetValue: str) -> dict[str, object]:
        self.seen.append(NewTargetValue)
        return {}

    def upnp_GetStatus(self) -> object:
        return succeed({"resultstatus": 1})


class Silent(Backend):
    """
    A backend without any upnp method that says it is ready only when told.
    """

    implements = ["BinaryLight"]


class BackendTests(SynchronousTestCase):
    """
    A BinaryLight hosts its backend's actions and state.
    """

    def setUp(self) -> None:
        self.coherence = FakeCoherence()

    def invoke(self, server: SwitchPowerServer, action: str, **arguments: object) -> dict[str, object]:
        result: dict[str, object] = self.successResultOf(server.runtime.invoke(action, arguments))
        return result

    def test_readyBackendIsHostedThenInitialised(self) -> None:
        """
        Once the backend's init_completed arrives, the device is hosted with
        a SwitchPower service and C{upnp_init} has set its variables.
        """
        light = BinaryLight(self.coherence, SimpleLight, name="Porch", uuid=UDN)
        self.assertEqual(self.coherence.hosted, [])
        self.coherence.reactor.advance(0)
        self.assertEqual(self.coherence.hosted, [light])
        self.assertEqual(light.uuid, UDN)
        self.assertEqual(light.friendly_name, "Porch")
        assert light.model is not None
        self.assertEqual(light.model.deviceType, "urn:schemas-upnp-org:device:BinaryLight:1")
        self.assertEqual([s.serviceType for s in light.model.services], ["urn:schemas-upnp-org:service:SwitchPower:1"])
        self.assertIs(light.switch_power_server.backend, light.backend)

    def test_synchronousLouieSendFromTheConstructorIsHeard(self) -> None:
        """
        A backend that sends init_completed with louie inside its own
        constructor (as Coherence's backends did) is hosted at once.
        """
        light = BinaryLight(self.coherence, NamedParameter, uuid=UDN)
        self.assertEqual(self.coherence.hosted, [light])

    def test_lateInitCompleted(self) -> None:
        """
        A backend that becomes ready later is hosted when it says so.
        """
        light = BinaryLight(self.coherence, Silent, uuid=UDN)
        self.coherence.reactor.advance(1)
        self.assertEqual(self.coherence.hosted, [])
        light.backend.init_completed()
        self.coherence.reactor.advance(0)
        self.assertEqual(self.coherence.hosted, [light])

    def test_otherBackendsSignalIsIgnored(self) -> None:
        """
        init_completed of another backend does not host this device.
        """
        light = BinaryLight(self.coherence, Silent, uuid=UDN)
        self.addCleanup(light.unregister)
        louie.send(BACKEND_INIT_COMPLETED, None, backend=object())
        self.assertEqual(self.coherence.hosted, [])

    def test_setTargetGetsBothSpellingsAsText(self) -> None:
        """
        C{upnp_SetTarget(**kwargs)} gets the standard name and Coherence's
        capitalised one, as text.
        """
        light = BinaryLight(self.coherence, Recorder, uuid=UDN)
        self.coherence.reactor.advance(0)
        self.invoke(light.switch_power_server, "SetTarget", newTargetValue=True)
        self.assertEqual(light.backend.calls, [{"newTargetValue": "1", "NewTargetValue": "1"}])
        self.assertEqual(self.invoke(light.switch_power_server, "GetStatus"), {"ResultStatus": True})

    def test_namedParameterGetsItsSpelling(self) -> None:
        """
        A method with a named parameter gets the argument under that name,
        and its returned out-arguments match whatever their case.
        """
        light = BinaryLight(self.coherence, NamedParameter, uuid=UDN)
        self.invoke(light.switch_power_server, "SetTarget", newTargetValue=False)
        self.assertEqual(light.backend.seen, ["0"])
        self.assertEqual(self.invoke(light.switch_power_server, "GetStatus"), {"ResultStatus": True})

    def test_missingSetterIs602AndGettersAnswerFromState(self) -> None:
        """
        Without C{upnp_SetTarget} SetTarget fails with 602; GetTarget
        answers from the variable.
        """
        light = BinaryLight(self.coherence, Silent, uuid=UDN)
        light.backend.init_completed()
        self.coherence.reactor.advance(0)
        failure = self.failureResultOf(light.switch_power_server.runtime.invoke("SetTarget", {"newTargetValue": True}))
        self.assertEqual(failure.check(UPnPError), UPnPError)
        self.assertEqual(failure.value.code, 602)
        self.assertEqual(self.invoke(light.switch_power_server, "GetTarget"), {"RetTargetValue": False})

    def test_setVariableTakesCoherenceValues(self) -> None:
        """
        C{set_variable} takes 0/1 and text for booleans; a bad value or an
        unknown name is logged, not raised.
        """
        light = BinaryLight(self.coherence, SimpleLight, uuid=UDN)
        self.coherence.reactor.advance(0)
        server = light.switch_power_server
        server.set_variable(0, "Status", 1)
        self.assertIs(server.get_variable("Status").value, True)  # type: ignore[union-attr]
        server.set_variable(0, "Status", "0")
        self.assertIs(server.get_variable("Status").value, False)  # type: ignore[union-attr]
        server.set_variable(0, "Status", "maybe")
        server.set_variable(0, "Nothing", 1)
        self.assertIs(server.get_variable("Status").value, False)  # type: ignore[union-attr]
        self.assertIsNone(server.get_variable("Nothing"))
        self.assertEqual(len(self.flushLoggedErrors()), 0)

    def test_stateVariableChangedSignals(self) -> None:
        """
        A change goes out as C{Coherence.UPnP.StateVariable.changed} and
        the per-variable signal, with the variable's name and value.
        """
        received: list[tuple[str, object]] = []

        def receiver(variable: Any, **named: Any) -> None:
            received.append((variable.name, variable.value))

        louie.connect(receiver, STATE_VARIABLE_CHANGED, louie.Any, weak=False)
        louie.connect(receiver, stateVariableChanged("Status"), louie.Any, weak=False)
        self.addCleanup(louie.disconnect, receiver, STATE_VARIABLE_CHANGED, louie.Any, weak=False)
        self.addCleanup(louie.disconnect, receiver, stateVariableChanged("Status"), louie.Any, weak=False)
        light = BinaryLight(self.coherence, SimpleLight, uuid=UDN)
        self.coherence.reactor.advance(0)
        light.switch_power_server.set_variable(0, "Status", 1)
        self.coherence.reactor.advance(0)
        self.assertEqual(received, [("Status", True), ("Status", True)])

    def test_unregisterUnhosts(self) -> None:
        """
        C{unregister()} asks the façade to stop hosting the device.
        """
        light = BinaryLight(self.coherence, SimpleLight, uuid=UDN)
        self.coherence.reactor.advance(0)
        light.unregister()
        self.assertEqual(self.coherence.unhosted, [light])

    def test_unknownVersionIsRefused(self) -> None:
        """
        A BinaryLight has only version 1.
        """
        self.assertRaises(ValueError, BinaryLight, self.coherence, SimpleLight, version=2)

    def test_betterLightDimsAndClamps(self) -> None:
        """
        BetterLight starts at 50 %, and a level above 100 is clamped.
        """
        light = DimmableLight(self.coherence, BetterLight, uuid=UDN)
        self.coherence.reactor.advance(0)
        dimming = light.dimming_server
        self.assertEqual(self.successResultOf(dimming.runtime.invoke("GetLoadLevelStatus", {})), {"retLoadlevelStatus": 50})
        self.successResultOf(dimming.runtime.invoke("SetLoadLevelTarget", {"newLoadlevelTarget": 100}))
        self.assertEqual(light.backend.loadlevel, 100)
        light.backend.upnp_SetLoadLevelTarget(NewLoadlevelTarget="150")
        self.assertEqual(dimming.get_variable("LoadLevelStatus").value, 100)  # type: ignore[union-attr]


class HelperTests(SynchronousTestCase):
    """
    Coherence's value helpers.
    """

    def test_generaliseBoolean(self) -> None:
        """
        The ways of saying yes give C{'1'}, anything else C{'0'}.
        """
        for value in (True, 1, "1", "true", "YES", "ok", b"yes"):
            self.assertEqual(generalise_boolean(value), "1", value)
        for value in (False, 0, "0", "no", "", None, 2, object()):
            self.assertEqual(generalise_boolean(value), "0", value)
        self.assertFalse(means_true(1.0))

    def test_coherenceArgumentsForKeywordsAndNames(self) -> None:
        """
        C{**kwargs} methods get both spellings; named parameters theirs.
        """

        def keywords(**kwargs: str) -> None:
            pass

        def named(newtargetvalue: str) -> None:
            pass

        self.assertEqual(
            coherenceArguments(keywords, {"newTargetValue": "1"}), {"newTargetValue": "1", "NewTargetValue": "1"}
        )
        self.assertEqual(coherenceArguments(named, {"newTargetValue": "1"}), {"newtargetvalue": "1"})
