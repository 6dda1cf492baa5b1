# -*- test-case-name: tests.backend.test_statestore -*-
"""
Tests for L{coherence_lite.backend.statestore}: group commits, actions that
answer only once their change is written, failed writes logged and
retried with the acknowledged values winning, and damaged state files
starting from the defaults with one warning.
"""

from __future__ import annotations

import errno
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from twisted.internet import reactor
from twisted.internet.defer import Deferred, inlineCallbacks
from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, formatEvent, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent

from coherence_lite.backend import statestore
from coherence_lite.host.bootid import BootIdStore
from coherence_lite.host.daemon import addDaemonParts
from coherence_lite.backend.runtimes import HostedRuntimes
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.host.settings import HostSettings
from coherence_lite.backend.statestore import LOG_EVERY, MAX_RETRY_DELAY, MAX_WRITING, RETRY_DELAY, StateStore, stateFile
from coherence_lite.model.devicefile import DeviceFile, loadDevice

from tests.support.control import callAction, controlURL
from tests.support.devicefile import EXAMPLES
from tests.support import freeUDPPort, stopIfRunning

SWITCH_POWER = "urn:upnp-org:serviceId:SwitchPower"


def light() -> DeviceFile:
    """
    The zero-code light of C{examples/binary-light.toml}.
    """
    return loadDevice(EXAMPLES / "binary-light.toml", hostname="tests")


class HeldWrites:
    """
    Runs each batch of writes when the test says so: C{release} writes the
    oldest held batch (each file failing with C{failWith}, when set) and
    fires its L{Deferred}.
    """

    def __init__(self) -> None:
        self.held: list[tuple[Callable[[], object], Deferred[object]]] = []
        self.failWith: OSError | None = None

    def __call__(self, function: Callable[[], object]) -> Deferred[object]:
        done: Deferred[object] = Deferred()
        self.held.append((function, done))
        return done

    def release(self, index: int = 0) -> None:
        function, done = self.held.pop(index)
        if self.failWith is None:
            done.callback(function())
            return
        real = statestore.writeTemporary
        statestore.writeTemporary = self._fail  # type: ignore[assignment]
        try:
            done.callback(function())
        finally:
            statestore.writeTemporary = real

    def _fail(self, path: Path, data: bytes) -> str:
        assert self.failWith is not None
        raise self.failWith


class Fixture(SynchronousTestCase):
    """
    A light whose runtimes keep their state in a store on a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.directory = Path(self.mktemp())
        self.file = light()
        self.device = self.file.device
        self.path = stateFile(self.directory, self.device)
        self.writes = HeldWrites()
        self.store = StateStore(self.directory, self.clock, runInThread=self.writes)
        self.store.startService()
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)  # type: ignore[arg-type]

    def switch(self, runtimes: HostedRuntimes | None = None) -> Any:
        """
        The light's SwitchPower runtime, from new runtimes over the store
        unless C{runtimes} are given.
        """
        runtimes = runtimes or HostedRuntimes([self.file], self.clock, self.store)
        return runtimes.byService[(self.device.UDN, "SwitchPower")]

    def setTarget(self, switch: Any, value: bool) -> list[object]:
        """
        Invoke SetTarget; the list gets the out-arguments once it answers.
        """
        answers: list[object] = []
        switch.invoke("SetTarget", {"newTargetValue": value}).addCallback(answers.append)
        return answers

    def stored(self) -> dict[str, object]:
        """
        The light's values in its state file.
        """
        return json.loads(self.path.read_text())["services"][SWITCH_POWER]

    def warnings(self) -> list[str]:
        """
        The warnings logged so far, formatted.
        """
        return [formatEvent(e) for e in self.events if e["log_level"] in (LogLevel.warn, LogLevel.error, LogLevel.critical)]


class GroupCommitTests(Fixture):
    """
    An action answers once its change is written; calls made while a write
    is under way share the next one.
    """

    def test_answerWaitsForTheWrite(self) -> None:
        """
        SetTarget answers only once the state file holds the new value.
        """
        answers = self.setTarget(self.switch(), True)
        self.clock.advance(0)
        self.assertEqual((answers, len(self.writes.held)), ([], 1))
        self.assertFalse(self.path.exists())
        self.writes.release()
        self.assertEqual(answers, [{}])
        self.assertEqual(self.stored()["Target"], "1")

    def test_burstCostsTwoWrites(self) -> None:
        """
        One call starts a write; 50 calls arriving while it is under way all
        wait for the next one (written alongside), which writes the last of
        their values.
        """
        switch = self.switch()
        first = self.setTarget(switch, True)
        self.clock.advance(0)
        later = [self.setTarget(switch, index % 2 == 1) for index in range(50)]
        self.clock.advance(0)
        self.assertEqual(len(self.writes.held), 2)
        self.writes.release()
        self.assertEqual(first, [{}])
        self.assertEqual(sum(map(len, later)), 0)
        self.writes.release()
        self.assertEqual(sum(map(len, later)), 50)
        self.assertEqual(self.stored()["Target"], "1")
        self.clock.advance(0)
        self.assertEqual(self.writes.held, [])

    def test_olderBatchNeverOverwritesANewerOne(self) -> None:
        """
        When a later batch is done first, the earlier one's calls answer
        with it (it holds their changes too), and the earlier batch, done
        later, leaves the newer content in place.
        """
        switch = self.switch()
        first = self.setTarget(switch, True)
        self.clock.advance(0)
        second = self.setTarget(switch, False)
        self.clock.advance(0)
        self.writes.release(1)
        self.assertEqual((first, second), ([{}], [{}]))
        self.writes.release(0)
        self.assertEqual(self.stored()["Target"], "0")
        self.assertEqual(sorted(path.name for path in self.directory.iterdir()), [self.path.name])

    def test_atMostMaxWritingBatchesAtOnce(self) -> None:
        """
        Beyond L{MAX_WRITING} batches under way, changes wait for one to
        end; then one batch writes all of them.
        """
        switch = self.switch()
        for index in range(MAX_WRITING + 3):
            self.setTarget(switch, index % 2 == 0)
            self.clock.advance(0)
        self.assertEqual(len(self.writes.held), MAX_WRITING)
        self.writes.release()
        self.clock.advance(0)
        self.assertEqual(len(self.writes.held), MAX_WRITING)
        while self.writes.held:
            self.writes.release()
            self.clock.advance(0)
        self.assertEqual(self.stored()["Target"], "1" if (MAX_WRITING + 2) % 2 == 0 else "0")

    def test_unchangedStateAnswersAtOnce(self) -> None:
        """
        A call that changes nothing (the value it had, or a getter) does not
        wait for any write.
        """
        answers = self.setTarget(self.switch(), False)
        self.assertEqual(answers, [{}])
        self.clock.advance(0)
        self.assertEqual(self.writes.held, [])

    def test_stopWritesWhatIsPending(self) -> None:
        """
        Stopping the store waits for the write under way, then writes what
        changed since, once.
        """
        switch = self.switch()
        self.setTarget(switch, True)
        self.clock.advance(0)
        self.setTarget(switch, False)
        stopped: list[object] = []
        self.store.stopService().addCallback(stopped.append)
        self.writes.release()
        self.assertEqual((stopped, len(self.writes.held)), ([], 1))
        self.writes.release()
        self.assertEqual(stopped, [None])
        self.assertEqual(self.stored()["Target"], "0")
        self.assertEqual(self.clock.getDelayedCalls(), [])


class FailedWriteTests(Fixture):
    """
    A state directory that cannot be written (read-only, full).
    """

    def test_loggedOnceAnsweredRetriedAndRecovered(self) -> None:
        """
        The first failure is logged naming the file, the call answers all
        the same, and the write is tried again later and again (logged
        only once until L{LOG_EVERY}); once it works the latest value is
        written and that is logged.
        """
        self.writes.failWith = OSError(errno.EROFS, "Read-only file system")
        switch = self.switch()
        answers = self.setTarget(switch, True)
        self.clock.advance(0)
        self.writes.release()
        self.assertEqual(answers, [{}])
        self.assertEqual(len(self.warnings()), 1)
        self.assertIn(str(self.path), self.warnings()[0])
        self.assertIn("Read-only file system", self.warnings()[0])
        self.setTarget(switch, False)
        self.clock.advance(0)
        self.writes.release()
        self.clock.advance(RETRY_DELAY * 2)
        self.writes.release()
        self.assertEqual(len(self.warnings()), 1)
        self.writes.failWith = None
        self.clock.advance(RETRY_DELAY * 8)
        self.writes.release()
        self.assertEqual(self.stored()["Target"], "0")
        self.assertTrue(any("stored again" in line for line in map(str, (e.get("log_format") for e in self.events))))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_warningAgainAfterLogEvery(self) -> None:
        """
        Writes that keep failing are logged again once L{LOG_EVERY} seconds
        have passed, not at every try.
        """
        self.writes.failWith = OSError(errno.ENOSPC, "No space left on device")
        self.setTarget(self.switch(), True)
        self.clock.advance(0)
        while self.clock.seconds() < LOG_EVERY + MAX_RETRY_DELAY + 10:
            while self.writes.held:
                self.writes.release()
            self.clock.advance(10)
        self.assertEqual(len(self.warnings()), 2)

    def test_reloadKeepsTheAcknowledgedValue(self) -> None:
        """
        The file holds an older value and cannot be written: runtimes built
        again over the same store (a reload) start from the acknowledged
        value, not the file's.
        """
        self.directory.mkdir()
        self.path.write_text(json.dumps({"services": {SWITCH_POWER: {"Target": "0", "Status": "0"}}}))
        self.writes.failWith = OSError(errno.EROFS, "Read-only file system")
        old = HostedRuntimes([self.file], self.clock, self.store)
        self.setTarget(self.switch(old), True)
        self.clock.advance(0)
        self.writes.release()
        old.stopService()
        self.assertIs(self.switch().state.get("Target"), True)
        self.assertEqual(self.stored()["Target"], "0")


class DamagedFileTests(SynchronousTestCase):
    """
    A damaged state file starts from the defaults, with one warning naming
    it and no traceback.
    """

    DAMAGE = {
        "deeply nested": b"[" * 100000,
        "binary": bytes(range(256)) * 4,
        "truncated": b'{"services": {"urn:upnp-org:serviceId:SwitchPower": {"Target": "1"',
        "wrong types": json.dumps({"services": {SWITCH_POWER: {"Target": [True], "Status": {"a": 1}}}}).encode(),
        "services not a table": json.dumps({"services": [1, 2]}).encode(),
        "too long": b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}',
    }

    def warned(self, action: Callable[[], object]) -> tuple[object, list[str]]:
        """
        Run C{action}; its result and the warnings it logged.
        """
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)  # type: ignore[arg-type]
        result = action()
        return result, [formatEvent(e) for e in events if e["log_level"] >= LogLevel.warn]

    def test_deviceStateFile(self) -> None:
        """
        Each damage of C{device-<uuid>.json}: the light starts with Target
        off, and one warning names the file.
        """
        read = light()
        device = read.device
        for name, content in self.DAMAGE.items():
            directory = Path(self.mktemp())
            directory.mkdir()
            path = stateFile(directory, device)
            path.write_bytes(content)
            store = StateStore(directory, Clock())
            runtimes, warnings = self.warned(lambda: HostedRuntimes([read], Clock(), store))
            assert isinstance(runtimes, HostedRuntimes)
            self.assertIs(runtimes.byService[(device.UDN, "SwitchPower")].state.get("Target"), False, name)
            self.assertEqual(len(warnings), 1, (name, warnings))
            self.assertIn(str(path), warnings[0])

    def test_bootIdFile(self) -> None:
        """
        Each damage of the BOOTID file: BOOTID starts again at 1, with one
        warning naming the file.
        """
        damage = dict(self.DAMAGE, **{"wrong types": b'{"bootId": "7"}', "services not a table": b"[7]"})
        for name, content in damage.items():
            directory = Path(self.mktemp())
            directory.mkdir()
            (directory / "state.json").write_bytes(content)
            value, warnings = self.warned(lambda: BootIdStore(directory, Clock()).next())
            self.assertEqual(value, 1, name)
            self.assertEqual(len(warnings), 1, (name, warnings))
            self.assertIn(str(directory / "state.json"), warnings[0])


class ReadOnlyReloadTests(TestCase):
    """
    A real host on loopback whose state directory refuses writes (every
    rename into it fails with EROFS), reloaded with SIGHUP's code.
    """

    timeout = 30

    @inlineCallbacks
    def test_reloadKeepsTheAcknowledgedValueNotTheStoredOne(self) -> Any:
        """
        The state file says Target 1; the directory turns read-only;
        SetTarget 0 answers 200; a reload (the light renamed) rebuilds the
        runtimes: GetTarget answers 0, the acknowledged value, not the
        file's 1.  The failed write was logged, naming the file.
        """
        read = light()
        device = read.device
        service = device.services[0]
        state = Path(self.mktemp()).resolve()
        state.mkdir()
        stale = stateFile(state, device)
        stale.write_text(json.dumps({"services": {SWITCH_POWER: {"Target": "1", "Status": "1"}}}))
        events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)  # type: ignore[arg-type]
        devices = [read]
        settings = HostSettings(interfaces=("127.0.0.1",), ssdpPort=freeUDPPort(), stateDirectory=state, pollInterval=0)
        host = UPnPDeviceService(devices, settings, reactor=reactor)
        host.startService()
        self.addCleanup(stopIfRunning, host)
        reloader = addDaemonParts(host, lambda: list(devices), environ={})
        realReplace = os.replace

        def readOnly(source: Any, destination: Any) -> None:
            if Path(destination).parent == state:
                raise OSError(errno.EROFS, "Read-only file system")
            realReplace(source, destination)

        self.patch(os, "replace", readOnly)
        agent = Agent(reactor)
        url = controlURL(host.web.port, device, service)
        code, _, body = yield callAction(agent, url, service.serviceType, "SetTarget", {"newTargetValue": "0"})
        self.assertEqual(code, 200, body)
        devices[0] = read.withDevice(replace(device, friendlyName="Renamed light"))
        self.assertTrue(reloader.reload())
        code, _, body = yield callAction(agent, url, service.serviceType, "GetTarget")
        self.assertEqual(code, 200, body)
        self.assertIn(b"<RetTargetValue>0</RetTargetValue>", body)
        self.assertIn('"Target": "1"', stale.read_text())
        warned = [formatEvent(e) for e in events if e["log_level"] == LogLevel.warn and str(stale) in formatEvent(e)]
        self.assertTrue(warned)
