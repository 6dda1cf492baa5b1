# -*- test-case-name: tests.http.test_hosts -*-
"""
The C{Host} check that closes DNS rebinding: a request is answered only if
its C{Host} names this server, as an address literal of ours or as a name
the operator configured.

DNS rebinding lets a web page make the visitor's browser send requests to
a device on the visitor's network under the page's own name (the name is
re-pointed at the device's address after the page loaded).  The browser
then sends C{Host: evil.example}: refusing names we were not given closes
the attack, as CVE-2022-26505 (minidlna), CVE-2021-29462 (pupnp) and
CVE-2021-33516 (GUPnP) did.

The rules (see docs/security.md):

  - an IPv4 or IPv6 literal (bracketed, with or without a port, an RFC 6874
    zone such as C{[fe80::1%25eth0]} ignored) is accepted when it is the
    address the connection arrived on (IPv4-mapped forms compared as IPv4),
    or any loopback address on a loopback connection;
  - a name is accepted when it is C{localhost} or one of the configured
    names (C{--allow-host}, and the C{--advertised-host}), case-insensitive,
    a final dot ignored;
  - the port is not compared: a literal or a configured name cannot be
    rebound, whatever port a proxy or NAT put in front;
  - otherwise C{421 Misdirected Request}: this server does not serve that
    authority (RFC 9110 15.5.20), which is what the request is, rather
    than a permission problem (403);
  - no C{Host} at all is accepted from HTTP/1.0 (browsers always send one,
    so such a request cannot come from a rebinding page) and answered
    C{400} for HTTP/1.1, as are several C{Host} headers or a malformed one
    (RFC 9112 3.2).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

__all__ = ["HostPolicy", "hostValues"]

# host[:port] where host is a bracketed IPv6 literal (zone allowed) or a
# reg-name / IPv4 literal.
_HOST = re.compile(rb"(?:\[([0-9A-Fa-f:.]+)(?:%(?:25)?[-._~0-9A-Za-z]+)?\]|([-._~0-9A-Za-z]+))(?::([0-9]{0,5}))?")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: How many accepted C{Host} values a policy remembers.
MAX_REMEMBERED = 256


def _address(text: str) -> Address | None:
    """
    An address literal without its zone, IPv4-mapped IPv6 as IPv4, or
    L{None}.
    """
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _name(text: str) -> str:
    return text.lower().rstrip(".")


def hostValues(head: bytes) -> list[bytes]:
    """
    The values of the C{Host} header lines of a request head (the request
    line, then header lines separated by CRLF).
    """
    values = []
    for line in head.split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon and name.lower() == b"host":
            values.append(value.strip(b" \t"))
    return values


@dataclass
class HostPolicy:
    """
    Which C{Host} values this server answers.

    @ivar names: the configured names and literals, normalised.
    """

    names: frozenset[str] = frozenset()
    _addresses: frozenset[Address] = field(default=frozenset(), init=False, repr=False)
    _accepted: set[bytes] = field(default_factory=set, init=False, repr=False)

    @classmethod
    def allowing(cls, names: Iterable[str]) -> HostPolicy:
        """
        A policy accepting these names (and address literals) besides our
        own addresses and C{localhost}.
        """
        given = [name.strip().strip("[]") for name in names if name and name.strip()]
        policy = cls(frozenset(_name(name) for name in given if _address(name) is None))
        policy._addresses = frozenset(address for address in map(_address, given) if address is not None)
        return policy

    def refusal(self, values: Sequence[bytes] | None, version: bytes, local: str) -> int | None:
        """
        L{None} when a request with these C{Host} values may be answered,
        else the status to refuse it with (400 or 421).

        @param values: the request's C{Host} header values, or L{None}.
        @param version: the request's HTTP version (C{b"HTTP/1.1"}).
        @param local: the address the connection arrived on.
        """
        if not values:
            return 400 if version != b"HTTP/1.0" else None
        if len(values) > 1:
            return 400
        value = values[0]
        if value in self._accepted:
            return None
        match = _HOST.fullmatch(value)
        if match is None or (match.group(3) is not None and (not match.group(3) or int(match.group(3)) > 65535)):
            return 400
        literal, name = match.group(1), match.group(2)
        if not self._allows(literal.decode("ascii") if literal else None, name.decode("ascii") if name else None, local):
            return 421
        if len(self._accepted) >= MAX_REMEMBERED:
            self._accepted.clear()
        self._accepted.add(value)
        return None

    def _allows(self, literal: str | None, name: str | None, local: str) -> bool:
        if literal is not None:
            address = _address(literal)
            if address is None:
                return False
        else:
            assert name is not None
            address = _address(name)
            if address is None:
                return _name(name) == "localhost" or _name(name) in self.names
        ours = _address(local)
        if address == ours or address in self._addresses:
            return True
        return address.is_loopback and ours is not None and ours.is_loopback
