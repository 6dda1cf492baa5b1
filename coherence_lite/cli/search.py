# -*- test-case-name: tests.system.test_cli -*-
"""
C{coherence-lite search [--interface X ...] [--ssdp-port N] [--st TARGET]
[--mx N] [--timeout SECONDS] [--watch] [--json]}: list the UPnP devices
that answer on the chosen links, with what their descriptions say;
C{--watch} keeps running and prints a line as each device comes or goes.
The options follow C{gssdp-discover} and C{upnp-client search} where they
overlap (C{-i}, C{-t}, C{-n}, C{-r}).

Exit status: 0 when the search ran (whether or not anything was found), 1
when it could not start, 2 for bad options.
"""

from __future__ import annotations

import sys
from typing import IO, Any, Sequence

from twisted.internet.defer import Deferred, maybeDeferred, succeed
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.python import usage

from coherence_lite._reactor import Reactor
from coherence_lite.cli.options import NetworkOptions
from coherence_lite.cli.report import ADDED, REMOVED, describeDevices, deviceLine, devicesJSON, eventJSON
from coherence_lite.cli.version import VersionOption
from coherence_lite.controlpoint.discovery import ControlPoint
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.targets import matchesTarget
from coherence_lite.controlpoint.search import SEARCH_INTERVAL, SEARCH_MX, SEARCH_TARGET
from coherence_lite.controlpoint.tracker import DeviceObserver
from coherence_lite.errors import StartupError
from coherence_lite.ssdp.message import isSearchTarget

__all__ = ["SearchCommand", "SearchOptions", "runSearch"]

#: The command as error lines name it.
PROGRAM = "coherence-lite search"

#: Seconds a search runs without C{--timeout} (and without C{--watch}).
DEFAULT_TIMEOUT = 5.0


class SearchOptions(VersionOption, NetworkOptions):
    """
    Options of C{coherence-lite search}; C{--interface},
    C{--exclude-interface}, C{--no-ipv6} and C{--ssdp-port} come from
    L{NetworkOptions}, shared with C{twistd upnp-device}.
    """

    synopsis = "[options]"
    longdesc = (
        "Search the local network for UPnP devices (M-SEARCH, and announcements "
        "heard meanwhile), fetch each root device's description and list the "
        "devices: friendly name, device type, LOCATION, UDN, SERVER and services, "
        "embedded devices indented. 'no devices found' goes to stderr when "
        "nothing answered; the exit status is 0 either way. "
        "Example: coherence-lite search --interface eth0 --st upnp:rootdevice"
    )

    optFlags: list[list[str | None]] = [
        ["watch", "w", "Keep running until Ctrl-C, printing '+' and '-' lines as devices come and go."],
        ["json", None, "Print JSON: one array of devices, or with --watch one object per line."],
        ["verbose", "v", "Log what happens on stderr (otherwise warnings only)."],
    ]

    optParameters = [
        ["st", "t", SEARCH_TARGET, "Search target: ssdp:all, upnp:rootdevice, uuid:<id>, or a device or service type URN."],
        ["mx", None, SEARCH_MX, "Seconds devices may wait before answering, 1 to 5.", int],
        ["timeout", "n", None, f"Seconds to search before listing (default {DEFAULT_TIMEOUT:g}; with --watch, until Ctrl-C).", float],
        ["rescan-interval", "r", SEARCH_INTERVAL, "Seconds between searches while running; 0 searches only at the start.", float],
    ]

    compData = usage.Completions(optActions={"st": usage.CompleteList(["ssdp:all", "upnp:rootdevice"])})

    def postOptions(self) -> None:
        """
        Check the values; without C{--timeout} nor C{--watch}, search for
        the default time.
        """
        super().postOptions()
        if not isSearchTarget(self["st"]):
            raise usage.UsageError(
                f"--st: {self['st']!r} is not a search target "
                "(ssdp:all, upnp:rootdevice, uuid:<id>, urn:<domain>:device|service:<type>:<version>)"
            )
        if not 1 <= self["mx"] <= 5:
            raise usage.UsageError("--mx must be from 1 to 5 seconds (devices treat more as 5)")
        timeout = self["timeout"]
        if timeout is not None and not 0 < timeout <= 86400:
            raise usage.UsageError("--timeout must be more than 0 and at most 86400 seconds")
        if not (self["rescan-interval"] == 0 or 10 <= self["rescan-interval"] <= 86400):
            raise usage.UsageError("--rescan-interval must be 0 or from 10 to 86400 seconds")
        if timeout is None and not self["watch"]:
            self["timeout"] = DEFAULT_TIMEOUT


class SearchCommand(DeviceObserver):
    """
    One run of C{coherence-lite search} over a started L{ControlPoint}.

    @param clock: times the search.
    @param controlPoint: finds the devices; started by L{run}, stopped when
        done.
    @param stdout: where the devices are written.
    @param stderr: where C{no devices found} and other notes are written.
    @param searchTarget: only devices matching it are shown (announcements
        of others are heard too).
    @param timeout: seconds until the listing; L{None} runs until L{stop}.
    @param watch: print a line per device added or removed as it happens.
    @param asJSON: print JSON instead of text.
    """

    def __init__(
        self,
        clock: IReactorTime,
        controlPoint: ControlPoint,
        stdout: IO[str],
        stderr: IO[str],
        searchTarget: str = SEARCH_TARGET,
        timeout: float | None = DEFAULT_TIMEOUT,
        watch: bool = False,
        asJSON: bool = False,
    ) -> None:
        self._clock = clock
        self._controlPoint = controlPoint
        self._stdout = stdout
        self._stderr = stderr
        self._searchTarget = searchTarget
        self._timeout = timeout
        self._watch = watch
        self._asJSON = asJSON
        self._deadline: IDelayedCall | None = None
        self._done: Deferred[int] = Deferred()
        self._stopping: Deferred[None] | None = None
        self._started = False

    def run(self) -> Deferred[int]:
        """
        Start searching.

        @return: a L{Deferred} firing with the exit status once the search
            is over and its result written.
        """
        try:
            self._controlPoint.startService()
        except StartupError as e:
            self._stderr.write(f"{PROGRAM}: {e}\n")
            return succeed(1)
        self._started = True
        if self._watch:
            self._controlPoint.tracker.addObserver(self)
        if self._timeout is not None:
            self._deadline = self._clock.callLater(self._timeout, self.stop)
        return self._done

    def stop(self) -> Deferred[None]:
        """
        End the search now: stop the control point and write the result.

        @return: a L{Deferred} firing once the control point is stopped.
        """
        if self._stopping is not None:
            return self._stopping
        if not self._started:
            return succeed(None)
        if self._deadline is not None and self._deadline.active():
            self._deadline.cancel()
        pending = self._controlPoint.tracker.pendingLocations()
        devices = self._shown(self._controlPoint.devices())
        self._controlPoint.tracker.removeObserver(self)
        self._stopping = maybeDeferred(self._controlPoint.stopService)
        self._stopping.addBoth(lambda _: self._finish(devices, pending))
        return self._stopping

    def _shown(self, devices: Sequence[RemoteRootDevice]) -> list[RemoteRootDevice]:
        matching = [root for root in devices if matchesTarget(root, self._searchTarget)]
        return sorted(matching, key=lambda root: (root.friendlyName.lower(), root.UDN))

    def _finish(self, devices: list[RemoteRootDevice], pending: list[str]) -> None:
        for location in pending:
            self._stderr.write(f"{PROGRAM}: no description from {location} in time\n")
        if not self._watch:
            if self._asJSON:
                self._stdout.write(devicesJSON(devices))
            elif devices:
                self._stdout.write(describeDevices(devices))
            if not devices:
                self._stderr.write("no devices found\n")
        self._stdout.flush()
        self._done.callback(0)

    def _event(self, event: str, root: RemoteRootDevice) -> None:
        if not matchesTarget(root, self._searchTarget):
            return
        self._stdout.write(eventJSON(event, root) if self._asJSON else deviceLine(event, root))
        self._stdout.flush()

    # DeviceObserver
    def deviceAdded(self, root: RemoteRootDevice) -> None:
        """
        Print a C{+} line.
        """
        self._event(ADDED, root)

    def deviceRemoved(self, root: RemoteRootDevice) -> None:
        """
        Print a C{-} line.
        """
        self._event(REMOVED, root)


def runSearch(reactor: Reactor, options: SearchOptions) -> Deferred[None]:
    """
    Run C{coherence-lite search} as C{options} ask, printing to standard
    output; exit with status 1 when it could not start.
    """
    controlPoint = ControlPoint(
        interfaces=options["interfaces"],
        excludeInterfaces=options["exclude"],
        ipv6=not options["no-ipv6"],
        ssdpPort=options["ssdp-port"],
        searchTarget=options["st"],
        mx=options["mx"],
        searchInterval=options["rescan-interval"] or None,
        reactor=reactor,
    )
    command = SearchCommand(
        reactor,
        controlPoint,
        sys.stdout,
        sys.stderr,
        searchTarget=options["st"],
        timeout=options["timeout"],
        watch=options["watch"],
        asJSON=options["json"],
    )
    # Ctrl-C stops the reactor: stop searching first.
    reactor.addSystemEventTrigger("before", "shutdown", command.stop)

    def exit(status: int) -> None:
        if status:
            raise SystemExit(status)

    return command.run().addCallback(exit)


