# -*- test-case-name: tests.eventing.test_subscriptions -*-
"""
The subscriptions of one service: L{SubscriptionTable} creates them (an
unguessable SID, a TIMEOUT granted within bounds), renews, removes and
expires them on an injected clock; each L{Subscription} counts its own SEQ.

How many subscriptions exist is bounded per client address and in total by
a L{Quota} that every table of a host shares, so that a client cannot
multiply its share by the number of services.
"""

from __future__ import annotations

import random as _random
import uuid
from typing import Callable, Iterator

from twisted.internet.interfaces import IDelayedCall, IReactorTime

from coherence_lite.eventing.callbacks import Destination
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.message import nextSeq

__all__ = ["DEAD", "EXPIRED", "STOPPED", "UNSUBSCRIBED", "Quota", "Subscription", "SubscriptionTable"]

#: Why a subscription went: its time ran out, its subscriber ended it, the
#: host stopped, or its subscriber took no event message for too long.
EXPIRED, UNSUBSCRIBED, STOPPED, DEAD = "expired", "unsubscribed", "stopped", "dead"


class Quota:
    """
    Counts subscriptions per client address and in all, against the bounds
    of L{EventingLimits}.
    """

    def __init__(self, maxPerClient: int, maxTotal: int) -> None:
        self.maxPerClient = maxPerClient
        self.maxTotal = maxTotal
        self.total = 0
        self._perClient: dict[str, int] = {}

    def take(self, client: str) -> str | None:
        """
        Count one more subscription for C{client}, if the bounds allow.

        @return: L{None} when counted, else why not.
        """
        if self.total >= self.maxTotal:
            return f"{self.maxTotal} subscriptions in all"
        held = self._perClient.get(client, 0)
        if held >= self.maxPerClient:
            return f"{client} holds {self.maxPerClient} subscriptions"
        self._perClient[client] = held + 1
        self.total += 1
        return None

    def release(self, client: str) -> None:
        """
        Count one subscription of C{client} less.
        """
        held = self._perClient.get(client, 0)
        if held <= 1:
            self._perClient.pop(client, None)
        else:
            self._perClient[client] = held - 1
        if held:
            self.total -= 1

    def heldBy(self, client: str) -> int:
        """
        How many subscriptions C{client} holds.
        """
        return self._perClient.get(client, 0)


class Subscription:
    """
    One subscription: where its events go, until when, and its SEQ.

    @ivar sid: C{uuid:} and a random UUID.
    @ivar client: the subscriber's address, for the per-client bound.
    @ivar destinations: the delivery URLs, in the order to try them.
    @ivar timeout: the seconds granted by the last SUBSCRIBE.
    @ivar expiresAt: the clock time it expires at.
    @ivar seq: the SEQ of the next event message (0 for the initial one).
    """

    def __init__(self, sid: str, client: str, destinations: tuple[Destination, ...], timeout: int, expiresAt: float) -> None:
        self.sid = sid
        self.client = client
        self.destinations = destinations
        self.timeout = timeout
        self.expiresAt = expiresAt
        self.seq = 0
        self.expiry: IDelayedCall | None = None

    def takeSeq(self) -> int:
        """
        The SEQ for the next message: 0 first, then one more each time,
        and 1 after 4294967295.
        """
        seq = self.seq
        self.seq = nextSeq(seq)
        return seq

    def __repr__(self) -> str:
        return f"<Subscription {self.sid} of {self.client} seq={self.seq}>"


class SubscriptionTable:
    """
    The live subscriptions of one service, by SID.

    @ivar limits: the TIMEOUT bounds (the C{min/max/defaultTimeout} fields).
    @ivar onRemoved: called with each subscription that goes and why: one
        of L{EXPIRED}, L{UNSUBSCRIBED}, L{STOPPED} or L{DEAD}.
    """

    def __init__(
        self,
        clock: IReactorTime,
        limits: EventingLimits = EventingLimits(),
        quota: Quota | None = None,
        random: _random.Random | None = None,
        onRemoved: Callable[[Subscription, str], None] | None = None,
    ) -> None:
        """
        @param clock: schedules expiry.
        @param limits: the bounds.
        @param quota: shared with the host's other tables; a new one from
            C{limits} when L{None}.
        @param random: where SIDs come from; the OS's random source
            (L{random.SystemRandom}) when L{None}, so SIDs cannot be
            guessed.
        @param onRemoved: see L{onRemoved}.
        """
        self.clock = clock
        self.limits = limits
        self.quota = quota if quota is not None else Quota(limits.maxPerClient, limits.maxTotal)
        self.random = random if random is not None else _random.SystemRandom()
        self.onRemoved = onRemoved
        self._subscriptions: dict[str, Subscription] = {}

    def _newSID(self) -> str:
        while True:
            sid = "uuid:" + str(uuid.UUID(int=self.random.getrandbits(128), version=4))
            if sid not in self._subscriptions:
                return sid

    def _clamp(self, timeout: int) -> int:
        return max(self.limits.minTimeout, min(self.limits.maxTimeout, timeout))

    def _schedule(self, subscription: Subscription) -> None:
        if subscription.expiry is not None and subscription.expiry.active():
            subscription.expiry.cancel()
        subscription.expiresAt = self.clock.seconds() + subscription.timeout
        subscription.expiry = self.clock.callLater(subscription.timeout, self._expire, subscription.sid)

    def subscribe(self, client: str, destinations: tuple[Destination, ...], timeout: int) -> Subscription | str:
        """
        Create a subscription.

        @param client: the subscriber's address.
        @param destinations: where to deliver, checked already.
        @param timeout: the seconds asked for, clamped to the bounds.
        @return: the subscription, or why the bounds refuse it.
        """
        refusal = self.quota.take(client)
        if refusal is not None:
            return refusal
        timeout = self._clamp(timeout)
        subscription = Subscription(self._newSID(), client, destinations, timeout, 0.0)
        self._subscriptions[subscription.sid] = subscription
        self._schedule(subscription)
        return subscription

    def renew(self, sid: str, timeout: int) -> Subscription | None:
        """
        Extend subscription C{sid} by C{timeout} seconds (clamped) from now.

        @return: the subscription, or L{None} if there is none by that SID.
        """
        subscription = self._subscriptions.get(sid)
        if subscription is None:
            return None
        subscription.timeout = self._clamp(timeout)
        self._schedule(subscription)
        return subscription

    def unsubscribe(self, sid: str) -> Subscription | None:
        """
        End subscription C{sid} now.

        @return: the subscription, or L{None} if there is none by that SID.
        """
        return self._remove(sid, UNSUBSCRIBED)

    def drop(self, sid: str) -> Subscription | None:
        """
        End subscription C{sid} now because its subscriber takes no event
        message (L{DEAD}); a renewal then gets 412, like an expired one.

        @return: the subscription, or L{None} if there is none by that SID.
        """
        return self._remove(sid, DEAD)

    def _expire(self, sid: str) -> None:
        subscription = self._subscriptions.get(sid)
        if subscription is not None:
            subscription.expiry = None
            self._remove(sid, EXPIRED)

    def _remove(self, sid: str, reason: str) -> Subscription | None:
        subscription = self._subscriptions.pop(sid, None)
        if subscription is None:
            return None
        if subscription.expiry is not None and subscription.expiry.active():
            subscription.expiry.cancel()
        subscription.expiry = None
        self.quota.release(subscription.client)
        if self.onRemoved is not None:
            self.onRemoved(subscription, reason)
        return subscription

    def get(self, sid: str) -> Subscription | None:
        """
        The live subscription C{sid}, or L{None}.
        """
        return self._subscriptions.get(sid)

    def __len__(self) -> int:
        return len(self._subscriptions)

    def __iter__(self) -> Iterator[Subscription]:
        return iter(list(self._subscriptions.values()))

    def stop(self) -> None:
        """
        Drop every subscription and cancel every timer.
        """
        for sid in list(self._subscriptions):
            self._remove(sid, STOPPED)
