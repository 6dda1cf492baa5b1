# -*- test-case-name: tests.cli.test_call -*-
"""
C{coherence-lite subscribe LOCATION|UUID SERVICE [--count N]}: subscribe
to a service's events and print them as they arrive, in SEQ order, until
Ctrl-C or C{--count} events; then unsubscribe.

Each event is one line, C{SEQ n: name=value ...} (values escaped for the
terminal, C{(k missed)} when events never arrived), or one JSON object per
line with C{--json}.

It listens for SSDP on the chosen links meanwhile: when the device says
byebye, comes back (a new alive, BOOTID or LOCATION), or events were
missed, the subscription is checked and made again within seconds, and
one line on stderr says so, or says that it could not be restored; so does
an UNSUBSCRIBE at the end that finds the subscription already ended.

Exit status: 0 once done, 1 when the subscription failed, 2 for bad
options.
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit
from typing import IO, Any, Callable, Sequence

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.error import CannotListenError
from twisted.logger import Logger, LogLevel
from twisted.python import usage

from coherence_lite._version import __version__
from coherence_lite.controlpoint.agent import clientAgent
from coherence_lite.cli.target import TargetError, TargetOptions, fetchSCPD, findDevice, findService
from coherence_lite.controlpoint.callbacks import localAddressFor
from coherence_lite.controlpoint.fetch import HTTPFetcher
from coherence_lite.controlpoint.gena import Event, Notice, SubscribeError
from coherence_lite.model.xmltext import safeText
from coherence_lite.controlpoint.subscriber import Subscriber
from coherence_lite.identity import serverString
from coherence_lite.net.interfaces import Link, NetworkInterface, reportedLinks, selectLinks, systemInterfaces
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.listener import ListenFunction, SSDPListener
from coherence_lite.ssdp.transport import listenSSDP

__all__ = ["SubscribeOptions", "SubscribeCommand", "eventLine"]

PROGRAM = "coherence-lite subscribe"

log = Logger()


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

    def __init__(
        self,
        reactor: Reactor,
        options: SubscribeOptions,
        stdout: IO[str] = sys.stdout,
        stderr: IO[str] = sys.stderr,
        interfaces: Callable[[], Sequence[NetworkInterface]] = systemInterfaces,
        listen: ListenFunction = listenSSDP,
        localAddress: Callable[[str], str] = localAddressFor,
    ) -> None:
        """
        @param interfaces: asks the OS for its interfaces (the links to hear
            SSDP on).
        @param listen: binds the SSDP socket of one address family.
        @param localAddress: the local address reaching a host: without
            C{--interface}, SSDP is heard on its link only.
        """
        self._localAddress = localAddress
        self._reactor = reactor
        self._options = options
        self._stdout = stdout
        self._stderr = stderr
        agent = clientAgent(reactor)
        self._fetcher = HTTPFetcher(agent, reactor, timeout=10.0, userAgent=serverString(__version__))
        self.subscriber = Subscriber(agent, reactor, requested=options["timeout"], fetcher=self._fetcher)
        self._interfaces = interfaces
        self._links: list[Link] = []
        self.listener = SSDPListener(lambda: self._links, reactor, ssdpPort=options["ssdp-port"], listen=listen)
        self.listener.addObserver(self.subscriber)
        self._done: Deferred[int] = Deferred()
        self._seen = 0
        self._name = ""
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
        self._listen(urlsplit(service.eventSubURL or "").hostname or "")
        await self.subscriber.subscribe(service, self._event, scpd, self._notice)
        self._name = f"{service.serviceId} of {safeText(root.friendlyName)}"
        self._say(f"subscribed to {self._name}")

    def _listen(self, host: str) -> None:
        """
        Hear the device's announcements on the chosen links, or else on the
        link that reaches C{host}; without them a restart is noticed at the
        next renewal only.
        """
        chosen = self._options["interfaces"]
        if not chosen:
            try:
                chosen = [self._localAddress(host)]
            except (OSError, ValueError):
                chosen = []
        reports = selectLinks(self._interfaces(), chosen, self._options["exclude"], not self._options["no-ipv6"])
        self._links = reportedLinks(reports, log, LogLevel.debug)
        if not self._links:
            self._say("no interface to hear the device's announcements on: a restart is noticed at renewal only")
            return
        try:
            self.listener.startService()
        except CannotListenError as e:
            self.listener.stopService()
            self._say(f"cannot hear announcements on SSDP port {e.port} ({e.socketError}): a restart is noticed at renewal only")

    def _say(self, line: str) -> None:
        self._stderr.write(f"{PROGRAM}: {line}\n")
        self._stderr.flush()

    def _notice(self, notice: Notice) -> None:
        self._say(f"{self._name}: {safeText(notice.reason, 400)}" if self._name else safeText(notice.reason, 400))

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
            self._stopping = Deferred.fromCoroutine(self._stop(status))
        return self._stopping

    async def _stop(self, status: int) -> int:
        await self.subscriber.stop()
        if self.listener.running:
            await maybeDeferred(self.listener.stopService)
        return self._finish(status)

    def _finish(self, status: int) -> int:
        if not self._done.called:
            self._done.callback(status)
        return status
