"""
The daemon in a subprocess, for the tests that need a real one (restarts,
signals, C{kill -9}): L{startDaemon} runs C{twistd -n upnp-device} with
the given options from this checkout and ends it, by its PID only, when the
test ends; L{DaemonProcess} is what the test sees of it.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import Deferred
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase

__all__ = ["DaemonProcess", "startDaemon"]

reactor: Any = _globalReactor

ROOT = Path(__file__).resolve().parents[2]

#: The daemon's "Hosting NAME (UDN) at LOCATION" line, whole.
HOSTING = re.compile(rb"Hosting .* \((uuid:[0-9a-f-]+)\) at (http://\S+)\r?\n")


class DaemonProcess(ProcessProtocol):
    """
    One run of the daemon: its output (stdout and stderr) in C{output};
    C{ready} fires with the time of its first "Hosting" line, whose UDN and
    LOCATION it keeps in C{udn} and C{location}; C{ended} fires with the
    time and reason it exited.
    """

    def __init__(self) -> None:
        self.output = bytearray()
        self.udn = ""
        self.location = ""
        self.ready: Deferred[float] = Deferred()
        self.ended: Deferred[tuple[float, Failure]] = Deferred()
        self.running = True

    def outReceived(self, data: bytes) -> None:
        self.output += data
        if not self.ready.called:
            found = HOSTING.search(self.output)
            if found is not None:
                self.udn, self.location = found.group(1).decode("ascii"), found.group(2).decode("ascii")
                self.ready.callback(time.monotonic())

    errReceived = outReceived

    def processEnded(self, reason: Failure) -> None:
        self.running = False
        if not self.ready.called:
            self.ready.errback(RuntimeError("the daemon exited before hosting: " + self.output.decode(errors="replace")))
        self.ended.callback((time.monotonic(), reason))

    def signal(self, signalNumber: int) -> None:
        """
        Send our own daemon C{signalNumber}, by its PID.
        """
        assert self.transport is not None
        os.kill(self.transport.pid, signalNumber)

    def kill(self) -> Deferred[tuple[float, Failure]] | None:
        """
        SIGKILL our daemon if it still runs; the L{Deferred} fires once it
        is gone.
        """
        if not self.running:
            return None
        assert self.transport is not None
        self.transport.signalProcess("KILL")
        return self.ended


def startDaemon(testCase: SynchronousTestCase, options: list[str], daemon: DaemonProcess | None = None) -> DaemonProcess:
    """
    Run C{twistd -n upnp-device OPTIONS} from this checkout (logging to
    stdout), and kill it when C{testCase} ends.

    @param daemon: the protocol to run it with (a subclass that watches
        for more); a new L{DaemonProcess} by default.
    """
    daemon = DaemonProcess() if daemon is None else daemon
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    reactor.spawnProcess(
        daemon,
        sys.executable,
        [
            sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
            "-n", "--pidfile=", "--logfile=-", "upnp-device", *options,
        ],
        env=environment,
        path=str(ROOT),
    )
    testCase.addCleanup(daemon.kill)
    return daemon
