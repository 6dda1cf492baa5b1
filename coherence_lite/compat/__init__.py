# -*- test-case-name: tests.test_compat_ssdp -*-
"""
Coherence's SSDP API, on coherence-lite's SSDP core.

Code written against Coherence keeps running with its import lines changed;
the module names mirror Coherence's:

    - C{coherence.upnp.core.ssdp} → L{coherence_lite.compat.ssdp}
      (C{SSDPServer}, C{SSDP_PORT}, C{SSDP_ADDR})
    - C{coherence.upnp.core.msearch} → L{coherence_lite.compat.msearch}
      (C{MSearch})
    - C{from coherence import SERVER_ID} → C{from coherence_lite.compat
      import SERVER_ID}
    - signal names (C{'Coherence.UPnP.SSDP.new_device'}, ...) → the
      constants here (C{from coherence_lite.compat import NEW_DEVICE}),
      spelled in L{coherence_lite.signals}

Only the names and the behaviour Coherence users rely on are kept; what
Coherence did by accident (global state, headers leaking internal values,
crashes on odd datagrams) is not.  C{docs/migrating-from-coherence.md} lists
every difference.
"""

from __future__ import annotations

from coherence_lite import __version__
from coherence_lite.model.description import SPEC_VERSION
from coherence_lite.identity import serverString
from coherence_lite.signals import (
    DATAGRAM_RECEIVED,
    DEVICE_DETECTION_COMPLETED,
    DEVICE_REMOVED,
    LOG,
    NEW_DEVICE,
    NEW_DEVICE_CALLBACK,
    REMOVED_DEVICE,
    REMOVED_DEVICE_CALLBACK,
    ROOT_DEVICE_DETECTION_COMPLETED,
    ROOT_DEVICE_REMOVED,
)

__all__ = [
    "SERVER_ID",
    "DATAGRAM_RECEIVED",
    "DEVICE_DETECTION_COMPLETED",
    "DEVICE_REMOVED",
    "LOG",
    "NEW_DEVICE",
    "NEW_DEVICE_CALLBACK",
    "REMOVED_DEVICE",
    "REMOVED_DEVICE_CALLBACK",
    "ROOT_DEVICE_DETECTION_COMPLETED",
    "ROOT_DEVICE_REMOVED",
]

#: The SERVER header of registrations that do not name one, as Coherence's
#: C{coherence.SERVER_ID}: C{<OS>/<release> UPnP/1.1 coherence-lite/<version>}.
SERVER_ID = serverString(__version__, f"{SPEC_VERSION[0]}.{SPEC_VERSION[1]}")
