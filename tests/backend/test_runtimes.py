# -*- test-case-name: tests.backend.test_runtimes -*-
"""
Tests for L{coherence_lite.backend.runtimes}: every hosted service gets a
runtime, and the state of device-file services is stored (in group
commits, atomically) and loaded back, also across a real restart on
loopback.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent

from coherence_lite.backend.declare import ServiceBackend, stateVariable
from coherence_lite.backend.runtimes import HostedRuntimes, stateFile
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostSettings
from coherence_lite.backend.hosted import Hostable, Hosted, hosted
from coherence_lite.model.device import Device, StateVariable
from coherence_lite.model.devicefile import DeviceFile, loadDevice

from tests.support.control import callAction, controlURL
from tests.support.devicefile import EXAMPLES
from tests.support import freeUDPPort, stopIfRunning


def light() -> DeviceFile:
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
        self.file = light()
        self.device = self.file.device
        self.path = stateFile(self.directory, self.device)

    def runtimes(self, *devices: Hostable) -> HostedRuntimes:
        """
        Started runtimes of the light (or of C{devices}).
        """
        runtimes = HostedRuntimes(devices or [self.file], self.clock, self.directory)
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

    def test_unchangedRuntimesAreTakenOver(self) -> None:
        """
        Runtimes built again for the same device file take over the
        unchanged runtime (the same object, its state as it was) and record
        its changes once the old ones are detached; the old ones record
        nothing after that.
        """
        old = self.runtimes()
        self.switch(old).state.set("Target", True)
        self.clock.advance(0)
        reuse = old.unchanged([light()])
        self.assertEqual(list(reuse), [(self.device.UDN, "urn:upnp-org:serviceId:SwitchPower")])
        new = HostedRuntimes([light()], self.clock, old.store, reuse)
        old.detach()
        self.assertIs(self.switch(new), self.switch(old))
        self.switch(new).state.set("Status", True)
        self.assertEqual(len(self.clock.getDelayedCalls()), 1)
        self.clock.advance(0)
        stored = json.loads(self.path.read_text())
        self.assertEqual(stored["services"]["urn:upnp-org:serviceId:SwitchPower"], {"Target": "1", "Status": "1"})
        new.detach()
        self.switch(new).state.set("Status", False)
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_changedDeclarationOrBindingsAreNotTakenOver(self) -> None:
        """
        A service declared otherwise (a state variable more) or bound
        otherwise (no bindings) is not unchanged; nor is a service of
        another device, or one written in Python.
        """
        runtimes = self.runtimes()
        [switch] = self.device.services
        more = replace(switch, stateVariables=(*switch.stateVariables, StateVariable("Level", "ui1", defaultValue="0")))
        declared = self.file.withDevice(replace(self.device, services=(more,)))
        unbound = self.file._replace(bindings={})
        other = self.file.withDevice(replace(self.device, UDN="uuid:00000000-1111-4222-8333-444444444444"))
        python = Hosted(self.device, {(self.device.UDN, switch.serviceId): self.switch(runtimes)})
        for devices in ([declared], [unbound], [other], [python]):
            self.assertEqual(runtimes.unchanged(devices), {}, devices)

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
        A service hosted with its Python backend keeps its runtime and is
        not stored.
        """
        counter = Counter()
        device = Device("urn:example-com:device:Counter:1", "Counter", "Example", "Counter",
                        "uuid:12345678-1234-1234-1234-123456789abc", services=(counter.service,))
        runtimes = self.runtimes(hosted(device, counter))
        self.assertIs(runtimes.byService[(device.UDN, "Counter")], counter.runtime)
        counter.Count = 5
        self.clock.advance(10)
        runtimes.stopService()
        self.assertFalse(stateFile(self.directory, device).exists())

    def test_noDirectoryKeepsNothing(self) -> None:
        """
        Without a state directory nothing is scheduled or written.
        """
        runtimes = HostedRuntimes([self.file], self.clock, None)
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

    def host(self, device: DeviceFile, directory: Path) -> UPnPDeviceService:
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
        read = light()
        device = read.device
        service = device.services[0]
        directory = Path(self.mktemp())
        agent = Agent(reactor)
        first = self.host(read, directory)
        code, _, _ = yield callAction(agent, controlURL(first.web.port, device, service), service.serviceType,
                                      "SetTarget", {"newTargetValue": "1"})
        self.assertEqual(code, 200)
        yield stopIfRunning(first)
        second = self.host(read, directory)
        code, _, body = yield callAction(agent, controlURL(second.web.port, device, service), service.serviceType, "GetStatus")
        self.assertEqual(code, 200)
        self.assertIn(b"<ResultStatus>1</ResultStatus>", body)
