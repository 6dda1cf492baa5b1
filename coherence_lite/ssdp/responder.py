# -*- test-case-name: tests.ssdp.test_responder -*-
"""
Answering M-SEARCH requests.

A multicast search is answered within its MX window, each answer at its own
random time (so many devices and entries spread out), through a L{Pacer}
that sends at most C{pace} answers per second in all; a unicast search is
answered at once, unless it has more answers than one round of the pace
(an C{ssdp:all} of a host with many devices): then it is paced too.
Only queriers on the link the search came in on are answered.  Each source
pays one token per answer from its bucket (L{CostBuckets}): a search is
answered completely or not at all, and a repeated one (a second control
point on the same host, a search re-sent on a lossy link) is answered again
while the source stays within its rate.  The answers waiting are capped.

The answer to a search is a dictionary lookup (L{Catalogue.answers}) and
bytes formatted once (L{AnswerCache}): nothing is parsed, matched or
formatted again for a search seen before, and nothing is logged on the way.
"""

from __future__ import annotations

import random as _random

from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from coherence_lite.logbudget import LogBudget
from coherence_lite.net.interfaces import Link
from coherence_lite.ssdp.advertisement import Match
from coherence_lite.ssdp.answers import AnswerCache
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.limits import CostBuckets, ResponderLimits
from coherence_lite.ssdp.message import Address, MSearch
from coherence_lite.ssdp.pacing import TICK, Pacer
from coherence_lite.ssdp.protocol import MAX_CACHED, MessageHandler
from coherence_lite.ssdp.transport import Sender
from coherence_lite.stats import Stats

__all__ = ["MAX_MX", "Responder"]

log = Logger()

#: UDA: an MX above 5 counts as 5.
MAX_MX = 5

_Answer = tuple[Publication, Match, Address, Link]


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
        self._buckets = CostBuckets(clock, limits.rate, limits.burst, limits.maxSources)
        self._pacer: Pacer[_Answer] = Pacer(self._sendLater, clock, limits.pace)
        self._answers = AnswerCache(catalogue)
        self._dropLog = LogBudget(log, clock)
        # Whether a peer is on a link, by (link id, peer); the value keeps
        # the link alive so its id stays its own.
        self._onLink: dict[tuple[int, str], tuple[bool, Link]] = {}

    @property
    def pending(self) -> int:
        """
        How many answers wait for their MX delay or the pace.
        """
        return len(self._pacer)

    def linksChanged(self) -> None:
        """
        The links served changed: forget what was worked out for the old
        ones.
        """
        self._onLink.clear()
        self._answers.clear()

    def _isOnLink(self, link: Link, host: str) -> bool:
        key = (id(link), host)
        known = self._onLink.get(key)
        if known is None:
            if len(self._onLink) >= MAX_CACHED:
                self._onLink.clear()
            known = self._onLink[key] = (link.isOnLink(host), link)
        return known[0]

    def searchReceived(self, search: MSearch, source: Address, link: Link, multicast: bool) -> None:
        """
        Answer one search that arrived on C{link} from C{source}.

        @param multicast: whether it was sent to the SSDP group (answered
            within MX) or to us directly (answered at once).
        """
        host = source[0]
        known = self._onLink.get((id(link), host))
        if not (known[0] if known is not None else self._isOnLink(link, host)):
            self._drop("off-link", search, source)
            return
        mx = 0
        if multicast:
            if search.mx is None or search.mx < 1:
                self._drop("no-mx", search, source)
                return
            mx = min(search.mx, MAX_MX)
        answers = self._catalogue.answers(search.st)
        now = self._clock.seconds()
        if not self._buckets.allow(host, len(answers) or 1, now):
            self._drop("rate-limited", search, source)
            return
        if not answers:
            self._stats.count("searches.unmatched")
            return
        pacer = self._pacer
        if mx == 0 and len(answers) <= pacer.round:
            # A unicast search: answered at once (its source's bucket bounds
            # it), unless it has more answers than one round of the pace.
            for publication, match in answers:
                self._respond(publication, match, source, link, now)
            self._stats.count("searches.answered")
            return
        if len(pacer) + len(answers) > self._limits.maxPending:
            self._stats.count("dropped.pending-cap", len(answers))
            return
        self._stats.count("searches.answered")
        uniform = self._random.uniform
        # Rounds of the pacer may be a tick late: the window ends a tick early.
        window = max(0.0, mx - TICK)
        for publication, match in answers:
            pacer.add(uniform(0, window) if mx else 0.0, (publication, match, source, link))

    def _sendLater(self, answer: _Answer) -> None:
        publication, match, source, link = answer
        if publication in self._catalogue:
            self._respond(publication, match, source, link)

    def _respond(self, publication: Publication, match: Match, source: Address, link: Link, now: float | None = None) -> None:
        try:
            datagram = self._answers.answer(publication, match, link, self._clock.seconds() if now is None else now)
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
        Forget every answer still waiting for its delay.
        """
        self._pacer.clear()
