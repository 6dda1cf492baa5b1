# -*- test-case-name: tests.compat.test_signals,tests.compat.test_announcing -*-
"""
What an L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>} hangs on the
core to behave like Coherence's:

    - L{RegistrySignals} watches the L{EntryRegistry} for root devices
      coming and going (Coherence's C{new_device} / C{removed_device});
    - L{LogSignals} sends Coherence's C{Coherence.UPnP.Log} lines for the
      messages the core receives;
    - L{QuietAnswers} answers searches for silent registrations;
    - L{Callbacks} holds the callbacks of Coherence's C{subscribe}.
"""

from __future__ import annotations

from typing import Callable

from twisted.logger import Logger

from coherence_lite.net.interfaces import Link
from coherence_lite.compat.signals import (
    LOG,
    NEW_DEVICE,
    NEW_DEVICE_CALLBACK,
    REMOVED_DEVICE,
    REMOVED_DEVICE_CALLBACK,
    SignalSender,
)
from coherence_lite.ssdp.advertisement import ALL, ROOT_DEVICE
from coherence_lite.ssdp.catalogue import Catalogue
from coherence_lite.ssdp.message import Address, MSearch, Notify
from coherence_lite.ssdp.protocol import MessageHandler
from coherence_lite.ssdp.registry import Entry
from coherence_lite.ssdp.responder import Responder

__all__ = ["DeviceEvent", "RegistrySignals", "LogSignals", "QuietAnswers", "Callbacks"]

log = Logger()

#: Called with a signal name, the name of the matching callback and the
#: entry of the root device concerned.
DeviceEvent = Callable[[str, str, Entry], None]


class RegistrySignals:
    """
    Turns L{EntryRegistry} events about root devices into Coherence's
    C{new_device} / C{removed_device} signals and callbacks.
    """

    def __init__(self, deviceEvent: DeviceEvent) -> None:
        """
        @param deviceEvent: sends the signal and calls the callbacks.
        """
        self._deviceEvent = deviceEvent

    def entryAdded(self, entry: Entry) -> None:
        """
        A root device is new: C{new_device}.
        """
        if entry.st == ROOT_DEVICE:
            self._deviceEvent(NEW_DEVICE, NEW_DEVICE_CALLBACK, entry)

    def entryUpdated(self, old: Entry, new: Entry) -> None:
        """
        A root device back on another LOCATION is another description:
        C{removed_device} for the old one, then C{new_device}.  (Coherence
        kept the stale one; its consumers re-fetch on C{new_device}.)
        """
        if new.st == ROOT_DEVICE and old.location != new.location:
            self._deviceEvent(REMOVED_DEVICE, REMOVED_DEVICE_CALLBACK, old)
            self._deviceEvent(NEW_DEVICE, NEW_DEVICE_CALLBACK, new)

    def entryRemoved(self, entry: Entry, reason: str) -> None:
        """
        A root device is gone: C{removed_device}.
        """
        if entry.st == ROOT_DEVICE:
            self._deviceEvent(REMOVED_DEVICE, REMOVED_DEVICE_CALLBACK, entry)


class LogSignals(MessageHandler):
    """
    Coherence's C{Coherence.UPnP.Log} lines for its log window.
    """

    def __init__(self, signals: SignalSender) -> None:
        self._signals = signals

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Log a NOTIFY as Coherence did.
        """
        self._signals.send(LOG, "SSDP", source[0], f"Notify {notify.nts} for {notify.usn}")

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        Log an M-SEARCH as Coherence did.
        """
        self._signals.send(LOG, "SSDP", source[0], f"M-Search for {search.st}")


class QuietAnswers(MessageHandler):
    """
    Answers searches for silent registrations, except C{ssdp:all}: silent
    entries are found only by those who ask for them by name.

    Coherence registers the older versions of a device or service type as
    silent entries next to the announced current one; the core already
    answers a search for an older version from the current one (UDA's
    version rule), so a search all of whose silent answers the announced
    registrations give already is left to them, and nothing is sent twice.
    """

    def __init__(self, responder: Responder, quiet: Catalogue, announced: Catalogue) -> None:
        """
        @param responder: answers from C{quiet}.
        @param quiet: the silent registrations.
        @param announced: the announced registrations, which the core
            answers.
        """
        self._responder = responder
        self._quiet = quiet
        self._announced = announced

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        Answer from the silent registrations what the announced ones do not.
        """
        if search.st == ALL:
            return
        wanted = {(m.st, m.usn) for _, m in self._quiet.answers(search.st)}
        answered = {(m.st, m.usn) for _, m in self._announced.answers(search.st)}
        if wanted - answered:
            self._responder.searchReceived(search, source, link, multicast)


class Callbacks:
    """
    Callbacks by name, as Coherence's C{SSDPServer.subscribe} keeps them.
    """

    def __init__(self) -> None:
        self._byName: dict[str, list[Callable[..., object]]] = {}

    def subscribe(self, name: str, callback: Callable[..., object]) -> None:
        """
        Call C{callback} when C{name} is called, after those subscribed
        before it.
        """
        self._byName.setdefault(name, []).append(callback)

    def unsubscribe(self, name: str, callback: Callable[..., object]) -> None:
        """
        Stop calling C{callback} for C{name} (no-op when it was not
        subscribed).
        """
        callbacks = self._byName.get(name, [])
        if callback in callbacks:
            callbacks.remove(callback)

    def call(self, name: str, *args: object) -> None:
        """
        Call every callback subscribed to C{name} with C{args}, now.  One
        that raises is logged and the others still run.
        """
        for function in list(self._byName.get(name, ())):
            try:
                function(*args)
            except Exception:
                log.failure("Callback {callback!r} for {name} failed", callback=function, name=name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Callbacks) and other._byName == self._byName

    def __repr__(self) -> str:
        return f"Callbacks({self._byName!r})"
