"""
Tests for L{coherence_lite.model.device}: the frozen, validated device model.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.device import (
    LOCAL,
    REMOTE,
    Action,
    AllowedValueRange,
    Argument,
    Device,
    DeviceError,
    Icon,
    Service,
    StateVariable,
    parseURN,
    stableUDN,
)

from tests.support import binaryLight, jambon

PNG = b"\x89PNG\r\n\x1a\n-not-really-but-bytes"


class DeviceTests(SynchronousTestCase):
    """
    The model refuses values UPnP forbids, naming the field.
    """

    def assertDeviceError(self, field: str, build: Callable[[], object]) -> DeviceError:
        """
        Check that C{build()} raises a L{DeviceError} on C{field}.
        """
        error = self.assertRaises(DeviceError, build)
        self.assertEqual(error.field, field)
        return error

    def test_jambonIsValidAndFrozen(self) -> None:
        """
        The Jambon 3000 is a valid device, and its fields cannot be changed.
        """
        device = jambon()
        self.assertEqual(device.uuid, "e427ce1a-3e80-43d0-ad6f-89ec42e46363")
        self.assertRaises(dataclasses.FrozenInstanceError, setattr, device, "friendlyName", "x")

    def test_lengthLimits(self) -> None:
        """
        Each text with a UPnP length limit accepts that many characters and refuses one
        more, saying the limit.
        """
        for field, limit in (("friendlyName", 64), ("manufacturer", 64), ("modelName", 32), ("modelDescription", 128), ("modelNumber", 32), ("serialNumber", 64)):
            dataclasses.replace(jambon(), **{field: "x" * limit})
            error = self.assertDeviceError(field, lambda: dataclasses.replace(jambon(), **{field: "x" * (limit + 1)}))
            self.assertIn(str(limit), error.reason)

    def test_lineBreaksAreRefused(self) -> None:
        """
        A line break in a text is refused, so no text can inject a header.
        """
        self.assertDeviceError("friendlyName", lambda: dataclasses.replace(jambon(), friendlyName="a\r\nEVIL: 1"))

    def test_typesMustBeURNsOfTheRightKind(self) -> None:
        """
        Device and service types must be type URNs of their own kind, and service ids
        service id URNs.
        """
        self.assertDeviceError("deviceType", lambda: dataclasses.replace(jambon(), deviceType="Basic"))
        self.assertDeviceError(
            "deviceType",
            lambda: dataclasses.replace(jambon(), deviceType="urn:schemas-upnp-org:service:SwitchPower:1"),
        )
        self.assertDeviceError("serviceType", lambda: Service("urn:x:device:A:1", "urn:x:serviceId:A"))
        self.assertDeviceError("serviceId", lambda: Service("urn:x:service:A:1", "A"))
        self.assertDeviceError("serviceType", lambda: Service(5, "urn:x:serviceId:A"))  # type: ignore[arg-type]

    def test_udnMustBeAUUID(self) -> None:
        """
        A UDN is C{uuid:} followed by an RFC 4122 UUID, nothing else.
        """
        self.assertDeviceError("UDN", lambda: dataclasses.replace(jambon(), UDN="uuid:jambon"))
        self.assertDeviceError("UDN", lambda: dataclasses.replace(jambon(), UDN="e427ce1a-3e80-43d0-ad6f-89ec42e46363"))

    def test_upcIsTwelveDigits(self) -> None:
        """
        A UPC has exactly twelve digits.
        """
        dataclasses.replace(jambon(), UPC="012345678905")
        self.assertDeviceError("UPC", lambda: dataclasses.replace(jambon(), UPC="12345"))

    def test_argumentsNameExistingStateVariables(self) -> None:
        """
        An argument's related state variable must be one of its service's, and the error
        names the full field and the variable.
        """
        error = self.assertDeviceError(
            "actions[0].arguments[0].relatedStateVariable",
            lambda: Service(
                "urn:x:service:A:1", "urn:x:serviceId:A", actions=(Action("Get", (Argument("V", "out", "Missing"),)),)
            ),
        )
        self.assertIn("Missing", error.reason)

    def test_directionIsInOrOut(self) -> None:
        """
        An argument's direction is C{in} or C{out}.
        """
        self.assertDeviceError("direction", lambda: Argument("V", "sideways", "V"))

    def test_dataTypeIsAUPnPType(self) -> None:
        """
        A state variable's data type must be a UPnP data type, and a string.
        """
        self.assertDeviceError("dataType", lambda: StateVariable("V", "integer"))
        self.assertDeviceError("dataType", lambda: StateVariable("V", ["x"]))  # type: ignore[arg-type]

    def test_allowedValuesAndRangeExcludeEachOther(self) -> None:
        """
        A state variable has allowed values or an allowed range, not both.
        """
        self.assertDeviceError(
            "allowedValueRange",
            lambda: StateVariable("V", "string", allowedValues=("a",), allowedValueRange=AllowedValueRange("0", "1")),
        )

    def test_embeddedUDNsMustDiffer(self) -> None:
        """
        An embedded device may not share the UDN of another device of its tree.
        """
        light = binaryLight()
        self.assertDeviceError(
            "devices",
            lambda: dataclasses.replace(light, devices=(dataclasses.replace(light.devices[0], UDN=light.UDN),)),
        )

    def test_serviceIdsUniqueWithinDevice(self) -> None:
        """
        Two services of a device may not share a service id.
        """
        service = jambon().services[0]
        self.assertDeviceError("services", lambda: dataclasses.replace(jambon(), services=(service, service)))

    def test_allDevicesIsDepthFirstRootFirst(self) -> None:
        """
        L{Device.allDevices} lists the device itself first, then its embedded devices
        depth first.
        """
        self.assertEqual([d.friendlyName for d in binaryLight().allDevices()], ["Lamp", "Lamp dimmer"])

    def test_iconGetsANameFromItsShape(self) -> None:
        """
        An icon without a name is named after its size, depth and type, and bad sizes,
        types and names are refused.
        """
        self.assertEqual(Icon("image/png", 48, 48, 24, PNG).name, "icon-48x48x24.png")
        self.assertDeviceError("width", lambda: Icon("image/png", 0, 48, 24, PNG))
        self.assertDeviceError("mimetype", lambda: Icon("text/html", 48, 48, 24, PNG))
        self.assertDeviceError("name", lambda: Icon("image/png", 48, 48, 24, PNG, name="../x.png"))

    def test_parseURN(self) -> None:
        """
        L{parseURN} splits a type URN into domain, kind, name and numeric version, and
        refuses other shapes.
        """
        urn = parseURN("urn:schemas-upnp-org:device:MediaServer:10")
        assert urn is not None
        self.assertEqual((urn.domain, urn.kind, urn.name, urn.version), ("schemas-upnp-org", "device", "MediaServer", 10))
        self.assertEqual(urn.withVersion(2), "urn:schemas-upnp-org:device:MediaServer:2")
        self.assertIsNone(parseURN("urn:schemas-upnp-org:device:MediaServer"))
        self.assertIsNone(parseURN("upnp:rootdevice"))

    def test_stableUDNIsStableAndDistinct(self) -> None:
        """
        L{stableUDN} gives the same valid UDN for the same seeds and another for other
        seeds.
        """
        self.assertEqual(stableUDN("host", "name"), stableUDN("host", "name"))
        self.assertNotEqual(stableUDN("host", "name"), stableUDN("host", "other"))
        dataclasses.replace(jambon(), UDN=stableUDN("host", "name"))

    def test_serviceIdCannotBeADotPath(self) -> None:
        """
        A service id's last part cannot be a dot path, since it names the service's
        URLs.
        """
        for bad in ("urn:x:serviceId:.", "urn:x:serviceId:..", "urn:x:serviceId:.hidden"):
            self.assertDeviceError("serviceId", lambda: Service("urn:x:service:A:1", bad))

    def test_defaultValueRefusesControlCharacters(self) -> None:
        """
        A default value may hold line breaks but no other control characters.
        """
        self.assertDeviceError("defaultValue", lambda: StateVariable("V", "string", defaultValue="a\x00b"))
        StateVariable("V", "string", defaultValue="two\r\nlines")

    def test_manifestations(self) -> None:
        """
        L{LOCAL} and L{REMOTE} are Coherence's manifestation strings.
        """
        self.assertEqual((LOCAL, REMOTE), ("local", "remote"))
