"""
Tests for L{coherence_lite.http.listener.WebServerService}: a site served
on a real loopback port, a taken port refused in one line, the port closed
on stop.
"""

from __future__ import annotations

import socket

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, readBody
from twisted.web.resource import Resource
from twisted.web.server import Site
from twisted.web.static import Data

from coherence_lite.errors import StartupError
from coherence_lite.http.listener import WebServerService
from tests.support import freeTCPPort


def _site() -> Site:
    root = Resource()
    root.putChild(b"hello", Data(b"hello", "text/plain"))
    return Site(root)


class WebServerServiceTests(TestCase):
    """
    L{WebServerService} on 127.0.0.1.
    """

    @inlineCallbacks
    def test_servesAndCloses(self) -> object:
        """
        Started on port 0 it serves the site on the port it got; stopped,
        the port is free again.
        """
        service = WebServerService(_site(), 0, reactor, "127.0.0.1")
        service.startService()
        port = service.port
        self.assertTrue(service.running)
        response = yield Agent(reactor).request(b"GET", f"http://127.0.0.1:{port}/hello".encode())
        self.assertEqual((response.code, (yield readBody(response))), (200, b"hello"))
        yield service.stopService()
        self.assertFalse(service.running)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # Shared with the closed connection's TIME_WAIT, not with a listener.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
            probe.listen(1)
        self.assertIsNone(service.stopService())

    def test_takenPort(self) -> None:
        """
        A port another socket listens on is a L{StartupError} naming the
        port and the reason, and the service does not run.
        """
        port = freeTCPPort()
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(holder.close)
        holder.bind(("127.0.0.1", port))
        holder.listen(1)
        service = WebServerService(_site(), port, reactor, "127.0.0.1")
        error = self.assertRaises(StartupError, service.startService)
        self.assertEqual(str(error), f"HTTP port {port}: Address already in use")
        self.assertFalse(service.running)
