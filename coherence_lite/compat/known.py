# -*- test-case-name: tests.test_compat_ssdp -*-
"""
Coherence's C{SSDPServer.known}: the table of known USNs in Coherence's dict
shape, read from an L{EntryRegistry}.

L{Registration} is what a local registration was given; L{knownInfos} turns
an L{Entry} (and its registration, if local) into Coherence's dict, and
L{KnownView} is the read-only mapping C{known} is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from coherence_lite.model.device import LOCAL
from coherence_lite.ssdp.catalogue import Publication
from coherence_lite.ssdp.registry import Entry, EntryRegistry

__all__ = ["KNOWN_KEYS", "Registration", "knownInfos", "KnownView"]

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


class KnownView(Mapping[str, dict[str, Any]]):
    """
    C{SSDPServer.known}: USN → a fresh dict of L{knownInfos}, read-only.

    Coherence handed out its live table; here each lookup builds a new dict
    from the L{EntryRegistry}, so nothing outside the server can change what
    it answers or announces.
    """

    def __init__(self, registry: EntryRegistry, registrations: Mapping[str, Registration]) -> None:
        self._registry = registry
        self._registrations = registrations

    def __getitem__(self, usn: str) -> dict[str, Any]:
        entry = self._registry.get(usn)
        if entry is None:
            raise KeyError(usn)
        return knownInfos(entry, self._registrations.get(usn))

    def __contains__(self, usn: object) -> bool:
        return usn in self._registry

    def __iter__(self) -> Iterator[str]:
        return iter([entry.usn for entry in self._registry])

    def __len__(self) -> int:
        return len(self._registry)

    def __repr__(self) -> str:
        return f"KnownView({dict(self)!r})"
