"""
Tests for L{coherence_lite.net.interfaces}: which interfaces are served, and why.
"""

from __future__ import annotations

import ipaddress

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.net.interfaces import Link, NetworkInterface, selectLinks, systemInterfaces, usedLinks


def interface(name, index, *addresses, up=True, loopback=False, multicast=True):
    """
    A made-up interface with these addresses (C{"address/prefix"}).
    """
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
    """
    L{selectLinks} picks the interfaces and addresses to serve and says why.
    """

    def reasons(self, reports):
        """
        Each report's interface name with whether it is used and why.
        """
        return {report.name: (report.used, report.reason) for report in reports}

    def test_defaultSkipsLoopbackDownBridgesAndNonMulticast(self) -> None:
        """
        By default, loopback, down, container-bridge, non-multicast and
        address-less interfaces are skipped, each with its reason.
        """
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
        """
        An interface with a global IPv6 address is served on it rather than on
        its link-local one.
        """
        links = usedLinks(selectLinks(MACHINE, ["eth0"]))
        self.assertEqual([link.host for link in links], ["192.168.1.10", "2001:db8::10"])

    def test_ipv6LinkLocalOnlyWhenNothingElse(self) -> None:
        """
        An interface with only a link-local IPv6 address is served on it.
        """
        links = usedLinks(selectLinks(MACHINE, ["wlan0"]))
        self.assertEqual([link.host for link in links], ["10.0.0.5", "fe80::2"])

    def test_noIPv6ServesIPv4Only(self) -> None:
        """
        Without IPv6, only IPv4 addresses are served, and an IPv6-only
        interface has no usable address.
        """
        reports = selectLinks(MACHINE, ipv6=False)
        self.assertEqual([link.host for link in usedLinks(reports)], ["192.168.1.10", "10.0.0.5"])
        self.assertEqual(self.reasons(reports)["v6only"], (False, "no usable address"))

    def test_namedLoopbackAndBridgeAreUsed(self) -> None:
        """
        Loopback and bridges are used when named.
        """
        links = usedLinks(selectLinks(MACHINE, ["lo", "docker0"], ipv6=False))
        self.assertEqual([(link.interface, link.host) for link in links], [("lo", "127.0.0.1"), ("docker0", "172.17.0.1")])

    def test_addressSelectsThatAddressOnly(self) -> None:
        """
        Naming an address serves that address only, on its interface.
        """
        links = usedLinks(selectLinks(MACHINE, ["192.168.7.1"]))
        self.assertEqual([(link.interface, link.host) for link in links], [("eth0", "192.168.7.1")])

    def test_unknownNameIsReported(self) -> None:
        """
        A name or address matching no interface gets a report of its own.
        """
        reports = selectLinks(MACHINE, ["eth9"])
        self.assertEqual(self.reasons(reports)["eth9"], (False, "no such interface or address on this machine"))
        self.assertEqual(usedLinks(reports), [])

    def test_excludeGlobWins(self) -> None:
        """
        An excluded glob pattern skips a matching interface.
        """
        reports = selectLinks(MACHINE, excluded=["wlan*"])
        self.assertEqual(self.reasons(reports)["wlan0"], (False, "excluded"))

    def test_downNamedInterfaceIsStillSkipped(self) -> None:
        """
        A named interface that is down is still skipped.
        """
        self.assertEqual(self.reasons(selectLinks(MACHINE, ["eth1"]))["eth1"], (False, "down"))

    def test_onLinkCoversEveryNetworkOfTheInterface(self) -> None:
        """
        Queriers on any network of the interface, in the link's family, are on-
        link; others and non-addresses are not.
        """
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
        """
        An IPv6 address stands in brackets in a URL, an IPv4 one as it is.
        """
        [v4, v6] = usedLinks(selectLinks(MACHINE, ["eth0"]))
        self.assertEqual((v4.urlHost, v6.urlHost), ("192.168.1.10", "[2001:db8::10]"))

    def test_reportLineNamesInterfaceAddressesAndReason(self) -> None:
        """
        A report line names the verdict, the interface, its addresses and the
        reason.
        """
        [report] = [r for r in selectLinks(MACHINE) if r.name == "eth0"]
        self.assertEqual(report.describe(), "use eth0 (192.168.1.10, 2001:db8::10): up, multicast-capable")

    def test_systemInterfacesIncludesLoopback(self) -> None:
        """
        The OS's interfaces include a loopback interface with 127.0.0.1/8.
        """
        names = {i.name: i for i in systemInterfaces()}
        loopbacks = [i for i in names.values() if i.loopback]
        self.assertTrue(loopbacks, "no loopback interface found")
        self.assertIn(ipaddress.ip_interface("127.0.0.1/8"), loopbacks[0].addresses)


class OnLinkTests(SynchronousTestCase):
    """
    L{Link.isOnLink} decides which queriers a link answers.
    """

    def test_ipv6LinkLocalQuerierIsOnLinkOfAGlobalOnlyLink(self) -> None:
        """
        An IPv6 link-local querier is on the link even when none of the
        link's networks is link-local: every link-local address is on-link.
        """
        address = ipaddress.ip_interface("2001:db8::20/64")
        link = Link("eth0", 2, address, (address.network,))
        self.assertTrue(link.isOnLink("fe80::99"))
        self.assertTrue(link.isOnLink("fe80::99%eth0"))
        self.assertFalse(link.isOnLink("2001:db9::99"))

    def test_ipv4LinkLocalIsNotSpecial(self) -> None:
        """
        An IPv4 link-local querier is on-link only inside the link's
        networks: the exception is IPv6's.
        """
        address = ipaddress.ip_interface("192.168.1.10/24")
        self.assertFalse(Link("eth0", 2, address, (address.network,)).isOnLink("169.254.1.1"))

    def test_namedGlobalIPv6AddressKeepsEveryIPv6NetworkOfItsInterface(self) -> None:
        """
        When C{--interface} names a global IPv6 address, its link is that
        address, and the interface's other prefixes and its link-local
        network stay on-link, so those queriers are answered too.
        """
        machine = [interface("eth0", 2, "192.168.1.10/24", "2001:db8::10/64", "fd00::10/64", "fe80::1/64")]
        [v6] = usedLinks(selectLinks(machine, ["2001:db8::10"]))
        self.assertEqual(v6.host, "2001:db8::10")
        self.assertEqual(
            set(v6.networks),
            {ipaddress.ip_network("2001:db8::/64"), ipaddress.ip_network("fd00::/64"), ipaddress.ip_network("fe80::/64")},
        )
        self.assertTrue(v6.isOnLink("fd00::99"))
        self.assertTrue(v6.isOnLink("fe80::99"))
        self.assertFalse(v6.isOnLink("2001:db9::99"))

    def test_namedIPv4AddressKeepsItsOwnNetworks(self) -> None:
        """
        A named IPv4 address is served with its own network only, as before.
        """
        [v4] = usedLinks(selectLinks(MACHINE, ["192.168.7.1"], ipv6=False))
        self.assertEqual(v4.networks, (ipaddress.ip_network("192.168.7.0/24"),))
