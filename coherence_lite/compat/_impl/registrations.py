# -*- test-case-name: tests.compat.test_announcing -*-
"""
The registrations of an L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>}:
what C{register('local', ...)} was given and how the core answers and
announces it (L{LocalRegistrations}), and the entry C{register('remote',
...)} makes (L{remoteEntry}).

Each registration is a L{Publication} of one L{Advertisement} (NT = the
registered ST, the USN as given, LOCATION fixed).  An announced one is
published on the core L{SSDPService}, which answers and announces it; a
silent one sits in a second catalogue, L{LocalRegistrations.quiet}, that
only answers searches naming its ST and is never announced.  Each is also a
L{LOCAL <coherence_lite.model.device.LOCAL>} entry of the server's L{EntryRegistry}, so that C{known} lists it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from coherence_lite.compat import SERVER_ID
from coherence_lite.compat._impl.known import Registration
from coherence_lite.model.device import LOCAL, REMOTE
from coherence_lite.ssdp import SSDP_ADDR
from coherence_lite.ssdp.advertisement import Advertisement
from coherence_lite.ssdp.catalogue import Catalogue, Publication
from coherence_lite.ssdp.format import formatNotifyAlive, hostHeader
from coherence_lite.ssdp.message import Headers
from coherence_lite.ssdp.registry import DEFAULT_MAX_AGE, Entry, EntryRegistry
from coherence_lite.ssdp.host import SSDPService

__all__ = ["LocalRegistrations", "remoteEntry"]

log = Logger()


class LocalRegistrations(Mapping[str, Registration]):
    """
    USN → L{Registration} of every local registration; read-only as a
    mapping, changed with L{add} and L{remove}.

    @ivar quiet: the L{Catalogue} of silent registrations.
    """

    def __init__(self, service: SSDPService, registry: EntryRegistry, clock: IReactorTime) -> None:
        """
        @param service: answers and announces the announced registrations
            (its catalogue holds them).
        @param registry: where each registration is a local entry.
        @param clock: when a registration was made, for C{last-seen}.
        """
        self._service = service
        self._registry = registry
        self._clock = clock
        self._byUSN: dict[str, Registration] = {}
        self.quiet = Catalogue(server=SERVER_ID)

    def __getitem__(self, usn: str) -> Registration:
        return self._byUSN[usn]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._byUSN))

    def __len__(self) -> int:
        return len(self._byUSN)

    def add(
        self,
        usn: str,
        st: str,
        location: str,
        server: str,
        cacheControl: str,
        maxAge: int,
        silent: bool,
        host: str | None,
        configId: int | None = None,
    ) -> None:
        """
        Register a USN as ours, replacing (without byebye) an earlier
        registration of it: answered from now on and, unless C{silent},
        announced.

        @param cacheControl: the CACHE-CONTROL text, kept for C{known}.
        @param maxAge: the max-age it is announced with.
        @param host: kept as C{known[usn]['HOST']}.
        @param configId: the CONFIGID.UPNP.ORG to send, if any.
        @raise ValueError: USN, ST, LOCATION or SERVER could not be sent as
            it is.
        """
        # Refuse what could not be sent, now rather than at each announcement.
        formatNotifyAlive(
            host=hostHeader(SSDP_ADDR, self._service.ssdpPort),
            nt=st,
            usn=usn,
            location=location,
            maxAge=maxAge,
            server=server,
            bootId=0,
            configId=None,
        )
        log.info("Registering {st} as {usn} at {location}", st=st, usn=usn, location=location)
        previous = self._byUSN.get(usn)
        if previous is not None:
            self._unpublish(previous)
        publication = Publication(
            (Advertisement(nt=st, usn=usn),),
            location=lambda link: location,
            configId=configId,
            maxAge=maxAge,
            server=server,
        )
        # In the table before the registry tells its observers of the entry.
        self._byUSN[usn] = Registration(usn, st, location, server, cacheControl, silent, host, publication)
        self._registry.add(
            Entry(
                usn=usn,
                st=st,
                location=location,
                server=server,
                maxAge=maxAge,
                manifestation=LOCAL,
                silent=silent,
                lastSeen=self._clock.seconds(),
            )
        )
        if silent:
            self.quiet.add(publication)
        else:
            self._service.publish(publication)
        self._reannounceWithin()

    def remove(self, usn: str) -> Registration | None:
        """
        Stop answering and announcing a registration, without byebye; its
        registry entry is the caller's to remove.

        @return: the registration, or L{None} when C{usn} is not registered.
        """
        registration = self._byUSN.pop(usn, None)
        if registration is not None:
            self._unpublish(registration)
            self._reannounceWithin()
        return registration

    def _unpublish(self, registration: Registration) -> None:
        """
        Stop answering and announcing a registration, without byebye.
        """
        self._service.catalogue.remove(registration.publication)
        self.quiet.remove(registration.publication)

    def _reannounceWithin(self) -> None:
        # The announcer re-announces within a fraction of the catalogue's
        # max-age: keep it at the shortest one registered.
        maxAges = [
            r.publication.maxAge for r in self._byUSN.values() if not r.silent and r.publication.maxAge is not None
        ]
        self._service.catalogue.maxAge = min(maxAges, default=DEFAULT_MAX_AGE)


def remoteEntry(
    usn: str,
    st: str,
    location: str,
    server: str | None,
    cacheControl: str,
    maxAge: int,
    silent: bool,
    host: str | None,
    now: float,
) -> Entry:
    """
    The registry entry of a C{register('remote', ...)}: as if heard from
    C{host}, with its CACHE-CONTROL and SERVER as headers.

    @param now: the clock's time, for C{last-seen}.
    """
    pairs = [("CACHE-CONTROL", cacheControl)]
    if server:
        pairs.append(("SERVER", server))
    return Entry(
        usn=usn,
        st=st,
        location=location,
        server=server or None,
        maxAge=maxAge,
        source=(host, 0) if host else None,
        manifestation=REMOTE,
        silent=silent,
        lastSeen=now,
        headers=Headers(pairs),
    )
