# -*- test-case-name: tests.controlpoint.test_subscriber -*-
"""
Subscribing to other devices' events: the control point's GENA subscriber
(UDA 2.0 section 4).

L{Subscriber.subscribe} starts (once per local address) a
L{CallbackServer} on the address that reaches the device, sends
C{SUBSCRIBE} with a callback URL of its own, renews the subscription at
half its granted time (subscribing afresh when the device has forgotten
it), and hands each event to a callback as an L{Event}, in SEQ order:
an event that arrives early waits (at most C{maxPending} of them, for at
most C{gapWait} seconds) for the ones before it; a repeated one is
dropped; a gap that does not fill is reported in L{Event.missed}.  Events
that arrive before the device's answer to C{SUBSCRIBE} (the initial event
often does) are kept until the SID is known.  L{Subscription.unsubscribe}
and L{Subscriber.stop} send C{UNSUBSCRIBE}.

Values are decoded with the SCPD's types when one is given
(L{coherence_lite.model.types}); a value that does not decode stays out of
L{Event.values} but is in L{Event.properties}.
"""

from __future__ import annotations

import random as _random
import uuid
from collections.abc import Callable

from twisted.internet.defer import Deferred, DeferredList, succeed
from twisted.internet.interfaces import IDelayedCall
from twisted.logger import Logger
from twisted.web.iweb import IAgent

from coherence_lite.controlpoint.callbacks import CallbackServer, localAddressFor
from coherence_lite.controlpoint.exchange import EXCHANGE_TIMEOUT, ExchangeError, Reply, exchange
from coherence_lite.controlpoint.remote import RemoteService
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.controlpoint.gena import (
    Event,
    SubscribeError,
    grantOf,
    renewHeaders,
    subscribeHeaders,
    unsubscribeHeaders,
)
from coherence_lite.eventing.message import DEFAULT_TIMEOUT, EventNotify, nextSeq
from coherence_lite.model.types import DataTypeError, Value, decodeValue
from coherence_lite._reactor import Reactor
from coherence_lite.net.zones import urlHost

__all__ = ["MAX_SUBSCRIPTIONS", "Subscription", "Subscriber"]

log = Logger()

#: The most subscriptions one L{Subscriber} holds.
MAX_SUBSCRIPTIONS = 64


class Subscription:
    """
    One subscription to one service; made by L{Subscriber.subscribe}.

    @ivar sid: the device's subscription id (L{None} until it answers).
    @ivar timeout: the seconds the device granted last.
    @ivar callbackURL: where the device delivers.
    """

    def __init__(
        self,
        subscriber: "Subscriber",
        service: RemoteService,
        onEvent: Callable[[Event], None],
        scpd: SCPD | None,
        server: CallbackServer,
        token: str,
    ) -> None:
        self.service = service
        self._subscriber = subscriber
        self._onEvent = onEvent
        self._scpd = scpd
        self._server = server
        self._token = token
        self.callbackURL = server.urlFor(token)
        self.sid: str | None = None
        self.timeout = 0
        self._expected = 0
        self._early: list[tuple[EventNotify, tuple[tuple[str, str], ...]]] = []
        self._pending: dict[int, Event] = {}
        self._gapCall: IDelayedCall | None = None
        self._renewCall: IDelayedCall | None = None
        self._ended = False

    # NotifyTarget
    def notifyReceived(self, notify: EventNotify, properties: tuple[tuple[str, str], ...]) -> int:
        """
        Take an event message: keep it until the SID is known, refuse one of
        another SID (412), deliver the others in SEQ order.
        """
        if self._ended:
            return 412
        if self.sid is None:
            if len(self._early) >= self._subscriber.maxPending:
                return 412
            self._early.append((notify, properties))
            return 200
        if notify.sid != self.sid:
            return 412
        self._arrived(notify.seq, properties)
        return 200

    def _granted(self, sid: str, timeout: int) -> None:
        if sid != self.sid:
            self.sid, self._expected = sid, 0
            self._pending.clear()
        self.timeout = timeout
        early, self._early = self._early, []
        for notify, properties in early:
            if notify.sid == sid:
                self._arrived(notify.seq, properties)
        self._scheduleRenewal(max(1.0, timeout / 2))

    def _decode(self, properties: tuple[tuple[str, str], ...]) -> dict[str, Value]:
        values: dict[str, Value] = {}
        for name, text in properties:
            variable = None if self._scpd is None else self._scpd.variable(name)
            if variable is not None:
                try:
                    values[name] = decodeValue(variable.dataType, text)
                except DataTypeError:
                    pass
        return values

    def _arrived(self, seq: int, properties: tuple[tuple[str, str], ...]) -> None:
        assert self.sid is not None
        if seq < self._expected or seq in self._pending:
            return
        self._pending[seq] = Event(self.sid, seq, properties, self._decode(properties))
        self._drain()
        if self._pending and len(self._pending) >= self._subscriber.maxPending:
            self._skipGap()
        elif self._pending and self._gapCall is None:
            self._gapCall = self._subscriber.reactor.callLater(self._subscriber.gapWait, self._skipGap)

    def _drain(self) -> None:
        while self._expected in self._pending:
            self._deliver(self._pending.pop(self._expected), 0)
        if not self._pending and self._gapCall is not None:
            if self._gapCall.active():
                self._gapCall.cancel()
            self._gapCall = None

    def _skipGap(self) -> None:
        self._gapCall = None
        if not self._pending:
            return
        lowest = min(self._pending)
        self._deliver(self._pending.pop(lowest), lowest - self._expected)
        self._drain()
        if self._pending and self._gapCall is None:
            self._gapCall = self._subscriber.reactor.callLater(self._subscriber.gapWait, self._skipGap)

    def _deliver(self, event: Event, missed: int) -> None:
        self._expected = nextSeq(event.seq)
        if missed:
            event = Event(event.sid, event.seq, event.properties, event.values, missed)
        try:
            self._onEvent(event)
        except Exception:
            log.failure("The event callback of {sid} failed", sid=event.sid)

    def _scheduleRenewal(self, delay: float) -> None:
        if self._renewCall is not None and self._renewCall.active():
            self._renewCall.cancel()
        self._renewCall = self._subscriber.reactor.callLater(delay, self._renew)

    def _renew(self) -> None:
        self._renewCall = None
        assert self.service.eventSubURL is not None and self.sid is not None
        d = self._subscriber.gena(b"SUBSCRIBE", self.service.eventSubURL, renewHeaders(self.sid, self._subscriber.requested))
        d.addCallback(self._renewed)
        d.addErrback(lambda failure: self._retry(failure.getErrorMessage()))

    def _renewed(self, reply: Reply) -> Deferred[None] | None:
        grant = grantOf(reply)
        if isinstance(grant, tuple):
            self._granted(*grant)
            return None
        if reply.code == 412:
            log.info("{sid} was forgotten by the device; subscribing again", sid=self.sid)
            again = self.start()
            again.addErrback(lambda failure: self._retry(failure.getErrorMessage()))
            return again
        self._retry(grant)
        return None

    def _retry(self, reason: str) -> None:
        if self._ended:
            return
        log.warn("Renewing the subscription to {url} failed ({reason}); trying again", url=self.service.eventSubURL, reason=reason)
        self._scheduleRenewal(max(1.0, self.timeout / 8))

    def start(self) -> Deferred[None]:
        """
        Send a new C{SUBSCRIBE} (also after the device forgot the previous
        one).

        @return: a L{Deferred} firing once subscribed, or failing with
            L{SubscribeError}.
        """
        assert self.service.eventSubURL is not None
        d = self._subscriber.gena(b"SUBSCRIBE", self.service.eventSubURL, subscribeHeaders(f"<{self.callbackURL}>", self._subscriber.requested))

        def answered(reply: Reply) -> None:
            grant = grantOf(reply)
            if isinstance(grant, str):
                raise SubscribeError(f"SUBSCRIBE to {self.service.eventSubURL} refused: {grant}", reply.code)
            self._granted(*grant)

        return d.addCallback(answered)

    def _end(self) -> None:
        self._ended = True
        for call in (self._renewCall, self._gapCall):
            if call is not None and call.active():
                call.cancel()
        self._renewCall = self._gapCall = None
        self._server.remove(self._token)
        self._subscriber._forget(self)

    def unsubscribe(self) -> Deferred[None]:
        """
        End the subscription: stop renewing and send C{UNSUBSCRIBE}.

        @return: a L{Deferred} firing when the device answered or could not
            be reached (a failure is only logged).
        """
        if self._ended:
            return succeed(None)
        self._end()
        if self.sid is None or self.service.eventSubURL is None:
            return succeed(None)
        return Deferred.fromCoroutine(self._unsubscribe(self.service.eventSubURL, self.sid))

    async def _unsubscribe(self, url: str, sid: str) -> None:
        try:
            reply = await self._subscriber.gena(b"UNSUBSCRIBE", url, unsubscribeHeaders(sid))
        except ExchangeError as e:
            log.info("UNSUBSCRIBE {sid} failed: {reason}", sid=sid, reason=e.reason)
            return
        if reply.code != 200:
            log.info("UNSUBSCRIBE {sid} answered HTTP status {code}", sid=sid, code=reply.code)


class Subscriber:
    """
    Subscribes to services' events.

    @param agent: sends SUBSCRIBE and UNSUBSCRIBE.
    @param reactor: listens for event messages and keeps time.
    @param timeout: seconds one GENA exchange may take.
    @param requested: the subscription time asked for, in seconds.
    @param maxPending: events held back at most, per subscription, waiting
        for an earlier one (or for the SID).
    @param gapWait: seconds an event waits for a missing earlier one.
    @param random: makes the callback paths.
    @param localAddress: the local address reaching a host
        (L{localAddressFor}).
    """

    def __init__(
        self,
        agent: IAgent,
        reactor: Reactor,
        timeout: float = EXCHANGE_TIMEOUT,
        requested: int = DEFAULT_TIMEOUT,
        maxPending: int = 16,
        gapWait: float = 2.0,
        random: _random.Random | None = None,
        localAddress: Callable[[str], str] = localAddressFor,
    ) -> None:
        self._agent = agent
        self.reactor = reactor
        self._timeout = timeout
        self.requested = requested
        self.maxPending = maxPending
        self.gapWait = gapWait
        self._random = random if random is not None else _random.SystemRandom()
        self._localAddress = localAddress
        self._servers: dict[str, CallbackServer] = {}
        self._subscriptions: list[Subscription] = []

    def gena(self, method: bytes, url: str, headers: list[tuple[bytes, bytes]]) -> Deferred[Reply]:
        """
        One bounded GENA exchange (no body).
        """
        return exchange(self._agent, self.reactor, method, url, headers, None, self._timeout, 4096)

    def serverFor(self, host: str) -> CallbackServer:
        """
        The started callback server on the local address reaching C{host}.

        @raise OSError: no route to C{host}, or the port cannot be bound.
        """
        address = self._localAddress(host)
        server = self._servers.get(address)
        if server is None:
            server = CallbackServer(self.reactor, address)
            server.start()
            self._servers[address] = server
        return server

    def subscribe(
        self, service: RemoteService, onEvent: Callable[[Event], None], scpd: SCPD | None = None
    ) -> Deferred[Subscription]:
        """
        Subscribe to C{service}'s events.

        @param onEvent: called with each L{Event}, in SEQ order.
        @param scpd: the service's description, to decode the values.
        @return: a L{Deferred} firing with the L{Subscription}, or failing
            with L{SubscribeError}.
        """
        return Deferred.fromCoroutine(self._subscribe(service, onEvent, scpd))

    async def _subscribe(self, service: RemoteService, onEvent: Callable[[Event], None], scpd: SCPD | None) -> Subscription:
        if service.eventSubURL is None:
            raise SubscribeError(f"{service.serviceId or service.serviceType} has no usable eventSubURL")
        if len(self._subscriptions) >= MAX_SUBSCRIPTIONS:
            raise SubscribeError(f"already {MAX_SUBSCRIPTIONS} subscriptions")
        host = urlHost(service.eventSubURL) or ""
        try:
            server = self.serverFor(host)
        except (OSError, ValueError) as e:
            raise SubscribeError(f"cannot listen for events from {host}: {e}") from None
        token = uuid.UUID(int=self._random.getrandbits(128)).hex
        subscription = Subscription(self, service, onEvent, scpd, server, token)
        server.add(token, subscription)
        self._subscriptions.append(subscription)
        try:
            await subscription.start()
        except ExchangeError as e:
            subscription._end()
            raise SubscribeError(f"SUBSCRIBE to {service.eventSubURL} failed: {e.reason}") from None
        except SubscribeError:
            subscription._end()
            raise
        return subscription

    def _forget(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    def stop(self) -> Deferred[None]:
        """
        Unsubscribe everything and stop the callback servers.
        """
        done = DeferredList([subscription.unsubscribe() for subscription in list(self._subscriptions)])

        def close(_: object) -> Deferred[list[tuple[bool, object]]]:
            servers, self._servers = list(self._servers.values()), {}
            return DeferredList([Deferred.fromCoroutine(_wait(server.stop())) for server in servers])

        return done.addCallback(close).addCallback(lambda _: None)


async def _wait(result: object) -> object:
    if isinstance(result, Deferred):
        return await result
    return result
