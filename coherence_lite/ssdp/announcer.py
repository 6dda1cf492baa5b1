# -*- test-case-name: tests.ssdp.test_announcer -*-
"""
Announcing: NOTIFY ssdp:alive when joining and before expiry, ssdp:byebye
when leaving.

On start the whole advertisement set goes out on every link after a random
0-100 ms, and twice more with short random spacing (UDP is lossy).  It is then
sent again at a random interval below max-age/2, and on stop every entry is
withdrawn with byebye, twice; the L{Deferred} L{Announcer.stop} returns fires
once the last byebye is written.

A link whose IPv6 address is still tentative (duplicate address detection,
about a second after an interface comes up) cannot send: its bursts wait,
looked at every L{TENTATIVE_RECHECK} seconds, until the address is usable
(at most L{TENTATIVE_WAIT} seconds), so no alive is lost to it.
"""

from __future__ import annotations

import random as _random
from typing import Callable, Iterable, Sequence

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link, sourceReady
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.format import formatNotifyAlive, formatNotifyByebye, formatNotifyUpdate, hostHeader
from coherence_lite.ssdp.advertisement import Advertisement
from coherence_lite.ssdp.transport import Sender, multicastDestinations
from coherence_lite.stats import Stats

__all__ = ["Announcer", "TENTATIVE_RECHECK", "TENTATIVE_WAIT", "INITIAL_ROUNDS", "INITIAL_DELAY", "ROUND_SPACING", "REANNOUNCE_FRACTION", "BYEBYE_SPACING"]

log = Logger()

#: How many times the whole set is sent when joining.
INITIAL_ROUNDS = 3
#: Delay before the first round (seconds), UDA: random 0-100 ms.
INITIAL_DELAY = (0.0, 0.1)
#: Spacing of the following rounds (seconds).
ROUND_SPACING = (0.2, 0.5)
#: Re-announce after this fraction of max-age (random in the range): below 1/2.
REANNOUNCE_FRACTION = (0.25, 0.45)
#: Byebye is sent twice, this far apart (seconds).
BYEBYE_SPACING = 0.1
#: Seconds between two looks at a link whose address is still tentative.
TENTATIVE_RECHECK = 0.2
#: Seconds a burst waits for a tentative address at most (then it is sent).
TENTATIVE_WAIT = 10.0


class Announcer:
    """
    Sends the NOTIFY messages for what a L{Catalogue} publishes, on a set of
    links.

    @ivar siteLocal: also announce to FF05::C (site-local) on IPv6 links.
    @param ready: whether a link's address can send now (see
        L{coherence_lite.net.interfaces.sourceReady}).
    """

    def __init__(
        self,
        catalogue: Catalogue,
        sender: Sender,
        clock: IReactorTime,
        ssdpPort: int,
        random: _random.Random | None = None,
        stats: Stats | None = None,
        siteLocal: bool = False,
        ready: Callable[[Link], bool] = sourceReady,
    ) -> None:
        self._catalogue = catalogue
        self._sender = sender
        self._clock = clock
        self._port = ssdpPort
        self._random = random or _random.Random()
        self._stats = stats or Stats()
        self._links: tuple[Link, ...] = ()
        self._calls: set[IDelayedCall] = set()
        self._reannounce: IDelayedCall | None = None
        self.running = False
        self.siteLocal = siteLocal
        self._ready = ready

    @property
    def links(self) -> tuple[Link, ...]:
        """
        The links announcements go out on.
        """
        return self._links

    def start(self, links: Sequence[Link]) -> None:
        """
        Join: send the initial bursts on C{links}, then keep re-announcing.
        """
        self._links = tuple(links)
        self.running = True
        self._burst(self._links, list(self._catalogue))
        self._scheduleReannounce()

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        def fire() -> None:
            self._calls.discard(call)
            try:
                action()
            except Exception:
                log.failure("Announcing failed")

        call = self._clock.callLater(delay, fire)
        self._calls.add(call)

    def _burst(self, links: Sequence[Link], publications: Sequence[Publication], deadline: float | None = None) -> None:
        late = deadline is not None and self._clock.seconds() >= deadline
        ready = [link for link in links if late or self._ready(link)]
        waiting = [link for link in links if link not in ready]
        if waiting:
            if deadline is None:
                deadline = self._clock.seconds() + TENTATIVE_WAIT
                log.info(
                    "Waiting for {links} to finish duplicate address detection before announcing there",
                    links=", ".join(f"{link.interface} {link.host}" for link in waiting),
                )
            until = deadline

            def again() -> None:
                stillServed = [link for link in waiting if link in self._links]
                self._burst(stillServed, publications, until)

            self._later(TENTATIVE_RECHECK, again)
        if not ready:
            return
        delay = self._random.uniform(*INITIAL_DELAY)
        for _ in range(INITIAL_ROUNDS):
            self._later(delay, lambda: self.sendAlive(ready, publications))
            delay += self._random.uniform(*ROUND_SPACING)

    def _scheduleReannounce(self) -> None:
        fraction = self._random.uniform(*REANNOUNCE_FRACTION)
        self._reannounce = self._clock.callLater(self._catalogue.maxAge * fraction, self._reannounceNow)

    def _reannounceNow(self) -> None:
        self._reannounce = None
        try:
            self.sendAlive(self._links, list(self._catalogue))
        except Exception:
            log.failure("Re-announcing failed")
        self._scheduleReannounce()

    def _announce(
        self,
        links: Iterable[Link],
        publications: Iterable[Publication],
        render: Callable[[Publication, Advertisement, Link, str], bytes],
    ) -> None:
        """
        Send one datagram per advertisement of C{publications}, to each SSDP
        group of each link; C{render} builds it from the publication, the
        advertisement, the link and the HOST value.
        """
        links = tuple(links)
        for publication in publications:
            for link in links:
                for destination in multicastDestinations(link, self._port, self.siteLocal):
                    host = hostHeader(destination[0], self._port)
                    for ad in publication.advertisements:
                        self._sender.send(render(publication, ad, link, host), destination, link)
                        self._stats.count("notify.sent")

    def sendAlive(self, links: Iterable[Link], publications: Iterable[Publication]) -> None:
        """
        Send one ssdp:alive for every advertisement of C{publications} on
        every link, now.
        """

        def alive(publication: Publication, ad: Advertisement, link: Link, host: str) -> bytes:
            return formatNotifyAlive(
                host=host,
                nt=ad.nt,
                usn=ad.usn,
                location=publication.location(link),
                maxAge=self._catalogue.maxAgeOf(publication),
                server=self._catalogue.serverOf(publication),
                bootId=self._catalogue.bootId,
                configId=publication.configId,
            )

        current = [p for p in publications if p in self._catalogue.publications]
        self._announce(links, current, alive)

    def sendByebye(self, links: Iterable[Link], publications: Iterable[Publication]) -> None:
        """
        Send one ssdp:byebye for every advertisement of C{publications} on
        every link, now.
        """

        def byebye(publication: Publication, ad: Advertisement, link: Link, host: str) -> bytes:
            return formatNotifyByebye(
                host=host, nt=ad.nt, usn=ad.usn, bootId=self._catalogue.bootId, configId=publication.configId
            )

        self._announce(links, publications, byebye)

    def sendUpdate(self, links: Iterable[Link], publications: Iterable[Publication], nextBootId: int) -> None:
        """
        Send one ssdp:update for every advertisement of C{publications} on
        every link, now: BOOTID is the current one, NEXTBOOTID C{nextBootId}.
        """

        def update(publication: Publication, ad: Advertisement, link: Link, host: str) -> bytes:
            return formatNotifyUpdate(
                host=host,
                nt=ad.nt,
                usn=ad.usn,
                location=publication.location(link),
                bootId=self._catalogue.bootId,
                configId=publication.configId,
                nextBootId=nextBootId,
            )

        self._announce(links, publications, update)

    def linksChanged(self, links: Sequence[Link], nextBootId: int | None) -> None:
        """
        The links changed while running.

        Links that went away get byebye (through a new address of the same
        interface when there is one, since the old address may be gone).  When
        links were added, UDA's multi-homed rule follows: ssdp:update with
        NEXTBOOTID on the links that stay, then BOOTID becomes C{nextBootId}
        and the whole set is announced anew on every link.

        @param nextBootId: the BOOTID to move to when links were added.
        """
        old, new = self._links, tuple(links)
        self._links = new
        if not self.running:
            return
        publications = list(self._catalogue)
        removed = [link for link in old if link not in new]
        added = [link for link in new if link not in old]
        for link in removed:
            via = next((n for n in new if (n.index, n.family) == (link.index, link.family)), link)
            self.sendByebye([via], publications)
        if not added or nextBootId is None:
            return
        kept = [link for link in new if link in old]
        self.sendUpdate(kept, publications, nextBootId)
        self._catalogue.bootId = nextBootId
        self._burst(new, publications)

    def published(self, publication: Publication) -> None:
        """
        A publication was added to the catalogue while running: announce it
        with its own initial bursts.
        """
        if self.running:
            self._burst(self._links, [publication])

    def withdrawn(self, publication: Publication) -> None:
        """
        A publication is leaving: send its byebyes now (the caller removes it
        from the catalogue).
        """
        if self.running:
            self.sendByebye(self._links, [publication])

    def _cancelAll(self) -> None:
        for call in list(self._calls):
            if call.active():
                call.cancel()
        self._calls.clear()
        if self._reannounce is not None and self._reannounce.active():
            self._reannounce.cancel()
        self._reannounce = None

    def stop(self) -> Deferred[None]:
        """
        Leave: cancel pending announcements and send byebye for everything,
        twice.

        @return: a L{Deferred} that fires once the last byebye is written.
        """
        self._cancelAll()
        done: Deferred[None] = Deferred()
        if not self.running:
            done.callback(None)
            return done
        self.running = False
        links, publications = self._links, list(self._catalogue)
        self.sendByebye(links, publications)

        def again() -> None:
            try:
                self.sendByebye(links, publications)
            finally:
                done.callback(None)

        self._clock.callLater(BYEBYE_SPACING, again)
        return done
