# -*- test-case-name: tests.host.test_shutdown -*-
"""
Shutdown of the real daemon: C{twistd -n upnp-device} on 127.0.0.1 and a
free SSDP port, stopped with SIGTERM or SIGINT, must say byebye for
everything it announced and exit within 5 seconds.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import inlineCallbacks
from twisted.internet.error import ProcessDone, ProcessTerminated
from twisted.internet.task import deferLater
from twisted.trial.unittest import TestCase

from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.message import ALIVE, BYEBYE, Notify
from coherence_lite.tap import Options

from tests.support import freeUDPPort
from tests.support.daemon import DaemonProcess, startDaemon
from tests.host.test_service import Collector, groupListener

reactor: Any = _globalReactor


#: The longest the daemon may take to exit once signalled.
EXIT_WITHIN = 5.0


class ShutdownTests(TestCase):
    """
    The daemon in a subprocess, heard by a group member on loopback.
    """

    timeout = 40

    def arguments(self, ssdpPort: int) -> list[str]:
        """
        The C{upnp-device} options of the daemon under test.
        """
        if not hasattr(self, "_stateDirectory"):
            self._stateDirectory = os.path.abspath(self.mktemp())
        return ["--interface", "127.0.0.1", "--ssdp-port", str(ssdpPort), "--state-dir", self._stateDirectory]

    def start(self, ssdpPort: int) -> DaemonProcess:
        return startDaemon(self, self.arguments(ssdpPort))

    @inlineCallbacks
    def stopsWithin5SecondsSayingByebye(self, signalNumber: int) -> Any:
        ssdpPort = freeUDPPort()
        listener = groupListener(self, ssdpPort)
        daemon = self.start(ssdpPort)
        options = Options()
        options.parseOptions(self.arguments(ssdpPort))
        announced = {(entry.nt, entry.usn) for entry in advertisements(options["device"])}
        yield daemon.ready

        def aliveFor(collector: Collector) -> set[tuple[str, str]]:
            return {(n.nt, n.usn) for n in collector.ofType(Notify) if n.nts == ALIVE}

        yield listener.waitFor(lambda c: aliveFor(c) >= announced)
        self.assertEqual(aliveFor(listener), announced)
        signalled = time.monotonic()
        daemon.signal(signalNumber)
        ended, reason = yield daemon.ended
        self.assertLess(ended - signalled, EXIT_WITHIN, daemon.output.decode(errors="replace"))
        # twistd exits with status 0, or (recent versions) by re-raising the
        # signal it was stopped with once the shutdown is complete.
        self.assertIsInstance(reason.value, (ProcessDone, ProcessTerminated))
        self.assertIn(
            (reason.value.exitCode, reason.value.signal), [(0, None), (None, signalNumber)], daemon.output.decode(errors="replace")
        )

        def saidByebye(collector: Collector) -> bool:
            return {(n.nt, n.usn) for n in collector.ofType(Notify) if n.nts == BYEBYE} >= announced

        yield listener.waitFor(saidByebye, timeout=2)
        byebyes = {(n.nt, n.usn) for n in listener.ofType(Notify) if n.nts == BYEBYE}
        self.assertEqual(byebyes, announced)
        output = daemon.output.decode(errors="replace")
        self.assertIn("Stats: ", output)
        self.assertNotIn("Traceback", output)
        # Let the listener hear any straggler before it closes.
        yield deferLater(reactor, 0, lambda: None)

    def test_sigtermSaysByebyeAndExitsWithin5Seconds(self) -> Any:
        """
        SIGTERM makes the daemon say byebye for everything it announced and exit within 5 seconds,
        without a traceback.
        """
        return self.stopsWithin5SecondsSayingByebye(signal.SIGTERM)

    def test_sigintSaysByebyeAndExitsWithin5Seconds(self) -> Any:
        """
        SIGINT makes the daemon say byebye for everything it announced and exit within 5 seconds,
        without a traceback.
        """
        return self.stopsWithin5SecondsSayingByebye(signal.SIGINT)
