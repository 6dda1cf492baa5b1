# -*- test-case-name: tests.eventing.test_publisher -*-
"""
Eventing of a device host, put together: L{ServiceEventing} joins one
service's state (its change feed), moderation, subscription table and
notifier; L{HostEventing} holds those of every hosted service as one
L{twisted.application.service.Service}, sharing the subscription quota,
and stops them all (subscriptions, deliveries, timers) with the host.

Values are encoded once per change with L{coherence_lite.model.types},
then fanned out as text.  A variable whose encoded value is larger than a
message may be (L{EventingLimits.maxBody}) or that does not encode is left
out of events, logged and counted (C{eventing.dropped.too-large},
C{eventing.dropped.unencodable}); subscribers keep the last value they got.
"""

from __future__ import annotations

import random as _random
from typing import Callable, Iterable, Iterator, Mapping, Protocol

from twisted.application.service import Service as _AppService
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger
from twisted.web.iweb import IAgent

from coherence_lite.eventing.callbacks import Destination
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.moderation import Moderator
from coherence_lite.eventing.notifier import EMPTY_PROPERTYSET_SIZE, Notifier, Property, deliverySlots, propertySize
from coherence_lite.eventing.slots import DeliverySlots
from coherence_lite.eventing.subscriptions import EXPIRED, Quota, Subscription, SubscriptionTable
from coherence_lite.model.device import Service
from coherence_lite.model.codecs import encodeValue
from coherence_lite.stats import Stats

__all__ = ["HostEventing", "ServiceEventing", "StateFeed"]

log = Logger()

#: What a service's state calls with its evented changes.
Observer = Callable[[dict[str, object]], None]


class StateFeed(Protocol):
    """
    What eventing needs of a service's state
    (L{coherence_lite.backend.state.ServiceState} is one).
    """

    def evented(self) -> Mapping[str, object]:
        """
        The current value of every evented variable.
        """

    def addObserver(self, observer: Observer) -> None:
        """
        Call C{observer} with each set of evented changes.
        """

    def removeObserver(self, observer: Observer) -> None:
        """
        Stop calling C{observer}.
        """


class ServiceEventing:
    """
    The subscriptions of one service and the events they get.

    @ivar table: the subscriptions.
    @ivar notifier: their deliveries.
    @ivar moderator: the service's moderated variables.
    """

    def __init__(
        self,
        service: Service,
        state: StateFeed,
        *,
        agent: IAgent,
        clock: IReactorTime,
        limits: EventingLimits = EventingLimits(),
        quota: Quota | None = None,
        stats: Stats | None = None,
        random: _random.Random | None = None,
        slots: DeliverySlots | None = None,
    ) -> None:
        self.service = service
        self.state = state
        self._clock = clock
        self.limits = limits
        self.stats = stats if stats is not None else Stats()
        self._variables = {v.name: v for v in service.stateVariables if v.sendEvents}
        self.table = SubscriptionTable(clock, limits, quota, random, onRemoved=self._removed)
        self.notifier = Notifier(agent, clock, limits, self.stats, service.serviceId, slots, onDead=self._dead)
        self.moderator = Moderator(service, clock, self._publish, state.evented(), self.stats)
        self._observing = False

    def start(self) -> None:
        """
        Follow the state's changes.
        """
        if not self._observing:
            self._observing = True
            self.state.addObserver(self.moderator.changed)

    def stop(self) -> None:
        """
        Stop following the state, drop every subscription, cancel every
        delivery and timer.
        """
        if self._observing:
            self._observing = False
            self.state.removeObserver(self.moderator.changed)
        self.moderator.stop()
        self.table.stop()
        self.notifier.stop()

    def rebind(self, service: Service, state: StateFeed) -> None:
        """
        Follow another declaration of this service, or another state (a
        reload changed it): the subscriptions stay (same SIDs, SEQ going
        on) and each is sent a message with every evented variable of the
        new declaration; when the service no longer events any variable,
        they end instead (a renewal then gets 412).

        @param service: the new declaration, with the same serviceId.
        @param state: its state now.
        """
        observing = self._observing
        if observing:
            self.state.removeObserver(self.moderator.changed)
        self.moderator.stop()
        self.service, self.state = service, state
        self._variables = {v.name: v for v in service.stateVariables if v.sendEvents}
        self.moderator = Moderator(service, self._clock, self._publish, state.evented(), self.stats)
        self._observing = False
        if observing:
            self.start()
        if not self._variables:
            self.table.stop()
            return
        self.notifier.restate(self._encode(state.evented()))

    def subscribe(self, client: str, destinations: tuple[Destination, ...], timeout: int) -> Subscription | str:
        """
        Create a subscription and prepare its initial event (every evented
        variable, SEQ 0), which leaves on L{answered}.

        @return: the subscription, or why the bounds refuse it.
        """
        subscription = self.table.subscribe(client, destinations, timeout)
        if isinstance(subscription, Subscription):
            self.notifier.add(subscription, self._encode(self.state.evented()))
        return subscription

    def answered(self, sid: str) -> None:
        """
        The SUBSCRIBE of C{sid} has its answer written: send its initial
        event.
        """
        self.notifier.start(sid)

    def renew(self, sid: str, timeout: int) -> Subscription | None:
        """
        Renew C{sid}; see L{SubscriptionTable.renew}.
        """
        return self.table.renew(sid, timeout)

    def unsubscribe(self, sid: str) -> Subscription | None:
        """
        End C{sid}; see L{SubscriptionTable.unsubscribe}.
        """
        return self.table.unsubscribe(sid)

    def _dead(self, subscription: Subscription) -> None:
        self.table.drop(subscription.sid)

    def _removed(self, subscription: Subscription, reason: str) -> None:
        self.notifier.remove(subscription.sid)
        if reason == EXPIRED:
            self.stats.count("eventing.subscriptions.expired")
            log.debug("Subscription {sid} to {service} expired", sid=subscription.sid, service=self.service.serviceId)

    def _encode(self, values: Mapping[str, object]) -> dict[str, Property]:
        encoded: dict[str, Property] = {}
        for name, value in values.items():
            variable = self._variables.get(name)
            if variable is None:
                continue
            try:
                text = encodeValue(variable.dataType, value)
                size = propertySize(name, text)
            except ValueError as e:
                self.stats.count("eventing.dropped.unencodable")
                log.warn("{service}: {name} is not evented: {error}", service=self.service.serviceId, name=name, error=str(e))
                continue
            if EMPTY_PROPERTYSET_SIZE + size > self.limits.maxBody:
                self.stats.count("eventing.dropped.too-large")
                log.warn(
                    "{service}: {name} is not evented: {size} bytes, more than a message may carry ({limit})",
                    service=self.service.serviceId,
                    name=name,
                    size=size,
                    limit=self.limits.maxBody,
                )
                continue
            encoded[name] = (text, size)
        return encoded

    def _publish(self, changes: Mapping[str, object]) -> None:
        encoded = self._encode(changes)
        if encoded:
            self.notifier.publish(encoded)


class HostEventing(_AppService):
    """
    The eventing of every service of a host, started and stopped with it.

    @ivar quota: the subscription bounds all services share.
    @ivar slots: the turns of event deliveries all services share.
    """

    def __init__(
        self,
        agent: IAgent,
        clock: IReactorTime,
        limits: EventingLimits = EventingLimits(),
        stats: Stats | None = None,
        random: _random.Random | None = None,
    ) -> None:
        """
        @param agent: sends event messages (see
            L{coherence_lite.eventing.agent.deliveryAgent}).
        @param clock: for expiry, timeouts, retries and moderation.
        @param limits: the bounds.
        @param stats: counts C{eventing.*}.
        @param random: where SIDs come from (the OS's source when L{None}).
        """
        self.setName("eventing")
        self.agent = agent
        self.clock = clock
        self.limits = limits
        self.stats = stats if stats is not None else Stats()
        self.random = random
        self.quota = Quota(limits.maxPerClient, limits.maxTotal)
        self.slots = deliverySlots(limits)
        self._services: dict[tuple[str, str], ServiceEventing] = {}

    def add(self, udn: str, service: Service, state: StateFeed) -> ServiceEventing:
        """
        The eventing of one hosted service (started at once if the host
        runs).

        @param udn: the UDN of the service's device.
        @raise ValueError: the service has eventing already.
        """
        key = (udn, service.serviceId)
        if key in self._services:
            raise ValueError(f"{service.serviceId} of {udn} has eventing already")
        eventing = ServiceEventing(
            service, state, agent=self.agent, clock=self.clock, limits=self.limits, quota=self.quota,
            stats=self.stats, random=self.random, slots=self.slots,
        )
        self._services[key] = eventing
        if self.running:
            eventing.start()
        return eventing

    def serve(self, udn: str, service: Service, state: StateFeed) -> ServiceEventing:
        """
        The eventing of one hosted service after a reload: the one it has
        when the declaration and the state are the very same (kept as it
        is: subscriptions, SEQ, timers), the one it has rebound to them
        when either changed (see L{ServiceEventing.rebind}), else a new one
        (see L{add}).

        @param udn: the UDN of the service's device.
        """
        eventing = self._services.get((udn, service.serviceId))
        if eventing is None:
            return self.add(udn, service, state)
        if eventing.service != service or eventing.state is not state:
            eventing.rebind(service, state)
        return eventing

    def retain(self, keys: Iterable[tuple[str, str]]) -> None:
        """
        Stop the eventing of every service but those of C{keys}, by (device
        UDN, serviceId): the subscriptions of a service no longer hosted
        end, their deliveries are cancelled.
        """
        kept = set(keys)
        for key in [key for key in self._services if key not in kept]:
            self._services.pop(key).stop()

    def remove(self, udn: str) -> None:
        """
        Stop the eventing of every service of the device C{udn}: its
        subscriptions end, its deliveries are cancelled.
        """
        for key in [key for key in self._services if key[0] == udn]:
            self._services.pop(key).stop()

    def __iter__(self) -> Iterator[ServiceEventing]:
        return iter(list(self._services.values()))

    def startService(self) -> None:
        """
        Follow every service's state.
        """
        _AppService.startService(self)
        for eventing in self:
            eventing.start()

    def stopService(self) -> None:
        """
        Drop every subscription; cancel every delivery and timer.
        """
        _AppService.stopService(self)
        for eventing in self:
            eventing.stop()
