# -*- test-case-name: tests.compat.test_ssdp,tests.compat.test_announcing,tests.compat.test_signals,tests.compat.test_testmode -*-
"""
Coherence's C{SSDPServer}, as a thin façade over coherence-lite's SSDP core.

Code that drives Coherence's SSDP server directly keeps working with one
changed import::

    from coherence.upnp.core.ssdp import SSDPServer     # Coherence
    from coherence_lite.compat.ssdp import SSDPServer   # coherence-lite

    ssdp = SSDPServer()
    ssdp.register('local', 'uuid:...::upnp:rootdevice', 'upnp:rootdevice',
                  'http://192.168.1.10:8080/description.xml')

Underneath, nothing is Coherence-shaped: registrations are publications
the core L{SSDPService} answers and announces, the table of known USNs is
an L{EntryRegistry} (C{known} is a read-only view of it in Coherence's dict
shape), and signals go out through L{SignalSender}: asynchronously, sender
ignored.

With C{test=True} nothing binds a socket: the server sends through
C{self.transport} (give it one with C{makeConnection}) and reads what tests
pass to L{SSDPServer.datagramReceived}.  Timers (announcement rounds,
response delays, expiry) run on the injected C{reactor} in both modes, so
tests pass a L{twisted.internet.task.Clock} or call L{SSDPServer.shutdown}.

This module holds L{SSDPServer} and Coherence's names; the parts it is
made of live next to it: L{coherence_lite.compat._impl.registrations} (local
registrations and silent ones), L{coherence_lite.compat._impl.known} (C{known}
in Coherence's shape), L{coherence_lite.compat._impl.adapters} (sockets or a test
transport) and L{coherence_lite.compat._impl.observers} (signals and callbacks).
"""

from __future__ import annotations

import random as _random
import socket
from collections.abc import Sequence
from typing import Callable

from twisted.internet.defer import Deferred, succeed
from twisted.internet.error import CannotListenError
from twisted.internet.protocol import DatagramProtocol
from twisted.logger import Logger

from coherence_lite.compat import SERVER_ID
from coherence_lite.compat._impl.adapters import (
    DatagramTap,
    TransportPort,
    datagramBytes,
    drain,
    testModeClock,
    testModeLink,
)
from coherence_lite.compat._impl.known import KNOWN_KEYS, KnownRefresh, KnownTable, Registration, knownInfos
from coherence_lite.compat._impl.legacy import CoherenceCalls
from coherence_lite.compat._impl.observers import Callbacks, LogSignals, QuietAnswers, RegistrySignals
from coherence_lite.compat._impl.registrations import LocalRegistrations, remoteEntry
from coherence_lite.host.bootid import BootIdStore
from coherence_lite.model.device import LOCAL, REMOTE
from coherence_lite.net.interfaces import Link, NetworkInterface, reportedLinks, selectLinks, systemInterfaces
from coherence_lite._reactor import Reactor, defaultReactor
from coherence_lite.compat.signals import DATAGRAM_RECEIVED, SignalSender
from coherence_lite.ssdp import SSDP_ADDR, SSDP_PORT
from coherence_lite.ssdp.catalogue import Catalogue
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.ssdp.message import Address, SearchResponse
from coherence_lite.ssdp.parse import parseMaxAge
from coherence_lite.ssdp.protocol import SSDPProtocol, linkFor
from coherence_lite.ssdp.registry import (
    MAX_ENTRIES,
    UNREGISTERED,
    Entry,
    EntryRegistry,
    maxAgeOrDefault,
)
from coherence_lite.ssdp.responder import Responder
from coherence_lite.ssdp.host import SSDPService
from coherence_lite.ssdp.transport import Arrival, GroupPort, listenSSDP, multicastDestination

__all__ = [
    "SSDP_PORT",
    "SSDP_ADDR",
    "SERVER_ID",
    "KNOWN_KEYS",
    "SSDPServer",
    "Registration",
    "KnownTable",
    "knownInfos",
]

log = Logger()

class SSDPServer(CoherenceCalls, DatagramProtocol):
    """
    Coherence's SSDP server: registrations, the table of known USNs,
    announcements, answers to searches and signals.

    Unlike Coherence's, every instance has its own state (no class-level
    tables), time and randomness are injected, and LOCATION, ST, USN and
    SERVER are checked when registered, so no registration can put a line
    break into a datagram.

    @ivar known: USN → Coherence's dict (L{KNOWN_KEYS}); a read-only view.
    @ivar registry: the L{EntryRegistry} behind C{known}.
    @ivar catalogue: the L{Catalogue} of announced local registrations.
    @ivar quietCatalogue: the L{Catalogue} of silent local registrations.
    @ivar service: the core L{SSDPService} doing the work.
    @ivar reactor: the reactor everything is timed on.
    @ivar test: whether no socket is bound (Coherence's C{test} flag).
    """

    noisy = False

    def __init__(
        self,
        test: bool = False,
        interface: str = "",
        *,
        reactor: Reactor | None = None,
        ssdpPort: int = SSDP_PORT,
        interfaces: Sequence[str] | None = None,
        random: _random.Random | None = None,
        ttl: int = 2,
        maxEntries: int = MAX_ENTRIES,
        limits: ResponderLimits = ResponderLimits(),
        systemInterfaces: Callable[[], Sequence[NetworkInterface]] = systemInterfaces,
    ) -> None:
        """
        Set the server up and, unless C{test}, start it at once: bind the
        SSDP port and join the group, as Coherence's constructor did.

        @param test: bind nothing; send through C{self.transport}.
        @param interface: Coherence's argument: an interface address to
            serve; empty for every suitable interface (IPv4).  In test mode,
            the address the one test link has.
        @param reactor: the reactor; the global one when L{None}.
        @param ssdpPort: the SSDP port (1900 on a real network).
        @param interfaces: interface names or addresses to serve, instead of
            C{interface}.
        @param random: randomness for response delays and announcement
            spacing.
        @param ttl: the multicast TTL.
        @param maxEntries: the most remote USNs remembered.
        @param limits: how much searches are answered (see L{Responder}).
        @param systemInterfaces: asks the OS for its interfaces.
        """
        # Test mode keeps no timer on the global reactor: without a reactor
        # of its own, the server keeps time on a private clock.
        self._ownClock = test and reactor is None
        self.reactor = testModeClock() if self._ownClock else reactor or defaultReactor()
        self.test = test
        self.interface = interface
        self.ssdpPort = ssdpPort
        self._random = random if random is not None else _random.Random()
        if interfaces is not None:
            self._requested: tuple[str, ...] = tuple(interfaces)
        else:
            self._requested = (interface,) if interface else ()
        self._systemInterfaces = systemInterfaces
        self._links: tuple[Link, ...] = ()
        self._taps: dict[int, DatagramTap] = {}
        # Signals and callbacks go out on the next turn of the reactor that
        # runs the program, even when timers are kept on a private clock.
        self._turns = defaultReactor() if self._ownClock else self.reactor
        self._signals = SignalSender(self._turns)
        self._callbacks = Callbacks()
        self._stopped = False

        self.catalogue = Catalogue(server=SERVER_ID)
        self.registry = EntryRegistry(self.reactor, maxEntries)
        self.service = SSDPService(
            self.catalogue,
            lambda: self._links,
            self.reactor,
            ssdpPort=ssdpPort,
            ttl=ttl,
            random=self._random,
            limits=limits,
            listen=self._listen,
        )
        self._registrations = LocalRegistrations(self.service, self.registry, self.reactor)
        self.quietCatalogue = self._registrations.quiet
        self.known = KnownTable(self.registry, self._registrations)
        #: Coherence's own name for the same table.
        self._known = self.known
        self.registry.addObserver(self.known)
        self.registry.addObserver(RegistrySignals(self._deviceEvent))
        quietResponder = Responder(self.quietCatalogue, self.service, self.reactor, self._random, limits)
        self._quietResponder = quietResponder
        self.service.addObserver(self.registry)
        self.service.addObserver(KnownRefresh(self.known))
        self.service.addObserver(QuietAnswers(quietResponder, self.quietCatalogue, self.catalogue))
        self.service.addObserver(LogSignals(self._signals))
        if not test:
            self._start(self._chooseLinks())

    # Starting and stopping

    def _chooseLinks(self) -> tuple[Link, ...]:
        links = tuple(reportedLinks(selectLinks(self._systemInterfaces(), self._requested, ipv6=False), log))
        if not links:
            log.error("No usable network interface for SSDP; nothing will be announced or answered")
        return links

    def _start(self, links: tuple[Link, ...]) -> None:
        if self.service.running or self._stopped:
            return
        self._links = links
        bootId = BootIdStore(None, self.reactor).next()
        self.catalogue.bootId = self.quietCatalogue.bootId = bootId
        try:
            self.service.startService()
        except CannotListenError as e:
            log.error(
                "Cannot listen for SSDP on port {port}: {error}; "
                "is another SSDP server running on this host?",
                port=self.ssdpPort,
                error=e.socketError,
            )

    def _listen(self, reactor: Reactor, port: int, family: int, ttl: int, protocol: SSDPProtocol) -> GroupPort:
        tap = DatagramTap(protocol, self._datagramSeen)
        self._taps[family] = tap
        if self.test:
            return TransportPort(self)
        return listenSSDP(reactor, port, family, ttl, tap)

    def startProtocol(self) -> None:
        """
        In test mode, start serving once a transport is connected.
        """
        if self.test:
            self._start((testModeLink(self.interface),))

    def shutdown(self) -> Deferred[None]:
        """
        Send byebye for every local registration (announced ones twice, as
        the core does; silent ones once), then close the sockets and forget
        every entry, cancelling their timers.

        @return: a L{Deferred} that fires once the last byebye is written.
        """
        if self._stopped:
            return succeed(None)
        self._stopped = True
        self._quietResponder.stop()
        if self.service.running:
            quiet = list(self.quietCatalogue)
            if quiet:
                self.service.sendByebye(quiet)
            done: Deferred[None] = self.service.stopService()
        else:
            done = succeed(None)

        def forget(_: object) -> None:
            self.registry.clear()
            self.known.cleared()
            self._taps.clear()

        done.addCallback(forget)
        if self._ownClock:
            # Nobody else advances a private clock: let the byebyes out.
            drain(self.reactor, done)
        return done

    @property
    def links(self) -> tuple[Link, ...]:
        """
        The links announcements go out on (empty until started).
        """
        return self.service.links

    # Receiving

    def _datagramSeen(self, data: bytes, source: Address) -> None:
        self._signals.send(DATAGRAM_RECEIVED, data, source[0], source[1])

    def _linkFor(self, host: str) -> Link | None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return linkFor([link for link in self._links if link.family == family], host)

    def datagramReceived(self, datagram: bytes | str, addr: Address) -> None:
        """
        Handle one datagram as if it arrived on the SSDP port from C{addr}
        (sent to the multicast group).  Malformed datagrams are dropped with
        a debug line; every datagram is then passed on with the
        C{UPnP.SSDP.datagram_received} signal.

        @param datagram: the datagram's bytes, or text (as Cohen3 took it),
            which is read as UTF-8.
        @param addr: C{(host, port)} of the sender.
        """
        data = datagramBytes(datagram, addr)
        if data is None:
            return
        link = self._linkFor(addr[0])
        tap = self._taps.get(link.family) if link is not None else None
        if link is None or tap is None:
            log.warn("Not running: datagram from {host}:{port} dropped", host=addr[0], port=addr[1])
            return
        group = multicastDestination(link, self.ssdpPort)[0]
        tap.datagramArrived(data, addr, Arrival(link.index, group))

    def searchResponseReceived(self, response: SearchResponse, source: Address) -> None:
        """
        Remember (or refresh) the USN of an answer to one of our searches;
        L{coherence_lite.compat.msearch.MSearch} calls this.
        """
        link = self._linkFor(source[0])
        if link is None:
            log.debug("Search response from {host} ignored: not running", host=source[0])
            return
        self.registry.responseReceived(response, source, link)
        self.known.seen(response.usn)

    # Registrations

    def register(
        self,
        manifestation: str,
        usn: str,
        st: str,
        location: str,
        server: str | None = SERVER_ID,
        cache_control: str = "max-age=1800",
        silent: bool = False,
        host: str | None = None,
        *,
        configId: int | None = None,
    ) -> None:
        """
        Register a USN.

        A C{'local'} one is ours: answered to searches and, unless C{silent},
        announced now (three rounds over about a second) and again before its
        max-age runs out.  A C{'remote'} one is remembered until its max-age
        runs out, unless a local one has the same USN.  A root device
        (C{st='upnp:rootdevice'}) is signalled with C{new_device}.

        @param manifestation: C{'local'} or C{'remote'}.
        @param st: the NT it is announced with and the ST it answers.
        @param location: its LOCATION, sent as is on every link.
        @param server: its SERVER header.
        @param cache_control: its CACHE-CONTROL; only max-age is used
            (C{max-age = 900} and C{max-age=900, no-cache} are understood),
            1800 when there is none.
        @param silent: answer searches naming C{st}, never announce it.
        @param host: kept as C{known[usn]['HOST']}.
        @param configId: new: the CONFIGID.UPNP.ORG of the description at
            C{location}, sent with a local registration (UDA 1.1).
        @raise ValueError: C{manifestation} is neither, or a local USN, ST,
            LOCATION or SERVER could not be sent as it is.
        """
        maxAge = maxAgeOrDefault(parseMaxAge(cache_control))
        if manifestation == LOCAL:
            self._registrations.add(usn, st, location, server or SERVER_ID, cache_control, maxAge, silent, host, configId)
        elif manifestation == REMOTE:
            if usn in self._registrations:
                log.debug("Remote {usn} ignored: registered here as local", usn=usn)
                return
            entry = remoteEntry(usn, st, location, server, cache_control, maxAge, silent, host, self.reactor.seconds())
            self.registry.add(entry)
        else:
            raise ValueError(f"manifestation must be 'local' or 'remote', not {manifestation!r}")

    def unRegister(self, usn: str) -> None:
        """
        Forget a USN: a local one is no longer answered nor announced (no
        byebye is sent: call L{doByebye} first for that).  A root device is
        signalled with C{removed_device}.  Unknown USNs are ignored.
        """
        if usn not in self.registry and usn not in self._registrations:
            log.debug("Un-registering unknown {usn} ignored", usn=usn)
            return
        log.info("Un-registering {usn}", usn=usn)
        self.registry.remove(usn, UNREGISTERED)
        self._registrations.remove(usn)

    def isKnown(self, usn: str) -> bool:
        """
        Whether a USN is registered or was heard and has not expired.
        """
        return usn in self.registry

    # Signals and callbacks

    def _deviceEvent(self, signal: str, callbackName: str, entry: Entry) -> None:
        infos = self.known.get(entry.usn) or knownInfos(entry, self._registrations.get(entry.usn))
        self._signals.send(signal, device_type=entry.st, infos=infos)
        self._turns.callLater(0, self.callback, callbackName, entry.st, infos)
