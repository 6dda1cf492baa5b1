# -*- test-case-name: tests.system.test_cli -*-
"""
Devices as text and JSON for people and programs: what C{coherence-lite
search} prints.

Pure.  Every text that came from the network goes through
L{coherence_lite.model.xmltext.safeText} before it reaches a terminal, so a
device cannot move the cursor, clear the screen or reorder the line with
control or bidirectional characters.
"""

from __future__ import annotations

import json
from typing import Iterable

from coherence_lite.controlpoint.remote import RemoteDevice, RemoteRootDevice
from coherence_lite.model.device import LOCAL
from coherence_lite.model.xmltext import safeText

__all__ = ["describeDevices", "deviceLine", "devicesJSON", "eventJSON", "ADDED", "REMOVED"]

#: Event names of L{eventJSON} and signs of L{deviceLine}.
ADDED = "added"
REMOVED = "removed"

_SIGNS = {ADDED: "+", REMOVED: "-"}

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
