"""
Tests for L{coherence_lite.conformance.probe}'s pure parts: which answers
are one device.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.conformance.probe import devicesOf
from coherence_lite.conformance.ssdp_rules import Answer
from coherence_lite.ssdp.message import SearchResponse


class DevicesOfTests(SynchronousTestCase):
    """
    L{devicesOf}: which LOCATIONs are one device.
    """

    def test_oneDeviceSeveralFamilies(self) -> None:
        """
        The IPv4 and the IPv6 LOCATION of the same UDNs are one device (one
        LOCATION per family, IPv4 first); an embedded device's answers from
        the root's LOCATION are the same device; another UDN is another
        device; C{wanted} picks by UDN.
        """
        v4 = "http://10.0.0.1:80/d.xml"
        v6 = "http://[fe80::1%25eth0]:80/d.xml"
        v6Again = "http://[fe80::1%25eth0]:81/d.xml"
        other = "http://10.0.0.2:80/d.xml"

        def answer(source: str, location: str, usn: str, st: str = "upnp:rootdevice") -> Answer:
            return Answer(0.1, source, SearchResponse(st, usn, location, 1800, "S", None, None, None))

        answers = [
            answer("fe80::1", v6, "uuid:root::upnp:rootdevice"),
            answer("10.0.0.1", v4, "uuid:embedded", "uuid:embedded"),
            answer("10.0.0.1", v4, "uuid:root::upnp:rootdevice"),
            answer("10.0.0.2", other, "uuid:other::upnp:rootdevice"),
            answer("fe80::1", v6Again, "uuid:root::upnp:rootdevice"),
        ]
        self.assertEqual(devicesOf(answers, None, None), [[v4, v6], [other]])
        self.assertEqual(devicesOf(answers, None, "uuid:embedded"), [[v4, v6]])
        self.assertEqual(devicesOf(answers, "uuid:embedded", None), [[v4]])
        self.assertEqual(devicesOf(answers, None, "uuid:nobody"), [])
