# -*- test-case-name: tests.ssdp.test_registry -*-
"""
The SSDP entries this host knows: its own and those other devices announce.

Every NOTIFY alive/update and every search response refreshes one L{Entry}
(keyed by USN) until its max-age runs out; a byebye or the expiry removes
it.  Observers hear of each entry added, refreshed with new values, and
removed.  A link-local IPv6 LOCATION is kept with the zone of the
interface it was heard on (L{coherence_lite.net.zones.zonedLocation}):
that is how it can be fetched.  The table is bounded, so a flood of
made-up USNs cannot grow it without limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator, Protocol

from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger

from coherence_lite.model.device import LOCAL, REMOTE
from coherence_lite.net.interfaces import Link
from coherence_lite.net.zones import zonedLocation
from coherence_lite.ssdp.advertisement import udnOf
from coherence_lite.ssdp.message import BYEBYE, Address, Headers, Notify, SearchResponse
from coherence_lite.ssdp.protocol import MessageHandler

__all__ = [
    "DEFAULT_MAX_AGE",
    "MAX_ENTRIES",
    "BYEBYE_REASON",
    "EXPIRED",
    "UNREGISTERED",
    "maxAgeOrDefault",
    "Entry",
    "RegistryObserver",
    "EntryRegistry",
]

log = Logger()

#: max-age assumed for announcements without a usable CACHE-CONTROL.
DEFAULT_MAX_AGE = 1800
#: Remote entries kept at most.
MAX_ENTRIES = 4096

BYEBYE_REASON = "byebye"
EXPIRED = "expired"
UNREGISTERED = "unregistered"


def maxAgeOrDefault(maxAge: int | None) -> int:
    """
    How long an entry announced with C{maxAge} is kept, in seconds.

    @param maxAge: the max-age it was announced or registered with, if any
        (see L{coherence_lite.ssdp.parse.parseMaxAge}).
    @return: C{maxAge}, or L{DEFAULT_MAX_AGE} when it is L{None} or not
        positive.
    """
    return maxAge if maxAge is not None and maxAge > 0 else DEFAULT_MAX_AGE


@dataclass(frozen=True)
class Entry:
    """
    One (NT/ST, USN) pair a device advertises.

    @ivar st: the notification type or search target.
    @ivar source: where it was last heard from (L{None} for local entries).
    @ivar manifestation: L{coherence_lite.model.device.LOCAL} (this host's)
        or L{coherence_lite.model.device.REMOTE}.
    @ivar silent: a local entry that is answered for but never announced.
    @ivar lastSeen: the clock's time when it was last heard or registered.
    """

    usn: str
    st: str
    location: str | None
    server: str | None = None
    maxAge: int = DEFAULT_MAX_AGE
    source: Address | None = None
    manifestation: str = REMOTE
    silent: bool = False
    lastSeen: float = 0.0
    bootId: int | None = None
    configId: int | None = None
    headers: Headers = field(default_factory=lambda: Headers(()), compare=False)

    @property
    def udn(self) -> str:
        """
        The device part of the USN (C{uuid:...}).
        """
        return udnOf(self.usn)

    def sameAnnouncement(self, other: "Entry") -> bool:
        """
        Whether C{other} says the same as this entry, apart from when it
        was seen.
        """
        return replace(other, lastSeen=self.lastSeen, source=self.source) == self


class RegistryObserver(Protocol):
    """
    What an L{EntryRegistry} tells its observers.
    """

    def entryAdded(self, entry: Entry) -> None:
        """
        A USN was seen (or registered) for the first time.
        """

    def entryUpdated(self, old: Entry, new: Entry) -> None:
        """
        A known USN was announced again with other values (LOCATION,
        BOOTID, ...).
        """

    def entryRemoved(self, entry: Entry, reason: str) -> None:
        """
        A USN is gone: L{BYEBYE_REASON}, L{EXPIRED} or L{UNREGISTERED}.
        """


class EntryRegistry(MessageHandler):
    """
    The table of known SSDP entries, fed by the
    L{SSDPListener <coherence_lite.ssdp.listener.SSDPListener>} and
    L{Searcher <coherence_lite.controlpoint.search.Searcher>} it observes.

    @ivar dropped: how many new remote entries the full table refused.
    """

    def __init__(self, clock: IReactorTime, maxEntries: int = MAX_ENTRIES) -> None:
        self._clock = clock
        self._maxEntries = maxEntries
        self._entries: dict[str, Entry] = {}
        self._expiries: dict[str, IDelayedCall] = {}
        self._observers: list[RegistryObserver] = []
        self.dropped = 0

    def addObserver(self, observer: RegistryObserver) -> None:
        """
        Tell C{observer} of every entry added, updated and removed from now
        on, after the observers added before it.
        """
        self._observers.append(observer)

    def removeObserver(self, observer: RegistryObserver) -> None:
        """
        Stop telling C{observer} (no-op when it was not observing).
        """
        if observer in self._observers:
            self._observers.remove(observer)

    def __contains__(self, usn: object) -> bool:
        return usn in self._entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, usn: str) -> Entry | None:
        """
        The entry of a USN, if known.
        """
        return self._entries.get(usn)

    def add(self, entry: Entry) -> None:
        """
        Add or refresh an entry; remote entries expire after their max-age.
        """
        old = self._entries.get(entry.usn)
        if old is None and entry.manifestation == REMOTE and self._remoteCount() >= self._maxEntries:
            self.dropped += 1
            log.debug("Entry table full; not tracking {usn}", usn=entry.usn)
            return
        self._entries[entry.usn] = entry
        self._scheduleExpiry(entry)
        for observer in list(self._observers):
            if old is None:
                observer.entryAdded(entry)
            elif not old.sameAnnouncement(entry):
                observer.entryUpdated(old, entry)

    def remove(self, usn: str, reason: str = UNREGISTERED) -> Entry | None:
        """
        Forget an entry and tell the observers why.

        @return: the entry, or L{None} when it was not known.
        """
        entry = self._entries.pop(usn, None)
        call = self._expiries.pop(usn, None)
        if call is not None and call.active():
            call.cancel()
        if entry is not None:
            for observer in list(self._observers):
                observer.entryRemoved(entry, reason)
        return entry

    def clear(self) -> None:
        """
        Cancel every expiry timer and forget every entry, silently.
        """
        for call in self._expiries.values():
            if call.active():
                call.cancel()
        self._expiries.clear()
        self._entries.clear()

    def _remoteCount(self) -> int:
        return sum(1 for entry in self._entries.values() if entry.manifestation == REMOTE)

    def _scheduleExpiry(self, entry: Entry) -> None:
        call = self._expiries.pop(entry.usn, None)
        if call is not None and call.active():
            call.cancel()
        if entry.manifestation == REMOTE:
            self._expiries[entry.usn] = self._clock.callLater(
                entry.maxAge, self._expire, entry.usn
            )

    def _expire(self, usn: str) -> None:
        self._expiries.pop(usn, None)
        self.remove(usn, EXPIRED)

    def _remote(self, st: str, message: Notify | SearchResponse, source: Address, link: Link) -> Entry:
        return Entry(
            usn=message.usn,
            st=st,
            location=None if message.location is None else zonedLocation(message.location, link.interface),
            server=message.server,
            maxAge=maxAgeOrDefault(message.maxAge),
            source=source,
            lastSeen=self._clock.seconds(),
            bootId=message.bootId,
            configId=message.configId,
            headers=message.headers,
        )

    # MessageHandler
    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Track an alive/update, forget on byebye.
        """
        if notify.nts == BYEBYE:
            known = self._entries.get(notify.usn)
            if known is not None and known.manifestation == REMOTE:
                self.remove(notify.usn, BYEBYE_REASON)
        elif notify.location is not None:
            self._addRemote(self._remote(notify.nt, notify, source, link))

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        Track a search response.
        """
        self._addRemote(self._remote(response.st, response, source, link))

    def _addRemote(self, entry: Entry) -> None:
        known = self._entries.get(entry.usn)
        if known is not None and known.manifestation == LOCAL:
            return
        self.add(entry)
