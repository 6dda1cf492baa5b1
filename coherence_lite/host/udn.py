# -*- test-case-name: tests.host.test_udn -*-
"""
Derived UDNs: stable across restarts and renames, one per device file,
unique per machine.

A device without a UDN of its own (no C{UDN} in its device file, no
C{--uuid}) gets one derived from two things only:

  - the machine's identity: C{/etc/machine-id} (systemd and D-Bus keep it
    for the life of the installation), or where there is none (some
    containers) a random UUID generated once and kept in the state
    directory as C{machine-id};
  - the device's origin: the absolute path of its device file as given
    (symbolic links are not followed, so a link swapped to a new release
    keeps it), or, for the default device, the absolute path of the state
    directory; an embedded device's, its parent's UDN and its position
    among the parent's devices.

So two daemons on one machine, each with its own file (or, for the default
device, its own state directory), announce different UDNs; two machines
that are both called C{raspberrypi} too; renaming a device or the machine,
editing its file, reordering the files or restarting keeps its UDN, and a
control point such as Windows keeps recognising it.  Moving or renaming the
file changes it.  The machine id itself never leaves the machine: it is
hashed (UUID version 5 under a namespace of our own), as C{machine-id(5)}
asks of applications.  UDNs written out are kept as they are.
"""

from __future__ import annotations

import os
import platform
import re
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from twisted.logger import Logger

from coherence_lite._files import writeAtomically
from coherence_lite.model.device import Device, stableUDN

__all__ = ["MACHINE_ID_FILES", "defaultOrigin", "derivedUDN", "embeddedUDN", "fileOrigin", "machineIdentity", "withDerivedUDNs"]

log = Logger()

#: Where the machine id is looked for, in order (systemd's, then D-Bus's).
MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))

#: The name of the identity kept in the state directory when the machine
#: has no machine id.
STATE_FILE = "machine-id"

#: The namespace of derived UDNs (a random UUID, chosen once for
#: coherence-lite).
_NAMESPACE = uuid.UUID("5f0c2d64-8a3e-4c47-9a55-0b7e3c1d9e21")

_MACHINE_ID = re.compile(r"[0-9a-f]{32}")


def _readId(path: Path) -> str | None:
    try:
        text = path.read_text("ascii").strip().lower()
    except (OSError, UnicodeDecodeError):
        return None
    return text if _MACHINE_ID.fullmatch(text) and text != "0" * 32 else None


def machineIdentity(
    stateDirectory: Path | None,
    machineIdFiles: Sequence[Path] = MACHINE_ID_FILES,
    hostname: str | None = None,
) -> str:
    """
    The identity of this machine that derived UDNs depend on.

    @param stateDirectory: where an identity is generated and kept when no
        machine id file is readable; L{None} to keep none.
    @param machineIdFiles: where to look for a machine id first.
    @param hostname: the last resort, with a warning, when there is neither
        a machine id nor a usable state directory; L{None} for this
        machine's name.
    @return: 32 lower-case hexadecimal digits, or C{host:<name>}.
    """
    for path in machineIdFiles:
        found = _readId(path)
        if found is not None:
            return found
    if stateDirectory is not None:
        path = Path(stateDirectory, STATE_FILE)
        found = _readId(path)
        if found is not None:
            return found
        generated = uuid.uuid4().hex
        try:
            writeAtomically(path, (generated + "\n").encode("ascii"))
        except OSError as e:
            log.warn(
                "No machine id, and cannot keep one in {path} ({error}): UDNs are derived from the host name",
                path=str(path),
                error=e.strerror or str(e),
            )
        else:
            log.info("No machine id on this machine: generated one in {path}", path=str(path))
            return generated
    return "host:" + (platform.node() if hostname is None else hostname)


def fileOrigin(path: Path) -> str:
    """
    The origin of the device a device file describes: its absolute path,
    as given (see the module's docstring).
    """
    return "file:" + os.path.abspath(path)


def defaultOrigin(stateDirectory: Path | None) -> str:
    """
    The origin of the default device (hosted when no device file is
    given): the absolute path of the state directory, so daemons with
    state directories of their own host distinct default devices.
    """
    return "default:" + ("" if stateDirectory is None else os.path.abspath(stateDirectory))


def derivedUDN(identity: str, origin: str) -> str:
    """
    The UDN of the root device that comes from C{origin} on a machine.

    @param identity: see L{machineIdentity}.
    @param origin: see L{fileOrigin} and L{defaultOrigin}.
    """
    return "uuid:" + str(uuid.uuid5(_NAMESPACE, f"{identity}\0{origin}"))


def embeddedUDN(parentUDN: str, position: int) -> str:
    """
    The UDN of the embedded device at C{position} (from 0) among the
    devices of the device whose UDN is C{parentUDN}.
    """
    return "uuid:" + str(uuid.uuid5(_NAMESPACE, f"{parentUDN.lower()}\0{position}"))


def withDerivedUDNs(device: Device, hostname: str, identity: str, origin: str) -> Device:
    """
    A device tree read from a device file, with every UDN the file derived
    (see L{coherence_lite.model.devicefile}: from the host name or parent
    UDN, the friendlyName and the deviceType) replaced by one derived from
    the machine and the device's origin; UDNs written in the file stay.

    @param hostname: the host name the file was read with.
    @param identity: see L{machineIdentity}.
    @param origin: the root device's origin, see L{fileOrigin}.
    """
    return _rederive(device, hostname, derivedUDN(identity, origin))


def _rederive(device: Device, seed: str, derived: str) -> Device:
    wasDerived = device.UDN == stableUDN(seed, device.friendlyName, device.deviceType)
    udn = derived if wasDerived else device.UDN
    children = tuple(
        _rederive(child, device.UDN, embeddedUDN(udn, index)) for index, child in enumerate(device.devices)
    )
    return replace(device, UDN=udn, devices=children)
