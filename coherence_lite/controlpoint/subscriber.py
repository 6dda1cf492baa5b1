# -*- test-case-name: tests.controlpoint.test_subscriber,tests.controlpoint.test_subscription -*-
"""
Subscribing to other devices' events: the control point's GENA subscriber
(UDA 2.0 section 4).

L{Subscriber.subscribe} starts (once per local address) a
L{CallbackServer} on the address that reaches the device, sends
C{SUBSCRIBE} with a callback URL of its own and hands each event to a
callback as an L{Event}, in SEQ order (see L{Subscription}).  Events that
arrive before the device's answer to C{SUBSCRIBE} (the initial event often
does) are kept until the SID is known.  L{Subscription.unsubscribe} and
L{Subscriber.stop} send C{UNSUBSCRIBE}.

A subscriber that hears SSDP (give it to an
L{SSDPListener <coherence_lite.ssdp.listener.SSDPListener>} as an
observer) follows each subscribed device with a L{DeviceWatch}: a byebye
is told as a L{GONE} notice, and the device's next alive (or a new BOOTID
or LOCATION, or C{ssdp:update}) has each of its subscriptions checked at
once and made again when the device forgot it (L{Subscription.restore}),
instead of at the next renewal.

Values are decoded with the SCPD's types when one is given
(L{coherence_lite.model.types}); a value that does not decode stays out of
L{Event.values} but is in L{Event.properties}.
"""

from __future__ import annotations

import random as _random
import uuid
from collections.abc import Callable

from twisted.internet.defer import Deferred, DeferredList
from twisted.web.iweb import IAgent

from coherence_lite.controlpoint.callbacks import CallbackServer, localAddressFor
from coherence_lite.controlpoint.exchange import EXCHANGE_TIMEOUT, ExchangeError, Reply, exchange
from coherence_lite.controlpoint.fetch import Fetcher, HTTPFetcher
from coherence_lite.controlpoint.gena import GONE, Event, Notice, SubscribeError
from coherence_lite.controlpoint.remote import RemoteService
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.controlpoint.subscription import Subscription
from coherence_lite.controlpoint.watch import BACK, DeviceWatch
from coherence_lite.eventing.message import DEFAULT_TIMEOUT
from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.net.zones import urlHost
from coherence_lite.ssdp.message import Address, Notify, SearchResponse
from coherence_lite.ssdp.protocol import MessageHandler

__all__ = ["MAX_SUBSCRIPTIONS", "RESTORE_ATTEMPTS", "RESTORE_DELAY", "Subscription", "Subscriber"]

#: The most subscriptions one L{Subscriber} holds.
MAX_SUBSCRIPTIONS = 64
#: Tries to restore a subscription before it is reported lost.
RESTORE_ATTEMPTS = 4
#: Seconds before the second try, doubling for each later one.
RESTORE_DELAY = 1.0


class Subscriber(MessageHandler):
    """
    Subscribes to services' events, and keeps the subscriptions going
    across the devices' restarts when it hears SSDP.

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
    @param fetcher: gets a device's description again when it moved to a
        new LOCATION; an L{HTTPFetcher} on C{agent} by default.
    @param resubscribeOnGap: subscribe again when events were missed, so
        that the new subscription's first event brings every value.
    @param restoreAttempts: tries to restore a subscription (see
        L{Subscription.restore}) before it is reported lost.
    @param restoreDelay: seconds before the second try, doubling after.
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
        fetcher: Fetcher | None = None,
        resubscribeOnGap: bool = True,
        restoreAttempts: int = RESTORE_ATTEMPTS,
        restoreDelay: float = RESTORE_DELAY,
    ) -> None:
        self._agent = agent
        self.reactor = reactor
        self._timeout = timeout
        self.requested = requested
        self.maxPending = maxPending
        self.gapWait = gapWait
        self._random = random if random is not None else _random.SystemRandom()
        self._localAddress = localAddress
        self._fetcher = fetcher
        self.resubscribeOnGap = resubscribeOnGap
        self.restoreAttempts = restoreAttempts
        self.restoreDelay = restoreDelay
        self._servers: dict[str, CallbackServer] = {}
        self._subscriptions: list[Subscription] = []
        self._watches: dict[str, DeviceWatch] = {}

    @property
    def fetcher(self) -> Fetcher:
        """
        What gets descriptions again (see the C{fetcher} parameter).
        """
        if self._fetcher is None:
            self._fetcher = HTTPFetcher(self._agent, self.reactor, timeout=self._timeout)
        return self._fetcher

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
        self,
        service: RemoteService,
        onEvent: Callable[[Event], None],
        scpd: SCPD | None = None,
        onNotice: Callable[[Notice], None] | None = None,
    ) -> Deferred[Subscription]:
        """
        Subscribe to C{service}'s events.

        @param service: the service, from its device's description (its
            root device's UDN, LOCATION and BOOTID are what SSDP is matched
            against).
        @param onEvent: called with each L{Event}, in SEQ order.
        @param scpd: the service's description, to decode the values.
        @param onNotice: called with each L{Notice}: the device left, came
            back, the subscription was made again or could not be.
        @return: a L{Deferred} firing with the L{Subscription}, or failing
            with L{SubscribeError}.
        """
        return Deferred.fromCoroutine(self._subscribe(service, onEvent, scpd, onNotice))

    async def _subscribe(
        self,
        service: RemoteService,
        onEvent: Callable[[Event], None],
        scpd: SCPD | None,
        onNotice: Callable[[Notice], None] | None,
    ) -> Subscription:
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
        subscription = Subscription(self, service, onEvent, scpd, server, token, onNotice)
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
        self._watch(service)
        return subscription

    def _watch(self, service: RemoteService) -> None:
        if service.device is None:
            return
        root = service.device.root
        if root.UDN.lower() not in self._watches:
            self._watches[root.UDN.lower()] = DeviceWatch(root.UDN, root.location or None, root.bootId)

    def _udnOf(self, subscription: Subscription) -> str | None:
        device = subscription.service.device
        return None if device is None else device.root.UDN.lower()

    def _forget(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
        udn = self._udnOf(subscription)
        if udn is not None and all(self._udnOf(other) != udn for other in self._subscriptions):
            self._watches.pop(udn, None)

    # MessageHandler
    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Follow the announcements of the devices subscribed to.
        """
        self._heard(notify)

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        Follow the search answers of the devices subscribed to.
        """
        self._heard(response)

    def _heard(self, message: Notify | SearchResponse) -> None:
        for udn, watch in list(self._watches.items()):
            sighting = watch.heard(message)
            if sighting is None:
                continue
            for subscription in [each for each in self._subscriptions if self._udnOf(each) == udn]:
                if sighting.kind == GONE:
                    subscription.tell(GONE, f"the device {sighting.reason}; waiting for it to come back")
                else:
                    subscription.restore(
                        f"the device {sighting.reason}",
                        location=sighting.location,
                        announce=sighting.kind == BACK,
                    )

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
