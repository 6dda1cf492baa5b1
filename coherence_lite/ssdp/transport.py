# -*- test-case-name: tests.host.test_service,tests.compat.test_ssdp,tests.ssdp.test_protocol -*-
"""
The only SSDP code that touches sockets.

One UDP socket per address family is bound to the SSDP port on every address
and joins the SSDP group on each served interface.  The kernel tells, with
each datagram, which interface it came in on and where it was sent
(C{IP_PKTINFO} / C{IPV6_RECVPKTINFO}); each datagram we send says which
interface and source address it leaves with.  So one socket serves any number
of interfaces and every answer carries the address of the link it is for.
"""

from __future__ import annotations

import errno
import socket
import struct
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from twisted.internet import udp
from twisted.internet.interfaces import IReactorMulticast
from twisted.internet.protocol import DatagramProtocol
from twisted.logger import Logger

from coherence_lite.net.interfaces import Link, parseAddress
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp import SSDP_ADDR, SSDP_ADDR_V6_LINK, SSDP_ADDR_V6_SITE
from coherence_lite.ssdp.message import MAX_DATAGRAM, Address

__all__ = [
    "Arrival",
    "DatagramHandler",
    "GroupPort",
    "SSDPPort",
    "listenSSDP",
    "Sender",
    "ipv6Groups",
    "multicastDestination",
    "multicastDestinations",
    "linksByIndex",
]

log = Logger()

# Python < 3.13 lacks some Linux constants.
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
IP_MULTICAST_ALL = getattr(socket, "IP_MULTICAST_ALL", 49)

_IN_PKTINFO = struct.Struct("=I4s4s")  # ifindex, spec_dst, addr
_IN6_PKTINFO = struct.Struct("=16sI")  # addr, ifindex
_ANCILLARY_SIZE = socket.CMSG_SPACE(max(_IN_PKTINFO.size, _IN6_PKTINFO.size))

# A plain int: testing an IntFlag member costs an enum operation per datagram.
_MSG_TRUNC = int(socket.MSG_TRUNC)

# Arrivals by the packet information the kernel gave (the interface index
# and our own or a group address, so a few per host); bounded anyway.
_MAX_ARRIVALS = 256

# Errors that lose one datagram, not the socket.
_SEND_ERRORS = frozenset(
    {
        errno.EAGAIN,
        errno.EWOULDBLOCK,
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
        errno.EADDRNOTAVAIL,
        errno.ENOBUFS,
        errno.EPERM,
        errno.EINVAL,
        errno.ENODEV,
        errno.ECONNREFUSED,
        errno.EMSGSIZE,
    }
)


@dataclass(frozen=True)
class Arrival:
    """
    Where a datagram came in: the interface index and the address it was
    sent to (a multicast group, or one of ours for a unicast search).

    @ivar multicast: whether the datagram was sent to a multicast group
        (worked out once, when the arrival is made).
    """

    index: int
    destination: str
    multicast: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        address = parseAddress(self.destination)
        object.__setattr__(self, "multicast", address is not None and address.is_multicast)


def ipv6Groups(siteLocal: bool = False) -> tuple[str, ...]:
    """
    The IPv6 SSDP groups: FF02::C (link-local), and FF05::C (site-local)
    when C{siteLocal}.  Joined on each IPv6 link, and where announcements
    for it go.
    """
    return (SSDP_ADDR_V6_LINK, SSDP_ADDR_V6_SITE) if siteLocal else (SSDP_ADDR_V6_LINK,)


class DatagramHandler(Protocol):
    """
    What an L{SSDPPort} hands received datagrams to.
    """

    def datagramArrived(self, data: bytes, source: Address, arrival: Arrival) -> None:
        """
        One datagram arrived.
        """


class SSDPPort(udp.MulticastPort):
    """
    A multicast UDP port that knows the receiving interface of each datagram
    and can send from a chosen interface and address.
    """

    def __init__(
        self,
        port: int,
        protocol: DatagramProtocol,
        family: int,
        ttl: int,
        reactor: IReactorMulticast | None = None,
    ) -> None:
        interface = "::" if family == socket.AF_INET6 else ""
        super().__init__(
            port, protocol, interface, maxPacketSize=65535, reactor=reactor, listenMultiple=True
        )
        self._ttl = ttl
        self._joined: set[int] = set()
        # What sendmsg needs per (link, destination): built once, not per
        # datagram.  Bounded by the links served and the peers answered.
        # Keyed by the link's id (hashing a Link hashes its addresses); the
        # value keeps the link alive, so the id stays its own.
        self._sendArguments: dict[tuple[int, Address], tuple[list[tuple[int, int, bytes]], Address, Link]] = {}
        self._arrivals: dict[bytes, Arrival | None] = {}
        #: The IPv6 groups joined on each interface (see L{ipv6Groups}).
        self.groups6 = ipv6Groups()

    def createInternetSocket(self) -> socket.socket:
        skt = super().createInternetSocket()
        if self.addressFamily == socket.AF_INET6:
            skt.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            skt.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
            skt.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, self._ttl)
            skt.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
        else:
            skt.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            skt.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, self._ttl)
            skt.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            try:
                # Receive only the groups this socket joined, not every
                # group any socket on the machine joined.
                skt.setsockopt(socket.IPPROTO_IP, IP_MULTICAST_ALL, 0)
            except OSError:
                pass
        return skt

    def _memberships(self, link: Link, leaving: bool = False) -> list[tuple[int, int, bytes]]:
        if link.family == socket.AF_INET6:
            option = socket.IPV6_LEAVE_GROUP if leaving else socket.IPV6_JOIN_GROUP
            index = struct.pack("=I", link.index)
            return [
                (socket.IPPROTO_IPV6, option, socket.inet_pton(socket.AF_INET6, group) + index)
                for group in self.groups6
            ]
        # struct ip_mreqn: group, local address, interface index
        request = socket.inet_aton(SSDP_ADDR) + socket.inet_aton(link.host) + struct.pack("=i", link.index)
        option = socket.IP_DROP_MEMBERSHIP if leaving else socket.IP_ADD_MEMBERSHIP
        return [(socket.IPPROTO_IP, option, request)]

    def join(self, link: Link) -> None:
        """
        Join the SSDP group(s) on a link's interface (once per interface).

        @raise OSError: the OS refused.
        """
        if link.index in self._joined:
            return
        for level, option, value in self._memberships(link):
            self.socket.setsockopt(level, option, value)
        self._joined.add(link.index)

    def leave(self, link: Link) -> None:
        """
        Leave the SSDP group(s) on a link's interface.
        """
        if link.index not in self._joined:
            return
        self._joined.discard(link.index)
        for level, option, value in self._memberships(link, leaving=True):
            try:
                self.socket.setsockopt(level, option, value)
            except OSError as e:
                log.debug(
                    "Leaving the SSDP group on {interface} failed: {error}", interface=link.interface, error=e
                )

    def sendFrom(self, data: bytes, destination: Address, link: Link) -> bool:
        """
        Send one datagram out of a link's interface, from its address.

        @return: whether the OS took it.
        """
        key = (id(link), destination)
        arguments = self._sendArguments.get(key)
        if arguments is None:
            if len(self._sendArguments) >= _MAX_SEND_ARGUMENTS:
                self._sendArguments.clear()
            arguments = self._sendArguments[key] = (*_sendArguments(destination, link), link)
        ancillary, destination, _ = arguments
        try:
            self.socket.sendmsg([data], ancillary, 0, destination)
        except OSError as e:
            if e.errno not in _SEND_ERRORS:
                raise
            log.debug(
                "Could not send to {destination} from {interface}: {error}",
                destination=destination,
                interface=link.interface,
                error=e,
            )
            return False
        return True

    def doRead(self) -> None:
        read = 0
        while read < self.maxThroughput:
            try:
                data, ancillary, flags, source = self.socket.recvmsg(self.maxPacketSize, _ANCILLARY_SIZE)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno in (errno.EINTR, errno.ECONNREFUSED, errno.EMSGSIZE, errno.ENOBUFS):
                    return
                raise
            read += len(data)
            arrival = self._arrivalOf(ancillary)
            if arrival is None:
                log.debug("Datagram from {source} without packet info dropped", source=source)
                continue
            if flags & _MSG_TRUNC:
                data = data[: MAX_DATAGRAM + 1]
            try:
                self.protocol.datagramArrived(data, source, arrival)
            except Exception:
                log.failure("Handling a datagram from {source} failed", source=source)


    def _arrivalOf(self, ancillary: list[tuple[int, int, bytes]]) -> Arrival | None:
        """
        The arrival the packet information tells, remembered by its bytes.
        """
        if len(ancillary) != 1:
            return _arrival(ancillary)
        raw = ancillary[0][2]
        try:
            return self._arrivals[raw]
        except KeyError:
            if len(self._arrivals) >= _MAX_ARRIVALS:
                self._arrivals.clear()
            arrival = self._arrivals[raw] = _arrival(ancillary)
            return arrival


#: Peers and links whose sendmsg arguments are remembered.
_MAX_SEND_ARGUMENTS = 1024


def _sendArguments(destination: Address, link: Link) -> tuple[list[tuple[int, int, bytes]], Address]:
    """
    The ancillary data (source address and interface) and the destination
    to send a datagram to C{destination} out of C{link}: an IPv6 peer that
    is link-local or a group gets the link's interface as its scope.
    """
    if link.family == socket.AF_INET6:
        info = _IN6_PKTINFO.pack(socket.inet_pton(socket.AF_INET6, link.host), link.index)
        if len(destination) == 2:
            peer = parseAddress(destination[0])
            scoped = peer is not None and (peer.is_link_local or peer.is_multicast)
            destination = (destination[0], destination[1], 0, link.index if scoped else 0)
        return [(socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, info)], destination
    info = _IN_PKTINFO.pack(link.index, socket.inet_aton(link.host), b"\0\0\0\0")
    return [(socket.IPPROTO_IP, IP_PKTINFO, info)], destination


def _arrival(ancillary: list[tuple[int, int, bytes]]) -> Arrival | None:
    for level, kind, value in ancillary:
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(value) >= _IN_PKTINFO.size:
            index, _, destination = _IN_PKTINFO.unpack_from(value)
            return Arrival(index, socket.inet_ntoa(destination))
        if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO and len(value) >= _IN6_PKTINFO.size:
            destination6, index = _IN6_PKTINFO.unpack_from(value)
            return Arrival(index, socket.inet_ntop(socket.AF_INET6, destination6))
    return None


class GroupPort(Protocol):
    """
    What an SSDP listener needs of its socket of one address family: an
    L{SSDPPort}, or a stand-in that writes to a test transport.

    @ivar groups6: the IPv6 groups joined on each link (see L{ipv6Groups}).
    """

    groups6: tuple[str, ...]

    def join(self, link: Link) -> None:
        """
        Join the SSDP group(s) on a link's interface.
        """

    def leave(self, link: Link) -> None:
        """
        Leave the SSDP group(s) on a link's interface.
        """

    def sendFrom(self, data: bytes, destination: Address, link: Link) -> bool:
        """
        Send one datagram out of a link's interface, from its address.
        """

    def stopListening(self) -> object:
        """
        Close the socket.
        """


def listenSSDP(reactor: Reactor, port: int, family: int, ttl: int, protocol: DatagramProtocol) -> SSDPPort:
    """
    Bind an L{SSDPPort} on every address of a family.

    @raise twisted.internet.error.CannotListenError: the port is not free.
    """
    ssdpPort = SSDPPort(port, protocol, family, ttl, reactor=reactor)
    ssdpPort.startListening()
    return ssdpPort


class Sender(Protocol):
    """
    What the responder and the announcer send datagrams with.
    """

    def send(self, data: bytes, destination: Address, link: Link) -> None:
        """
        Send C{data} to C{destination} out of C{link}'s interface, from its
        address.
        """


def multicastDestination(link: Link, port: int) -> Address:
    """
    The SSDP group of a link's family (FF02::C for IPv6), as a destination.
    """
    return multicastDestinations(link, port)[0]


def multicastDestinations(link: Link, port: int, siteLocal: bool = False) -> list[Address]:
    """
    Where announcements for a link go: 239.255.255.250, or FF02::C (and
    FF05::C when C{siteLocal}) on the link's interface.
    """
    if link.family == socket.AF_INET6:
        return [(group, port, 0, link.index) for group in ipv6Groups(siteLocal)]
    return [(SSDP_ADDR, port)]


def linksByIndex(links: Sequence[Link]) -> dict[tuple[int, int], list[Link]]:
    """
    Group links by (family, interface index).
    """
    grouped: dict[tuple[int, int], list[Link]] = {}
    for link in links:
        grouped.setdefault((link.family, link.index), []).append(link)
    return grouped
