# -*- test-case-name: tests.compat.test_base -*-
"""
Calling and watching another device's service the Coherence way:
Coherence's C{coherence.upnp.core.action}.

    action = service.get_action('GetStatus')
    d = action.call()                      # Deferred of {'ResultStatus': '0'}
    service.subscribe_for_variable('Status', callback)

L{ServiceClient} is what a found service is bound to once its SCPD is
read: the SOAP client (L{coherence_lite.controlpoint.soap}) and the GENA
subscriber (L{coherence_lite.controlpoint.subscriber}) do the work.  As in
Coherence, out-arguments and variable values are given as their text on the
wire (C{'0'}, C{'1'}, C{'42'}), and in-arguments may be given as text or as
Python values, their names in any case (C{NewTargetValue} finds
C{newTargetValue}).
"""

from __future__ import annotations

from typing import Any, Callable

from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger

from coherence_lite.controlpoint.gena import Event, SubscribeError
from coherence_lite.controlpoint.remote import RemoteService
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.controlpoint.soap import SOAPClient
from coherence_lite.controlpoint.subscriber import Subscriber, Subscription
from coherence_lite.model.device import Action as ModelAction
from coherence_lite.model.device import Argument
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import Value
from coherence_lite.compat.signals import STATE_VARIABLE_CHANGED, SignalSender, stateVariableChanged

__all__ = ["Action", "ServiceClient", "textOf"]

log = Logger()


def textOf(value: object) -> str:
    """
    A Python value as the text Coherence code passes: booleans as C{1} and
    C{0}, anything else as C{str} gives it.
    """
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class Action:
    """
    One action of a found service (Coherence's C{Action}).

    @ivar name: the action's name.
    """

    def __init__(self, client: "ServiceClient", action: ModelAction) -> None:
        self._client = client
        self._action = action
        self.name = action.name

    def get_name(self) -> str:
        """The action's name."""
        return self.name

    def get_arguments_list(self) -> list[Argument]:
        """Every argument, in order."""
        return list(self._action.arguments)

    def get_in_arguments(self) -> list[Argument]:
        """The in-arguments, in order."""
        return [a for a in self._action.arguments if a.direction == "in"]

    def get_out_arguments(self) -> list[Argument]:
        """The out-arguments, in order."""
        return [a for a in self._action.arguments if a.direction == "out"]

    def call(self, *args: Any, **kwargs: Any) -> Deferred[dict[str, str]]:
        """
        Call the action.

        @param kwargs: the in-arguments (names in any case; values as text
            or Python values).
        @return: a L{Deferred} firing with the out-arguments by name, as
            text, or failing with L{coherence_lite.errors.UPnPError} (a
            fault, or an argument refused before sending) or
            L{coherence_lite.controlpoint.soap.SOAPError}.
        """
        names = {a.name.lower(): a.name for a in self.get_in_arguments()}
        arguments = {names.get(name.lower(), name): textOf(value) for name, value in kwargs.items()}
        return self._client.call(self._action, arguments)

    def __repr__(self) -> str:
        return f"<Action {self.name}>"


class _Variable:
    """
    A variable of a found service as Coherence passed it to callbacks:
    C{name}, C{value} (text) and C{service}.
    """

    def __init__(self, name: str, value: str, service: object) -> None:
        self.name = name
        self.value = value
        self.service = service

    def __repr__(self) -> str:
        return f"Variable({self.name!r}, {self.value!r})"


class ServiceClient:
    """
    The calls and events of one found service.

    @ivar scpd: what its description says.
    @ivar values: the last value heard of each variable, as text.
    """

    def __init__(
        self,
        service: RemoteService,
        scpd: SCPD,
        soap: SOAPClient,
        subscriber: Subscriber,
        signals: SignalSender,
    ) -> None:
        self._service = service
        self.scpd = scpd
        self._soap = soap
        self._subscriber = subscriber
        self._signals = signals
        self.values: dict[str, str] = {}
        self._callbacks: dict[str, list[Callable[[Any], object]]] = {}
        self._subscription: Subscription | None = None
        self._subscribing: Deferred[None] | None = None

    def action(self, name: str) -> Action | None:
        """
        The action called C{name}, or L{None}.
        """
        found = self.scpd.action(name)
        return Action(self, found) if found is not None else None

    def actions(self) -> dict[str, Action]:
        """
        Every action by name.
        """
        return {a.name: Action(self, a) for a in self.scpd.actions}

    def call(self, action: ModelAction, arguments: dict[str, str]) -> Deferred[dict[str, str]]:
        """
        Call an action; the out-arguments come back as text.
        """
        d = self._soap.call(self._service, self.scpd, action.name, arguments)
        return d.addCallback(self._texts, action)

    def _texts(self, values: dict[str, Value], action: ModelAction) -> dict[str, str]:
        related = {a.name: a.relatedStateVariable for a in action.arguments}
        return {name: self._text(related.get(name, ""), value) for name, value in values.items()}

    def _text(self, variableName: str, value: Value) -> str:
        variable = self.scpd.variable(variableName)
        if variable is None:
            return textOf(value)
        return encodeValue(variable.dataType, value)

    def subscribe(self) -> Deferred[None]:
        """
        Subscribe to the service's events, once; a refusal is logged.
        """
        if self._subscribing is None:
            d = self._subscriber.subscribe(self._service, self._event, self.scpd)
            self._subscribing = d.addCallbacks(self._subscribed, self._refused)
        done: Deferred[None] = Deferred()
        self._subscribing.addBoth(lambda result: done.callback(None) if not done.called else None)
        return done

    def _subscribed(self, subscription: Subscription) -> None:
        self._subscription = subscription

    def _refused(self, failure: Any) -> None:
        failure.trap(SubscribeError)
        log.warn(
            "Cannot subscribe to {serviceId}: {reason}",
            serviceId=self._service.serviceId,
            reason=failure.value.reason,
        )
        self._subscribing = None

    def _event(self, event: Event) -> None:
        for name, text in event.properties:
            self.values[name] = text
            variable = _Variable(name, text, self._service)
            for callback in list(self._callbacks.get(name, ())):
                try:
                    callback(variable)
                except Exception:
                    log.failure("Variable callback {callback!r} failed", callback=callback)
            self._signals.send(STATE_VARIABLE_CHANGED, variable=variable)
            self._signals.send(stateVariableChanged(name), variable=variable)

    def subscribe_for_variable(self, name: str, callback: Callable[[Any], object]) -> None:
        """
        Call C{callback(variable)} with each value of C{name} heard from now
        on, and now with the last one heard, if any; subscribe if needed.
        """
        self._callbacks.setdefault(name, []).append(callback)
        if name in self.values:
            callback(_Variable(name, self.values[name], self._service))
        self.subscribe()

    def unsubscribe(self) -> Deferred[None]:
        """
        End the subscription, if there is one.
        """
        subscription, self._subscription = self._subscription, None
        subscribing, self._subscribing = self._subscribing, None
        if subscribing is not None and not subscribing.called:
            subscribing.cancel()
        self._callbacks.clear()
        if subscription is None:
            return succeed(None)
        return subscription.unsubscribe()
