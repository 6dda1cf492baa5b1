"""
Tests for L{coherence_lite.http.hosts} and the C{Host} check of
L{coherence_lite.http.server.LimitedSite}: in units, on the fast path and
the twisted.web path of a device site, and over real loopback HTTP.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import defer, reactor
from twisted.internet.address import IPv4Address
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP6ClientEndpoint, connectProtocol
from twisted.internet.error import ConnectionDone
from twisted.internet.protocol import Protocol
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.python.usage import UsageError
from twisted.trial.unittest import SynchronousTestCase, TestCase

from coherence_lite.host.site import makeSite
from coherence_lite.http.hosts import HostPolicy, hostValues
from coherence_lite.http.channel import LimitedHTTPChannel
from coherence_lite.model import layout
from coherence_lite.model.description import buildDocuments
from coherence_lite.stats import Stats
from coherence_lite.tap import Options, settingsFrom

from tests.support import jambon

DESCRIPTION = layout.descriptionPath(jambon()).encode("ascii")


class PolicyTests(SynchronousTestCase):
    """
    L{HostPolicy.refusal} accepts our literals, localhost and configured
    names, whatever the port.
    """

    def setUp(self) -> None:
        self.policy = HostPolicy.allowing(["media.example", "203.0.113.7", "[2001:db8::7]"])

    def refusal(self, host: bytes | None, local: str = "192.168.1.5", version: bytes = b"HTTP/1.1") -> int | None:
        return self.policy.refusal(None if host is None else [host], version, local)

    def test_ourLiterals(self) -> None:
        """
        The address the connection arrived on, with or without a port,
        IPv6 bracketed with or without a zone, IPv4-mapped locals too.
        """
        self.assertIsNone(self.refusal(b"192.168.1.5"))
        self.assertIsNone(self.refusal(b"192.168.1.5:8200"))
        self.assertIsNone(self.refusal(b"[fe80::1]:80", local="fe80::1%eth0"))
        self.assertIsNone(self.refusal(b"[fe80::1%25eth0]:80", local="fe80::1"))
        self.assertIsNone(self.refusal(b"[fe80::1%eth0]", local="fe80::1%eth0"))
        self.assertIsNone(self.refusal(b"127.0.0.1:1", local="::ffff:127.0.0.1"))
        self.assertIsNone(self.refusal(b"[::1]:8080", local="::1"))

    def test_loopbackOnLoopback(self) -> None:
        """
        Any loopback literal is ours on a loopback connection, not on
        another.
        """
        self.assertIsNone(self.refusal(b"127.0.0.2", local="127.0.0.1"))
        self.assertIsNone(self.refusal(b"[::1]", local="127.0.0.1"))
        self.assertEqual(self.refusal(b"127.0.0.1", local="192.168.1.5"), 421)

    def test_namesAndConfigured(self) -> None:
        """
        localhost and the configured names and literals are accepted, in
        any case and with a final dot; other names and addresses are 421.
        """
        for host in (b"localhost:8080", b"LOCALHOST.", b"Media.Example:1", b"203.0.113.7", b"[2001:db8::7]:9"):
            self.assertIsNone(self.refusal(host), host)
        for host in (b"evil.example", b"media.example.evil", b"10.0.0.1", b"[2001:db8::8]", b"localhost.evil"):
            self.assertEqual(self.refusal(host), 421, host)

    def test_missingMalformedOrRepeated(self) -> None:
        """
        No Host is fine from HTTP/1.0 and 400 from HTTP/1.1; several Hosts,
        an unbracketed IPv6 literal, a bad port or junk are 400.
        """
        self.assertIsNone(self.refusal(None, version=b"HTTP/1.0"))
        self.assertEqual(self.refusal(None), 400)
        self.assertEqual(self.policy.refusal([b"localhost", b"localhost"], b"HTTP/1.1", "127.0.0.1"), 400)
        for host in (b"::1", b"a b", b"host:99999", b"host:", b"[::1", b"user@host", b"h/x", b""):
            self.assertEqual(self.refusal(host, local="::1"), 400, host)

    def test_rememberedWithinBound(self) -> None:
        """
        Accepted values are remembered, never more than a few hundred.
        """
        for port in range(1000):
            self.assertIsNone(self.refusal(b"localhost:%d" % (port,)))
        self.assertLessEqual(len(self.policy._accepted), 256)

    def test_hostValues(self) -> None:
        """
        The Host values of a head, any case, blanks trimmed.
        """
        self.assertEqual(hostValues(b"GET / HTTP/1.1\r\nhOsT:  a:1 \r\nX: y\r\nHost: b"), [b"a:1", b"b"])
        self.assertEqual(hostValues(b"GET / HTTP/1.1\r\nX-Host: a"), [])


class SiteChannelTests(SynchronousTestCase):
    """
    A device site with a policy refuses foreign Hosts on both the fast path
    and the twisted.web path, and counts them.
    """

    def setUp(self) -> None:
        self.stats = Stats()
        self.site = makeSite(
            [buildDocuments(jambon())], server="T/1 UPnP/1.1 c/1", stats=self.stats, reactor=Clock(),
            hostPolicy=HostPolicy.allowing(["tv.example"]),
        )
        self.site.startFactory()
        self.addCleanup(self.site.stopFactory)

    def exchange(self, data: bytes) -> bytes:
        local = IPv4Address("TCP", "192.168.1.5", 8200)
        client = IPv4Address("TCP", "192.168.1.9", 40000)
        channel = self.site.buildProtocol(client)
        assert isinstance(channel, LimitedHTTPChannel)
        transport = StringTransport(hostAddress=local, peerAddress=client)
        channel.makeConnection(transport)
        self.addCleanup(channel.connectionLost, Failure(ConnectionDone()))
        channel.dataReceived(data)
        return transport.value()

    def test_descriptionFastPath(self) -> None:
        """
        The description is served to our literal and a configured name,
        refused with 421 to a rebinding name, and 400 without Host.
        """
        for host, status in ((b"192.168.1.5:8200", b"200"), (b"tv.example", b"200"), (b"evil.example:8200", b"421")):
            answer = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
            self.assertTrue(answer.startswith(b"HTTP/1.1 " + status + b" "), (host, answer[:40]))
        answer = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.1\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer[:40])
        self.assertEqual(self.stats["http.rejected.host"], 2)

    def test_controlAndOtherPaths(self) -> None:
        """
        A SOAP POST, an unknown path and HEAD get 421 too, before their
        resource sees them; HTTP/1.0 without Host is served.
        """
        control = layout.servicePath(jambon(), jambon().services[0], layout.CONTROL).encode("ascii")
        answer = self.exchange(
            b"POST " + control + b" HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
        )
        self.assertTrue(answer.startswith(b"HTTP/1.1 421 Misdirected Request"), answer[:60])
        answer = self.exchange(b"HEAD /nothing HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 421 "), answer[:40])
        answer = self.exchange(b"GET " + DESCRIPTION + b" HTTP/1.0\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.0 200 "), answer[:40])


class Collect(Protocol):
    """
    Sends a request, keeps the answer.
    """

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.received = b""
        self.lost: defer.Deferred[bytes] = defer.Deferred()

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(self.request)

    def dataReceived(self, data: bytes) -> None:
        self.received += data

    def connectionLost(self, reason: Failure | None = None) -> None:
        self.lost.callback(self.received)


class LoopbackTests(TestCase):
    """
    Over real loopback sockets, IPv4 and IPv6.
    """

    @defer.inlineCallbacks
    def answer(self, interface: str, host: bytes) -> Any:
        site = makeSite([buildDocuments(jambon())], hostPolicy=HostPolicy.allowing(()))
        port = reactor.listenTCP(0, site, interface=interface)  # type: ignore[arg-type]
        self.addCleanup(port.stopListening)
        number = port.getHost().port  # type: ignore[attr-defined]
        if ":" in interface:
            endpoint: Any = TCP6ClientEndpoint(reactor, interface, number)
        else:
            endpoint = TCP4ClientEndpoint(reactor, interface, number)
        client = Collect(b"GET " + DESCRIPTION + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        yield connectProtocol(endpoint, client)
        received = yield client.lost
        return received.split(b" ", 2)[1]

    @defer.inlineCallbacks
    def test_literalsAndRebinding(self) -> Any:
        """
        127.0.0.1 and [::1] (with their ports) and localhost are served; a
        foreign name on either family is 421.
        """
        self.assertEqual((yield self.answer("127.0.0.1", b"127.0.0.1:1900")), b"200")
        self.assertEqual((yield self.answer("::1", b"[::1]:1900")), b"200")
        self.assertEqual((yield self.answer("::1", b"localhost")), b"200")
        self.assertEqual((yield self.answer("127.0.0.1", b"attacker.example")), b"421")
        self.assertEqual((yield self.answer("::1", b"attacker.example:80")), b"421")


class OptionTests(SynchronousTestCase):
    """
    C{--allow-host} reaches the host settings, repeated, and refuses
    what is no host name.
    """

    def parse(self, *arguments: str) -> Options:
        options = Options(systemInterfaces=lambda: [], identity=lambda stateDirectory: "0" * 32)
        options.parseOptions(list(arguments))
        return options

    def test_repeatedNamesReachTheSettings(self) -> None:
        """
        Each C{--allow-host} is kept, in order; none by default.
        """
        settings = settingsFrom(self.parse("--allow-host", "tv.example", "--allow-host", "[2001:db8::1]"))
        self.assertEqual(settings.allowedHosts, ("tv.example", "[2001:db8::1]"))
        self.assertEqual(settingsFrom(self.parse()).allowedHosts, ())

    def test_badNameIsAUsageError(self) -> None:
        """
        A URL or a blank is refused, naming the option.
        """
        for bad in ("http://tv.example/", " ", "a b"):
            error = self.assertRaises(UsageError, self.parse, "--allow-host", bad)
            self.assertIn("--allow-host", str(error))
