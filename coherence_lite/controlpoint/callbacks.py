# -*- test-case-name: tests.controlpoint.test_subscriber -*-
"""
The subscriber's own HTTP server, where devices deliver events (GENA
NOTIFY), and how to choose the address it listens on.

L{localAddressFor} asks the OS which local address reaches a device (a
UDP socket is "connected", which sends nothing), so the callback server
listens only on the interface the device is on: the device may deliver
there and CallStranger-safe devices accept nothing else.

L{CallbackServer} is a L{LimitedSite} (the host's caps on connections,
heads, bodies and time) whose only resource answers C{NOTIFY} on
C{/<token>} paths: the headers are checked by
L{coherence_lite.eventing.message.classifyNotify}, the body read by
L{coherence_lite.eventing.message.parsePropertySet}, and the result handed
to the L{NotifyTarget} registered for the token.  Everything else is 404
or 405.
"""

from __future__ import annotations

import socket
from typing import Protocol, cast

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IListeningPort
from twisted.internet.protocol import ServerFactory
from twisted.logger import Logger
from twisted.web.resource import Resource
from twisted.web.server import Request

from coherence_lite.eventing.message import EventNotify, SubscriptionError, classifyNotify, parsePropertySet
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.http.server import LimitedSite
from coherence_lite.net.interfaces import parseAddress
from coherence_lite._reactor import Reactor
from coherence_lite.net.zones import splitZone

__all__ = ["NotifyTarget", "CallbackServer", "localAddressFor"]

log = Logger()


def localAddressFor(host: str, port: int = 80) -> str:
    """
    The local address this machine uses to reach C{host}, a literal
    address: the one to listen on for its events.  Nothing is sent.

    @param host: the device's address; a link-local one with its zone
        (C{fe80::1%eth0}, or C{%25} as in a URL).
    @return: the local address; a link-local one with the same zone (to
        listen on that interface only), which never goes in a CALLBACK URL
        (see L{CallbackServer.urlFor}).
    @raise OSError: there is no route to C{host} (a link-local address
        without a zone has none).
    @raise ValueError: C{host} is not a literal address.
    """
    text, zone = splitZone(host)
    address = parseAddress(text)
    if address is None:
        raise ValueError(f"{host!r} is not an IP address")
    probe = socket.socket(socket.AF_INET if address.version == 4 else socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        if address.version == 4:
            probe.connect((str(address), port))
        else:
            scope = 0 if zone is None else (int(zone) if zone.isdigit() else socket.if_nametoindex(zone))
            probe.connect((str(address), port, 0, scope))
        local: str = probe.getsockname()[0]
    finally:
        probe.close()
    local = local.partition("%")[0]
    localAddress = parseAddress(local)
    if zone is not None and localAddress is not None and localAddress.version == 6 and localAddress.is_link_local:
        return f"{local}%{zone}"
    return local


class NotifyTarget(Protocol):
    """
    What receives the event messages of one callback path.
    """

    def notifyReceived(self, notify: EventNotify, properties: tuple[tuple[str, str], ...]) -> int:
        """
        An event message with valid headers and body arrived.

        @return: the HTTP status to answer: 200, or 412 for a SID that is
            not the subscription's.
        """


class _NotifyResource(Resource):
    isLeaf = True

    def __init__(self, targets: dict[bytes, NotifyTarget]) -> None:
        super().__init__()
        self._targets = targets

    def render(self, request: Request) -> bytes:
        target = self._targets.get(request.path.strip(b"/"))
        if target is None:
            request.setResponseCode(404)
            return b""
        if request.method != b"NOTIFY":
            request.setResponseCode(405)
            request.setHeader(b"Allow", b"NOTIFY")
            return b""
        headers = {
            name.decode("latin-1"): values[0].decode("latin-1")
            for name, values in request.requestHeaders.getAllRawHeaders()
            if values
        }
        notify = classifyNotify(headers)
        if isinstance(notify, SubscriptionError):
            log.debug("Event message refused ({reason})", reason=notify.reason)
            request.setResponseCode(notify.status)
            return b""
        assert request.content is not None
        properties = parsePropertySet(request.content.read())
        if isinstance(properties, str):
            log.debug("Event body refused ({reason})", reason=properties)
            request.setResponseCode(400)
            return b""
        request.setResponseCode(target.notifyReceived(notify, properties))
        return b""


class CallbackServer:
    """
    An HTTP server for event messages, on one local address.

    @param reactor: listens and times the connections.
    @param address: the local address to listen on.
    @param limits: the caps of the site.
    """

    def __init__(self, reactor: Reactor, address: str, limits: HTTPLimits = HTTPLimits(maxConnections=64)) -> None:
        self._reactor = reactor
        self.address = address
        self._targets: dict[bytes, NotifyTarget] = {}
        self._site = LimitedSite(_NotifyResource(self._targets), limits, reactor=reactor)
        self._port: IListeningPort | None = None

    def start(self) -> None:
        """
        Listen on a free port of the address.

        @raise twisted.internet.error.CannotListenError: it cannot.
        """
        if self._port is None:
            # Twisted types Site as a factory of its own channel wrapper,
            # which its listenTCP does not name: hence the cast.
            self._port = self._reactor.listenTCP(0, cast(ServerFactory, self._site), interface=self.address)

    def stop(self) -> object:
        """
        Stop listening.

        @return: what the port's C{stopListening} returns (a L{Deferred} or
            L{None}).
        """
        port, self._port = self._port, None
        return None if port is None else port.stopListening()

    def urlFor(self, token: str) -> str:
        """
        The callback URL of C{token}'s path (a link-local address without
        its zone: the device reaches it through its own interface).
        """
        assert self._port is not None, "start() first"
        address = splitZone(self.address)[0]
        host = address if ":" not in address else f"[{address}]"
        bound = self._port.getHost()
        assert isinstance(bound, (IPv4Address, IPv6Address)), bound
        return f"http://{host}:{bound.port}/{token}"

    def add(self, token: str, target: NotifyTarget) -> None:
        """
        Deliver the event messages of C{/token} to C{target}.
        """
        self._targets[token.encode("ascii")] = target

    def remove(self, token: str) -> None:
        """
        Answer C{/token} with 404 from now on.
        """
        self._targets.pop(token.encode("ascii"), None)

    def __len__(self) -> int:
        return len(self._targets)
