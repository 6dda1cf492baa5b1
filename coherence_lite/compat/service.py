# -*- test-case-name: tests.compat.test_backend -*-
"""
Coherence's C{ServiceServer}: a hosted service whose actions a Coherence
backend answers with C{upnp_<Action>(**kwargs)} methods.

    from coherence.upnp.core.service import ServiceServer        # Coherence
    from coherence_lite.compat.service import ServiceServer      # here

It is a L{ServiceBackend}: the state variables and actions are declared
with L{stateVariable} and L{action} (the SCPD, SOAP control and GENA
eventing are the host's), and each action method hands its call to the
backend with L{ServiceServer.backendCall}.  The backend sets variables with
C{set_variable(0, name, value)}; each change of a variable goes out as
C{Coherence.UPnP.StateVariable.changed} and
C{Coherence.UPnP.StateVariable.<name>.changed} with C{variable=}.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.logger import Logger

from coherence_lite.backend.declare import ServiceBackend
from coherence_lite.backend.state import coerceValue
from coherence_lite.errors import UPnPError
from coherence_lite.model.device import Action, StateVariable
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import DataTypeError, Value
from coherence_lite._reactor import defaultReactor
from coherence_lite.compat.signals import STATE_VARIABLE_CHANGED, SignalSender, stateVariableChanged

__all__ = ["Variable", "ServiceServer", "fitValue", "coherenceArguments"]

log = Logger()


class Variable:
    """
    What Coherence code gets for a state variable: its C{name}, current
    C{value} and the C{service} it belongs to.
    """

    def __init__(self, name: str, value: object, service: object) -> None:
        self.name = name
        self.value = value
        self.service = service

    def __repr__(self) -> str:
        return f"Variable({self.name!r}, {self.value!r})"


def fitValue(variable: StateVariable, value: object) -> Value:
    """
    A value Coherence code gave for C{variable}, in its Python form:
    Coherence backends set booleans with C{0}/C{1} and numbers as text.

    @raise DataTypeError: it fits in no way.
    """
    try:
        return coerceValue(variable, value)
    except DataTypeError:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return coerceValue(variable, str(int(value)) if variable.dataType == "boolean" else str(value))
        raise


def coherenceArguments(method: Callable[..., object], arguments: dict[str, str]) -> dict[str, str]:
    """
    The keyword arguments to call a Coherence C{upnp_<Action>} method with.

    Coherence's own service descriptions capitalised argument names
    (C{NewTargetValue}) where the UPnP standards do not (C{newTargetValue}),
    and backends read the Coherence spelling: a method taking C{**kwargs}
    gets both; one with named parameters gets each argument under the
    parameter name it matches, ignoring case.
    """
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return dict(arguments)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        both = dict(arguments)
        for name, value in arguments.items():
            both.setdefault(name[:1].upper() + name[1:], value)
        return both
    byLower = {name.lower(): value for name, value in arguments.items()}
    return {p.name: byLower[p.name.lower()] for p in parameters if p.name.lower() in byLower}


class ServiceServer(ServiceBackend):
    """
    A hosted service answered by a Coherence backend.

    Subclasses declare the service (see L{SwitchPowerServer
    <coherence_lite.compat.switch_power_server.SwitchPowerServer>}) and
    make each action method return L{backendCall}.

    @ivar device_server: the hosted device (Coherence's name).
    @ivar backend: the Coherence backend, or L{None}.
    """

    def __init__(self, device: Any, backend: Any = None) -> None:
        """
        @param device: the hosted device this service belongs to.
        @param backend: answers the actions (C{upnp_<Action>}).
        """
        super().__init__()
        self.device_server = device
        self.backend = backend
        self._signals = SignalSender(getattr(device, "reactor", None) or defaultReactor())
        self.state.addObserver(self._changed, allVariables=True)

    def _changed(self, changes: dict[str, object]) -> None:
        for name, value in changes.items():
            variable = Variable(name, value, self)
            self._signals.send(STATE_VARIABLE_CHANGED, variable=variable)
            self._signals.send(stateVariableChanged(name), variable=variable)

    def backendCall(self, actionName: str, **arguments: object) -> "Deferred[object] | None":
        """
        Hand an action to the backend's C{upnp_<actionName>} (this
        service's own, if it has one), with the in-arguments as text as
        Coherence gave them.

        @return: what the method returns (a dict of out-arguments, spelt as
            the method likes, or a L{Deferred} of one); L{None} for a getter
            neither has, which then answers from the state variables.
        @raise UPnPError: 602 when nobody implements an action that is not
            a getter.
        """
        action = self.runtime.action(actionName)
        assert action is not None, actionName
        method = getattr(self, f"upnp_{actionName}", None) or getattr(self.backend, f"upnp_{actionName}", None)
        if method is None:
            if self.runtime.isGetter(action):
                return None
            raise UPnPError(602)
        texts = {name: self._text(action, name, value) for name, value in arguments.items()}
        result: Deferred[object] = maybeDeferred(method, **coherenceArguments(method, texts))
        return result.addCallback(self._outArguments, action)

    def _text(self, action: Action, name: str, value: object) -> str:
        argument = next(a for a in action.arguments if a.name == name)
        return encodeValue(self.state.variable(argument.relatedStateVariable).dataType, value)

    def _outArguments(self, returned: object, action: Action) -> object:
        if not isinstance(returned, dict):
            return returned
        outs = {a.name.lower(): a for a in action.arguments if a.direction == "out"}
        fitted: dict[str, object] = {}
        for name, value in returned.items():
            argument = outs.get(str(name).lower())
            if argument is None:
                log.warn("{action}: out-argument {name!r} ignored", action=action.name, name=name)
                continue
            fitted[argument.name] = fitValue(self.state.variable(argument.relatedStateVariable), value)
        return fitted

    def set_variable(self, instance: int, variable_name: str, value: object, default: bool = False) -> None:
        """
        Coherence's C{set_variable}: give a state variable a new value
        (evented to subscribers when it changed).  A name the service lacks
        or a value that does not fit is logged and ignored.

        @param instance: Coherence's instance number (always 0 here).
        @param default: ignored (Coherence's AV services used it).
        """
        try:
            variable = self.state.variable(variable_name)
            self.state.set(variable_name, fitValue(variable, value))
        except KeyError:
            log.warn("{serviceId} has no variable {name!r}", serviceId=self.serviceId, name=variable_name)
        except DataTypeError as e:
            log.warn(
                "{serviceId}: {value!r} does not fit {name}: {error}",
                serviceId=self.serviceId,
                value=value,
                name=variable_name,
                error=e,
            )

    def get_variable(self, variable_name: str, instance: int = 0) -> Variable | None:
        """
        Coherence's C{get_variable}: the variable's current value, or
        L{None} when the service has no such variable.
        """
        try:
            return Variable(variable_name, self.state.get(variable_name), self)
        except KeyError:
            return None

    def get_id(self) -> str:
        """
        The service id (Coherence's name).
        """
        return self.serviceId

    def get_type(self) -> str:
        """
        The service type (Coherence's name).
        """
        return self.serviceType
