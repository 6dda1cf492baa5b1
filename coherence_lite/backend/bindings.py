# -*- test-case-name: tests.backend.test_bindings -*-
"""
Making device-file action bindings run: each L{ActionBinding} becomes a
handler of the service's L{ServiceRuntime}.

A handler runs the binding's command or function first (if any), then sets
the bound state variables from the in-arguments, then answers the
out-arguments: those the command printed or the function returned, then the
C{returns} variables, then (by the runtime) each remaining out-argument's
related state variable.

Commands run without a shell through the injected reactor's
C{spawnProcess}; their output is read up to L{MAX_OUTPUT} bytes; a command
still running after its timeout is killed.  A command that fails (non-zero
exit, killed, timed out, unreadable output) makes the action fail with
UPnP error 501, logged.
"""

from __future__ import annotations

import importlib
import os
import shutil
from typing import Any, Callable, Mapping

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.error import ProcessDone, ProcessTerminated
from twisted.internet.interfaces import IDelayedCall, IReactorProcess, IReactorTime
from twisted.internet.protocol import ProcessProtocol
from twisted.logger import Logger
from twisted.python.failure import Failure

from coherence_lite.backend.runtime import Handler, ServiceRuntime
from coherence_lite.backend.state import ServiceState, coerceValue
from coherence_lite.errors import UPnPError
from coherence_lite.model.bindings import ActionBinding, placeholder
from coherence_lite.model.device import Device, Service
from coherence_lite.model.devicefile import ConfigError
from coherence_lite.model.types import DataTypeError, encodeValue

__all__ = ["MAX_OUTPUT", "MAX_RUNNING", "CommandFailed", "runCommand", "parseOutput", "bindingHandlers", "checkFunctions", "runtimeFor"]

log = Logger()

#: The most bytes of a command's output read; more is a failure.
MAX_OUTPUT = 65536

#: The most processes of one bound command running at once; a call beyond
#: fails at once with UPnP error 501, so calls cannot pile up processes.
MAX_RUNNING = 4


class CommandFailed(Exception):
    """
    A bound command did not succeed: why, for the log.
    """


class _Collector(ProcessProtocol):
    def __init__(self, done: Deferred[bytes], clock: IReactorTime, timeout: float) -> None:
        self.done = done
        self.output = bytearray()
        self.problem: str | None = None
        self._timer: IDelayedCall = clock.callLater(timeout, self._expire, timeout)

    def _expire(self, timeout: float) -> None:
        self.problem = f"still running after {timeout:g} seconds: killed"
        self._kill()

    def _kill(self) -> None:
        try:
            assert self.transport is not None
            self.transport.signalProcess("KILL")
        except Exception:
            pass

    def outReceived(self, data: bytes) -> None:
        if self.problem is not None:
            return
        self.output += data
        if len(self.output) > MAX_OUTPUT:
            self.problem = f"wrote more than {MAX_OUTPUT} bytes: killed"
            del self.output[:]
            self._kill()

    def errReceived(self, data: bytes) -> None:
        pass

    def processEnded(self, reason: Failure) -> None:
        if self._timer.active():
            self._timer.cancel()
        if self.problem is None and not reason.check(ProcessDone):
            value = reason.value
            code = value.exitCode if isinstance(value, ProcessTerminated) else None
            self.problem = f"exited with status {code}" if code is not None else f"ended by signal {getattr(value, 'signal', '?')}"
        if self.problem is not None:
            self.done.errback(CommandFailed(self.problem))
        else:
            self.done.callback(bytes(self.output))


def runCommand(reactor: Any, argv: list[str], timeout: float) -> Deferred[bytes]:
    """
    Run C{argv} without a shell and collect what it writes on its output.

    @param reactor: provides L{IReactorProcess} and L{IReactorTime}.
    @param argv: the program (looked up in C{PATH} when it has no slash)
        and its arguments.
    @param timeout: seconds before the program is killed.
    @return: fires with the output, or fails with L{CommandFailed}.
    """
    done: Deferred[bytes] = Deferred()
    program = argv[0] if os.sep in argv[0] else shutil.which(argv[0])
    if program is None:
        done.errback(CommandFailed(f"{argv[0]!r} is not found on PATH"))
        return done
    collector = _Collector(done, reactor, timeout)
    process: IReactorProcess = reactor
    try:
        process.spawnProcess(collector, program, argv, env=dict(os.environ))
    except OSError as e:
        collector.processEnded(Failure(CommandFailed(f"cannot run {program}: {e}")))
    return done


def parseOutput(service: Service, binding: ActionBinding, output: bytes) -> dict[str, object]:
    """
    The out-arguments a command printed: C{name=value} lines naming an
    out-argument of the action (other lines are ignored), each value
    decoded as its related state variable.

    @raise CommandFailed: the output is not UTF-8, or a value does not fit.
    """
    action = next(a for a in service.actions if a.name == binding.action)
    related = {a.name: a.relatedStateVariable for a in action.arguments if a.direction == "out"}
    variables = {variable.name: variable for variable in service.stateVariables}
    try:
        text = output.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandFailed("its output is not UTF-8") from None
    values: dict[str, object] = {}
    for line in text.splitlines():
        name, equals, value = line.partition("=")
        name = name.strip()
        if equals and name in related:
            try:
                values[name] = coerceValue(variables[related[name]], value.strip())
            except DataTypeError as e:
                raise CommandFailed(f"{name}: {e.reason}") from None
    return values


def _function(binding: ActionBinding) -> Callable[..., object]:
    assert binding.call is not None
    moduleName, _, name = binding.call.partition(":")
    path, _, key = binding.where.partition(": ")
    try:
        module = importlib.import_module(moduleName)
    except Exception as e:
        raise ConfigError(path, key + ".call", f"cannot import {moduleName}: {e}") from None
    function = getattr(module, name, None)
    if not callable(function):
        raise ConfigError(path, key + ".call", f"{moduleName} has no function {name}")
    return function


def _handler(service: Service, state: ServiceState, binding: ActionBinding, reactor: Any) -> Handler:
    variables = {variable.name: variable for variable in service.stateVariables}
    function = _function(binding) if binding.call is not None else None

    running: list[Deferred[bytes]] = []

    def act(**arguments: object) -> dict[str, object] | Deferred[dict[str, object]]:
        if binding.command:
            if len(running) >= MAX_RUNNING:
                raise UPnPError(501, f"{binding.action} is already running {MAX_RUNNING} times: try again later")
            argv = [_substitute(item, arguments, service, binding) for item in binding.command]
            process = runCommand(reactor, argv, binding.timeout)
            running.append(process)

            def ended(outcome: object) -> object:
                running.remove(process)
                return outcome

            result: Deferred[Any] = process.addBoth(ended)
            result.addCallback(lambda output: parseOutput(service, binding, output))
        elif function is not None:
            result = maybeDeferred(function, **arguments)
        else:
            return finish({}, arguments)
        return result.addCallbacks(finish, failed, errbackArgs=(arguments,), callbackArgs=(arguments,))

    def finish(returned: object, arguments: Mapping[str, object]) -> dict[str, object]:
        if returned is None:
            returned = {}
        if not isinstance(returned, Mapping):
            raise TypeError(f"{binding.call} returned {type(returned).__name__}, not a dict or None")
        state.update({variable: arguments[argument] for variable, argument in binding.sets})
        values = dict(returned)
        for argument, variable in binding.returns:
            values.setdefault(argument, state.get(variables[variable].name))
        return values

    def failed(failure: Failure, arguments: Mapping[str, object]) -> Failure:
        if failure.check(CommandFailed):
            log.error(
                "The command of {action} ({where}) failed: {reason}",
                action=binding.action,
                where=binding.where,
                reason=str(failure.value),
            )
            return Failure(UPnPError(501))
        return failure

    return act


def _substitute(item: str, arguments: Mapping[str, object], service: Service, binding: ActionBinding) -> str:
    name = placeholder(item)
    if name is None or name not in arguments:
        return item
    action = next(a for a in service.actions if a.name == binding.action)
    related = next(a.relatedStateVariable for a in action.arguments if a.name == name)
    dataType = next(v.dataType for v in service.stateVariables if v.name == related)
    return encodeValue(dataType, arguments[name])


def bindingHandlers(service: Service, state: ServiceState, reactor: Any) -> dict[str, Handler]:
    """
    The handler of each bound action of a device-file service.

    @param reactor: runs the commands (L{IReactorProcess}) and times them.
    @raise ConfigError: a bound function cannot be imported.
    """
    return {binding.action: _handler(service, state, binding, reactor) for binding in service.bindings}


def checkFunctions(root: Device) -> None:
    """
    Import every function the device files of C{root}'s tree bind, so that
    one that cannot be imported is a configuration error at load time.

    @raise ConfigError: naming the file, the C{call} key and why.
    """
    for device in root.allDevices():
        for service in device.services:
            for binding in service.bindings:
                if binding.call is not None:
                    _function(binding)


def runtimeFor(service: Service, reactor: Any, values: Mapping[str, object] | None = None) -> ServiceRuntime:
    """
    The runtime a host uses for C{service}: its own C{implementation}, or
    one built from its bindings (none for a plain device-file service).

    @param values: stored values to start the state with (ignored for a
        service with its own implementation).
    @raise ConfigError: a bound function cannot be imported.
    """
    if service.implementation is not None:
        return service.implementation
    state = ServiceState(service, values)
    return ServiceRuntime(service, state, bindingHandlers(service, state, reactor))
