# -*- test-case-name: tests.ssdp.test_conflicts -*-
"""
Noticing another device that announces one of our UDNs: an observer of the
SSDP listener that warns, in the log, when an C{ssdp:alive} or
C{ssdp:update} carries the UDN of one of our publications with a LOCATION
that is none of ours (another daemon on this machine or elsewhere, given
the same UDN).  Control points keep one device per UDN, so one of the two
hides the other; the warning says which UDN and where the other is.

Each (device tree, LOCATION) is reported once; a flood of forged announcements is
bounded: at most L{MAX_WARNINGS} warnings per L{WINDOW} seconds (then one
line counting the rest), and at most L{MAX_REMEMBERED} pairs remembered.
"""

from __future__ import annotations

from typing import Callable, Sequence

from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.advertisement import udnOf
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.message import ALIVE, UPDATE, Address, Notify
from coherence_lite.ssdp.protocol import MessageHandler

__all__ = ["MAX_REMEMBERED", "MAX_WARNINGS", "WINDOW", "UDNConflicts"]

log = Logger()

#: The most warnings per L{WINDOW}.
MAX_WARNINGS = 5

#: Seconds of the warnings' window.
WINDOW = 600.0

#: The most (device tree, LOCATION) pairs remembered as reported; when full they
#: are forgotten (the window still bounds the log).
MAX_REMEMBERED = 256


class UDNConflicts(MessageHandler):
    """
    Warns when another process announces one of the UDNs of C{catalogue}.

    @param catalogue: our publications.
    @param locations: our LOCATIONs of a publication (one per link
        served), or L{None} while they are not known (nothing is checked
        then: the web server is stopping, say).
    @param clock: times the warnings' window.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        locations: Callable[[Publication], Sequence[str] | None],
        clock: IReactorTime,
    ) -> None:
        self._catalogue = catalogue
        self._locations = locations
        self._clock = clock
        self._ours: dict[str, Publication] = {}
        self._oursFor = -1
        self._reported: set[tuple[str, str]] = set()
        self._windowStart = float("-inf")
        self._warned = 0
        self._suppressed = 0

    def _publicationOf(self, udn: str) -> Publication | None:
        if self._oursFor != self._catalogue.version:
            self._ours = {
                advertisement.udn.lower(): publication
                for publication in self._catalogue
                for advertisement in publication.advertisements
            }
            self._oursFor = self._catalogue.version
        return self._ours.get(udn)

    def notifyReceived(self, notify: Notify, source: Address, link: Link) -> None:
        """
        Warn if C{notify} announces one of our UDNs from another LOCATION.
        """
        if notify.nts not in (ALIVE, UPDATE) or notify.location is None:
            return
        udn = udnOf(notify.usn).lower()
        publication = self._publicationOf(udn)
        if publication is None:
            return
        ours = self._locations(publication)
        if ours is None:
            return
        # One conflict per device tree and LOCATION: its embedded devices'
        # UDNs, announced from the same LOCATION, are the same conflict.
        key = (publication.advertisements[0].udn.lower(), notify.location)
        if notify.location in ours or key in self._reported:
            return
        if len(self._reported) >= MAX_REMEMBERED:
            self._reported.clear()
        self._reported.add(key)
        self._warn(udn, notify.location, source, ours)

    def _warn(self, udn: str, location: str, source: Address, ours: Sequence[str]) -> None:
        now = self._clock.seconds()
        if now - self._windowStart >= WINDOW:
            if self._suppressed:
                log.warn(
                    "{count} more devices announcing our UDNs were not logged in {window:g} s",
                    count=self._suppressed,
                    window=WINDOW,
                )
            self._windowStart, self._warned, self._suppressed = now, 0, 0
        if self._warned >= MAX_WARNINGS:
            self._suppressed += 1
            return
        self._warned += 1
        log.warn(
            "Another device announces our UDN uuid:{uuid} at {location} (from {host}; ours is at {ours}): "
            "control points see only one of the two. Give each device its own UDN (UDN in its device file, or --uuid)",
            uuid=udn.removeprefix("uuid:"),
            location=location,
            host=source[0],
            ours=", ".join(ours) or "no link yet",
        )
