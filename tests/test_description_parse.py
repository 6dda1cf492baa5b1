"""
Tests for L{coherence_lite.controlpoint.parse}: reading description
documents, our own, real devices' and hostile ones.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings, strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.parse import MAX_DEPTH, MAX_DESCRIPTION_SIZE, DescriptionError, parseDescription
from coherence_lite.controlpoint.remote import LOCAL, REMOTE, RemoteRootDevice
from coherence_lite.model.defaults import defaultIcons
from coherence_lite.model.description import computeConfigId, deviceDescription

from tests.controlpoint_support import (
    BILLION_LAUGHS,
    DEVICE_HOST,
    DIMMER_UDN,
    EXTERNAL_DTD,
    EXTERNAL_ENTITY,
    LIGHT_UDN,
    LIGHT_UUID,
    NO_NAMESPACE,
    ROUTER,
    SERVER,
    URL,
    lightDescription,
    nested,
)
from tests.support import binaryLight, jambon


class ParseOwnDescriptionTests(SynchronousTestCase):
    """
    Our own description documents read back into the same tree.
    """

    def setUp(self) -> None:
        self.root = parseDescription(lightDescription(), URL)
        assert isinstance(self.root, RemoteRootDevice), self.root

    def test_rootFields(self) -> None:
        root = self.root
        self.assertEqual(root.deviceType, "urn:schemas-upnp-org:device:BinaryLight:1")
        self.assertEqual(root.friendlyName, "Lamp")
        self.assertEqual(root.manufacturer, "coherence-lite tests")
        self.assertEqual(root.UDN, LIGHT_UDN)
        self.assertEqual(root.usn, f"{LIGHT_UDN}::upnp:rootdevice")
        self.assertEqual(root.location, URL)
        self.assertEqual(root.specVersion, (1, 1))
        self.assertEqual(root.configId, computeConfigId(replace(binaryLight(), icons=defaultIcons())))
        self.assertIsNone(root.urlBase)
        self.assertEqual(root.manifestation, REMOTE)

    def test_urlsAreAbsoluteOnTheDescriptionsHost(self) -> None:
        [service] = self.root.services
        base = f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/SwitchPower/"
        self.assertEqual(
            (service.SCPDURL, service.controlURL, service.eventSubURL),
            (base + "scpd.xml", base + "control", base + "subscribe"),
        )
        self.assertEqual(
            [(icon.width, icon.url) for icon in self.root.icons],
            [
                (48, f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/icons/icon-48.png"),
                (120, f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/icons/icon-120.png"),
            ],
        )
        self.assertEqual(self.root.presentationURL, f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/")

    def test_embeddedDeviceKnowsItsParentAndRoot(self) -> None:
        [dimmer] = self.root.devices
        self.assertEqual(dimmer.UDN, DIMMER_UDN)
        self.assertIs(dimmer.parent, self.root)
        self.assertIs(dimmer.root, self.root)
        self.assertIs(dimmer.services[0].device, dimmer)
        self.assertEqual([d.UDN for d in self.root.allDevices()], [LIGHT_UDN, DIMMER_UDN])

    def test_coherenceAccessors(self) -> None:
        root = self.root
        [dimmer] = root.get_devices()
        self.assertEqual(root.get_friendly_name(), "Lamp")
        self.assertEqual(root.friendly_name, "Lamp")
        self.assertEqual(root.get_device_type(), "urn:schemas-upnp-org:device:BinaryLight:1")
        self.assertEqual(root.get_friendly_device_type(), "BinaryLight")
        self.assertEqual(root.get_device_type_version(), 1)
        self.assertEqual(root.get_markup_name(), "BinaryLight:1 Lamp")
        self.assertEqual(root.get_id(), LIGHT_UDN)
        self.assertEqual(root.get_uuid(), LIGHT_UUID)
        self.assertEqual(root.get_usn(), f"{LIGHT_UDN}::upnp:rootdevice")
        self.assertEqual(root.get_st(), "upnp:rootdevice")
        self.assertEqual(root.get_location(), URL)
        self.assertEqual(root.get_upnp_version(), "1.1")
        self.assertFalse(root.is_local())
        self.assertTrue(root.is_remote())
        self.assertEqual(root.get_parent_id(), "")
        self.assertEqual(dimmer.get_parent_id(), LIGHT_UDN)
        # Coherence gives embedded devices their root's location and USN.
        self.assertEqual(dimmer.get_location(), URL)
        self.assertEqual(dimmer.get_usn(), root.usn)
        service = root.get_service_by_type("SwitchPower")
        assert service is not None
        self.assertEqual(service.get_type(), "urn:schemas-upnp-org:service:SwitchPower:1")
        self.assertEqual(service.get_id(), "urn:upnp-org:serviceId:SwitchPower")
        self.assertIs(service.get_device(), root)
        self.assertTrue(service.get_control_url().endswith("/SwitchPower/control"))
        self.assertIs(root.get_service_by_type(["Nope", "SwitchPower"]), service)
        self.assertIsNone(root.get_service_by_type("ContentDirectory"))
        self.assertEqual(root.make_fullyqualified("x/y"), f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/x/y")

    def test_replaceRelinksTheTreeToTheCopy(self) -> None:
        copy = replace(self.root, server=SERVER, manifestation=LOCAL)
        self.assertIs(copy.devices[0].parent, copy)
        self.assertIs(copy.services[0].device, copy)
        self.assertTrue(copy.devices[0].is_local())
        self.assertEqual(copy.devices[0].get_location(), URL)

    def test_jambonWithoutEmbeddedDevices(self) -> None:
        device = jambon()
        root = parseDescription(deviceDescription(device, 7), "http://10.1.1.1:80/d.xml")
        assert isinstance(root, RemoteRootDevice)
        self.assertEqual(root.manufacturer, "Boucherie numérique SAS")
        self.assertEqual(root.serialNumber, "JBN425133")
        self.assertEqual(root.modelURL, "http://www.boucherie.example.com/en/products/jambon-3000/")
        self.assertEqual(root.devices, ())
        self.assertEqual(root.configId, 7)

    def test_asDictIsPlainData(self) -> None:
        data = self.root.asDict()
        self.assertEqual(data["friendlyName"], "Lamp")
        self.assertEqual(data["specVersion"], "1.1")
        self.assertEqual(data["devices"][0]["UDN"], DIMMER_UDN)
        self.assertEqual(data["services"][0]["serviceId"], "urn:upnp-org:serviceId:SwitchPower")


class ParseRealWorldTests(SynchronousTestCase):
    """
    Descriptions shaped like other devices' are read leniently.
    """

    def test_urlBaseIsHonouredAsADirectory(self) -> None:
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice), root
        self.assertEqual(root.urlBase, "http://10.0.0.1:5000")
        self.assertEqual(root.get_urlbase(), "http://10.0.0.1:5000")
        [service] = root.services
        self.assertEqual(service.SCPDURL, "http://10.0.0.1:5000/l3f.xml")
        self.assertEqual(service.controlURL, "http://10.0.0.1:5000/ctl/L3F")
        self.assertIsNone(service.eventSubURL)
        self.assertEqual(root.presentationURL, "http://10.0.0.1:5000/")
        self.assertEqual(root.specVersion, (1, 0))
        self.assertIsNone(root.configId)

        withPath = parseDescription(
            ROUTER.replace(b"http://10.0.0.1:5000</URLBase>", b"http://10.0.0.1:5000/upnp</URLBase>"),
            "http://10.0.0.1:80/rootDesc.xml",
        )
        assert isinstance(withPath, RemoteRootDevice)
        self.assertEqual(withPath.services[0].SCPDURL, "http://10.0.0.1:5000/upnp/l3f.xml")

    def test_iconsWithUnusableValues(self) -> None:
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice)
        self.assertEqual(
            [(icon.width, icon.height, icon.url) for icon in root.icons],
            [(32, 32, "http://10.0.0.1:5000/icon.png"), (None, None, "http://10.0.0.1:5000/abs.png")],
        )

    def test_nestedEmbeddedDevicesAndUnusableURLs(self) -> None:
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice)
        [wan] = root.devices
        [connection] = wan.devices
        self.assertEqual(connection.friendlyName, "WAN connection")
        self.assertIs(connection.root, root)
        [service] = connection.services
        self.assertEqual(service.SCPDURL, "http://10.0.0.1:5000/wanip.xml")
        self.assertIsNone(service.controlURL)
        self.assertEqual(service.eventSubURL, "http://10.0.0.1:5000/evt/IPConn")

    def test_embeddedDeviceWithoutUDNIsLeftOut(self) -> None:
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice)
        self.assertEqual([d.friendlyName for d in root.devices], ["WAN"])

    def test_documentWithoutNamespace(self) -> None:
        root = parseDescription(NO_NAMESPACE, "http://10.0.0.9:5000/dir/desc.xml")
        assert isinstance(root, RemoteRootDevice), root
        self.assertEqual(root.friendlyName, "NAS")
        self.assertEqual(root.manufacturer, "Synology")
        [service] = root.services
        self.assertEqual(service.SCPDURL, "http://10.0.0.9:5000/dir/cds.xml")
        self.assertEqual(service.controlURL, "http://10.0.0.9:5000/dir/cds/control")

    def test_byteOrderMarkAndLeadingBlanks(self) -> None:
        document = b"\xef\xbb\xbf\r\n  " + deviceDescription(jambon(), 1)
        self.assertIsInstance(parseDescription(document, "http://10.1.1.1/d.xml"), RemoteRootDevice)

    def test_otherEncodingIsDecoded(self) -> None:
        document = deviceDescription(jambon(), 1).decode("utf-8")
        document = document.replace('encoding="utf-8"', 'encoding="iso-8859-1"').encode("iso-8859-1")
        root = parseDescription(document, "http://10.1.1.1/d.xml")
        assert isinstance(root, RemoteRootDevice)
        self.assertEqual(root.manufacturer, "Boucherie numérique SAS")


class ParseHostileTests(SynchronousTestCase):
    """
    Hostile or broken documents give a L{DescriptionError}, never an
    exception, and nothing from outside the document is read.
    """

    def assertRefused(self, document: bytes, *words: str) -> None:
        result = parseDescription(document, URL)
        self.assertIsInstance(result, DescriptionError)
        assert isinstance(result, DescriptionError)
        for word in words:
            self.assertIn(word, result.reason)

    def test_billionLaughs(self) -> None:
        self.assertRefused(BILLION_LAUGHS, "refused")

    def test_externalEntity(self) -> None:
        self.assertRefused(EXTERNAL_ENTITY, "refused")

    def test_externalDTD(self) -> None:
        self.assertRefused(EXTERNAL_DTD, "refused")

    def test_tenMegabytesAreRefusedBeforeParsing(self) -> None:
        self.assertRefused(b"<root>" + b" " * (10 * 1024 * 1024) + b"</root>", "larger than", str(MAX_DESCRIPTION_SIZE))

    def test_garbage(self) -> None:
        for document in (b"", b"\x00" * 50, b"\xff\xfe\x00<", b"HTTP/1.1 200 OK", b"<root><device>", b"<<<>>>"):
            self.assertIsInstance(parseDescription(document, URL), DescriptionError)

    def test_notARootDocument(self) -> None:
        self.assertRefused(b"<scpd><device><UDN>uuid:x</UDN></device></scpd>", "<scpd>")

    def test_noDevice(self) -> None:
        self.assertRefused(b"<root xmlns='urn:schemas-upnp-org:device-1-0'/>", "no <device>")

    def test_rootDeviceWithoutUDN(self) -> None:
        self.assertRefused(b"<root><device><friendlyName>x</friendlyName></device></root>", "UDN")
        self.assertRefused(b"<root><device><UDN>uuid:with space</UDN></device></root>", "UDN")

    def test_devicesNestedTooDeep(self) -> None:
        self.assertIsInstance(parseDescription(nested(MAX_DEPTH), URL), RemoteRootDevice)
        self.assertRefused(nested(MAX_DEPTH + 1), "deeper")
        self.assertRefused(nested(3000), "deeper")

    def test_tooManyDevices(self) -> None:
        devices = b"".join(b"<device><UDN>uuid:d%d</UDN></device>" % n for n in range(100))
        self.assertRefused(b"<root><device><UDN>uuid:top</UDN><deviceList>%s</deviceList></device></root>" % devices, "more than")

    def test_repeatedUDN(self) -> None:
        self.assertRefused(
            b"<root><device><UDN>uuid:a</UDN><deviceList><device><UDN>UUID:A</UDN></device></deviceList></device></root>",
            "twice",
        )

    def test_deeplyNestedUnknownElementsAreHarmless(self) -> None:
        junk = b"<x>" * 20000 + b"</x>" * 20000
        root = parseDescription(b"<root><device><UDN>uuid:a</UDN>%s</device></root>" % junk, URL)
        self.assertIsInstance(root, RemoteRootDevice)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=2048))
    def test_anyBytesGiveAValue(self, data: bytes) -> None:
        result = parseDescription(data, URL)
        self.assertIsInstance(result, (RemoteRootDevice, DescriptionError))

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_damagedDescriptionsGiveAValue(self, data: st.DataObject) -> None:
        document = bytearray(data.draw(st.sampled_from([ROUTER, NO_NAMESPACE, lightDescription()])))
        for _ in range(data.draw(st.integers(1, 5))):
            position = data.draw(st.integers(0, len(document)))
            action = data.draw(st.sampled_from(["insert", "delete", "truncate"]))
            if action == "insert":
                document[position:position] = data.draw(
                    st.sampled_from([b"<", b">", b"&", b"&lol;", b"<device>", b"</device>", b"\x00", b"\xc3", b"<![CDATA[", b"<!DOCTYPE x>", b"\x9b2J"])
                )
            elif action == "delete":
                del document[position : position + data.draw(st.integers(1, 20))]
            else:
                del document[position:]
        result = parseDescription(bytes(document), URL)
        self.assertIsInstance(result, (RemoteRootDevice, DescriptionError))

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=200), st.text(max_size=200))
    def test_anyTextIsKeptAsData(self, name: str, url: str) -> None:
        from xml.sax.saxutils import escape

        legal = "".join(c for c in name if c in "\t\n\r" or 0x20 <= ord(c) < 0xD800 or 0xE000 <= ord(c) < 0xFFFE)
        legalURL = "".join(c for c in url if 0x20 <= ord(c) < 0xD800 or 0xE000 <= ord(c) < 0xFFFE)
        document = (
            "<root><device><UDN>uuid:a</UDN><friendlyName>%s</friendlyName>"
            "<presentationURL>%s</presentationURL></device></root>" % (escape(legal), escape(legalURL))
        ).encode("utf-8")
        result = parseDescription(document, URL)
        assert isinstance(result, RemoteRootDevice), result
        self.assertEqual(result.friendlyName, legal.replace("\r\n", "\n").replace("\r", "\n").strip())
        if result.presentationURL is not None:
            self.assertTrue(result.presentationURL.startswith(("http://", "https://")))

