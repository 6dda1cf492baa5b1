# -*- test-case-name: tests.ssdp.test_host,tests.net.test_watcher -*-
"""
The SSDP side of a device host as one L{IService}: an L{SSDPListener} that
also answers searches for a L{Catalogue} (its L{Responder} is the first
observer) and announces it (its L{Announcer}).
"""

from __future__ import annotations

import random as _random
from typing import Callable, Iterable, Sequence

from twisted.internet.defer import Deferred, succeed
from twisted.internet.error import CannotListenError
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.announcer import Announcer
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.ssdp.listener import ListenFunction, SSDPListener
from coherence_lite.ssdp.responder import Responder
from coherence_lite.ssdp.transport import listenSSDP
from coherence_lite.stats import Stats

__all__ = ["SSDPService"]

log = Logger()


class SSDPService(SSDPListener):
    """
    Serves SSDP for a L{Catalogue} on some links: answers searches for it
    and announces it.

    @ivar catalogue: what is answered and announced.
    @ivar responder: answers searches; the first observer.
    @ivar announcer: sends alive, update and byebye.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        links: Callable[[], Sequence[Link]],
        reactor: Reactor,
        ssdpPort: int = 1900,
        ttl: int = 2,
        random: _random.Random | None = None,
        limits: ResponderLimits = ResponderLimits(),
        stats: Stats | None = None,
        listen: ListenFunction = listenSSDP,
        ipv6SiteLocal: bool = False,
    ) -> None:
        """
        @param random: spreads response delays and announcements.
        @param limits: how much searches are answered.
        @param ipv6SiteLocal: on IPv6, also join and announce to FF05::C.
        See L{SSDPListener} for the others.
        """
        super().__init__(links, reactor, ssdpPort, ttl, stats, listen, ipv6SiteLocal)
        self.catalogue = catalogue
        randomness = random or _random.Random()
        self.responder = Responder(catalogue, self, reactor, randomness, limits, self.stats)
        self.announcer = Announcer(catalogue, self, reactor, ssdpPort, randomness, self.stats, ipv6SiteLocal)
        self.addObserver(self.responder)

    def startService(self) -> None:
        """
        Bind, join the group on every link and start announcing.

        @raise twisted.internet.error.CannotListenError: the SSDP port is not
            free.
        """
        super().startService()
        self.announcer.start(self.links)

    def setLinks(self, links: Sequence[Link], nextBootId: int | None) -> None:
        """
        Serve another set of links from now on (an address appeared, changed
        or went away): join and leave the group as needed, then let the
        announcer say goodbye, update and announce.

        @param nextBootId: the BOOTID to use when links were added.
        """
        if not self.running:
            return
        try:
            joined = self._join(links)
        except CannotListenError as e:
            log.error("Cannot open the SSDP socket: {error}", error=e)
            return
        self.responder.linksChanged()
        self.announcer.linksChanged(joined, nextBootId)

    def _leaving(self) -> Deferred[None]:
        """
        Cancel the pending answers and send byebye for everything.

        @return: a L{Deferred} that fires once the byebyes are written.
        """
        self.responder.stop()
        return self.announcer.stop() if self.announcer.running else succeed(None)

    def publish(self, publication: Publication) -> None:
        """
        Add a publication and announce it if running.
        """
        self.catalogue.add(publication)
        self.announcer.published(publication)

    def withdraw(self, publication: Publication) -> None:
        """
        Send byebye for a publication if running, and remove it.
        """
        self.announcer.withdrawn(publication)
        self.catalogue.remove(publication)

    def sendAlive(self, publications: Iterable[Publication]) -> None:
        """
        Send one ssdp:alive for every advertisement of C{publications} on
        every link, now (the announcer also does on its own schedule).
        """
        self.announcer.sendAlive(self.links, publications)

    def sendByebye(self, publications: Iterable[Publication]) -> None:
        """
        Send one ssdp:byebye for every advertisement of C{publications} on
        every link, now; they stay published.
        """
        self.announcer.sendByebye(self.links, publications)
