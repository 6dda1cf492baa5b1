# -*- test-case-name: tests.host.test_shutdown -*-
"""
Shutdown of the real daemon: C{twistd -n upnp-device} on 127.0.0.1 and a
free SSDP port, stopped with SIGTERM or SIGINT, must say byebye for
everything it announced and exit within 5 seconds.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import Deferred, inlineCallbacks
from twisted.internet.error import ProcessDone, ProcessTerminated
from twisted.internet.protocol import ProcessProtocol
from twisted.internet.task import deferLater
from twisted.python.failure import Failure
from twisted.trial.unittest import TestCase

from coherence_lite.ssdp.advertisement import advertisements
from coherence_lite.ssdp.message import ALIVE, BYEBYE, Notify
from coherence_lite.tap import Options

from tests.support import freeUDPPort
from tests.host.test_service import Collector, groupListener

reactor: Any = _globalReactor

ROOT = Path(__file__).resolve().parents[2]

#: The longest the daemon may take to exit once signalled.
EXIT_WITHIN = 5.0


class _Daemon(ProcessProtocol):
    """
    Collects a daemon's output; C{ready} fires on its "Hosting" line,
    C{ended} with the time and reason it exited.
    """

    def __init__(self) -> None:
        self.output = bytearray()
        self.ready: Deferred[None] = Deferred()
        self.ended: Deferred[tuple[float, Failure]] = Deferred()
        self.running = True

    def outReceived(self, data: bytes) -> None:
        self.output += data
        if not self.ready.called and b"Hosting" in self.output:
            self.ready.callback(None)

    errReceived = outReceived

    def processEnded(self, reason: Failure) -> None:
        self.running = False
        if not self.ready.called:
            self.ready.errback(RuntimeError("the daemon exited before hosting: " + self.output.decode(errors="replace")))
        self.ended.callback((time.monotonic(), reason))


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

    def start(self, ssdpPort: int) -> _Daemon:
        daemon = _Daemon()
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        process = reactor.spawnProcess(
            daemon,
            sys.executable,
            [
                sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
                "-n", "--pidfile=", "--logfile=-", "upnp-device", *self.arguments(ssdpPort),
            ],
            env=environment,
            path=str(ROOT),
        )
        self.addCleanup(self.kill, daemon, process)
        return daemon

    def kill(self, daemon: _Daemon, process: Any) -> Deferred[Any] | None:
        """
        Make sure our own daemon is gone, by its PID only.
        """
        if not daemon.running:
            return None
        process.signalProcess("KILL")
        return daemon.ended

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
        os.kill(daemon.transport.pid, signalNumber)  # type: ignore[union-attr]
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
