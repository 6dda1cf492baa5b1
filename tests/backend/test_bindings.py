# -*- test-case-name: tests.backend.test_bindings -*-
"""
Tests for device-file action bindings: reading them
(L{coherence_lite.model.bindings}, through L{deviceFromMapping}) and
running them (L{coherence_lite.backend.bindings}): setting variables,
returning variables, commands and Python functions.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, formatEvent, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.backend.bindings import MAX_RUNNING, CommandFailed, checkFunctions, parseOutput, runtimeFor
from coherence_lite.errors import UPnPError
from coherence_lite.model._toml import parseTOML
from coherence_lite.model.bindings import ActionBinding
from coherence_lite.model.device import Service
from coherence_lite.model.devicefile import ConfigError, deviceFromMapping, loadDevice

LIGHT = """\
[device]
deviceType = "urn:schemas-upnp-org:device:BinaryLight:1"
friendlyName = "Test light"
manufacturer = "Example"
modelName = "Light"

[[device.service]]
serviceType = "urn:schemas-upnp-org:service:SwitchPower:1"
serviceId = "urn:upnp-org:serviceId:SwitchPower"

[[device.service.action]]
name = "SetTarget"
set = {{ Target = "newTargetValue", Status = "newTargetValue" }}
{setTarget}
[[device.service.action.argument]]
name = "newTargetValue"
direction = "in"
relatedStateVariable = "Target"

[[device.service.action]]
name = "GetStatus"
{getStatus}
[[device.service.action.argument]]
name = "ResultStatus"
direction = "out"
relatedStateVariable = "Status"

[[device.service.action]]
name = "Brighten"
{brighten}
[[device.service.action.argument]]
name = "Level"
direction = "in"
relatedStateVariable = "Level"

[[device.service.action.argument]]
name = "Result"
direction = "out"
relatedStateVariable = "Level"

[[device.service.stateVariable]]
name = "Target"
dataType = "boolean"

[[device.service.stateVariable]]
name = "Status"
dataType = "boolean"
sendEvents = true

[[device.service.stateVariable]]
name = "Level"
dataType = "ui1"
"""


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Light(NamedTuple):
    """
    The light's one service and the bindings its device file gives it.
    """

    service: Service
    bindings: tuple[ActionBinding, ...]


def lightService(setTarget: str = "", getStatus: str = "", brighten: str = "") -> Light:
    """
    The light's one service, with extra keys in its actions' tables.
    """
    text = LIGHT.format(setTarget=setTarget, getStatus=getStatus, brighten=brighten)
    data = parseTOML(text.encode(), lambda reason: ConfigError("light.toml", "", reason))
    read = deviceFromMapping(data, "light.toml", hostname="test")
    service = read.device.services[0]
    return Light(service, read.bindings.get((read.device.UDN, service.serviceId), ()))


def configError(**keys: str) -> ConfigError:
    """
    The error of a light whose actions have the given extra keys.
    """
    try:
        lightService(**keys)
    except ConfigError as e:
        return e
    raise AssertionError("no ConfigError")


class ReadTests(SynchronousTestCase):
    """
    Bindings are read and checked with the device file.
    """

    def test_setAndDefaults(self) -> None:
        """
        C{set} maps variables to in-arguments; an action without binding
        keys has no binding.
        """
        service = lightService()
        self.assertEqual(
            service.bindings,
            (ActionBinding("SetTarget", (("Target", "newTargetValue"), ("Status", "newTargetValue")),
                           where="light.toml: device.service[0].action[0]"),),
        )

    def test_bindingsDoNotChangeTheService(self) -> None:
        """
        A service with bindings equals the same service without them.
        """
        self.assertEqual(lightService().service, lightService(getStatus='returns = { ResultStatus = "Target" }').service)

    def test_errorsNameFileKeyAndProblem(self) -> None:
        """
        Bad bindings are L{ConfigError}s naming the file, the key and what
        is wrong.
        """
        cases = [
            ({"getStatus": 'set = { Status = "nothing" }'}, "device.service[0].action[1].set", "no in-argument"),
            ({"getStatus": 'set = { Volume = "x" }'}, "device.service[0].action[1].set.Volume", "unknown key"),
            ({"brighten": 'set = { Status = "Level" }'}, "device.service[0].action[2].set", "boolean"),
            ({"getStatus": 'returns = { ResultStatus = "Nope" }'}, "device.service[0].action[1].returns", "no state variable"),
            ({"getStatus": 'command = []'}, "device.service[0].action[1].command", "program"),
            ({"brighten": 'command = ["x", "{Other}"]'}, "device.service[0].action[2].command[1]", "Other"),
            ({"getStatus": 'command = ["x"]\ncall = "a:b"'}, "device.service[0].action[1].call", "not both"),
            ({"getStatus": 'call = "not a function"'}, "device.service[0].action[1].call", "package.module:function"),
            ({"getStatus": 'command = ["x"]\ntimeout = 0'}, "device.service[0].action[1].timeout", "above 0"),
            ({"getStatus": 'timeout = 3'}, "device.service[0].action[1].timeout", "only a command"),
            ({"getStatus": 'command = ["x"]\ntimeout = "3"'}, "device.service[0].action[1].timeout", "number"),
        ]
        for keys, key, words in cases:
            error = configError(**keys)
            self.assertEqual((error.path, error.key), ("light.toml", key), keys)
            self.assertIn(words, error.reason, keys)

    def test_unimportableFunction(self) -> None:
        """
        A function that cannot be imported is a L{ConfigError} when the
        runtime is built.
        """
        for call, words in (("tests.nowhere:f", "cannot import"), ("tests.support.bindings:notAFunction", "no function")):
            service = lightService(brighten=f'call = "{call}"')
            error = self.assertRaises(ConfigError, runtimeFor, *service, reactor)
            self.assertEqual(error.key, "device.service[0].action[2].call")
            self.assertIn(words, error.reason)


    def test_checkFunctionsAtLoad(self) -> None:
        """
        L{checkFunctions} imports every bound function of a device tree and
        raises the L{ConfigError} of the first that cannot be.
        """
        text = LIGHT.format(setTarget="", getStatus='call = "tests.nowhere:f"', brighten="")
        data = parseTOML(text.encode(), lambda reason: ConfigError("light.toml", "", reason))
        error = self.assertRaises(ConfigError, checkFunctions, deviceFromMapping(data, "light.toml", hostname="t").bindings)
        self.assertEqual(error.key, "device.service[0].action[1].call")
        checkFunctions(deviceFromMapping(parseTOML(LIGHT.format(setTarget="", getStatus="", brighten="").encode(), Exception), "l", hostname="t").bindings)


class RunTests(SynchronousTestCase):
    """
    Bound actions that need no process.
    """

    def test_setTargetSetsBothAndGetStatusReads(self) -> None:
        """
        SetTarget sets Target and Status, events Status, and GetStatus (no
        binding) returns it.
        """
        runtime = runtimeFor(*lightService(), reactor)
        heard: list[dict[str, object]] = []
        runtime.state.addObserver(heard.append)
        self.assertEqual(self.successResultOf(runtime.invoke("SetTarget", {"newTargetValue": True})), {})
        self.assertEqual(heard, [{"Status": True}])
        self.assertEqual(self.successResultOf(runtime.invoke("GetStatus", {})), {"ResultStatus": True})

    def test_jambonExampleSetsItsVariables(self) -> None:
        """
        The seed's Jambon 3000 (C{examples/jambon-3000.toml}) is a working
        device with no code: SetSlices and SetMode set their variables, the
        getters read them back.
        """
        device, bindings = loadDevice(str(EXAMPLES / "jambon-3000.toml"))
        service = device.services[0]
        runtime = runtimeFor(service, bindings[(device.UDN, service.serviceId)], reactor)
        heard: list[dict[str, object]] = []
        runtime.state.addObserver(heard.append)
        self.successResultOf(runtime.invoke("SetSlices", {"NewSlices": 12}))
        self.successResultOf(runtime.invoke("SetMode", {"NewMode": "Thick"}))
        self.assertEqual(heard, [{"Slices": 12}, {"Mode": "Thick"}])
        self.assertEqual(self.successResultOf(runtime.invoke("GetSlices", {})), {"CurrentSlices": 12})
        self.assertEqual(self.successResultOf(runtime.invoke("GetMode", {})), {"CurrentMode": "Thick"})

    def test_returns(self) -> None:
        """
        C{returns} answers another variable than the related one.
        """
        runtime = runtimeFor(*lightService(getStatus='returns = { ResultStatus = "Target" }'), reactor)
        runtime.state.set("Target", True)
        self.assertEqual(self.successResultOf(runtime.invoke("GetStatus", {})), {"ResultStatus": True})

    def test_function(self) -> None:
        """
        C{call} calls the function with the in-arguments as keywords and
        answers what it returns.
        """
        runtime = runtimeFor(*lightService(brighten='call = "tests.support.bindings:brighten"'), reactor)
        self.assertEqual(self.successResultOf(runtime.invoke("Brighten", {"Level": 5})), {"Result": 15})

    def test_functionResultChecked(self) -> None:
        """
        A function answering a value its variable does not allow fails with
        501.
        """
        runtime = runtimeFor(*lightService(brighten='call = "tests.support.bindings:brighten"'), reactor)
        failure = self.failureResultOf(runtime.invoke("Brighten", {"Level": 250}), UPnPError)
        error: Any = failure.value
        self.assertEqual(error.code, 501)
        self.flushLoggedErrors()

    def test_parseOutput(self) -> None:
        """
        C{name=value} lines naming out-arguments are decoded; others are
        ignored; a bad value is refused.
        """
        service = lightService(brighten='command = ["x"]')
        binding = service.bindings[-1]
        self.assertEqual(parseOutput(service.service, binding, b"noise\nResult = 42\nOther=1\n"), {"Result": 42})
        self.assertRaises(CommandFailed, parseOutput, service.service, binding, b"Result=300\n")
        self.assertRaises(CommandFailed, parseOutput, service.service, binding, b"\xff")


class CommandTests(TestCase):
    """
    Bound commands run as real processes (the test's own Python).
    """

    def command(self, code: str, timeout: str = "") -> Light:
        """
        The light whose Brighten runs C{python -c code LEVEL}.
        """
        argv = f'command = ["{sys.executable}", "-c", "{code}", "{{Level}}"]'
        return lightService(brighten=argv + ("\ntimeout = " + timeout if timeout else ""))

    def invoke(self, service: Light, level: int) -> Deferred[Any]:
        """
        Call Brighten on a runtime of C{service}.
        """
        return runtimeFor(*service, reactor).invoke("Brighten", {"Level": level})

    async def test_outputBecomesOutArguments(self) -> None:
        """
        The command gets the argument as its own argv item and its
        C{name=value} output is the answer.
        """
        service = self.command("import sys; print('Result=%d' % (int(sys.argv[1]) * 2))")
        self.assertEqual(await self.invoke(service, 21), {"Result": 42})

    async def test_placeholderIsOneArgvItem(self) -> None:
        """
        A value is never split or interpreted by a shell.
        """
        service = lightService(
            setTarget=f'command = ["{sys.executable}", "-c", "import sys; assert sys.argv[1:] == [\'1\'], sys.argv", "{{newTargetValue}}"]'
        )
        runtime = runtimeFor(*service, reactor)
        self.assertEqual(await runtime.invoke("SetTarget", {"newTargetValue": True}), {})
        self.assertIs(runtime.state.get("Status"), True)

    async def test_nonZeroExitIs501(self) -> None:
        """
        A command exiting non-zero fails the action with 501 and sets
        nothing.
        """
        service = lightService(setTarget=f'command = ["{sys.executable}", "-c", "raise SystemExit(3)"]')
        runtime = runtimeFor(*service, reactor)
        with self.assertRaises(UPnPError) as caught:
            await runtime.invoke("SetTarget", {"newTargetValue": True})
        self.assertEqual(caught.exception.code, 501)
        self.assertIs(runtime.state.get("Status"), False)

    def fifo(self) -> str:
        """
        A new named pipe: a command that opens it to read waits there until
        the test opens it to write.
        """
        path = str(Path(self.mktemp()).resolve())
        os.mkfifo(path)
        return path

    async def test_timeoutIs501(self) -> None:
        """
        A command still running at its timeout is killed: 501.
        """
        service = self.command(f"import os; os.read(os.open('{self.fifo()}', os.O_RDONLY), 1)", timeout="0.5")
        with self.assertRaises(UPnPError) as caught:
            await self.invoke(service, 1)
        self.assertEqual(caught.exception.code, 501)

    async def test_runningCallsAreBounded(self) -> None:
        """
        Beyond MAX_RUNNING processes of one command at once, a call fails
        with 501 at once, without starting another; once they end, calls
        run again.

        Each process waits to read one byte from a named pipe, which the
        test writes once the call beyond the bound has failed.
        """
        fifo = self.fifo()
        runtime = runtimeFor(*self.command(f"import os; os.read(os.open('{fifo}', os.O_RDONLY), 1); print('Result=1')"), reactor)
        calls = [runtime.invoke("Brighten", {"Level": 1}) for _ in range(MAX_RUNNING)]
        with self.assertRaises(UPnPError) as caught:
            await runtime.invoke("Brighten", {"Level": 1})
        self.assertEqual(caught.exception.code, 501)
        self.assertEqual([call.called for call in calls], [False] * MAX_RUNNING)
        release = os.open(fifo, os.O_RDWR)
        self.addCleanup(os.close, release)
        os.write(release, b"x" * (MAX_RUNNING + 1))
        for call in calls:
            self.assertEqual(await call, {"Result": 1})
        self.assertEqual(await runtime.invoke("Brighten", {"Level": 1}), {"Result": 1})

    async def test_missingProgramIs501(self) -> None:
        """
        A program that is not on PATH fails the action with 501.
        """
        service = lightService(brighten='command = ["coherence-lite-no-such-program"]')
        with self.assertRaises(UPnPError) as caught:
            await self.invoke(service, 1)
        self.assertEqual(caught.exception.code, 501)

    async def test_timeoutEndsTheWholeProcessTree(self) -> None:
        """
        A script that starts C{sleep 15} and waits for it, bound with a 1 s
        timeout: the call fails with 501 within a few seconds (not after
        15), and the C{sleep} it started is gone too (within a few seconds:
        a SIGKILLed process still shows until the kernel has ended it).
        """
        pidFile = Path(self.mktemp()).resolve()
        script = f"sleep 15 & echo $! > {pidFile}; wait"
        service = lightService(brighten=f'command = ["/bin/sh", "-c", "{script}", "{{Level}}"]\ntimeout = 1')
        started = reactor.seconds()
        with self.assertRaises(UPnPError) as caught:
            await self.invoke(service, 1)
        self.assertEqual(caught.exception.code, 501)
        self.assertLess(reactor.seconds() - started, 5)
        sleeper = int(pidFile.read_text())
        for _ in range(50):
            if not processAlive(sleeper):
                break
            await deferLater(reactor, 0.1)
        self.assertFalse(processAlive(sleeper), f"the sleep {sleeper} the command started still runs")
        self.assertLess(reactor.seconds() - started, 10)

    async def test_programThatCannotStartSaysWhy(self) -> None:
        """
        A missing program, a file that is not executable, a directory and a
        script whose interpreter is missing each fail with 501, logged as
        "cannot start" with the reason, never as a signal.
        """
        folder = Path(self.mktemp()).resolve()
        folder.mkdir()
        plain = folder / "plain"
        plain.write_text("echo hi\n")
        orphan = folder / "orphan"
        orphan.write_text("#!/no/such/interpreter\n")
        orphan.chmod(0o755)
        cases = {
            str(folder / "missing"): "No such file or directory",
            "coherence-lite-no-such-program": "not found on PATH",
            str(plain): "not executable",
            str(folder): "is a directory",
            str(orphan): "No such file or directory",
        }
        for program, reason in cases.items():
            events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)  # type: ignore[arg-type]
            with self.assertRaises(UPnPError) as caught:
                await self.invoke(lightService(brighten=f'command = ["{program}"]'), 1)
            self.assertEqual(caught.exception.code, 501)
            lines = [formatEvent(event) for event in events if event["log_level"] == LogLevel.error]
            self.assertEqual(len(lines), 1, lines)
            self.assertIn(f"cannot start {program}: ", lines[0])
            self.assertIn(reason, lines[0])
            self.assertNotIn("signal", lines[0])

    async def test_outputUpdatesTheRelatedVariable(self) -> None:
        """
        An out-argument the command prints becomes its related state
        variable's value, and an evented one is heard by the state's
        observers (a thermometer's reading is evented).
        """
        service = lightService(
            getStatus=f'command = ["{sys.executable}", "-c", "print(\'ResultStatus=1\')"]'
        )
        runtime = runtimeFor(*service, reactor)
        heard: list[dict[str, object]] = []
        runtime.state.addObserver(heard.append)
        self.assertEqual(await runtime.invoke("GetStatus", {}), {"ResultStatus": True})
        self.assertIs(runtime.state.get("Status"), True)
        self.assertEqual(heard, [{"Status": True}])

    async def test_thermometerExampleEventsItsReading(self) -> None:
        """
        C{examples/thermometer.toml}, its command reading a file that holds
        21.5 degrees in millidegrees: GetCurrentTemperature answers 2150
        hundredths, and the evented CurrentTemperature takes that value.
        """
        sensor = Path(self.mktemp())
        sensor.write_text("21500\n")
        device, bindings = loadDevice(EXAMPLES / "thermometer.toml", hostname="test")
        service = device.services[0]
        binding = bindings[(device.UDN, service.serviceId)][0]
        self.assertEqual(binding.command[-1], "/sys/class/thermal/thermal_zone0/temp")
        runtime = runtimeFor(service, (replace(binding, command=binding.command[:-1] + (str(sensor),)),), reactor)
        heard: list[dict[str, object]] = []
        runtime.state.addObserver(heard.append)
        self.assertEqual(await runtime.invoke("GetCurrentTemperature", {}), {"CurrentTemp": 2150})
        self.assertEqual(heard, [{"CurrentTemperature": 2150}])


def processAlive(pid: int) -> bool:
    """
    Whether process C{pid} exists and is not a zombie.
    """
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
