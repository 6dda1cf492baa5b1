# -*- test-case-name: tests.ssdp.test_answers -*-
"""
Tests for L{coherence_lite.ssdp.answers}: an answer formatted once is the
answer L{formatSearchResponse} gives, with the DATE of the moment.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.advertisement import advertisements, matchSearch
from coherence_lite.ssdp.answers import MAX_ANSWERS, AnswerCache
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.format import formatSearchResponse, httpDate

from tests.support import jambon, link

LINK = link("192.168.1.10/24")
OTHER = link("10.0.0.1/8")


def catalogue() -> tuple[Catalogue, Publication]:
    """
    A catalogue (BOOTID 3) publishing the Jambon 3000, and its publication.
    """
    catalogue = Catalogue(server="Linux/6 UPnP/1.1 coherence-lite/0.1.0", bootId=3)
    publication = Publication(advertisements(jambon()), lambda l: f"http://{l.urlHost}:80/d.xml", 17)
    catalogue.add(publication)
    return catalogue, publication


class AnswerCacheTests(SynchronousTestCase):
    """
    L{AnswerCache} gives L{formatSearchResponse}'s bytes, DATE patched.
    """

    def expected(self, catalogue: Catalogue, publication: Publication, st: str, usn: str, link: object, now: float) -> bytes:
        return formatSearchResponse(
            st=st,
            usn=usn,
            location=publication.location(link),  # type: ignore[arg-type]
            maxAge=catalogue.maxAge,
            server=catalogue.server,
            date=httpDate(now),
            bootId=catalogue.bootId,
            configId=publication.configId,
        )

    def test_answersAreFormatSearchResponse(self) -> None:
        """
        Every answer to C{ssdp:all}, on two links and at two moments, is
        exactly what L{formatSearchResponse} gives.
        """
        cat, publication = catalogue()
        cache = AnswerCache(cat)
        for now in (1_700_000_000.2, 1_700_000_001.9):
            for where in (LINK, OTHER):
                for match in matchSearch("ssdp:all", publication.advertisements):
                    self.assertEqual(
                        cache.answer(publication, match, where, now),
                        self.expected(cat, publication, match.st, match.usn, where, now),
                    )

    def test_bootIdChangeIsAnswered(self) -> None:
        """
        After the catalogue's BOOTID changes, answers carry the new one.
        """
        cat, publication = catalogue()
        cache = AnswerCache(cat)
        match = matchSearch("upnp:rootdevice", publication.advertisements)[0]
        cache.answer(publication, match, LINK, 5.0)
        cat.bootId = 4
        self.assertIn(b"BOOTID.UPNP.ORG: 4\r\n", cache.answer(publication, match, LINK, 5.0))

    def test_tableIsBounded(self) -> None:
        """
        Search targets echoed in any case never grow the table beyond
        L{MAX_ANSWERS}.
        """
        cat, publication = catalogue()
        cache = AnswerCache(cat)
        udn = jambon().UDN
        for n in range(MAX_ANSWERS + 10):
            variant = "".join(c.upper() if (n >> i) & 1 else c for i, c in enumerate(udn))
            for match in matchSearch(variant, publication.advertisements):
                cache.answer(publication, match, LINK, 5.0)
        self.assertLessEqual(len(cache), MAX_ANSWERS)
