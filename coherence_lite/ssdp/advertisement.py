# -*- test-case-name: tests.ssdp.test_advertisement -*-
"""
What a device tree is announced and found as: the (NT, USN) pairs of
UDA 1.1 §1.1.2, and which of them answer a search target.

Pure: no sockets, no clock.  The announcer sends one NOTIFY per
L{Advertisement}; the responder sends one response per L{Match}.

Matching rules (CONFORMANCE.md, "M-SEARCH and responses"):

  - C{ssdp:all}: every advertisement, with its NT as ST.
  - C{upnp:rootdevice}: every root device.
  - C{uuid:D}: the device D; the UDN compares case-insensitively (UUIDs are
    hex numbers), the ST is echoed as sent.
  - C{urn:<domain>:device|service:<name>:<v>}: every device of that type, or
    offering that service type, in a version at least C{v} (versions compare
    as integers, so 10 > 9).  Domain, kind and name compare case-sensitively:
    URNs are case-sensitive past C{urn:} and every UDA stack spells them
    exactly, so a search in another case is for another type.  The ST of the
    match is the request's byte for byte and the USN carries the version
    asked for, as UDA requires, so an older control point sees the type it
    knows.
  - Anything else (including well-formed URNs of other shapes): nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from coherence_lite.model.device import Device, parseURN

__all__ = ["ROOT_DEVICE", "ALL", "Advertisement", "advertisements", "Match", "matchSearch", "udnOf"]

#: The NT of the root device entry and the search target for it.
ROOT_DEVICE = "upnp:rootdevice"

#: The search target for everything.
ALL = "ssdp:all"


@dataclass(frozen=True)
class Advertisement:
    """
    One entry of the advertisement set: announced as one NOTIFY.

    Compared and hashed by C{nt} and C{usn} only.

    @ivar nt: the notification type (C{upnp:rootdevice}, C{uuid:D}, or a
        device or service type).
    @ivar usn: the unique service name.
    @ivar device: the device the entry is about (for the root entry, the
        root device), or L{None} for an entry registered by USN alone
        (L{coherence_lite.compat.ssdp}); its UDN is then the USN's C{uuid:}
        part.
    """

    nt: str
    usn: str
    device: Device | None = field(default=None, compare=False, repr=False)

    @property
    def udn(self) -> str:
        """
        The UDN of the device the entry is about.
        """
        return udnOf(self.usn)


def udnOf(usn: str) -> str:
    """
    The device part of a USN: C{uuid:D} for C{uuid:D::upnp:rootdevice},
    C{uuid:D::urn:...} and C{uuid:D} alike.
    """
    return usn.split("::", 1)[0]


def advertisements(root: Device) -> tuple[Advertisement, ...]:
    """
    The advertisement set of a root device: 3 + 2d + k entries for d
    embedded devices and k distinct service types per device.

    Order: the root device entry first, then for each device (the root, then
    embedded ones depth first) its C{uuid:} entry, its device type and the
    distinct service types of its services in the order they are listed.

    @param root: a root device.
    @return: the entries, each (NT, USN) once.
    """
    entries = [Advertisement(ROOT_DEVICE, f"{root.UDN}::{ROOT_DEVICE}", root)]
    for device in root.allDevices():
        entries.append(Advertisement(device.UDN, device.UDN, device))
        entries.append(Advertisement(device.deviceType, f"{device.UDN}::{device.deviceType}", device))
        serviceTypes: list[str] = []
        for service in device.services:
            if service.serviceType not in serviceTypes:
                serviceTypes.append(service.serviceType)
        for serviceType in serviceTypes:
            entries.append(Advertisement(serviceType, f"{device.UDN}::{serviceType}", device))
    return tuple(entries)


@dataclass(frozen=True)
class Match:
    """
    One response to send to a search.

    @ivar st: the ST of the response.
    @ivar usn: the USN of the response.
    @ivar advertisement: the entry that answered, for its device.
    """

    st: str
    usn: str
    advertisement: Advertisement


def matchSearch(st: str, ads: Sequence[Advertisement]) -> list[Match]:
    """
    The responses a search target calls for.

    @param st: the ST of the search, as received.
    @param ads: the advertisements of every hosted root device, concatenated.
    @return: one L{Match} per response, in the order of C{ads}; a response
        is never listed twice.
    """
    matches: list[Match]
    if st == ALL:
        matches = [Match(ad.nt, ad.usn, ad) for ad in ads]
    elif st == ROOT_DEVICE:
        matches = [Match(st, ad.usn, ad) for ad in ads if ad.nt == ROOT_DEVICE]
    elif st[:5].lower() == "uuid:":
        wanted = st.lower()
        matches = [Match(st, ad.usn, ad) for ad in ads if ad.nt.lower() == wanted]
    else:
        matches = _matchType(st, ads)
    return _unique(matches)


def _matchType(st: str, ads: Sequence[Advertisement]) -> list[Match]:
    """
    Match a device or service type search, by the version rule.
    """
    asked = parseURN(st)
    if asked is None:
        return []
    matches = []
    for ad in ads:
        offered = parseURN(ad.nt)
        if (
            offered is not None
            and (offered.domain, offered.kind, offered.name) == (asked.domain, asked.kind, asked.name)
            and offered.version >= asked.version
        ):
            matches.append(Match(st, f"{ad.udn}::{offered.withVersion(asked.version)}", ad))
    return matches


def _unique(matches: list[Match]) -> list[Match]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for match in matches:
        key = (match.st, match.usn)
        if key not in seen:
            seen.add(key)
            unique.append(match)
    return unique
