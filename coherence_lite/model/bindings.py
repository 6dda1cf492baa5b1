# -*- test-case-name: tests.backend.test_bindings -*-
"""
What a device file says an action does, as data: action bindings.

Pure.  An action of a device file may

  - C{set} state variables from its in-arguments
    (C{set = { Target = "newTargetValue", Status = "newTargetValue" }});
  - C{return} state variables as out-arguments other than their related
    ones (C{returns = { ResultStatus = "Status" }}); without it each
    out-argument is its related state variable's value;
  - run a C{command} (an argv list, never a shell; an item written exactly
    C{"{argumentName}"} is replaced by that in-argument's value) within a
    C{timeout}, reading C{name=value} lines of its output as out-arguments;
  - or C{call} a Python function, C{"package.module:function"}, with the
    in-arguments as keywords.

L{bindingOf} reads these keys of one action table and checks them against
the service; L{coherence_lite.backend.bindings} makes them run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence, TypeVar

from coherence_lite.model._toml import Reader, Table, describe
from coherence_lite.model.device import Action, StateVariable

__all__ = ["BINDING_KEYS", "DEFAULT_TIMEOUT", "MAX_TIMEOUT", "ActionBinding", "Bindings", "bindingOf", "placeholder"]

#: The keys of an action table that bind behaviour.
BINDING_KEYS = ("set", "returns", "command", "timeout", "call")

#: Seconds a command may run, by default and at most.
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 300.0

_R = TypeVar("_R", bound=Reader)

_CALLABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_\-]*)\}")


def placeholder(item: str) -> str | None:
    """
    The in-argument an argv item stands for when it is exactly
    C{{name}}, else L{None}.
    """
    match = _PLACEHOLDER.fullmatch(item)
    return None if match is None else match.group(1)


@dataclass(frozen=True)
class ActionBinding:
    """
    What one action of a device file does.

    @ivar action: the action's name.
    @ivar sets: (state variable, in-argument) pairs: the variables set from
        the arguments once the action succeeded.
    @ivar returns: (out-argument, state variable) pairs that differ from the
        arguments' related variables.
    @ivar command: the argv to run, or C{()}.
    @ivar timeout: seconds the command may run.
    @ivar call: C{module:function} to call, or L{None}.
    @ivar where: C{path: key} of the action table, for errors found later
        (a function that cannot be imported).
    """

    action: str
    sets: tuple[tuple[str, str], ...] = ()
    returns: tuple[tuple[str, str], ...] = ()
    command: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    call: str | None = None
    where: str = ""


def _mapping(table: Table[_R], name: str, keys: Sequence[str], what: str) -> tuple[tuple[str, str], ...]:
    inner = table.table(name, keys)
    if inner is None:
        return ()
    pairs = []
    for key in keys:
        value = inner.text(key)
        if value is not None:
            pairs.append((key, value))
    if not pairs:
        raise table.error(name, f"is empty: map {what}")
    return tuple(pairs)


#: The bindings of a device file's services, by (device UDN, serviceId);
#: a service whose actions bind nothing is left out.
Bindings = Mapping[tuple[str, str], tuple[ActionBinding, ...]]


def bindingOf(
    table: Table[_R], action: Action, variables: Sequence[StateVariable], where: str
) -> ActionBinding | None:
    """
    Read the binding keys of an action table.

    @param table: the C{[[device.service.action]]} table.
    @param action: the action it describes.
    @param variables: the service's state variables.
    @param where: the file and key of the table, for later errors.
    @return: the binding, or L{None} when the table binds nothing.
    @raise Exception: the reader's error (a L{ConfigError}) for a binding
        that names unknown variables or arguments, mixes C{command} and
        C{call}, or has a bad command, timeout or function name.
    """
    types = {variable.name: variable.dataType for variable in variables}
    inputs = {a.name: a.relatedStateVariable for a in action.arguments if a.direction == "in"}
    outputs = [a.name for a in action.arguments if a.direction == "out"]
    sets = _mapping(table, "set", list(types), "state variables to in-arguments")
    for variable, argument in sets:
        if argument not in inputs:
            raise table.error("set", f"{variable} = {argument!r}: {action.name} has no in-argument {argument!r}")
        if types[inputs[argument]] != types[variable]:
            raise table.error(
                "set", f"{variable} is a {types[variable]} but {argument} is a {types[inputs[argument]]}"
            )
    returns = _mapping(table, "returns", outputs, "out-arguments to state variables")
    for argument, variable in returns:
        if variable not in types:
            raise table.error("returns", f"{argument} = {variable!r} names no state variable of the service")
    command = table.strings("command")
    call = table.text("call")
    timeout = _timeout(table, bool(command))
    if command and call:
        raise table.error("call", "an action runs a command or calls a function, not both")
    if "command" in _present(table) and not command:
        raise table.error("command", "must name the program to run")
    for index, item in enumerate(command):
        name = placeholder(item)
        if name is not None and name not in inputs:
            raise table.error("command", f"{item!r}: {action.name} has no in-argument {name!r}", index)
        if "\0" in item or (index == 0 and not item.strip()):
            raise table.error("command", "must be a program and its arguments, without NUL characters", index)
    if call is not None and not _CALLABLE.fullmatch(call):
        raise table.error("call", f"{call!r} is not a function named as package.module:function")
    if not (sets or returns or command or call):
        return None
    return ActionBinding(action.name, sets, returns, command, timeout, call, where)


def _present(table: Table[_R]) -> list[str]:
    return table.keys()


def _timeout(table: Table[_R], hasCommand: bool) -> float:
    if "timeout" not in _present(table):
        return DEFAULT_TIMEOUT
    if not hasCommand:
        raise table.error("timeout", "only a command has a timeout")
    value = table.number("timeout")
    if not 0 < value <= MAX_TIMEOUT:
        raise table.error("timeout", f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, not {describe(value)}")
    return value
