# -*- test-case-name: tests.model.test_description -*-
"""
Tests for L{coherence_lite.model.description}: the device description
document, parsed back with defusedxml.  (SCPDs, the configId and the
rendered set are in L{tests.model.test_documents}.)
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin

from defusedxml.ElementTree import fromstring
from hypothesis import given, settings, strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model import layout
from coherence_lite.model.description import (
    MAX_CONFIG_ID,
    SPEC_VERSION,
    deviceDescription,
    serviceDescription,
)
from coherence_lite.model.device import Device, DeviceError, StateVariable

from tests.support.description import BULB_UDN, LAMP_UDN, D, children, jambon, jambonService, lamp, parseDescription, text
from tests.support import JAMBON_UDN


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
