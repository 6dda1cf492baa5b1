# -*- test-case-name: tests.controlpoint.test_scpd -*-
"""
Reading service descriptions (SCPDs) fetched from other devices.

Pure: bytes go in, an L{SCPD} or an L{SCPDError} comes out;
L{parseSCPD} never raises.  The actions and state variables are the
device model's own L{Action}, L{Argument} and L{StateVariable}, so a
control point encodes and checks arguments with the very rules the host
applies (L{coherence_lite.model.types}).

The document is read defensively (at most L{MAX_SCPD_SIZE} bytes, parsed
by L{coherence_lite.model.xmlparse}, at most L{MAX_ACTIONS} actions,
L{MAX_VARIABLES} state variables and L{MAX_ALLOWED_VALUES} allowed values
each) and leniently: elements are matched by local name in the document
element's namespace, the SCPD namespace or none; an action or a variable
the device model refuses (a bad name, an unknown data type, an argument
naming no variable) is left out and the reason kept in
L{SCPD.problems}, for the conformance checker to report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from coherence_lite.control.message import MAX_ARGUMENTS
from coherence_lite.controlpoint.xmlread import ElementReader, Invalid, configIdOf
from coherence_lite.model.description import SERVICE_NAMESPACE
from coherence_lite.model.device import (
    Action,
    AllowedValueRange,
    Argument,
    DeviceError,
    StateVariable,
)
from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = [
    "MAX_SCPD_SIZE",
    "MAX_ACTIONS",
    "MAX_VARIABLES",
    "MAX_ALLOWED_VALUES",
    "SCPD",
    "SCPDError",
    "parseSCPD",
]

#: The largest SCPD read, in bytes.
MAX_SCPD_SIZE = 256 * 1024

#: The most actions one SCPD may list.
MAX_ACTIONS = 256

#: The most state variables one SCPD may list.
MAX_VARIABLES = 512

#: The most allowed values one state variable may list.
MAX_ALLOWED_VALUES = 256

#: The most problems kept (the rest are counted in the last one).
MAX_PROBLEMS = 32

_SPEC_NUMBER = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True)
class SCPDError:
    """
    A service description that cannot be used at all.

    @ivar reason: why, in words fit for a log line.
    """

    reason: str


@dataclass(frozen=True)
class SCPD:
    """
    What a service description says.

    @ivar namespace: the document element's namespace (L{None} for none).
    @ivar specVersion: C{(major, minor)}, or L{None} when missing or not
        numbers.
    @ivar configId: the C{configId} attribute, or L{None}.
    @ivar actions: the usable actions, in document order.
    @ivar stateVariables: the usable state variables, in document order.
    @ivar problems: what was left out, and why.
    """

    namespace: str | None
    specVersion: tuple[int, int] | None
    configId: int | None
    actions: tuple[Action, ...]
    stateVariables: tuple[StateVariable, ...]
    problems: tuple[str, ...] = ()

    def action(self, name: str) -> Action | None:
        """
        The action called C{name}, or L{None}.
        """
        for action in self.actions:
            if action.name == name:
                return action
        return None

    def variable(self, name: str) -> StateVariable | None:
        """
        The state variable called C{name}, or L{None}.
        """
        for variable in self.stateVariables:
            if variable.name == name:
                return variable
        return None

    def evented(self) -> tuple[StateVariable, ...]:
        """
        The variables whose changes are sent as events (C{sendEvents}).
        """
        return tuple(variable for variable in self.stateVariables if variable.sendEvents)


def parseSCPD(data: bytes, maxSize: int = MAX_SCPD_SIZE) -> SCPD | SCPDError:
    """
    Read a service description.

    @param data: the document as received.
    @param maxSize: the largest document accepted, in bytes.
    @return: what it says, or why it cannot be used (not XML, refused XML,
        not an C{<scpd>}, too many actions or variables).
    """
    document = parseXML(bytes(data), maxSize, lenient=True)
    if isinstance(document, XMLError):
        return SCPDError(document.reason)
    try:
        return _Reader(document).scpd()
    except Invalid as invalid:
        return SCPDError(invalid.reason)


class _Reader(ElementReader):
    """
    Walks one parsed SCPD.
    """

    def __init__(self, document: ET.Element) -> None:
        super().__init__(document, SERVICE_NAMESPACE)
        self._problems: list[str] = []

    def _problem(self, text: str) -> None:
        if len(self._problems) < MAX_PROBLEMS:
            self._problems.append(text)
        elif len(self._problems) == MAX_PROBLEMS:
            self._problems.append("more problems left out")

    def scpd(self) -> SCPD:
        if self._local != "scpd":
            raise Invalid(f"the document element is <{self._local[:40]}>, not <scpd>")
        variables = self._variables()
        names = {variable.name for variable in variables}
        return SCPD(
            namespace=self._namespace,
            specVersion=self._specVersion(_SPEC_NUMBER),
            configId=configIdOf(self._document.get("configId")),
            actions=self._actions(names),
            stateVariables=variables,
            problems=tuple(self._problems),
        )

    def _variables(self) -> tuple[StateVariable, ...]:
        table = self._child(self._document, "serviceStateTable")
        elements = [] if table is None else self._children(table, "stateVariable")
        if len(elements) > MAX_VARIABLES:
            raise Invalid(f"more than {MAX_VARIABLES} state variables")
        variables: list[StateVariable] = []
        seen: set[str] = set()
        for index, element in enumerate(elements):
            try:
                variable = self._variable(element)
            except DeviceError as e:
                self._problem(f"stateVariable {self._text(element, 'name') or index!s:.40}: {e}")
                continue
            if variable.name in seen:
                self._problem(f"stateVariable {variable.name} is listed twice")
                continue
            seen.add(variable.name)
            variables.append(variable)
        return tuple(variables)

    def _variable(self, element: ET.Element) -> StateVariable:
        allowedValues: tuple[str, ...] = ()
        valueList = self._child(element, "allowedValueList")
        if valueList is not None:
            values = self._children(valueList, "allowedValue")
            if len(values) > MAX_ALLOWED_VALUES:
                raise DeviceError("allowedValueList", f"more than {MAX_ALLOWED_VALUES} allowed values")
            allowedValues = tuple((value.text or "").strip() for value in values)
        allowedRange = None
        rangeElement = self._child(element, "allowedValueRange")
        if rangeElement is not None:
            allowedRange = AllowedValueRange(
                minimum=self._text(rangeElement, "minimum") or "",
                maximum=self._text(rangeElement, "maximum") or "",
                step=self._text(rangeElement, "step"),
            )
        defaultValue = self._child(element, "defaultValue")
        return StateVariable(
            name=self._text(element, "name") or "",
            dataType=self._text(element, "dataType") or "",
            # UDA: sendEvents defaults to "yes" when the attribute is absent.
            sendEvents=(element.get("sendEvents") or "yes").strip().lower() != "no",
            multicast=(element.get("multicast") or "no").strip().lower() == "yes",
            defaultValue=None if defaultValue is None else (defaultValue.text or ""),
            allowedValues=allowedValues,
            allowedValueRange=allowedRange,
        )

    def _actions(self, variables: set[str]) -> tuple[Action, ...]:
        actionList = self._child(self._document, "actionList")
        elements = [] if actionList is None else self._children(actionList, "action")
        if len(elements) > MAX_ACTIONS:
            raise Invalid(f"more than {MAX_ACTIONS} actions")
        actions: list[Action] = []
        seen: set[str] = set()
        for index, element in enumerate(elements):
            label = f"action {self._text(element, 'name') or index!s:.40}"
            try:
                action = self._action(element)
            except DeviceError as e:
                self._problem(f"{label}: {e}")
                continue
            unknown = [a.relatedStateVariable for a in action.arguments if a.relatedStateVariable not in variables]
            if unknown:
                self._problem(f"{label}: relatedStateVariable {unknown[0]!r} is not in the serviceStateTable")
                continue
            if action.name in seen:
                self._problem(f"{label} is listed twice")
                continue
            seen.add(action.name)
            actions.append(action)
        return tuple(actions)

    def _action(self, element: ET.Element) -> Action:
        argumentList = self._child(element, "argumentList")
        arguments = [] if argumentList is None else self._children(argumentList, "argument")
        if len(arguments) > MAX_ARGUMENTS:
            raise DeviceError("argumentList", f"more than {MAX_ARGUMENTS} arguments")
        return Action(
            name=self._text(element, "name") or "",
            arguments=tuple(
                Argument(
                    name=self._text(argument, "name") or "",
                    direction=(self._text(argument, "direction") or "").lower(),
                    relatedStateVariable=self._text(argument, "relatedStateVariable") or "",
                )
                for argument in arguments
            ),
        )
