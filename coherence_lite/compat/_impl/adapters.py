# -*- test-case-name: tests.compat.test_testmode,tests.compat.test_ssdp -*-
"""
How an L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>} plugs into the
core's sockets, or into the transport a test gives it.

    - L{DatagramTap} sits between the socket and the core L{SSDPProtocol},
      so every datagram can go out as Coherence's C{datagram_received}
      signal once it had its effect;
    - L{TransportPort} is what the core L{SSDPService} sends through in test
      mode: the server's C{transport} instead of an L{SSDPPort};
    - L{testModeLink} is the one link a server in test mode serves, and
      L{testModeClock} the clock it keeps time on when given no reactor
      (L{drain} lets that clock run out at shutdown);
    - L{datagramBytes} takes datagrams as bytes or, as Cohen3 did, text;
    - L{messageFrom} reads the header dicts Coherence's entry points take.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Callable, cast

from twisted.internet.defer import Deferred
from twisted.internet.protocol import DatagramProtocol
from twisted.internet.testing import MemoryReactorClock
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.message import Address, MSearch, Notify, ParseError, SearchResponse
from coherence_lite.ssdp.parse import parse
from coherence_lite.ssdp.protocol import SSDPProtocol
from coherence_lite.ssdp.transport import Arrival, ipv6Groups

__all__ = [
    "TEST_INDEX",
    "DRAIN_STEPS",
    "DatagramTap",
    "TransportPort",
    "testModeLink",
    "testModeClock",
    "drain",
    "datagramBytes",
    "messageFrom",
]

log = Logger()

#: The interface index of the one link a server in test mode serves.
TEST_INDEX = 0

#: The most timers L{drain} runs before giving up.
DRAIN_STEPS = 1000


class DatagramTap(DatagramProtocol):
    """
    Passes datagrams on to an L{SSDPProtocol}, then reports each raw
    datagram: Coherence's C{datagram_received} signal goes out after the
    datagram had its effect.
    """

    noisy = False

    def __init__(self, inner: SSDPProtocol, seen: Callable[[bytes, Address], None], name: str = "SSDPServer") -> None:
        """
        @param inner: parses and dispatches the datagrams.
        @param seen: called with every datagram and its source.
        @param name: how the port names this protocol in the log.
        """
        self.inner = inner
        self._seen = seen
        self._name = name

    def logPrefix(self) -> str:
        """
        How the port names this protocol in the log.
        """
        return self._name

    def datagramArrived(self, data: bytes, source: Address, arrival: Arrival) -> None:
        """
        One datagram arrived on the interface C{arrival.index}.
        """
        try:
            self.inner.datagramArrived(data, source, arrival)
        finally:
            self._seen(data, source)

    def datagramReceived(self, datagram: bytes, addr: Address) -> None:
        """
        A datagram without interface information: the inner protocol drops it.
        """
        self.inner.datagramReceived(datagram, addr)


class TransportPort:
    """
    What an L{SSDPService <coherence_lite.ssdp.host.SSDPService>} sends
    through in test mode instead of an
    L{SSDPPort <coherence_lite.ssdp.transport.SSDPPort>}: the C{transport} of
    an L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>}, as Coherence's
    tests give it with C{makeConnection}.

    @ivar groups6: the IPv6 groups a socket would join; none is joined here.
    """

    def __init__(self, protocol: DatagramProtocol) -> None:
        self._protocol = protocol
        self.groups6 = ipv6Groups()

    def join(self, link: Link) -> None:
        """
        Nothing to join without a socket.
        """

    def leave(self, link: Link) -> None:
        """
        Nothing to leave without a socket.
        """

    def sendFrom(self, data: bytes, destination: Address, link: Link) -> bool:
        """
        Write C{data} to the protocol's transport, addressed to C{(host, port)}.

        @return: whether the transport took it.
        """
        transport = self._protocol.transport
        if transport is None:
            log.warn("Not connected: datagram to {destination} dropped", destination=destination)
            return False
        try:
            transport.write(data, (destination[0], destination[1]))
        except OSError as e:
            log.info("Could not send to {destination}: {error}", destination=destination, error=e)
            return False
        return True

    def stopListening(self) -> None:
        """
        Nothing to close.
        """


def testModeLink(interface: str) -> Link:
    """
    The one link of a server in test mode: on C{interface} (any address when
    empty), with every peer of its family on-link.
    """
    address = ipaddress.ip_interface(f"{interface or '0.0.0.0'}/0")
    return Link("test", TEST_INDEX, address, (address.network,))


def testModeClock() -> Reactor:
    """
    The private clock of a server in test mode that was given no reactor:
    Coherence's test mode left no timer on the global reactor, and neither
    does this one.  Its time starts at 0 and moves only when a test calls
    its C{advance}.
    """
    return cast(Reactor, MemoryReactorClock())


def drain(clock: Reactor, done: Deferred[None]) -> None:
    """
    Advance a private L{testModeClock} from timer to timer until C{done}
    fires or no timer is left (at most L{DRAIN_STEPS} of them).
    """
    steps = 0
    while not done.called and steps < DRAIN_STEPS:
        calls = clock.getDelayedCalls()
        if not calls:
            return
        step = max(0.0, min(call.getTime() for call in calls) - clock.seconds())
        cast(MemoryReactorClock, clock).advance(step)
        steps += 1


def datagramBytes(datagram: object, source: Address) -> bytes | None:
    """
    A datagram as bytes: text (Cohen3 took it) is read as UTF-8.

    @return: the bytes, or L{None} (logged) for anything that is neither.
    """
    if isinstance(datagram, bytes):
        return datagram
    if isinstance(datagram, str):
        return datagram.encode("utf-8", "replace")
    if isinstance(datagram, (bytearray, memoryview)):
        return bytes(datagram)
    log.debug(
        "Datagram of type {kind} from {host}:{port} dropped",
        kind=type(datagram).__name__,
        host=source[0],
        port=source[1],
    )
    return None


def _text(value: object) -> str:
    # Coherence's dicts held str (bytes on Python 2); take both.
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def messageFrom(startLine: str, headers: Mapping[str, object]) -> MSearch | Notify | SearchResponse | ParseError:
    """
    Read a Coherence-style header dict (lower-case names) as the message it
    describes, through the same parser datagrams go through.
    """
    lines = [startLine] + [f"{_text(name)}: {_text(value)}" for name, value in headers.items()]
    return parse(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace"))
