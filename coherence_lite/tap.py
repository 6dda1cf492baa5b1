# -*- test-case-name: tests.test_tap -*-
"""
The C{twistd upnp-device} command line: L{Options} and L{makeService}.

Wiring only: the options become a L{HostSettings} and the device to host,
and L{makeService} hands both to the host package's L{DaemonService}.
Everything it builds comes from L{coherence_lite.host}.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from twisted.application.service import IService
from twisted.python import usage

from coherence_lite.host.bootid import defaultStateDirectory
from coherence_lite.host.options import NetworkOptions, portOrZero
from coherence_lite.host.service import DaemonService, InterfaceLister, interfaceReports
from coherence_lite.host.settings import HostedDeviceError, HostSettings, hostedDevice

__all__ = ["Options", "makeService", "settingsFrom"]

#: The defaults shown in the help and used for options not given.
_DEFAULTS = HostSettings()

#: The option that sets each device field that can be overridden.
_OPTION_OF = {"friendlyName": "friendly-name", "UDN": "uuid"}


class Options(NetworkOptions):
    """
    Options of C{twistd upnp-device}.
    """

    synopsis = "[options]"
    longdesc = (
        "Make this machine appear on the local network as a UPnP root device. "
        "It answers SSDP searches, announces itself (NOTIFY alive, and byebye "
        "when stopped) and serves its description, service descriptions, icons "
        "and a presentation page over HTTP. Without --config it hosts one "
        "Basic:1 device named after this host. Control points (Windows' Network "
        "view, Home Assistant, gupnp-universal-cp, upnp-client) then list it.\n\n"
        "Example: twistd -n upnp-device --config examples/binary-light.toml "
        "--interface eth0"
    )

    optFlags: list[list[str | None]] = [
        ["ipv6-site-local", None, "On IPv6, also use the site-local group FF05::C (FF02::C is always used)."],
        ["list-interfaces", None, "Print which interfaces would be used or skipped, and why, then exit."],
    ]

    optParameters: list[list[Any]] = [
        ["config", "c", None, "A TOML file describing the device tree (see README: 'Device files')."],
        ["friendly-name", "n", None, "The device's friendlyName (overrides the config file)."],
        ["uuid", "u", None, "The root device's UUID (overrides the config file; default: stable, derived from host and name)."],
        ["http-port", "p", _DEFAULTS.httpPort, "TCP port for descriptions and icons; 0 picks a free one.", portOrZero],
        ["max-age", None, _DEFAULTS.maxAge, "Seconds an announcement stays valid (CACHE-CONTROL max-age), 1800 to 86400.", int],
        ["ttl", None, _DEFAULTS.ttl, "Multicast TTL / hop limit of announcements, 1 to 255.", int],
        ["advertised-host", None, None, "Host or address to put in LOCATION instead of the interface's (NAT, containers)."],
        ["state-dir", None, None, f"Where BOOTID is kept across restarts (default: {defaultStateDirectory()})."],
        ["poll-interval", None, _DEFAULTS.pollInterval, "Seconds between looks for interfaces and addresses that appear, change or go; 0 never looks again.", float],
        ["search-rate", None, _DEFAULTS.responderLimits.rate, "M-SEARCHes answered per second and source address.", float],
        ["search-burst", None, _DEFAULTS.responderLimits.burst, "M-SEARCHes a source may send at once before --search-rate applies.", int],
        ["max-pending", None, _DEFAULTS.responderLimits.maxPending, "Responses waiting for their MX delay, all sources together; more are dropped.", int],
        ["http-idle-timeout", None, _DEFAULTS.httpLimits.idleTimeout, "Seconds an HTTP connection may stay silent before it is closed.", float],
        ["http-request-timeout", None, _DEFAULTS.httpLimits.requestTimeout, "Seconds from the first byte of an HTTP request until all of it must have arrived (else 408).", float],
        ["http-max-connections-per-client", None, _DEFAULTS.httpLimits.maxConnectionsPerClient, "Open HTTP connections per client address; more are closed at once.", int],
        ["http-max-connections", None, _DEFAULTS.httpLimits.maxConnections, "Open HTTP connections in all; more are closed at once.", int],
        ["stats-interval", None, _DEFAULTS.statsInterval, "Seconds between two 'Stats:' lines in the log; 0 logs them only when stopping.", float],
    ]

    compData = usage.Completions(
        optActions={
            "config": usage.CompleteFiles("*.toml"),
            "state-dir": usage.CompleteDirs(),
        }
    )

    def __init__(self, systemInterfaces: InterfaceLister | None = None, stdout: IO[str] | None = None) -> None:
        """
        @param systemInterfaces: lists the machine's interfaces for
            C{--list-interfaces}; the real ones when L{None}.
        @param stdout: where C{--list-interfaces} writes; C{sys.stdout}
            when L{None}.
        """
        super().__init__()
        self._systemInterfaces = systemInterfaces
        self._stdout = stdout

    def postOptions(self) -> None:
        """
        Check the values, build the device, and answer C{--list-interfaces}.
        """
        super().postOptions()
        if not 1800 <= self["max-age"] <= 86400:
            raise usage.UsageError("--max-age must be from 1800 to 86400 seconds (UPnP asks for at least 1800)")
        if not 0 <= self["poll-interval"] <= 3600:
            raise usage.UsageError("--poll-interval must be from 0 to 3600 seconds")
        if not 1 <= self["ttl"] <= 255:
            raise usage.UsageError("--ttl must be from 1 to 255")
        if not (self["search-rate"] > 0 and self["search-burst"] >= 1 and self["max-pending"] >= 1):
            raise usage.UsageError("--search-rate must be above 0; --search-burst and --max-pending at least 1")
        if not (0 < self["http-idle-timeout"] <= 86400 and 0 < self["http-request-timeout"] <= 86400):
            raise usage.UsageError("--http-idle-timeout and --http-request-timeout must be above 0 and at most 86400 seconds")
        if not 1 <= self["http-max-connections-per-client"] <= self["http-max-connections"]:
            raise usage.UsageError("--http-max-connections-per-client must be from 1 to --http-max-connections")
        if not 0 <= self["stats-interval"] <= 86400:
            raise usage.UsageError("--stats-interval must be from 0 to 86400 seconds")
        if self["uuid"] is not None:
            text = self["uuid"].removeprefix("uuid:")
            try:
                self["uuid"] = "uuid:" + str(uuid.UUID(text))
            except ValueError:
                raise usage.UsageError(f"--uuid: {self['uuid']!r} is not a UUID") from None
        try:
            self["device"] = hostedDevice(self["config"], self["friendly-name"], self["uuid"])
        except HostedDeviceError as e:
            if e.field is None:
                raise usage.UsageError(e.reason) from None
            raise usage.UsageError(f"--{_OPTION_OF.get(e.field, e.field)}: {e.reason}") from None
        if self["list-interfaces"]:
            reports = interfaceReports(settingsFrom(self), self._systemInterfaces)
            (self._stdout or sys.stdout).write("".join(report.describe() + "\n" for report in reports))
            raise SystemExit(0)


def settingsFrom(options: Options) -> HostSettings:
    """
    The host settings the parsed options ask for.
    """
    stateDirectory = Path(options["state-dir"]) if options["state-dir"] else defaultStateDirectory()
    return HostSettings(
        interfaces=tuple(options["interfaces"]),
        excludeInterfaces=tuple(options["exclude"]),
        ipv6=not options["no-ipv6"],
        ipv6SiteLocal=options["ipv6-site-local"],
        httpPort=options["http-port"],
        ssdpPort=options["ssdp-port"],
        maxAge=options["max-age"],
        ttl=options["ttl"],
        advertisedHost=options["advertised-host"],
        stateDirectory=stateDirectory,
        pollInterval=options["poll-interval"],
        statsInterval=options["stats-interval"],
        responderLimits=replace(
            _DEFAULTS.responderLimits,
            rate=options["search-rate"],
            burst=options["search-burst"],
            maxPending=options["max-pending"],
        ),
        httpLimits=replace(
            _DEFAULTS.httpLimits,
            idleTimeout=options["http-idle-timeout"],
            requestTimeout=options["http-request-timeout"],
            maxConnectionsPerClient=options["http-max-connections-per-client"],
            maxConnections=options["http-max-connections"],
        ),
    )


def makeService(options: Options) -> IService:
    """
    Build the device host from parsed options.
    """
    return DaemonService([options["device"]], settingsFrom(options))
