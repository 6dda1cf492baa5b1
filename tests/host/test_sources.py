# -*- test-case-name: tests.host.test_sources -*-
"""
Tests for L{coherence_lite.host.sources}: device files from C{--config}
and C{--config-dir}, overrides, and UDNs unique across files.
"""

from __future__ import annotations

from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.errors import HostedDeviceError
from coherence_lite.host.sources import DeviceSources
from coherence_lite.host.udn import defaultOrigin, derivedUDN, fileOrigin
from coherence_lite.model.device import Device

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MACHINE = "3d1219c7c4c5404aaa1f6d2a48adfda4"


def deviceFile(path: Path, name: str, udn: str | None = None) -> Path:
    """
    Write a minimal Basic:1 device file named C{name}, with C{udn} if given.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        '[device]\ndeviceType = "urn:schemas-upnp-org:device:Basic:1"\n'
        f'friendlyName = "{name}"\nmanufacturer = "Example"\nmodelName = "Box"\n'
    )
    if udn is not None:
        text += f'UDN = "{udn}"\n'
    path.write_text(text)
    return path


def devicesOf(sources: DeviceSources, identity: str, hostname: str | None = None) -> list[Device]:
    """
    The root devices C{sources} loads.
    """
    return [hosted.device for hosted in sources.load(identity, hostname)]


class DeviceSourcesTests(SynchronousTestCase):
    """
    L{DeviceSources.load}.
    """

    def test_withoutFilesTheDefaultDeviceGetsTheStateDirectorysUDN(self) -> None:
        """
        Without a file the default device is hosted, with the UDN derived
        from the machine and the state directory.
        """
        state = Path("/var/lib/coherence-lite")
        [device] = devicesOf(DeviceSources(stateDirectory=state), MACHINE, hostname="box")
        self.assertEqual(device.UDN, derivedUDN(MACHINE, defaultOrigin(state)))
        self.assertEqual(device.friendlyName, "coherence-lite on box")

    def test_everyConfigIsHostedInOrder(self) -> None:
        """
        C{--config a --config b} hosts both devices, in that order, with
        UDNs derived from their files' paths (the same in another order).
        """
        folder = Path(self.mktemp())
        a, b = deviceFile(folder / "a.toml", "A"), deviceFile(folder / "b.toml", "B")
        devices = devicesOf(DeviceSources(configs=(a, b)), MACHINE)
        self.assertEqual([d.friendlyName for d in devices], ["A", "B"])
        self.assertEqual([d.UDN for d in devices], [derivedUDN(MACHINE, fileOrigin(a)), derivedUDN(MACHINE, fileOrigin(b))])
        reordered = devicesOf(DeviceSources(configs=(b, a)), MACHINE)
        self.assertEqual([d.UDN for d in reordered], [devices[1].UDN, devices[0].UDN])

    def test_configDirectoryAddsItsTomlFilesSorted(self) -> None:
        """
        C{--config-dir} adds every C{*.toml} of the folder sorted by name,
        after the C{--config} files; other files are ignored.
        """
        folder = Path(self.mktemp())
        deviceFile(folder / "b.toml", "B")
        deviceFile(folder / "a.toml", "A")
        (folder / "notes.txt").write_text("not a device")
        first = deviceFile(Path(self.mktemp()) / "first.toml", "First")
        devices = devicesOf(DeviceSources(configs=(first,), configDirectory=folder), MACHINE)
        self.assertEqual([d.friendlyName for d in devices], ["First", "A", "B"])

    def test_emptyOrMissingConfigDirectoryIsRefused(self) -> None:
        """
        A folder without device files, or no folder at all, is an error
        naming the folder.
        """
        empty = Path(self.mktemp())
        empty.mkdir()
        for folder in (empty, Path(self.mktemp())):
            error = self.assertRaises(HostedDeviceError, DeviceSources(configDirectory=folder).load, MACHINE)
            self.assertEqual(error.field, "config-dir")
            self.assertIn(str(folder), error.reason)

    def test_duplicateUDNAcrossFilesNamesBothFiles(self) -> None:
        """
        Two files giving the same UDN are refused with one line naming both.
        """
        folder = Path(self.mktemp())
        udn = "uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
        a = deviceFile(folder / "a.toml", "A", udn)
        b = deviceFile(folder / "b.toml", "B", udn.upper().replace("UUID:", "uuid:"))
        error = self.assertRaises(HostedDeviceError, DeviceSources(configs=(a, b)).load, MACHINE)
        self.assertIn(str(a), error.reason)
        self.assertIn(str(b), error.reason)
        self.assertNotIn("\n", error.reason)

    def test_sameFileTwiceIsRefused(self) -> None:
        """
        A file given twice is refused as such; a C{--config} file that is
        also in the C{--config-dir} folder is read once.
        """
        folder = Path(self.mktemp())
        a = deviceFile(folder / "a.toml", "A")
        error = self.assertRaises(HostedDeviceError, DeviceSources(configs=(a, folder / ".." / folder.name / "a.toml")).load, MACHINE)
        self.assertIn("given twice", error.reason)
        deviceFile(folder / "b.toml", "B")
        devices = devicesOf(DeviceSources(configs=(a,), configDirectory=folder), MACHINE)
        self.assertEqual([d.friendlyName for d in devices], ["A", "B"])

    def test_overridesNeedASingleDevice(self) -> None:
        """
        C{--friendly-name} or C{--uuid} with several files is refused,
        naming the option's field.
        """
        folder = Path(self.mktemp())
        files = (deviceFile(folder / "a.toml", "A"), deviceFile(folder / "b.toml", "B"))
        error = self.assertRaises(HostedDeviceError, DeviceSources(configs=files, friendlyName="X").load, MACHINE)
        self.assertEqual(error.field, "friendlyName")

    def test_explicitUDNsAreKept(self) -> None:
        """
        The Jambon 3000's file gives its UDN: it is hosted with it.
        """
        [device] = devicesOf(DeviceSources(configs=(EXAMPLES / "jambon-3000.toml",)), MACHINE)
        self.assertEqual(device.UDN, "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363")

    def test_badFileIsOneLineNamingIt(self) -> None:
        """
        A broken file is an error naming the file, with no field.
        """
        path = Path(self.mktemp())
        path.write_text("[device\n")
        error = self.assertRaises(HostedDeviceError, DeviceSources(configs=(path,)).load, MACHINE)
        self.assertIsNone(error.field)
        self.assertIn(str(path), error.reason)


class OverrideTests(SynchronousTestCase):
    """
    The default device, the overrides and the errors of one source.
    """

    def test_withoutAFileTheDefaultDevice(self) -> None:
        """
        Without a device file the device is a Basic:1 device, with the given
        name and UDN.
        """
        [device] = devicesOf(DeviceSources(friendlyName="Cellar", udn="uuid:0c9a6e4e-0000-4000-8000-000000000001"), MACHINE)
        self.assertEqual(device.deviceType, "urn:schemas-upnp-org:device:Basic:1")
        self.assertEqual((device.friendlyName, device.UDN), ("Cellar", "uuid:0c9a6e4e-0000-4000-8000-000000000001"))

    def test_overridesReplaceTheFilesValues(self) -> None:
        """
        The name and UDN given replace the file's; the rest is the file's.
        """
        jambon = (EXAMPLES / "jambon-3000.toml",)
        [device] = devicesOf(DeviceSources(configs=jambon, friendlyName="Jambon 4000"), MACHINE)
        self.assertEqual(device.friendlyName, "Jambon 4000")
        self.assertEqual(device.UDN, devicesOf(DeviceSources(configs=jambon), MACHINE)[0].UDN)
        self.assertEqual(device.manufacturer, "Boucherie numérique SAS")

    def test_bindingsFollowTheirDevice(self) -> None:
        """
        A file's bindings come with its device, under the UDN it is hosted
        with (derived, or given with C{--uuid}).
        """
        light = (EXAMPLES / "binary-light.toml",)
        for sources in (DeviceSources(configs=light), DeviceSources(configs=light, udn="uuid:0c9a6e4e-0000-4000-8000-000000000001")):
            [hosted] = sources.load(MACHINE)
            self.assertEqual(list(hosted.bindings), [(hosted.device.UDN, "urn:upnp-org:serviceId:SwitchPower")])

    def test_badFileIsAnErrorWithoutField(self) -> None:
        """
        A device file that cannot be used is an error naming the file, with
        no field.
        """
        error = self.assertRaises(HostedDeviceError, DeviceSources(configs=(Path("/nonexistent/device.toml"),)).load, MACHINE)
        self.assertIsNone(error.field)
        self.assertIn("/nonexistent/device.toml", str(error))

    def test_badOverrideNamesItsField(self) -> None:
        """
        An override that is not a valid value is an error naming the device
        field, with or without a file.
        """
        sources = DeviceSources(configs=(EXAMPLES / "jambon-3000.toml",), friendlyName="x" * 65)
        error = self.assertRaises(HostedDeviceError, sources.load, MACHINE)
        self.assertEqual(error.field, "friendlyName")
        self.assertIn("64", error.reason)
        self.assertEqual(str(error), f"friendlyName: {error.reason}")
        error = self.assertRaises(HostedDeviceError, DeviceSources(udn="not-a-udn").load, MACHINE)
        self.assertEqual(error.field, "UDN")
