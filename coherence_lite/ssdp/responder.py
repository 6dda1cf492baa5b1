# -*- test-case-name: tests.test_responder -*-
"""
Answering M-SEARCH requests.

A multicast search is answered after a random delay within its MX window
(each response on its own delay, so many devices and entries spread out), a
unicast search at once.  Only queriers on the link the search came in on are
answered, each source is rate limited, and the number of responses waiting
for their delay is capped.
"""

from __future__ import annotations

import random as _random
from collections import OrderedDict

from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger

from coherence_lite.logbudget import LogBudget
from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.advertisement import ALL, Match
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.format import formatSearchResponse, httpDate
from coherence_lite.ssdp.limits import ResponderLimits, TokenBuckets
from coherence_lite.ssdp.message import Address, MSearch
from coherence_lite.ssdp.protocol import MessageHandler
from coherence_lite.ssdp.transport import Sender
from coherence_lite.stats import Stats

__all__ = ["MAX_MX", "Responder"]

log = Logger()

#: UDA: an MX above 5 counts as 5.
MAX_MX = 5


class Responder(MessageHandler):
    """
    Answers searches for what a L{Catalogue} publishes; an observer of an
    L{SSDPListener <coherence_lite.ssdp.listener.SSDPListener>}.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        sender: Sender,
        clock: IReactorTime,
        random: _random.Random | None = None,
        limits: ResponderLimits = ResponderLimits(),
        stats: Stats | None = None,
    ) -> None:
        self._catalogue = catalogue
        self._sender = sender
        self._clock = clock
        self._random = random or _random.Random()
        self._limits = limits
        self._stats = stats or Stats()
        self._buckets = TokenBuckets(clock, limits.rate, limits.burst, limits.maxSources)
        self._pending: set[IDelayedCall] = set()
        self._dropLog = LogBudget(log, clock)
        # (source host, link interface) -> time until which ssdp:all is not answered again
        self._allAnswered: OrderedDict[tuple[str, str], float] = OrderedDict()

    @property
    def pending(self) -> int:
        """
        How many responses wait for their MX delay.
        """
        return len(self._pending)

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        Answer one search that arrived on C{link} from C{source}.

        @param multicast: whether it was sent to the SSDP group (answered
            within MX) or to us directly (answered at once).
        """
        host = source[0]
        if not link.isOnLink(host):
            self._drop("off-link", search, source)
            return
        mx: int | None = None
        if multicast:
            if search.mx is None or search.mx < 1:
                self._drop("no-mx", search, source)
                return
            mx = min(search.mx, MAX_MX)
        if not self._buckets.allow(host):
            self._drop("rate-limited", search, source)
            return
        if search.st == ALL:
            first = self._firstAllInWindow(host, link, mx)
            if first is not True:
                self._drop("repeated-ssdp-all" if first is False else "ssdp-all-table-full", search, source)
                return
        answers = self._catalogue.answers(search.st)
        if not answers:
            self._stats.count("searches.unmatched")
            return
        self._stats.count("searches.answered")
        for publication, match in answers:
            if mx is None:
                self._respond(publication, match, source, link)
            elif len(self._pending) >= self._limits.maxPending:
                self._stats.count("dropped.pending-cap")
            else:
                self._schedule(self._random.uniform(0, mx), publication, match, source, link)

    def _firstAllInWindow(self, host: str, link: Link, mx: int | None) -> bool | None:
        """
        Whether an C{ssdp:all} from C{host} on C{link} is the first in its
        window: L{True} (remembered now), L{False} (answered already) or
        L{None} (too many sources to remember: not answered).
        """
        now = self._clock.seconds()
        key = (host, link.interface)
        if self._allAnswered.get(key, 0.0) > now:
            return False
        self._allAnswered.pop(key, None)
        # Entries are kept in the order they were added, so the expired ones
        # are mostly at the front: forgetting them costs O(1) per search.
        while self._allAnswered:
            oldest, until = next(iter(self._allAnswered.items()))
            if until > now:
                break
            del self._allAnswered[oldest]
        if len(self._allAnswered) >= self._limits.maxSources:
            return None
        self._allAnswered[key] = now + (mx or 1)
        return True

    def _schedule(self, delay: float, publication: Publication, match: Match, source: Address, link: Link) -> None:
        def fire() -> None:
            self._pending.discard(call)
            self._respond(publication, match, source, link)

        call = self._clock.callLater(delay, fire)
        self._pending.add(call)

    def _respond(self, publication: Publication, match: Match, source: Address, link: Link) -> None:
        if publication not in self._catalogue.publications:
            return
        try:
            datagram = formatSearchResponse(
                st=match.st,
                usn=match.usn,
                location=publication.location(link),
                maxAge=self._catalogue.maxAgeOf(publication),
                server=self._catalogue.serverOf(publication),
                date=httpDate(self._clock.seconds()),
                bootId=self._catalogue.bootId,
                configId=publication.configId,
            )
        except ValueError as e:
            log.warn("Not answering with a malformed response: {error}", error=e)
            return
        self._sender.send(datagram, source, link)
        self._stats.count("responses.sent")

    def _drop(self, reason: str, search: MSearch, source: Address) -> None:
        self._stats.count(f"dropped.{reason}")
        self._dropLog.debug(
            "Search for {st} from {host}:{port} not answered: {reason}",
            st=search.st,
            host=source[0],
            port=source[1],
            reason=reason,
        )

    def stop(self) -> None:
        """
        Cancel every response still waiting for its delay.
        """
        for call in list(self._pending):
            if call.active():
                call.cancel()
        self._pending.clear()
