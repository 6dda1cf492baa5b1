"""
Tests for L{coherence_lite.controlpoint}: reading descriptions (real and
hostile), fetching them over HTTP, the device tracker on a L{Clock}, the
searcher and the control point with fake sockets, and one real search on
loopback.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from typing import Any

import louie
from hypothesis import HealthCheck, given, settings, strategies as st
from twisted.internet import defer, reactor
from twisted.internet.defer import Deferred
from twisted.internet.error import CannotListenError
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent, HTTPConnectionPool
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Site

from coherence_lite import signals
from coherence_lite.controlpoint import (
    LOCAL,
    REMOTE,
    ControlPoint,
    DescriptionError,
    DeviceObserver,
    DeviceTracker,
    FetchError,
    HTTPFetcher,
    RemoteRootDevice,
    RetryingFetcher,
    Searcher,
    parseDescription,
)
from coherence_lite.controlpoint.fetch import checkURL
from coherence_lite.controlpoint.parse import MAX_DESCRIPTION_SIZE, MAX_DEPTH
from coherence_lite.controlpoint.search import SEARCH_SPACING
from coherence_lite.model.defaults import defaultIcons
from coherence_lite.model.description import computeConfigId, deviceDescription
from coherence_lite.net.interfaces import NetworkInterface
from coherence_lite.errors import StartupError
from coherence_lite.signals import SignalSender
from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.message import (
    MSearch,
    Notify,
    SearchResponse,
    formatNotifyAlive,
    formatNotifyByebye,
    formatSearchResponse,
    parse,
)
from coherence_lite.ssdp.registry import Entry, EntryRegistry

from tests.support import binaryLight, freeUDPPort, jambon, link, startLoopbackService

LINK = link("192.168.1.10/24")
DEVICE_HOST = "192.168.1.20"
SOURCE = (DEVICE_HOST, 1900)
LIGHT_UUID = "11111111-2222-3333-4444-555555555555"
LIGHT_UDN = f"uuid:{LIGHT_UUID}"
DIMMER_UDN = "uuid:66666666-7777-8888-9999-000000000000"
URL = f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/description.xml"
SERVER = "Linux/6 UPnP/1.1 test/1"


def lightDescription() -> bytes:
    device = replace(binaryLight(), icons=defaultIcons())
    return deviceDescription(device, computeConfigId(device))


# Descriptions written by hand, shaped like real devices'.

ROUTER = b"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <URLBase>http://10.0.0.1:5000</URLBase>
  <device>
    <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
    <friendlyName>Router</friendlyName>
    <manufacturer>ACME</manufacturer>
    <modelName>R1</modelName>
    <UDN>uuid:aaaaaaaa-0000-0000-0000-000000000001</UDN>
    <iconList>
      <icon><mimetype>image/png</mimetype><width>32</width><height>32</height><depth>8</depth><url>icon.png</url></icon>
      <icon><mimetype>image/png</mimetype><width>big</width><height></height><depth>8</depth><url>/abs.png</url></icon>
      <icon><mimetype>image/png</mimetype><width>1</width><height>1</height><depth>1</depth><url>  </url></icon>
    </iconList>
    <serviceList>
      <service>
        <serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
        <serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId>
        <SCPDURL>l3f.xml</SCPDURL>
        <controlURL>/ctl/L3F</controlURL>
        <eventSubURL></eventSubURL>
      </service>
    </serviceList>
    <deviceList>
      <device>
        <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
        <friendlyName>WAN</friendlyName>
        <UDN>uuid:aaaaaaaa-0000-0000-0000-000000000002</UDN>
        <deviceList>
          <device>
            <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
            <friendlyName>WAN connection</friendlyName>
            <UDN>uuid:aaaaaaaa-0000-0000-0000-000000000003</UDN>
            <serviceList>
              <service>
                <serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
                <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
                <SCPDURL>http://10.0.0.1:5000/wanip.xml</SCPDURL>
                <controlURL>javascript:alert(1)</controlURL>
                <eventSubURL>/evt/IPConn</eventSubURL>
              </service>
            </serviceList>
          </device>
        </deviceList>
      </device>
      <device>
        <deviceType>urn:schemas-upnp-org:device:Broken:1</deviceType>
        <friendlyName>No UDN</friendlyName>
      </device>
    </deviceList>
    <presentationURL>/</presentationURL>
  </device>
</root>
"""

NO_NAMESPACE = b"""
<?xml version="1.0" encoding="utf-8"?>
<root xmlns:dlna="urn:schemas-dlna-org:device-1-0" xmlns:v="urn:example-vendor">
<specVersion><major>1</major><minor>0</minor></specVersion>
<device>
<dlna:X_DLNADOC>DMS-1.50</dlna:X_DLNADOC>
<v:friendlyName>Vendor's own name</v:friendlyName>
<deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>
<friendlyName>  NAS   </friendlyName>
<manufacturer>Synology</manufacturer>
<modelName>DS</modelName>
<UDN>uuid:bbbbbbbb-0000-0000-0000-000000000001</UDN>
<serviceList><service>
<serviceType>urn:schemas-upnp-org:service:ContentDirectory:1</serviceType>
<serviceId>urn:upnp-org:serviceId:ContentDirectory</serviceId>
<SCPDURL>cds.xml</SCPDURL><controlURL>cds/control</controlURL><eventSubURL>cds/event</eventSubURL>
</service></serviceList>
</device>
</root>
\x00\x00"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>&lol4;</friendlyName>
<UDN>uuid:x</UDN></device></root>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>&xxe;</friendlyName>
<UDN>uuid:x</UDN></device></root>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE root SYSTEM "http://attacker.example/evil.dtd">
<root xmlns="urn:schemas-upnp-org:device-1-0"><device><UDN>uuid:x</UDN></device></root>"""


def nested(depth: int) -> bytes:
    """
    A root device with C{depth} levels of embedded devices.
    """
    inner = b""
    for level in range(depth, 0, -1):
        inner = b"<deviceList><device><UDN>uuid:level-%d</UDN>%s</device></deviceList>" % (level, inner)
    return b"<root><device><UDN>uuid:top</UDN>%s</device></root>" % inner


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


# Fetching.


class CheckURLTests(SynchronousTestCase):
    def test_onlyPlainHTTPURLsWithAHost(self) -> None:
        self.assertIsNone(checkURL("http://192.168.1.1:80/d.xml"))
        self.assertIsNone(checkURL("http://[fe80::1]:80/d.xml"))
        for url in (
            "https://192.168.1.1/d.xml",
            "file:///etc/passwd",
            "ftp://h/x",
            "http:///x",
            "http://h/a b",
            "http://h/\x00",
            "http://h:99999/",
            "http://h/é",
            "gopher://h",
        ):
            self.assertIsNotNone(checkURL(url), url)


class _Slow(Resource):
    """
    Never answers; remembers the requests.
    """

    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Any] = []
        self.arrived: Deferred[None] = Deferred()

    def render_GET(self, request: Any) -> Any:
        self.requests.append(request)
        if not self.arrived.called:
            self.arrived.callback(None)
        return NOT_DONE_YET


class _Endless(_Slow):
    """
    Sends a body without length, more than the cap, and never finishes it.
    """

    def render_GET(self, request: Any) -> Any:
        result = super().render_GET(request)
        for _ in range(5):
            request.write(b"x" * 65536)
        return result


class _Status(Resource):
    isLeaf = True

    def __init__(self, code: int, body: bytes) -> None:
        super().__init__()
        self.code = code
        self.body = body

    def render_GET(self, request: Any) -> bytes:
        request.setResponseCode(self.code)
        request.setHeader(b"content-type", b'text/xml; charset="utf-8"')
        return self.body


class HTTPFetcherTests(TestCase):
    """
    L{HTTPFetcher} against a real web server on 127.0.0.1.
    """

    timeout = 30

    def setUp(self) -> None:
        self.slow = _Slow()
        self.endless = _Endless()
        root = Resource()
        root.putChild(b"description.xml", _Status(200, lightDescription()))
        root.putChild(b"missing", _Status(404, b"no"))
        root.putChild(b"broken", _Status(500, b"oops"))
        root.putChild(b"big", _Status(200, b"x" * (MAX_DESCRIPTION_SIZE + 1)))
        root.putChild(b"slow", self.slow)
        root.putChild(b"endless", self.endless)
        self.port = reactor.listenTCP(0, Site(root), interface="127.0.0.1")
        self.addCleanup(self.port.stopListening)
        self.base = f"http://127.0.0.1:{self.port.getHost().port}"
        self.pool = HTTPConnectionPool(reactor, persistent=False)
        self.addCleanup(self.pool.closeCachedConnections)
        self.clock = Clock()
        self.fetcher = HTTPFetcher(Agent(reactor, pool=self.pool), self.clock, timeout=10)

    async def fetchError(self, path: str) -> FetchError:
        try:
            await self.fetcher.fetch(self.base + path)
        except FetchError as e:
            return e
        self.fail(f"fetching {path} did not fail")

    @defer.inlineCallbacks
    def test_bodyOfA200(self):
        body = yield self.fetcher.fetch(self.base + "/description.xml")
        self.assertEqual(body, lightDescription())
        self.assertIsInstance(parseDescription(body, self.base + "/description.xml"), RemoteRootDevice)

    @defer.inlineCallbacks
    def test_clientErrorIsPermanentServerErrorIsNot(self):
        missing = yield defer.ensureDeferred(self.fetchError("/missing"))
        self.assertEqual((missing.reason, missing.permanent), ("HTTP status 404", True))
        broken = yield defer.ensureDeferred(self.fetchError("/broken"))
        self.assertEqual((broken.reason, broken.permanent), ("HTTP status 500", False))

    @defer.inlineCallbacks
    def test_bodyAnnouncedTooLargeIsRefusedUnread(self):
        error = yield defer.ensureDeferred(self.fetchError("/big"))
        self.assertTrue(error.permanent)
        self.assertIn("larger than", error.reason)

    @defer.inlineCallbacks
    def test_bodyGrowingTooLargeDropsTheConnection(self):
        errors = defer.ensureDeferred(self.fetchError("/endless"))
        yield self.endless.arrived
        [request] = self.endless.requests
        # The server never finishes: only the client dropping the
        # connection ends the request (the clock never moves).
        yield request.notifyFinish().addErrback(lambda failure: None)
        error = yield errors
        self.assertIn("larger than", error.reason)
        self.assertTrue(error.permanent)

    @defer.inlineCallbacks
    def test_timeoutOnTheInjectedClockDropsTheConnection(self):
        errors = defer.ensureDeferred(self.fetchError("/slow"))
        yield self.slow.arrived
        [request] = self.slow.requests
        lost = request.notifyFinish()
        self.clock.advance(9.9)
        self.assertFalse(errors.called)
        self.clock.advance(0.1)
        error = yield errors
        self.assertIn("within 10 s", error.reason)
        self.assertFalse(error.permanent)
        yield self.assertFailure(lost, Exception)

    @defer.inlineCallbacks
    def test_refusedConnectionIsARetryableError(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        try:
            yield self.fetcher.fetch(f"http://127.0.0.1:{closed}/d.xml")
        except FetchError as e:
            self.assertIn("cannot connect", e.reason)
            self.assertFalse(e.permanent)
        else:
            self.fail("no error")

    def test_otherSchemesFailAtOnce(self) -> None:
        failure = self.failureResultOf(self.fetcher.fetch("https://127.0.0.1/d.xml"), FetchError)
        self.assertTrue(failure.value.permanent)
        self.assertIn("http://", failure.value.reason)


class FakeFetcher:
    """
    A fetcher whose answers the test gives.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, Deferred[bytes]]] = []
        self.cancelled: list[str] = []

    def fetch(self, url: str) -> Deferred[bytes]:
        d: Deferred[bytes] = Deferred(lambda _: self.cancelled.append(url))
        self.requests.append((url, d))
        return d

    @property
    def urls(self) -> list[str]:
        return [url for url, _ in self.requests]


class RetryingFetcherTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.inner = FakeFetcher()
        self.fetcher = RetryingFetcher(self.inner, self.clock)
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)

    def failAttempt(self, permanent: bool = False) -> None:
        self.inner.requests[-1][1].errback(FetchError("connection refused", permanent))

    def test_delaysDouble(self) -> None:
        self.assertEqual(self.fetcher.delays(), [2.0, 4.0, 8.0])
        self.assertEqual(RetryingFetcher(self.inner, self.clock, attempts=8, maxDelay=30).delays(), [2, 4, 8, 16, 30, 30, 30])

    def test_retriesAfter2Then4Then8SecondsThenGivesUp(self) -> None:
        result = self.fetcher.fetch(URL)
        times = []
        for wait in (2, 4, 8):
            times.append(self.clock.seconds())
            self.failAttempt()
            self.clock.advance(wait - 0.01)
            self.assertEqual(len(self.inner.requests), len(times))
            self.clock.advance(0.01)
        times.append(self.clock.seconds())
        self.assertEqual(times, [0, 2, 6, 14])
        self.failAttempt()
        failure = self.failureResultOf(result, FetchError)
        self.assertEqual(failure.value.reason, "connection refused")
        self.clock.advance(1000)
        self.assertEqual(len(self.inner.requests), 4)
        retried = [e for e in self.events if e["log_level"] == LogLevel.info]
        self.assertEqual(len(retried), 3)
        self.assertEqual([e["delay"] for e in retried], [2, 4, 8])

    def test_successAfterAFailure(self) -> None:
        result = self.fetcher.fetch(URL)
        self.failAttempt()
        self.clock.advance(2)
        self.inner.requests[-1][1].callback(b"<root/>")
        self.assertEqual(self.successResultOf(result), b"<root/>")

    def test_permanentErrorIsNotRetried(self) -> None:
        result = self.fetcher.fetch(URL)
        self.failAttempt(permanent=True)
        self.failureResultOf(result, FetchError)
        self.clock.advance(100)
        self.assertEqual(len(self.inner.requests), 1)

    def test_cancelStopsTheWaitAndTheAttempts(self) -> None:
        result = self.fetcher.fetch(URL)
        self.failAttempt()
        result.cancel()
        self.failureResultOf(result, defer.CancelledError)
        self.clock.advance(100)
        self.assertEqual(len(self.inner.requests), 1)
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_cancelDuringAnAttemptCancelsIt(self) -> None:
        result = self.fetcher.fetch(URL)
        result.cancel()
        self.failureResultOf(result, defer.CancelledError)
        self.assertEqual(self.inner.cancelled, [URL])


# The tracker.


class SignalRecorder:
    """
    Records the device signals louie delivers.
    """

    NAMES = (
        signals.ROOT_DEVICE_DETECTION_COMPLETED,
        signals.DEVICE_DETECTION_COMPLETED,
        signals.ROOT_DEVICE_REMOVED,
        signals.DEVICE_REMOVED,
    )

    def __init__(self, testCase: SynchronousTestCase) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        for name in self.NAMES:
            louie.connect(self.receive, name)
            testCase.addCleanup(louie.disconnect, self.receive, name)

    def receive(self, signal: str | None = None, **named: Any) -> None:
        named.pop("sender", None)
        self.received.append((signal, named))  # type: ignore[arg-type]

    def names(self) -> list[str]:
        return [name for name, _ in self.received]

    def clear(self) -> None:
        del self.received[:]


class RecordingObserver(DeviceObserver):
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def deviceAdded(self, root: RemoteRootDevice) -> None:
        self.events.append(("added", root))

    def deviceRemoved(self, root: RemoteRootDevice) -> None:
        self.events.append(("removed", root))

    def descriptionFailed(self, location: str, reason: str) -> None:
        self.events.append(("failed", location))


class TrackerTests(SynchronousTestCase):
    """
    L{DeviceTracker} over a real registry, with a fake fetcher and a
    L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.registry = EntryRegistry(self.clock)
        self.fetcher = FakeFetcher()
        self.signals = SignalRecorder(self)
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)
        self.observer = RecordingObserver()
        self.tracker = self.makeTracker(self.fetcher)

    def makeTracker(self, fetcher: Any) -> DeviceTracker:
        tracker = DeviceTracker(self.registry, self.clock, fetcher, SignalSender(self.clock))
        tracker.observers.append(self.observer)
        tracker.startService()
        self.addCleanup(lambda: tracker.running and tracker.stopService())
        return tracker

    def announce(
        self,
        location: str = URL,
        bootId: int = 1,
        configId: int | None = 5,
        maxAge: int = 1800,
        only: str | None = None,
        bootless: bool = False,
    ) -> None:
        """
        NOTIFY alive for the light's whole advertisement set (or the entry
        whose NT is C{only}).
        """
        for ad in advertisements(binaryLight()):
            if only is not None and ad.nt != only:
                continue
            datagram = formatNotifyAlive("239.255.255.250:1900", ad.nt, ad.usn, location, maxAge, SERVER, bootId, configId)
            if bootless:
                datagram = datagram.replace(b"BOOTID.UPNP.ORG: %d\r\n" % bootId, b"")
            notify = parse(datagram)
            assert isinstance(notify, Notify)
            self.registry.notifyReceived(notify, SOURCE, LINK)

    def byebye(self, only: str | None = None) -> None:
        for ad in advertisements(binaryLight()):
            if only is None or ad.nt == only:
                notify = parse(formatNotifyByebye("239.255.255.250:1900", ad.nt, ad.usn, 1, 5))
                self.registry.notifyReceived(notify, SOURCE, LINK)  # type: ignore[arg-type]

    def answer(self, index: int = -1, body: bytes | None = None) -> None:
        self.fetcher.requests[index][1].callback(lightDescription() if body is None else body)

    def deliver(self) -> None:
        self.clock.advance(0)

    def test_aliveFetchesOnceAndSignalsOnTheNextTurn(self) -> None:
        self.announce()
        self.assertEqual(self.fetcher.urls, [URL])
        self.answer()
        self.assertEqual(self.signals.received, [])
        self.deliver()
        [root] = self.tracker.devices()
        self.assertEqual(
            self.signals.received,
            [
                (signals.DEVICE_DETECTION_COMPLETED, {"device": root.devices[0]}),
                (signals.DEVICE_DETECTION_COMPLETED, {"device": root}),
                (signals.ROOT_DEVICE_DETECTION_COMPLETED, {"device": root}),
            ],
        )
        self.assertEqual(self.observer.events, [("added", root)])
        self.assertEqual((root.server, root.bootId, root.host, root.manifestation), (SERVER, 1, DEVICE_HOST, REMOTE))
        self.assertIs(self.tracker.get(LIGHT_UDN.upper()), root)
        self.assertIs(self.tracker.deviceWithId(DIMMER_UDN), root.devices[0])

    def test_repeatedAliveDoesNotFetchAgain(self) -> None:
        self.announce()
        self.answer()
        self.deliver()
        self.signals.clear()
        for _ in range(3):
            self.clock.advance(600)
            self.announce()
        self.deliver()
        self.assertEqual(len(self.fetcher.requests), 1)
        self.assertEqual(self.signals.received, [])
        self.assertEqual(len(self.tracker.devices()), 1)

    def test_entriesArrivingDuringAFetchShareIt(self) -> None:
        self.announce(only=DIMMER_UDN)
        self.announce()
        self.assertEqual(self.fetcher.urls, [URL])
        self.assertEqual(self.tracker.pendingLocations(), [URL])
        self.answer()
        self.deliver()
        self.assertEqual(len(self.tracker.devices()), 1)
        self.assertEqual(self.signals.names().count(signals.ROOT_DEVICE_DETECTION_COMPLETED), 1)
        self.assertEqual(self.tracker.pendingLocations(), [])

    def test_searchResponsesAreTrackedToo(self) -> None:
        response = parse(formatSearchResponse("upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", URL, 1800, SERVER, "x", 3, 5))
        assert isinstance(response, SearchResponse)
        self.registry.responseReceived(response, SOURCE, LINK)
        self.answer()
        [root] = self.tracker.devices()
        self.assertEqual(root.bootId, 3)

    def test_byebyeRemovesTheTreeWithCoherenceSignals(self) -> None:
        self.announce()
        self.answer()
        self.deliver()
        [root] = self.tracker.devices()
        self.signals.clear()
        self.byebye(only="upnp:rootdevice")
        self.assertEqual(self.signals.received, [])
        self.deliver()
        usn = f"{LIGHT_UDN}::upnp:rootdevice"
        self.assertEqual(
            self.signals.received,
            [
                (signals.DEVICE_REMOVED, {"usn": DIMMER_UDN}),
                (signals.DEVICE_REMOVED, {"usn": usn}),
                (signals.ROOT_DEVICE_REMOVED, {"usn": usn}),
            ],
        )
        self.assertEqual(self.observer.events[-1], ("removed", root))
        self.assertEqual(self.tracker.devices(), [])

    def test_lastEntryGoingRemovesTheTree(self) -> None:
        self.announce(only=DIMMER_UDN)
        self.answer()
        self.assertEqual(len(self.tracker.devices()), 1)
        self.byebye(only=DIMMER_UDN)
        self.assertEqual(self.tracker.devices(), [])

    def test_expiryAfterMaxAgeRemoves(self) -> None:
        self.announce(maxAge=1800)
        self.answer()
        self.clock.advance(1799)
        self.assertEqual(len(self.tracker.devices()), 1)
        self.clock.advance(1)
        self.assertEqual(self.tracker.devices(), [])
        self.assertIn(signals.ROOT_DEVICE_REMOVED, self.signals.names())
        gone = [e for e in self.events if "is gone" in e["log_format"]]
        self.assertEqual(gone[0]["reason"], "expired")

    def test_newBootIdRemovesAndFetchesAgain(self) -> None:
        self.announce(bootId=1)
        self.answer()
        self.deliver()
        self.signals.clear()
        self.announce(bootId=2)
        self.assertEqual(self.fetcher.urls, [URL, URL])
        self.assertEqual(self.tracker.devices(), [])
        self.answer()
        self.deliver()
        [root] = self.tracker.devices()
        self.assertEqual(root.bootId, 2)
        self.assertEqual(
            self.signals.names(),
            [signals.DEVICE_REMOVED, signals.DEVICE_REMOVED, signals.ROOT_DEVICE_REMOVED]
            + [signals.DEVICE_DETECTION_COMPLETED] * 2
            + [signals.ROOT_DEVICE_DETECTION_COMPLETED],
        )
        self.assertEqual([kind for kind, _ in self.observer.events], ["added", "removed", "added"])

    def test_newConfigIdFetchesAgain(self) -> None:
        self.announce(configId=5)
        self.answer()
        self.announce(configId=6)
        self.assertEqual(len(self.fetcher.requests), 2)

    def test_otherLocationWithTheSameBootIdIsAnotherInterface(self) -> None:
        self.announce()
        self.answer()
        self.announce(location=URL.replace(DEVICE_HOST, "10.9.9.9"))
        self.assertEqual(len(self.fetcher.requests), 1)
        self.assertEqual(len(self.tracker.devices()), 1)

    def test_newLocationOfADeviceWithoutBootIdFetchesAgain(self) -> None:
        self.announce(bootless=True)
        self.answer()
        moved = URL.replace(DEVICE_HOST, "192.168.1.21")
        self.announce(location=moved, bootless=True)
        self.assertEqual(self.fetcher.urls, [URL, moved])

    def test_byebyeDuringTheFetchCancelsIt(self) -> None:
        self.announce()
        self.byebye()
        self.assertEqual(self.fetcher.cancelled, [URL])
        self.deliver()
        self.assertEqual(self.signals.received, [])
        self.assertEqual(self.tracker.devices(), [])
        self.assertEqual(self.tracker.pendingLocations(), [])

    def test_fetchFailuresAreRetriedWithBackoffThenGivenUpWithOneWarning(self) -> None:
        inner = FakeFetcher()
        self.tracker.stopService()
        self.tracker = self.makeTracker(RetryingFetcher(inner, self.clock))
        self.announce()
        times = []
        for wait in (2, 4, 8):
            times.append(self.clock.seconds())
            inner.requests[-1][1].errback(FetchError("connection refused"))
            self.clock.advance(wait)
        times.append(self.clock.seconds())
        inner.requests[-1][1].errback(FetchError("connection refused"))
        self.assertEqual(times, [0, 2, 6, 14])
        self.assertEqual(len(inner.requests), 4)
        self.assertEqual(self.tracker.devices(), [])
        warnings = [e for e in self.events if e["log_level"] == LogLevel.warn]
        self.assertEqual(len(warnings), 1)
        self.assertIn("connection refused", warnings[0]["reason"])
        self.assertIn(("failed", URL), self.observer.events)
        # Still announced: tried again after RECHECK_AFTER, and a success
        # then adds the device; no second warning was logged.
        self.clock.advance(299)
        self.assertEqual(len(inner.requests), 4)
        self.clock.advance(1)
        self.assertEqual(len(inner.requests), 5)
        inner.requests[-1][1].callback(lightDescription())
        self.assertEqual(len(self.tracker.devices()), 1)
        self.assertEqual(len([e for e in self.events if e["log_level"] == LogLevel.warn]), 1)

    def test_repeatedFailuresWarnOnce(self) -> None:
        self.announce()
        for _ in range(3):
            self.fetcher.requests[-1][1].errback(FetchError("HTTP status 500"))
            self.clock.advance(300)
        self.assertEqual(len(self.fetcher.requests), 4)
        levels = [e["log_level"] for e in self.events if "Cannot use" in e["log_format"]]
        self.assertEqual(levels, [LogLevel.warn, LogLevel.info, LogLevel.info])

    def test_newBootIdAfterAFailureFetchesAtOnce(self) -> None:
        self.announce(bootId=1)
        self.fetcher.requests[-1][1].errback(FetchError("HTTP status 404", permanent=True))
        self.announce(bootId=1)
        self.assertEqual(len(self.fetcher.requests), 1)
        self.announce(bootId=2)
        self.assertEqual(len(self.fetcher.requests), 2)

    def test_deviceLeavingAfterAFailureIsForgotten(self) -> None:
        self.announce()
        self.fetcher.requests[-1][1].errback(FetchError("timeout"))
        self.byebye()
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_unusableDescriptionIsAWarningNotACrash(self) -> None:
        self.announce()
        self.answer(body=BILLION_LAUGHS)
        self.assertEqual(self.tracker.devices(), [])
        [warning] = [e for e in self.events if e["log_level"] == LogLevel.warn]
        self.assertIn("unusable description", warning["reason"])

    def test_unexpectedFetcherErrorIsLoggedNotRaised(self) -> None:
        class Broken:
            def fetch(self, url: str) -> Deferred[bytes]:
                raise RuntimeError("bug")

        self.tracker.stopService()
        self.tracker = self.makeTracker(Broken())
        self.announce()
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)
        self.assertEqual(self.tracker.devices(), [])

    def test_failingObserverDoesNotStopTheOthers(self) -> None:
        class Failing(DeviceObserver):
            def deviceAdded(self, root: RemoteRootDevice) -> None:
                raise ValueError("observer bug")

        self.tracker.observers.insert(0, Failing())
        self.announce()
        self.answer()
        self.assertEqual(len(self.flushLoggedErrors(ValueError)), 1)
        self.assertEqual([kind for kind, _ in self.observer.events], ["added"])

    def test_localEntriesGiveLocalDevices(self) -> None:
        for ad in advertisements(binaryLight()):
            self.registry.add(Entry(usn=ad.usn, st=ad.nt, location=URL, manifestation=LOCAL))
        self.assertEqual(self.fetcher.urls, [URL])
        self.answer()
        [root] = self.tracker.devices()
        self.assertEqual(root.manifestation, LOCAL)
        self.assertTrue(root.devices[0].is_local())
        self.registry.remove(f"{LIGHT_UDN}::upnp:rootdevice")
        self.assertEqual(self.tracker.devices(), [])

    def test_entriesKnownBeforeStartAreFetched(self) -> None:
        self.tracker.stopService()
        self.announce()
        self.assertEqual(self.fetcher.requests, [])
        self.tracker.startService()
        self.assertEqual(self.fetcher.urls, [URL])

    def test_stopAbandonsFetches(self) -> None:
        self.announce()
        self.tracker.stopService()
        self.assertEqual(self.fetcher.cancelled, [URL])
        self.announce(bootId=9)
        self.assertEqual(len(self.fetcher.requests), 1)

    def test_loopbackLocationFromAnotherMachineIsNotFetched(self) -> None:
        self.announce(location="http://127.0.0.1:6379/description.xml")
        self.announce(location="http://[::1]:80/d.xml", only="upnp:rootdevice", bootId=2)
        self.announce(location="http://239.255.255.250:80/d.xml", only="upnp:rootdevice", bootId=3)
        self.announce(location="http://0.0.0.0:80/d.xml", only="upnp:rootdevice", bootId=4)
        self.assertEqual(self.fetcher.requests, [])

    def test_loopbackLocationFromLoopbackIsFetched(self) -> None:
        notify = parse(formatNotifyAlive("239.255.255.250:1900", "upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", "http://127.0.0.1:8080/d.xml", 1800, SERVER, 1, 5))
        self.registry.notifyReceived(notify, ("127.0.0.1", 1900), LINK)  # type: ignore[arg-type]
        self.assertEqual(self.fetcher.urls, ["http://127.0.0.1:8080/d.xml"])

    def test_descriptionOfAnotherUDNIsKeptUnderItsOwn(self) -> None:
        self.announce(only="upnp:rootdevice")
        self.answer(body=deviceDescription(jambon(), 1))
        [root] = self.tracker.devices()
        self.assertEqual(root.friendlyName, "Jambon 3000")
        self.byebye(only="upnp:rootdevice")
        self.assertEqual(self.tracker.devices(), [])


# Searching, with fake sockets.


class FakePort:
    """
    Stands for an L{SSDPPort}: records what is sent, can be joined.
    """

    def __init__(self, port: int, family: int, protocol: Any) -> None:
        self.port = port
        self.family = family
        self.protocol = protocol
        self.sent: list[tuple[bytes, tuple, Any]] = []
        self.joined: list[Any] = []
        self.listening = True

    def join(self, link: Any) -> None:
        self.joined.append(link)

    def sendFrom(self, data: bytes, destination: tuple, link: Any) -> bool:
        self.sent.append((data, destination, link))
        return True

    def stopListening(self) -> None:
        self.listening = False


class FakeSockets:
    """
    The listen functions of a searcher and an SSDP service, recording the
    ports they make.
    """

    def __init__(self, refuseSSDP: bool = False) -> None:
        self.ssdp: list[FakePort] = []
        self.search: list[FakePort] = []
        self.refuseSSDP = refuseSSDP

    def listenSSDP(self, reactor: Any, port: int, family: int, ttl: int, protocol: Any) -> FakePort:
        if self.refuseSSDP:
            raise CannotListenError("", port, OSError(98, "Address already in use"))
        fake = FakePort(port, family, protocol)
        self.ssdp.append(fake)
        return fake

    def listenSearch(self, reactor: Any, family: int, ttl: int, protocol: Any) -> FakePort:
        fake = FakePort(50000 + len(self.search), family, protocol)
        self.search.append(fake)
        return fake


class SearcherTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.sockets = FakeSockets()
        self.links = [LINK, link("10.0.0.2/8", "wlan0", 3)]
        self.searcher = Searcher(
            lambda: self.links, self.clock, ssdpPort=19000, mx=3, interval=60, listen=self.sockets.listenSearch
        )
        self.registry = EntryRegistry(self.clock)
        self.searcher.observers.append(self.registry)

    def searches(self) -> list[tuple[MSearch, tuple, Any]]:
        [port] = self.sockets.search
        return [(parse(data), destination, sent) for data, destination, sent in port.sent]  # type: ignore[misc]

    def test_searchesEveryLinkAtOnceAndAgainAfterASecond(self) -> None:
        self.searcher.startService()
        first = self.searches()
        self.assertEqual([(destination, sent) for _, destination, sent in first], [(("239.255.255.250", 19000), l) for l in self.links])
        search = first[0][0]
        self.assertEqual((search.st, search.mx, search.host), ("ssdp:all", 3, "239.255.255.250:19000"))
        self.clock.advance(SEARCH_SPACING)
        self.assertEqual(len(self.searches()), 4)
        self.clock.advance(10)
        self.assertEqual(len(self.searches()), 4)

    def test_searchesAgainEveryInterval(self) -> None:
        self.searcher.startService()
        self.clock.advance(60)
        self.assertEqual(len(self.searches()), 6)
        self.clock.advance(60)
        self.assertEqual(len(self.searches()), 10)

    def test_answersReachTheObservers(self) -> None:
        self.searcher.startService()
        [port] = self.sockets.search
        response = formatSearchResponse("upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", URL, 1800, SERVER, "x", 1, 5)
        from coherence_lite.ssdp.transport import Arrival

        port.protocol.datagramArrived(response, SOURCE, Arrival(LINK.index, "192.168.1.10"))
        entry = self.registry.get(f"{LIGHT_UDN}::upnp:rootdevice")
        assert entry is not None
        self.assertEqual(entry.location, URL)

    def test_otherTargetOnDemand(self) -> None:
        self.searcher.startService()
        self.searcher.search("upnp:rootdevice", 1)
        self.assertEqual(self.searches()[-1][0].st, "upnp:rootdevice")
        self.assertRaises(ValueError, self.searcher.search, "nonsense")

    def test_stopClosesAndCancels(self) -> None:
        self.searcher.startService()
        [port] = self.sockets.search
        self.searcher.stopService()
        self.assertFalse(port.listening)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.assertEqual(port.joined, [])

    def test_badTargetFailsAtConstruction(self) -> None:
        self.assertRaises(ValueError, Searcher, lambda: [], self.clock, searchTarget="x y")


def loopbackInterfaces() -> list[NetworkInterface]:
    import ipaddress

    return [
        NetworkInterface("lo", 1, True, True, False, (ipaddress.ip_interface("127.0.0.1/8"),)),
        NetworkInterface("eth0", 2, True, False, True, (ipaddress.ip_interface("192.168.1.10/24"),)),
    ]


class ControlPointTests(SynchronousTestCase):
    """
    L{ControlPoint}'s wiring, on fake sockets and a L{Clock}.
    """

    def makeControlPoint(self, sockets: FakeSockets, **kwargs: Any) -> ControlPoint:
        self.clock = Clock()
        self.fetcher = FakeFetcher()
        controlPoint = ControlPoint(
            reactor=self.clock,
            fetcher=self.fetcher,
            systemInterfaces=loopbackInterfaces,
            listenSSDP=sockets.listenSSDP,
            listenSearch=sockets.listenSearch,
            **kwargs,
        )
        self.addCleanup(lambda: controlPoint.running and controlPoint.stopService())
        return controlPoint

    def test_listensSearchesAndTracksOnTheChosenLink(self) -> None:
        sockets = FakeSockets()
        controlPoint = self.makeControlPoint(sockets, interfaces=["127.0.0.1"], ssdpPort=19001)
        controlPoint.startService()
        self.assertEqual([l.host for l in controlPoint.links], ["127.0.0.1"])
        [listener] = sockets.ssdp
        self.assertEqual(listener.port, 19001)
        self.assertEqual([l.host for l in listener.joined], ["127.0.0.1"])
        [searchPort] = sockets.search
        [(data, destination, _)] = searchPort.sent
        self.assertEqual(destination, ("239.255.255.250", 19001))
        # An announcement heard on the SSDP port leads to the description.
        from coherence_lite.ssdp.transport import Arrival

        alive = formatNotifyAlive("239.255.255.250:19001", "upnp:rootdevice", f"{LIGHT_UDN}::upnp:rootdevice", URL, 1800, SERVER, 1, 5)
        listener.protocol.datagramArrived(alive, ("127.0.0.1", 19001), Arrival(1, "239.255.255.250"))
        self.assertEqual(self.fetcher.urls, [URL])
        self.fetcher.requests[0][1].callback(lightDescription())
        [root] = controlPoint.devices()
        self.assertEqual(root.friendlyName, "Lamp")

    def test_busySSDPPortMeansSearchingOnly(self) -> None:
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)
        sockets = FakeSockets(refuseSSDP=True)
        controlPoint = self.makeControlPoint(sockets, interfaces=["127.0.0.1"])
        controlPoint.startService()
        self.assertEqual(len(sockets.search), 1)
        [warning] = [e for e in events if e["log_level"] == LogLevel.warn]
        self.assertIn("searching only", warning["log_format"])

    def test_defaultSkipsLoopback(self) -> None:
        sockets = FakeSockets()
        controlPoint = self.makeControlPoint(sockets)
        controlPoint.startService()
        self.assertEqual([l.interface for l in controlPoint.links], ["eth0"])

    def test_noUsableInterfaceIsAStartupError(self) -> None:
        controlPoint = self.makeControlPoint(FakeSockets(), interfaces=["no-such0"])
        error = self.assertRaises(StartupError, controlPoint.startService)
        self.assertIn("no usable network interface", str(error))
        self.assertFalse(controlPoint.running)


class LoopbackControlPointTests(TestCase):
    """
    A real control point finds a real device host on 127.0.0.1, in one
    process, and sees it leave.
    """

    timeout = 30

    @defer.inlineCallbacks
    def test_findsAHostedDeviceAndSeesItsByebye(self):
        ssdpPort = freeUDPPort()
        host = startLoopbackService(self, [binaryLight()], ssdpPort)
        controlPoint = ControlPoint(
            interfaces=["127.0.0.1"], ssdpPort=ssdpPort, mx=1, searchInterval=None, reactor=reactor
        )
        added: Deferred[RemoteRootDevice] = Deferred()
        removed: Deferred[RemoteRootDevice] = Deferred()

        class Waiter(DeviceObserver):
            def deviceAdded(self, root: RemoteRootDevice) -> None:
                if not added.called:
                    added.callback(root)

            def deviceRemoved(self, root: RemoteRootDevice) -> None:
                if not removed.called:
                    removed.callback(root)

        controlPoint.tracker.observers.append(Waiter())
        controlPoint.startService()
        self.addCleanup(lambda: controlPoint.running and controlPoint.stopService())
        root = yield added.addTimeout(10, reactor)
        self.assertEqual(root.friendlyName, "Lamp")
        self.assertEqual(root.host, "127.0.0.1")
        self.assertEqual(root.location, host.catalogue.publications[0].location(host.links[0]))
        self.assertEqual([d.friendlyName for d in root.devices], ["Lamp dimmer"])
        yield host.stopService()
        gone = yield removed.addTimeout(10, reactor)
        self.assertEqual(gone.UDN, root.UDN)
        yield controlPoint.stopService()
