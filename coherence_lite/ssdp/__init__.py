# -*- test-case-name: tests.ssdp.test_message,tests.test_layering -*-
"""
SSDP, the discovery half of UPnP: announcing hosted devices and answering
searches for them over multicast UDP (HTTPU). L{message}, L{parse},
L{format} and L{advertisement} are pure and safe to import anywhere; only
L{transport} touches sockets.

Its modules, each with its one job, and what it may import are mapped in
C{docs/architecture.md}.

This package file imports nothing: importing a pure module loads no more.
"""

#: The SSDP port, for multicast and for the group's unicast searches.
SSDP_PORT = 1900

#: The IPv4 multicast group.
SSDP_ADDR = "239.255.255.250"

#: The IPv6 link-local multicast group.
SSDP_ADDR_V6_LINK = "ff02::c"

#: The IPv6 site-local multicast group.
SSDP_ADDR_V6_SITE = "ff05::c"

__all__ = ["SSDP_PORT", "SSDP_ADDR", "SSDP_ADDR_V6_LINK", "SSDP_ADDR_V6_SITE"]
