"""
A live subscription across restarts of the real daemon: C{twistd -n
upnp-device} on 127.0.0.1 (free SSDP and HTTP ports, a state directory of
its own) is stopped and started again under a running C{coherence-lite
subscribe} (and a library L{Subscriber}), which must hear the byebye, make
the subscription again within seconds of the new alive, and keep
receiving events.
"""

from __future__ import annotations

import io
import os
import signal
import time
from pathlib import Path
from typing import Any, Callable

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, HTTPConnectionPool

from coherence_lite.cli.call import CallOptions, runCall
from coherence_lite.cli.subscribe import SubscribeCommand, SubscribeOptions
from coherence_lite.controlpoint.fetch import HTTPFetcher
from coherence_lite.controlpoint.gena import ENDED, Notice
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.subscriber import Subscriber

from tests.support import freeTCPPort, freeUDPPort
from tests.support.daemon import DaemonProcess, startDaemon

reactor: Any = _globalReactor

log = Logger()

ROOT = Path(__file__).resolve().parent.parent.parent

#: The longest any one step may take (a daemon start is about a second).
STEP = 20.0
#: How soon after the device's new alive the subscription must be back.
RESUBSCRIBED_WITHIN = 5.0


def bounded(d: Deferred[Any], seconds: float, what: str | Callable[[], str]) -> Deferred[Any]:
    """
    C{d}, failed with a L{TimeoutError} naming C{what} (or what it returns
    then) unless it fires within C{seconds}.
    """

    def expire() -> None:
        if not d.called:
            d.errback(Failure(TimeoutError(f"no {what if isinstance(what, str) else what()} within {seconds} s")))

    timer = reactor.callLater(seconds, expire)

    def done(result: object) -> object:
        if timer.active():
            timer.cancel()
        return result

    return d.addBoth(done)


class Lines(io.StringIO):
    """
    A text stream that tells waiters of each line containing their marker,
    with the time it was written.
    """

    def __init__(self) -> None:
        super().__init__()
        self._waiters: list[tuple[str, int, Deferred[tuple[float, str]]]] = []
        self.lines: list[tuple[float, str]] = []
        self._partial = ""

    def write(self, text: str) -> int:
        self._partial += text
        *complete, self._partial = self._partial.split("\n")
        for line in complete:
            self.lines.append((time.monotonic(), line))
        self._check()
        return super().write(text)

    def _check(self) -> None:
        for waiter in list(self._waiters):
            marker, after, d = waiter
            for stamp, line in self.lines[after:]:
                if marker in line:
                    self._waiters.remove(waiter)
                    d.callback((stamp, line))
                    break

    def waitFor(self, marker: str, after: int = 0, seconds: float = STEP) -> Deferred[tuple[float, str]]:
        """
        The first line containing C{marker} among lines C{after} on, with
        its time; fails after C{seconds} with every line written so far.
        """
        d: Deferred[tuple[float, str]] = Deferred()
        self._waiters.append((marker, after, d))
        self._check()
        return bounded(d, seconds, lambda: f"line with {marker!r} in {self.getvalue()!r}")


class RestartTests(TestCase):
    """
    Subscriptions to the real daemon, restarted.
    """

    timeout = 120

    def setUp(self) -> None:
        self.ssdpPort = freeUDPPort()
        self.stateDirectory = os.path.abspath(self.mktemp())

    async def start(self, httpPort: int) -> tuple[DaemonProcess, float]:
        """
        Start the daemon hosting the example light on C{httpPort}; return it
        once it hosts, with the time it said so.
        """
        daemon = startDaemon(
            self,
            [
                "--interface", "127.0.0.1", "--ssdp-port", str(self.ssdpPort), "--http-port", str(httpPort),
                "--state-dir", self.stateDirectory, "--config", str(ROOT / "examples" / "binary-light.toml"),
            ],
        )
        ready = await bounded(daemon.ready, STEP, "Hosting line")
        return daemon, ready

    async def stop(self, daemon: DaemonProcess, signalNumber: int) -> None:
        """
        Signal our daemon and wait until it is gone.
        """
        daemon.signal(signalNumber)
        await bounded(daemon.ended, STEP, "exit of the daemon")

    async def switch(self, location: str, value: str) -> None:
        """
        SetTarget on the light, as C{coherence-lite call} does.
        """
        options = CallOptions()
        options.parseOptions([location, "SwitchPower", "SetTarget", f"newTargetValue={value}"])
        err = io.StringIO()
        self.assertEqual(await runCall(reactor, options, io.StringIO(), err), 0, err.getvalue())

    async def test_subscribeCommandFollowsRestarts(self) -> None:
        """
        C{coherence-lite subscribe} says when the daemon says byebye, makes
        the subscription again within seconds of its new alive (stopped
        cleanly, same port; then killed and started on another port, which
        moves its LOCATION), and prints the events after each restart.
        """
        httpPort = freeTCPPort()
        daemon, _ = await self.start(httpPort)
        location = daemon.location
        options = SubscribeOptions()
        options.parseOptions(["-i", "127.0.0.1", "--ssdp-port", str(self.ssdpPort), location, "SwitchPower"])
        out, err = Lines(), Lines()
        command = SubscribeCommand(reactor, options, out, err)
        finished = command.run()
        self.addCleanup(lambda: command.stop() and finished)
        await err.waitFor("subscribed to urn:upnp-org:serviceId:SwitchPower")
        await out.waitFor("SEQ 0: Status=0")

        await self.stop(daemon, signal.SIGTERM)
        await err.waitFor("the device said byebye; waiting for it to come back")
        daemon, ready = await self.start(httpPort)
        stamp, line = await err.waitFor("subscribed again", seconds=RESUBSCRIBED_WITHIN + 5)
        log.info("Subscribed again {seconds:.3f} s after the restarted daemon hosted", seconds=stamp - ready)
        self.assertLess(stamp - ready, RESUBSCRIBED_WITHIN, line)
        self.assertIn("the device is back and restarted (BOOTID", line)
        seen = len(out.lines)
        await out.waitFor("SEQ 0: Status=0", after=seen)
        await self.switch(location, "1")
        await out.waitFor("SEQ 1: Status=1", after=seen)

        await self.stop(daemon, signal.SIGKILL)
        movedPort = freeTCPPort()
        after = len(err.lines)
        daemon, ready = await self.start(movedPort)
        moved = daemon.location
        stamp, line = await err.waitFor("subscribed again", after=after, seconds=RESUBSCRIBED_WITHIN + 5)
        log.info("Subscribed again {seconds:.3f} s after the moved daemon hosted", seconds=stamp - ready)
        self.assertLess(stamp - ready, RESUBSCRIBED_WITHIN, line)
        self.assertIn(f"moved to {moved}", line)
        seen = len(out.lines)
        # The value the daemon had before the kill is not the point here
        # (a change made just before kill -9 may be lost): any initial event.
        _, initial = await out.waitFor("SEQ 0: Status=", after=seen)
        value = "0" if initial.endswith("=1") else "1"
        await self.switch(moved, value)
        await out.waitFor(f"SEQ 1: Status={value}", after=seen)
        self.assertEqual(await bounded(command.stop(), STEP, "end of the command"), 0)
        self.assertNotIn("Traceback", daemon.output.decode(errors="replace"))

    async def test_unsubscribeAfterAnUnheardRestart(self) -> None:
        """
        A library L{Subscriber} that hears no SSDP, stopped after the daemon
        restarted, is told that its subscription had already ended
        (UNSUBSCRIBE answered 412) instead of nothing.
        """
        httpPort = freeTCPPort()
        daemon, _ = await self.start(httpPort)
        location = daemon.location
        agent = Agent(reactor, pool=HTTPConnectionPool(reactor, persistent=False))
        root = parseDescription(await HTTPFetcher(agent, reactor).fetch(location), location)
        assert isinstance(root, RemoteRootDevice)
        subscriber = Subscriber(agent, reactor, timeout=5)
        notices: list[Notice] = []
        first: Deferred[object] = Deferred()
        await subscriber.subscribe(root.services[0], lambda event: first.called or first.callback(event), None, notices.append)
        await bounded(first, STEP, "initial event")
        await self.stop(daemon, signal.SIGTERM)
        await self.start(httpPort)
        await bounded(subscriber.stop(), STEP, "unsubscription")
        self.assertEqual([notice.kind for notice in notices], [ENDED])
