"""
Tests for L{coherence_lite.model.devicefile}'s errors: L{ConfigError}
itself, files that cannot be read, and what a device file describes wrong
(icon files, values the device model refuses, names used twice), each a
L{ConfigError} on the full dotted key.
"""

from __future__ import annotations

import os
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.devicefile import ConfigError, loadDevice

from tests.support.devicefile import DEEP, EMBEDDED, MINIMAL, PNG, WITH_SERVICE, DeviceFileTestCase, iconTable
from tests.support import JAMBON_UDN


class ConfigErrorTests(SynchronousTestCase):
    """
    L{ConfigError} carries the file, key and reason.
    """

    def test_stringSaysPathKeyAndReason(self) -> None:
        """
        A L{ConfigError} reads C{<file>: <key>: <reason>} and keeps the three parts.
        """
        error = ConfigError("a.toml", "device.UDN", "is wrong")
        self.assertEqual(str(error), "a.toml: device.UDN: is wrong")
        self.assertEqual(
            (error.path, error.key, error.reason),
            ("a.toml", "device.UDN", "is wrong"),
        )

    def test_stringOfAWholeFileErrorHasNoKey(self) -> None:
        """
        An error about the whole file reads C{<file>: <reason>}.
        """
        self.assertEqual(str(ConfigError("a.toml", "", "is not TOML")), "a.toml: is not TOML")


class ReadErrorTests(DeviceFileTestCase):
    """
    Files that cannot be read are L{ConfigError}s with an empty key.
    """

    def test_missingFile(self) -> None:
        """
        A missing file is an error on the whole file that says it cannot be read and
        why.
        """
        path = os.path.join(self.mktemp(), "nothing.toml")
        error = self.assertRaises(ConfigError, loadDevice, path, hostname="host")
        self.assertEqual((error.path, error.key), (path, ""))
        self.assertIn("cannot read the device file", error.reason)
        self.assertIn("No such file", error.reason)

    def test_folderInsteadOfFile(self) -> None:
        """
        A folder given as the device file cannot be read either.
        """
        path = str(self.folder())
        error = self.assertRaises(ConfigError, loadDevice, path, hostname="host")
        self.assertEqual((error.path, error.key), (path, ""))
        self.assertIn("cannot read the device file", error.reason)


class IconErrorTests(DeviceFileTestCase):
    """
    Icon tables whose file cannot be used are errors on C{file}.
    """

    def iconError(self, folder: Path, tables: str, key: str, *reasonParts: str) -> ConfigError:
        """
        Load L{MINIMAL} with C{tables} from C{folder} and check the error's
        path, key and reason.
        """
        path = self.write(MINIMAL + tables, folder)
        error = self.assertRaises(ConfigError, loadDevice, path, hostname="host")
        self.assertEqual((error.path, error.key), (path, key), error.reason)
        for part in reasonParts:
            self.assertIn(part, error.reason)
        return error

    def folderWithIcon(self, data: bytes = PNG) -> Path:
        """
        A new folder holding C{ham.png} with C{data}.
        """
        folder = self.folder()
        (folder / "ham.png").write_bytes(data)
        return folder

    def test_missingIconFileSaysWhereItLooked(self) -> None:
        """
        A missing icon file is an error on C{file} that names the path it looked at.
        """
        folder = self.folder()
        self.iconError(
            folder,
            iconTable(),
            "device.icon[0].file",
            f"cannot read {folder / 'ham.png'}",
            "No such file",
        )

    def test_emptyIconFile(self) -> None:
        """
        An empty icon file is refused.
        """
        self.iconError(self.folderWithIcon(b""), iconTable(), "device.icon[0].file", "is empty")

    def test_iconFileOfAnotherType(self) -> None:
        """
        An icon file whose bytes are not of its type is refused.
        """
        self.iconError(
            self.folderWithIcon(b"GIF89a"),
            iconTable(),
            "device.icon[0].file",
            "is not a image/png image",
        )

    def test_hugeIconFile(self) -> None:
        """
        An icon file over 1 MiB is refused.
        """
        self.iconError(
            self.folderWithIcon(PNG + bytes(1024 * 1024)),
            iconTable(),
            "device.icon[0].file",
            "larger than 1 MiB",
        )

    def test_unknownExtensionNeedsAMimetype(self) -> None:
        """
        An icon file of an unknown extension needs a mimetype, and the error names the
        extension.
        """
        self.iconError(
            self.folder(),
            iconTable(file="ham.bmp"),
            "device.icon[0].mimetype",
            "is required",
            "'.bmp'",
        )

    def test_missingIconSize(self) -> None:
        """
        An icon without height is an error on C{height}.
        """
        self.iconError(
            self.folder(), iconTable(height=None), "device.icon[0].height", "is required"
        )

    def test_iconSizeMustBeAWholeNumber(self) -> None:
        """
        An icon size written as a string is refused.
        """
        self.iconError(
            self.folder(),
            iconTable(width="48"),
            "device.icon[0].width",
            "whole number, not a string",
        )

    def test_modelErrorsOnIconsNameTheKey(self) -> None:
        """
        Icon values the model refuses are errors on the icon's key of that value.
        """
        folder = self.folderWithIcon()
        cases = [
            (iconTable(width=5000), "device.icon[0].width", "1 to 4096"),
            (iconTable(name="a/b.png"), "device.icon[0].name", "plain file name"),
            (iconTable(mimetype="text/plain"), "device.icon[0].mimetype", "image MIME type"),
        ]
        for table, key, reason in cases:
            self.iconError(folder, table, key, reason)

    def test_twoIconsServedUnderTheSameName(self) -> None:
        """
        Two icons that would be served under one name are an error on the second.
        """
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
        """
        A service type that is not a service type URN is an error on its key.
        """
        self.loadError(
            WITH_SERVICE.replace("service:Jambon:1", "Jambon"),
            "device.service[0].serviceType",
            "is not a service type",
        )

    def test_badServiceId(self) -> None:
        """
        A service id that is not a service id URN is an error on its key.
        """
        self.loadError(
            WITH_SERVICE.replace("serviceId:Jambon", "Jambon"),
            "device.service[0].serviceId",
            "is not a service id",
        )

    def test_badArgumentDirectionDeepInside(self) -> None:
        """
        A bad direction deep in the tree is an error on its full key.
        """
        self.loadError(
            DEEP.format(direction="sideways"),
            "device.service[1].action[0].argument[2].direction",
            "must be 'in' or 'out'",
        )

    def test_unknownRelatedStateVariable(self) -> None:
        """
        An argument naming an unknown state variable is an error on
        C{relatedStateVariable}.
        """
        self.loadError(
            WITH_SERVICE.replace('Variable = "Slices"', 'Variable = "Knives"'),
            "device.service[0].action[0].argument[0].relatedStateVariable",
            "'Knives', which is not a state variable",
        )

    def test_unknownDataType(self) -> None:
        """
        An unknown data type is an error on C{dataType}.
        """
        self.loadError(
            WITH_SERVICE.replace('"ui4"', '"integer"'),
            "device.service[0].stateVariable[0].dataType",
            "not a UPnP data type",
        )

    def test_allowedValuesOnANumber(self) -> None:
        """
        Allowed values on a numeric variable are refused.
        """
        self.loadError(
            WITH_SERVICE + 'allowedValues = ["1"]\n',
            "device.service[0].stateVariable[0].allowedValues",
            "only string variables",
        )

    def test_allowedValuesAndRangeTogether(self) -> None:
        """
        Allowed values and an allowed range on one variable are refused.
        """
        self.loadError(
            WITH_SERVICE.replace('"ui4"', '"string"')
            + 'allowedValues = ["1"]\nallowedValueRange = { minimum = 0, maximum = 1 }\n',
            "device.service[0].stateVariable[0].allowedValueRange",
            "not both",
        )

    def test_emptyRangeStep(self) -> None:
        """
        An empty range step is an error on C{step}.
        """
        self.loadError(
            WITH_SERVICE + 'allowedValueRange = { minimum = 0, maximum = 1, step = "" }\n',
            "device.service[0].stateVariable[0].allowedValueRange.step",
            "must not be empty",
        )

    def test_longFriendlyName(self) -> None:
        """
        A friendly name over 64 characters is an error saying the limit.
        """
        self.loadError(
            MINIMAL.replace("Jambon 3000", "J" * 65),
            "device.friendlyName",
            "at most 64",
        )

    def test_badUDN(self) -> None:
        """
        A UDN that is not C{uuid:} and a UUID is an error on C{UDN}.
        """
        self.loadError(MINIMAL + 'UDN = "e427ce1a"\n', "device.UDN", "RFC 4122")

    def test_badUPC(self) -> None:
        """
        A UPC that is not 12 digits is an error on C{UPC}.
        """
        self.loadError(MINIMAL + 'UPC = "12"\n', "device.UPC", "12-digit")

    def test_badURL(self) -> None:
        """
        A URL with a space is an error on its key.
        """
        self.loadError(
            MINIMAL + 'modelURL = "http://a b"\n',
            "device.modelURL",
            "URL without spaces",
        )

    def test_badEmbeddedDeviceType(self) -> None:
        """
        An embedded device's bad type is an error on its own key.
        """
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
        """
        A second action of the same name is an error naming the first.
        """
        self.loadError(
            WITH_SERVICE + '[[device.service.action]]\nname = "GetSlices"\n',
            "device.service[0].action[1].name",
            "already the name of device.service[0].action[0].name",
        )

    def test_duplicateArgumentName(self) -> None:
        """
        A second argument of the same name is an error on it.
        """
        self.loadError(
            DEEP.format(direction="in").replace('name = "B"', 'name = "A"'),
            "device.service[1].action[0].argument[1].name",
            "argument names must be unique",
        )

    def test_duplicateStateVariableName(self) -> None:
        """
        A second state variable of the same name is an error on it.
        """
        self.loadError(
            WITH_SERVICE + '[[device.service.stateVariable]]\nname = "Slices"\ndataType = "ui1"\n',
            "device.service[0].stateVariable[1].name",
            "state variable names must be unique",
        )

    def test_serviceIdsEndingAlike(self) -> None:
        """
        Two service ids ending alike in one device are an error naming the first.
        """
        self.loadError(
            DEEP.format(direction="in").replace("serviceId:Knife", "serviceId:Jambon"),
            "device.service[1].serviceId",
            "like device.service[0].serviceId",
        )

    def test_sameUDNTwiceInAnyCase(self) -> None:
        """
        A UDN given twice in the tree, in another case, is an error on the second.
        """
        text = MINIMAL + f'UDN = "{JAMBON_UDN}"\n' + EMBEDDED[len(MINIMAL):].replace(
            "00000000-0000-4000-8000-000000000001", JAMBON_UDN[len("uuid:"):].upper()
        )
        self.loadError(text, "device.device[1].UDN", "already the UDN of device:")

    def test_identicalEmbeddedSiblingsNeedDifferentNames(self) -> None:
        """
        Two identical embedded devices would derive one UDN: the error says to name them
        differently.
        """
        sibling = EMBEDDED[len(MINIMAL):].split("[[device.device.service]]")[0]
        self.loadError(
            MINIMAL + sibling + sibling,
            "device.device[1].UDN",
            "different friendlyNames",
        )
