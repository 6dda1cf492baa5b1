# -*- test-case-name: tests.system.test_durable_state -*-
"""
An acknowledged change survives C{kill -9}: the real daemon
(C{twistd -n upnp-device} on 127.0.0.1, free ports, a state directory of
its own) is killed with SIGKILL the moment SetTarget's 200 arrives, then
started again: GetTarget answers the acknowledged value, every time.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import inlineCallbacks
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent

from coherence_lite.model.devicefile import loadDevice

from tests.support.control import callAction, controlURL
from tests.support.devicefile import EXAMPLES
from tests.support import freeTCPPort, freeUDPPort
from tests.support.daemon import DaemonProcess, startDaemon

reactor: Any = _globalReactor


#: How many times the daemon is killed right after a 200.
KILLS = 10


class KillTests(TestCase):
    """
    SIGKILL right after the 200 of SetTarget keeps the acknowledged value.
    """

    timeout = 120

    def start(self, state: Path, httpPort: int) -> DaemonProcess:
        """
        Start the daemon hosting the binary light, keeping its state in
        C{state}; it is killed (by its PID) when the test ends.
        """
        return startDaemon(
            self,
            [
                "--interface", "127.0.0.1", "--no-ipv6", "--ssdp-port", str(freeUDPPort()), "--http-port", str(httpPort),
                "--state-dir", str(state), "--config", str(EXAMPLES / "binary-light.toml"),
            ],
        )

    @inlineCallbacks
    def test_acknowledgedTargetSurvivesKill9(self) -> Any:
        """
        Each run: GetTarget answers what the previous run acknowledged, then
        SetTarget flips it and the daemon is SIGKILLed as soon as the 200 is
        read.  The acknowledged value is kept every time.
        """
        state = Path(self.mktemp()).resolve()
        agent = Agent(reactor)
        light = loadDevice(EXAMPLES / "binary-light.toml", hostname="tests").device
        service = light.services[0]
        acknowledged: str | None = None
        kept = 0
        for run in range(KILLS + 1):
            httpPort = freeTCPPort()
            daemon = self.start(state, httpPort)
            yield daemon.ready
            udn = daemon.udn
            url = controlURL(httpPort, replace(light, UDN=udn), service)
            code, _, body = yield callAction(agent, url, service.serviceType, "GetTarget")
            self.assertEqual(code, 200, body)
            if acknowledged is not None:
                kept += f"<RetTargetValue>{acknowledged}</RetTargetValue>".encode("ascii") in body
            if run == KILLS:
                daemon.kill()
                yield daemon.ended
                break
            value = "0" if b"<RetTargetValue>1</RetTargetValue>" in body else "1"
            code, _, body = yield callAction(agent, url, service.serviceType, "SetTarget", {"newTargetValue": value})
            daemon.kill()
            self.assertEqual(code, 200, body)
            acknowledged = value
            yield daemon.ended
        self.assertEqual(kept, KILLS, f"acknowledged value kept {kept} of {KILLS} times")
