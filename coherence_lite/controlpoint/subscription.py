# -*- test-case-name: tests.controlpoint.test_subscriber,tests.controlpoint.test_subscription -*-
"""
One subscription to one service's events (UDA 2.0 section 4): the
L{Subscription} a L{coherence_lite.controlpoint.subscriber.Subscriber}
makes.

It keeps the events in SEQ order (L{EventOrder}: a gap that does not fill
is reported in L{Event.missed}), renews
at half the granted time, and restores itself: L{Subscription.restore}
checks with a renewal that the device still knows the SID and subscribes
afresh when it does not (after a restart), when events were missed (the
new subscription's first event carries every value) or when the device
moved.  What happens besides events is told as a L{Notice}.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.task import deferLater
from twisted.logger import Logger

from coherence_lite._reactor import Reactor
from coherence_lite.controlpoint.callbacks import CallbackServer
from coherence_lite.controlpoint.exchange import ExchangeError, Reply
from coherence_lite.controlpoint.fetch import FetchError, Fetcher
from coherence_lite.controlpoint.ordering import EventOrder
from coherence_lite.net.zones import urlHost
from coherence_lite.controlpoint.gena import (
    CONFIRMED,
    ENDED,
    LOST,
    RESUBSCRIBED,
    Event,
    Notice,
    SubscribeError,
    grantOf,
    renewHeaders,
    subscribeHeaders,
    unsubscribeHeaders,
)
from coherence_lite.controlpoint.description import DescriptionError, parseDescription
from coherence_lite.controlpoint.remote import RemoteService
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.eventing.message import EventNotify
from coherence_lite.model.codecs import decodeValue
from coherence_lite.model.types import DataTypeError, Value

__all__ = ["Owner", "Subscription"]

log = Logger()


class Owner(Protocol):
    """
    What a subscription needs of the
    L{Subscriber <coherence_lite.controlpoint.subscriber.Subscriber>} that
    made it (its settings, its exchanges and its callback servers).
    """

    reactor: Reactor
    requested: int
    maxPending: int
    gapWait: float
    resubscribeOnGap: bool
    restoreAttempts: int
    restoreDelay: float

    @property
    def fetcher(self) -> Fetcher:
        """
        What gets descriptions again.
        """

    def gena(self, method: bytes, url: str, headers: list[tuple[bytes, bytes]]) -> Deferred[Reply]:
        """
        Send one GENA request.
        """

    def serverFor(self, host: str) -> CallbackServer:
        """
        The callback server events from C{host} reach.
        """

    def _forget(self, subscription: Subscription) -> None:
        """
        Drop an ended subscription.
        """


class _Restore:
    """
    What a restoration asked for while another was under way does, merged.
    """

    def __init__(self, reason: str, fresh: bool, endOld: bool, location: str | None, announce: bool) -> None:
        self.reason, self.fresh, self.endOld, self.location, self.announce = reason, fresh, endOld, location, announce

    def merge(self, other: "_Restore") -> "_Restore":
        return _Restore(
            other.reason,
            self.fresh or other.fresh,
            self.endOld or other.endOld,
            other.location or self.location,
            self.announce or other.announce,
        )


class Subscription:
    """
    One subscription to one service; made by L{Subscriber.subscribe}.

    @ivar sid: the device's subscription id (L{None} until it answers).
    @ivar timeout: the seconds the device granted last.
    @ivar callbackURL: where the device delivers.
    @ivar service: the service subscribed to (a new one when the device
        moved).
    """

    def __init__(
        self,
        subscriber: Owner,
        service: RemoteService,
        onEvent: Callable[[Event], None],
        scpd: SCPD | None,
        server: CallbackServer,
        token: str,
        onNotice: Callable[[Notice], None] | None = None,
    ) -> None:
        self.service = service
        self._subscriber = subscriber
        self._onEvent = onEvent
        self._onNotice = onNotice
        self._scpd = scpd
        self._server = server
        self._token = token
        self.callbackURL = server.urlFor(token)
        self.sid: str | None = None
        self.timeout = 0
        self._order = EventOrder(subscriber.reactor, subscriber.maxPending, subscriber.gapWait, self._deliver, self._gapSkipped)
        self._early: list[tuple[EventNotify, tuple[tuple[str, str], ...]]] = []
        self._renewCall: IDelayedCall | None = None
        self._subscribing = False
        self._restoring = False
        self._again: _Restore | None = None
        self._ended = False

    # NotifyTarget
    def notifyReceived(self, notify: EventNotify, properties: tuple[tuple[str, str], ...]) -> int:
        """
        Take an event message: deliver those of the SID in SEQ order; keep
        the others while a SUBSCRIBE is unanswered (its first event may
        come first); refuse the rest (412).
        """
        if self._ended:
            return 412
        if self.sid is not None and notify.sid == self.sid:
            self._arrived(notify.seq, properties)
            return 200
        if self.sid is None or self._subscribing:
            if len(self._early) >= self._subscriber.maxPending:
                return 412
            self._early.append((notify, properties))
            return 200
        return 412

    def _granted(self, sid: str, timeout: int) -> None:
        if sid != self.sid:
            self.sid = sid
            self._order.reset()
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
        self._order.arrived(Event(self.sid, seq, properties, self._decode(properties)))

    def _gapSkipped(self, missed: int) -> None:
        if self._subscriber.resubscribeOnGap:
            self.restore(f"{missed} event(s) missed", fresh=True, endOld=True)

    def _deliver(self, event: Event) -> None:
        try:
            self._onEvent(event)
        except Exception:
            log.failure("The event callback of {sid} failed", sid=event.sid)

    def tell(self, kind: str, reason: str) -> None:
        """
        Hand a L{Notice} to the subscription's notice callback, if any.
        """
        if self._onNotice is None:
            return
        try:
            self._onNotice(Notice(kind, reason, self.sid))
        except Exception:
            log.failure("The notice callback of {sid} failed", sid=self.sid)

    def _scheduleRenewal(self, delay: float) -> None:
        if self._renewCall is not None and self._renewCall.active():
            self._renewCall.cancel()
        self._renewCall = self._subscriber.reactor.callLater(delay, self._renew)

    def _renew(self) -> None:
        self._renewCall = None
        if self._restoring:
            return
        assert self.service.eventSubURL is not None and self.sid is not None
        d = self._subscriber.gena(b"SUBSCRIBE", self.service.eventSubURL, renewHeaders(self.sid, self._subscriber.requested))
        d.addCallback(self._renewed)
        d.addErrback(lambda failure: self._retry(failure.getErrorMessage()))

    def _renewed(self, reply: Reply) -> None:
        grant = grantOf(reply)
        if isinstance(grant, tuple):
            self._granted(*grant)
        elif reply.code == 412:
            self.restore("the device had forgotten the subscription (renewal answered 412)", fresh=True)
        else:
            self._retry(grant)

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
            L{SubscribeError} (or L{ExchangeError} when there was no usable
            answer).
        """
        assert self.service.eventSubURL is not None
        url = self.service.eventSubURL
        self._subscribing = True
        d = self._subscriber.gena(b"SUBSCRIBE", url, subscribeHeaders(f"<{self.callbackURL}>", self._subscriber.requested))

        def answered(reply: Reply) -> None:
            grant = grantOf(reply)
            if isinstance(grant, str):
                raise SubscribeError(f"SUBSCRIBE to {url} refused: {grant}", reply.code)
            if self._ended:
                # Unsubscribed while this SUBSCRIBE was on its way.
                self._endQuietly(url, grant[0])
                return
            self._granted(*grant)

        def done(result: object) -> object:
            self._subscribing = False
            return result

        return d.addCallback(answered).addBoth(done)

    def restore(
        self,
        reason: str,
        *,
        fresh: bool = False,
        endOld: bool = False,
        location: str | None = None,
        announce: bool = True,
    ) -> None:
        """
        Make sure the device knows this subscription: renew it, and when
        the device does not know it any more, subscribe again; a few tries,
        C{restoreDelay} seconds apart and doubling, then a L{LOST} notice.

        @param reason: what prompted it, for the notices.
        @param fresh: subscribe again without trying a renewal first.
        @param endOld: once subscribed again, unsubscribe the old SID (the
            device may still deliver to it).
        @param location: the device's new LOCATION: its description is
            fetched again for the service's new URLs.
        @param announce: tell a L{CONFIRMED} notice when the device still
            knew the subscription (the others are always told).
        """
        if self._ended:
            return
        request = _Restore(reason, fresh, endOld, location, announce)
        if self._restoring:
            self._again = request if self._again is None else self._again.merge(request)
            return
        self._restoring = True
        Deferred.fromCoroutine(self._restore(request)).addErrback(
            lambda failure: log.failure("Restoring the subscription to {url} failed", failure, url=self.service.eventSubURL)
        )

    async def _restore(self, request: _Restore) -> None:
        subscriber = self._subscriber
        previous = (self.service.eventSubURL, self.sid)
        fresh, location, problem = request.fresh, request.location, ""
        try:
            for attempt in range(subscriber.restoreAttempts):
                if attempt:
                    await deferLater(subscriber.reactor, subscriber.restoreDelay * 2 ** (attempt - 1))
                if self._ended:
                    return
                if self._again is not None:
                    # Asked again meanwhile (the device's new LOCATION heard
                    # after its new BOOTID): this try does both.
                    request, self._again = request.merge(self._again), None
                    fresh, location = fresh or request.fresh, location or request.location
                try:
                    if location is not None:
                        await self._relocate(location)
                        location, fresh = None, True
                    kept = await self._confirm(fresh)
                except (ExchangeError, FetchError, SubscribeError) as e:
                    problem = e.reason
                    continue
                if kept:
                    if request.announce:
                        self.tell(CONFIRMED, f"{request.reason}; still subscribed")
                    return
                if request.endOld or previous[0] != self.service.eventSubURL:
                    self._endQuietly(*previous)
                self.tell(RESUBSCRIBED, f"{request.reason}; subscribed again")
                return
            self.tell(LOST, f"{request.reason}; could not subscribe again: {problem}")
            self._scheduleRenewal(max(1.0, self.timeout / 8))
        finally:
            self._restoring = False
            again, self._again = self._again, None
            if again is not None:
                self.restore(
                    again.reason, fresh=again.fresh, endOld=again.endOld, location=again.location, announce=again.announce
                )

    async def _confirm(self, fresh: bool) -> bool:
        """
        Renew (unless C{fresh}); subscribe again when that is refused.

        @return: whether the device still knew the subscription.
        """
        assert self.service.eventSubURL is not None
        if self.sid is not None and not fresh:
            reply = await self._subscriber.gena(
                b"SUBSCRIBE", self.service.eventSubURL, renewHeaders(self.sid, self._subscriber.requested)
            )
            grant = grantOf(reply)
            if isinstance(grant, tuple):
                self._granted(*grant)
                return True
            if not 400 <= reply.code < 500:
                raise SubscribeError(f"renewal answered {grant}", reply.code)
        await self.start()
        return False

    async def _relocate(self, location: str) -> None:
        """
        Fetch the description at C{location} and take the service's URLs
        (and a callback server reaching the new host) from it.
        """
        root = parseDescription(await self._subscriber.fetcher.fetch(location), location)
        if isinstance(root, DescriptionError):
            raise SubscribeError(f"{location} is not a usable description: {root.reason}")
        udn = (self.service.device.UDN if self.service.device is not None else root.UDN).lower()
        found = [
            service
            for device in root.allDevices()
            if device.UDN.lower() == udn
            for service in device.services
            if service.serviceId == self.service.serviceId and service.eventSubURL is not None
        ]
        if not found:
            raise SubscribeError(f"{location} no longer offers {self.service.serviceId} with events")
        assert found[0].eventSubURL is not None
        host = urlHost(found[0].eventSubURL) or ""
        try:
            server = self._subscriber.serverFor(host)
        except (OSError, ValueError) as e:
            raise SubscribeError(f"cannot listen for events from {host}: {e}") from None
        if server is not self._server:
            self._server.remove(self._token)
            server.add(self._token, self)
            self._server, self.callbackURL = server, server.urlFor(self._token)
        self.service = found[0]

    def _endQuietly(self, url: str | None, sid: str | None) -> None:
        if url is None or sid is None or sid == self.sid:
            return
        d = self._subscriber.gena(b"UNSUBSCRIBE", url, unsubscribeHeaders(sid))
        d.addErrback(lambda failure: log.info("UNSUBSCRIBE {sid} failed: {reason}", sid=sid, reason=failure.getErrorMessage()))

    def _end(self) -> None:
        self._ended = True
        if self._renewCall is not None and self._renewCall.active():
            self._renewCall.cancel()
        self._renewCall = None
        self._order.stop()
        self._server.remove(self._token)
        self._subscriber._forget(self)

    def unsubscribe(self) -> Deferred[None]:
        """
        End the subscription: stop renewing and send C{UNSUBSCRIBE}.  An
        answer 412 means the device had ended it already: told as an
        L{ENDED} notice.

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
        if reply.code == 412:
            self.tell(ENDED, f"the subscription {sid} had already ended (UNSUBSCRIBE answered 412)")
        elif reply.code != 200:
            log.info("UNSUBSCRIBE {sid} answered HTTP status {code}", sid=sid, code=reply.code)
