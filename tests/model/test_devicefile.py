"""
Tests for L{coherence_lite.model.devicefile}: TOML device files read into
devices (the examples, every key, embedded devices) and, whatever the input,
a device or a L{ConfigError}.
"""

from __future__ import annotations

import platform
from dataclasses import replace
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

from tests.support.devicefile import (
    DEEP,
    EMBEDDED,
    EXAMPLES,
    MINIMAL,
    PNG,
    WITH_SERVICE,
    DeviceFileTestCase,
    iconTable,
    minimalDevice,
)
from tests.support import JAMBON_UDN, jambon


class ExampleTests(SynchronousTestCase):
    """
    The example device files load as the devices they describe.
    """

    def test_jambonExampleIsTheSeedDevice(self) -> None:
        """
        C{examples/jambon-3000.toml} is the seed's Jambon 3000 with the default icons
        and its full Jambon service.
        """
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
        self.assertEqual(loadDevice(EXAMPLES / "jambon-3000.toml", hostname="host").device, expected)

    def test_jambonExampleUDNDoesNotDependOnTheHost(self) -> None:
        """
        The Jambon example writes its UDN out, so every host loads the same one.
        """
        path = EXAMPLES / "jambon-3000.toml"
        self.assertEqual(loadDevice(path, hostname="a").device.UDN, JAMBON_UDN)
        self.assertEqual(loadDevice(path, hostname="b").device.UDN, JAMBON_UDN)

    def test_binaryLightExampleIsASwitchPowerDevice(self) -> None:
        """
        C{examples/binary-light.toml} is a standard BinaryLight:1 with the SwitchPower:1
        service.
        """
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
        self.assertEqual(loadDevice(EXAMPLES / "binary-light.toml", hostname="host").device, expected)

    def test_bindingsComeBesideTheDevice(self) -> None:
        """
        What the file's actions do comes beside the device, by (device UDN,
        serviceId), and follows the device when its UDN is replaced; the
        device's services carry no behaviour.
        """
        device, bindings = loadDevice(EXAMPLES / "binary-light.toml", hostname="host")
        [setTarget] = bindings[(device.UDN, "urn:upnp-org:serviceId:SwitchPower")]
        self.assertEqual(setTarget.action, "SetTarget")
        self.assertEqual(setTarget.sets, (("Target", "newTargetValue"), ("Status", "newTargetValue")))
        self.assertEqual(list(bindings), [(device.UDN, "urn:upnp-org:serviceId:SwitchPower")])
        other = loadDevice(EXAMPLES / "binary-light.toml", hostname="host")
        moved = other.withDevice(replace(other.device, UDN="uuid:0c9a6e4e-0000-4000-8000-000000000001"))
        self.assertEqual(moved.bindings, {("uuid:0c9a6e4e-0000-4000-8000-000000000001", "urn:upnp-org:serviceId:SwitchPower"): (setTarget,)})
        self.assertFalse(hasattr(device.services[0], "bindings") or hasattr(device.services[0], "implementation"))

    def test_binaryLightUDNIsStableAcrossLoads(self) -> None:
        """
        The BinaryLight example, whose UDN is derived, loads as the same device twice on
        one host.
        """
        path = EXAMPLES / "binary-light.toml"
        self.assertEqual(loadDevice(path, hostname="host").device, loadDevice(path, hostname="host").device)

    def test_binaryLightUDNDependsOnTheHost(self) -> None:
        """
        The BinaryLight example's derived UDN differs between hosts.
        """
        path = EXAMPLES / "binary-light.toml"
        self.assertNotEqual(loadDevice(path, hostname="a").device.UDN, loadDevice(path, hostname="b").device.UDN)


class DeviceKeyTests(DeviceFileTestCase):
    """
    Every key of a C{[device]} table reaches the L{Device}.
    """

    def test_minimalFileGivesDefaultsForEveryOptionalKey(self) -> None:
        """
        The four required keys alone give a device with the defaults for everything
        else.
        """
        self.assertEqual(self.load(MINIMAL), minimalDevice())

    def test_everyDeviceKeyIsRead(self) -> None:
        """
        Every optional text key of C{[device]} reaches the device's field of that name.
        """
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
        """
        Non-ASCII text, emoji included, is read exactly.
        """
        device = self.load(
            MINIMAL.replace("Jambon 3000", "Jambon 3000 — ½ édition ✓").replace(
                '"Boucherie"', '"Boucherie numérique SAS 🥓"'
            )
        )
        self.assertEqual(device.friendlyName, "Jambon 3000 — ½ édition ✓")
        self.assertEqual(device.manufacturer, "Boucherie numérique SAS 🥓")

    def test_byteOrderMarkIsAccepted(self) -> None:
        """
        A file starting with a UTF-8 byte order mark is read like one without.
        """
        self.assertEqual(self.load(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8")), minimalDevice())

    def test_derivedUDNIsTheDefaultDeviceUDN(self) -> None:
        """
        A root device without UDN gets the UDN the default device of that name and host
        gets.
        """
        self.assertEqual(
            self.load(MINIMAL).UDN, defaultDevice("Jambon 3000", hostname="host").UDN
        )

    def test_derivedUDNDependsOnTheFriendlyName(self) -> None:
        """
        Renaming a device changes its derived UDN.
        """
        renamed = self.load(MINIMAL.replace("Jambon 3000", "Jambon 4000"))
        self.assertNotEqual(renamed.UDN, self.load(MINIMAL).UDN)

    def test_hostNameDefaultsToTheMachineName(self) -> None:
        """
        Without a host name, the machine's (L{platform.node}) derives the UDN.
        """
        self.patch(platform, "node", lambda: "patched-host")
        path = self.write(MINIMAL)
        self.assertEqual(loadDevice(path).device, loadDevice(path, hostname="patched-host").device)

    def test_pathMayBeAPathObject(self) -> None:
        """
        L{loadDevice} takes a L{Path} as well as a string.
        """
        self.assertEqual(loadDevice(Path(self.write(MINIMAL)), hostname="host").device, minimalDevice())

    def test_deviceFromMappingReadsAPlainMapping(self) -> None:
        """
        L{deviceFromMapping} reads an already parsed document like L{loadDevice} reads
        the file.
        """
        data = {
            "device": {
                "deviceType": BASIC_DEVICE,
                "friendlyName": "Jambon 3000",
                "manufacturer": "Boucherie",
                "modelName": "Jambon",
            }
        }
        self.assertEqual(deviceFromMapping(data, "<memory>", hostname="host").device, minimalDevice())


class IconKeyTests(DeviceFileTestCase):
    """
    C{[[device.icon]]} tables become L{Icon}s, and the default icons apply
    only when none is given.
    """

    def test_noIconGivesTheDefaultIcons(self) -> None:
        """
        A device without C{[[device.icon]]} gets the default icons.
        """
        self.assertEqual(self.load(MINIMAL).icons, defaultIcons())

    def test_defaultIconsFalseGivesNoIcons(self) -> None:
        """
        C{defaultIcons = false} leaves the device without icons.
        """
        self.assertEqual(self.load(MINIMAL + "defaultIcons = false\n").icons, ())

    def test_defaultIconsTrueGivesTheDefaultIcons(self) -> None:
        """
        C{defaultIcons = true} gives the default icons.
        """
        self.assertEqual(self.load(MINIMAL + "defaultIcons = true\n").icons, defaultIcons())

    def test_everyIconKeyIsRead(self) -> None:
        """
        Every key of an icon table reaches the L{Icon}, with the file's bytes as its
        data.
        """
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
        """
        Given icons replace the default ones rather than add to them.
        """
        folder = self.folder()
        (folder / "ham.png").write_bytes(PNG)
        device = self.load(
            MINIMAL + '[[device.icon]]\nfile = "ham.png"\nwidth = 48\nheight = 48\ndepth = 32\n',
            folder,
        )
        self.assertEqual(device.icons, (Icon("image/png", 48, 48, 32, PNG),))

    def test_mimetypeIsGuessedFromTheExtension(self) -> None:
        """
        Without a mimetype, C{.png}, C{.jpg}, C{.jpeg} and C{.gif} files get theirs, in
        any case.
        """
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
        """
        A relative icon file name is taken from the device file's folder.
        """
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
        """
        An absolute icon file name is used as it is.
        """
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
        """
        The state variable a table of C{keys} added to L{WITH_SERVICE} reads as.
        """
        text = WITH_SERVICE + "\n[[device.service.stateVariable]]\n" + keys
        return self.load(text).services[0].stateVariables[1]

    def test_serviceWithActionAndVariableIsRead(self) -> None:
        """
        A service table with an action and a state variable becomes that L{Service}.
        """
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
        """
        Services, actions and arguments keep the order of the file.
        """
        device = self.load(DEEP.format(direction="out"))
        self.assertEqual([s.shortId for s in device.services], ["Jambon", "Knife"])
        arguments = device.services[1].actions[0].arguments
        self.assertEqual(
            [(a.name, a.direction) for a in arguments], [("A", "in"), ("B", "in"), ("C", "out")]
        )

    def test_actionWithoutArgumentsIsRead(self) -> None:
        """
        An action may have no arguments.
        """
        text = WITH_SERVICE + '\n[[device.service.action]]\nname = "Reset"\n'
        self.assertEqual(self.load(text).services[0].actions[1], Action("Reset"))

    def test_everyStateVariableKeyIsRead(self) -> None:
        """
        Every key of a state variable table reaches the L{StateVariable}.
        """
        variable = self.stateVariable(
            'name = "Mode"\ndataType = "string"\nsendEvents = true\nmulticast = true\n'
            'defaultValue = "Fine"\nallowedValues = ["Fine", "Thick"]\n'
        )
        self.assertEqual(
            variable,
            StateVariable("Mode", "string", True, True, "Fine", ("Fine", "Thick")),
        )

    def test_sendEventsAndMulticastDefaultToFalse(self) -> None:
        """
        C{sendEvents} and C{multicast} are false unless given.
        """
        variable = self.stateVariable('name = "X"\ndataType = "string"\n')
        self.assertEqual((variable.sendEvents, variable.multicast), (False, False))

    def test_defaultValueNumbersAndBooleansAreUPnPStrings(self) -> None:
        """
        TOML numbers and booleans as default values are written as UPnP writes them:
        C{true} is C{"1"}, C{42} is C{"42"}.
        """
        cases = {"true": "1", "false": "0", "42": "42", "-7": "-7", "1.5": "1.5", '"on"': "on"}
        for toml, expected in cases.items():
            variable = self.stateVariable(f'name = "X"\ndataType = "r8"\ndefaultValue = {toml}\n')
            self.assertEqual(variable.defaultValue, expected, toml)

    def test_allowedValueRangeAcceptsNumbersAndStrings(self) -> None:
        """
        An allowed range's bounds and step may be TOML numbers or strings.
        """
        variable = self.stateVariable(
            'name = "X"\ndataType = "r8"\n'
            'allowedValueRange = { minimum = -1.5, maximum = "100", step = 0.5 }\n'
        )
        self.assertEqual(variable.allowedValueRange, AllowedValueRange("-1.5", "100", "0.5"))

    def test_allowedValueRangeStepIsOptional(self) -> None:
        """
        An allowed range needs no step, and may be written as its own table.
        """
        variable = self.stateVariable(
            'name = "X"\ndataType = "ui1"\n'
            "[device.service.stateVariable.allowedValueRange]\nminimum = 0\nmaximum = 9\n"
        )
        self.assertEqual(variable.allowedValueRange, AllowedValueRange("0", "9"))


class EmbeddedDeviceTests(DeviceFileTestCase):
    """
    C{[[device.device]]} tables are embedded devices, to any depth.
    """

    def test_embeddedDevicesAreReadRecursively(self) -> None:
        """
        C{[[device.device]]} tables nest to any depth, each with its own services, icons
        and UDN.
        """
        root = self.load(EMBEDDED)
        self.assertEqual([d.friendlyName for d in root.allDevices()],
                         ["Jambon 3000", "Lamp", "Jambon 3000", "Second lamp"])
        lamp = root.devices[0]
        self.assertEqual(lamp.services[0].stateVariables, (StateVariable("Status", "boolean"),))
        self.assertEqual(lamp.icons, ())
        self.assertEqual(lamp.devices[0].icons, defaultIcons())
        self.assertEqual(root.devices[1].UDN, "uuid:00000000-0000-4000-8000-000000000001")

    def test_embeddedUDNIsDerivedFromTheParentUDN(self) -> None:
        """
        An embedded device without UDN gets one derived from its parent's UDN, name and
        type.
        """
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
        """
        An embedded device named and typed like the root still gets a UDN of its own.
        """
        root = self.load(EMBEDDED)
        self.assertEqual(root.devices[0].devices[0].friendlyName, root.friendlyName)
        self.assertNotEqual(root.devices[0].devices[0].UDN, root.UDN)

    def test_embeddedUDNsAreStableAcrossLoads(self) -> None:
        """
        Derived UDNs of embedded devices are the same at every load.
        """
        self.assertEqual(self.load(EMBEDDED), self.load(EMBEDDED))


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

    def assertOneLineReason(self, error: ConfigError) -> None:
        """
        Check that C{error} says what is wrong in one line, and reads as
        its parts.
        """
        self.assertTrue(error.reason.strip(), error)
        self.assertNotIn("\n", error.reason)
        expected = f"{error.path}: {error.key}: {error.reason}" if error.key else f"{error.path}: {error.reason}"
        self.assertEqual(str(error), expected)

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8))
    def test_anyDeviceTableGivesADeviceOrAConfigError(self, table: dict[str, object]) -> None:
        """
        Any C{[device]} table gives a device with the table's name and type, or a
        L{ConfigError} on a key under C{device} with a one-line reason, never another
        exception.
        """
        try:
            device = deviceFromMapping({"device": table}, "<memory>", hostname="host").device
        except ConfigError as error:
            self.assertEqual(error.path, "<memory>")
            self.assertTrue(error.key.startswith("device."), error.key)
            self.assertOneLineReason(error)
        else:
            self.assertIsInstance(device, Device)
            self.assertEqual((device.deviceType, device.friendlyName), (table["deviceType"], table["friendlyName"]))

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: (MINIMAL + t).encode()))
    def test_anyFileGivesADeviceOrAConfigError(self, data: bytes) -> None:
        """
        Any file gives the device of L{MINIMAL}, or a L{ConfigError} naming the file and
        saying in one line what is wrong, never another exception.
        """
        path = Path(self.mktemp())
        path.write_bytes(data)
        try:
            device = loadDevice(path, hostname="host").device
        except ConfigError as error:
            self.assertEqual(error.path, str(path))
            self.assertOneLineReason(error)
        else:
            self.assertTrue(data.startswith(MINIMAL.encode()), data)
            self.assertEqual(device.friendlyName, "Jambon 3000")
