# -*- test-case-name: tests.backend.test_hosted -*-
"""
Tests for L{coherence_lite.backend.hosted}: devices paired with what runs
their services, outside the model.
"""

from __future__ import annotations

import ipaddress

from twisted.internet.testing import MemoryReactorClock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.backend.hosted import Hosted, asHosted, hosted
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostSettings
from coherence_lite.model.device import Device
from coherence_lite.model.devicefile import loadDevice
from coherence_lite.net.interfaces import NetworkInterface
from tests.support.devicefile import EXAMPLES
from tests.support import binaryLight, jambon
from tests.backend.test_declare import SwitchPower


def withLight(light: SwitchPower, udn: str = "uuid:11111111-2222-3333-4444-555555555555") -> Device:
    """
    A BinaryLight whose one service is C{light}'s, inside a Jambon 3000
    (so the service sits in an embedded device).
    """
    inner = Device(
        "urn:schemas-upnp-org:device:BinaryLight:1", "Lamp", "Example", "Lamp", udn, services=(light.service,)
    )
    return jambon(devices=(inner,))


def interfaces() -> list[NetworkInterface]:
    """
    One made-up Ethernet interface.
    """
    return [NetworkInterface("eth0", 2, True, False, True, (ipaddress.ip_interface("192.168.1.10/24"),))]


class HostedTests(SynchronousTestCase):
    """
    L{hosted} and L{asHosted}.
    """

    def test_backendPairedWithItsServiceInTheTree(self) -> None:
        """
        A backend is paired with the service of the device tree that is
        its C{service}, even in an embedded device, by (UDN, serviceId).
        """
        light = SwitchPower()
        device = withLight(light)
        pair = hosted(device, light)
        self.assertEqual(pair.device, device)
        self.assertEqual(
            dict(pair.runtimes), {("uuid:11111111-2222-3333-4444-555555555555", light.service.serviceId): light.runtime}
        )

    def test_backendOutsideTheTreeIsRefused(self) -> None:
        """
        A backend whose service is not in the device's tree is a
        L{ValueError} naming the service and the device.
        """
        error = self.assertRaises(ValueError, hosted, jambon(), SwitchPower())
        self.assertIn("urn:upnp-org:serviceId:SwitchPower is not a service of", str(error))

    def test_asHosted(self) -> None:
        """
        A plain device runs with nothing of its own; a device file with its
        bindings; a L{Hosted} is kept as it is.
        """
        device = binaryLight()
        self.assertEqual(asHosted(device), Hosted(device))
        read = loadDevice(EXAMPLES / "binary-light.toml", hostname="tests")
        self.assertEqual(asHosted(read), Hosted(read.device, bindings=read.bindings))
        pair = Hosted(device)
        self.assertIs(asHosted(pair), pair)


class SeparateStateTests(SynchronousTestCase):
    """
    The model carries no runtime, so hosts never share one by accident.
    """

    def host(self, *devices: object) -> UPnPDeviceService:
        """
        A host (not started) of C{devices} on a made-up eth0.
        """
        return UPnPDeviceService(
            devices,  # type: ignore[arg-type]
            HostSettings(interfaces=("eth0",), pollInterval=0),
            reactor=MemoryReactorClock(),
            systemInterfaces=interfaces,
        )

    def test_twoHostsOfOneDeviceKeepTheirOwnState(self) -> None:
        """
        Two hosts given one L{Device} (whose service a backend describes)
        each run their own state: a change in one is not seen by the other.
        """
        device = withLight(SwitchPower())
        first, second = self.host(device), self.host(device)
        key = ("uuid:11111111-2222-3333-4444-555555555555", "SwitchPower")
        one, other = first.runtimes.byService[key], second.runtimes.byService[key]
        self.assertIsNot(one, other)
        one.state.set("Status", True)
        self.assertIs(other.state.get("Status"), False)

    def test_hostedBackendRunsTheService(self) -> None:
        """
        A device hosted with its backend is run by the backend's runtime.
        """
        light = SwitchPower()
        host = self.host(hosted(withLight(light), light))
        self.assertIs(host.runtimes.byService[("uuid:11111111-2222-3333-4444-555555555555", "SwitchPower")], light.runtime)
