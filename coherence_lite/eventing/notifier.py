# -*- test-case-name: tests.eventing.test_notifier -*-
"""
Delivery of event messages to the subscribers of one service.

Per subscription, one message is in flight at a time and messages leave in
order.  Values that change while a message is in flight wait in a pending
set, one entry per variable holding its latest value: the next message
carries them all.  A slow or dead subscriber therefore costs one entry per
evented variable, never a queue, and whatever it finally receives is the
current state.

A new subscription's initial event leaves C{initialEventDelay} seconds
after its SUBSCRIBE is answered: a subscriber learns the SID from that
answer, and one that has not read it yet may take the event (200) and drop
it, as GUPnP does.

A message is tried at the subscription's CALLBACK URLs in order until one
answers 2xx.  Each attempt goes through an injected
L{twisted.web.iweb.IAgent} (normally L{deliveryAgent}: literal addresses
only, a connect timeout, no redirects followed, no connection kept) and is
cancelled after C{deliveryTimeout} seconds.  When no URL takes a message,
its values go back under the pending ones (newer values win) and are sent
again after C{retryDelay} seconds, doubling up to C{maxRetryDelay}: the
subscription stays until it expires, and SEQ goes on counting, so the
subscriber sees the gap.

Turns come from a L{DeliverySlots} shared by every notifier of a host: at
most C{maxConcurrentDeliveries} messages on their way at once, at most
C{maxDeliveriesPerHost} to one callback host, at most
C{maxDoubtfulDeliveries} to subscriptions not known to answer (none of their
messages taken yet, or the last one failed); a message waits for its turn
while its subscription's changes keep merging.  A subscription whose last
message failed waits C{stalledTimeout} seconds for an answer instead of
C{deliveryTimeout}; one whose messages all fail for C{deadAfter} seconds is
ended (C{onDead}), as GUPnP and miniupnpd drop subscribers that fail.  So a
subscriber that hangs or fails never delays the others: it holds at most a
few turns, briefly, and not for long.

A message carries at most C{maxBody} bytes and C{maxProperties} variables;
what does not fit goes in the next message, sent as soon as this one is
answered.  (A single variable too large for any message is refused
earlier, by L{coherence_lite.eventing.publisher}.)
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgent, IResponse

from coherence_lite.eventing.agent import BytesProducer, DiscardBody
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.message import formatPropertySet, notifyHeaders
from coherence_lite.eventing.slots import DeliverySlots, Slot
from coherence_lite.eventing.subscriptions import Subscription
from coherence_lite.logbudget import LogBudget
from coherence_lite.stats import Stats

__all__ = ["EMPTY_PROPERTYSET_SIZE", "Notifier", "Property", "deliverySlots", "propertySize"]

log = Logger()

#: A variable's lexical value and the bytes its C{e:property} takes.
Property = tuple[str, int]

#: The bytes of a property set without properties.
EMPTY_PROPERTYSET_SIZE = len(formatPropertySet(()))


def propertySize(name: str, value: str) -> int:
    """
    The bytes one variable adds to a property set.

    @raise ValueError: see L{formatPropertySet}.
    """
    return len(formatPropertySet(((name, value),))) - EMPTY_PROPERTYSET_SIZE


def deliverySlots(limits: EventingLimits) -> DeliverySlots:
    """
    The turns of deliveries that C{limits} allow, for the notifiers of one
    host to share.
    """
    return DeliverySlots(limits.maxConcurrentDeliveries, limits.maxDeliveriesPerHost, limits.maxDoubtfulDeliveries)


class _Queue:
    """
    What one subscription is sent: pending values, the message in flight,
    the retry timer.
    """

    def __init__(self, subscription: Subscription, pending: dict[str, Property]) -> None:
        self.subscription = subscription
        self.pending = pending
        self.ready = False
        self.removed = False
        self.message: dict[str, Property] | None = None
        self.body = b""
        self.seq = 0
        self.index = 0
        self.attempt: Deferred[Any] | None = None
        self.retry: IDelayedCall | None = None
        self.failures = 0
        self.failingSince: float | None = None
        self.answered = False
        self.busy = False
        self.slot: Slot | None = None
        # Turns go by the host of the first CALLBACK URL, where the
        # subscriber normally takes its messages.
        self.host = str(subscription.destinations[0].callback.address)

    @property
    def doubtful(self) -> bool:
        """
        Whether the subscription is not known to answer: none of its
        messages was taken yet, or the last one failed.
        """
        return not self.answered or self.failures > 0


class Notifier:
    """
    Sends the event messages of one service's subscriptions.
    """

    def __init__(
        self,
        agent: IAgent,
        clock: IReactorTime,
        limits: EventingLimits = EventingLimits(),
        stats: Stats | None = None,
        name: str = "",
        slots: DeliverySlots | None = None,
        onDead: Callable[[Subscription], None] | None = None,
    ) -> None:
        """
        @param agent: sends the NOTIFY requests (see L{deliveryAgent}).
        @param clock: for timeouts and retries.
        @param limits: C{deliveryTimeout}, C{stalledTimeout}, C{deadAfter},
            C{maxBody}, C{maxProperties}, C{retryDelay} and C{maxRetryDelay}
            apply.
        @param stats: counts C{eventing.notify.*}.
        @param name: the service, for log lines.
        @param slots: the turns of deliveries, shared with other notifiers;
            new ones from C{limits} (L{deliverySlots}) when L{None}.
        @param onDead: called with a subscription whose messages have all
            failed for C{deadAfter} seconds; it should end the subscription
            (which calls L{remove}).  Without it such a subscription stays
            until it expires.
        """
        self.agent = agent
        self.clock = clock
        self.limits = limits
        self.stats = stats if stats is not None else Stats()
        self.name = name
        self.slots = slots if slots is not None else deliverySlots(limits)
        self.onDead = onDead
        self._queues: dict[str, _Queue] = {}
        self._budget = LogBudget(log, clock)

    def add(self, subscription: Subscription, initial: Mapping[str, Property]) -> None:
        """
        Prepare the initial event of a new subscription (every evented
        variable); it leaves after L{start} is called, once the SUBSCRIBE's
        answer is written.  Changes published meanwhile merge into it.
        """
        self._queues[subscription.sid] = _Queue(subscription, dict(initial))

    def start(self, sid: str) -> None:
        """
        Let subscription C{sid}'s messages go, the initial event first,
        C{initialEventDelay} seconds from now (see L{EventingLimits}).
        """
        queue = self._queues.get(sid)
        if queue is not None and not queue.ready:
            queue.ready = True
            if self.limits.initialEventDelay > 0:
                # The retry timer holds every message back, as after a failure.
                queue.retry = self.clock.callLater(self.limits.initialEventDelay, self._retry, queue)
            else:
                self._kick(queue)

    def publish(self, changes: Mapping[str, Property]) -> None:
        """
        Send changed values to every subscriber: merged into the pending
        set of each, sent now where nothing is in flight.
        """
        for queue in list(self._queues.values()):
            queue.pending.update(changes)
            self._kick(queue)

    def restate(self, values: Mapping[str, Property]) -> None:
        """
        Send every subscriber C{values} as the whole state of the service
        (its declaration changed on a reload): what each had pending is
        replaced by them, so a variable the service no longer events is not
        sent; a message in flight still completes first.
        """
        for queue in list(self._queues.values()):
            queue.pending.clear()
            queue.pending.update(values)
            self._kick(queue)

    def remove(self, sid: str) -> None:
        """
        Forget subscription C{sid}: cancel its message in flight and its
        retry timer.
        """
        queue = self._queues.pop(sid, None)
        if queue is None:
            return
        queue.removed = True
        if queue.retry is not None and queue.retry.active():
            queue.retry.cancel()
        queue.retry = None
        if queue.attempt is not None:
            queue.attempt.cancel()
        self._release(queue)

    def stop(self) -> None:
        """
        Forget every subscription, cancelling all deliveries and timers.
        """
        for sid in list(self._queues):
            self.remove(sid)

    def pendingOf(self, sid: str) -> dict[str, str]:
        """
        The values waiting for subscription C{sid}'s next message.
        """
        queue = self._queues.get(sid)
        return {} if queue is None else {name: value for name, (value, _) in queue.pending.items()}

    def inFlight(self, sid: str) -> bool:
        """
        Whether subscription C{sid} has a message on its way.
        """
        queue = self._queues.get(sid)
        return queue is not None and queue.busy

    def __len__(self) -> int:
        return len(self._queues)

    def _kick(self, queue: _Queue) -> None:
        if queue.ready and not queue.removed and not queue.busy and queue.retry is None and queue.pending:
            self._send(queue)

    def _take(self, queue: _Queue) -> dict[str, Property]:
        message: dict[str, Property] = {}
        size = EMPTY_PROPERTYSET_SIZE
        for name, (value, length) in queue.pending.items():
            if message and (size + length > self.limits.maxBody or len(message) >= self.limits.maxProperties):
                break
            message[name] = (value, length)
            size += length
        for name in message:
            del queue.pending[name]
        return message

    def _send(self, queue: _Queue) -> None:
        queue.busy = True
        turn = self.slots.acquire(queue.host, queue.doubtful)
        queue.attempt = turn
        turn.addCallbacks(self._turn, lambda _: None, callbackArgs=(queue,))

    def _turn(self, slot: Slot, queue: _Queue) -> None:
        # The message is made when its turn comes, so that it carries what
        # changed while it waited.
        queue.attempt = None
        queue.slot = slot
        queue.message = self._take(queue)
        queue.body = formatPropertySet([(name, value) for name, (value, _) in queue.message.items()])
        queue.seq = queue.subscription.takeSeq()
        queue.index = 0
        self._attempt(queue)

    def _release(self, queue: _Queue) -> None:
        slot, queue.slot = queue.slot, None
        if slot is not None:
            self.slots.release(slot)

    def _attempt(self, queue: _Queue) -> None:
        subscription = queue.subscription
        destination = subscription.destinations[queue.index]
        headers = Headers()
        for header, value in notifyHeaders(destination.callback, subscription.sid, queue.seq):
            headers.addRawHeader(header, value)
        attempt: Deferred[IResponse] = maybeDeferred(
            self.agent.request, b"NOTIFY", destination.requestURL, headers, BytesProducer(queue.body)
        )
        timer = self.clock.callLater(self._timeout(queue), attempt.cancel)
        queue.attempt = attempt
        attempt.addCallbacks(
            self._answered, self._failed, callbackArgs=(queue, timer), errbackArgs=(queue, timer)
        )

    def _timeout(self, queue: _Queue) -> float:
        return self.limits.stalledTimeout if queue.failures else self.limits.deliveryTimeout

    def _settle(self, queue: _Queue, timer: IDelayedCall) -> None:
        if timer.active():
            timer.cancel()
        queue.attempt = None

    def _answered(self, response: IResponse, queue: _Queue, timer: IDelayedCall) -> None:
        self._settle(queue, timer)
        response.deliverBody(DiscardBody())
        if queue.removed:
            return
        if 200 <= response.code < 300:
            self.stats.count("eventing.notify.sent")
            queue.answered = True
            queue.failures = 0
            queue.failingSince = None
            queue.message = None
            queue.busy = False
            self._release(queue)
            self._kick(queue)
        else:
            self._next(queue, f"answered {response.code}")

    def _failed(self, failure: Failure, queue: _Queue, timer: IDelayedCall) -> None:
        timedOut = not timer.active() and not queue.removed
        self._settle(queue, timer)
        if queue.removed:
            return
        reason = f"no answer within {self._timeout(queue)} s" if timedOut else failure.getErrorMessage()
        self._next(queue, reason)

    def _next(self, queue: _Queue, reason: str) -> None:
        destination = queue.subscription.destinations[queue.index]
        self.stats.count("eventing.notify.attempts-failed")
        self._budget.debug(
            "Event {seq} of {sid} to {url}: {reason}",
            seq=queue.seq,
            sid=queue.subscription.sid,
            url=destination.callback.url,
            reason=reason,
        )
        queue.index += 1
        if queue.index < len(queue.subscription.destinations):
            self._attempt(queue)
            return
        self.stats.count("eventing.notify.failed")
        assert queue.message is not None
        # Values changed while the message was out are newer: they win.
        queue.pending = {**queue.message, **queue.pending}
        queue.message = None
        queue.busy = False
        self._release(queue)
        queue.failures += 1
        now = self.clock.seconds()
        if queue.failingSince is None:
            queue.failingSince = now
        elif now - queue.failingSince >= self.limits.deadAfter and self.onDead is not None:
            self._dead(queue, now - queue.failingSince)
            return
        delay = min(self.limits.maxRetryDelay, self.limits.retryDelay * 2 ** min(queue.failures - 1, 30))
        self._budget.debug(
            "No CALLBACK URL of {sid} took event {seq}; again in {delay} s",
            sid=queue.subscription.sid,
            seq=queue.seq,
            delay=delay,
        )
        queue.retry = self.clock.callLater(delay, self._retry, queue)

    def _dead(self, queue: _Queue, failing: float) -> None:
        subscription = queue.subscription
        self.stats.count("eventing.subscriptions.dead")
        log.info(
            "Subscription {sid} of {client} to {service} ended: no event message taken for {seconds:.0f} s",
            sid=subscription.sid,
            client=subscription.client,
            service=self.name,
            seconds=failing,
        )
        assert self.onDead is not None
        self.onDead(subscription)
        # In case onDead did not end it: deliveries stop all the same.
        self.remove(subscription.sid)

    def _retry(self, queue: _Queue) -> None:
        queue.retry = None
        self._kick(queue)
