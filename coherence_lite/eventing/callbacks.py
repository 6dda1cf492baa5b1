# -*- test-case-name: tests.eventing.test_callbacks -*-
"""
The CallStranger check (CVE-2020-12695): where a device may deliver events.

An unchecked CALLBACK turns a device into a reflector: a subscriber names a
victim's address and the device sends it traffic (floods, data, port
scans behind a firewall).  UDA 2.0 since 2020 forbids delivery outside the
subscriber's network segment.  Here a delivery URL is accepted only when:

  - it is C{http://} with a literal address and a numeric port (the parser
    in L{coherence_lite.eventing.message} already refuses everything else:
    host names, other schemes, user information);
  - the SUBSCRIBE arrived on one of the links the host serves (the
    L{Link} whose address is the request's local address, and for an IPv6
    link-local address the interface of its scope);
  - its address is on that link: inside one of the interface's networks in
    the same family, or IPv6 link-local (then delivered through that
    interface, whatever zone the subscriber wrote);
  - it is not an unspecified, multicast or limited-broadcast address.

IPv4-mapped IPv6 addresses (C{::ffff:a.b.c.d}, which a dual-stack socket
reports for IPv4 peers) count as the IPv4 address, both for the request's
local address and in a CALLBACK.  One URL that fails refuses the whole
header, as one malformed URL does: a header mixing a good and a hostile URL
is hostile.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Sequence

from coherence_lite.eventing.message import CallbackURL
from coherence_lite.net.interfaces import Link

__all__ = ["Destination", "arrivalLink", "onLinkCallbacks", "unmapped"]

_BROADCAST = IPv4Address("255.255.255.255")


def unmapped(address: IPv4Address | IPv6Address) -> IPv4Address | IPv6Address:
    """
    The IPv4 address of an IPv4-mapped IPv6 address; any other address as
    it is.
    """
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _parse(host: str) -> tuple[IPv4Address | IPv6Address, str | None] | None:
    text, _, zone = host.partition("%")
    try:
        return unmapped(ip_address(text)), zone or None
    except ValueError:
        return None


def arrivalLink(localHost: str, scopeID: int | str | None, links: Sequence[Link]) -> Link | None:
    """
    The served link a request arrived on, from the local address of its
    connection.

    @param localHost: the local address as the socket gives it (an IPv6
        zone after C{%} and IPv4-mapped IPv6 are understood).
    @param scopeID: the IPv6 scope (interface index or name) when the
        socket gives it apart from the address, else L{None}.
    @param links: the links the host serves now.
    @return: the link, or L{None} when the address is none of theirs (or a
        link-local address on an interface not served).
    """
    parsed = _parse(localHost)
    if parsed is None:
        return None
    address, zone = parsed
    scope = zone if zone is not None else (str(scopeID) if scopeID not in (None, 0, "") else None)
    for link in links:
        if link.address.ip != address:
            continue
        if isinstance(address, IPv6Address) and address.is_link_local:
            if scope is None or scope not in (link.interface, str(link.index)):
                continue
        return link
    return None


@dataclass(frozen=True)
class Destination:
    """
    A delivery URL that passed the check, as the notifier uses it.

    @ivar callback: the URL, its address unmapped; for an IPv6 link-local
        address its zone is the arrival interface.
    """

    callback: CallbackURL

    @property
    def requestURL(self) -> bytes:
        """
        The URL for an HTTP client: the zone, if any, after C{%25} inside
        the brackets.
        """
        url = self.callback
        if url.zone is None:
            return url.url.encode("ascii")
        return f"http://[{url.address}%25{url.zone}]:{url.port}{url.path}".encode("ascii")


def _problem(url: CallbackURL, link: Link) -> str | None:
    address = url.address
    if address.is_unspecified or address.is_multicast or address == _BROADCAST:
        return f"{address} is not a unicast address"
    if not link.isOnLink(str(address)):
        return f"{address} is not on the link of {link.interface} ({link.host})"
    return None


def onLinkCallbacks(callbacks: Sequence[CallbackURL], link: Link | None) -> tuple[Destination, ...] | str:
    """
    Check the URLs of a CALLBACK header against the link its SUBSCRIBE
    arrived on.

    @param callbacks: the parsed URLs, in order.
    @param link: what L{arrivalLink} found, or L{None}.
    @return: the URLs to deliver to, in order; or why the header is
        refused (for a log line: never sent).
    """
    if link is None:
        return "the SUBSCRIBE arrived on no served link"
    if not callbacks:
        return "no CALLBACK URL"
    accepted: list[Destination] = []
    for url in callbacks:
        url = replace(url, address=unmapped(url.address), zone=None)
        problem = _problem(url, link)
        if problem is not None:
            return problem
        if isinstance(url.address, IPv6Address) and url.address.is_link_local:
            url = replace(url, zone=link.interface)
        accepted.append(Destination(url))
    return tuple(accepted)
