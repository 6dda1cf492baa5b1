"""
Tests for L{coherence_lite.host.preflight}: what the launching twistd
checks before it forks a daemon, with real sockets on loopback.
"""

from __future__ import annotations

import socket
from dataclasses import replace

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.preflight import startProblem
from coherence_lite.host.settings import HostSettings
from coherence_lite.net.interfaces import InterfaceReport

from tests.support import freeTCPPort, freeUDPPort, link

LOOPBACK = [InterfaceReport("lo", True, "requested", (link("127.0.0.1/8", "lo", 1),))]


class StartProblemTests(SynchronousTestCase):
    """
    L{startProblem}.
    """

    def setUp(self) -> None:
        self.settings = HostSettings(interfaces=("127.0.0.1",), httpPort=freeTCPPort(), ssdpPort=freeUDPPort())

    def taken(self, kind: int, port: int) -> None:
        """
        Hold C{port} on every address without sharing it, until the test
        ends.
        """
        holder = socket.socket(socket.AF_INET, kind)
        self.addCleanup(holder.close)
        holder.bind(("", port))
        if kind == socket.SOCK_STREAM:
            holder.listen(1)

    def test_freePortsAreNoProblem(self) -> None:
        """
        Free ports, or HTTP port 0, stand in nobody's way; the probes leave
        the ports free.
        """
        self.assertIsNone(startProblem(self.settings, lambda: LOOPBACK))
        self.assertIsNone(startProblem(replace(self.settings, httpPort=0), lambda: LOOPBACK))
        self.taken(socket.SOCK_STREAM, self.settings.httpPort)

    def test_takenHTTPPort(self) -> None:
        """
        A taken HTTP port is said as the started host would say it.
        """
        self.taken(socket.SOCK_STREAM, self.settings.httpPort)
        self.assertEqual(
            startProblem(self.settings, lambda: LOOPBACK), f"HTTP port {self.settings.httpPort}: Address already in use"
        )

    def test_ssdpPortHeldWithoutSharing(self) -> None:
        """
        An SSDP port another program holds without sharing it is said too.
        """
        self.taken(socket.SOCK_DGRAM, self.settings.ssdpPort)
        self.assertEqual(
            startProblem(self.settings, lambda: LOOPBACK), f"SSDP port {self.settings.ssdpPort}: Address already in use"
        )

    def test_noInterfaceWithoutPolling(self) -> None:
        """
        No interface to serve is a problem only when the host would not
        wait for one (poll interval 0).
        """
        skipped = [InterfaceReport("eth0", False, "not requested")]
        self.assertIsNone(startProblem(self.settings, lambda: skipped))
        problem = startProblem(replace(self.settings, pollInterval=0), lambda: skipped)
        self.assertEqual(problem, "no usable network interface (see --list-interfaces; name one with --interface)")
