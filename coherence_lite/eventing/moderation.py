# -*- test-case-name: tests.eventing.test_moderation -*-
"""
Moderated eventing (UDA 1.1 §4.3): variables that change fast are evented
less often.

A state variable may declare, on its model L{StateVariable}:

  - C{maximumRate}: at least that many seconds between two events of it.
    A change sooner is held, and when the time comes the latest held value
    is evented (one timer on the injected clock for every held variable);
  - C{minimumDelta} (numbers): a change smaller than that from the value
    last evented is not evented.  A later change that moves far enough
    from the value last evented is; a held value the delta makes useless is
    forgotten.

A L{Moderator} sits between a service's state (its change feed) and the
notifier: what it lets through goes to its sink, several variables at once
in one call.  Variables without moderation pass at once.  New subscribers
are not moderated: their initial event carries the current values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Mapping

from twisted.internet.interfaces import IDelayedCall, IReactorTime

from coherence_lite.model.device import Service, StateVariable
from coherence_lite.stats import Stats

__all__ = ["Moderator", "moderationOf"]


def moderationOf(variable: StateVariable) -> tuple[float | None, float | None]:
    """
    The C{maximumRate} (seconds) and C{minimumDelta} of a state variable;
    L{None} for what it does not declare.
    """
    return variable.maximumRate, variable.minimumDelta


def _distance(a: object, b: object) -> float | None:
    numbers = (int, float, Decimal)
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, numbers) or not isinstance(b, numbers):
        return None
    try:
        return abs(float(a) - float(b))
    except (TypeError, ValueError, OverflowError):
        return None


class Moderator:
    """
    Applies the moderation of a service's variables to its changes.

    @ivar held: the values waiting for their variable's next allowed time.
    """

    def __init__(
        self,
        service: Service,
        clock: IReactorTime,
        sink: Callable[[dict[str, object]], None],
        current: Mapping[str, object] | None = None,
        stats: Stats | None = None,
    ) -> None:
        """
        @param service: whose variables' moderation applies.
        @param clock: schedules held values.
        @param sink: takes what may be evented now (never empty).
        @param current: the values subscribers have now, the base of
            C{minimumDelta}.
        @param stats: counts C{eventing.moderated}.
        """
        self._rules = {
            variable.name: moderationOf(variable)
            for variable in service.stateVariables
            if variable.sendEvents and moderationOf(variable) != (None, None)
        }
        self._clock = clock
        self._sink = sink
        self._stats = stats if stats is not None else Stats()
        self._evented: dict[str, object] = dict(current or {})
        self._eventedAt: dict[str, float] = {}
        self.held: dict[str, object] = {}
        self._timer: IDelayedCall | None = None

    @property
    def moderated(self) -> bool:
        """
        Whether any variable of the service is moderated.
        """
        return bool(self._rules)

    def changed(self, changes: Mapping[str, object]) -> None:
        """
        Take changes of evented variables: pass on those allowed now, hold
        or drop the others.
        """
        now = self._clock.seconds()
        allowed: dict[str, object] = {}
        for name, value in changes.items():
            rate, delta = self._rules.get(name, (None, None))
            if rate is None and delta is None:
                allowed[name] = value
                continue
            if delta is not None and name in self._evented:
                distance = _distance(value, self._evented[name])
                if distance is not None and distance < delta:
                    self.held.pop(name, None)
                    self._stats.count("eventing.moderated")
                    continue
            if rate is not None and name in self._eventedAt and now < self._eventedAt[name] + rate:
                self.held[name] = value
                self._stats.count("eventing.moderated")
                continue
            self.held.pop(name, None)
            allowed[name] = value
            self._evented[name] = value
            self._eventedAt[name] = now
        self._reschedule(now)
        if allowed:
            self._sink(allowed)

    def _due(self, name: str) -> float:
        rate = self._rules[name][0]
        return self._eventedAt.get(name, 0.0) + (rate or 0.0)

    def _reschedule(self, now: float) -> None:
        if not self.held:
            self.stop()
            return
        due = min(self._due(name) for name in self.held)
        if self._timer is not None and self._timer.active():
            if self._timer.getTime() == due:
                return
            self._timer.cancel()
        self._timer = self._clock.callLater(max(0.0, due - now), self._release)

    def _release(self) -> None:
        self._timer = None
        now = self._clock.seconds()
        allowed = {name: value for name, value in self.held.items() if self._due(name) <= now}
        for name, value in allowed.items():
            del self.held[name]
            self._evented[name] = value
            self._eventedAt[name] = now
        self._reschedule(now)
        if allowed:
            self._sink(allowed)

    def stop(self) -> None:
        """
        Cancel the timer of held values (they are not sent).
        """
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
