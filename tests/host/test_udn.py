# -*- test-case-name: tests.host.test_udn -*-
"""
Tests for L{coherence_lite.host.udn}: derived UDNs stable across restarts
and renames, unique per machine.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.udn import defaultOrigin, derivedUDN, embeddedUDN, fileOrigin, machineIdentity, withDerivedUDNs
from coherence_lite.model.device import Device, stableUDN

MACHINE_A = "3d1219c7c4c5404aaa1f6d2a48adfda4"
MACHINE_B = "0123456789abcdef0123456789abcdef"

#: The origin of a light's device file.
LIGHT = fileOrigin(Path("/etc/coherence-lite/light.toml"))


def fileDevice(hostname: str, friendlyName: str = "Lamp", embeddedUDN: str | None = None) -> Device:
    """
    A device tree as a device file without UDNs reads it on C{hostname}:
    a light with one embedded dimmer, UDNs derived from the names.
    """
    rootUDN = stableUDN(hostname, friendlyName, "urn:schemas-upnp-org:device:BinaryLight:1")
    dimmer = Device(
        deviceType="urn:schemas-upnp-org:device:DimmableLight:1",
        friendlyName="Dimmer",
        manufacturer="Example",
        modelName="Dimmer",
        UDN=embeddedUDN or stableUDN(rootUDN, "Dimmer", "urn:schemas-upnp-org:device:DimmableLight:1"),
    )
    return Device(
        deviceType="urn:schemas-upnp-org:device:BinaryLight:1",
        friendlyName=friendlyName,
        manufacturer="Example",
        modelName="Lamp",
        UDN=rootUDN,
        devices=(dimmer,),
    )


class MachineIdentityTests(SynchronousTestCase):
    """
    L{machineIdentity}: the machine id, else one kept in the state directory.
    """

    def test_machineIdFileIsUsed(self) -> None:
        """
        The first readable machine id file gives the identity, lower-cased.
        """
        path = Path(self.mktemp())
        path.write_text(MACHINE_A.upper() + "\n")
        self.assertEqual(machineIdentity(None, [Path(self.mktemp()), path]), MACHINE_A)

    def test_withoutMachineIdOneIsGeneratedOnceAndKept(self) -> None:
        """
        Without a machine id, an identity is generated in the state directory
        and the same one is read back on the next start.
        """
        state = Path(self.mktemp())
        first = machineIdentity(state, [Path(self.mktemp())])
        second = machineIdentity(state, [Path(self.mktemp())])
        self.assertEqual(first, second)
        self.assertEqual((state / "machine-id").read_text().strip(), first)
        self.assertEqual(len(first), 32)

    def test_invalidMachineIdIsIgnored(self) -> None:
        """
        A machine id file that is empty, all zeros or not hexadecimal is
        passed over.
        """
        files = []
        for text in ("", "0" * 32, "not an id at all, not an id at a"):
            path = Path(self.mktemp())
            path.write_text(text)
            files.append(path)
        self.assertEqual(machineIdentity(None, files, hostname="box"), "host:box")

    def test_unwritableStateDirectoryFallsBackToTheHostName(self) -> None:
        """
        When no identity can be kept, the host name is the last resort.
        """
        blocker = Path(self.mktemp())
        blocker.write_text("a file, not a folder")
        self.assertEqual(machineIdentity(blocker / "state", [], hostname="box"), "host:box")


class DerivedUDNTests(SynchronousTestCase):
    """
    L{derivedUDN}, L{embeddedUDN} and L{withDerivedUDNs}.
    """

    def test_derivedUDNIsAVersion5UUIDPerMachineAndOrigin(self) -> None:
        """
        The UDN depends on the machine and the origin only, and differs
        between two machines with the same host name.
        """
        udn = derivedUDN(MACHINE_A, LIGHT)
        self.assertEqual(uuid.UUID(udn.removeprefix("uuid:")).version, 5)
        self.assertEqual(udn, derivedUDN(MACHINE_A, LIGHT))
        self.assertNotEqual(udn, derivedUDN(MACHINE_B, LIGHT))
        self.assertNotEqual(udn, derivedUDN(MACHINE_A, fileOrigin(Path("/etc/coherence-lite/other.toml"))))
        self.assertNotIn(MACHINE_A, udn)

    def test_distinctDevicesOfOneMachineDiffer(self) -> None:
        """
        Every device file, and the default device of each state directory,
        has its own UDN on one machine: no two daemons share one.
        """
        origins = [
            fileOrigin(Path("/usr/share/coherence-lite/examples/binary-light.toml")),
            fileOrigin(Path("/home/me/light.toml")),
            fileOrigin(Path("/home/me/lights/light.toml")),
            defaultOrigin(Path("/home/me/.local/state/coherence-lite")),
            defaultOrigin(Path("/var/lib/coherence-lite")),
            defaultOrigin(None),
        ]
        self.assertEqual(len({derivedUDN(MACHINE_A, origin) for origin in origins}), len(origins))

    def test_originIsTheAbsolutePathAsGiven(self) -> None:
        """
        A relative path is the same file as its absolute path (from the
        current folder), and a symbolic link is not followed (a link moved
        to a new release keeps the UDN).
        """
        folder = Path(self.mktemp()).resolve()
        (folder / "release-2").mkdir(parents=True)
        (folder / "release-2" / "light.toml").write_text("")
        (folder / "current").symlink_to(folder / "release-2")
        linked = folder / "current" / "light.toml"
        self.assertEqual(fileOrigin(linked), "file:" + str(linked))
        relative = Path(os.path.relpath(linked))
        self.assertEqual(fileOrigin(relative), fileOrigin(linked))
        self.assertEqual(fileOrigin(folder / "x" / ".." / "current" / "light.toml"), fileOrigin(linked))

    def test_renamingTheDeviceOrTheHostKeepsTheUDN(self) -> None:
        """
        A device read on a renamed host, or renamed in its file, gets the
        same root and embedded UDNs.
        """
        before = withDerivedUDNs(fileDevice("raspberrypi"), "raspberrypi", MACHINE_A, LIGHT)
        renamed = withDerivedUDNs(fileDevice("kitchen", "Kitchen lamp"), "kitchen", MACHINE_A, LIGHT)
        self.assertEqual(before.UDN, derivedUDN(MACHINE_A, LIGHT))
        self.assertEqual(renamed.UDN, before.UDN)
        self.assertEqual(renamed.devices[0].UDN, before.devices[0].UDN)
        self.assertEqual(before.devices[0].UDN, embeddedUDN(before.UDN, 0))

    def test_twoMachinesWithTheSameHostNameDiffer(self) -> None:
        """
        Two boxes both called raspberrypi announce different UDNs.
        """
        a = withDerivedUDNs(fileDevice("raspberrypi"), "raspberrypi", MACHINE_A, LIGHT)
        b = withDerivedUDNs(fileDevice("raspberrypi"), "raspberrypi", MACHINE_B, LIGHT)
        self.assertNotEqual(a.UDN, b.UDN)
        self.assertNotEqual(a.devices[0].UDN, b.devices[0].UDN)

    def test_writtenUDNsAreKept(self) -> None:
        """
        UDNs the file wrote out, root or embedded, are left as they are.
        """
        written = "uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
        device = replace(fileDevice("box", embeddedUDN="uuid:11111111-2222-4333-8444-555555555555"), UDN=written)
        result = withDerivedUDNs(device, "box", MACHINE_A, LIGHT)
        self.assertEqual(result.UDN, written)
        self.assertEqual(result.devices[0].UDN, "uuid:11111111-2222-4333-8444-555555555555")
        self.assertEqual(result, device)
