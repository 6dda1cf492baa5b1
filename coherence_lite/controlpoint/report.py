# -*- test-case-name: tests.controlpoint.test_report,tests.system.test_cli -*-
"""
Devices as text and JSON for people and programs: what C{coherence-lite
search} prints.

Pure.  Every text that came from the network goes through L{safeText}
before it reaches a terminal, so a device cannot move the cursor, clear the
screen or reorder the line with control or bidirectional characters.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Iterable

from coherence_lite.controlpoint.remote import RemoteDevice, RemoteRootDevice
from coherence_lite.model.device import LOCAL
from coherence_lite.ssdp.advertisement import ROOT_DEVICE, Advertisement, matchSearch

__all__ = ["announcedAs", "matchesTarget", "safeText", "describeDevices", "deviceLine", "devicesJSON", "eventJSON", "ADDED", "REMOVED"]

#: Event names of L{eventJSON} and signs of L{deviceLine}.
ADDED = "added"
REMOVED = "removed"

_SIGNS = {ADDED: "+", REMOVED: "-"}

# Control (Cc), format (Cf: bidi overrides, zero-width) and line or
# paragraph separators (Zl, Zp).
_UNSAFE = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))


def safeText(text: str | None, limit: int = 200) -> str:
    """
    Make a received text safe to print on one line: unsafe characters
    become C{\\xNN} / C{\\uNNNN} escapes, and long texts are cut with
    C{...}.

    @param limit: the most characters kept from C{text}.
    """
    if text is None:
        return ""
    cut = len(text) > limit
    out = []
    for character in text[:limit]:
        if character == "\\":
            out.append("\\\\")
        elif unicodedata.category(character) in _UNSAFE:
            code = ord(character)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(character)
    return "".join(out) + ("..." if cut else "")


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


def _serviceLines(device: RemoteDevice, indent: str) -> list[str]:
    if not device.services:
        return []
    lines = [f"{indent}services:"]
    for service in device.services:
        lines.append(f"{indent}  {safeText(service.serviceType)} ({safeText(service.serviceId)})")
    return lines


def _model(device: RemoteDevice) -> str:
    return " ".join(safeText(part) for part in (device.modelName, device.modelNumber) if part)


def _deviceLines(device: RemoteDevice, indent: str) -> list[str]:
    lines = [f"{indent}{safeText(device.friendlyName) or '(no name)'}"]
    inner = indent + "  "
    fields: list[tuple[str, str | None]] = [("type", device.deviceType)]
    if isinstance(device, RemoteRootDevice):
        fields += [("location", device.location)]
    fields += [("udn", device.UDN)]
    if isinstance(device, RemoteRootDevice):
        fields += [("server", device.server)]
    fields += [("manufacturer", device.manufacturer), ("model", _model(device) or None)]
    if isinstance(device, RemoteRootDevice) and device.manifestation == LOCAL:
        fields += [("hosted", "here (local)")]
    for label, value in fields:
        if value:
            lines.append(f"{inner}{label + ':':<14}{value if label == 'model' else safeText(value)}")
    lines += _serviceLines(device, inner)
    if device.devices:
        lines.append(f"{inner}devices:")
        for embedded in device.devices:
            lines += _deviceLines(embedded, inner + "  ")
    return lines


def describeDevices(roots: Iterable[RemoteRootDevice]) -> str:
    """
    A readable listing: each root device with its type, LOCATION, UDN,
    SERVER, maker, model and services, its embedded devices indented below
    it; devices separated by an empty line.
    """
    blocks = ["\n".join(_deviceLines(root, "")) + "\n" for root in roots]
    return "\n".join(blocks)


def deviceLine(event: str, root: RemoteRootDevice) -> str:
    """
    One line for C{--watch}: C{+} (L{ADDED}) or C{-} (L{REMOVED}), the
    friendly name, device type, LOCATION and UDN.
    """
    parts = [
        _SIGNS[event],
        safeText(root.friendlyName) or "(no name)",
        safeText(root.deviceType),
        safeText(root.location),
        safeText(root.UDN),
    ]
    return "  ".join(parts) + "\n"


def devicesJSON(roots: Iterable[RemoteRootDevice]) -> str:
    """
    A JSON array of the root devices (see L{RemoteRootDevice.asDict}).
    """
    return json.dumps([root.asDict() for root in roots], indent=2, ensure_ascii=True) + "\n"


def eventJSON(event: str, root: RemoteRootDevice) -> str:
    """
    One JSON object on one line for C{--watch --json}:
    C{{"event": "added" | "removed", "device": {...}}}.
    """
    return json.dumps({"event": event, "device": root.asDict()}, ensure_ascii=True) + "\n"
