# -*- test-case-name: tests.controlpoint.test_targets -*-
"""
Which search targets a described device tree answers: the control point
decides it by the rules the device host answers searches with.

Pure.
"""

from __future__ import annotations

from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.ssdp.advertisement import ROOT_DEVICE, Advertisement, matchSearch

__all__ = ["announcedAs", "matchesTarget"]


def announcedAs(root: RemoteRootDevice) -> tuple[Advertisement, ...]:
    """
    The (NT, USN) pairs a described tree is announced and found by, as UDA
    1.1 §1.1.2 lists them: the root device entry, then for each device its
    C{uuid:} entry, its type and the distinct types of its services.
    """
    entries = [Advertisement(ROOT_DEVICE, root.usn)]
    for device in root.allDevices():
        entries.append(Advertisement(device.UDN, device.UDN))
        entries.append(Advertisement(device.deviceType, f"{device.UDN}::{device.deviceType}"))
        for serviceType in dict.fromkeys(service.serviceType for service in device.services):
            entries.append(Advertisement(serviceType, f"{device.UDN}::{serviceType}"))
    return tuple(entries)


def matchesTarget(root: RemoteRootDevice, searchTarget: str) -> bool:
    """
    Whether a root device answers a search target, by the rules the device
    host answers searches with (L{coherence_lite.ssdp.advertisement.matchSearch}
    on L{announcedAs}): C{ssdp:all} and C{upnp:rootdevice} match every root
    device, C{uuid:D} a tree holding device D, and a device or service type
    a tree holding a device of that type, or offering that service, in that
    version or a later one.
    """
    return bool(matchSearch(searchTarget, announcedAs(root)))
