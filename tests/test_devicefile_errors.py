"""
Tests for L{coherence_lite.model.devicefile}'s errors about what a device
file describes: icon files, values the device model refuses, and names
used twice.  Each is a L{ConfigError} on the full dotted key.
"""

from __future__ import annotations

from pathlib import Path

from coherence_lite.model.devicefile import ConfigError, loadDevice

from tests.devicefile_support import DEEP, EMBEDDED, MINIMAL, PNG, WITH_SERVICE, DeviceFileTestCase, iconTable
from tests.support import JAMBON_UDN


class IconErrorTests(DeviceFileTestCase):
    """
    Icon tables whose file cannot be used are errors on C{file}.
    """

    def iconError(
        self, folder: Path, tables: str, key: str, *reasonParts: str
    ) -> ConfigError:
        path = self.write(MINIMAL + tables, folder)
        error = self.assertRaises(ConfigError, loadDevice, path, hostname="host")
        self.assertEqual((error.path, error.key), (path, key), error.reason)
        for part in reasonParts:
            self.assertIn(part, error.reason)
        return error

    def folderWithIcon(self, data: bytes = PNG) -> Path:
        folder = self.folder()
        (folder / "ham.png").write_bytes(data)
        return folder

    def test_missingIconFileSaysWhereItLooked(self) -> None:
        folder = self.folder()
        self.iconError(
            folder,
            iconTable(),
            "device.icon[0].file",
            f"cannot read {folder / 'ham.png'}",
            "No such file",
        )

    def test_emptyIconFile(self) -> None:
        self.iconError(self.folderWithIcon(b""), iconTable(), "device.icon[0].file", "is empty")

    def test_iconFileOfAnotherType(self) -> None:
        self.iconError(
            self.folderWithIcon(b"GIF89a"),
            iconTable(),
            "device.icon[0].file",
            "is not a image/png image",
        )

    def test_hugeIconFile(self) -> None:
        self.iconError(
            self.folderWithIcon(PNG + bytes(1024 * 1024)),
            iconTable(),
            "device.icon[0].file",
            "larger than 1 MiB",
        )

    def test_unknownExtensionNeedsAMimetype(self) -> None:
        self.iconError(
            self.folder(),
            iconTable(file="ham.bmp"),
            "device.icon[0].mimetype",
            "is required",
            "'.bmp'",
        )

    def test_missingIconSize(self) -> None:
        self.iconError(
            self.folder(), iconTable(height=None), "device.icon[0].height", "is required"
        )

    def test_iconSizeMustBeAWholeNumber(self) -> None:
        self.iconError(
            self.folder(),
            iconTable(width="48"),
            "device.icon[0].width",
            "whole number, not a string",
        )

    def test_modelErrorsOnIconsNameTheKey(self) -> None:
        folder = self.folderWithIcon()
        cases = [
            (iconTable(width=5000), "device.icon[0].width", "1 to 4096"),
            (iconTable(name="a/b.png"), "device.icon[0].name", "plain file name"),
            (iconTable(mimetype="text/plain"), "device.icon[0].mimetype", "image MIME type"),
        ]
        for table, key, reason in cases:
            self.iconError(folder, table, key, reason)

    def test_twoIconsServedUnderTheSameName(self) -> None:
        self.iconError(
            self.folderWithIcon(),
            iconTable() + iconTable(),
            "device.icon[1]",
            "'icon-48x48x32.png' like device.icon[0]",
        )


class ModelErrorTests(DeviceFileTestCase):
    """
    Values the device model rejects are errors on their full dotted key.
    """

    def test_badServiceType(self) -> None:
        self.loadError(
            WITH_SERVICE.replace("service:Jambon:1", "Jambon"),
            "device.service[0].serviceType",
            "is not a service type",
        )

    def test_badServiceId(self) -> None:
        self.loadError(
            WITH_SERVICE.replace("serviceId:Jambon", "Jambon"),
            "device.service[0].serviceId",
            "is not a service id",
        )

    def test_badArgumentDirectionDeepInside(self) -> None:
        self.loadError(
            DEEP.format(direction="sideways"),
            "device.service[1].action[0].argument[2].direction",
            "must be 'in' or 'out'",
        )

    def test_unknownRelatedStateVariable(self) -> None:
        self.loadError(
            WITH_SERVICE.replace('Variable = "Slices"', 'Variable = "Knives"'),
            "device.service[0].action[0].argument[0].relatedStateVariable",
            "'Knives', which is not a state variable",
        )

    def test_unknownDataType(self) -> None:
        self.loadError(
            WITH_SERVICE.replace('"ui4"', '"integer"'),
            "device.service[0].stateVariable[0].dataType",
            "not a UPnP data type",
        )

    def test_allowedValuesOnANumber(self) -> None:
        self.loadError(
            WITH_SERVICE + 'allowedValues = ["1"]\n',
            "device.service[0].stateVariable[0].allowedValues",
            "only string variables",
        )

    def test_allowedValuesAndRangeTogether(self) -> None:
        self.loadError(
            WITH_SERVICE.replace('"ui4"', '"string"')
            + 'allowedValues = ["1"]\nallowedValueRange = { minimum = 0, maximum = 1 }\n',
            "device.service[0].stateVariable[0].allowedValueRange",
            "not both",
        )

    def test_emptyRangeStep(self) -> None:
        self.loadError(
            WITH_SERVICE + 'allowedValueRange = { minimum = 0, maximum = 1, step = "" }\n',
            "device.service[0].stateVariable[0].allowedValueRange.step",
            "must not be empty",
        )

    def test_longFriendlyName(self) -> None:
        self.loadError(
            MINIMAL.replace("Jambon 3000", "J" * 65),
            "device.friendlyName",
            "at most 64",
        )

    def test_badUDN(self) -> None:
        self.loadError(MINIMAL + 'UDN = "e427ce1a"\n', "device.UDN", "RFC 4122")

    def test_badUPC(self) -> None:
        self.loadError(MINIMAL + 'UPC = "12"\n', "device.UPC", "12-digit")

    def test_badURL(self) -> None:
        self.loadError(
            MINIMAL + 'modelURL = "http://a b"\n',
            "device.modelURL",
            "URL without spaces",
        )

    def test_badEmbeddedDeviceType(self) -> None:
        self.loadError(
            EMBEDDED.replace("device:BinaryLight:1", "BinaryLight"),
            "device.device[0].deviceType",
            "is not a device type",
        )


class DuplicateErrorTests(DeviceFileTestCase):
    """
    Names that must be unique are errors on the second use.
    """

    def test_duplicateActionName(self) -> None:
        self.loadError(
            WITH_SERVICE + '[[device.service.action]]\nname = "GetSlices"\n',
            "device.service[0].action[1].name",
            "already the name of device.service[0].action[0].name",
        )

    def test_duplicateArgumentName(self) -> None:
        self.loadError(
            DEEP.format(direction="in").replace('name = "B"', 'name = "A"'),
            "device.service[1].action[0].argument[1].name",
            "argument names must be unique",
        )

    def test_duplicateStateVariableName(self) -> None:
        self.loadError(
            WITH_SERVICE + '[[device.service.stateVariable]]\nname = "Slices"\ndataType = "ui1"\n',
            "device.service[0].stateVariable[1].name",
            "state variable names must be unique",
        )

    def test_serviceIdsEndingAlike(self) -> None:
        self.loadError(
            DEEP.format(direction="in").replace("serviceId:Knife", "serviceId:Jambon"),
            "device.service[1].serviceId",
            "like device.service[0].serviceId",
        )

    def test_sameUDNTwiceInAnyCase(self) -> None:
        text = MINIMAL + f'UDN = "{JAMBON_UDN}"\n' + EMBEDDED[len(MINIMAL):].replace(
            "00000000-0000-4000-8000-000000000001", JAMBON_UDN[len("uuid:"):].upper()
        )
        self.loadError(text, "device.device[1].UDN", "already the UDN of device:")

    def test_identicalEmbeddedSiblingsNeedDifferentNames(self) -> None:
        sibling = EMBEDDED[len(MINIMAL):].split("[[device.device.service]]")[0]
        self.loadError(
            MINIMAL + sibling + sibling,
            "device.device[1].UDN",
            "different friendlyNames",
        )
