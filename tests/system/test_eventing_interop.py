"""
Interop of eventing: async-upnp-client (Home Assistant's UPnP library),
in strict mode, subscribes to a hosted SwitchPower with its own notify
server on loopback, receives the initial event and a Status change, and
unsubscribes.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from twisted.internet import defer, reactor
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure
from twisted.trial.unittest import TestCase

from coherence_lite.model import layout
from tests.support.eventing_http import eventedLight
from tests.support.prerequisites import missing
from tests.support import startLoopbackService

PROBE = Path(__file__).with_name("async_upnp_client_events_probe.py")

try:
    import async_upnp_client  # noqa: F401
except ImportError:
    async_upnp_client = None


class _Lines(ProcessProtocol):
    """
    Collects a child's JSON lines, calling C{onLine} with each, and fires
    C{ended} with its exit code.
    """

    def __init__(self, onLine: Callable[[dict[str, Any]], None]) -> None:
        self.onLine = onLine
        self.buffer = b""
        self.errors = b""
        self.lines: list[dict[str, Any]] = []
        self.ended: defer.Deferred[int] = defer.Deferred()

    def outReceived(self, data: bytes) -> None:
        self.buffer += data
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            self.lines.append(json.loads(line))
            self.onLine(self.lines[-1])

    def errReceived(self, data: bytes) -> None:
        self.errors = (self.errors + data)[-20000:]

    def processEnded(self, reason: Failure) -> None:
        self.ended.callback(reason.value.exitCode)


class AsyncUPnPClientEventingTests(TestCase):
    """
    async-upnp-client against an evented light on loopback.
    """

    timeout = 60

    def setUp(self) -> None:
        if async_upnp_client is None:
            missing("async-upnp-client is not installed (pip install '.[test]')")
        self.device = eventedLight()
        self.host = startLoopbackService(self, [self.device])

    @defer.inlineCallbacks
    def test_subscribesAndReceivesTheInitialEventAndAChange(self):
        """
        async-upnp-client gets a SID and 1800 s, the initial event with
        Status false, then the change to true after the state is set, and
        its UNSUBSCRIBE ends the subscription.
        """
        service = self.device.services[0]
        state = self.host.runtimes.byService[(self.device.UDN, service.shortId)].state

        def onLine(line: dict[str, Any]) -> None:
            if "subscribed" in line:
                state.set("Status", True)

        lines = _Lines(onLine)
        location = f"http://127.0.0.1:{self.host.web.port}{layout.descriptionPath(self.device)}"
        reactor.spawnProcess(  # type: ignore[attr-defined]
            lines, sys.executable, [sys.executable, str(PROBE), location, service.serviceType], env=dict(os.environ)
        )
        code = yield lines.ended
        self.assertEqual(code, 0, lines.errors.decode(errors="replace"))
        subscribed, change, unsubscribed = lines.lines
        self.assertRegex(subscribed["subscribed"], r"^uuid:[0-9a-f-]{36}$")
        self.assertEqual(subscribed["timeout"], 1800)
        self.assertEqual(subscribed["initial"], {"Status": False})
        self.assertEqual(change, {"change": {"Status": True}})
        self.assertEqual(unsubscribed, {"unsubscribed": True})
        self.assertEqual(self.host.stats["eventing.subscriptions.ended"], 1)
        self.assertEqual(self.host.eventing.quota.total, 0)
