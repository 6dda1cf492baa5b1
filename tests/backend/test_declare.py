# -*- test-case-name: tests.backend.test_declare -*-
"""
Tests for L{coherence_lite.backend.declare}: services written as Python
classes, their derived description and their behaviour.
"""

from __future__ import annotations

from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite import ServiceBackend, UPnPError, action, stateVariable
from coherence_lite.model.description import serviceDescription
from coherence_lite.model.device import Action, AllowedValueRange, Argument, DeviceError, Service, StateVariable
from coherence_lite.model.types import DataTypeError


class SwitchPower(ServiceBackend):
    """
    SwitchPower:1 in the Python API.
    """

    serviceType = "urn:schemas-upnp-org:service:SwitchPower:1"
    serviceId = "urn:upnp-org:serviceId:SwitchPower"
    Target = stateVariable("boolean", default=False, sendEvents=False)
    Status = stateVariable("boolean", default=False)

    @action(inputs={"newTargetValue": "Target"})
    def SetTarget(self, newTargetValue: bool) -> None:
        """
        Switch.
        """
        self.set(Target=newTargetValue, Status=newTargetValue)

    @action(outputs={"RetTargetValue": "Target"})
    def GetTarget(self) -> None:
        """
        The target, from the state.
        """

    @action(outputs={"ResultStatus": "Status"})
    def GetStatus(self) -> dict[str, object]:
        """
        The status.
        """
        return {"ResultStatus": self.Status}


class Dimming(ServiceBackend):
    """
    A service using ranges, allowed values, moderation and renamed parts.
    """

    serviceType = "urn:schemas-upnp-org:service:Dimming:1"
    serviceId = "urn:upnp-org:serviceId:Dimming"
    LoadLevelStatus = stateVariable("ui1", 0, allowedRange=(0, 100, 1), maximumRate=0.2, minimumDelta=5)
    Mode = stateVariable("string", "Auto", allowedValues=("Auto", "Manual"), sendEvents=False)
    A_ARG_TYPE_Rate = stateVariable("r4", sendEvents=False, name="A_ARG_TYPE_Rate")

    @action(inputs={"Rate": "A_ARG_TYPE_Rate"}, name="Ramp")
    def ramp(self, Rate: float) -> None:
        """
        Refuse to ramp.
        """
        raise UPnPError(714, "No ramping here")


class DescriptionTests(SynchronousTestCase):
    """
    The model service is derived from the class.
    """

    def test_switchPowerModel(self) -> None:
        """
        SwitchPower's variables and actions come out in declaration order
        with their arguments bound to the named variables.
        """
        self.assertEqual(
            SwitchPower.describe(),
            Service(
                SwitchPower.serviceType,
                SwitchPower.serviceId,
                (
                    Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),
                    Action("GetTarget", (Argument("RetTargetValue", "out", "Target"),)),
                    Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),
                ),
                (
                    StateVariable("Target", "boolean", defaultValue="0"),
                    StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
                ),
            ),
        )

    def test_rangesValuesModerationNames(self) -> None:
        """
        Ranges are written in the variable's lexical form, moderation is
        kept, and C{name=} renames actions and variables.
        """
        service = Dimming.describe()
        level, mode, rate = service.stateVariables
        self.assertEqual(level.allowedValueRange, AllowedValueRange("0", "100", "1"))
        self.assertEqual((level.maximumRate, level.minimumDelta), (0.2, 5))
        self.assertEqual(mode.allowedValues, ("Auto", "Manual"))
        self.assertEqual(rate.name, "A_ARG_TYPE_Rate")
        self.assertEqual([a.name for a in service.actions], ["Ramp"])

    def test_moderationNotInSCPD(self) -> None:
        """
        The SCPD of a moderated variable is that of the same variable
        without moderation.
        """
        moderated = Dimming.describe()
        plain = Service(
            moderated.serviceType,
            moderated.serviceId,
            moderated.actions,
            tuple(StateVariable(v.name, v.dataType, v.sendEvents, v.multicast, v.defaultValue, v.allowedValues, v.allowedValueRange) for v in moderated.stateVariables),
        )
        self.assertEqual(serviceDescription(moderated, 7), serviceDescription(plain, 7))

    def test_badModeration(self) -> None:
        """
        A maximum rate or minimum delta that is not a positive number, or a
        minimum delta on a variable that is not a number, is a
        L{DeviceError} naming the field.
        """
        for changes, fieldName in (
            ({"maximumRate": 0}, "maximumRate"),
            ({"maximumRate": True}, "maximumRate"),
            ({"minimumDelta": -1}, "minimumDelta"),
            ({"minimumDelta": "1"}, "minimumDelta"),
        ):
            error = self.assertRaises(DeviceError, StateVariable, "Level", "ui1", **changes)
            self.assertEqual(error.field, fieldName)
        error = self.assertRaises(DeviceError, StateVariable, "Name", "string", minimumDelta=1)
        self.assertEqual(error.field, "minimumDelta")

    def test_unknownRelatedVariable(self) -> None:
        """
        An argument naming an undeclared variable is a L{DeviceError}.
        """

        class Broken(ServiceBackend):
            serviceType = "urn:schemas-upnp-org:service:Broken:1"
            serviceId = "urn:upnp-org:serviceId:Broken"

            @action(outputs={"Out": "Nowhere"})
            def Get(self) -> None:
                """
                Nothing.
                """

        self.assertRaises(DeviceError, Broken)

    def test_badDefault(self) -> None:
        """
        A default that is not of the variable's type is refused.
        """

        class Broken(ServiceBackend):
            serviceType = "urn:schemas-upnp-org:service:Broken:1"
            serviceId = "urn:upnp-org:serviceId:Broken"
            Level = stateVariable("ui1", default="high")

        self.assertRaises(DataTypeError, Broken)


class BehaviourTests(SynchronousTestCase):
    """
    Instances run their actions and keep their state.
    """

    def test_serviceIsTheBareDescriptionItsRuntimeRuns(self) -> None:
        """
        The instance's model service is the bare description, carrying no
        runtime; the instance's runtime runs that service.
        """
        light = SwitchPower()
        self.assertEqual(light.service, SwitchPower.describe())
        self.assertIs(light.runtime.service, light.service)
        self.assertFalse(hasattr(light.service, "implementation"))

    def test_setTargetEventsStatus(self) -> None:
        """
        SetTarget through the runtime sets both variables and events Status
        once.
        """
        light = SwitchPower()
        heard: list[dict[str, object]] = []
        light.state.addObserver(heard.append)
        self.successResultOf(light.runtime.invoke("SetTarget", {"newTargetValue": True}))
        self.assertEqual(heard, [{"Status": True}])
        self.assertEqual(self.successResultOf(light.runtime.invoke("GetStatus", {})), {"ResultStatus": True})
        self.assertEqual(self.successResultOf(light.runtime.invoke("GetTarget", {})), {"RetTargetValue": True})

    def test_attributeAssignmentEvents(self) -> None:
        """
        Assigning an attribute from outside is checked and evented.
        """
        light = SwitchPower()
        heard: list[dict[str, object]] = []
        light.state.addObserver(heard.append)
        light.Status = True
        self.assertEqual((light.Status, heard), (True, [{"Status": True}]))
        self.assertRaises(DataTypeError, setattr, light, "Status", 3)

    def test_startingValues(self) -> None:
        """
        Values given to the constructor replace the defaults.
        """
        self.assertIs(SwitchPower({"Status": True}).Status, True)

    def test_upnpErrorFromMethod(self) -> None:
        """
        A method raising L{UPnPError} answers with it.
        """
        failure = self.failureResultOf(Dimming().runtime.invoke("Ramp", {"Rate": 1.0}), UPnPError)
        error: Any = failure.value
        self.assertEqual(error.code, 714)

    def test_classAttributeIsTheDeclaration(self) -> None:
        """
        On the class, a variable attribute is its declaration.
        """
        self.assertEqual(SwitchPower.Status.dataType, "boolean")
