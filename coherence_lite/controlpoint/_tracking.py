# -*- test-case-name: tests.controlpoint.test_tracker -*-
"""
The bookkeeping of L{coherence_lite.controlpoint.tracker.DeviceTracker}:
the devices it described, the fetches under way and failed, how many
registry entries keep each alive, and the decisions read from them (when
a device must be fetched again, which of its other addresses to try).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall

from coherence_lite.controlpoint.fetch import locationProblem
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.ssdp.registry import Entry

__all__ = ["Tracked", "Pending", "Failed", "TrackerState", "refetchReason"]


@dataclass(eq=False)
class Tracked:
    """
    A described root device and what it was fetched for.

    @ivar udns: lower-cased UDNs whose entries keep it alive: its tree's,
        and any other that was announced with its LOCATION.
    """

    root: RemoteRootDevice
    udns: frozenset[str]
    bootId: int | None
    configId: int | None


def refetchReason(tracked: Tracked, entry: Entry) -> str | None:
    """
    Why C{entry} means the device must be fetched again, if it does.
    """
    if entry.bootId is not None and tracked.bootId is not None and entry.bootId != tracked.bootId:
        return f"BOOTID changed from {tracked.bootId} to {entry.bootId}"
    if entry.configId is not None and tracked.configId is not None and entry.configId != tracked.configId:
        return f"CONFIGID changed from {tracked.configId} to {entry.configId}"
    if entry.location != tracked.root.location and (entry.bootId is None or tracked.bootId is None):
        # A UDA 1.1 device changes BOOTID when its address changes; the
        # same BOOTID with another LOCATION is another of its interfaces.
        return f"LOCATION changed to {entry.location}"
    return None


@dataclass(eq=False)
class Pending:
    """
    A description being fetched, and the entries waiting for it.
    """

    location: str
    entry: Entry
    udns: set[str]
    deferred: Deferred[bytes] | None = None
    cancelled: bool = False
    #: Entries of the same devices heard at other LOCATIONs meanwhile (the
    #: device's other addresses), by LOCATION: tried when this one fails.
    alternatives: dict[str, Entry] = field(default_factory=dict)


@dataclass(eq=False)
class Failed:
    """
    A description that could not be used, until it is tried again.
    """

    location: str
    udns: set[str]
    bootId: int | None
    configId: int | None
    recheck: IDelayedCall | None = None


@dataclass
class TrackerState:
    """
    Everything a tracker knows, indexed for the questions it asks.

    @ivar roots: the described root devices, by lower-cased root UDN.
    @ivar byUdn: the same, by every lower-cased UDN that keeps them alive.
    """

    roots: dict[str, Tracked] = field(default_factory=dict)
    byUdn: dict[str, Tracked] = field(default_factory=dict)
    #: Fetches under way, by location and by every UDN waiting for them.
    pending: dict[str, Pending] = field(default_factory=dict)
    pendingByUdn: dict[str, Pending] = field(default_factory=dict)
    failed: dict[str, Failed] = field(default_factory=dict)
    #: Failures in a row, by location: only the first is a warning.
    failures: dict[str, int] = field(default_factory=dict)
    #: How many registry entries there are of each UDN and at each
    #: location, so that "is anything left?" needs no scan.
    entriesOfUdn: Counter[str] = field(default_factory=Counter)
    entriesAt: Counter[str] = field(default_factory=Counter)

    def count(self, entry: Entry, step: int) -> None:
        """
        Count an entry in (C{step} 1) or out (-1).
        """
        for counter, key in ((self.entriesOfUdn, entry.udn.lower()), (self.entriesAt, entry.location)):
            if key is None:
                continue
            counter[key] += step
            if counter[key] <= 0:
                del counter[key]

    def addPending(self, pending: Pending, udn: str) -> None:
        """
        Make the entries of C{udn} wait for C{pending}.
        """
        pending.udns.add(udn)
        self.pendingByUdn[udn] = pending

    def dropPending(self, pending: Pending) -> None:
        """
        Forget a fetch, finished or abandoned.
        """
        if self.pending.get(pending.location) is pending:
            del self.pending[pending.location]
        for udn in pending.udns:
            if self.pendingByUdn.get(udn) is pending:
                del self.pendingByUdn[udn]

    def nextAlternative(self, pending: Pending) -> tuple[Entry, dict[str, Entry]] | None:
        """
        After C{pending} failed, the entry of another LOCATION of the same
        device to fetch now, with the alternatives still left after it; or
        L{None} when none is worth trying (already failed or being fetched,
        its device known or gone, or a LOCATION refused).
        """
        for location, entry in pending.alternatives.items():
            udn = entry.udn.lower()
            busy = location in self.failed or location in self.pending or udn in self.byUdn or udn in self.pendingByUdn
            source = None if entry.source is None else str(entry.source[0])
            if busy or udn not in self.entriesOfUdn or locationProblem(location, source) is not None:
                continue
            others = {other: candidate for other, candidate in pending.alternatives.items() if other != location}
            return entry, others
        return None
