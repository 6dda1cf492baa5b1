# -*- test-case-name: tests.test_description -*-
"""
Tests for L{coherence_lite.model.description}: the device and service description
documents, parsed back with defusedxml.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from dataclasses import replace
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from hypothesis import given, settings, strategies as st

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model import layout
from coherence_lite.model.description import (
    DEVICE_NAMESPACE,
    MAX_CONFIG_ID,
    SERVICE_NAMESPACE,
    SPEC_VERSION,
    Documents,
    buildDocuments,
    computeConfigId,
    deviceDescription,
    serviceDescription,
)
from coherence_lite.model.device import (
    Action,
    AllowedValueRange,
    Argument,
    Device,
    DeviceError,
    Icon,
    Service,
    StateVariable,
)

from tests import support
from tests.support import JAMBON_UDN

D = "{" + DEVICE_NAMESPACE + "}"
S = "{" + SERVICE_NAMESPACE + "}"

LAMP_UDN = "uuid:0b3c6a2e-6f0e-4d7c-9d38-1f2a3b4c5d6e"
BULB_UDN = "uuid:7d9b1c44-58a1-4e2b-8f3e-a0b1c2d3e4f5"


def png(width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (200, 40, 60)) -> bytes:
    """
    Build a real, minimal truecolour PNG image of one colour.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def jambonService() -> Service:
    """
    The Jambon service: two actions, and variables using every SCPD
    feature.
    """
    return Service(
        serviceType="urn:boucherie.example.com:service:Jambon:1",
        serviceId="urn:boucherie.example.com:serviceId:Jambon",
        actions=(
            Action(
                "SetThickness",
                (
                    Argument("NewThickness", "in", "Thickness"),
                    Argument("Result", "out", "Status"),
                ),
            ),
            Action("Slice"),
        ),
        stateVariables=(
            StateVariable(
                "Thickness",
                "ui2",
                sendEvents=True,
                defaultValue="3",
                allowedValueRange=AllowedValueRange("1", "20", "1"),
            ),
            StateVariable(
                "Status",
                "string",
                sendEvents=True,
                multicast=True,
                allowedValues=("Idle", "Slicing & packing", "<jammed>"),
            ),
            StateVariable("Weight", "r4", allowedValueRange=AllowedValueRange("0", "12.5")),
        ),
    )


def jambon(**changes: object) -> Device:
    """
    The Jambon 3000 of L{tests.support.jambon} as these tests describe it:
    without a modelURL, with one icon and with L{jambonService}; keyword
    arguments replace fields.
    """
    described = {
        "modelURL": None,
        "icons": (Icon("image/png", 48, 48, 24, png(48, 48), name="jambon-48.png"),),
        "services": (jambonService(),),
    }
    return support.jambon(**{**described, **changes})


def switchPower() -> Service:
    """
    A SwitchPower service.
    """
    return Service(
        serviceType="urn:schemas-upnp-org:service:SwitchPower:1",
        serviceId="urn:upnp-org:serviceId:SwitchPower",
        actions=(Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),),
        stateVariables=(
            StateVariable("Target", "boolean", defaultValue="0"),
            StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
        ),
    )


def lamp() -> Device:
    """
    A root device with an embedded device, itself holding an embedded
    device: three levels, every one with a service.
    """
    bulb = Device(
        deviceType="urn:schemas-upnp-org:device:DimmableLight:1",
        friendlyName="Bulb",
        manufacturer="Lumen",
        modelName="B1",
        UDN=BULB_UDN,
        icons=(Icon("image/png", 16, 16, 8, png(16, 16, (255, 255, 0))),),
        services=(
            Service(
                "urn:schemas-upnp-org:service:Dimming:1",
                "urn:upnp-org:serviceId:Dimming",
                stateVariables=(StateVariable("LoadLevelTarget", "ui1", defaultValue="100"),),
            ),
        ),
    )
    light = Device(
        deviceType="urn:schemas-upnp-org:device:BinaryLight:1",
        friendlyName="Light",
        manufacturer="Lumen",
        modelName="L1",
        UDN=LAMP_UDN,
        services=(switchPower(),),
        devices=(bulb,),
    )
    return jambon(devices=(light,))


def children(element: Element) -> list[str]:
    """
    The tags of an element's children, in order.
    """
    return [child.tag for child in element]


def text(element: Element, path: str) -> str | None:
    """
    The text of the one element at C{path}, which must exist.
    """
    found = element.find(path)
    assert found is not None, path
    return found.text


def parseDescription(root: Device, configId: int = 42) -> Element:
    """
    Render and parse a device description.
    """
    document: Element = fromstring(deviceDescription(root, configId))
    return document


def parseSCPD(service: Service, configId: int = 42) -> Element:
    """
    Render and parse a service description.
    """
    document: Element = fromstring(serviceDescription(service, configId))
    return document


class DeviceDescriptionTests(SynchronousTestCase):
    """
    Tests for L{deviceDescription}.
    """

    def test_startsWithXMLDeclaration(self) -> None:
        """
        The document starts with an XML declaration naming UTF-8, in double
        quotes.
        """
        self.assertTrue(deviceDescription(jambon(), 7).startswith(b'<?xml version="1.0" encoding="utf-8"?>'))

    def test_rootElementHasNamespaceAndConfigId(self) -> None:
        """
        The document element is C{root} in the device namespace, with the
        configId as attribute, spelled without a prefix.
        """
        data = deviceDescription(jambon(), 1234)
        self.assertIn(b'<root xmlns="urn:schemas-upnp-org:device-1-0" configId="1234">', data)
        document = fromstring(data)
        self.assertEqual(document.tag, D + "root")
        self.assertEqual(document.attrib, {"configId": "1234"})
        self.assertNotIn(b"ns0", data)

    def test_specVersionIsOneOne(self) -> None:
        """
        C{specVersion} is 1.1, as L{SPEC_VERSION} says, before C{device}.
        """
        self.assertEqual(SPEC_VERSION, (1, 1))
        document = parseDescription(jambon())
        self.assertEqual(children(document), [D + "specVersion", D + "device"])
        self.assertEqual(children(document[0]), [D + "major", D + "minor"])
        self.assertEqual(text(document, f"{D}specVersion/{D}major"), "1")
        self.assertEqual(text(document, f"{D}specVersion/{D}minor"), "1")

    def test_specMinorTwo(self) -> None:
        """
        UDA 1.2 documents can be asked for.
        """
        document = fromstring(deviceDescription(jambon(), 1, specMinor=2))
        self.assertEqual(text(document, f"{D}specVersion/{D}minor"), "2")

    def test_unknownSpecMinorRefused(self) -> None:
        """
        Minor versions other than 1 and 2 raise L{ValueError}.
        """
        self.assertRaises(ValueError, deviceDescription, jambon(), 1, specMinor=0)
        self.assertRaises(ValueError, serviceDescription, jambonService(), 1, specMinor=3)

    def test_configIdOutOfRangeRefused(self) -> None:
        """
        A configId outside 0..16777215 raises L{ValueError}.
        """
        self.assertRaises(ValueError, deviceDescription, jambon(), -1)
        self.assertRaises(ValueError, deviceDescription, jambon(), MAX_CONFIG_ID + 1)
        self.assertRaises(ValueError, serviceDescription, jambonService(), 2**24)
        self.assertIn(b'configId="16777215"', deviceDescription(jambon(), MAX_CONFIG_ID))

    def test_descriptionHasNoURLBase(self) -> None:
        """
        There is no C{URLBase} anywhere (deprecated since UDA 1.1).
        """
        data = deviceDescription(lamp(), 1)
        self.assertNotIn(b"URLBase", data)
        self.assertIsNone(fromstring(data).find(f".//{D}URLBase"))

    def test_jambonElementsInUDAOrder(self) -> None:
        """
        The Jambon 3000's C{device} element has its elements in the order of
        the UDA schema, with their values; modelURL and UPC are left out.
        """
        device = parseDescription(jambon()).find(D + "device")
        assert device is not None
        self.assertEqual(
            children(device),
            [
                D + tag
                for tag in (
                    "deviceType friendlyName manufacturer manufacturerURL modelDescription modelName "
                    "modelNumber serialNumber UDN iconList serviceList presentationURL"
                ).split()
            ],
        )
        expected = {
            "deviceType": "urn:schemas-upnp-org:device:Basic:1",
            "friendlyName": "Jambon 3000",
            "manufacturer": "Boucherie numérique SAS",
            "manufacturerURL": "http://www.boucherie.example.com/",
            "modelDescription": "Jambon Appliance 3000",
            "modelName": "Jambon",
            "modelNumber": "3000",
            "serialNumber": "JBN425133",
            "UDN": "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363",
        }
        for tag, value in expected.items():
            self.assertEqual(text(device, D + tag), value, tag)

    def test_everyOptionalElementInUDAOrder(self) -> None:
        """
        With every optional field set, every element appears, in UDA order.
        """
        root = lamp()
        root = replace(root, modelURL="http://www.boucherie.example.com/jambon", UPC="012345678905", presentationURL="http://192.0.2.9/")
        device = parseDescription(root).find(D + "device")
        assert device is not None
        self.assertEqual(
            children(device),
            [
                D + tag
                for tag in (
                    "deviceType friendlyName manufacturer manufacturerURL modelDescription modelName "
                    "modelNumber modelURL serialNumber UDN UPC iconList serviceList deviceList presentationURL"
                ).split()
            ],
        )
        self.assertEqual(text(device, D + "modelURL"), "http://www.boucherie.example.com/jambon")
        self.assertEqual(text(device, D + "UPC"), "012345678905")

    def test_optionalElementsOmittedWhenNone(self) -> None:
        """
        A device with only the required fields has only the required
        elements (and the presentationURL of the host's own page): no empty
        lists.
        """
        minimal = Device("urn:schemas-upnp-org:device:Basic:1", "Box", "Acme", "B", JAMBON_UDN)
        device = parseDescription(minimal).find(D + "device")
        assert device is not None
        self.assertEqual(
            children(device),
            [D + tag for tag in "deviceType friendlyName manufacturer modelName UDN presentationURL".split()],
        )

    def test_manufacturerIsUTF8ByteExact(self) -> None:
        """
        Non-ASCII text is written as UTF-8 bytes, not as character
        references, and parses back identical.
        """
        data = deviceDescription(jambon(), 1)
        self.assertIn("<manufacturer>Boucherie numérique SAS</manufacturer>".encode("utf-8"), data)
        self.assertIn(b"Boucherie num\xc3\xa9rique SAS", data)
        self.assertNotIn(b"&#", data)
        self.assertEqual(text(fromstring(data), f"{D}device/{D}manufacturer"), "Boucherie numérique SAS")
        data.decode("utf-8")

    def test_textIsEscaped(self) -> None:
        """
        Markup characters in text are escaped and parse back unchanged.
        """
        name = 'Tom & Jerry <script>"\'</script>'
        data = deviceDescription(jambon(friendlyName=name, manufacturerURL="http://e.example/?a=1&b=2"), 1)
        self.assertIn(b"Tom &amp; Jerry &lt;script&gt;", data)
        self.assertNotIn(b"<script>", data)
        document = fromstring(data)
        self.assertEqual(text(document, f"{D}device/{D}friendlyName"), name)
        self.assertEqual(text(document, f"{D}device/{D}manufacturerURL"), "http://e.example/?a=1&b=2")

    def test_textOutsideXMLRefused(self) -> None:
        """
        A character XML cannot carry raises L{DeviceError} naming the
        element, rather than producing a document no parser accepts.
        """
        service = replace(jambonService(), stateVariables=(StateVariable("Weight", "string", defaultValue="a\ufffeb"),), actions=())
        error = self.assertRaises(DeviceError, serviceDescription, service, 1)
        self.assertIn("defaultValue", error.field)
        error = self.assertRaises(DeviceError, deviceDescription, jambon(friendlyName="bad \ufffe"), 1)
        self.assertIn("friendlyName", error.field)

    def test_iconList(self) -> None:
        """
        Each icon has mimetype, width, height, depth and url, in that
        order; the url is the layout's.
        """
        root = jambon()
        icons = parseDescription(root).findall(f"{D}device/{D}iconList/{D}icon")
        self.assertEqual(len(icons), 1)
        self.assertEqual(children(icons[0]), [D + tag for tag in "mimetype width height depth url".split()])
        self.assertEqual(
            [child.text for child in icons[0]],
            ["image/png", "48", "48", "24", layout.iconPath(root, root.icons[0])],
        )

    def test_serviceList(self) -> None:
        """
        Each service has serviceType, serviceId, SCPDURL, controlURL and
        eventSubURL, in that order, with the layout's paths.
        """
        root = jambon()
        service = root.services[0]
        services = parseDescription(root).findall(f"{D}device/{D}serviceList/{D}service")
        self.assertEqual(len(services), 1)
        self.assertEqual(
            children(services[0]),
            [D + tag for tag in "serviceType serviceId SCPDURL controlURL eventSubURL".split()],
        )
        self.assertEqual(
            [child.text for child in services[0]],
            [
                "urn:boucherie.example.com:service:Jambon:1",
                "urn:boucherie.example.com:serviceId:Jambon",
                layout.servicePath(root, service, layout.SCPD),
                layout.servicePath(root, service, layout.CONTROL),
                layout.servicePath(root, service, layout.SUBSCRIBE),
            ],
        )

    def test_presentationURLDefaultsToHostPage(self) -> None:
        """
        Without a presentationURL, the host's own presentation page is named.
        """
        root = jambon()
        self.assertEqual(text(parseDescription(root), f"{D}device/{D}presentationURL"), layout.presentationPath(root))

    def test_presentationURLFromDevice(self) -> None:
        """
        A device's own presentationURL is used as is.
        """
        root = jambon(presentationURL="http://192.0.2.7/setup?x=1&y=2")
        self.assertEqual(text(parseDescription(root), f"{D}device/{D}presentationURL"), "http://192.0.2.7/setup?x=1&y=2")

    def test_embeddedDevicesRecursively(self) -> None:
        """
        Embedded devices are described in C{deviceList}, recursively, by the
        same rules, with their own URLs.
        """
        root = lamp()
        document = parseDescription(root)
        light = document.find(f"{D}device/{D}deviceList/{D}device")
        assert light is not None
        self.assertEqual(text(light, D + "UDN"), LAMP_UDN)
        self.assertEqual(
            children(light),
            [D + tag for tag in "deviceType friendlyName manufacturer modelName UDN serviceList deviceList presentationURL".split()],
        )
        lightDevice = root.devices[0]
        self.assertEqual(
            text(light, f"{D}serviceList/{D}service/{D}SCPDURL"),
            layout.servicePath(lightDevice, lightDevice.services[0], layout.SCPD),
        )
        self.assertEqual(text(light, D + "presentationURL"), layout.presentationPath(lightDevice))
        bulb = light.find(f"{D}deviceList/{D}device")
        assert bulb is not None
        bulbDevice = lightDevice.devices[0]
        self.assertEqual(text(bulb, D + "UDN"), BULB_UDN)
        self.assertEqual(text(bulb, f"{D}iconList/{D}icon/{D}url"), layout.iconPath(bulbDevice, bulbDevice.icons[0]))
        self.assertIsNone(bulb.find(D + "deviceList"))
        self.assertEqual(
            [udn.text for udn in document.iter(D + "UDN")],
            [device.UDN for device in root.allDevices()],
        )

    def test_relativeURLsResolveAgainstDescriptionURL(self) -> None:
        """
        Every URL of the description resolves, against the description's
        own URL, to the layout's path on the same host and port.
        """
        root = lamp()
        location = "http://192.0.2.1:49152" + layout.descriptionPath(root)
        document = parseDescription(root)
        expected: list[str] = []
        for device in root.allDevices():
            expected.extend(layout.iconPath(device, icon) for icon in device.icons)
            for service in device.services:
                expected.extend(layout.servicePath(device, service, leaf) for leaf in (layout.SCPD, layout.CONTROL, layout.SUBSCRIBE))
            expected.append(layout.presentationPath(device))
        found = [
            urljoin(location, element.text or "")
            for element in document.iter()
            if element.tag in {D + "url", D + "SCPDURL", D + "controlURL", D + "eventSubURL", D + "presentationURL"}
        ]
        self.assertEqual(sorted(found), sorted("http://192.0.2.1:49152" + path for path in expected))

    @settings(max_examples=200, deadline=None)
    @given(st.text(min_size=1, max_size=64))
    def test_anyAcceptedFriendlyNameRoundTrips(self, name: str) -> None:
        """
        Any friendly name the model accepts either parses back exactly or,
        if it holds a character XML cannot carry, raises L{DeviceError}.
        """
        try:
            root = jambon(friendlyName=name)
        except DeviceError:
            return
        try:
            data = deviceDescription(root, 3)
        except DeviceError:
            self.assertTrue(any(c in name for c in "\ufffe\uffff") or any(0xD800 <= ord(c) <= 0xDFFF for c in name))
            return
        self.assertEqual(text(fromstring(data), f"{D}device/{D}friendlyName"), name)


class ServiceDescriptionTests(SynchronousTestCase):
    """
    Tests for L{serviceDescription}.
    """

    def test_scpdElementHasNamespaceAndConfigId(self) -> None:
        """
        The document element is C{scpd} in the service namespace with the
        configId, after an XML declaration.
        """
        data = serviceDescription(jambonService(), 99)
        self.assertTrue(data.startswith(b'<?xml version="1.0" encoding="utf-8"?>'))
        self.assertIn(b'<scpd xmlns="urn:schemas-upnp-org:service-1-0" configId="99">', data)
        document = fromstring(data)
        self.assertEqual(document.tag, S + "scpd")
        self.assertEqual(document.attrib, {"configId": "99"})
        self.assertEqual(children(document), [S + "specVersion", S + "actionList", S + "serviceStateTable"])
        self.assertEqual(text(document, f"{S}specVersion/{S}major"), "1")
        self.assertEqual(text(document, f"{S}specVersion/{S}minor"), "1")

    def test_actionsAndArguments(self) -> None:
        """
        Actions keep their order; arguments have name, direction and
        relatedStateVariable in that order; an action without arguments has
        no argumentList.
        """
        actions = parseSCPD(jambonService()).findall(f"{S}actionList/{S}action")
        self.assertEqual([text(action, S + "name") for action in actions], ["SetThickness", "Slice"])
        self.assertEqual(children(actions[0]), [S + "name", S + "argumentList"])
        arguments = actions[0].findall(f"{S}argumentList/{S}argument")
        self.assertEqual(
            [[(child.tag, child.text) for child in argument] for argument in arguments],
            [
                [(S + "name", "NewThickness"), (S + "direction", "in"), (S + "relatedStateVariable", "Thickness")],
                [(S + "name", "Result"), (S + "direction", "out"), (S + "relatedStateVariable", "Status")],
            ],
        )
        self.assertEqual(children(actions[1]), [S + "name"])

    def test_stateVariables(self) -> None:
        """
        State variables carry sendEvents (and multicast only when set),
        name, dataType, defaultValue, then allowed values or range, in that
        order, escaped.
        """
        variables = parseSCPD(jambonService()).findall(f"{S}serviceStateTable/{S}stateVariable")
        self.assertEqual([variable.attrib for variable in variables], [
            {"sendEvents": "yes"},
            {"sendEvents": "yes", "multicast": "yes"},
            {"sendEvents": "no"},
        ])
        thickness, status, weight = variables
        self.assertEqual(children(thickness), [S + "name", S + "dataType", S + "defaultValue", S + "allowedValueRange"])
        self.assertEqual(
            [(child.tag, child.text) for child in thickness[3]],
            [(S + "minimum", "1"), (S + "maximum", "20"), (S + "step", "1")],
        )
        self.assertEqual(text(thickness, S + "defaultValue"), "3")
        self.assertEqual(children(status), [S + "name", S + "dataType", S + "allowedValueList"])
        self.assertEqual(
            [value.text for value in status.findall(f"{S}allowedValueList/{S}allowedValue")],
            ["Idle", "Slicing & packing", "<jammed>"],
        )
        self.assertEqual(text(weight, S + "dataType"), "r4")
        self.assertEqual(children(weight), [S + "name", S + "dataType", S + "allowedValueRange"])
        self.assertEqual(children(weight[2]), [S + "minimum", S + "maximum"])

    def test_noActionsMeansNoActionList(self) -> None:
        """
        A service without actions has no actionList (UDA: required if and
        only if there are actions).
        """
        document = parseSCPD(Service("urn:x-example:service:Clock:1", "urn:x-example:serviceId:Clock", stateVariables=(StateVariable("Time", "time"),)))
        self.assertEqual(children(document), [S + "specVersion", S + "serviceStateTable"])

    def test_emptyServiceStateTableIsKept(self) -> None:
        """
        A service without variables still has a (empty) serviceStateTable.
        """
        document = parseSCPD(Service("urn:x-example:service:Nothing:1", "urn:x-example:serviceId:Nothing"))
        self.assertEqual(children(document), [S + "specVersion", S + "serviceStateTable"])
        self.assertEqual(len(document[1]), 0)

    def test_defaultValueKeptExactly(self) -> None:
        """
        A default value with surrounding spaces, line breaks and a carriage
        return parses back byte for byte.
        """
        value = "  two\r\nlines & <more>  "
        service = Service(
            "urn:x-example:service:Note:1",
            "urn:x-example:serviceId:Note",
            stateVariables=(StateVariable("Note", "string", defaultValue=value),),
        )
        self.assertEqual(text(parseSCPD(service), f"{S}serviceStateTable/{S}stateVariable/{S}defaultValue"), value)


class ConfigIdTests(SynchronousTestCase):
    """
    Tests for L{computeConfigId}.
    """

    def test_inRange(self) -> None:
        """
        The configId is an integer from 0 to 16777215.
        """
        for root in (jambon(), lamp()):
            configId = computeConfigId(root)
            self.assertIsInstance(configId, int)
            self.assertTrue(0 <= configId <= MAX_CONFIG_ID)

    def test_stableForEqualDevices(self) -> None:
        """
        Two equal device trees, built separately, get the same configId.
        """
        self.assertEqual(computeConfigId(lamp()), computeConfigId(lamp()))

    def test_stableAcrossRestarts(self) -> None:
        """
        A fresh interpreter with another hash seed computes the same
        configId: it does not depend on C{hash()} or on object identity.
        """
        script = (
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from tests.test_description import lamp;"
            "from coherence_lite.model.description import computeConfigId;"
            "print(computeConfigId(lamp()))"
        )
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        values = set()
        for seed in ("1", "2"):
            environment = dict(os.environ, PYTHONHASHSEED=seed)
            output = subprocess.run(
                [sys.executable, "-c", script, here], env=environment, capture_output=True, check=True
            ).stdout
            values.add(int(output))
        self.assertEqual(values, {computeConfigId(lamp())})

    def test_changesWithDescription(self) -> None:
        """
        Changing any element of the description changes the configId.
        """
        original = computeConfigId(jambon())
        icon = Icon("image/png", 32, 32, 24, png(32, 32), name="jambon-48.png")
        for changed in (
            jambon(friendlyName="Jambon 3001"),
            jambon(serialNumber="JBN425134"),
            jambon(presentationURL="http://192.0.2.7/"),
            jambon(icons=(icon,)),
            jambon(services=()),
            lamp(),
        ):
            self.assertNotEqual(computeConfigId(changed), original, changed)

    def test_changesWithAnySCPD(self) -> None:
        """
        Changing a service description only (the device description is the
        same) changes the configId, for embedded devices' services too.
        """
        service = jambonService()
        changed = replace(service, actions=service.actions[:1])
        self.assertEqual(deviceDescription(jambon(services=(changed,)), 1), deviceDescription(jambon(), 1))
        self.assertNotEqual(computeConfigId(jambon(services=(changed,))), computeConfigId(jambon()))

        root = lamp()
        light = root.devices[0]
        bulb = light.devices[0]
        dimming = replace(bulb.services[0], stateVariables=(StateVariable("LoadLevelTarget", "ui1", defaultValue="50"),))
        newRoot = replace(root, devices=(replace(light, devices=(replace(bulb, services=(dimming,)),)),))
        self.assertEqual(deviceDescription(newRoot, 1), deviceDescription(root, 1))
        self.assertNotEqual(computeConfigId(newRoot), computeConfigId(root))

    def test_changesWithSpecVersion(self) -> None:
        """
        Declaring UDA 1.2 instead of 1.1 changes the documents, hence the
        configId.
        """
        self.assertNotEqual(computeConfigId(jambon(), specMinor=2), computeConfigId(jambon()))


class BuildDocumentsTests(SynchronousTestCase):
    """
    Tests for L{buildDocuments} and L{Documents}.
    """

    def test_documentsAgreeWithRenderers(self) -> None:
        """
        The built documents are the ones the renderers produce with the
        computed configId.
        """
        root = lamp()
        documents = buildDocuments(root)
        self.assertIsInstance(documents, Documents)
        self.assertIs(documents.root, root)
        self.assertEqual(documents.configId, computeConfigId(root))
        self.assertEqual(documents.specVersion, (1, 1))
        self.assertEqual(documents.description, deviceDescription(root, documents.configId))
        expected = {
            (device.UDN, service.shortId): serviceDescription(service, documents.configId)
            for device in root.allDevices()
            for service in device.services
        }
        self.assertEqual(dict(documents.scpds), expected)
        self.assertEqual(
            sorted(documents.scpds),
            sorted([(JAMBON_UDN, "Jambon"), (LAMP_UDN, "SwitchPower"), (BULB_UDN, "Dimming")]),
        )

    def test_everyDocumentCarriesTheConfigId(self) -> None:
        """
        The description and every SCPD carry the same configId attribute.
        """
        documents = buildDocuments(lamp())
        for data in [documents.description, *documents.scpds.values()]:
            self.assertEqual(fromstring(data).attrib["configId"], str(documents.configId))

    def test_scpdsAreReadOnly(self) -> None:
        """
        The SCPD mapping cannot be changed after the fact.
        """
        documents = buildDocuments(jambon())
        with self.assertRaises(TypeError):
            documents.scpds[(JAMBON_UDN, "Other")] = b""  # type: ignore[index]

    def test_specMinorTwo(self) -> None:
        """
        C{specMinor=2} renders UDA 1.2 documents and says so.
        """
        documents = buildDocuments(jambon(), specMinor=2)
        self.assertEqual(documents.specVersion, (1, 2))
        self.assertEqual(text(fromstring(documents.description), f"{D}specVersion/{D}minor"), "2")
        for data in documents.scpds.values():
            self.assertEqual(text(fromstring(data), f"{S}specVersion/{S}minor"), "2")
