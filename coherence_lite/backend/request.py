# -*- test-case-name: tests.control.test_resource,tests.media.test_contentdirectory -*-
"""
Where the control request being answered came in: the local address and
port, for actions whose answers carry URLs back to this host (a
MediaServer's C{res} links).
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from typing import Mapping

__all__ = ["CLIENT_HEADERS", "clientHeaders", "localAddress", "baseURL"]

#: The request headers that identify a client (lower-case names).
CLIENT_HEADERS = ("user-agent", "x-av-client-info")

#: The (host, port) the control request being answered was received on,
#: set by the control resource while the action's handler is called;
#: L{None} outside a request.
localAddress: ContextVar[tuple[str, int] | None] = ContextVar("localAddress", default=None)

#: The L{CLIENT_HEADERS} of the control request being answered, by
#: lower-case name (those it sent); empty outside a request.
clientHeaders: ContextVar[Mapping[str, str]] = ContextVar("clientHeaders", default={})


def baseURL(address: tuple[str, int]) -> str:
    """
    C{http://host:port} for a local address: an IPv6 address in brackets,
    without its zone; an IPv4-mapped one (a dual-stack socket) as IPv4.
    """
    host, port = address
    if ":" in host:
        host = host.split("%", 1)[0]
        mapped = ipaddress.IPv6Address(host).ipv4_mapped
        host = str(mapped) if mapped is not None else f"[{host}]"
    return f"http://{host}:{port}"
