# -*- test-case-name: tests.model.test_arguments -*-
"""
The in-arguments of an action call, checked against the service's state
variables: the one rule the host answers a call with and the control point
checks a call with before sending it, so both give the same UPnP error code.

  - a missing or unknown in-argument: 402 (Invalid Args), its description
    naming it, with "did you mean" for a name that differs only in case or
    by a slip;
  - a text that is not a value of the related variable's data type: 402;
    one out of the data type's own range: 601;
  - a value the variable's allowedValueRange refuses: 601; one not in its
    allowedValueList: 600.

Pure: no reactor, no sockets.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from coherence_lite.errors import UPnPError
from coherence_lite.model.device import Action, StateVariable
from coherence_lite.model.codecs import checkAllowed, decodeValue
from coherence_lite.model.types import DataTypeError, Value

__all__ = ["checkArguments", "closestName"]

#: The longest errorDescription a UPnPError takes.
_MAX_DESCRIPTION = 256


def closestName(name: str, candidates: Sequence[str]) -> str | None:
    """
    The candidate C{name} was most likely meant to be: the one that differs
    only in case, else a close spelling; L{None} when none is close.
    """
    for candidate in candidates:
        if candidate.lower() == name.lower():
            return candidate
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.8)
    return close[0] if close else None


def _error(code: int, description: str) -> UPnPError:
    printable = "".join(character if character.isprintable() else "?" for character in description)
    return UPnPError(code, printable[:_MAX_DESCRIPTION])


def checkArguments(action: Action, variables: Mapping[str, StateVariable], sent: Mapping[str, str]) -> dict[str, Value]:
    """
    Decode the in-arguments of a call of C{action}, in the action's order,
    and check each against its related state variable.

    @param variables: the service's state variables by name (every related
        variable of C{action} among them).
    @param sent: the text of each argument, by name.
    @return: the Python value of each in-argument, by name.
    @raise UPnPError: see the module's docstring; the description says
        what is wrong.
    """
    inputs = [argument for argument in action.arguments if argument.direction == "in"]
    names = [argument.name for argument in inputs]
    for name in sent:
        if name not in names:
            hint = closestName(name, [each for each in names if each not in sent])
            suggestion = f"; did you mean {hint}?" if hint is not None else ""
            raise _error(402, f"{action.name} has no in-argument {name!r:.80}{suggestion}")
    for name in names:
        if name not in sent:
            raise _error(402, f"{action.name} needs the in-argument {name!r}")
    values: dict[str, Value] = {}
    for argument in inputs:
        variable = variables[argument.relatedStateVariable]
        try:
            value = decodeValue(variable.dataType, sent[argument.name])
        except DataTypeError as e:
            raise _error(402 if e.code == 600 else e.code, f"{argument.name}: {e.reason}") from None
        try:
            checkAllowed(variable, value)
        except DataTypeError as e:
            raise _error(e.code, f"{argument.name}: {e.reason}") from None
        values[argument.name] = value
    return values
