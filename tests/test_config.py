"""
Tests for L{coherence_lite.model.devicefile}: TOML device files.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model import devicefile
from coherence_lite.model.devicefile import ConfigError, deviceFromMapping, loadDevice
from coherence_lite.model.defaults import BASIC_DEVICE, defaultDevice, defaultIcons
from coherence_lite.model.device import (
    Action,
    AllowedValueRange,
    Argument,
    Device,
    Icon,
    Service,
    StateVariable,
    stableUDN,
)

from tests.support import JAMBON_UDN, jambon

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
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
        return loadDevice(self.write(text, folder), hostname="host")

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


class ExampleTests(SynchronousTestCase):
    """
    The example device files load as the devices they describe.
    """

    def test_jambonExampleIsTheSeedDevice(self) -> None:
        slices = StateVariable(
            "Slices",
            "ui4",
            sendEvents=True,
            defaultValue="0",
            allowedValueRange=AllowedValueRange("0", "100", "1"),
        )
        mode = StateVariable(
            "Mode",
            "string",
            sendEvents=True,
            defaultValue="Fine",
            allowedValues=("Fine", "Medium", "Thick"),
        )
        actions = (
            Action("GetSlices", (Argument("CurrentSlices", "out", "Slices"),)),
            Action("SetSlices", (Argument("NewSlices", "in", "Slices"),)),
            Action("GetMode", (Argument("CurrentMode", "out", "Mode"),)),
            Action("SetMode", (Argument("NewMode", "in", "Mode"),)),
        )
        # The seed's device, with the default icons and a richer service.
        expected = jambon(
            icons=defaultIcons(),
            services=(
                Service(
                    "urn:boucherie.example.com:service:Jambon:1",
                    "urn:boucherie.example.com:serviceId:Jambon",
                    actions,
                    (slices, mode),
                ),
            ),
        )
        self.assertEqual(loadDevice(EXAMPLES / "jambon-3000.toml", hostname="host"), expected)

    def test_jambonExampleUDNDoesNotDependOnTheHost(self) -> None:
        path = EXAMPLES / "jambon-3000.toml"
        self.assertEqual(loadDevice(path, hostname="a").UDN, JAMBON_UDN)
        self.assertEqual(loadDevice(path, hostname="b").UDN, JAMBON_UDN)

    def test_binaryLightExampleIsASwitchPowerDevice(self) -> None:
        deviceType = "urn:schemas-upnp-org:device:BinaryLight:1"
        expected = Device(
            deviceType=deviceType,
            friendlyName="coherence-lite light",
            manufacturer="coherence-lite",
            modelName="BinaryLight",
            modelDescription="A UPnP BinaryLight:1 device hosted by coherence-lite",
            modelNumber="1",
            UDN=stableUDN("host", "coherence-lite light", deviceType),
            icons=defaultIcons(),
            services=(
                Service(
                    "urn:schemas-upnp-org:service:SwitchPower:1",
                    "urn:upnp-org:serviceId:SwitchPower",
                    (
                        Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),
                        Action("GetTarget", (Argument("RetTargetValue", "out", "Target"),)),
                        Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),
                    ),
                    (
                        StateVariable("Target", "boolean", sendEvents=False, defaultValue="0"),
                        StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
                    ),
                ),
            ),
        )
        self.assertEqual(loadDevice(EXAMPLES / "binary-light.toml", hostname="host"), expected)

    def test_binaryLightUDNIsStableAcrossLoads(self) -> None:
        path = EXAMPLES / "binary-light.toml"
        self.assertEqual(loadDevice(path, hostname="host"), loadDevice(path, hostname="host"))

    def test_binaryLightUDNDependsOnTheHost(self) -> None:
        path = EXAMPLES / "binary-light.toml"
        self.assertNotEqual(loadDevice(path, hostname="a").UDN, loadDevice(path, hostname="b").UDN)


class DeviceKeyTests(DeviceFileTestCase):
    """
    Every key of a C{[device]} table reaches the L{Device}.
    """

    def test_minimalFileGivesDefaultsForEveryOptionalKey(self) -> None:
        self.assertEqual(self.load(MINIMAL), minimalDevice())

    def test_everyDeviceKeyIsRead(self) -> None:
        device = self.load(
            MINIMAL
            + """
manufacturerURL = "http://m.example.com/"
modelDescription = "A ham"
modelNumber = "3000"
modelURL = "http://m.example.com/jambon"
serialNumber = "JBN425133"
UPC = "012345678905"
UDN = "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363"
presentationURL = "http://m.example.com/ui"
"""
        )
        self.assertEqual(
            device,
            minimalDevice(
                manufacturerURL="http://m.example.com/",
                modelDescription="A ham",
                modelNumber="3000",
                modelURL="http://m.example.com/jambon",
                serialNumber="JBN425133",
                UPC="012345678905",
                UDN=JAMBON_UDN,
                presentationURL="http://m.example.com/ui",
            ),
        )

    def test_utf8TextSurvives(self) -> None:
        device = self.load(
            MINIMAL.replace("Jambon 3000", "Jambon 3000 — ½ édition ✓").replace(
                '"Boucherie"', '"Boucherie numérique SAS 🥓"'
            )
        )
        self.assertEqual(device.friendlyName, "Jambon 3000 — ½ édition ✓")
        self.assertEqual(device.manufacturer, "Boucherie numérique SAS 🥓")

    def test_byteOrderMarkIsAccepted(self) -> None:
        self.assertEqual(self.load(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8")), minimalDevice())

    def test_derivedUDNIsTheDefaultDeviceUDN(self) -> None:
        self.assertEqual(
            self.load(MINIMAL).UDN, defaultDevice("Jambon 3000", hostname="host").UDN
        )

    def test_derivedUDNDependsOnTheFriendlyName(self) -> None:
        renamed = self.load(MINIMAL.replace("Jambon 3000", "Jambon 4000"))
        self.assertNotEqual(renamed.UDN, self.load(MINIMAL).UDN)

    def test_hostNameDefaultsToTheMachineName(self) -> None:
        self.patch(socket, "gethostname", lambda: "patched-host")
        path = self.write(MINIMAL)
        self.assertEqual(loadDevice(path), loadDevice(path, hostname="patched-host"))

    def test_pathMayBeAPathObject(self) -> None:
        self.assertEqual(loadDevice(Path(self.write(MINIMAL)), hostname="host"), minimalDevice())

    def test_deviceFromMappingReadsAPlainMapping(self) -> None:
        data = {
            "device": {
                "deviceType": BASIC_DEVICE,
                "friendlyName": "Jambon 3000",
                "manufacturer": "Boucherie",
                "modelName": "Jambon",
            }
        }
        self.assertEqual(deviceFromMapping(data, "<memory>", hostname="host"), minimalDevice())


class IconKeyTests(DeviceFileTestCase):
    """
    C{[[device.icon]]} tables become L{Icon}s, and the default icons apply
    only when none is given.
    """

    def test_noIconGivesTheDefaultIcons(self) -> None:
        self.assertEqual(self.load(MINIMAL).icons, defaultIcons())

    def test_defaultIconsFalseGivesNoIcons(self) -> None:
        self.assertEqual(self.load(MINIMAL + "defaultIcons = false\n").icons, ())

    def test_defaultIconsTrueGivesTheDefaultIcons(self) -> None:
        self.assertEqual(self.load(MINIMAL + "defaultIcons = true\n").icons, defaultIcons())

    def test_everyIconKeyIsRead(self) -> None:
        folder = self.folder()
        (folder / "ham.img").write_bytes(b"GIF89a....")
        device = self.load(
            MINIMAL
            + """
[[device.icon]]
file = "ham.img"
mimetype = "image/gif"
width = 16
height = 17
depth = 8
name = "ham.gif"
""",
            folder,
        )
        self.assertEqual(device.icons, (Icon("image/gif", 16, 17, 8, b"GIF89a....", "ham.gif"),))

    def test_givenIconsReplaceTheDefaultIcons(self) -> None:
        folder = self.folder()
        (folder / "ham.png").write_bytes(PNG)
        device = self.load(
            MINIMAL + '[[device.icon]]\nfile = "ham.png"\nwidth = 48\nheight = 48\ndepth = 32\n',
            folder,
        )
        self.assertEqual(device.icons, (Icon("image/png", 48, 48, 32, PNG),))

    def test_mimetypeIsGuessedFromTheExtension(self) -> None:
        cases = {
            "a.png": (PNG, "image/png"),
            "b.JPG": (b"\xff\xd8\xff\xe0", "image/jpeg"),
            "c.jpeg": (b"\xff\xd8\xff\xe1", "image/jpeg"),
            "d.gif": (b"GIF87a", "image/gif"),
        }
        folder = self.folder()
        text = MINIMAL
        for size, (fileName, (data, mimetype)) in enumerate(cases.items(), 1):
            (folder / fileName).write_bytes(data)
            text += f'[[device.icon]]\nfile = "{fileName}"\nwidth = {size}\nheight = 1\ndepth = 8\n'
        device = self.load(text, folder)
        self.assertEqual(
            [icon.mimetype for icon in device.icons], [m for d, m in cases.values()]
        )

    def test_iconFileIsRelativeToTheDeviceFileFolder(self) -> None:
        folder = self.folder()
        (folder / "icons").mkdir()
        (folder / "icons" / "ham.png").write_bytes(PNG)
        device = self.load(
            MINIMAL
            + '[[device.icon]]\nfile = "icons/ham.png"\nwidth = 48\nheight = 48\ndepth = 32\n',
            folder,
        )
        self.assertEqual(device.icons[0].data, PNG)

    def test_iconFileMayBeAbsolute(self) -> None:
        icon = self.folder() / "ham.png"
        icon.write_bytes(PNG)
        text = MINIMAL + iconTable(file=str(icon.resolve()))
        self.assertEqual(self.load(text).icons[0].data, PNG)


class ServiceKeyTests(DeviceFileTestCase):
    """
    Services, actions, arguments and state variables are read in order with
    every key.
    """

    def stateVariable(self, keys: str) -> StateVariable:
        text = WITH_SERVICE + "\n[[device.service.stateVariable]]\n" + keys
        return self.load(text).services[0].stateVariables[1]

    def test_serviceWithActionAndVariableIsRead(self) -> None:
        self.assertEqual(
            self.load(WITH_SERVICE).services,
            (
                Service(
                    "urn:boucherie.example.com:service:Jambon:1",
                    "urn:boucherie.example.com:serviceId:Jambon",
                    (Action("GetSlices", (Argument("CurrentSlices", "out", "Slices"),)),),
                    (StateVariable("Slices", "ui4"),),
                ),
            ),
        )

    def test_orderOfServicesActionsAndArgumentsIsKept(self) -> None:
        device = self.load(DEEP.format(direction="out"))
        self.assertEqual([s.shortId for s in device.services], ["Jambon", "Knife"])
        arguments = device.services[1].actions[0].arguments
        self.assertEqual(
            [(a.name, a.direction) for a in arguments], [("A", "in"), ("B", "in"), ("C", "out")]
        )

    def test_actionWithoutArgumentsIsRead(self) -> None:
        text = WITH_SERVICE + '\n[[device.service.action]]\nname = "Reset"\n'
        self.assertEqual(self.load(text).services[0].actions[1], Action("Reset"))

    def test_everyStateVariableKeyIsRead(self) -> None:
        variable = self.stateVariable(
            'name = "Mode"\ndataType = "string"\nsendEvents = true\nmulticast = true\n'
            'defaultValue = "Fine"\nallowedValues = ["Fine", "Thick"]\n'
        )
        self.assertEqual(
            variable,
            StateVariable("Mode", "string", True, True, "Fine", ("Fine", "Thick")),
        )

    def test_sendEventsAndMulticastDefaultToFalse(self) -> None:
        variable = self.stateVariable('name = "X"\ndataType = "string"\n')
        self.assertEqual((variable.sendEvents, variable.multicast), (False, False))

    def test_defaultValueNumbersAndBooleansAreUPnPStrings(self) -> None:
        cases = {"true": "1", "false": "0", "42": "42", "-7": "-7", "1.5": "1.5", '"on"': "on"}
        for toml, expected in cases.items():
            variable = self.stateVariable(f'name = "X"\ndataType = "r8"\ndefaultValue = {toml}\n')
            self.assertEqual(variable.defaultValue, expected, toml)

    def test_allowedValueRangeAcceptsNumbersAndStrings(self) -> None:
        variable = self.stateVariable(
            'name = "X"\ndataType = "r8"\n'
            'allowedValueRange = { minimum = -1.5, maximum = "100", step = 0.5 }\n'
        )
        self.assertEqual(variable.allowedValueRange, AllowedValueRange("-1.5", "100", "0.5"))

    def test_allowedValueRangeStepIsOptional(self) -> None:
        variable = self.stateVariable(
            'name = "X"\ndataType = "ui1"\n'
            "[device.service.stateVariable.allowedValueRange]\nminimum = 0\nmaximum = 9\n"
        )
        self.assertEqual(variable.allowedValueRange, AllowedValueRange("0", "9"))


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


class EmbeddedDeviceTests(DeviceFileTestCase):
    """
    C{[[device.device]]} tables are embedded devices, to any depth.
    """

    def test_embeddedDevicesAreReadRecursively(self) -> None:
        root = self.load(EMBEDDED)
        self.assertEqual([d.friendlyName for d in root.allDevices()],
                         ["Jambon 3000", "Lamp", "Jambon 3000", "Second lamp"])
        lamp = root.devices[0]
        self.assertEqual(lamp.services[0].stateVariables, (StateVariable("Status", "boolean"),))
        self.assertEqual(lamp.icons, ())
        self.assertEqual(lamp.devices[0].icons, defaultIcons())
        self.assertEqual(root.devices[1].UDN, "uuid:00000000-0000-4000-8000-000000000001")

    def test_embeddedUDNIsDerivedFromTheParentUDN(self) -> None:
        root = self.load(EMBEDDED)
        lamp = root.devices[0]
        self.assertEqual(
            lamp.UDN,
            stableUDN(root.UDN, "Lamp", "urn:schemas-upnp-org:device:BinaryLight:1"),
        )
        self.assertEqual(
            lamp.devices[0].UDN, stableUDN(lamp.UDN, "Jambon 3000", BASIC_DEVICE)
        )

    def test_embeddedCopyOfTheRootGetsItsOwnUDN(self) -> None:
        root = self.load(EMBEDDED)
        self.assertEqual(root.devices[0].devices[0].friendlyName, root.friendlyName)
        self.assertNotEqual(root.devices[0].devices[0].UDN, root.UDN)

    def test_embeddedUDNsAreStableAcrossLoads(self) -> None:
        self.assertEqual(self.load(EMBEDDED), self.load(EMBEDDED))


class ConfigErrorTests(SynchronousTestCase):
    """
    L{ConfigError} carries the file, key and reason.
    """

    def test_stringSaysPathKeyAndReason(self) -> None:
        error = ConfigError("a.toml", "device.UDN", "is wrong")
        self.assertEqual(str(error), "a.toml: device.UDN: is wrong")
        self.assertEqual(
            (error.path, error.key, error.reason),
            ("a.toml", "device.UDN", "is wrong"),
        )

    def test_stringOfAWholeFileErrorHasNoKey(self) -> None:
        self.assertEqual(str(ConfigError("a.toml", "", "is not TOML")), "a.toml: is not TOML")


class FileErrorTests(DeviceFileTestCase):
    """
    Files that cannot be read or parsed are L{ConfigError}s with an empty key.
    """

    def test_missingFile(self) -> None:
        path = os.path.join(self.mktemp(), "nothing.toml")
        error = self.assertRaises(ConfigError, loadDevice, path, hostname="host")
        self.assertEqual((error.path, error.key), (path, ""))
        self.assertIn("cannot read the device file", error.reason)
        self.assertIn("No such file", error.reason)

    def test_folderInsteadOfFile(self) -> None:
        path = str(self.folder())
        error = self.assertRaises(ConfigError, loadDevice, path, hostname="host")
        self.assertEqual((error.path, error.key), (path, ""))
        self.assertIn("cannot read the device file", error.reason)

    def test_notUTF8SaysTheLine(self) -> None:
        self.loadError(
            MINIMAL.encode("utf-8") + b'serialNumber = "caf\xe9"\n',
            "",
            "UTF-8",
            "line 6",
        )

    def test_tomlSyntaxErrorSaysLineAndColumn(self) -> None:
        self.loadError(
            MINIMAL + "modelNumber = 3000 3000\n",
            "",
            "not valid TOML",
            "line 6, column",
        )

    def test_deeplyNestedArraysAreASyntaxError(self) -> None:
        self.loadError("x = " + "[" * 5000 + "]" * 5000 + "\n", "", "not valid TOML")


class StructureErrorTests(DeviceFileTestCase):
    """
    Missing tables, unknown keys and wrong types name their key.
    """

    def test_missingDeviceTable(self) -> None:
        self.loadError("", "device", "is missing", "[device]")

    def test_deviceIsNotATable(self) -> None:
        self.loadError('device = "Jambon"\n', "device", "must be a table, not a string")

    def test_deviceArrayOfTablesSaysSingleTable(self) -> None:
        self.loadError(MINIMAL.replace("[device]", "[[device]]"), "device", "single [device]")

    def test_unknownTopLevelKey(self) -> None:
        self.loadError("colour = 1\n" + MINIMAL, "colour", "unknown key", "device")

    def test_unknownDeviceKeyListsTheAllowedOnes(self) -> None:
        error = self.loadError(MINIMAL + 'colour = "red"\n', "device.colour", "unknown key")
        for key in ("deviceType", "friendlyName", "UDN", "presentationURL", "icon", "service"):
            self.assertIn(key, error.reason)

    def test_misspeltKeySuggestsTheRightOne(self) -> None:
        self.loadError(MINIMAL + 'udn = "x"\n', "device.udn", "did you mean 'UDN'?")
        self.loadError(
            MINIMAL + 'serialNumbr = "x"\n', "device.serialNumbr", "did you mean 'serialNumber'?"
        )

    def test_unknownKeyDeepInsideNamesTheFullPath(self) -> None:
        text = DEEP.format(direction="in").replace(
            'name = "C"\n', 'name = "C"\ncolour = "red"\n'
        )
        self.loadError(
            text,
            "device.service[1].action[0].argument[2].colour",
            "allowed keys here: name, direction, relatedStateVariable",
        )

    def test_quotedUnknownKeyIsQuotedInThePath(self) -> None:
        self.loadError(MINIMAL + '"friendly name" = "x"\n', 'device."friendly name"', "unknown key")

    def test_serviceURLsCannotBeSet(self) -> None:
        self.loadError(
            WITH_SERVICE.replace(
                'serviceId = "urn:boucherie.example.com:serviceId:Jambon"\n',
                'serviceId = "urn:boucherie.example.com:serviceId:Jambon"\n'
                'controlURL = "/jambon"\n',
            ),
            "device.service[0].controlURL",
            "chooses SCPDURL, controlURL and eventSubURL itself",
        )

    def test_missingRequiredDeviceKeys(self) -> None:
        for key in ("deviceType", "friendlyName", "manufacturer", "modelName"):
            text = "\n".join(line for line in MINIMAL.splitlines() if not line.startswith(key))
            self.loadError(text, f"device.{key}", "is required but missing")

    def test_missingRequiredNestedKeys(self) -> None:
        cases = {
            'serviceType = "urn:boucherie.example.com:service:Jambon:1"\n': (
                "device.service[0].serviceType"
            ),
            'relatedStateVariable = "Slices"\n': (
                "device.service[0].action[0].argument[0].relatedStateVariable"
            ),
            'dataType = "ui4"\n': "device.service[0].stateVariable[0].dataType",
        }
        for line, key in cases.items():
            self.loadError(WITH_SERVICE.replace(line, ""), key, "is required but missing")

    def test_missingRangeMinimum(self) -> None:
        self.loadError(
            WITH_SERVICE + "allowedValueRange = { maximum = 9 }\n",
            "device.service[0].stateVariable[0].allowedValueRange.minimum",
            "is required but missing",
        )

    def test_numberForTextSaysToQuoteIt(self) -> None:
        self.loadError(
            MINIMAL + "modelNumber = 3000\n",
            "device.modelNumber",
            "must be a string, not an integer",
            'write it in quotes: modelNumber = "3000"',
        )

    def test_dateForTextIsAWrongType(self) -> None:
        self.loadError(
            MINIMAL + "serialNumber = 1979-05-27\n",
            "device.serialNumber",
            "not a date or time",
        )

    def test_emptyOptionalTextSaysToLeaveTheKeyOut(self) -> None:
        self.loadError(
            MINIMAL + 'modelURL = ""\n',
            "device.modelURL",
            "must not be empty",
            "leave the key out",
        )

    def test_quotedBooleanSaysToDropTheQuotes(self) -> None:
        self.loadError(
            WITH_SERVICE + 'sendEvents = "yes"\n',
            "device.service[0].stateVariable[0].sendEvents",
            "must be true or false, not a string",
            "without quotes",
        )

    def test_defaultIconsMustBeABoolean(self) -> None:
        self.loadError(
            MINIMAL + "defaultIcons = 0\n",
            "device.defaultIcons",
            "must be true or false",
        )

    def test_singleServiceTableSaysToUseDoubleBrackets(self) -> None:
        self.loadError(
            MINIMAL + '[device.service]\nserviceType = "x"\n',
            "device.service",
            "must be an array of tables, not a table",
            "[[device.service]]",
        )

    def test_embeddedDoubleBracketHintHasNoIndexes(self) -> None:
        self.loadError(
            EMBEDDED + "[device.device.action]\n",
            "device.device[1].action",
            "unknown key",
        )
        self.loadError(
            EMBEDDED + "service = 1\n",
            "device.device[1].service",
            "[[device.device.service]]",
        )

    def test_arrayElementThatIsNotATable(self) -> None:
        self.loadError(
            MINIMAL + "icon = [1]\n",
            "device.icon[0]",
            "must be a table, not an integer",
        )

    def test_allowedValuesMustBeAnArrayOfStrings(self) -> None:
        prefix = "device.service[0].stateVariable[0]"
        self.loadError(
            WITH_SERVICE + 'allowedValues = "a"\n',
            f"{prefix}.allowedValues",
            "array of strings",
        )
        self.loadError(
            WITH_SERVICE + 'allowedValues = ["a", 1]\n',
            f"{prefix}.allowedValues[1]",
            "must be a string",
        )

    def test_defaultValueOfAnotherType(self) -> None:
        self.loadError(
            WITH_SERVICE + "defaultValue = [1]\n",
            "device.service[0].stateVariable[0].defaultValue",
            "must be a string, a number or a boolean, not an array",
        )

    def test_defaultValueMustBeFinite(self) -> None:
        self.loadError(
            WITH_SERVICE + "defaultValue = inf\n",
            "device.service[0].stateVariable[0].defaultValue",
            "finite number",
        )

    def test_rangeValuesMustNotBeBooleans(self) -> None:
        self.loadError(
            WITH_SERVICE + "allowedValueRange = { minimum = true, maximum = 9 }\n",
            "device.service[0].stateVariable[0].allowedValueRange.minimum",
            "must be a string or a number, not a boolean",
        )

    def test_allowedValueRangeMustBeATable(self) -> None:
        self.loadError(
            WITH_SERVICE + "allowedValueRange = [0, 9]\n",
            "device.service[0].stateVariable[0].allowedValueRange",
            "must be a table, not an array",
        )

    def test_deviceFromMappingRejectsANonMapping(self) -> None:
        error = self.assertRaises(ConfigError, deviceFromMapping, [1], "<memory>", "host")
        self.assertEqual((error.path, error.key), ("<memory>", ""))


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


#: Every key a device file knows, to build random documents from.
_KEYS = sorted(
    set(devicefile._DEVICE_KEYS)
    | set(devicefile._ICON_KEYS)
    | set(devicefile._SERVICE_KEYS)
    | set(devicefile._ACTION_KEYS)
    | set(devicefile._ARGUMENT_KEYS)
    | set(devicefile._VARIABLE_KEYS)
    | set(devicefile._RANGE_KEYS)
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.sampled_from([BASIC_DEVICE, "ui4", "in", "Slices", "ham.png", JAMBON_UDN])
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=3), children, max_size=5),
    max_leaves=20,
)


class RobustnessTests(DeviceFileTestCase):
    """
    Whatever the input, loading a device gives a L{Device} or a
    L{ConfigError}, never another exception.
    """

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8))
    def test_anyDeviceTableGivesADeviceOrAConfigError(self, table: dict[str, object]) -> None:
        try:
            deviceFromMapping({"device": table}, "<memory>", hostname="host")
        except ConfigError:
            pass

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: (MINIMAL + t).encode()))
    def test_anyFileGivesADeviceOrAConfigError(self, data: bytes) -> None:
        path = Path(self.mktemp())
        path.write_bytes(data)
        try:
            loadDevice(path, hostname="host")
        except ConfigError:
            pass
