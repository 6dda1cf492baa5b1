# -*- test-case-name: tests.ssdp.test_answers -*-
"""
Search answers formatted once and reused.

An answer depends on the publication, the match (ST and USN), the link (its
LOCATION) and the catalogue's BOOTID, max-age and SERVER, which change
rarely, and on DATE, which changes every second.  L{AnswerCache} formats
each answer once with L{formatSearchResponse} (so every check still
applies), keeps the bytes before and after the DATE value, and patches the
date in, spelled once per second.

Pure: no sockets, no clock (the caller passes the time).
"""

from __future__ import annotations

from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.advertisement import Match
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.format import formatSearchResponse, httpDate

__all__ = ["AnswerCache", "MAX_ANSWERS"]

#: How many formatted answers are kept; when full, all are forgotten.  A
#: search target echoes the request (a UUID in any case, a URN in an older
#: version), so what a hostile peer asks must not grow the table forever.
MAX_ANSWERS = 8192

# A DATE value no real date looks like, to find where the date goes.
_MARK = "Thu, 01 Jan 1970 00:00:00 MARK"
_DATE_LINE = b"\r\nDATE: " + _MARK.encode("ascii") + b"\r\n"

_Key = tuple[int, str, str, int]


class AnswerCache:
    """
    The answers to searches for what a L{Catalogue} publishes.

    Forgets everything when the catalogue's BOOTID, max-age or SERVER
    changes, or when told with L{clear} (links or publications changed).
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        # Keyed by the ids of the publication and the link; the value keeps
        # both alive, so the ids stay theirs.
        self._parts: dict[_Key, tuple[bytes, bytes, Publication, Link]] = {}
        self._version: tuple[int, int, str] = (catalogue.bootId, catalogue.maxAge, catalogue.server)
        self._second = -1
        self._date = b""

    def clear(self) -> None:
        """
        Forget every answer.
        """
        self._parts.clear()

    def answer(self, publication: Publication, match: Match, link: Link, now: float) -> bytes:
        """
        The datagram answering C{match} of C{publication} on C{link} at
        C{now} (seconds since the epoch).

        @raise ValueError: the answer cannot be sent as it is (see
            L{formatSearchResponse}).
        """
        catalogue = self._catalogue
        version = self._version
        if catalogue.bootId != version[0] or catalogue.maxAge != version[1] or catalogue.server != version[2]:
            self._parts.clear()
            self._version = (catalogue.bootId, catalogue.maxAge, catalogue.server)
        key = (id(publication), match.st, match.usn, id(link))
        parts = self._parts.get(key)
        if parts is None:
            parts = self._format(publication, match, link)
            if len(self._parts) >= MAX_ANSWERS:
                self._parts.clear()
            self._parts[key] = parts
        second = int(now)
        if second != self._second:
            self._date = httpDate(second).encode("ascii")
            self._second = second
        return parts[0] + self._date + parts[1]

    def _format(self, publication: Publication, match: Match, link: Link) -> tuple[bytes, bytes, Publication, Link]:
        catalogue = self._catalogue
        datagram = formatSearchResponse(
            st=match.st,
            usn=match.usn,
            location=publication.location(link),
            maxAge=catalogue.maxAgeOf(publication),
            server=catalogue.serverOf(publication),
            date=_MARK,
            bootId=catalogue.bootId,
            configId=publication.configId,
        )
        # DATE is the second header: nothing received comes before it.
        head, _, tail = datagram.partition(_DATE_LINE)
        return head + b"\r\nDATE: ", b"\r\n" + tail, publication, link

    def __len__(self) -> int:
        return len(self._parts)
