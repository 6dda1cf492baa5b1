# -*- test-case-name: tests.controlpoint.test_tracker -*-
"""
From SSDP entries to described devices: the control point's table of root
devices.

L{DeviceTracker} observes an L{EntryRegistry}.  The first entry of a device
with a LOCATION (its C{upnp:rootdevice} entry, or any other when that one
was not heard) has its description fetched, once: entries of the same
device, or naming the same LOCATION, wait for the fetch already under way.
A parsed description becomes a L{RemoteRootDevice}, kept by UDN, and is
told to the L{DeviceObserver}s (L{coherence_lite.compat._impl.devicesignals} has the
one that sends Coherence's louie signals).

The device is forgotten when its C{upnp:rootdevice} entry goes (byebye,
expiry, unregistration) or the last entry of any device of its tree does.
An announcement with a new BOOTID.UPNP.ORG or CONFIGID.UPNP.ORG (or, for a
UDA 1.0 device without BOOTID, a new LOCATION) means the device rebooted,
moved or changed its description: it is removed and fetched again.

A device announced at several LOCATIONs (IPv4 and IPv6, several
interfaces) is one device, fetched from the first heard; when that fetch
fails, the other LOCATIONs heard meanwhile are tried in turn at once, so a
dead address never hides a reachable one.

A description that cannot be fetched (after the fetcher's own retries) or
read is logged once at warning level and tried again after
C{recheckAfter} seconds if the device is still announced, or at once when it
announces a new BOOTID or CONFIGID.

Entries of devices this host serves (L{coherence_lite.model.device.LOCAL})
are treated like the others; their devices get the C{local} manifestation.

A LOCATION that L{coherence_lite.controlpoint.fetch.locationProblem}
refuses (no device's address, or loopback announced from elsewhere) is
not fetched; fetches are otherwise bounded by the fetcher (size, time,
concurrency).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator
from urllib.parse import urlsplit

from twisted.application.service import Service
from twisted.internet.defer import CancelledError, maybeDeferred
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger
from twisted.python.failure import Failure

from coherence_lite.controlpoint._tracking import Failed, Pending, Tracked, TrackerState, refetchReason
from coherence_lite.controlpoint.fetch import FetchError, Fetcher, locationProblem
from coherence_lite.controlpoint.description import DescriptionError, parseDescription
from coherence_lite.controlpoint.remote import RemoteDevice, RemoteRootDevice
from coherence_lite.ssdp.advertisement import ROOT_DEVICE
from coherence_lite.ssdp.registry import Entry, EntryRegistry

__all__ = ["RECHECK_AFTER", "DeviceObserver", "DeviceTracker"]

log = Logger()

#: Seconds before a description that could not be used is tried again.
RECHECK_AFTER = 300.0
#: Other LOCATIONs of a device remembered while one is fetched.
MAX_ALTERNATIVES = 8


class DeviceObserver:
    """
    Base for Python objects told about devices by a L{DeviceTracker};
    every method does nothing unless overridden.
    """

    def deviceAdded(self, root: RemoteRootDevice) -> None:
        """
        A root device was described and is now known.
        """

    def deviceRemoved(self, root: RemoteRootDevice) -> None:
        """
        A known root device left, expired, or is about to be fetched again.
        """

    def descriptionFailed(self, location: str, reason: str) -> None:
        """
        The description at C{location} could not be fetched or read.
        """


def _isRootEntry(entry: Entry) -> bool:
    return entry.usn.lower().endswith("::" + ROOT_DEVICE)


class DeviceTracker(Service):
    """
    Keeps a L{RemoteRootDevice} for every root device announced in a
    registry, and tells its L{DeviceObserver}s, synchronously, of every
    device added or removed.

    @param registry: the SSDP entries to follow.
    @param clock: schedules the re-checks of failed descriptions.
    @param fetcher: gets descriptions (normally a
        L{coherence_lite.controlpoint.fetch.RetryingFetcher}).
    @param recheckAfter: seconds before an unusable description is tried
        again, L{None} never to.
    """

    def __init__(
        self,
        registry: EntryRegistry,
        clock: IReactorTime,
        fetcher: Fetcher,
        recheckAfter: float | None = RECHECK_AFTER,
    ) -> None:
        self.registry = registry
        self._clock = clock
        self._fetcher = fetcher
        self._recheckAfter = recheckAfter
        self._state = TrackerState()
        self._observers: list[DeviceObserver] = []

    # Observers.

    def addObserver(self, observer: DeviceObserver) -> None:
        """
        Tell C{observer} of the devices added and removed from now on, after
        the observers added before it.
        """
        if observer not in self._observers:
            self._observers.append(observer)

    def removeObserver(self, observer: DeviceObserver) -> None:
        """
        Stop telling C{observer}; nothing happens if it was not added.
        """
        if observer in self._observers:
            self._observers.remove(observer)

    # Queries.

    def __iter__(self) -> Iterator[RemoteRootDevice]:
        return iter(self.devices())

    def __len__(self) -> int:
        return len(self._state.roots)

    def devices(self) -> list[RemoteRootDevice]:
        """
        The known root devices, in the order they were described.
        """
        return [tracked.root for tracked in self._state.roots.values()]

    def get(self, udn: str) -> RemoteRootDevice | None:
        """
        The root device with this UDN (compared case-insensitively).
        """
        tracked = self._state.roots.get(udn.lower())
        return tracked.root if tracked is not None else None

    def deviceWithId(self, udn: str) -> RemoteDevice | None:
        """
        The device, root or embedded, with this UDN.
        """
        tracked = self._state.byUdn.get(udn.lower())
        if tracked is None:
            return None
        for device in tracked.root.allDevices():
            if device.UDN.lower() == udn.lower():
                return device
        return None

    def pendingLocations(self) -> list[str]:
        """
        The descriptions being fetched right now.
        """
        return list(self._state.pending)

    # Lifecycle.

    def startService(self) -> None:
        """
        Follow the registry, starting with the entries it already holds.
        """
        Service.startService(self)
        self.registry.addObserver(self)
        entries = list(self.registry)
        for entry in entries:
            self._state.count(entry, 1)
        for entry in entries:
            self._consider(entry)

    def stopService(self) -> None:
        """
        Stop following the registry and abandon fetches and re-checks.  The
        devices known so far stay readable.
        """
        Service.stopService(self)
        self.registry.removeObserver(self)
        for pending in list(self._state.pending.values()):
            self._abandon(pending)
        for failed in list(self._state.failed.values()):
            self._forgetFailure(failed)
        self._state.entriesOfUdn.clear()
        self._state.entriesAt.clear()

    # RegistryObserver

    def entryAdded(self, entry: Entry) -> None:
        """
        A USN was seen for the first time.
        """
        self._state.count(entry, 1)
        self._consider(entry)

    def entryUpdated(self, old: Entry, new: Entry) -> None:
        """
        A USN was announced again with other values.
        """
        self._state.count(old, -1)
        self._state.count(new, 1)
        self._consider(new)

    def entryRemoved(self, entry: Entry, reason: str) -> None:
        """
        A USN is gone.
        """
        udn = entry.udn.lower()
        state = self._state
        state.count(entry, -1)
        tracked = state.byUdn.get(udn)
        if tracked is not None:
            if _isRootEntry(entry) or not self._anyEntryOf(tracked.udns):
                self._remove(tracked, reason)
            return
        pending = state.pendingByUdn.get(udn)
        if pending is not None and (_isRootEntry(entry) or not self._anyEntryOf(pending.udns)):
            log.debug("Abandoning the fetch of {location}: {reason}", location=pending.location, reason=reason)
            self._abandon(pending)
        failed = state.failed.get(entry.location or "")
        if failed is not None and not self._anyEntryAt(failed.location):
            self._forgetFailure(failed)

    # Internals.

    def _anyEntryOf(self, udns: frozenset[str] | set[str]) -> bool:
        return any(udn in self._state.entriesOfUdn for udn in udns)

    def _anyEntryAt(self, location: str) -> bool:
        return location in self._state.entriesAt

    def _consider(self, entry: Entry) -> None:
        location = entry.location
        if location is None:
            return
        udn = entry.udn.lower()
        state = self._state
        tracked = state.byUdn.get(udn)
        if tracked is not None:
            change = refetchReason(tracked, entry)
            if change is not None:
                self._remove(tracked, change)
                self._fetch(entry)
            return
        pending = state.pendingByUdn.get(udn) or state.pending.get(location)
        if pending is not None:
            state.addPending(pending, udn)
            if location != pending.location and len(pending.alternatives) < MAX_ALTERNATIVES:
                pending.alternatives.setdefault(location, entry)
            return
        failed = state.failed.get(location)
        if failed is not None:
            if (entry.bootId, entry.configId) == (failed.bootId, failed.configId):
                failed.udns.add(udn)
                return
            self._forgetFailure(failed)
        problem = locationProblem(location, None if entry.source is None else str(entry.source[0]))
        if problem is not None:
            log.debug("Not fetching {location} for {usn}: {problem}", location=location, usn=entry.usn, problem=problem)
            return
        self._fetch(entry)

    def _fetch(self, entry: Entry, alternatives: dict[str, Entry] | None = None) -> None:
        assert entry.location is not None
        existing = self._state.pending.get(entry.location)
        if existing is not None:
            self._state.addPending(existing, entry.udn.lower())
            return
        pending = Pending(entry.location, entry, set(), alternatives=dict(alternatives or {}))
        self._state.pending[pending.location] = pending
        self._state.addPending(pending, entry.udn.lower())
        log.debug("Fetching the description of {udn} from {location}", udn=entry.udn, location=pending.location)
        deferred = maybeDeferred(self._fetcher.fetch, pending.location)
        if not pending.cancelled and self._state.pending.get(pending.location) is pending:
            pending.deferred = deferred
        deferred.addCallbacks(
            self._fetched, self._fetchFailed, callbackArgs=(pending,), errbackArgs=(pending,)
        )
        deferred.addErrback(
            lambda failure: log.failure(
                "Handling the description at {location} failed", failure, location=pending.location
            )
        )

    def _abandon(self, pending: Pending) -> None:
        pending.cancelled = True
        self._state.dropPending(pending)
        if pending.deferred is not None and not pending.deferred.called:
            pending.deferred.cancel()

    def _done(self, pending: Pending) -> bool:
        """
        Forget a finished fetch; whether its result still matters.
        """
        self._state.dropPending(pending)
        return not pending.cancelled

    def _fetched(self, body: bytes, pending: Pending) -> None:
        if not self._done(pending):
            return
        parsed = parseDescription(body, pending.location)
        if isinstance(parsed, DescriptionError):
            self._failed(pending, f"unusable description: {parsed.reason}")
            return
        state = self._state
        state.failures.pop(pending.location, None)
        tree = frozenset(device.UDN.lower() for device in parsed.allDevices())
        known = [state.byUdn[udn] for udn in tree if udn in state.byUdn]
        if known:
            log.debug(
                "{location} describes {udn}, already known from {other}",
                location=pending.location,
                udn=parsed.UDN,
                other=known[0].root.location,
            )
            return
        udns = tree | pending.udns
        if not self._anyEntryOf(udns):
            log.debug("{udn} left while its description was fetched", udn=parsed.UDN)
            return
        if not pending.udns & tree:
            log.info(
                "The description at {location} is of {udn}, announced as {announced}",
                location=pending.location,
                udn=parsed.UDN,
                announced=", ".join(sorted(pending.udns)),
            )
        entry = self.registry.get(parsed.usn) or pending.entry
        source = entry.source[0] if entry.source else None
        root = replace(
            parsed,
            server=entry.server,
            bootId=entry.bootId,
            configId=parsed.configId if parsed.configId is not None else entry.configId,
            host=source or urlsplit(pending.location).hostname or "",
            manifestation=entry.manifestation,
        )
        tracked = Tracked(root, udns, entry.bootId, entry.configId)
        state.roots[root.UDN.lower()] = tracked
        for udn in udns:
            state.byUdn[udn] = tracked
        log.info(
            "Found {name!r} ({type}) at {location}",
            name=root.friendlyName,
            type=root.deviceType,
            location=root.location,
        )
        self._tell("deviceAdded", root)

    def _fetchFailed(self, failure: Failure, pending: Pending) -> None:
        if not self._done(pending) or failure.check(CancelledError):
            return
        if failure.check(FetchError):
            reason = failure.value.reason
        else:
            log.failure("Fetching {location} failed unexpectedly", failure, location=pending.location)
            reason = failure.getErrorMessage()
        self._failed(pending, reason)

    def _failed(self, pending: Pending, reason: str) -> None:
        state = self._state
        times = state.failures.get(pending.location, 0) + 1
        state.failures[pending.location] = times
        failed = Failed(pending.location, set(pending.udns), pending.entry.bootId, pending.entry.configId)
        state.failed[failed.location] = failed
        emit = log.warn if times == 1 else log.info
        emit(
            "Cannot use the description of {udns} at {location}: {reason}",
            udns=", ".join(sorted(pending.udns)),
            location=pending.location,
            reason=reason,
        )
        if self._recheckAfter is not None:
            failed.recheck = self._clock.callLater(self._recheckAfter, self._recheck, failed)
        self._tell("descriptionFailed", pending.location, reason)
        self._tryAlternative(pending)

    def _tryAlternative(self, pending: Pending) -> None:
        """
        Fetch the same device at another of its addresses (announced while
        the failed fetch was under way), if one is left to try.
        """
        alternative = self._state.nextAlternative(pending)
        if alternative is not None:
            entry, others = alternative
            log.info("Trying {udn} at its other address {location}", udn=entry.udn, location=entry.location)
            self._fetch(entry, others)

    def _recheck(self, failed: Failed) -> None:
        if self._state.failed.get(failed.location) is not failed:
            return
        del self._state.failed[failed.location]
        entries = [entry for entry in self.registry if entry.location == failed.location]
        if not entries:
            self._state.failures.pop(failed.location, None)
            return
        roots = [entry for entry in entries if _isRootEntry(entry)]
        log.debug("Trying the description at {location} again", location=failed.location)
        self._fetch((roots or entries)[0])

    def _forgetFailure(self, failed: Failed) -> None:
        if self._state.failed.get(failed.location) is failed:
            del self._state.failed[failed.location]
        if failed.recheck is not None and failed.recheck.active():
            failed.recheck.cancel()
        self._state.failures.pop(failed.location, None)

    def _remove(self, tracked: Tracked, reason: str) -> None:
        state = self._state
        root = tracked.root
        if state.roots.get(root.UDN.lower()) is tracked:
            del state.roots[root.UDN.lower()]
        for udn in tracked.udns:
            if state.byUdn.get(udn) is tracked:
                del state.byUdn[udn]
        log.info(
            "{name!r} ({udn}) is gone: {reason}", name=root.friendlyName, udn=root.UDN, reason=reason
        )
        self._tell("deviceRemoved", root)

    def _tell(self, method: str, *arguments: object) -> None:
        for observer in list(self._observers):
            try:
                getattr(observer, method)(*arguments)
            except Exception:
                log.failure("Device observer {observer!r} failed in {method}", observer=observer, method=method)
