"""
Tests for where C{coherence-lite subscribe} hears SSDP
(L{coherence_lite.cli.subscribe.SubscribeCommand}): the chosen links, or
else the link that reaches the device, on made-up interfaces and sockets.
"""

from __future__ import annotations

import io
import ipaddress

from twisted.internet.testing import MemoryReactorClock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.cli.subscribe import SubscribeCommand, SubscribeOptions
from coherence_lite.net.interfaces import NetworkInterface

from tests.support.controlpoint import FakeSockets


def interfaces() -> list[NetworkInterface]:
    """
    Loopback, and two Ethernet interfaces, one with a link-local IPv6
    address only.
    """
    return [
        NetworkInterface("lo", 1, True, True, False, (ipaddress.ip_interface("127.0.0.1/8"),)),
        NetworkInterface("eth0", 2, True, False, True, (ipaddress.ip_interface("192.168.1.10/24"),)),
        NetworkInterface("eth1", 3, True, False, True, (ipaddress.ip_interface("fe80::10/64"),)),
    ]


class ListenTests(SynchronousTestCase):
    """
    The links the command hears announcements on.
    """

    def command(self, *arguments: str, local: str = "192.168.1.10", refuse: bool = False) -> tuple[SubscribeCommand, FakeSockets, io.StringIO]:
        options = SubscribeOptions()
        options.parseOptions([*arguments, "http://192.168.1.20:8080/d.xml", "SwitchPower"])
        sockets = FakeSockets(refuseSSDP=refuse)
        err = io.StringIO()
        command = SubscribeCommand(
            MemoryReactorClock(), options, io.StringIO(), err, interfaces=interfaces, listen=sockets.listenSSDP, localAddress=lambda host: local
        )
        return command, sockets, err

    def test_theLinkReachingTheDevice(self) -> None:
        """
        Without --interface, only the link of the local address reaching
        the device is heard.
        """
        command, sockets, _ = self.command()
        command._listen("192.168.1.20")
        self.assertEqual([link.interface for link in command.listener.links], ["eth0"])
        self.assertEqual([port.port for port in sockets.ssdp], [1900])

    def test_linkLocalByItsZone(self) -> None:
        """
        A device reached over a link-local address is heard on the
        interface of that address's zone.
        """
        command, _, _ = self.command(local="fe80::10%eth1")
        command._listen("fe80::20%25eth1")
        self.assertEqual([link.interface for link in command.listener.links], ["eth1"])

    def test_chosenInterfacesWin(self) -> None:
        """
        --interface names the links, whatever reaches the device.
        """
        command, _, _ = self.command("-i", "lo", "--ssdp-port", "41900")
        command._listen("192.168.1.20")
        self.assertEqual([link.interface for link in command.listener.links], ["lo"])

    def test_portTakenSaysRestartsAreNoticedAtRenewal(self) -> None:
        """
        An SSDP port that cannot be bound is one line: a restart is then
        noticed at renewal only.
        """
        command, _, err = self.command(refuse=True)
        command._listen("192.168.1.20")
        self.assertIn("cannot hear announcements on SSDP port 1900", err.getvalue())
        self.assertIn("a restart is noticed at renewal only", err.getvalue())
        self.assertFalse(command.listener.running)
