"""
Shared fixtures of the device file tests: small device files to build on,
the device the smallest one describes, and a test case that writes and
loads files.
"""

from __future__ import annotations

from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.defaults import BASIC_DEVICE, defaultIcons
from coherence_lite.model.device import Device, stableUDN
from coherence_lite.model.devicefile import ConfigError, loadDevice

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PNG = defaultIcons()[0].data

#: The smallest valid device file.
MINIMAL = """\
[device]
deviceType = "urn:schemas-upnp-org:device:Basic:1"
friendlyName = "Jambon 3000"
manufacturer = "Boucherie"
modelName = "Jambon"
"""

#: A device file with a service, to add keys to.
WITH_SERVICE = (
    MINIMAL
    + """
[[device.service]]
serviceType = "urn:boucherie.example.com:service:Jambon:1"
serviceId = "urn:boucherie.example.com:serviceId:Jambon"

[[device.service.action]]
name = "GetSlices"

[[device.service.action.argument]]
name = "CurrentSlices"
direction = "out"
relatedStateVariable = "Slices"

[[device.service.stateVariable]]
name = "Slices"
dataType = "ui4"
"""
)

#: Two services, the second with an action of three arguments.
DEEP = (
    WITH_SERVICE
    + """
[[device.service]]
serviceType = "urn:boucherie.example.com:service:Knife:1"
serviceId = "urn:boucherie.example.com:serviceId:Knife"

[[device.service.action]]
name = "Cut"

[[device.service.action.argument]]
name = "A"
direction = "in"
relatedStateVariable = "Width"

[[device.service.action.argument]]
name = "B"
direction = "in"
relatedStateVariable = "Width"

[[device.service.action.argument]]
name = "C"
direction = "{direction}"
relatedStateVariable = "Width"

[[device.service.stateVariable]]
name = "Width"
dataType = "ui2"
"""
)


EMBEDDED = (
    MINIMAL
    + """
[[device.device]]
deviceType = "urn:schemas-upnp-org:device:BinaryLight:1"
friendlyName = "Lamp"
manufacturer = "Boucherie"
modelName = "Lamp"
defaultIcons = false

[[device.device.service]]
serviceType = "urn:schemas-upnp-org:service:SwitchPower:1"
serviceId = "urn:upnp-org:serviceId:SwitchPower"

[[device.device.service.stateVariable]]
name = "Status"
dataType = "boolean"

[[device.device.device]]
deviceType = "urn:schemas-upnp-org:device:Basic:1"
friendlyName = "Jambon 3000"
manufacturer = "Boucherie"
modelName = "Jambon"

[[device.device]]
deviceType = "urn:schemas-upnp-org:device:BinaryLight:1"
friendlyName = "Second lamp"
manufacturer = "Boucherie"
modelName = "Lamp"
UDN = "uuid:00000000-0000-4000-8000-000000000001"
"""
)


def minimalDevice(**fields: object) -> Device:
    """
    The device L{MINIMAL} describes on host C{"host"}, with some fields
    replaced.
    """
    values: dict[str, object] = dict(
        deviceType=BASIC_DEVICE,
        friendlyName="Jambon 3000",
        manufacturer="Boucherie",
        modelName="Jambon",
        UDN=stableUDN("host", "Jambon 3000", BASIC_DEVICE),
        icons=defaultIcons(),
    )
    values.update(fields)
    return Device(**values)  # type: ignore[arg-type]


def iconTable(**keys: object) -> str:
    """
    A C{[[device.icon]]} table for C{ham.png}, 48x48x32, with some keys
    replaced (L{None} leaves a key out).
    """
    values: dict[str, object] = {"file": "ham.png", "width": 48, "height": 48, "depth": 32}
    values.update(keys)
    lines = [
        f"{key} = {value!r}".replace("'", '"')
        for key, value in values.items()
        if value is not None
    ]
    return "[[device.icon]]\n" + "\n".join(lines) + "\n"


class DeviceFileTestCase(SynchronousTestCase):
    """
    Helpers to write device files and load them.
    """

    def folder(self) -> Path:
        path = Path(self.mktemp())
        path.mkdir(parents=True)
        return path

    def write(
        self, text: str | bytes, folder: Path | None = None, name: str = "device.toml"
    ) -> str:
        path = (folder or self.folder()) / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return str(path)

    def load(self, text: str | bytes, folder: Path | None = None) -> Device:
        return loadDevice(self.write(text, folder), hostname="host").device

    def loadError(self, text: str | bytes, key: str, *reasonParts: str) -> ConfigError:
        """
        Load a bad device file and check the error's path, key and reason.
        """
        path = self.write(text)
        error = self.assertRaises(ConfigError, loadDevice, path, hostname="host")
        self.assertEqual(error.path, path)
        self.assertEqual(error.key, key, error.reason)
        for part in reasonParts:
            self.assertIn(part, error.reason)
        return error
