"""
Tests for L{coherence_lite.controlpoint.agent}: the control point's HTTP
client reaches a link-local device through the zone of its URL, and keeps
the zone out of the request.
"""

from __future__ import annotations

from twisted.internet.endpoints import HostnameEndpoint, TCP6ClientEndpoint
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.client import URI
from twisted.web.http_headers import Headers

from coherence_lite.controlpoint.agent import ZoneEndpointFactory, clientAgent
from coherence_lite.controlpoint.callbacks import CallbackServer


class EndpointTests(SynchronousTestCase):
    """
    L{ZoneEndpointFactory}.
    """

    def test_zonedLiteralKeepsItsZone(self) -> None:
        """
        A zoned link-local URL gives a TCP6 endpoint to C{fe80::1%eth0}
        (Twisted's own endpoint resolves the host and loses the zone).
        """
        factory = ZoneEndpointFactory(MemoryReactorClock(), connectTimeout=4)
        endpoint = factory.endpointForURI(URI.fromBytes(b"http://[fe80::1%25eth0]:4000/d.xml"))
        self.assertIsInstance(endpoint, TCP6ClientEndpoint)
        self.assertEqual((endpoint._host, endpoint._port, endpoint._timeout), ("fe80::1%eth0", 4000, 4))  # type: ignore[attr-defined]

    def test_othersAsTwistedDoes(self) -> None:
        """
        Other hosts (IPv4, names) get Twisted's usual endpoint; only http
        is spoken.
        """
        factory = ZoneEndpointFactory(MemoryReactorClock())
        self.assertIsInstance(factory.endpointForURI(URI.fromBytes(b"http://10.0.0.1:80/")), HostnameEndpoint)
        self.assertIsInstance(factory.endpointForURI(URI.fromBytes(b"http://printer.local/")), HostnameEndpoint)
        self.assertRaises(ValueError, factory.endpointForURI, URI.fromBytes(b"https://10.0.0.1/"))


class AgentTests(SynchronousTestCase):
    """
    L{clientAgent} on a memory reactor.
    """

    def request(self, url: bytes, headers: Headers | None = None) -> tuple[tuple, bytes]:
        """
        Send a GET through a L{clientAgent}; return the connection it
        opened and the bytes it wrote.
        """
        reactor = MemoryReactorClock()
        clientAgent(reactor, connectTimeout=5).request(b"GET", url, headers)
        [connection] = reactor.tcpClients
        transport = StringTransport()
        protocol = connection[2].buildProtocol(None)
        protocol.makeConnection(transport)
        return connection[:2] + (connection[3],), transport.value()

    def test_linkLocalConnectsThroughTheZone(self) -> None:
        """
        The connection goes to the address with its zone; the Host header
        has none.
        """
        connection, sent = self.request(b"http://[fe80::1%25eth0]:49152/d.xml")
        self.assertEqual(connection, ("fe80::1%eth0", 49152, 5))
        self.assertIn(b"\r\nHost: [fe80::1]:49152\r\n", sent)
        self.assertTrue(sent.startswith(b"GET /d.xml HTTP/1.1\r\n"))

    def test_givenHostIsKept(self) -> None:
        """
        A Host header the caller gives is sent as given.
        """
        _, sent = self.request(b"http://[fe80::1%25eth0]:80/", Headers({b"Host": [b"example"]}))
        self.assertIn(b"\r\nHost: example\r\n", sent)
        self.assertNotIn(b"fe80", sent)

    def test_ipv4Unchanged(self) -> None:
        """
        An IPv4 URL is sent as Twisted's agent sends it.
        """
        _, sent = self.request(b"http://127.0.0.1:8080/d.xml")
        self.assertIn(b"\r\nHost: 127.0.0.1:8080\r\n", sent)


class CallbackURLTests(SynchronousTestCase):
    """
    The CALLBACK a subscriber gives for a link-local device.
    """

    def test_zoneNotInTheCallback(self) -> None:
        """
        The callback server listens on the link-local address with its
        zone (that interface only); the URL it gives the device has none.
        """
        reactor = MemoryReactorClock()
        server = CallbackServer(reactor, "fe80::2%eth0")
        server.start()
        [(_, _, _, interface)] = reactor.tcpServers
        self.assertEqual(interface, "fe80::2%eth0")
        port = reactor.tcpServers[0][0]
        self.assertTrue(server.urlFor("t").startswith("http://[fe80::2]:"))
        self.assertTrue(server.urlFor("t").endswith(f":{port}/t"))
