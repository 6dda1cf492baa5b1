# -*- test-case-name: tests.net.test_interfaces -*-
"""
Network interfaces: which ones SSDP is served on, and with which address.

The OS is asked through L{ifaddr} (addresses, prefixes, indexes) and, on
Linux, C{/sys/class/net/<name>/flags} (up, loopback, multicast).  Everything
after L{systemInterfaces} is pure: L{selectLinks} turns the interfaces and the
user's choices into the L{Link}s to serve and a report saying why each
interface was used or skipped.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import socket
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence, Union

import ifaddr
from twisted.logger import Logger, LogLevel

__all__ = [
    "IPInterface",
    "IFF_UP",
    "IFF_LOOPBACK",
    "IFF_MULTICAST",
    "VIRTUAL_BRIDGES",
    "NetworkInterface",
    "Link",
    "InterfaceReport",
    "parseAddress",
    "systemInterfaces",
    "unusableIPv6Addresses",
    "sourceReady",
    "selectLinks",
    "usedLinks",
    "reportedLinks",
]

#: An address with its prefix length, as an interface has it.
IPInterface = Union[ipaddress.IPv4Interface, ipaddress.IPv6Interface]

# Linux <net/if.h>
IFF_UP = 0x1
IFF_LOOPBACK = 0x8
IFF_MULTICAST = 0x1000

#: Bridges of containers and virtual machines: skipped unless named.
VIRTUAL_BRIDGES = ("docker*", "br-*", "virbr*", "veth*", "cni*", "flannel*", "vboxnet*", "vmnet*")


@dataclass(frozen=True)
class NetworkInterface:
    """
    What the OS says about one interface.
    """

    name: str
    index: int
    up: bool
    loopback: bool
    multicast: bool
    addresses: tuple[IPInterface, ...] = ()


@dataclass(frozen=True)
class Link:
    """
    One interface and one of its addresses that SSDP is served on.

    Searches arriving on the interface are answered from this address with a
    LOCATION on it; announcements leave through the interface with it.

    @ivar networks: every network of the interface in this family, for the
        on-link check (see L{isOnLink}), also when the link serves one
        address the user named.
    """

    interface: str
    index: int
    address: IPInterface
    networks: tuple[Union[ipaddress.IPv4Network, ipaddress.IPv6Network], ...] = ()

    @property
    def family(self) -> int:
        """
        C{socket.AF_INET} or C{socket.AF_INET6}.
        """
        return socket.AF_INET if self.address.version == 4 else socket.AF_INET6

    @property
    def host(self) -> str:
        """
        The address as text, without prefix length.
        """
        return str(self.address.ip)

    @property
    def urlHost(self) -> str:
        """
        The address as it stands in a URL (IPv6 in brackets).
        """
        return self.host if self.address.version == 4 else f"[{self.host}]"

    def isOnLink(self, source: str) -> bool:
        """
        Whether a peer at C{source} is on this link: inside one of the
        interface's networks, or an IPv6 link-local address.
        """
        peer = parseAddress(source)
        if peer is None:
            return False
        if peer.version != self.address.version:
            return False
        if isinstance(peer, ipaddress.IPv6Address) and peer.is_link_local:
            return True
        return any(peer in network for network in (self.networks or (self.address.network,)))


@dataclass(frozen=True)
class InterfaceReport:
    """
    Whether one interface is used, and why.
    """

    name: str
    used: bool
    reason: str
    links: tuple[Link, ...] = field(default=())

    def describe(self) -> str:
        """
        One line for logs and C{--list-interfaces}.
        """
        verdict = "use" if self.used else "skip"
        addresses = ", ".join(link.host for link in self.links)
        detail = f" ({addresses})" if addresses else ""
        return f"{verdict} {self.name}{detail}: {self.reason}"


@lru_cache(maxsize=4096)
def parseAddress(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """
    Parse an address as it comes with a datagram (an IPv6 zone is dropped);
    L{None} when it is not one.  Cached: the same peers come back often.
    """
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _readFlags(name: str) -> int | None:
    try:
        return int(Path("/sys/class/net", name, "flags").read_text().strip(), 16)
    except (OSError, ValueError):
        return None


#: Flags of an IPv6 address (<linux/if_addr.h>) that make it unusable as a
#: source: duplicate address detection under way, or failed.
IFA_F_DADFAILED = 0x08
IFA_F_TENTATIVE = 0x40

#: Linux's table of IPv6 addresses, with their flags.
IF_INET6 = Path("/proc/net/if_inet6")


def _ipv6Table(path: Path) -> list[tuple[ipaddress.IPv6Address, int, int]]:
    """
    Linux's table of IPv6 addresses: (address, interface index, flags)
    rows; empty where it cannot be read.
    """
    try:
        text = path.read_text("ascii")
    except (OSError, UnicodeDecodeError):
        return []
    rows = []
    for line in text.splitlines():
        fields = line.split()
        try:
            rows.append((ipaddress.IPv6Address(int(fields[0], 16)), int(fields[1], 16), int(fields[4], 16)))
        except (IndexError, ValueError):
            continue
    return rows


def unusableIPv6Addresses(path: Path = IF_INET6) -> frozenset[ipaddress.IPv6Address]:
    """
    The global and unique-local IPv6 addresses Linux does not let anyone
    send from yet: tentative (its duplicate address detection is under way,
    a second or two after the address is added) or failed that detection.  The kernel reports
    the address again when the check is over, and the interfaces are
    looked at then.

    @param path: Linux's table of IPv6 addresses; where it is missing, no
        address is unusable.
    """
    # Link-local addresses are left alone: they are never the address of a
    # link while another is usable, and leaving them out for their first
    # second would change every link's networks, then change them back
    # (see L{sourceReady} for them).
    return frozenset(
        address
        for address, _, flags in _ipv6Table(path)
        if flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED) and not address.is_link_local
    )


def sourceReady(link: "Link", path: Path = IF_INET6) -> bool:
    """
    Whether a datagram can leave from the link's address now: L{False}
    while its IPv6 address is still tentative (Linux refuses it as a
    source, C{EINVAL}, until duplicate address detection is over: about a
    second after the interface comes up, for its link-local address).
    IPv4, and addresses Linux does not list, are ready.

    @param path: Linux's table of IPv6 addresses.
    """
    if link.address.version != 6:
        return True
    for address, index, flags in _ipv6Table(path):
        if address == link.address.ip and index == link.index:
            return not flags & IFA_F_TENTATIVE
    return True


def systemInterfaces() -> list[NetworkInterface]:
    """
    Ask the OS for its interfaces and addresses (IPv6 addresses not usable
    yet left out, see L{unusableIPv6Addresses}).
    """
    interfaces = []
    unusable = unusableIPv6Addresses()
    for adapter in ifaddr.get_adapters():
        addresses: list[IPInterface] = []
        for ip in adapter.ips:
            if isinstance(ip.ip, tuple):
                text = f"{ip.ip[0].split('%', 1)[0]}/{ip.network_prefix}"
            else:
                text = f"{ip.ip}/{ip.network_prefix}"
            try:
                address = ipaddress.ip_interface(text)
            except ValueError:
                continue
            if address.ip not in unusable:
                addresses.append(address)
        flags = _readFlags(adapter.name)
        if flags is None:
            # Not Linux: assume the usual for an interface with addresses.
            isLoopback = any(address.ip.is_loopback for address in addresses)
            flags = IFF_UP | (IFF_LOOPBACK if isLoopback else IFF_MULTICAST)
        interfaces.append(
            NetworkInterface(
                name=adapter.name,
                index=adapter.index or _indexOf(adapter.name),
                up=bool(flags & IFF_UP),
                loopback=bool(flags & IFF_LOOPBACK),
                multicast=bool(flags & IFF_MULTICAST),
                addresses=tuple(addresses),
            )
        )
    return interfaces


def _indexOf(name: str) -> int:
    try:
        return socket.if_nametoindex(name)
    except OSError:
        return 0


def _ipv6Preference(address: ipaddress.IPv6Interface) -> int:
    # Global or unique-local first; link-local only when there is nothing else,
    # since a control point cannot fetch a link-local URL without a zone.
    if address.ip.is_link_local:
        return 2
    return 0


def _linksOf(
    interface: NetworkInterface, onlyAddress: ipaddress._BaseAddress | None, ipv6: bool
) -> tuple[Link, ...]:
    """
    The links of one interface: its first IPv4 address, and its preferred
    IPv6 address when C{ipv6}; only C{onlyAddress} when the user named one.

    A named IPv6 address still has every IPv6 network of the interface on
    its link: peers on the interface's other prefixes, and above all its
    link-local queriers, are on-link and get answered.  A named IPv4
    address keeps its own networks only.
    """
    links: list[Link] = []
    v4 = [a for a in interface.addresses if a.version == 4]
    v6 = [a for a in interface.addresses if isinstance(a, ipaddress.IPv6Interface)]
    networks6 = tuple(a.network for a in v6)
    if onlyAddress is not None:
        v4 = [a for a in v4 if a.ip == onlyAddress]
        v6 = [a for a in v6 if a.ip == onlyAddress]
        ipv6 = ipv6 or bool(v6)
    if v4:
        links.append(Link(interface.name, interface.index, v4[0], tuple(a.network for a in v4)))
    if ipv6 and v6:
        best = sorted(v6, key=_ipv6Preference)[0]
        links.append(Link(interface.name, interface.index, best, networks6))
    return tuple(links)


def selectLinks(
    interfaces: Sequence[NetworkInterface],
    requested: Sequence[str] = (),
    excluded: Sequence[str] = (),
    ipv6: bool = True,
) -> list[InterfaceReport]:
    """
    Decide which interfaces and addresses to serve SSDP on.

    @param interfaces: what L{systemInterfaces} returned.
    @param requested: interface names or addresses the user asked for; empty
        means every suitable interface.
    @param excluded: names or glob patterns never to use.
    @param ipv6: whether to serve IPv6 too where an interface has it.
    @return: one report per interface, in the OS's order, plus one per
        requested name or address that matches no interface.
    """
    reports: list[InterfaceReport] = []
    wanted: dict[str, ipaddress._BaseAddress | None] = {}
    unmatched = list(requested)
    for item in requested:
        address = parseAddress(item)
        for interface in interfaces:
            if interface.name == item or (
                address is not None and any(a.ip == address for a in interface.addresses)
            ):
                wanted[interface.name] = address
                if item in unmatched:
                    unmatched.remove(item)
    for interface in interfaces:
        named = interface.name in wanted
        reason = _skipReason(interface, named, bool(requested), excluded)
        if reason is not None:
            reports.append(InterfaceReport(interface.name, False, reason))
            continue
        links = _linksOf(interface, wanted.get(interface.name), ipv6)
        if not links:
            reports.append(InterfaceReport(interface.name, False, "no usable address"))
            continue
        why = "requested" if named else "up, multicast-capable"
        reports.append(InterfaceReport(interface.name, True, why, links))
    for item in unmatched:
        reports.append(InterfaceReport(item, False, "no such interface or address on this machine"))
    return reports


def _skipReason(
    interface: NetworkInterface, named: bool, anyRequested: bool, excluded: Sequence[str]
) -> str | None:
    if any(fnmatch.fnmatchcase(interface.name, pattern) for pattern in excluded):
        return "excluded"
    if anyRequested and not named:
        return "not requested"
    if not interface.up:
        return "down"
    if not interface.addresses:
        return "no address"
    if named:
        return None
    if interface.loopback:
        return "loopback (name it with --interface to use it)"
    if not interface.multicast:
        return "not multicast-capable"
    if any(fnmatch.fnmatchcase(interface.name, pattern) for pattern in VIRTUAL_BRIDGES):
        return "container or VM bridge (name it with --interface to use it)"
    return None


def usedLinks(reports: Iterable[InterfaceReport]) -> list[Link]:
    """
    Every link of the used interfaces.
    """
    return [link for report in reports if report.used for link in report.links]


def reportedLinks(reports: Sequence[InterfaceReport], logger: Logger, level: LogLevel = LogLevel.info) -> list[Link]:
    """
    Log one line per interface (used or skipped, and why) and return the
    links of the used ones.
    """
    for report in reports:
        addresses = ", ".join(link.host for link in report.links)
        logger.emit(
            level,
            "Interface {name}{addresses}: {verdict}, {reason}",
            name=report.name,
            addresses=f" ({addresses})" if addresses else "",
            verdict="used" if report.used else "skipped",
            reason=report.reason,
        )
    return usedLinks(reports)
