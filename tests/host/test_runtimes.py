# -*- test-case-name: tests.host.test_runtimes -*-
"""
Tests for L{coherence_lite.host.runtimes}: every hosted service gets a
runtime, and the state of device-file services is stored (in group
commits, atomically) and loaded back, also across a real restart on
loopback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent

from coherence_lite.backend.service import ServiceBackend, stateVariable
from coherence_lite.host.runtimes import HostedRuntimes, stateFile
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostSettings
from coherence_lite.model.device import Device
from coherence_lite.model.devicefile import loadDevice

from tests.support.control import callAction, controlURL
from tests.support.devicefile import EXAMPLES
from tests.support import freeUDPPort, stopIfRunning


def light() -> Device:
    """
    The zero-code light of C{examples/binary-light.toml}.
    """
    return loadDevice(EXAMPLES / "binary-light.toml", hostname="tests")


class Counter(ServiceBackend):
    """
    A service written in Python: its state is its own business.
    """

    serviceType = "urn:example-com:service:Counter:1"
    serviceId = "urn:example-com:serviceId:Counter"
    Count = stateVariable("ui4", 0)


class StoreTests(SynchronousTestCase):
    """
    Storing and loading with a L{Clock}.
    """

    def setUp(self) -> None:
        """
        A light hosted with a state directory and a clock.
        """
        self.clock = Clock()
        self.directory = Path(self.mktemp())
        self.device = light()
        self.path = stateFile(self.directory, self.device)

    def runtimes(self, *devices: Device) -> HostedRuntimes:
        """
        Started runtimes of the light (or of C{devices}).
        """
        runtimes = HostedRuntimes(devices or [self.device], self.clock, self.directory)
        runtimes.startService()
        return runtimes

    def switch(self, runtimes: HostedRuntimes) -> Any:
        """
        The light's SwitchPower runtime.
        """
        return runtimes.byService[(self.device.UDN, "SwitchPower")]

    def test_everyServiceHasARuntime(self) -> None:
        """
        Each service of each device gets one, keyed by UDN and short id.
        """
        self.assertEqual(list(self.runtimes().byService), [(self.device.UDN, "SwitchPower")])

    def test_changesOfOneTurnWrittenOnce(self) -> None:
        """
        The changes made in one turn of the reactor are written together,
        in one write, right after it (no delay).
        """
        switch = self.switch(self.runtimes())
        switch.state.set("Target", True)
        switch.state.set("Status", True)
        self.assertFalse(self.path.exists())
        self.assertEqual(len(self.clock.getDelayedCalls()), 1)
        self.clock.advance(0)
        stored = json.loads(self.path.read_text())
        self.assertEqual(stored["services"]["urn:upnp-org:serviceId:SwitchPower"], {"Target": "1", "Status": "1"})
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_loadedBack(self) -> None:
        """
        Stored values are the starting values of the next runtimes.
        """
        runtimes = self.runtimes()
        self.switch(runtimes).state.set("Status", True)
        runtimes.stopService()
        self.assertIs(self.switch(self.runtimes()).state.get("Status"), True)

    def test_stopWritesWhatIsPending(self) -> None:
        """
        Stopping writes a pending change at once and leaves no timer.
        """
        runtimes = self.runtimes()
        self.switch(runtimes).state.set("Target", True)
        runtimes.stopService()
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.assertIn('"Target": "1"', self.path.read_text())

    def test_valueThatNoLongerFitsIsDropped(self) -> None:
        """
        A stored value the variable no longer takes is dropped with a
        warning; the others are kept; unknown variables are ignored.
        """
        self.directory.mkdir()
        services = {"urn:upnp-org:serviceId:SwitchPower": {"Target": "1", "Status": "dim", "Gone": "1"}}
        self.path.write_text(json.dumps({"services": services}))
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)  # type: ignore[arg-type]
        switch = self.switch(self.runtimes())
        self.assertEqual((switch.state.get("Target"), switch.state.get("Status")), (True, False))
        self.assertEqual([e["name"] for e in events if e.get("log_level").name == "warn"], ["Status"])

    def test_unreadableFileIgnored(self) -> None:
        """
        A state file that is not JSON (or not ours) is ignored with a warning.
        """
        self.directory.mkdir()
        for content in ("{not json", "[1, 2]"):
            self.path.write_text(content)
            self.assertIs(self.switch(self.runtimes()).state.get("Target"), False)

    def test_pythonServicesAreNotStored(self) -> None:
        """
        A service with its own implementation keeps it and is not stored.
        """
        counter = Counter()
        device = Device("urn:example-com:device:Counter:1", "Counter", "Example", "Counter",
                        "uuid:12345678-1234-1234-1234-123456789abc", services=(counter.service,))
        runtimes = self.runtimes(device)
        self.assertIs(runtimes.byService[(device.UDN, "Counter")], counter.runtime)
        counter.Count = 5
        self.clock.advance(10)
        runtimes.stopService()
        self.assertFalse(stateFile(self.directory, device).exists())

    def test_noDirectoryKeepsNothing(self) -> None:
        """
        Without a state directory nothing is scheduled or written.
        """
        runtimes = HostedRuntimes([self.device], self.clock, None)
        runtimes.startService()
        self.switch(runtimes).state.set("Target", True)
        self.assertEqual(self.clock.getDelayedCalls(), [])
        runtimes.stopService()
        self.assertFalse(self.directory.exists())


class RestartTests(TestCase):
    """
    A real host on loopback keeps the light's state across a restart.
    """

    timeout = 60

    def host(self, device: Device, directory: Path) -> UPnPDeviceService:
        """
        A started host of C{device} on 127.0.0.1 keeping its state in
        C{directory}, stopped when the test ends.
        """
        settings = HostSettings(interfaces=("127.0.0.1",), ssdpPort=freeUDPPort(), stateDirectory=directory)
        service = UPnPDeviceService([device], settings, reactor=reactor)
        service.startService()
        self.addCleanup(stopIfRunning, service)
        return service

    @inlineCallbacks
    def test_statusSurvivesRestart(self) -> Any:
        """
        SetTarget over HTTP, stop the host, start a new one with the same
        state directory: GetStatus answers 1.
        """
        device = light()
        service = device.services[0]
        directory = Path(self.mktemp())
        agent = Agent(reactor)
        first = self.host(device, directory)
        code, _, _ = yield callAction(agent, controlURL(first.web.port, device, service), service.serviceType,
                                      "SetTarget", {"newTargetValue": "1"})
        self.assertEqual(code, 200)
        yield stopIfRunning(first)
        second = self.host(device, directory)
        code, _, body = yield callAction(agent, controlURL(second.web.port, device, service), service.serviceType, "GetStatus")
        self.assertEqual(code, 200)
        self.assertIn(b"<ResultStatus>1</ResultStatus>", body)
