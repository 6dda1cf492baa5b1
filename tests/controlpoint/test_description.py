"""
Tests for L{coherence_lite.controlpoint.description}: reading description
documents, our own, real devices' and hostile ones.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings, strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.description import MAX_DEPTH, MAX_DESCRIPTION_SIZE, DescriptionError, parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.model.device import REMOTE
from coherence_lite.model.defaults import defaultIcons
from coherence_lite.model.description import computeConfigId, deviceDescription

from tests.support.controlpoint import (
    BILLION_LAUGHS,
    DEVICE_HOST,
    EXTERNAL_DTD,
    EXTERNAL_ENTITY,
    LIGHT_UDN,
    LIGHT_UUID,
    NO_NAMESPACE,
    ROUTER,
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
        """
        Our own description reads back with the root device's fields, USN, LOCATION,
        specVersion and configId.
        """
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
        """
        Service, icon and presentation URLs become absolute on the description's host.
        """
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

    def test_jambonWithoutEmbeddedDevices(self) -> None:
        """
        The Jambon 3000's description reads back with its non-ASCII text, serial number,
        model URL and configId.
        """
        device = jambon()
        root = parseDescription(deviceDescription(device, 7), "http://10.1.1.1:80/d.xml")
        assert isinstance(root, RemoteRootDevice)
        self.assertEqual(root.manufacturer, "Boucherie numérique SAS")
        self.assertEqual(root.serialNumber, "JBN425133")
        self.assertEqual(root.modelURL, "http://www.boucherie.example.com/en/products/jambon-3000/")
        self.assertEqual(root.devices, ())
        self.assertEqual(root.configId, 7)

class ParseRealWorldTests(SynchronousTestCase):
    """
    Descriptions shaped like other devices' are read leniently.
    """

    def test_urlBaseIsHonouredAsADirectory(self) -> None:
        """
        A URLBase is kept and relative URLs resolve against it as a directory.
        """
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice), root
        self.assertEqual(root.urlBase, "http://10.0.0.1:5000")
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
        """
        Icons keep their URL when their sizes are unusable, and icons without a URL are
        left out.
        """
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice)
        self.assertEqual(
            [(icon.width, icon.height, icon.url) for icon in root.icons],
            [(32, 32, "http://10.0.0.1:5000/icon.png"), (None, None, "http://10.0.0.1:5000/abs.png")],
        )

    def test_nestedEmbeddedDevicesAndUnusableURLs(self) -> None:
        """
        Devices nested two deep are read, and unusable URLs (empty, javascript:) become
        None.
        """
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
        """
        An embedded device without UDN is left out, its siblings kept.
        """
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice)
        self.assertEqual([d.friendlyName for d in root.devices], ["WAN"])

    def test_documentWithoutNamespace(self) -> None:
        """
        A document without the device namespace is read, other namespaces' elements
        skipped and text stripped.
        """
        root = parseDescription(NO_NAMESPACE, "http://10.0.0.9:5000/dir/desc.xml")
        assert isinstance(root, RemoteRootDevice), root
        self.assertEqual(root.friendlyName, "NAS")
        self.assertEqual(root.manufacturer, "Synology")
        [service] = root.services
        self.assertEqual(service.SCPDURL, "http://10.0.0.9:5000/dir/cds.xml")
        self.assertEqual(service.controlURL, "http://10.0.0.9:5000/dir/cds/control")

    def test_byteOrderMarkAndLeadingBlanks(self) -> None:
        """
        A byte order mark and blank lines before the document do not stop it being read.
        """
        document = b"\xef\xbb\xbf\r\n  " + deviceDescription(jambon(), 1)
        self.assertIsInstance(parseDescription(document, "http://10.1.1.1/d.xml"), RemoteRootDevice)

    def test_otherEncodingIsDecoded(self) -> None:
        """
        A document in another declared encoding is decoded.
        """
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
        """
        Check that C{document} gives a L{DescriptionError} whose reason holds
        C{words}.
        """
        result = parseDescription(document, URL)
        self.assertIsInstance(result, DescriptionError)
        assert isinstance(result, DescriptionError)
        for word in words:
            self.assertIn(word, result.reason)

    def test_billionLaughs(self) -> None:
        """
        Entity declarations (billion laughs) are refused.
        """
        self.assertRefused(BILLION_LAUGHS, "refused")

    def test_externalEntity(self) -> None:
        """
        External entities are refused, never fetched.
        """
        self.assertRefused(EXTERNAL_ENTITY, "refused")

    def test_externalDTD(self) -> None:
        """
        External DTDs are refused, never fetched.
        """
        self.assertRefused(EXTERNAL_DTD, "refused")

    def test_tenMegabytesAreRefusedBeforeParsing(self) -> None:
        """
        A document over the size limit is refused before parsing, saying its size and
        the limit.
        """
        self.assertRefused(b"<root>" + b" " * (10 * 1024 * 1024) + b"</root>", "larger than", str(MAX_DESCRIPTION_SIZE))

    def test_garbage(self) -> None:
        """
        Empty, NUL, binary and truncated documents give a L{DescriptionError}.
        """
        for document in (b"", b"\x00" * 50, b"\xff\xfe\x00<", b"HTTP/1.1 200 OK", b"<root><device>", b"<<<>>>"):
            self.assertIsInstance(parseDescription(document, URL), DescriptionError)

    def test_notARootDocument(self) -> None:
        """
        A document element other than C{root} is refused, naming it.
        """
        self.assertRefused(b"<scpd><device><UDN>uuid:x</UDN></device></scpd>", "<scpd>")

    def test_noDevice(self) -> None:
        """
        A C{root} without C{device} is refused.
        """
        self.assertRefused(b"<root xmlns='urn:schemas-upnp-org:device-1-0'/>", "no <device>")

    def test_rootDeviceWithoutUDN(self) -> None:
        """
        A root device without a usable UDN is refused.
        """
        self.assertRefused(b"<root><device><friendlyName>x</friendlyName></device></root>", "UDN")
        self.assertRefused(b"<root><device><UDN>uuid:with space</UDN></device></root>", "UDN")

    def test_devicesNestedTooDeep(self) -> None:
        """
        Embedded devices nested deeper than L{MAX_DEPTH} are refused, however deep.
        """
        self.assertIsInstance(parseDescription(nested(MAX_DEPTH), URL), RemoteRootDevice)
        self.assertRefused(nested(MAX_DEPTH + 1), "deeper")
        self.assertRefused(nested(3000), "deeper")

    def test_tooManyDevices(self) -> None:
        """
        More devices than allowed are refused.
        """
        devices = b"".join(b"<device><UDN>uuid:d%d</UDN></device>" % n for n in range(100))
        self.assertRefused(b"<root><device><UDN>uuid:top</UDN><deviceList>%s</deviceList></device></root>" % devices, "more than")

    def test_repeatedUDN(self) -> None:
        """
        A UDN appearing twice, in any case, is refused.
        """
        self.assertRefused(
            b"<root><device><UDN>uuid:a</UDN><deviceList><device><UDN>UUID:A</UDN></device></deviceList></device></root>",
            "twice",
        )

    def test_deeplyNestedUnknownElementsAreHarmless(self) -> None:
        """
        Unknown elements nested 20000 deep are skipped without recursion.
        """
        junk = b"<x>" * 20000 + b"</x>" * 20000
        root = parseDescription(b"<root><device><UDN>uuid:a</UDN>%s</device></root>" % junk, URL)
        self.assertIsInstance(root, RemoteRootDevice)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=2048))
    def test_anyBytesGiveAValue(self, data: bytes) -> None:
        """
        Any bytes give a device or a L{DescriptionError}, never an exception.
        """
        result = parseDescription(data, URL)
        self.assertIsInstance(result, (RemoteRootDevice, DescriptionError))

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_damagedDescriptionsGiveAValue(self, data: st.DataObject) -> None:
        """
        Real descriptions with random damage give a device or a L{DescriptionError},
        never an exception.
        """
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
        """
        Any legal text in a name is kept as data, and a kept URL is always HTTP.
        """
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

