# -*- test-case-name: tests.backend.test_declare -*-
"""
Writing a UPnP service as a Python class.

State variables are declared once, as class attributes made with
L{stateVariable}; actions are methods decorated with L{action}, whose
arguments name the state variables they relate to.  The service description
(SCPD), and so the CONFIGID, is derived from the class; nothing is spelled
twice::

    class SwitchPower(ServiceBackend):
        serviceType = "urn:schemas-upnp-org:service:SwitchPower:1"
        serviceId = "urn:upnp-org:serviceId:SwitchPower"
        Target = stateVariable("boolean", default=False, sendEvents=False)
        Status = stateVariable("boolean", default=False)

        @action(inputs={"newTargetValue": "Target"})
        def SetTarget(self, newTargetValue: bool) -> None:
            self.Target = newTargetValue
            self.Status = newTargetValue

        @action(outputs={"ResultStatus": "Status"})
        def GetStatus(self) -> dict[str, object]:
            return {"ResultStatus": self.Status}

An instance's C{service} goes into a L{Device}; reading an attribute gives
the variable's current value, assigning one checks it, stores it and
events it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, ClassVar, Mapping, Sequence, TypeVar, overload

from coherence_lite.backend.runtime import Handler, SentArguments, ServiceRuntime
from coherence_lite.backend.state import ServiceState
from coherence_lite.model.device import Action, AllowedValueRange, Argument, Service, StateVariable
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import Value

__all__ = ["ServiceBackend", "StateVariableDeclaration", "action", "stateVariable"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: An allowed range as numbers: (minimum, maximum) or (minimum, maximum, step).
Range = Sequence[int | float | Decimal]


@dataclass
class StateVariableDeclaration:
    """
    A state variable declared on a L{ServiceBackend} class; made by
    L{stateVariable}.  On an instance it reads and writes the variable's
    current value.
    """

    dataType: str
    default: object = None
    sendEvents: bool = True
    allowedValues: tuple[str, ...] = ()
    allowedRange: Range | None = None
    maximumRate: float | None = None
    minimumDelta: float | None = None
    name: str = ""

    def __set_name__(self, owner: type, name: str) -> None:
        if not self.name:
            self.name = name

    def model(self) -> StateVariable:
        """
        The model state variable this declares.

        @raise DeviceError: or L{DataTypeError} when the declaration breaks
            a UPnP rule (a default of the wrong type, an unknown dataType).
        """
        allowedRange = None
        if self.allowedRange is not None:
            bounds = [encodeValue(self.dataType, value) for value in self.allowedRange]
            allowedRange = AllowedValueRange(*bounds)
        return StateVariable(
            self.name,
            self.dataType,
            sendEvents=self.sendEvents,
            defaultValue=None if self.default is None else encodeValue(self.dataType, self.default),
            allowedValues=tuple(self.allowedValues),
            allowedValueRange=allowedRange,
            maximumRate=self.maximumRate,
            minimumDelta=self.minimumDelta,
        )

    @overload
    def __get__(self, instance: None, owner: type) -> "StateVariableDeclaration": ...

    @overload
    def __get__(self, instance: "ServiceBackend", owner: type) -> Any: ...

    def __get__(self, instance: "ServiceBackend | None", owner: type) -> Any:
        if instance is None:
            return self
        return instance.state.get(self.name)

    def __set__(self, instance: "ServiceBackend", value: object) -> None:
        instance.state.set(self.name, value)


def stateVariable(
    dataType: str,
    default: object = None,
    *,
    sendEvents: bool = True,
    allowedValues: Sequence[str] = (),
    allowedRange: Range | None = None,
    maximumRate: float | None = None,
    minimumDelta: float | None = None,
    name: str | None = None,
) -> Any:
    """
    Declare a state variable as a class attribute of a L{ServiceBackend}.

    @param dataType: its UPnP data type (C{"boolean"}, C{"ui4"},
        C{"string"}...).
    @param default: its starting value as a Python value (also the SCPD's
        C{defaultValue}); L{None} for none (it then starts at its type's
        zero).
    @param sendEvents: whether changes are evented (UPnP's default, yes).
    @param allowedValues: for a string, the values it may take.
    @param allowedRange: for a number, C{(minimum, maximum)} or
        C{(minimum, maximum, step)}.
    @param maximumRate: event moderation: at most one event per this many
        seconds.
    @param minimumDelta: event moderation of a number: the smallest change
        worth an event.
    @param name: the variable's name when it cannot be the attribute's
        (C{A_ARG_TYPE_...} names are fine as attributes).
    """
    return StateVariableDeclaration(
        dataType, default, sendEvents, tuple(allowedValues), allowedRange, maximumRate, minimumDelta, name or ""
    )


@dataclass(frozen=True)
class _ActionDeclaration:
    name: str | None
    inputs: tuple[tuple[str, str], ...]
    outputs: tuple[tuple[str, str], ...]


def action(
    inputs: Mapping[str, str] | None = None,
    outputs: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
) -> Callable[[_F], _F]:
    """
    Declare a method of a L{ServiceBackend} as an action.

    The method is called with the in-arguments, decoded and checked against
    their related state variables, as keywords.  It returns a dict of
    out-arguments by name, L{None}, or a L{Deferred} of either (or is an
    C{async def} method); an
    out-argument it leaves out is its related state variable's current
    value.  Raise L{UPnPError} to fail with a UPnP error code; any other
    exception answers 501 and is logged.

    @param inputs: each in-argument's name and its related state variable's
        name, in the order the SCPD lists them.
    @param outputs: the same for the out-arguments.
    @param name: the action's name when it is not the method's.
    """
    declaration = _ActionDeclaration(name, tuple((inputs or {}).items()), tuple((outputs or {}).items()))

    def decorate(method: _F) -> _F:
        method.__dict__["_upnpAction"] = declaration
        return method

    return decorate


class ServiceBackend:
    """
    Base class of a service written in Python: subclass it, set
    C{serviceType} and C{serviceId}, declare state variables with
    L{stateVariable} and actions with L{action}.

    @cvar serviceType: the service type URN.
    @cvar serviceId: the service id URN.
    @ivar state: the state variables' current values; setting an attribute
        declared with L{stateVariable} is the same as C{state.set}.
    @ivar runtime: the L{ServiceRuntime} the host invokes.
    @ivar service: the model service to put in a L{Device}; pair the
        device with this backend to host it (see
        L{coherence_lite.backend.hosted.hosted}).
    """

    serviceType: ClassVar[str]
    serviceId: ClassVar[str]

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        """
        @param values: starting values by variable name, replacing the
            declared defaults (restored state, for example).
        @raise DeviceError: the class breaks a UPnP rule (see L{describe}).
        @raise DataTypeError: a starting value does not fit its variable.
        """
        model = self.describe()
        self.state = ServiceState(model, values)
        handlers: dict[str, Handler] = {}
        for attribute, declaration in _actions(type(self)):
            handlers[declaration.name or attribute] = getattr(self, attribute)
        self.runtime = ServiceRuntime(model, self.state, handlers, rename=self.meantArguments)
        self.service = model

    @classmethod
    def describe(cls) -> Service:
        """
        The model service the class declares.

        @raise DeviceError: a name, type or related state variable breaks a
            UPnP rule.
        """
        variables = [declaration.model() for declaration in _variables(cls)]
        actions = []
        for attribute, declaration in _actions(cls):
            arguments = [Argument(argument, "in", related) for argument, related in declaration.inputs]
            arguments += [Argument(argument, "out", related) for argument, related in declaration.outputs]
            actions.append(Action(declaration.name or attribute, tuple(arguments)))
        return Service(cls.serviceType, cls.serviceId, tuple(actions), tuple(variables))

    def meantArguments(self, actionName: str, sent: SentArguments) -> SentArguments:
        """
        The arguments a call means, from those it sent (see
        L{ServiceRuntime.meant}): as sent; override it for clients that
        misname an argument.
        """
        return sent

    def set(self, **values: Value) -> None:
        """
        Set several state variables at once: one event carries all the
        evented changes.
        """
        self.state.update(values)


def _variables(cls: type) -> list[StateVariableDeclaration]:
    found: dict[str, StateVariableDeclaration] = {}
    for klass in reversed(cls.__mro__):
        for attribute, value in vars(klass).items():
            if isinstance(value, StateVariableDeclaration):
                found[attribute] = value
    return list(found.values())


def _actions(cls: type) -> list[tuple[str, _ActionDeclaration]]:
    found: dict[str, _ActionDeclaration] = {}
    for klass in reversed(cls.__mro__):
        for attribute, value in vars(klass).items():
            declaration = getattr(value, "_upnpAction", None)
            if isinstance(declaration, _ActionDeclaration):
                found[attribute] = declaration
    return list(found.items())
