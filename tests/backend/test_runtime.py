# -*- test-case-name: tests.backend.test_runtime -*-
"""
Tests for L{coherence_lite.backend.runtime}: invoking actions with
handlers, natural getters, and the UPnP errors of every failure.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.task import Clock, deferLater
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.errors import UPnPError
from coherence_lite.model.device import Action, Argument, Service, StateVariable


def switchPower() -> Service:
    """
    SwitchPower:1 as the model describes it.
    """
    return Service(
        "urn:schemas-upnp-org:service:SwitchPower:1",
        "urn:upnp-org:serviceId:SwitchPower",
        actions=(
            Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),
            Action("GetTarget", (Argument("RetTargetValue", "out", "Target"),)),
            Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),
        ),
        stateVariables=(
            StateVariable("Target", "boolean"),
            StateVariable("Status", "boolean", sendEvents=True),
        ),
    )


class InvokeTests(SynchronousTestCase):
    """
    L{ServiceRuntime.invoke} runs handlers and answers getters.
    """

    def runtime(self, **handlers: Any) -> ServiceRuntime:
        """
        A runtime of SwitchPower with the given handlers.
        """
        return ServiceRuntime(switchPower(), handlers=handlers)

    def errorCode(self, result: Deferred[Any]) -> int:
        """
        The code of the L{UPnPError} C{result} failed with.
        """
        error = self.failureResultOf(result, UPnPError).value
        assert isinstance(error, UPnPError)
        return error.code

    def test_handlerGetsKeywordsAndSetsState(self) -> None:
        """
        A handler is called with the in-arguments as keywords; what it sets
        is in the state.
        """
        runtime = self.runtime()

        def setTarget(newTargetValue: bool) -> None:
            runtime.state.update({"Target": newTargetValue, "Status": newTargetValue})

        runtime = ServiceRuntime(switchPower(), handlers={"SetTarget": setTarget})
        self.assertEqual(self.successResultOf(runtime.invoke("SetTarget", {"newTargetValue": True})), {})
        self.assertIs(runtime.state.get("Status"), True)

    def test_naturalGetter(self) -> None:
        """
        An action without a handler and without in-arguments returns its
        related state variables.
        """
        runtime = self.runtime()
        runtime.state.set("Status", True)
        self.assertEqual(self.successResultOf(runtime.invoke("GetStatus", {})), {"ResultStatus": True})

    def test_noHandlerWithInArguments(self) -> None:
        """
        An action with in-arguments and no handler fails with 602.
        """
        self.assertEqual(self.errorCode(self.runtime().invoke("SetTarget", {"newTargetValue": True})), 602)

    def test_unknownAction(self) -> None:
        """
        An action the service does not have is a 401.
        """
        self.assertEqual(self.errorCode(self.runtime().invoke("Explode", {})), 401)

    def test_missingOrExtraArguments(self) -> None:
        """
        Missing or unknown in-arguments are a 402.
        """
        runtime = self.runtime(SetTarget=lambda newTargetValue: None)
        self.assertEqual(self.errorCode(runtime.invoke("SetTarget", {})), 402)
        self.assertEqual(self.errorCode(runtime.invoke("GetStatus", {"x": 1})), 402)

    def test_handlerUPnPErrorPassesThrough(self) -> None:
        """
        A L{UPnPError} raised by a handler is the answer as is.
        """

        def refuse() -> None:
            raise UPnPError(714, "No such entry")

        self.assertEqual(self.errorCode(self.runtime(GetStatus=refuse).invoke("GetStatus", {})), 714)

    def test_handlerExceptionIs501AndLogged(self) -> None:
        """
        Any other exception from a handler is a 501, and logged.
        """

        def broken() -> None:
            raise ZeroDivisionError()

        self.assertEqual(self.errorCode(self.runtime(GetStatus=broken).invoke("GetStatus", {})), 501)
        self.assertEqual(len(self.flushLoggedErrors(ZeroDivisionError)), 1)

    def test_badOutValueIs501(self) -> None:
        """
        A handler returning an out-argument of the wrong type, an unknown
        out-argument or something that is not a dict fails with 501.
        """
        for returned in ({"ResultStatus": "maybe"}, {"Other": 1}, [1]):
            runtime = self.runtime(GetStatus=lambda returned=returned: returned)
            self.assertEqual(self.errorCode(runtime.invoke("GetStatus", {})), 501)
        self.assertEqual(len(self.flushLoggedErrors()), 3)

    def test_missingOutFromState(self) -> None:
        """
        An out-argument the handler leaves out comes from its related state
        variable; the ones it gives are checked and canonical.
        """
        runtime = self.runtime(GetStatus=lambda: None, GetTarget=lambda: {"RetTargetValue": "yes"})
        runtime.state.set("Status", True)
        self.assertEqual(self.successResultOf(runtime.invoke("GetStatus", {})), {"ResultStatus": True})
        self.assertEqual(self.successResultOf(runtime.invoke("GetTarget", {})), {"RetTargetValue": True})

    def test_deferredHandler(self) -> None:
        """
        A handler may return a L{Deferred}; the answer waits for it.
        """
        clock = Clock()
        runtime = self.runtime(GetStatus=lambda: deferLater(clock, 2, lambda: {"ResultStatus": True}))
        result = runtime.invoke("GetStatus", {})
        self.assertNoResult(result)
        clock.advance(2)
        self.assertEqual(self.successResultOf(result), {"ResultStatus": True})

    def test_coroutineHandler(self) -> None:
        """
        An C{async def} handler is run; the answer waits for it, and what
        it raises is answered as from any handler.
        """
        clock = Clock()

        async def getStatus() -> dict[str, object]:
            await deferLater(clock, 1, lambda: None)
            return {"ResultStatus": True}

        async def broken() -> None:
            raise UPnPError(714, "No such entry")

        runtime = self.runtime(GetStatus=getStatus, GetTarget=broken)
        result = runtime.invoke("GetStatus", {})
        self.assertNoResult(result)
        clock.advance(1)
        self.assertEqual(self.successResultOf(result), {"ResultStatus": True})
        self.assertEqual(self.errorCode(runtime.invoke("GetTarget", {})), 714)

    def test_unknownHandlerName(self) -> None:
        """
        A handler for an action the service lacks is refused at once.
        """
        self.assertRaises(ValueError, self.runtime, Explode=lambda: None)

    def test_query(self) -> None:
        """
        L{ServiceRuntime.query} reads the state; an unknown name is a 402.
        """
        runtime = self.runtime()
        self.assertIs(runtime.query("Target"), False)
        self.assertEqual(self.assertRaises(UPnPError, runtime.query, "Nope").code, 402)
