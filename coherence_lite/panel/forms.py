# -*- test-case-name: tests.panel.test_pages -*-
"""
The parts of a presentation page that show and operate a service: each
state variable's value, a form per action with inputs typed from the SCPD,
and the outcome of an action invoked from the page.

Inputs follow the related state variable of each in-argument: a select for
a variable with allowed values, a checkbox for a boolean (with a hidden
C{0} before it, so an unchecked box still sends the argument), a number
field with the type's or the allowed range's bounds for numbers, a text
field otherwise.  Each starts at the variable's current value.  Every text
that came from a description or a value is escaped here; element ids are
built from positions only, never from names.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Mapping

from coherence_lite.model.device import Action, Service, StateVariable
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import TYPES, Value

__all__ = [
    "ACTION_FIELD",
    "ARGUMENT_PREFIX",
    "MAX_SHOWN",
    "SERVICE_FIELD",
    "Outcome",
    "actionForm",
    "displayValue",
    "outcomeFragment",
    "stateTable",
    "valueId",
]

#: The form field naming the service (its short id).
SERVICE_FIELD = "upnp-service"
#: The form field naming the action.
ACTION_FIELD = "upnp-action"
#: The prefix of the form field of each in-argument.
ARGUMENT_PREFIX = "in."
#: The most characters of a value a page shows (longer ones are cut, with …).
MAX_SHOWN = 512

@dataclass(frozen=True)
class Outcome:
    """
    What an action invoked from a page answered.

    @ivar service: the service's short id.
    @ivar action: the action's name.
    @ivar values: each out-argument's name and shown value, on success.
    @ivar errorCode: the UPnP error code on failure, else L{None}.
    @ivar errorDescription: the UPnP error's description on failure.
    """

    service: str
    action: str
    values: tuple[tuple[str, str], ...] = ()
    errorCode: int | None = None
    errorDescription: str = ""


def valueId(serviceIndex: int, variableIndex: int) -> str:
    """
    The id of the element showing a variable's value, by positions.
    """
    return f"v-{serviceIndex}-{variableIndex}"


def displayValue(variable: StateVariable, value: Value) -> str:
    """
    A value as a page shows it: its lexical form (C{true}/C{false} for a
    boolean), cut to L{MAX_SHOWN} characters.
    """
    if variable.dataType == "boolean":
        return "true" if value else "false"
    text = encodeValue(variable.dataType, value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "\u2026"


def _typeHint(variable: StateVariable) -> str:
    hint = variable.dataType
    bounds = variable.allowedValueRange
    if bounds is not None:
        hint += f", {bounds.minimum} to {bounds.maximum}"
        if bounds.step is not None:
            hint += f", step {bounds.step}"
    elif TYPES[variable.dataType].formHint is not None:
        hint += f", {TYPES[variable.dataType].formHint}"
    return hint


def stateTable(service: Service, serviceIndex: int, values: Mapping[str, Value]) -> str:
    """
    The table of a service's state variables with their values now.

    @param values: each variable's current value, by name.
    """
    rows = []
    for index, variable in enumerate(service.stateVariables):
        tag = ' <span class="tag">evented</span>' if variable.sendEvents else ""
        shown = displayValue(variable, values[variable.name]) if variable.name in values else ""
        rows.append(
            f'<tr><th scope="row">{escape(variable.name)}{tag}</th>'
            f'<td><span class="value" id="{valueId(serviceIndex, index)}">{escape(shown)}</span></td>'
            f'<td class="type">{escape(variable.dataType)}</td></tr>\n'
        )
    return (
        '<table class="state">\n<thead><tr><th scope="col">Variable</th><th scope="col">Value</th>'
        '<th scope="col">Type</th></tr></thead>\n<tbody aria-live="polite">\n' + "".join(rows) + "</tbody>\n</table>\n"
    )


def _numberBounds(variable: StateVariable) -> str:
    bounds = variable.allowedValueRange
    low: object = None
    high: object = None
    kind = TYPES[variable.dataType]
    step: object = kind.formStep
    if kind.bounds is not None:
        low, high = kind.bounds
    if bounds is not None:
        low, high = bounds.minimum, bounds.maximum
        step = bounds.step if bounds.step is not None else step
    parts = [f' step="{escape(str(step))}"']
    if low is not None:
        parts.append(f' min="{escape(str(low))}" max="{escape(str(high))}"')
    return "".join(parts)


def _input(variable: StateVariable, value: Value | None, name: str, inputId: str) -> str:
    attributes = f'id="{inputId}" name="{escape(name)}"'
    if variable.allowedValues:
        current = None if value is None else encodeValue(variable.dataType, value)
        options = "".join(
            f'<option{" selected" if allowed == current else ""}>{escape(allowed)}</option>'
            for allowed in variable.allowedValues
        )
        return f"<select {attributes}>{options}</select>"
    kind = TYPES[variable.dataType]
    if kind.formInput == "checkbox":
        checked = " checked" if value else ""
        return f'<input type="hidden" name="{escape(name)}" value="0"><input type="checkbox" {attributes} value="1"{checked}>'
    text = "" if value is None else encodeValue(variable.dataType, value)
    if len(text) > MAX_SHOWN:
        text = ""
    if kind.formInput == "number":
        return f'<input type="number" {attributes}{_numberBounds(variable)} value="{escape(text)}">'
    extra = f' maxlength="{kind.maxLength}"' if kind.maxLength is not None else ""
    if kind.formHint is not None:
        extra += f' placeholder="{kind.formHint}"'
    return f'<input type="text" {attributes}{extra} value="{escape(text)}" autocomplete="off">'


def actionForm(
    service: Service,
    action: Action,
    prefix: str,
    target: str,
    values: Mapping[str, Value],
    outcome: Outcome | None = None,
) -> str:
    """
    The form invoking one action: a labelled input per in-argument, a
    button, and the place where its outcome is shown.

    @param prefix: unique among the page's forms (positions), for element
        ids.
    @param target: the path the form is posted to (the page's own).
    @param values: the service's current values, by variable name: each
        input starts at its related variable's value.
    @param outcome: what this action answered, to show in place.
    """
    variables = {variable.name: variable for variable in service.stateVariables}
    fields = []
    for index, argument in enumerate(action.arguments):
        if argument.direction != "in":
            continue
        variable = variables[argument.relatedStateVariable]
        inputId = f"{prefix}-{index}"
        control = _input(variable, values.get(variable.name), ARGUMENT_PREFIX + argument.name, inputId)
        fields.append(
            f'<div class="field"><label for="{inputId}">{escape(argument.name)}</label>{control}'
            f'<span class="hint">{escape(_typeHint(variable))}</span></div>\n'
        )
    shown = outcomeFragment(outcome) if outcome is not None else ""
    kind = "action" if fields else "action plain"
    legendClass = "" if fields else ' class="sr"'
    return (
        f'<form class="{kind}" method="post" action="{escape(target)}">\n'
        f'<input type="hidden" name="{SERVICE_FIELD}" value="{escape(service.shortId)}">'
        f'<input type="hidden" name="{ACTION_FIELD}" value="{escape(action.name)}">\n'
        f"<fieldset><legend{legendClass}>{escape(action.name)}</legend>\n" + "".join(fields) + f'<button type="submit">{escape(action.name)}</button>\n'
        f'<output class="result" id="{prefix}-out" aria-live="polite">{shown}</output>\n'
        "</fieldset>\n</form>\n"
    )


def outcomeFragment(outcome: Outcome) -> str:
    """
    An outcome as escaped HTML: the out-arguments, or the UPnP error.
    """
    if outcome.errorCode is not None:
        return (
            f'<span class="error">UPnP error {outcome.errorCode}: {escape(outcome.errorDescription)}</span>'
        )
    if not outcome.values:
        return '<span class="ok">Done.</span>'
    pairs = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in outcome.values)
    return f'<span class="ok">Done:</span><dl>{pairs}</dl>'
