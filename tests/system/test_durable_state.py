# -*- test-case-name: tests.system.test_durable_state -*-
"""
An acknowledged change survives C{kill -9}: the real daemon
(C{twistd -n upnp-device} on 127.0.0.1, free ports, a state directory of
its own) is killed with SIGKILL the moment SetTarget's 200 arrives, then
started again: GetTarget answers the acknowledged value, every time.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import Deferred, inlineCallbacks
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent

from coherence_lite.model.devicefile import loadDevice

from tests.support.control import callAction, controlURL
from tests.support.devicefile import EXAMPLES
from tests.support import freeTCPPort, freeUDPPort

reactor: Any = _globalReactor

ROOT = Path(__file__).resolve().parent.parent.parent

#: How many times the daemon is killed right after a 200.
KILLS = 10


class Daemon(ProcessProtocol):
    """
    One run of the daemon: C{hosting} fires with the UDN it hosts, C{ended}
    once it has exited.
    """

    def __init__(self) -> None:
        self.output = bytearray()
        self.hosting: Deferred[str] = Deferred()
        self.ended: Deferred[None] = Deferred()
        self.running = True

    def outReceived(self, data: bytes) -> None:
        self.output += data
        found = re.search(rb"Hosting .* \((uuid:[0-9a-f-]+)\)", self.output)
        if found is not None and not self.hosting.called:
            self.hosting.callback(found.group(1).decode("ascii"))

    errReceived = outReceived

    def processEnded(self, reason: Failure) -> None:
        self.running = False
        if not self.hosting.called:
            self.hosting.errback(RuntimeError("the daemon exited before hosting: " + self.output.decode(errors="replace")))
        self.ended.callback(None)


class KillTests(TestCase):
    """
    SIGKILL right after the 200 of SetTarget keeps the acknowledged value.
    """

    timeout = 120

    def start(self, state: Path, httpPort: int) -> tuple[Daemon, Any]:
        """
        Start the daemon hosting the binary light, keeping its state in
        C{state}; it is killed (by its PID) when the test ends.
        """
        daemon = Daemon()
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        process = reactor.spawnProcess(
            daemon,
            sys.executable,
            [
                sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
                "-n", "--pidfile=", "--logfile=-", "upnp-device", "--interface", "127.0.0.1", "--no-ipv6",
                "--ssdp-port", str(freeUDPPort()), "--http-port", str(httpPort), "--state-dir", str(state),
                "--config", str(EXAMPLES / "binary-light.toml"),
            ],
            env=environment,
            path=str(ROOT),
        )

        def kill() -> Deferred[None] | None:
            if not daemon.running:
                return None
            process.signalProcess("KILL")
            return daemon.ended

        self.addCleanup(kill)
        return daemon, process

    @inlineCallbacks
    def test_acknowledgedTargetSurvivesKill9(self) -> Any:
        """
        Each run: GetTarget answers what the previous run acknowledged, then
        SetTarget flips it and the daemon is SIGKILLed as soon as the 200 is
        read.  The acknowledged value is kept every time.
        """
        state = Path(self.mktemp()).resolve()
        agent = Agent(reactor)
        light = loadDevice(EXAMPLES / "binary-light.toml", hostname="tests")
        service = light.services[0]
        acknowledged: str | None = None
        kept = 0
        for run in range(KILLS + 1):
            httpPort = freeTCPPort()
            daemon, process = self.start(state, httpPort)
            udn = yield daemon.hosting
            url = controlURL(httpPort, replace(light, UDN=udn), service)
            code, _, body = yield callAction(agent, url, service.serviceType, "GetTarget")
            self.assertEqual(code, 200, body)
            if acknowledged is not None:
                kept += f"<RetTargetValue>{acknowledged}</RetTargetValue>".encode("ascii") in body
            if run == KILLS:
                process.signalProcess("KILL")
                yield daemon.ended
                break
            value = "0" if b"<RetTargetValue>1</RetTargetValue>" in body else "1"
            code, _, body = yield callAction(agent, url, service.serviceType, "SetTarget", {"newTargetValue": value})
            process.signalProcess("KILL")
            self.assertEqual(code, 200, body)
            acknowledged = value
            yield daemon.ended
        self.assertEqual(kept, KILLS, f"acknowledged value kept {kept} of {KILLS} times")
