"""
Tests for L{coherence_lite.net.interfaces}: which interfaces are served, and why.
"""

from __future__ import annotations

import ipaddress

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.net.interfaces import NetworkInterface, selectLinks, systemInterfaces, usedLinks


def interface(name, index, *addresses, up=True, loopback=False, multicast=True):
    return NetworkInterface(
        name, index, up, loopback, multicast, tuple(ipaddress.ip_interface(a) for a in addresses)
    )


MACHINE = [
    interface("lo", 1, "127.0.0.1/8", "::1/128", loopback=True, multicast=False),
    interface("eth0", 2, "192.168.1.10/24", "192.168.7.1/24", "fe80::1/64", "2001:db8::10/64"),
    interface("wlan0", 3, "10.0.0.5/8", "fe80::2/64"),
    interface("docker0", 4, "172.17.0.1/16"),
    interface("br-1234", 5, "172.18.0.1/16"),
    interface("eth1", 6, "192.168.9.1/24", up=False),
    interface("tun0", 7, "10.8.0.2/24", multicast=False),
    interface("v6only", 8, "fd00::8/64", "fe80::8/64"),
    interface("empty", 9),
]


class SelectLinksTests(SynchronousTestCase):
    def reasons(self, reports):
        return {report.name: (report.used, report.reason) for report in reports}

    def test_defaultSkipsLoopbackDownBridgesAndNonMulticast(self) -> None:
        reasons = self.reasons(selectLinks(MACHINE))
        self.assertEqual(
            {name for name, (used, _) in reasons.items() if used}, {"eth0", "wlan0", "v6only"}
        )
        self.assertIn("loopback", reasons["lo"][1])
        self.assertIn("bridge", reasons["docker0"][1])
        self.assertIn("bridge", reasons["br-1234"][1])
        self.assertEqual(reasons["eth1"][1], "down")
        self.assertEqual(reasons["tun0"][1], "not multicast-capable")
        self.assertEqual(reasons["empty"][1], "no address")

    def test_ipv6PrefersGlobalOverLinkLocal(self) -> None:
        links = usedLinks(selectLinks(MACHINE, ["eth0"]))
        self.assertEqual([link.host for link in links], ["192.168.1.10", "2001:db8::10"])

    def test_ipv6LinkLocalOnlyWhenNothingElse(self) -> None:
        links = usedLinks(selectLinks(MACHINE, ["wlan0"]))
        self.assertEqual([link.host for link in links], ["10.0.0.5", "fe80::2"])

    def test_noIPv6ServesIPv4Only(self) -> None:
        reports = selectLinks(MACHINE, ipv6=False)
        self.assertEqual([link.host for link in usedLinks(reports)], ["192.168.1.10", "10.0.0.5"])
        self.assertEqual(self.reasons(reports)["v6only"], (False, "no usable address"))

    def test_namedLoopbackAndBridgeAreUsed(self) -> None:
        links = usedLinks(selectLinks(MACHINE, ["lo", "docker0"], ipv6=False))
        self.assertEqual([(link.interface, link.host) for link in links], [("lo", "127.0.0.1"), ("docker0", "172.17.0.1")])

    def test_addressSelectsThatAddressOnly(self) -> None:
        links = usedLinks(selectLinks(MACHINE, ["192.168.7.1"]))
        self.assertEqual([(link.interface, link.host) for link in links], [("eth0", "192.168.7.1")])

    def test_unknownNameIsReported(self) -> None:
        reports = selectLinks(MACHINE, ["eth9"])
        self.assertEqual(self.reasons(reports)["eth9"], (False, "no such interface or address on this machine"))
        self.assertEqual(usedLinks(reports), [])

    def test_excludeGlobWins(self) -> None:
        reports = selectLinks(MACHINE, excluded=["wlan*"])
        self.assertEqual(self.reasons(reports)["wlan0"], (False, "excluded"))

    def test_downNamedInterfaceIsStillSkipped(self) -> None:
        self.assertEqual(self.reasons(selectLinks(MACHINE, ["eth1"]))["eth1"], (False, "down"))

    def test_onLinkCoversEveryNetworkOfTheInterface(self) -> None:
        [v4, v6] = usedLinks(selectLinks(MACHINE, ["eth0"]))
        self.assertTrue(v4.isOnLink("192.168.1.200"))
        self.assertTrue(v4.isOnLink("192.168.7.200"))
        self.assertFalse(v4.isOnLink("192.168.8.1"))
        self.assertFalse(v4.isOnLink("2001:db8::1"))
        self.assertFalse(v4.isOnLink("not an address"))
        self.assertTrue(v6.isOnLink("fe80::99"))
        self.assertTrue(v6.isOnLink("fe80::99%eth0"))
        self.assertTrue(v6.isOnLink("2001:db8::77"))
        self.assertFalse(v6.isOnLink("2001:db9::77"))

    def test_urlHostBracketsIPv6(self) -> None:
        [v4, v6] = usedLinks(selectLinks(MACHINE, ["eth0"]))
        self.assertEqual((v4.urlHost, v6.urlHost), ("192.168.1.10", "[2001:db8::10]"))

    def test_reportLineNamesInterfaceAddressesAndReason(self) -> None:
        [report] = [r for r in selectLinks(MACHINE) if r.name == "eth0"]
        self.assertEqual(report.describe(), "use eth0 (192.168.1.10, 2001:db8::10): up, multicast-capable")

    def test_systemInterfacesIncludesLoopback(self) -> None:
        names = {i.name: i for i in systemInterfaces()}
        loopbacks = [i for i in names.values() if i.loopback]
        self.assertTrue(loopbacks, "no loopback interface found")
        self.assertIn(ipaddress.ip_interface("127.0.0.1/8"), loopbacks[0].addresses)
