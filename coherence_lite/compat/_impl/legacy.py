# -*- test-case-name: tests.compat.test_testmode,tests.compat.test_announcing,tests.compat.test_signals -*-
"""
The calls Coherence code makes on its SSDP server besides registering and
receiving datagrams: header-dict entry points, explicit alive and byebye,
the named callbacks, and the few
internals Coherence and Cohen3 code reached for (C{service_seen},
C{check_valid}).

L{CoherenceCalls} is a base class of
L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>}, kept apart so that
each file stays readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from twisted.logger import Logger

from coherence_lite.compat._impl.adapters import messageFrom
from coherence_lite.compat._impl.known import KnownTable
from coherence_lite.compat._impl.observers import Callbacks
from coherence_lite.compat._impl.registrations import LocalRegistrations
from coherence_lite.model.device import REMOTE
from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.message import Address, MSearch, Notify
from coherence_lite.ssdp.registry import EXPIRED, EntryRegistry
from coherence_lite.ssdp.host import SSDPService

__all__ = ["NOTIFY_REPEAT", "CoherenceCalls"]

log = Logger()

#: Coherence sent each explicit alive (L{CoherenceCalls.doNotify}) twice.
NOTIFY_REPEAT = 2


class CoherenceCalls:
    """
    Coherence's explicit sending, callbacks and internals, on the state of
    an L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>}.
    """

    known: KnownTable
    registry: EntryRegistry
    service: SSDPService
    reactor: Reactor
    _registrations: LocalRegistrations
    _callbacks: Callbacks
    register: Callable[..., None]
    _linkFor: Callable[[str], Link | None]

    def notifyReceived(self, headers: Mapping[str, object], addr: Address) -> None:
        """
        Handle a NOTIFY given as Coherence's header dict (lower-case names):
        remember the USN on alive, forget it on byebye.

        An entry point, not a hook: datagrams do not pass through it.
        """
        message = messageFrom("NOTIFY * HTTP/1.1", headers)
        link = self._linkFor(addr[0])
        if not isinstance(message, Notify) or link is None:
            log.debug("NOTIFY from {host} ignored: {message!r}", host=addr[0], message=message)
            return
        self.service.notifyReceived(message, addr, link)

    def discoveryRequest(self, headers: Mapping[str, object], addr: Address) -> None:
        """
        Handle an M-SEARCH given as Coherence's header dict (lower-case
        names), as if sent to the group: matching local registrations answer
        C{addr} within MX.

        An entry point, not a hook: datagrams do not pass through it.
        """
        message = messageFrom("M-SEARCH * HTTP/1.1", headers)
        link = self._linkFor(addr[0])
        if not isinstance(message, MSearch) or link is None:
            log.debug("M-SEARCH from {host} ignored: {message!r}", host=addr[0], message=message)
            return
        self.service.searchReceived(message, addr, link, True)

    # Sending

    def doNotify(self, usn: str) -> None:
        """
        Send the ssdp:alive of a local, not silent registration now, twice,
        on every link.  Remote USNs are not ours to announce: ignored.
        """
        registration = self._registrations.get(usn)
        if registration is None:
            log.warn("Not announcing {usn}: not registered here as local", usn=usn)
            return
        if registration.silent:
            return
        log.debug("Sending alive for {usn}", usn=usn)
        for _ in range(NOTIFY_REPEAT):
            self.service.sendAlive([registration.publication])

    def doByebye(self, usn: str) -> None:
        """
        Send the ssdp:byebye of a local registration now, once, on every
        link; it stays registered.  Remote USNs are not ours: ignored.
        """
        registration = self._registrations.get(usn)
        if registration is None:
            log.warn("Not sending byebye for {usn}: not registered here as local", usn=usn)
            return
        log.debug("Sending byebye for {usn}", usn=usn)
        self.service.sendByebye([registration.publication])

    def resendNotify(self) -> None:
        """
        L{doNotify} every local registration.  The core re-announces on its
        own; this is for code that calls it explicitly.
        """
        for usn in list(self._registrations):
            self.doNotify(usn)


    def subscribe(self, name: str, callback: Callable[..., object]) -> None:
        """
        Call C{callback} on L{callback}C{(name, ...)}.  The server itself
        calls C{'new_device'} and C{'removed_device'} with
        C{(device_type, infos)}, as the signals, after the current call
        returns.
        """
        self._callbacks.subscribe(name, callback)

    def unsubscribe(self, name: str, callback: Callable[..., object]) -> None:
        """
        Stop calling C{callback} for C{name} (no-op when it was not
        subscribed).
        """
        self._callbacks.unsubscribe(name, callback)

    def callback(self, name: str, *args: object) -> None:
        """
        Call every callback subscribed to C{name} with C{args}, now.  One
        that raises is logged and the others still run.
        """
        self._callbacks.call(name, *args)

    # Coherence's internals that its users reached for

    def service_seen(self, host: str, service_type: str, headers: Mapping[str, Any]) -> bool:
        """
        Coherence's C{service_seen}: a remote USN was heard from C{host}
        (header dict with lower-case C{usn}, C{location}, C{server},
        C{cache-control}); register it if new, else refresh its
        C{last-seen}.

        @return: whether the USN was new.
        """
        usn = str(headers.get("usn", ""))
        if usn in self.registry:
            entry = self.known.get(usn)
            if entry is not None:
                entry["last-seen"] = self.reactor.seconds()
            return False
        self.register(
            REMOTE,
            usn,
            service_type,
            str(headers.get("location", "")),
            str(headers.get("server", "")),
            str(headers.get("cache-control", "max-age=1800")),
            host=host,
        )
        return usn in self.registry

    def check_valid(self) -> None:
        """
        Cohen3's C{check_valid}: forget the remote entries whose max-age
        has run out now.  The server's own timers do the same as each one
        lapses; this is for code that calls it explicitly.
        """
        now = self.reactor.seconds()
        for entry in list(self.registry):
            if entry.manifestation == REMOTE and entry.lastSeen + entry.maxAge <= now:
                self.registry.remove(entry.usn, EXPIRED)
