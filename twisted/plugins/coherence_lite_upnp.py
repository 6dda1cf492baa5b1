# -*- test-case-name: tests.test_tap -*-
"""
The C{upnp-device} twistd plugin: wiring only, see L{coherence_lite.tap}.
"""

from twisted.application.service import ServiceMaker

__all__ = ["upnpDevice"]

upnpDevice = ServiceMaker(
    "coherence-lite UPnP device",
    "coherence_lite.tap",
    "Host a UPnP root device: answer SSDP searches, announce it and serve its description.",
    "upnp-device",
)
