# -*- test-case-name: tests.eventing.test_agent -*-
"""
The HTTP client of event messages: L{deliveryAgent} and the two pieces a
NOTIFY needs around it (L{BytesProducer} for its body, L{DiscardBody} for
its answer's).
"""

from __future__ import annotations

from ipaddress import IPv6Address, ip_address

from twisted.internet.defer import Deferred, succeed
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP6ClientEndpoint
from twisted.internet.interfaces import IConsumer, IPushProducer, IStreamClientEndpoint
from twisted.internet.protocol import Protocol
from twisted.web.client import URI, Agent
from twisted.web.iweb import IAgent, IAgentEndpointFactory, IBodyProducer
from zope.interface import implementer

from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.http.client import quietPool
from coherence_lite._reactor import Reactor

__all__ = ["BytesProducer", "DiscardBody", "deliveryAgent"]


@implementer(IBodyProducer)
class BytesProducer:
    """
    A request body already in memory.
    """

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.length = len(body)

    def startProducing(self, consumer: IConsumer) -> Deferred[None]:
        """
        Write the whole body.
        """
        consumer.write(self.body)
        return succeed(None)

    def pauseProducing(self) -> None:
        """
        Nothing to pause: the body is written at once.
        """

    def resumeProducing(self) -> None:
        """
        Nothing to resume.
        """

    def stopProducing(self) -> None:
        """
        Nothing to stop.
        """


class DiscardBody(Protocol):
    """
    Takes an answer's body and stops it at once: a subscriber's answer
    carries nothing we need, and reading it would let it hold us.
    """

    def connectionMade(self) -> None:
        """
        Stop the body from coming.
        """
        producer = self.transport
        if IPushProducer.providedBy(producer):
            producer.stopProducing()


@implementer(IAgentEndpointFactory)
class _LiteralEndpointFactory:
    """
    Endpoints to literal addresses only: a URL naming a host is refused
    here too, whatever let it through.
    """

    def __init__(self, reactor: Reactor, connectTimeout: float) -> None:
        self._reactor = reactor
        self._timeout = connectTimeout

    def endpointForURI(self, uri: URI) -> IStreamClientEndpoint:
        if uri.scheme != b"http":
            raise ValueError(f"not an http URL: {uri.toBytes()!r}")
        host = uri.host.decode("ascii").replace("%25", "%")
        address = ip_address(host.partition("%")[0])
        if isinstance(address, IPv6Address):
            return TCP6ClientEndpoint(self._reactor, host, uri.port, timeout=self._timeout)
        return TCP4ClientEndpoint(self._reactor, host, uri.port, timeout=self._timeout)


def deliveryAgent(reactor: Reactor, connectTimeout: float = EventingLimits.connectTimeout) -> IAgent:
    """
    The HTTP client of event messages: connects to literal addresses only
    (IPv6 zones understood), within C{connectTimeout} seconds; follows no
    redirect (a 3xx is a failed attempt); keeps no connection open; logs
    nothing per connection (see L{coherence_lite.http.client}).
    """
    return Agent.usingEndpointFactory(reactor, _LiteralEndpointFactory(reactor, connectTimeout), pool=quietPool(reactor))
