"""
Tests for C{--advertised-host} (L{coherence_lite.host.settings.advertisedHostProblem}
and its use by C{twistd upnp-device}): only a host goes into LOCATION.
"""

from __future__ import annotations

import os

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.settings import HostSettings, advertisedHostProblem
from coherence_lite.host.site import publicationOf
from coherence_lite.model.description import buildDocuments

from tests.support import freeUDPPort, jambon, link
from tests.test_tap import twistd

#: Values refused, and what their one line says.
REFUSED = [
    ("a b", "is not a host name or an IP address"),
    ("http://x", "without http://"),
    ("host:8080", "the port is --http-port"),
    ("[::1]:8080", "the port is --http-port"),
    ("fe80::1%eth0", "has an IPv6 zone"),
    ("999.1.1.1", "is not an IP address"),
    ("", "is not a host name or an IP address"),
]


class AdvertisedHostTests(SynchronousTestCase):
    """
    What may go into LOCATION as the host.
    """

    def test_hostsAndAddressesAccepted(self) -> None:
        """
        Names, IPv4 and IPv6 addresses (bracketed or not) are accepted, and
        make well-formed LOCATIONs.
        """
        documents = buildDocuments(jambon())
        for host, urlHost in (("nas.example.com", "nas.example.com"), ("192.168.1.20", "192.168.1.20"), ("2001:db8::1", "[2001:db8::1]")):
            self.assertIsNone(advertisedHostProblem(host))
            location = publicationOf(documents, lambda: 8080, HostSettings(advertisedHost=host).advertisedHost).location(link())
            self.assertTrue(location.startswith(f"http://{urlHost}:8080/"), location)
        self.assertIsNone(advertisedHostProblem("[2001:db8::1]"))

    def test_othersRefused(self) -> None:
        """
        Anything else is refused by L{HostSettings} with a L{ValueError}
        naming the field.
        """
        for host, reason in REFUSED:
            problem = advertisedHostProblem(host)
            assert problem is not None, host
            self.assertIn(reason, problem)
            self.assertIn(reason, str(self.assertRaises(ValueError, HostSettings, advertisedHost=host)))

    def test_twistdSaysSoOnOneLine(self) -> None:
        """
        Under a real twistd, a bad C{--advertised-host} is one line naming
        the option and what is wrong, exit status 2, before anything starts.
        """
        for host, reason in REFUSED[:3]:
            result = twistd(
                "-n", "upnp-device", "--interface", "127.0.0.1", "--ssdp-port", str(freeUDPPort()),
                "--state-dir", os.path.abspath(self.mktemp()), "--advertised-host", host,
            )
            self.assertEqual(result.returncode, 2, result.stderr)
            [line] = result.stderr.splitlines()
            self.assertTrue(line.startswith(f"twistd upnp-device: --advertised-host: {host!r} "), line)
            self.assertIn(reason, line)
            self.assertEqual(result.stdout, "")
