# -*- test-case-name: tests.backend.test_state -*-
"""
Tests for L{coherence_lite.backend.state}: initial values, checked updates
and observers of evented variables.
"""

from __future__ import annotations

from decimal import Decimal

from twisted.internet.testing import EventLoggingObserver
from twisted.logger import globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.backend.state import ServiceState, coerceValue, initialValue
from coherence_lite.model.device import AllowedValueRange, Service, StateVariable
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import DATA_TYPES, DataTypeError


def dimmer() -> Service:
    """
    A service with evented and non-evented variables of a few types.
    """
    return Service(
        "urn:schemas-upnp-org:service:Dimming:1",
        "urn:upnp-org:serviceId:Dimming",
        stateVariables=(
            StateVariable("Target", "boolean"),
            StateVariable("Status", "boolean", sendEvents=True),
            StateVariable(
                "Level", "ui1", sendEvents=True, defaultValue="50",
                allowedValueRange=AllowedValueRange("0", "100", "5"),
            ),
            StateVariable("Mode", "string", sendEvents=True, allowedValues=("Auto", "Manual")),
            StateVariable("Price", "fixed.14.4"),
        ),
    )


class InitialValueTests(SynchronousTestCase):
    """
    Variables start from their default, allowed values, or their type's zero.
    """

    def test_defaultValueDecoded(self) -> None:
        """
        A variable with a defaultValue starts with its decoded value.
        """
        self.assertEqual(ServiceState(dimmer()).get("Level"), 50)

    def test_firstAllowedValueWithoutDefault(self) -> None:
        """
        A string variable with allowed values and no default starts with
        the first allowed value.
        """
        self.assertEqual(ServiceState(dimmer()).get("Mode"), "Auto")

    def test_zeroOfTheType(self) -> None:
        """
        Without a default, a boolean starts False and a fixed.14.4 at 0.
        """
        state = ServiceState(dimmer())
        self.assertIs(state.get("Status"), False)
        self.assertEqual(state.get("Price"), Decimal(0))

    def test_everyTypeHasAnEncodableStart(self) -> None:
        """
        The starting value of a variable of every data type can be sent.
        """
        for dataType in sorted(DATA_TYPES):
            value = initialValue(StateVariable("V", dataType))
            self.assertIsInstance(encodeValue(dataType, value), str, dataType)

    def test_unusableDefaultFallsBack(self) -> None:
        """
        A defaultValue that is not of the variable's type is passed over.
        """
        self.assertEqual(initialValue(StateVariable("V", "i4", defaultValue="many")), 0)

    def test_startingValues(self) -> None:
        """
        Starting values given to the constructor are checked and kept.
        """
        state = ServiceState(dimmer(), {"Level": 20, "Status": "1"})
        self.assertEqual((state.get("Level"), state.get("Status")), (20, True))

    def test_badStartingValue(self) -> None:
        """
        A starting value that does not fit raises L{DataTypeError}.
        """
        self.assertRaises(DataTypeError, ServiceState, dimmer(), {"Level": 7})


class SetTests(SynchronousTestCase):
    """
    Setting values checks them and tells observers of evented changes.
    """

    def setUp(self) -> None:
        """
        A state with one recording observer.
        """
        self.state = ServiceState(dimmer())
        self.heard: list[dict[str, object]] = []
        self.state.addObserver(self.heard.append)

    def test_eventedChangeIsHeard(self) -> None:
        """
        Changing an evented variable calls the observer with its new value.
        """
        self.state.set("Status", True)
        self.assertEqual(self.heard, [{"Status": True}])
        self.assertIs(self.state.get("Status"), True)

    def test_unchangedIsNotHeard(self) -> None:
        """
        Setting a variable to the value it has calls no observer.
        """
        self.state.set("Level", 50)
        self.assertEqual(self.heard, [])

    def test_notEventedIsNotHeard(self) -> None:
        """
        A change of a variable without sendEvents is stored but not heard.
        """
        self.state.set("Target", True)
        self.assertEqual(self.heard, [])
        self.assertIs(self.state.get("Target"), True)

    def test_allVariablesObserver(self) -> None:
        """
        An observer added with C{allVariables} hears of every change, evented
        or not, and is removed like the others.
        """
        everything: list[dict[str, object]] = []
        self.state.addObserver(everything.append, allVariables=True)
        self.state.update({"Target": True, "Status": True})
        self.state.removeObserver(everything.append)
        self.state.set("Target", False)
        self.assertEqual(everything, [{"Target": True, "Status": True}])
        self.assertEqual(self.heard, [{"Status": True}])

    def test_updateIsOneCall(self) -> None:
        """
        L{ServiceState.update} tells the evented changes in one call.
        """
        self.state.update({"Status": True, "Level": 55, "Target": True, "Mode": "Auto"})
        self.assertEqual(self.heard, [{"Status": True, "Level": 55}])

    def test_updateIsAllOrNothing(self) -> None:
        """
        One bad value in an update stores none of them.
        """
        self.assertRaises(DataTypeError, self.state.update, {"Status": True, "Level": 101})
        self.assertEqual((self.state.get("Status"), self.heard), (False, []))

    def test_textIsDecoded(self) -> None:
        """
        A lexical form given for a number is decoded.
        """
        self.state.set("Level", "75")
        self.assertEqual(self.state.get("Level"), 75)

    def test_wrongPythonType(self) -> None:
        """
        A Python value of the wrong type is a 600.
        """
        error = self.assertRaises(DataTypeError, self.state.set, "Level", 1.5)
        self.assertEqual(error.code, 600)

    def test_outOfRangeAndOffStep(self) -> None:
        """
        A number outside the range or off its step is a 601.
        """
        self.assertEqual(self.assertRaises(DataTypeError, self.state.set, "Level", 105).code, 601)
        self.assertEqual(self.assertRaises(DataTypeError, self.state.set, "Level", 52).code, 601)

    def test_notAnAllowedValue(self) -> None:
        """
        A string outside the allowed values is a 600.
        """
        self.assertEqual(self.assertRaises(DataTypeError, self.state.set, "Mode", "Off").code, 600)

    def test_unknownVariable(self) -> None:
        """
        Setting a variable the service does not have raises L{KeyError}.
        """
        self.assertRaises(KeyError, self.state.set, "Volume", 3)

    def test_boolIsNotAnInteger(self) -> None:
        """
        L{True} is refused for an integer variable.
        """
        self.assertRaises(DataTypeError, coerceValue, StateVariable("N", "i4"), True)

    def test_evented(self) -> None:
        """
        L{ServiceState.evented} has every evented variable and only those.
        """
        self.assertEqual(self.state.evented(), {"Status": False, "Level": 50, "Mode": "Auto"})

    def test_encoded(self) -> None:
        """
        L{ServiceState.encoded} gives the lexical form.
        """
        self.assertEqual(self.state.encoded("Status"), "0")

    def test_removedObserverIsNotCalled(self) -> None:
        """
        A removed observer hears nothing more; removing twice is harmless.
        """
        self.state.removeObserver(self.heard.append)
        self.state.removeObserver(self.heard.append)
        self.state.set("Status", True)
        self.assertEqual(self.heard, [])

    def test_failingObserverIsLoggedOthersRun(self) -> None:
        """
        An observer that raises is logged and the next one still runs.
        """
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)

        def broken(changed: dict[str, object]) -> None:
            raise RuntimeError("boom")

        later: list[dict[str, object]] = []
        self.state.addObserver(broken)
        self.state.addObserver(later.append)
        self.state.set("Status", True)
        self.assertEqual(later, [{"Status": True}])
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)
        self.assertTrue(any("log_failure" in event for event in events))
