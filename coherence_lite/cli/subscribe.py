# -*- test-case-name: tests.cli.test_call -*-
"""
C{coherence-lite subscribe LOCATION|UUID SERVICE [--count N]}: subscribe
to a service's events and print them as they arrive, in SEQ order, until
Ctrl-C or C{--count} events; then unsubscribe.

Each event is one line, C{SEQ n: name=value ...} (values escaped for the
terminal, C{(k missed)} when events never arrived), or one JSON object per
line with C{--json}.  Exit status: 0 once done, 1 when the subscription
failed, 2 for bad options.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from twisted.internet.defer import Deferred
from twisted.python import usage

from coherence_lite._version import __version__
from coherence_lite.controlpoint.agent import clientAgent
from coherence_lite.cli.target import TargetError, TargetOptions, fetchSCPD, findDevice, findService
from coherence_lite.controlpoint.fetch import HTTPFetcher
from coherence_lite.controlpoint.gena import Event, SubscribeError
from coherence_lite.controlpoint.report import safeText
from coherence_lite.controlpoint.subscriber import Subscriber
from coherence_lite.identity import serverString
from coherence_lite._reactor import Reactor

__all__ = ["SubscribeOptions", "SubscribeCommand", "eventLine"]

PROGRAM = "coherence-lite subscribe"


class SubscribeOptions(TargetOptions):
    """
    Options of C{coherence-lite subscribe}.
    """

    synopsis = "[options] LOCATION|UUID SERVICE"
    longdesc = (
        "Subscribe to a UPnP service's events and print each as it arrives (SEQ and the "
        "variables it carries) until Ctrl-C or --count events; then unsubscribe. The "
        "events are received on the local address that reaches the device. "
        "Example: coherence-lite subscribe http://192.168.1.20:8080/desc.xml SwitchPower --count 1"
    )

    optFlags: list[list[str | None]] = TargetOptions.optFlags + [
        ["json", None, "Print one JSON object per event."],
    ]

    optParameters: list[list[Any]] = TargetOptions.optParameters + [
        ["count", "c", None, "Stop after this many events.", int],
        ["timeout", None, 1800, "Subscription time to ask for, in seconds (renewed at half of it).", int],
    ]

    def parseArgs(self, target: str, service: str) -> None:  # type: ignore[override]
        """
        Take the device and the service.
        """
        self["target"], self["service"] = target, service

    def postOptions(self) -> None:
        """
        Check the numbers.
        """
        super().postOptions()
        if self["count"] is not None and self["count"] < 1:
            raise usage.UsageError("--count must be at least 1")
        if not 60 <= self["timeout"] <= 86400:
            raise usage.UsageError("--timeout must be from 60 to 86400 seconds")


def eventLine(event: Event, asJSON: bool) -> str:
    """
    One event as printed.
    """
    if asJSON:
        return json.dumps({"sid": event.sid, "seq": event.seq, "missed": event.missed, "properties": dict(event.properties)}) + "\n"
    missed = f" ({event.missed} missed)" if event.missed else ""
    variables = " ".join(f"{safeText(name, 64)}={safeText(text, 400)}" for name, text in event.properties)
    return f"SEQ {event.seq}{missed}: {variables}\n"


class SubscribeCommand:
    """
    One run of C{coherence-lite subscribe}.
    """

    def __init__(self, reactor: Reactor, options: SubscribeOptions, stdout: IO[str] = sys.stdout, stderr: IO[str] = sys.stderr) -> None:
        self._reactor = reactor
        self._options = options
        self._stdout = stdout
        self._stderr = stderr
        agent = clientAgent(reactor)
        self._fetcher = HTTPFetcher(agent, reactor, timeout=10.0, userAgent=serverString(__version__))
        self.subscriber = Subscriber(agent, reactor, requested=options["timeout"])
        self._done: Deferred[int] = Deferred()
        self._seen = 0
        self._stopping: Deferred[int] | None = None

    def run(self) -> Deferred[int]:
        """
        Subscribe and print events.

        @return: a L{Deferred} firing with the exit status when done.
        """
        Deferred.fromCoroutine(self._start()).addErrback(self._failed)
        return self._done

    async def _start(self) -> None:
        root = await findDevice(self._reactor, self._options, self._fetcher, self._options["target"])
        service = findService(root, self._options["service"])
        scpd = await fetchSCPD(self._fetcher, service)
        await self.subscriber.subscribe(service, self._event, scpd)
        self._stderr.write(f"{PROGRAM}: subscribed to {service.serviceId} of {safeText(root.friendlyName)}\n")
        self._stderr.flush()

    def _failed(self, failure: Any) -> None:
        error = failure.value
        if isinstance(error, (TargetError, SubscribeError)):
            self._stderr.write(f"{PROGRAM}: {error.reason}\n")
        else:
            self._stderr.write(f"{PROGRAM}: {failure.getErrorMessage()}\n")
        self.stop(1)

    def _event(self, event: Event) -> None:
        if self._stopping is not None:
            return
        self._stdout.write(eventLine(event, self._options["json"]))
        self._stdout.flush()
        self._seen += 1
        if self._options["count"] is not None and self._seen >= self._options["count"]:
            self.stop()

    def stop(self, status: int = 0) -> Deferred[int]:
        """
        Unsubscribe and finish with C{status}.
        """
        if self._stopping is None:
            self._stopping = self.subscriber.stop().addCallback(lambda _: status)
            self._stopping.addCallback(self._finish)
        return self._stopping

    def _finish(self, status: int) -> int:
        if not self._done.called:
            self._done.callback(status)
        return status
