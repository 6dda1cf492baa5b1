# -*- test-case-name: tests.http.test_listener,tests.host.test_service -*-
"""
The device host's HTTP listener: L{WebServerService}, a L{Site} on one TCP
port (both address families when it can), refused in one line when the
port is taken.
"""

from __future__ import annotations

from typing import cast

from twisted.application.service import Service
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IListeningPort, IReactorTCP
from twisted.internet.protocol import ServerFactory
from twisted.web.server import Site

from coherence_lite.errors import StartupError

__all__ = ["WebServerService"]


class WebServerService(Service):
    """
    Listens for HTTP with a L{Site}.

    @ivar port: the bound port number, once started.
    """

    def __init__(self, site: Site, port: int, reactor: IReactorTCP, interface: str | None = None) -> None:
        self.site = site
        self.requestedPort = port
        self.interface = interface
        self._reactor = reactor
        self._listening: IListeningPort | None = None

    @property
    def port(self) -> int:
        """
        The port HTTP is served on.
        """
        assert self._listening is not None, "the web server is not running"
        address = self._listening.getHost()
        assert isinstance(address, (IPv4Address, IPv6Address)), address
        return address.port

    def startService(self) -> None:
        """
        Bind the HTTP port.

        @raise StartupError: the port is not free.
        """
        candidates = [self.interface] if self.interface is not None else ["::", ""]
        error: CannotListenError | None = None
        for interface in candidates:
            try:
                # Twisted types Site as a factory of its own channel wrapper,
                # which its listenTCP does not name: hence the cast.
                factory = cast(ServerFactory, self.site)
                self._listening = self._reactor.listenTCP(self.requestedPort, factory, interface=interface)
                break
            except CannotListenError as e:
                error = e
        else:
            assert error is not None
            reason = getattr(error.socketError, "strerror", None) or error.socketError
            raise StartupError(f"HTTP port {self.requestedPort}: {reason}")
        Service.startService(self)

    def stopService(self) -> Deferred[None] | None:
        """
        Close the HTTP port.
        """
        Service.stopService(self)
        listening, self._listening = self._listening, None
        if listening is None:
            return None
        stopped: Deferred[None] | None = listening.stopListening()
        return stopped
