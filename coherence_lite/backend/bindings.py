# -*- test-case-name: tests.backend.test_bindings -*-
"""
Making device-file action bindings run: each L{ActionBinding} becomes a
handler of the service's L{ServiceRuntime}.

A handler runs the binding's command or function first (if any), then sets
the bound state variables from the in-arguments and the related variable of
each out-argument the command printed (so a sensor's reading is evented),
then answers the out-arguments: those the command printed or the function
returned, then the C{returns} variables, then (by the runtime) each
remaining out-argument's related state variable.

Commands run without a shell through the injected reactor's
C{spawnProcess}, each in a process group of its own; their output is read
up to L{MAX_OUTPUT} bytes; a command still running after its timeout is
killed with every process it started.  A command that fails (cannot be
started, non-zero exit, killed, timed out, unreadable output) makes the
action fail with UPnP error 501, logged with the reason.
"""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import stat
import sys
from typing import Any, Callable, Mapping, Sequence

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.error import ProcessDone, ProcessTerminated
from twisted.internet.interfaces import IDelayedCall, IReactorProcess, IReactorTime
from twisted.internet.protocol import ProcessProtocol
from twisted.logger import Logger
from twisted.python.failure import Failure

from coherence_lite._reactor import Reactor
from coherence_lite.backend.runtime import Handler, ServiceRuntime, Settle
from coherence_lite.backend.state import ServiceState, coerceValue
from coherence_lite.errors import UPnPError
from coherence_lite.model.bindings import ActionBinding, Bindings, placeholder
from coherence_lite.model.device import Service
from coherence_lite.model.devicefile import ConfigError
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import DataTypeError

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


#: What the launcher writes before the reason a program could not start.
_CANNOT_START = "\0coherence-lite: cannot start: "

#: Runs a command (C{sys.argv[1]}, with the argv C{sys.argv[2:]}) in a
#: process group of its own (a new session), so a timeout ends the command
#: and everything it started; if the program cannot be executed, writes why
#: after L{_CANNOT_START} on standard error and exits with status 127.
_LAUNCHER = f"""import os, sys
os.setsid()
try:
    os.execv(sys.argv[1], sys.argv[2:])
except OSError as e:
    os.write(2, {_CANNOT_START.encode()!r} + (e.strerror or str(e)).encode(errors="replace"))
    os._exit(127)
"""

#: The most bytes of a command's standard error kept, for the log.
_MAX_ERRORS = 512


def _launcher(program: str, argv: list[str]) -> list[str]:
    # Isolated (-I) and without site (-S): the launcher starts in a few
    # milliseconds and imports nothing of the daemon's environment.
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER, program, *argv]


def _cannotStart(program: str) -> str | None:
    """
    Why C{program} (a path) cannot be started, or L{None} when it looks
    like it can.
    """
    try:
        mode = os.stat(program).st_mode
    except OSError as e:
        return f"cannot start {program}: {e.strerror or e}"
    if stat.S_ISDIR(mode):
        return f"cannot start {program}: it is a directory"
    if not os.access(program, os.X_OK):
        return f"cannot start {program}: it is not executable (chmod +x)"
    return None


class _Collector(ProcessProtocol):
    def __init__(self, done: Deferred[bytes], clock: IReactorTime, timeout: float, program: str) -> None:
        self.done = done
        self.program = program
        self.output = bytearray()
        self.errors = bytearray()
        self.problem: str | None = None
        self._timer: IDelayedCall = clock.callLater(timeout, self._expire, timeout)

    def _expire(self, timeout: float) -> None:
        self.problem = f"still running after {timeout:g} seconds: killed with every process it started"
        self._kill()

    def _kill(self) -> None:
        # The launcher made the command the leader of its own process
        # group: end the group, so what it started ends too and lets go of
        # the output pipes.
        pid = getattr(self.transport, "pid", None)
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
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
        self.errors += data
        del self.errors[: -_MAX_ERRORS * 2]

    def processEnded(self, reason: Failure) -> None:
        if self._timer.active():
            self._timer.cancel()
        errors = self.errors.decode("utf-8", "replace")
        if self.problem is None and not reason.check(ProcessDone):
            value = reason.value
            code = value.exitCode if isinstance(value, ProcessTerminated) else None
            if code == 127 and _CANNOT_START in errors:
                self.problem = f"cannot start {self.program}: {errors.rpartition(_CANNOT_START)[2]}"
            elif code is not None:
                self.problem = f"exited with status {code}"
            else:
                self.problem = f"ended by signal {getattr(value, 'signal', None) or 'unknown'}"
        if self.problem is not None:
            said = errors.replace(_CANNOT_START, " ").strip()[-_MAX_ERRORS:]
            if said and "cannot start" not in self.problem:
                self.problem += f" (it said: {said})"
            self.done.errback(CommandFailed(self.problem))
        else:
            self.done.callback(bytes(self.output))


def runCommand(reactor: Reactor, argv: list[str], timeout: float) -> Deferred[bytes]:
    """
    Run C{argv} without a shell, in a process group of its own, and collect
    what it writes on its output.

    @param reactor: provides L{IReactorProcess} and L{IReactorTime}.
    @param argv: the program (looked up in C{PATH} when it has no slash)
        and its arguments.
    @param timeout: seconds before the program, and every process it
        started, is killed.
    @return: fires with the output, or fails with L{CommandFailed} saying
        why: cannot be started (and why), exit status, signal, timeout.
    """
    done: Deferred[bytes] = Deferred()
    program = argv[0] if os.sep in argv[0] else shutil.which(argv[0])
    if program is None:
        done.errback(CommandFailed(f"cannot start {argv[0]}: not found on PATH"))
        return done
    problem = _cannotStart(program)
    if problem is not None:
        done.errback(CommandFailed(problem))
        return done
    collector = _Collector(done, reactor, timeout, program)
    process: IReactorProcess = reactor
    launcher = _launcher(program, argv)
    try:
        process.spawnProcess(collector, launcher[0], launcher, env=dict(os.environ))
    except OSError as e:
        collector.problem = f"cannot start {program}: {e.strerror or e}"
        collector.processEnded(Failure(CommandFailed(collector.problem)))
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


def _handler(service: Service, state: ServiceState, binding: ActionBinding, reactor: Reactor) -> Handler:
    variables = {variable.name: variable for variable in service.stateVariables}
    function = _function(binding) if binding.call is not None else None
    action = next(a for a in service.actions if a.name == binding.action)
    related = {a.name: a.relatedStateVariable for a in action.arguments if a.direction == "out"}

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
        updates = {variable: arguments[argument] for variable, argument in binding.sets}
        if binding.command:
            # What the command reported is what the device now is: each
            # out-argument it printed becomes its related variable's value
            # (evented like any change), over what `set` says.
            updates.update({related[argument]: value for argument, value in returned.items()})
        state.update(updates)
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


def bindingHandlers(
    service: Service, bindings: Sequence[ActionBinding], state: ServiceState, reactor: Reactor
) -> dict[str, Handler]:
    """
    The handler of each bound action of a device-file service.

    @param bindings: what the service's actions do.
    @param reactor: runs the commands (L{IReactorProcess}) and times them.
    @raise ConfigError: a bound function cannot be imported.
    """
    return {binding.action: _handler(service, state, binding, reactor) for binding in bindings}


def checkFunctions(bindings: Bindings) -> None:
    """
    Import every function a device file binds, so that one that cannot be
    imported is a configuration error at load time.

    @raise ConfigError: naming the file, the C{call} key and why.
    """
    for serviceBindings in bindings.values():
        for binding in serviceBindings:
            if binding.call is not None:
                _function(binding)


def runtimeFor(
    service: Service,
    bindings: Sequence[ActionBinding],
    reactor: Reactor,
    values: Mapping[str, object] | None = None,
    settle: Settle | None = None,
) -> ServiceRuntime:
    """
    The runtime a host builds for a device-file (or plain) service: its
    actions run their bindings (none for a plain service).

    @param values: stored values to start the state with.
    @param settle: what an action that changed the state waits for
        before answering (see L{ServiceRuntime}).
    @raise ConfigError: a bound function cannot be imported.
    """
    state = ServiceState(service, values)
    return ServiceRuntime(service, state, bindingHandlers(service, bindings, state, reactor), settle)
