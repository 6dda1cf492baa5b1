# -*- test-case-name: tests.compat.test_testmode,tests.compat.test_ssdp -*-
"""
Coherence's C{SSDPServer.known}: the table of known USNs in Coherence's dict
shape, read from an L{EntryRegistry}.

L{Registration} is what a local registration was given; L{knownInfos} turns
an L{Entry} (and its registration, if local) into Coherence's dict, and
L{KnownTable} is the live dict of dicts C{known} is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coherence_lite.model.device import LOCAL
from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.catalogue import Publication
from coherence_lite.ssdp.message import Address, Notify, SearchResponse
from coherence_lite.ssdp.protocol import MessageHandler
from coherence_lite.ssdp.registry import Entry, EntryRegistry

__all__ = ["KNOWN_KEYS", "Registration", "knownInfos", "KnownTable", "KnownRefresh"]

#: The keys of every dict in
#: L{SSDPServer.known <coherence_lite.compat.ssdp.SSDPServer.known>}, as
#: Coherence spelled them.
KNOWN_KEYS = frozenset(
    ("USN", "LOCATION", "ST", "EXT", "SERVER", "CACHE-CONTROL", "MANIFESTATION", "SILENT", "HOST", "last-seen")
)


@dataclass(frozen=True)
class Registration:
    """
    A local registration: what C{register('local', ...)} was given, and the
    publication the core answers and announces it with.

    @ivar cacheControl: the CACHE-CONTROL text as registered; the core sends
        C{max-age=<publication.maxAge>}.
    @ivar host: the C{host} argument, kept for C{known[usn]['HOST']}.
    """

    usn: str
    st: str
    location: str
    server: str
    cacheControl: str
    silent: bool
    host: str | None
    publication: Publication


def knownInfos(entry: Entry, registration: Registration | None = None) -> dict[str, Any]:
    """
    An entry in Coherence's C{known} dict shape: exactly the keys of
    L{KNOWN_KEYS}.

    @param registration: the local registration of C{entry}, if it is one.
    @return: a new dict; changing it changes nothing in the server.
    """
    if registration is not None and entry.manifestation == LOCAL:
        cacheControl = registration.cacheControl
        host = registration.host
    else:
        cacheControl = entry.headers.get("cache-control") or f"max-age={entry.maxAge}"
        host = entry.source[0] if entry.source else None
    return {
        "USN": entry.usn,
        "LOCATION": entry.location,
        "ST": entry.st,
        "EXT": "",
        "SERVER": entry.server or "",
        "CACHE-CONTROL": cacheControl,
        "MANIFESTATION": entry.manifestation,
        "SILENT": entry.silent,
        "HOST": host,
        "last-seen": entry.lastSeen,
    }


class KnownTable(dict[str, dict[str, Any]]):
    """
    C{SSDPServer.known} (and C{_known}): Coherence's live table, USN → dict
    with the keys of L{KNOWN_KEYS}.

    It is a real C{dict} of dicts, kept in step with the L{EntryRegistry}
    it observes: an entry heard or registered gets a dict, a refresh
    updates that same dict in place (so C{known[u] is known[u]}, and code
    holding a dict sees C{last-seen} move), and an entry that goes away
    leaves the table.  What other code writes into a dict stays there,
    except the keys a later refresh sets again.  What the server answers
    and announces comes from its registrations, not from these dicts:
    changing C{LOCATION} here does not change what is sent.
    """

    def __init__(self, registry: EntryRegistry, registrations: Mapping[str, Registration]) -> None:
        """
        @param registry: the entries this table mirrors; observe it with
            this table (and give the table what the registry is fed, see
            L{seen}).
        @param registrations: the local registrations, for their
            CACHE-CONTROL and HOST.
        """
        super().__init__()
        self._registry = registry
        self._registrations = registrations

    def _infos(self, entry: Entry) -> dict[str, Any]:
        return knownInfos(entry, self._registrations.get(entry.usn))

    def _refresh(self, entry: Entry) -> None:
        infos = self._infos(entry)
        current = self.get(entry.usn)
        if current is None:
            self[entry.usn] = infos
        else:
            current.update(infos)

    # RegistryObserver

    def entryAdded(self, entry: Entry) -> None:
        """
        A USN is new: a dict for it.
        """
        self[entry.usn] = self._infos(entry)

    def entryUpdated(self, old: Entry, new: Entry) -> None:
        """
        A USN came back with other values: update its dict in place.
        """
        self._refresh(new)

    def entryRemoved(self, entry: Entry, reason: str) -> None:
        """
        A USN is gone: so is its dict.
        """
        self.pop(entry.usn, None)

    def cleared(self) -> None:
        """
        The registry forgot everything at once.
        """
        self.clear()

    def seen(self, usn: str) -> None:
        """
        The registry was told of C{usn} again (alive, answer): move its
        C{last-seen}, and refresh the rest, in place.
        """
        entry = self._registry.get(usn)
        if entry is not None:
            self._refresh(entry)


class KnownRefresh(MessageHandler):
    """
    Tells a L{KnownTable} of every announcement and answer the registry
    before it heard, so C{last-seen} moves even when nothing else changed.
    """

    def __init__(self, table: KnownTable) -> None:
        self._table = table

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        An alive or update refreshed C{notify.usn}.
        """
        self._table.seen(notify.usn)

    def responseReceived(self, response: SearchResponse, source: Address, link: Link) -> None:
        """
        An answer refreshed C{response.usn}.
        """
        self._table.seen(response.usn)
