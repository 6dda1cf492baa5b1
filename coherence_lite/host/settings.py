# -*- test-case-name: tests.host.test_settings -*-
"""
What a device host is told: L{HostSettings}, one frozen value holding every
setting and its default.

The defaults are spelled here once; C{twistd upnp-device} shows them in its
help and builds its settings from them, and a library user changes only the
fields they care about (C{HostSettings(interfaces=("eth0",))}).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.net.watcher import POLL_INTERVAL
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.stats import STATS_INTERVAL

__all__ = ["HostSettings", "advertisedHostProblem"]

#: One label of a DNS host name (RFC 1123).
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def advertisedHostProblem(host: str) -> str | None:
    """
    Why C{host} cannot be the host part of a LOCATION (one line, the value
    quoted), or L{None}: it must be a DNS host name, an IPv4 address or an
    IPv6 address (bracketed or not) without a zone, and nothing more: no
    scheme, port or path.
    """
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(literal)
    except ValueError:
        address = None
    if address is not None:
        if isinstance(address, ipaddress.IPv6Address) and address.scope_id is not None:
            return f"{host!r} has an IPv6 zone, which means nothing to other machines: give a global or unique-local address or a name"
        return None
    if "://" in host or "/" in host:
        return f"{host!r} is not a host: give the host alone, without http:// or a path"
    name, _, port = host.rpartition(":")
    if port.isdigit() and (name.startswith("[") and name.endswith("]") or name and ":" not in name):
        return f"{host!r} is not a host: give the host alone; the port is --http-port"
    labels = host.removesuffix(".").split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return f"{host!r} is not a host name or an IP address (letters, digits, '-' and '.' only)"
    if labels[-1].isdigit():
        return f"{host!r} is not an IP address"
    return None


@dataclass(frozen=True)
class HostSettings:
    """
    How a L{coherence_lite.host.service.UPnPDeviceService} hosts its devices.

    @ivar interfaces: interface names or addresses to serve; empty for every
        suitable one (see L{coherence_lite.net.interfaces.selectLinks}).
    @ivar excludeInterfaces: names or glob patterns never to serve.
    @ivar ipv6: serve IPv6 too where an interface has an address for it.
    @ivar ipv6SiteLocal: on IPv6, also join and announce to the site-local
        group FF05::C (the link-local FF02::C always).
    @ivar httpPort: the HTTP port, 0 for any free one.
    @ivar ssdpPort: the SSDP port (1900 on a real network).
    @ivar maxAge: the CACHE-CONTROL max-age of announcements, in seconds.
    @ivar ttl: the multicast TTL (hop limit).
    @ivar advertisedHost: a host name or address to put in LOCATION instead
        of the interface's address (behind NAT or in a container); HTTP
        requests naming it in C{Host} are answered.
    @ivar allowedHosts: names (or address literals) HTTP requests may carry
        in C{Host} besides our own addresses and C{localhost}; others are
        refused (DNS rebinding, see L{coherence_lite.http.hosts}).
    @ivar stateDirectory: where BOOTID and the state variables of
        device-file services are kept across restarts; L{None} uses the
        clock for BOOTID and keeps no state.
    @ivar pollInterval: seconds between looks at the interfaces for
        addresses that appear, change or go; 0 to never look again.
    @ivar netlink: on Linux, also look at the interfaces as soon as the
        kernel reports a change (see L{coherence_lite.net.netlink}), so
        changes are served within a fraction of a second; polling goes on.
    @ivar statsInterval: seconds between two stats lines in the log; 0 logs
        them only when stopping.
    @ivar responderLimits: how much the SSDP responder answers.
    @ivar httpLimits: HTTP sizes, timeouts and connection caps.
    @ivar eventingLimits: GENA subscription bounds, TIMEOUTs and event
        delivery timeouts.
    """

    interfaces: tuple[str, ...] = ()
    excludeInterfaces: tuple[str, ...] = ()
    ipv6: bool = True
    ipv6SiteLocal: bool = False
    httpPort: int = 0
    ssdpPort: int = 1900
    maxAge: int = 1800
    ttl: int = 2
    advertisedHost: str | None = None
    allowedHosts: tuple[str, ...] = ()
    stateDirectory: Path | None = None
    pollInterval: float = POLL_INTERVAL
    netlink: bool = True
    statsInterval: float = STATS_INTERVAL
    responderLimits: ResponderLimits = ResponderLimits()
    httpLimits: HTTPLimits = HTTPLimits()
    eventingLimits: EventingLimits = EventingLimits()

    def __post_init__(self) -> None:
        """
        @raise ValueError: C{advertisedHost} cannot be a LOCATION's host
            (see L{advertisedHostProblem}).
        """
        if self.advertisedHost is not None:
            problem = advertisedHostProblem(self.advertisedHost)
            if problem is not None:
                raise ValueError(f"advertisedHost: {problem}")
