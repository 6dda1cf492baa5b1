"""
coherence-lite: a Twisted UPnP device host in the Coherence lineage.

The package makes a machine appear on the local network as a UPnP root device:
it answers SSDP searches, announces itself, and serves its description over
HTTP.  Run it as C{twistd -n upnp-device}, or build
L{coherence_lite.host.service.UPnPDeviceService} yourself (see C{upnp-device.tac}).
"""

__version__ = "0.1.0"

