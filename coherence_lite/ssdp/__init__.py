# -*- test-case-name: tests.test_message -*-
"""
SSDP, the discovery half of UPnP: announcing hosted devices and answering
searches for them over multicast UDP (HTTPU).

L{coherence_lite.ssdp.message} parses and formats the datagrams and
L{coherence_lite.ssdp.advertisement} turns a device tree into the set of
(NT, USN) pairs it is announced and found by; both are pure.  The modules
that touch sockets or the clock build on them.
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
