"""
Tests for L{coherence_lite.net.zones}: the zone of a link-local URL,
written in, read back and kept off the wire.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.net.zones import inheritZone, socketHost, splitZone, urlHost, withoutZone, zonedLocation

LINK_LOCAL = "http://[fe80::1]:49152/d.xml"


class SplitZoneTests(SynchronousTestCase):
    """
    L{splitZone} and L{socketHost}.
    """

    def test_forms(self) -> None:
        """
        The zone comes after C{%} or RFC 6874's C{%25}, with or without
        brackets; an address without one, IPv4 or a name has none.
        """
        self.assertEqual(splitZone("fe80::1%eth0"), ("fe80::1", "eth0"))
        self.assertEqual(splitZone("[fe80::1%25eth0]"), ("fe80::1", "eth0"))
        self.assertEqual(splitZone("fe80::1%25"), ("fe80::1", "25"))
        self.assertEqual(splitZone("[fe80::1]"), ("fe80::1", None))
        self.assertEqual(splitZone("10.0.0.1"), ("10.0.0.1", None))
        self.assertEqual(splitZone("fe80::1%"), ("fe80::1", None))

    def test_socketHost(self) -> None:
        """
        What a socket call wants: no brackets, a bare C{%}.
        """
        self.assertEqual(socketHost("[fe80::1%25Wi-Fi]"), "fe80::1%Wi-Fi")
        self.assertEqual(socketHost("[2001:db8::1]"), "2001:db8::1")


class ZonedLocationTests(SynchronousTestCase):
    """
    L{zonedLocation}, L{withoutZone}, L{urlHost} and L{inheritZone}.
    """

    def test_linkLocalGetsTheZone(self) -> None:
        """
        A link-local literal gets the zone, RFC 6874's way; the port, path
        and query stay.
        """
        self.assertEqual(
            zonedLocation("http://[FE80::1]:49152/d.xml?x=1", "eth0"), "http://[FE80::1%25eth0]:49152/d.xml?x=1"
        )
        self.assertEqual(zonedLocation("http://[fe80::1]/", "3"), "http://[fe80::1%253]/")

    def test_othersUnchanged(self) -> None:
        """
        IPv4, global IPv6, a name, a URL with a zone already, garbage: as
        they were.
        """
        for url in (
            "http://10.0.0.1:80/d.xml",
            "http://[2001:db8::1]:80/d.xml",
            "http://[fd00::1]/d.xml",
            "http://printer.local:80/d.xml",
            "http://[fe80::1%25eth1]:80/d.xml",
            "not a url",
            "http://[fe80::1/",
        ):
            self.assertEqual(zonedLocation(url, "eth0"), url)
        self.assertEqual(zonedLocation(LINK_LOCAL, ""), LINK_LOCAL)

    def test_urlHostKeepsTheZoneCase(self) -> None:
        """
        Unlike C{urlsplit().hostname}, the interface name keeps its case.
        """
        self.assertEqual(urlHost("http://[fe80::1%25Eth0]:80/"), "fe80::1%25Eth0")
        self.assertEqual(urlHost("http://u@10.0.0.1:80/"), "10.0.0.1")
        self.assertIsNone(urlHost("http:///path"))

    def test_withoutZone(self) -> None:
        """
        What goes on the wire has no zone.
        """
        self.assertEqual(withoutZone("http://[fe80::1%25eth0]:80/cb"), "http://[fe80::1]:80/cb")
        self.assertEqual(withoutZone("http://10.0.0.1:80/cb"), "http://10.0.0.1:80/cb")

    def test_inheritZone(self) -> None:
        """
        An absolute URL naming the same link-local address as a zoned base
        gets its zone; another address, or one with a zone, does not.
        """
        base = "http://[fe80::1%25eth0]:80/d.xml"
        self.assertEqual(inheritZone("http://[fe80::1]:81/p", base), "http://[fe80::1%25eth0]:81/p")
        self.assertEqual(inheritZone("http://[fe80::2]:81/p", base), "http://[fe80::2]:81/p")
        self.assertEqual(inheritZone("http://10.0.0.1/p", base), "http://10.0.0.1/p")
        self.assertEqual(inheritZone("http://[fe80::1]:81/p", LINK_LOCAL), "http://[fe80::1]:81/p")
