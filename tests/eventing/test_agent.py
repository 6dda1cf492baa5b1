"""
Tests for L{coherence_lite.eventing.agent}: the HTTP client of event
messages connects to literal addresses only and logs nothing per delivery
(through L{coherence_lite.http.client}'s quiet pool, tested here too: a
C{tests/http} package would hide the standard library's C{http} from the
probe scripts that run from C{tests/}).
"""

from __future__ import annotations

from twisted.internet import reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP6ClientEndpoint
from twisted.internet.task import deferLater
from twisted.internet.testing import MemoryReactorClock
from twisted.logger import LogEvent, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import URI, Agent, HTTPConnectionPool
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgent
from twisted.web.server import Site

from coherence_lite.eventing.agent import BytesProducer, DiscardBody, _LiteralEndpointFactory, deliveryAgent
from coherence_lite.http.client import QuietConnectionPool, quietPool
from tests.support.eventing_http import Recorder


class DeliveryAgentTests(SynchronousTestCase):
    """
    The agent of real deliveries connects to literal addresses only.
    """

    def test_endpointsForLiteralAddresses(self) -> None:
        """
        IPv4 and IPv6 (with a zone) URLs give TCP endpoints with the
        connect timeout; host names and other schemes are refused.
        """
        reactor = MemoryReactorClock()
        factory = _LiteralEndpointFactory(reactor, 7)
        v4 = factory.endpointForURI(URI.fromBytes(b"http://192.168.1.20:4000/"))
        self.assertIsInstance(v4, TCP4ClientEndpoint)
        self.assertEqual((v4._host, v4._port, v4._timeout), ("192.168.1.20", 4000, 7))  # type: ignore[attr-defined]
        v6 = factory.endpointForURI(URI.fromBytes(b"http://[fe80::1%25eth0]:4000/"))
        self.assertIsInstance(v6, TCP6ClientEndpoint)
        self.assertEqual(v6._host, "fe80::1%eth0")  # type: ignore[attr-defined]
        self.assertRaises(ValueError, factory.endpointForURI, URI.fromBytes(b"http://printer.local/"))
        self.assertRaises(ValueError, factory.endpointForURI, URI.fromBytes(b"https://192.168.1.20/"))

    def test_deliveryAgentConnectsWithoutResolving(self) -> None:
        """
        The delivery agent connects straight to the literal address, with
        the connect timeout, without any name lookup.
        """
        reactor = MemoryReactorClock()
        agent = deliveryAgent(reactor, connectTimeout=3)
        agent.request(b"NOTIFY", b"http://127.0.0.1:4567/x")
        [(host, port, _, timeout, _)] = reactor.tcpClients
        self.assertEqual((host, port, timeout), ("127.0.0.1", 4567, 3))


class DeliveryLogTests(TestCase):
    """
    Real deliveries on loopback, with every log event counted.
    """

    async def deliver(self, agent: IAgent, count: int) -> None:
        """
        Send C{count} NOTIFYs through C{agent} to a subscriber server on
        127.0.0.1.
        """
        recorder = Recorder()
        site = Site(recorder)
        site.noisy = False
        port = reactor.listenTCP(0, site, interface="127.0.0.1")  # type: ignore[attr-defined]
        self.addCleanup(port.stopListening)
        url = b"http://127.0.0.1:%d/ev" % (port.getHost().port,)
        for seq in range(count):
            headers = Headers({b"SID": [b"uuid:00000000-0000-4000-8000-000000000001"], b"SEQ": [b"%d" % seq]})
            response = await agent.request(b"NOTIFY", url, headers, BytesProducer(b""))
            response.deliverBody(DiscardBody())
        await recorder.waitFor(count)

    async def test_noLogLinePerDelivery(self) -> None:
        """
        Ten deliveries through L{deliveryAgent} log nothing on the client
        side, while ten through Twisted's own pool log two lines each
        (C{Starting factory}, C{Stopping factory}, the latter when the
        connection closes): twenty in all, none of them from ours.
        """
        events: list[LogEvent] = []
        globalLogPublisher.addObserver(events.append)
        self.addCleanup(globalLogPublisher.removeObserver, events.append)

        def client() -> list[LogEvent]:
            return [e for e in events if e.get("log_namespace", "").startswith(("twisted.web.client", "coherence_lite"))]

        await self.deliver(deliveryAgent(reactor), 10)
        self.assertEqual(client(), [])
        await self.deliver(Agent(reactor, pool=HTTPConnectionPool(reactor, persistent=False)), 10)
        for _ in range(500):
            if len(client()) >= 20:
                break
            await deferLater(reactor, 0.01, lambda: None)
        self.assertEqual(len(client()), 20)


class QuietPoolTests(SynchronousTestCase):
    """
    L{quietPool} against Twisted's own pool.
    """

    def startAndStop(self, pool: HTTPConnectionPool) -> list[LogEvent]:
        """
        The log events of starting and stopping one connection's factory
        of C{pool}.
        """
        events: list[LogEvent] = []
        globalLogPublisher.addObserver(events.append)
        self.addCleanup(globalLogPublisher.removeObserver, events.append)
        factory = pool._factory(lambda protocol: None, "endpoint")
        factory.doStart()
        factory.doStop()
        return events

    def test_factoriesAreQuiet(self) -> None:
        """
        Twisted's pool logs C{Starting factory} and C{Stopping factory}
        for every connection; the quiet pool logs nothing.
        """
        reactor = MemoryReactorClock()
        self.assertEqual(len(self.startAndStop(HTTPConnectionPool(reactor))), 2)
        self.assertEqual(self.startAndStop(quietPool(reactor)), [])

    def test_persistentOnlyWhenAsked(self) -> None:
        """
        The pool keeps no connection open unless asked to.
        """
        reactor = MemoryReactorClock()
        self.assertIsInstance(quietPool(reactor), QuietConnectionPool)
        self.assertFalse(quietPool(reactor).persistent)
        self.assertTrue(quietPool(reactor, persistent=True).persistent)
