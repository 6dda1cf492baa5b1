# -*- test-case-name: tests.ssdp.test_message,tests.test_layering -*-
"""
SSDP, the discovery half of UPnP: announcing hosted devices and answering
searches for them over multicast UDP (HTTPU).

Pure, and safe to import anywhere:

  - L{message}: the messages as values, the limits and spelling rules;
  - L{parse} and L{format}: datagrams to messages and back;
  - L{advertisement}: a device tree as the (NT, USN) pairs it is announced
    and found by, and which of them answer a search.

Built on them, with a clock and (through L{transport} only) sockets:
L{catalogue} (what this host publishes), L{responder} and L{announcer}
(policy), L{limits}, L{registry} (entries heard), L{protocol} (datagrams to
a L{protocol.MessageHandler}), L{listener} (an L{listener.SSDPListener} that
only hears) and L{service} (an L{service.SSDPService} that also answers and
announces).

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
