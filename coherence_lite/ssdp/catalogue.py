# -*- test-case-name: tests.ssdp.test_responder -*-
"""
What this host advertises: the publications and the values every message
about them carries (SERVER, max-age, BOOTID).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.advertisement import Advertisement, Match, matchSearch

__all__ = ["MAX_TARGETS", "Publication", "Catalogue"]

#: How many search targets' answers a catalogue remembers; when full it
#: forgets them all.  A search target echoes the request (a UUID in any
#: case, a URN in any older version), so a hostile peer must not grow it.
MAX_TARGETS = 1024


@dataclass(frozen=True, eq=False)
class Publication:
    """
    The advertisements of one root device and where its description is.

    @ivar location: the LOCATION for a link (each link gets a URL on its own
        address).
    @ivar configId: the CONFIGID.UPNP.ORG value, or L{None} to leave it out
        (Coherence-style registrations know no configuration).
    """

    advertisements: tuple[Advertisement, ...]
    location: Callable[[Link], str]
    configId: int | None = None
    maxAge: int | None = None
    server: str | None = None


@dataclass
class Catalogue:
    """
    The publications of this host, and the values shared by all of them.

    @ivar bootId: BOOTID.UPNP.ORG, increased each time the host (re)joins a
        network.
    """

    server: str
    maxAge: int = 1800
    bootId: int = 1
    publications: list[Publication] = field(default_factory=list)
    # What each search target is answered with, while the publications stay
    # the same (a dictionary lookup instead of matching every entry).
    _answers: dict[str, list[tuple[Publication, Match]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # How many publications there were when those answers were found: a
    # list changed behind add and remove is noticed too.
    _answersFor: int = field(default=0, init=False, repr=False, compare=False)
    _published: set[Publication] | None = field(default=None, init=False, repr=False, compare=False)
    #: How many times publications were added or removed: what is kept
    #: about them elsewhere is out of date once it changes.
    version: int = field(default=0, init=False, repr=False, compare=False)

    def add(self, publication: Publication) -> None:
        """
        Publish one more root device.
        """
        self.publications.append(publication)
        self._answers.clear()
        self._published = None
        self.version += 1

    def remove(self, publication: Publication) -> None:
        """
        Stop publishing a root device (no-op when it is not published).
        """
        if publication in self.publications:
            self.publications.remove(publication)
        self._answers.clear()
        self._published = None
        self.version += 1

    def replace(self, publications: Sequence[Publication]) -> None:
        """
        Publish exactly C{publications}, in this order, from now on.
        """
        self.publications[:] = publications
        self._answers.clear()
        self._published = None

    def __contains__(self, publication: object) -> bool:
        """
        Whether C{publication} is published now.
        """
        if self._published is None or len(self._published) != len(self.publications):
            self._published = set(self.publications)
        return publication in self._published

    def __iter__(self) -> Iterator[Publication]:
        return iter(list(self.publications))

    def answers(self, st: str) -> list[tuple[Publication, Match]]:
        """
        What a search for C{st} is answered with.

        @param st: the ST of the search, as received.
        @return: each publication with each of its matches (see
            L{matchSearch}), in the order they are published.  The list is
            shared by every search for C{st}: do not change it.
        """
        found = self._answers.get(st)
        if found is not None and self._answersFor == len(self.publications):
            return found
        if self._answersFor != len(self.publications) or len(self._answers) >= MAX_TARGETS:
            self._answers.clear()
            self._answersFor = len(self.publications)
        found = self._answers[st] = [
            (publication, match)
            for publication in self
            for match in matchSearch(st, publication.advertisements)
        ]
        return found

    def maxAgeOf(self, publication: Publication) -> int:
        """
        The max-age announced for a publication.
        """
        return publication.maxAge if publication.maxAge is not None else self.maxAge

    def serverOf(self, publication: Publication) -> str:
        """
        The SERVER header announced for a publication.
        """
        return publication.server if publication.server is not None else self.server
