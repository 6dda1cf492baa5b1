"""
Shared test helpers: sample devices, links, a recording sender, free ports
and a device host on loopback.  The benchmarks in C{bench/} take their free
ports from here too.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from twisted.application.service import IService
from twisted.internet import defer, reactor
from twisted.trial.unittest import TestCase

from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostSettings
from coherence_lite.model.device import Action, Argument, Device, Service, StateVariable
from coherence_lite.net.interfaces import Link

JAMBON_UDN = "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363"


def jambon(**changes: Any) -> Device:
    """
    The seed's Jambon 3000: a Basic:1 root device with one service (one
    action, C{GetSlices}) and no icons.

    @param changes: fields to replace, as with L{dataclasses.replace}.
    """
    device = Device(
        deviceType="urn:schemas-upnp-org:device:Basic:1",
        friendlyName="Jambon 3000",
        manufacturer="Boucherie numérique SAS",
        manufacturerURL="http://www.boucherie.example.com/",
        modelDescription="Jambon Appliance 3000",
        modelName="Jambon",
        modelNumber="3000",
        modelURL="http://www.boucherie.example.com/en/products/jambon-3000/",
        serialNumber="JBN425133",
        UDN=JAMBON_UDN,
        services=(
            Service(
                serviceType="urn:boucherie.example.com:service:Jambon:1",
                serviceId="urn:boucherie.example.com:serviceId:Jambon",
                actions=(Action("GetSlices", (Argument("Slices", "out", "Slices"),)),),
                stateVariables=(StateVariable("Slices", "ui4", defaultValue="0"),),
            ),
        ),
    )
    return replace(device, **changes)


def binaryLight(udn: str = "uuid:11111111-2222-3333-4444-555555555555", version: int = 1) -> Device:
    """
    A BinaryLight root device with a SwitchPower service and one embedded
    dimmable light.
    """
    switch = Service(
        serviceType=f"urn:schemas-upnp-org:service:SwitchPower:{version}",
        serviceId="urn:upnp-org:serviceId:SwitchPower",
        stateVariables=(StateVariable("Target", "boolean", defaultValue="0"),),
    )
    embedded = Device(
        deviceType="urn:schemas-upnp-org:device:DimmableLight:1",
        friendlyName="Lamp dimmer",
        manufacturer="coherence-lite tests",
        modelName="Dimmer",
        UDN="uuid:66666666-7777-8888-9999-000000000000",
        services=(switch,),
    )
    return Device(
        deviceType=f"urn:schemas-upnp-org:device:BinaryLight:{version}",
        friendlyName="Lamp",
        manufacturer="coherence-lite tests",
        modelName="Lamp",
        UDN=udn,
        services=(switch,),
        devices=(embedded,),
    )


def link(address: str = "192.168.1.10/24", interface: str = "eth0", index: int = 2) -> Link:
    """
    A link on a made-up interface.
    """
    value = ipaddress.ip_interface(address)
    return Link(interface, index, value, (value.network,))


@dataclass(frozen=True)
class Sent:
    """
    One datagram a L{RecordingSender} was asked to send.
    """

    time: float
    data: bytes
    destination: tuple
    link: Link


class RecordingSender:
    """
    A sender that records datagrams with the clock's time.
    """

    def __init__(self, clock) -> None:
        self.clock = clock
        self.sent: list[Sent] = []

    def send(self, data: bytes, destination: tuple, link: Link) -> None:
        self.sent.append(Sent(self.clock.seconds(), data, destination, link))

    def clear(self) -> None:
        self.sent.clear()


def loopbackMulticastSocket(family: int = socket.AF_INET) -> socket.socket:
    """
    A UDP socket on 127.0.0.1 whose multicast leaves only through loopback.
    """
    skt = socket.socket(family, socket.SOCK_DGRAM)
    skt.bind(("127.0.0.1", 0))
    skt.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    skt.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    skt.setblocking(False)
    return skt


def _freePort(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def freeUDPPort() -> int:
    """
    A UDP port nothing on 127.0.0.1 uses right now.
    """
    return _freePort(socket.SOCK_DGRAM)


def freeTCPPort() -> int:
    """
    A TCP port nothing on 127.0.0.1 uses right now.
    """
    return _freePort(socket.SOCK_STREAM)


def startLoopbackService(
    testCase: TestCase, devices: Sequence[Device], ssdpPort: int | None = None, **settings: Any
) -> UPnPDeviceService:
    """
    Start a real L{UPnPDeviceService} serving 127.0.0.1 only, with its state
    in a temporary directory, and stop it (if it still runs) when the test
    ends.

    @param testCase: the test the service is for (its C{mktemp} and
        C{addCleanup} are used).
    @param devices: the root devices to host.
    @param ssdpPort: the SSDP port; L{None} for a free one.
    @param settings: further fields of its L{HostSettings}.
    @return: the started service.
    """
    service = UPnPDeviceService(
        devices,
        HostSettings(
            interfaces=("127.0.0.1",),
            ssdpPort=freeUDPPort() if ssdpPort is None else ssdpPort,
            stateDirectory=Path(testCase.mktemp()),
            **settings,
        ),
        reactor=reactor,
    )
    service.startService()
    testCase.addCleanup(stopIfRunning, service)
    return service


def stopIfRunning(service: IService) -> defer.Deferred[object]:
    """
    Stop a service unless it has stopped already.
    """
    if service.running:
        return defer.maybeDeferred(service.stopService)
    return defer.succeed(None)
