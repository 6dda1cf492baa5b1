"""
Live subscriptions across SIGHUP reloads of the real daemon: C{twistd -n
upnp-device} on 127.0.0.1 (free ports, a state directory of its own)
hosting a light and the Jambon 3000 from device files; three subscriber
servers on loopback subscribe to the light's SwitchPower over HTTP, then
the daemon gets C{kill -HUP} with nothing changed, with the Jambon's file
changed, and with the light's file changed.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from twisted.internet import reactor as _globalReactor
from twisted.internet.defer import Deferred, gatherResults
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, HTTPConnectionPool

from coherence_lite.cli.call import CallOptions, runCall
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.fetch import HTTPFetcher
from coherence_lite.controlpoint.remote import RemoteRootDevice
from tests.support import freeTCPPort, freeUDPPort
from tests.support.eventing_http import Answer, Recorder, exchange
from tests.support.daemon import DaemonProcess, startDaemon
from tests.system.test_subscriber_restart import STEP, bounded

reactor: Any = _globalReactor

ROOT = Path(__file__).resolve().parent.parent.parent

#: How many subscribers follow the light.
SUBSCRIBERS = 3

#: A state variable the light's file gains in the last reload.
LEVEL = """
[[device.service.stateVariable]]
name = "Level"
dataType = "ui1"
sendEvents = true
defaultValue = 7
"""


class ReloadingDaemon(DaemonProcess):
    """
    A daemon run that also tells when its output holds a marker a number
    of times.
    """

    def __init__(self) -> None:
        super().__init__()
        self._waiters: list[tuple[bytes, int, Deferred[None]]] = []

    def outReceived(self, data: bytes) -> None:
        """
        Keep the output; fire the waiters whose marker is there often
        enough.
        """
        super().outReceived(data)
        for waiter in list(self._waiters):
            marker, count, d = waiter
            if self.output.count(marker) >= count:
                self._waiters.remove(waiter)
                d.callback(None)

    errReceived = outReceived

    def waitFor(self, marker: bytes, count: int) -> Deferred[None]:
        """
        Fire once the output holds C{marker} C{count} times.
        """
        d: Deferred[None] = Deferred()
        if self.output.count(marker) >= count:
            d.callback(None)
        else:
            self._waiters.append((marker, count, d))
        return bounded(d, STEP, lambda: f"{marker!r} x{count} in {self.output.decode(errors='replace')!r}")


class SighupTests(TestCase):
    """
    Subscriptions to the real daemon across C{kill -HUP}.
    """

    timeout = 120

    def setUp(self) -> None:
        self.folder = Path(self.mktemp()).resolve()
        self.folder.mkdir()
        self.light = self.folder / "light.toml"
        self.jambon = self.folder / "jambon.toml"
        shutil.copy(ROOT / "examples" / "binary-light.toml", self.light)
        shutil.copy(ROOT / "examples" / "jambon-3000.toml", self.jambon)
        self.agent = Agent(reactor, pool=HTTPConnectionPool(reactor, persistent=False))

    async def start(self) -> ReloadingDaemon:
        """
        Start the daemon hosting the light (first) and the Jambon.
        """
        daemon = ReloadingDaemon()
        startDaemon(
            self,
            [
                "--interface", "127.0.0.1", "--ssdp-port", str(freeUDPPort()), "--http-port", str(freeTCPPort()),
                "--state-dir", str(self.folder / "state"), "--config", str(self.light), "--config", str(self.jambon),
            ],
            daemon,
        )
        await bounded(daemon.ready, STEP, "Hosting line")
        return daemon

    async def reload(self, daemon: ReloadingDaemon, marker: bytes) -> None:
        """
        C{kill -HUP} our daemon; wait for the reload's C{marker} line.
        """
        count = daemon.output.count(marker)
        daemon.signal(signal.SIGHUP)
        await daemon.waitFor(marker, count + 1)

    async def gena(self, port: int, path: str, method: str, **headers: str) -> Answer:
        """
        A raw GENA request to the daemon.
        """
        lines = [f"{method} {path} HTTP/1.1", f"HOST: 127.0.0.1:{port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return await exchange(port, "\r\n".join(lines))

    async def switch(self, location: str, value: str) -> None:
        """
        SetTarget on the light, as C{coherence-lite call} does.
        """
        options = CallOptions()
        options.parseOptions([location, "SwitchPower", "SetTarget", f"newTargetValue={value}"])
        self.assertEqual(await runCall(reactor, options, _Sink(), _Sink()), 0)

    async def kept(self, port: int, path: str, subscribers: dict[str, Recorder]) -> int:
        """
        How many of the subscriptions renew with their SID (200).
        """
        answers = [await self.gena(port, path, "SUBSCRIBE", SID=sid, TIMEOUT="Second-1800") for sid in subscribers]
        return sum(answer.code == 200 and answer.headers.get("sid") == sid for answer, sid in zip(answers, subscribers))

    async def test_subscriptionsSurviveSighup(self) -> None:
        """
        After C{kill -HUP} with nothing changed, and again with only the
        Jambon's file changed, every subscription renews with its SID and
        the next change arrives with SEQ going on; after the light's file
        gained an evented variable, every subscriber gets the full state
        (C{Status} and C{Level}) with the next SEQ and renews too.
        """
        daemon = await self.start()
        location = daemon.location
        root = parseDescription(await HTTPFetcher(self.agent, reactor).fetch(location), location)
        assert isinstance(root, RemoteRootDevice)
        url = urlsplit(root.services[0].eventSubURL)
        port, path = int(url.port or 80), url.path
        subscribers: dict[str, Recorder] = {}
        for _ in range(SUBSCRIBERS):
            recorder = Recorder()
            callback = recorder.listen()
            assert recorder.port is not None
            self.addCleanup(recorder.port.stopListening)
            answer = await self.gena(port, path, "SUBSCRIBE", CALLBACK=f"<http://127.0.0.1:{callback}/e>", NT="upnp:event")
            self.assertEqual(answer.code, 200)
            subscribers[answer.headers["sid"]] = recorder
        await gatherResults([recorder.waitFor(1) for recorder in subscribers.values()])

        await self.reload(daemon, b"Reload: nothing changed")
        self.assertEqual(await self.kept(port, path, subscribers), SUBSCRIBERS)
        await self.switch(location, "1")
        for sid, recorder in subscribers.items():
            events = await bounded(recorder.waitFor(2), STEP, "SEQ 1")
            self.assertEqual((events[1].sid, events[1].seq, events[1].properties), (sid, 1, {"Status": "1"}))

        self.jambon.write_text(self.jambon.read_text().replace("Jambon 3000", "Jambon 4000"))
        await self.reload(daemon, b"Reload: Jambon 4000 (")
        self.assertEqual(await self.kept(port, path, subscribers), SUBSCRIBERS)
        await self.switch(location, "0")
        for sid, recorder in subscribers.items():
            events = await bounded(recorder.waitFor(3), STEP, "SEQ 2")
            self.assertEqual((events[2].sid, events[2].seq, events[2].properties), (sid, 2, {"Status": "0"}))

        self.light.write_text(self.light.read_text() + LEVEL)
        await self.reload(daemon, b"Reload: coherence-lite light (")
        for sid, recorder in subscribers.items():
            events = await bounded(recorder.waitFor(4), STEP, "full state")
            self.assertEqual((events[3].sid, events[3].seq, events[3].properties), (sid, 3, {"Status": "0", "Level": "7"}))
        self.assertEqual(await self.kept(port, path, subscribers), SUBSCRIBERS)
        self.assertNotIn(b"Traceback", daemon.output)


class _Sink:
    """
    A text stream that keeps nothing.
    """

    def write(self, text: str) -> int:
        """
        Drop C{text}.
        """
        return len(text)

    def flush(self) -> None:
        """
        Nothing to flush.
        """
