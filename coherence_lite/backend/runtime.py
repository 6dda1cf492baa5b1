# -*- test-case-name: tests.backend.test_runtime -*-
"""
What a hosted service does when an action is invoked.

A L{ServiceRuntime} joins a model L{Service}, its L{ServiceState} and the
Python callables (handlers) that implement its actions.  The control
resource hands it decoded Python values and gets Python values back; the
eventing side watches its state.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Callable, Mapping

from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger
from twisted.python.failure import Failure

from coherence_lite.backend.state import ServiceState, coerceValue
from coherence_lite.errors import UPnPError
from coherence_lite.model.device import Action, Service
from coherence_lite.model.types import DataTypeError, Value

__all__ = ["Handler", "Rename", "SentArguments", "ServiceRuntime", "Settle"]

log = Logger()

#: Fires once the changes made so far are kept (written to disk, say): an
#: action that changed the state answers only then.
Settle = Callable[[], "Deferred[None]"]

#: An action's implementation: called with the in-arguments as keywords
#: (Python values), it returns a dict of out-arguments by name, L{None}
#: (none, or all taken from their related state variables), or a
#: L{Deferred} firing with either (an C{async def} handler's coroutine is
#: run as one).
Handler = Callable[..., object]

#: The (name, text) of each argument of a call, in the order sent.
SentArguments = tuple[tuple[str, str], ...]

#: What a call of an action (by name) means, from the arguments it sent:
#: a service whose clients misname an argument renames it here (called
#: while the call's client headers are set, see
#: L{coherence_lite.backend.request.clientHeaders}).
Rename = Callable[[str, SentArguments], SentArguments]


class ServiceRuntime:
    """
    The running side of a hosted service: its state and its actions.

    @ivar service: the model service.
    @ivar state: its state variables' current values.
    """

    def __init__(
        self,
        service: Service,
        state: ServiceState | None = None,
        handlers: Mapping[str, Handler] | None = None,
        settle: Settle | None = None,
        rename: Rename | None = None,
    ) -> None:
        """
        @param service: the service.
        @param state: its state; by default a new one with every variable at
            its initial value.
        @param handlers: the implementation of each action, by action name.
            An action without one answers as a getter when it can (see
            L{invoke}).
        @param settle: what an action that changed the state waits for
            before it answers (the host's durable store of the state);
            L{None} to answer at once.
        @param rename: what a call's arguments mean, before they are
            decoded (L{meant}); L{None} takes them as sent.
        @raise ValueError: a handler names no action of the service.
        """
        self.service = service
        self.state = state if state is not None else ServiceState(service)
        self._actions = {action.name: action for action in service.actions}
        self._handlers = dict(handlers or {})
        self._settle = settle
        self._rename = rename
        unknown = sorted(set(self._handlers) - set(self._actions))
        if unknown:
            raise ValueError(f"{service.serviceId} has no action named {', '.join(unknown)}")

    def action(self, name: str) -> Action | None:
        """
        The model action called C{name}, or L{None}.
        """
        return self._actions.get(name)

    def meant(self, actionName: str, sent: SentArguments) -> SentArguments:
        """
        The arguments a call of C{actionName} means, from those it sent (a
        client's misnamed argument renamed): as sent unless the runtime was
        given a C{rename}.
        """
        return sent if self._rename is None else self._rename(actionName, sent)

    def isGetter(self, action: Action) -> bool:
        """
        Whether C{action} can answer without a handler: it takes no
        in-arguments and returns state variables only.
        """
        return all(argument.direction == "out" for argument in action.arguments)

    def invoke(self, actionName: str, arguments: Mapping[str, object]) -> "Deferred[dict[str, Value]]":
        """
        Invoke an action.

        An action without a handler that takes no in-arguments returns the
        current values of its out-arguments' related state variables (a
        natural getter); any other action without a handler fails with 602.
        Out-arguments a handler leaves out are taken from their related
        state variables too.

        @param actionName: the action's name.
        @param arguments: the in-arguments by name, as Python values; every
            in-argument and nothing else.
        @return: a L{Deferred} firing with the out-arguments by name, in the
            action's order, each checked against its related state
            variable; or failing with a L{UPnPError}: 401 (no such action),
            402 (missing or unknown arguments), 602 (not implemented), 501
            (the handler raised something else, or returned out-arguments
            that do not fit; logged), or what the handler raised.
        """
        action = self._actions.get(actionName)
        if action is None:
            return _failed(UPnPError(401, f"No action {actionName:.64}"))
        expected = [argument.name for argument in action.arguments if argument.direction == "in"]
        if sorted(arguments) != sorted(expected):
            return _failed(UPnPError(402))
        handler = self._handlers.get(actionName)
        if handler is None:
            if not self.isGetter(action):
                return _failed(UPnPError(602))
            return succeed(self._outputs(action, None))
        before = self.state.changes
        try:
            returned = handler(**arguments)
            if isinstance(returned, Coroutine):
                returned = Deferred.fromCoroutine(returned)
            if not isinstance(returned, Deferred):
                outputs = succeed(self._outputs(action, returned))
                return self._settled(outputs, before)
        except Exception:
            return _failed(self._failure(Failure(), action))
        outputs = returned.addCallback(lambda later: self._outputs(action, later))
        return self._settled(outputs.addErrback(self._failure, action), before)

    def _settled(self, outputs: "Deferred[dict[str, Value]]", before: int) -> "Deferred[dict[str, Value]]":
        """
        C{outputs}, fired only once the state's changes since C{before} are
        kept (see C{settle}).
        """
        settle = self._settle
        if settle is None:
            return outputs

        def kept(values: dict[str, Value]) -> "Deferred[dict[str, Value]] | dict[str, Value]":
            if self.state.changes == before:
                return values
            return settle().addCallback(lambda _: values)

        return outputs.addCallback(kept)

    def _outputs(self, action: Action, returned: object) -> dict[str, Value]:
        if returned is None:
            returned = {}
        if not isinstance(returned, Mapping):
            raise TypeError(f"the handler of {action.name} returned {type(returned).__name__}, not a dict or None")
        outs = [argument for argument in action.arguments if argument.direction == "out"]
        unknown = set(returned) - {argument.name for argument in outs}
        if unknown:
            raise TypeError(f"the handler of {action.name} returned unknown out-arguments {sorted(unknown)}")
        values: dict[str, Value] = {}
        for argument in outs:
            variable = self.state.variable(argument.relatedStateVariable)
            if argument.name in returned:
                values[argument.name] = coerceValue(variable, returned[argument.name])
            else:
                values[argument.name] = self.state.get(variable.name)
        return values

    def _failure(self, failure: Failure, action: Action) -> Failure:
        if failure.check(UPnPError):
            return failure
        reason = "returned an out-argument that does not fit" if failure.check(DataTypeError) else "failed"
        log.failure(
            "Action {action} of {serviceId} " + reason,
            failure,
            action=action.name,
            serviceId=self.service.serviceId,
        )
        return Failure(UPnPError(501))

    def query(self, variableName: str) -> Value:
        """
        The current value of a state variable, for C{QueryStateVariable}.

        @raise UPnPError: 402 when the service has no such variable.
        """
        try:
            return self.state.get(variableName)
        except KeyError:
            raise UPnPError(402, "Invalid Var") from None


def _failed(error: UPnPError | Failure) -> "Deferred[dict[str, Value]]":
    result: Deferred[dict[str, Value]] = Deferred()
    result.errback(error if isinstance(error, Failure) else Failure(error))
    return result

