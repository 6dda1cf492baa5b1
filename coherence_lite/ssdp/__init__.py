# -*- test-case-name: tests.ssdp.test_message,tests.test_layering -*-
"""
SSDP (UDA chapter 1): announcing hosted devices and answering searches for them.
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
