# -*- test-case-name: tests.backend.test_state -*-
"""
The current values of a service's state variables.

A L{ServiceState} holds one Python value (see L{coherence_lite.model.types})
per state variable of a L{Service}, checks every new value against the
variable's data type and allowed values, and tells its observers which
I{evented} variables (C{sendEvents}) changed, so the eventing side can send
them.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from twisted.logger import Logger

from coherence_lite.model.device import Service, StateVariable
from coherence_lite.model.codecs import checkAllowed, decodeArgument, decodeValue, encodeValue
from coherence_lite.model.types import TYPES, DataTypeError, Value

__all__ = ["Observer", "ServiceState", "initialValue", "coerceValue"]

log = Logger()

#: Called with C{{name: new value}} of the evented variables that changed.
Observer = Callable[[dict[str, object]], object]


def initialValue(variable: StateVariable) -> Value:
    """
    The value a variable starts with: its decoded C{defaultValue}; without
    a usable one, its first allowed value, the minimum of its allowed range,
    or the zero of its type (0, 0.0, C{""}, C{False}, ...).
    """
    candidates = [variable.defaultValue]
    if variable.allowedValues:
        candidates.append(variable.allowedValues[0])
    if variable.allowedValueRange is not None:
        candidates.append(variable.allowedValueRange.minimum)
    for text in candidates:
        if text is None:
            continue
        try:
            return decodeArgument(variable, text)
        except DataTypeError:
            continue
    return TYPES[variable.dataType].zero


def coerceValue(variable: StateVariable, value: object) -> Value:
    """
    Check C{value} as a value of C{variable} and return it in its canonical
    Python form.

    A L{str} given for a variable that is not text (a boolean, a number...)
    is read as the value's lexical form (C{"1"} for L{True}); any other
    value must already be of the Python type of the data type.

    @raise DataTypeError: the value is not of the type (600), or outside
        the type's or the variable's range or list (600/601).
    """
    textual = TYPES[variable.dataType].pythonType is str
    if isinstance(value, str) and not textual:
        decoded = decodeValue(variable.dataType, value)
    else:
        decoded = decodeValue(variable.dataType, encodeValue(variable.dataType, value))
    checkAllowed(variable, decoded)
    return decoded


class ServiceState:
    """
    The current values of one service's state variables.

    @ivar service: the model service whose variables these are.
    @ivar changes: how many L{update}s changed a value so far (a caller
        compares two readings to learn whether anything changed between
        them).
    """

    def __init__(self, service: Service, values: Mapping[str, object] | None = None) -> None:
        """
        @param service: the service.
        @param values: starting values by variable name (Python values, or
            the lexical form for variables that are not text); the others
            start with L{initialValue}.
        @raise DataTypeError: a starting value does not fit its variable.
        @raise KeyError: a starting value names no variable of the service.
        """
        self.service = service
        self._variables = {variable.name: variable for variable in service.stateVariables}
        self._values: dict[str, Value] = {
            variable.name: initialValue(variable) for variable in service.stateVariables
        }
        self._observers: list[Observer] = []
        self._allObservers: list[Observer] = []
        self.changes = 0
        if values:
            self._values.update(self._checked(values))

    def variable(self, name: str) -> StateVariable:
        """
        The model state variable called C{name}.

        @raise KeyError: the service has no such variable.
        """
        try:
            return self._variables[name]
        except KeyError:
            raise KeyError(f"{self.service.serviceId} has no state variable {name!r}") from None

    def names(self) -> Iterable[str]:
        """
        The variables' names, in the service's order.
        """
        return list(self._values)

    def get(self, name: str) -> Value:
        """
        The current value of the variable called C{name}.

        @raise KeyError: the service has no such variable.
        """
        self.variable(name)
        return self._values[name]

    def encoded(self, name: str) -> str:
        """
        The current value of C{name} in its lexical form, as sent.
        """
        return encodeValue(self.variable(name).dataType, self.get(name))

    def values(self) -> dict[str, Value]:
        """
        Every variable's current value, by name.
        """
        return dict(self._values)

    def evented(self) -> dict[str, Value]:
        """
        The current value of every evented (C{sendEvents}) variable, by name:
        the content of an initial event.
        """
        return {name: self._values[name] for name, variable in self._variables.items() if variable.sendEvents}

    def set(self, name: str, value: object) -> None:
        """
        Give the variable C{name} a new value; observers hear of it when the
        variable is evented and the value changed.

        @raise DataTypeError: the value does not fit (see L{coerceValue}).
        @raise KeyError: the service has no such variable.
        """
        self.update({name: value})

    def update(self, values: Mapping[str, object]) -> None:
        """
        Give several variables new values at once: all of them are checked
        before any is stored, and observers hear of the evented changes in
        one call.

        @raise DataTypeError: a value does not fit; nothing is stored.
        @raise KeyError: a name is not a variable; nothing is stored.
        """
        checked = self._checked(values)
        changed: dict[str, object] = {}
        for name, value in checked.items():
            old = self._values[name]
            if type(old) is type(value) and old == value:
                continue
            self._values[name] = value
            changed[name] = value
        if changed:
            self.changes += 1
        evented = {name: value for name, value in changed.items() if self._variables[name].sendEvents}
        if evented:
            self._notify(self._observers, evented)
        if changed:
            self._notify(self._allObservers, changed)

    def _checked(self, values: Mapping[str, object]) -> dict[str, Value]:
        return {name: coerceValue(self.variable(name), value) for name, value in values.items()}

    def _notify(self, observers: list[Observer], changed: dict[str, object]) -> None:
        for observer in list(observers):
            try:
                observer(dict(changed))
            except Exception:
                log.failure(
                    "A state observer of {serviceId} failed on {names}",
                    serviceId=self.service.serviceId,
                    names=sorted(changed),
                )

    def addObserver(self, observer: Observer, *, allVariables: bool = False) -> None:
        """
        Call C{observer} with C{{name: new value}} each time evented
        variables change (once per L{set} or L{update}).

        @param allVariables: hear of changes of every variable, evented or
            not (to store them, for example).
        """
        (self._allObservers if allVariables else self._observers).append(observer)

    def removeObserver(self, observer: Observer) -> None:
        """
        Stop calling C{observer}; unknown observers are ignored.
        """
        for observers in (self._observers, self._allObservers):
            if observer in observers:
                observers.remove(observer)
