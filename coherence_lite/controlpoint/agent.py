# -*- test-case-name: tests.controlpoint.test_agent -*-
"""
The control point's HTTP client: Twisted's L{Agent} taught IPv6 zones.

Twisted's own endpoint for a URL resolves the host and connects to the
address it got back, dropping the zone of C{fe80::1%eth0}: the connection
to a link-local device then fails with C{EINVAL}.  L{ZoneEndpointFactory}
connects to a zoned literal with L{TCP6ClientEndpoint}, which keeps it;
every other URL goes where Twisted sends it.  L{ZoneAgent} also keeps the
zone out of the C{Host} header (RFC 6874: the zone is the sender's
business).  Every HTTP request of the control point side (descriptions,
SOAP, GENA, the checker) goes through L{clientAgent}.
"""

from __future__ import annotations

from twisted.internet.defer import Deferred
from twisted.internet.endpoints import HostnameEndpoint, TCP6ClientEndpoint
from twisted.internet.interfaces import IStreamClientEndpoint
from twisted.web.client import URI, Agent
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgent, IAgentEndpointFactory, IBodyProducer, IResponse
from zope.interface import implementer

from coherence_lite._reactor import Reactor
from coherence_lite.http.client import quietPool
from coherence_lite.net.zones import socketHost, splitZone, urlHost, withoutZone

__all__ = ["ZoneEndpointFactory", "ZoneAgent", "clientAgent"]


@implementer(IAgentEndpointFactory)
class ZoneEndpointFactory:
    """
    Endpoints for C{http} URLs: a zoned IPv6 literal is connected to with
    its zone, anything else as Twisted's L{Agent} would.

    @param connectTimeout: seconds a connection may take, L{None} for
        Twisted's default.
    """

    def __init__(self, reactor: Reactor, connectTimeout: float | None = None) -> None:
        self._reactor = reactor
        self._timeout = connectTimeout

    def endpointForURI(self, uri: URI) -> IStreamClientEndpoint:
        """
        The endpoint of C{uri}'s host and port.

        @raise ValueError: not an C{http} URL, or a host that is not ASCII.
        """
        if uri.scheme != b"http":
            raise ValueError(f"not an http URL: {uri.toBytes()!r}")
        host = uri.host.decode("ascii")
        timeout = 30.0 if self._timeout is None else self._timeout
        if splitZone(host)[1] is not None:
            return TCP6ClientEndpoint(self._reactor, socketHost(host), uri.port, timeout=timeout)
        return HostnameEndpoint(self._reactor, host, uri.port, timeout=timeout)


def _hostHeader(url: str) -> bytes | None:
    """
    The C{Host} header of a zoned URL (its authority without the zone);
    L{None} when the URL has no zone and Twisted's own header is right.
    """
    host = urlHost(url)
    if host is None or splitZone(host)[1] is None:
        return None
    uri = URI.fromBytes(withoutZone(url).encode("ascii"))
    return uri.netloc


@implementer(IAgent)
class ZoneAgent:
    """
    An L{IAgent} for URLs that may carry an IPv6 zone.

    @param agent: the agent sending the requests; its endpoints must
        understand zones (L{ZoneEndpointFactory}).
    """

    def __init__(self, agent: IAgent) -> None:
        self._agent = agent

    def request(
        self,
        method: bytes,
        uri: bytes,
        headers: Headers | None = None,
        bodyProducer: IBodyProducer | None = None,
    ) -> Deferred[IResponse]:
        """
        Send the request, with a C{Host} header without zone.
        """
        host = _hostHeader(uri.decode("ascii", "replace"))
        if host is not None:
            headers = Headers() if headers is None else headers.copy()
            if not headers.hasHeader(b"host"):
                headers.setRawHeaders(b"host", [host])
        return self._agent.request(method, uri, headers, bodyProducer)


def clientAgent(reactor: Reactor, connectTimeout: float | None = None) -> IAgent:
    """
    The agent of the control point side: zones understood, no connection
    kept (each request is to a device that may be gone by the next one).
    """
    pool = quietPool(reactor)
    factory = ZoneEndpointFactory(reactor, connectTimeout)
    return ZoneAgent(Agent.usingEndpointFactory(reactor, factory, pool=pool))
