# -*- test-case-name: tests.net.test_zones -*-
"""
IPv6 zones in URLs: a link-local LOCATION made reachable by naming the
interface it was heard on.

A link-local address (C{fe80::/10}) means nothing without the link: the
same address may exist on every interface, and Linux refuses to connect to
one without a scope (C{EINVAL}).  A device on a home LAN announces
C{http://[fe80::1]:port/...}; the control point writes the zone of the
interface the announcement arrived on into the URL, as RFC 6874 spells it
(C{http://[fe80::1%25eth0]:port/...}), and every URL resolved against it
(SCPD, control, eventing) keeps it.  Zones are this machine's business:
they never go on the wire (L{withoutZone} for the C{Host} header and for a
CALLBACK URL).

Pure: no sockets here (L{socketHost} gives the form a socket call wants).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit, urlunsplit

__all__ = ["splitZone", "socketHost", "zonedLocation", "withoutZone", "urlHost", "inheritZone"]


def splitZone(host: str) -> tuple[str, str | None]:
    """
    Split a host (brackets optional) into its address part and its zone.

    @param host: C{fe80::1%eth0}, C{[fe80::1%25eth0]}, C{10.0.0.1}, a name...
    @return: the host without brackets or zone, and the zone (the RFC 6874
        C{%25} decoded) or L{None}.
    """
    text = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    address, percent, zone = text.partition("%")
    if not percent:
        return address, None
    if zone[:2] == "25" and len(zone) > 2:
        zone = zone[2:]
    return address, zone or None


def socketHost(host: str) -> str:
    """
    The host as socket calls and Twisted's TCP client want it:
    C{fe80::1%eth0} (no brackets, the zone after a bare C{%}).
    """
    address, zone = splitZone(host)
    return address if zone is None else f"{address}%{zone}"


def _linkLocal(address: str) -> bool:
    try:
        return ipaddress.IPv6Address(address).is_link_local
    except ValueError:
        return False


def urlHost(url: str) -> str | None:
    """
    The host of an http URL, its zone kept with its case (unlike
    C{urlsplit().hostname}), without brackets; L{None} when there is none.
    """
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return None
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):
        end = hostport.find("]")
        return hostport[1:end] if end > 0 else None
    return hostport.partition(":")[0] or None


def _replaceHost(parts: SplitResult, bracketed: str) -> str:
    hostport = parts.netloc.rpartition("@")[2]
    end = hostport.find("]")
    port = hostport[end + 1:]
    userinfo = parts.netloc[: len(parts.netloc) - len(hostport)]
    return urlunsplit(parts._replace(netloc=f"{userinfo}{bracketed}{port}"))


def zonedLocation(url: str, zone: str) -> str:
    """
    C{url} with C{zone} written into its host when that host is a
    link-local IPv6 literal without a zone; C{url} unchanged otherwise
    (a name, IPv4, a global address, a zone already there, not a URL).

    @param zone: the interface name (or index) the URL was heard on.
    """
    host = urlHost(url)
    if host is None or not zone:
        return url
    address, present = splitZone(host)
    if present is not None or not _linkLocal(address):
        return url
    return _replaceHost(urlsplit(url), f"[{address}%25{zone}]")


def withoutZone(url: str) -> str:
    """
    C{url} with the zone of its host, if any, taken out: what goes on the
    wire (another machine's zones are not ours).
    """
    host = urlHost(url)
    if host is None:
        return url
    address, zone = splitZone(host)
    if zone is None:
        return url
    return _replaceHost(urlsplit(url), f"[{address}]")


def inheritZone(url: str, base: str) -> str:
    """
    C{url} (resolved against C{base}) with C{base}'s zone when it names
    the same link-local address without one: a description that writes
    absolute URLs still means the link it was fetched over.
    """
    baseHost = urlHost(base)
    if baseHost is None:
        return url
    baseAddress, zone = splitZone(baseHost)
    host = urlHost(url)
    if zone is None or host is None:
        return url
    address, present = splitZone(host)
    if present is not None or address.lower() != baseAddress.lower():
        return url
    return zonedLocation(url, zone)
