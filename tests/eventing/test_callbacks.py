"""
Tests for L{coherence_lite.eventing.callbacks}: the CallStranger check of
CALLBACK URLs against the link a SUBSCRIBE arrived on.
"""

from __future__ import annotations

from ipaddress import ip_address

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.eventing.callbacks import Destination, arrivalLink, onLinkCallbacks, unmapped
from coherence_lite.eventing.message import CallbackURL, SubscriptionError, parseCallback
from tests.support.eventing import link

ETH0 = link("eth0", "192.168.1.10/24", 2)
ETH0_V6 = link("eth0", "2001:db8:1::10/64", 2, "2001:db8:1::/64", "fe80::/64")
ETH0_LL = link("eth0", "fe80::10/64", 2)
ETH1 = link("eth1", "10.0.0.1/8", 3)
LOOPBACK = link("lo", "127.0.0.1/8", 1)


def urls(header: str) -> tuple[CallbackURL, ...]:
    """
    Parse a CALLBACK header that must parse.
    """
    parsed = parseCallback(header)
    assert not isinstance(parsed, SubscriptionError), parsed
    return parsed


class ArrivalLinkTests(SynchronousTestCase):
    """
    L{arrivalLink} finds the served link from the local address.
    """

    def test_localAddressNamesItsLink(self) -> None:
        """
        The link whose address is the local address is the arrival link;
        an address of no served link gives none.
        """
        links = [ETH0, ETH1, LOOPBACK]
        self.assertIs(arrivalLink("10.0.0.1", None, links), ETH1)
        self.assertIs(arrivalLink("127.0.0.1", None, links), LOOPBACK)
        self.assertIsNone(arrivalLink("172.16.0.1", None, links))
        self.assertIsNone(arrivalLink("not an address", None, links))

    def test_ipv4MappedLocalAddressIsTheIPv4Link(self) -> None:
        """
        A dual-stack socket's C{::ffff:a.b.c.d} is the IPv4 link.
        """
        self.assertIs(arrivalLink("::ffff:192.168.1.10", 0, [ETH0]), ETH0)

    def test_linkLocalNeedsTheScopeOfTheLink(self) -> None:
        """
        A link-local local address belongs to the link of its scope (a
        zone or the socket's scope id, by name or index); the same address
        on an interface not served is no link.
        """
        self.assertIs(arrivalLink("fe80::10%eth0", None, [ETH0_LL]), ETH0_LL)
        self.assertIs(arrivalLink("fe80::10", 2, [ETH0_LL]), ETH0_LL)
        self.assertIsNone(arrivalLink("fe80::10", 3, [ETH0_LL]))
        self.assertIsNone(arrivalLink("fe80::10%eth1", None, [ETH0_LL]))
        self.assertIsNone(arrivalLink("fe80::10", None, [ETH0_LL]))


class OnLinkCallbacksTests(SynchronousTestCase):
    """
    L{onLinkCallbacks} accepts only URLs on the arrival link.
    """

    def test_sameSubnetIsAcceptedInOrder(self) -> None:
        """
        URLs in the arrival link's subnet are accepted, in their order.
        """
        result = onLinkCallbacks(urls("<http://192.168.1.20:4000/a><http://192.168.1.30/b>"), ETH0)
        assert not isinstance(result, str), result
        self.assertEqual([d.callback.url for d in result], ["http://192.168.1.20:4000/a", "http://192.168.1.30:80/b"])
        self.assertEqual(result[0].requestURL, b"http://192.168.1.20:4000/a")

    def test_anotherSubnetIsRefused(self) -> None:
        """
        A URL on another subnet, even one the host serves on another link,
        refuses the header, also when an on-link URL comes first.
        """
        problem = onLinkCallbacks(urls("<http://192.168.1.20/><http://10.0.0.5/>"), ETH0)
        self.assertIsInstance(problem, str)
        self.assertIn("10.0.0.5 is not on the link of eth0", str(problem))
        self.assertIsInstance(onLinkCallbacks(urls("<http://192.168.2.20/>"), ETH0), str)

    def test_noArrivalLinkRefusesEverything(self) -> None:
        """
        A SUBSCRIBE that came in on no served link has no acceptable URL.
        """
        self.assertEqual(onLinkCallbacks(urls("<http://192.168.1.20/>"), None), "the SUBSCRIBE arrived on no served link")

    def test_loopbackIsALinkToo(self) -> None:
        """
        A CALLBACK on 127.0.0.1 is accepted for a SUBSCRIBE that arrived on
        127.0.0.1, and refused for one that arrived on eth0.
        """
        self.assertNotIsInstance(onLinkCallbacks(urls("<http://127.0.0.1:5000/>"), LOOPBACK), str)
        self.assertIsInstance(onLinkCallbacks(urls("<http://127.0.0.1:5000/>"), ETH0), str)

    def test_unicastOnly(self) -> None:
        """
        Multicast, unspecified and broadcast addresses are refused.
        """
        wide = link("eth0", "10.0.0.1/0", 2)
        for header in ("<http://224.0.0.1/>", "<http://0.0.0.0/>", "<http://255.255.255.255/>"):
            self.assertIsInstance(onLinkCallbacks(urls(header), wide), str, header)

    def test_ipv4MappedCallbackIsItsIPv4Address(self) -> None:
        """
        A CALLBACK written as C{[::ffff:a.b.c.d]} is checked, and
        delivered to, as the IPv4 address.
        """
        result = onLinkCallbacks(urls("<http://[::ffff:192.168.1.20]:4000/>"), ETH0)
        assert not isinstance(result, str), result
        self.assertEqual(result[0].callback.address, ip_address("192.168.1.20"))
        self.assertIsInstance(onLinkCallbacks(urls("<http://[::ffff:10.1.1.1]:4000/>"), ETH0), str)

    def test_linkLocalGoesThroughTheArrivalInterface(self) -> None:
        """
        An IPv6 link-local CALLBACK is accepted on an IPv6 link and
        delivered through the arrival interface, whatever zone the
        subscriber wrote.
        """
        result = onLinkCallbacks(urls("<http://[fe80::99%25en7]:4000/x>"), ETH0_V6)
        assert not isinstance(result, str), result
        [destination] = result
        self.assertEqual(destination.callback.zone, "eth0")
        self.assertEqual(destination.requestURL, b"http://[fe80::99%25eth0]:4000/x")
        self.assertEqual(destination.callback.hostHeader, "[fe80::99]:4000")

    def test_ipv6LinkLocalOnAnotherInterfaceIsRefused(self) -> None:
        """
        An IPv6 link-local CALLBACK for a SUBSCRIBE that came in over IPv4,
        or over the link-local address of an interface the host does not
        serve, is refused.
        """
        self.assertIsInstance(onLinkCallbacks(urls("<http://[fe80::99]:4000/>"), ETH0), str)
        elsewhere = arrivalLink("fe80::10", 3, [ETH0_LL, ETH0])
        self.assertIsInstance(onLinkCallbacks(urls("<http://[fe80::99]:4000/>"), elsewhere), str)

    def test_globalIPv6OnItsPrefix(self) -> None:
        """
        A global IPv6 CALLBACK is accepted on the link's prefix only.
        """
        self.assertNotIsInstance(onLinkCallbacks(urls("<http://[2001:db8:1::99]/>"), ETH0_V6), str)
        self.assertIsInstance(onLinkCallbacks(urls("<http://[2001:db8:2::99]/>"), ETH0_V6), str)

    def test_hostNamesAndOtherSchemesNeverGetHere(self) -> None:
        """
        The parser refuses host names and other schemes before the link
        check: nothing is resolved.
        """
        for header in ("<http://printer.local/>", "<https://192.168.1.20/>", "<ftp://192.168.1.20/>"):
            self.assertIsInstance(parseCallback(header), SubscriptionError, header)

    def test_unmapped(self) -> None:
        """
        L{unmapped} turns only IPv4-mapped addresses into IPv4.
        """
        self.assertEqual(unmapped(ip_address("::ffff:1.2.3.4")), ip_address("1.2.3.4"))
        self.assertEqual(unmapped(ip_address("::1")), ip_address("::1"))
        self.assertEqual(unmapped(ip_address("1.2.3.4")), ip_address("1.2.3.4"))

    def test_destinationWithoutZone(self) -> None:
        """
        A destination without a zone asks for its plain URL.
        """
        [url] = urls("<http://[2001:db8:1::99]:81/p?q=1>")
        self.assertEqual(Destination(url).requestURL, b"http://[2001:db8:1::99]:81/p?q=1")
