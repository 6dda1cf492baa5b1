# -*- test-case-name: tests.test_tap -*-
"""
The C{twistd upnp-device} command line: L{Options} and L{makeService}.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import replace
from pathlib import Path

from twisted.application.service import IService
from twisted.logger import Logger
from twisted.python import usage

from coherence_lite.model.devicefile import ConfigError, loadDevice
from coherence_lite.model.defaults import defaultDevice
from coherence_lite.model.device import Device, DeviceError
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.monitor import DEFAULT_INTERVAL as STATS_INTERVAL
from coherence_lite.net.interfaces import selectLinks, systemInterfaces
from coherence_lite.cli.options import portOrZero
from coherence_lite.errors import StartupError
from coherence_lite.host.service import UPnPDeviceService
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.host.bootid import defaultStateDirectory

log = Logger()


class Options(usage.Options):
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

    optFlags = [
        ["no-ipv6", None, "Serve IPv4 only (IPv6 is served where an interface has an address for it)."],
        ["ipv6-site-local", None, "On IPv6, also use the site-local group FF05::C (FF02::C is always used)."],
        ["list-interfaces", None, "Print which interfaces would be used or skipped, and why, then exit."],
    ]

    optParameters = [
        ["config", "c", None, "A TOML file describing the device tree (see README: 'Device files')."],
        ["friendly-name", "n", None, "The device's friendlyName (overrides the config file)."],
        ["uuid", "u", None, "The root device's UUID (overrides the config file; default: stable, derived from host and name)."],
        ["http-port", "p", 0, "TCP port for descriptions and icons; 0 picks a free one.", portOrZero],
        ["ssdp-port", None, 1900, "UDP port for SSDP; change it only for isolated tests.", portOrZero],
        ["max-age", None, 1800, "Seconds an announcement stays valid (CACHE-CONTROL max-age), 1800 to 86400.", int],
        ["ttl", None, 2, "Multicast TTL / hop limit of announcements, 1 to 255.", int],
        ["advertised-host", None, None, "Host or address to put in LOCATION instead of the interface's (NAT, containers)."],
        ["state-dir", None, None, f"Where BOOTID is kept across restarts (default: {defaultStateDirectory()})."],
        ["poll-interval", None, 5.0, "Seconds between looks for interfaces and addresses that appear, change or go; 0 never looks again.", float],
        ["search-rate", None, ResponderLimits.rate, "M-SEARCHes answered per second and source address.", float],
        ["search-burst", None, ResponderLimits.burst, "M-SEARCHes a source may send at once before --search-rate applies.", int],
        ["max-pending", None, ResponderLimits.maxPending, "Responses waiting for their MX delay, all sources together; more are dropped.", int],
        ["http-idle-timeout", None, HTTPLimits.idleTimeout, "Seconds an HTTP connection may stay silent before it is closed.", float],
        ["http-request-timeout", None, HTTPLimits.requestTimeout, "Seconds from the first byte of an HTTP request until all of it must have arrived (else 408).", float],
        ["http-max-connections-per-client", None, HTTPLimits.maxConnectionsPerClient, "Open HTTP connections per client address; more are closed at once.", int],
        ["http-max-connections", None, HTTPLimits.maxConnections, "Open HTTP connections in all; more are closed at once.", int],
        ["stats-interval", None, STATS_INTERVAL, "Seconds between two 'Stats:' lines in the log; 0 logs them only when stopping.", float],
    ]

    compData = usage.Completions(
        optActions={
            "config": usage.CompleteFiles("*.toml"),
            "state-dir": usage.CompleteDirs(),
            "interface": usage.CompleteNetInterfaces(),
            "exclude-interface": usage.CompleteNetInterfaces(),
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self["interfaces"] = []
        self["exclude"] = []

    def opt_interface(self, name: str) -> None:
        """
        Serve this interface (a name like eth0, or one of its addresses);
        repeat for several. Default: every up, multicast-capable interface
        except loopback and container/VM bridges.
        """
        self["interfaces"].append(name)

    opt_i = opt_interface

    def opt_exclude_interface(self, pattern: str) -> None:
        """
        Never serve interfaces matching this name or glob (e.g. 'tun*');
        repeatable.
        """
        self["exclude"].append(pattern)

    def postOptions(self) -> None:
        if not 1800 <= self["max-age"] <= 86400:
            raise usage.UsageError("--max-age must be from 1800 to 86400 seconds (UPnP asks for at least 1800)")
        if not 0 <= self["poll-interval"] <= 3600:
            raise usage.UsageError("--poll-interval must be from 0 to 3600 seconds")
        if not 1 <= self["ttl"] <= 255:
            raise usage.UsageError("--ttl must be from 1 to 255")
        if not (self["search-rate"] > 0 and self["search-burst"] >= 1 and self["max-pending"] >= 1):
            raise usage.UsageError("--search-rate must be above 0; --search-burst and --max-pending at least 1")
        if self["ssdp-port"] == 0:
            raise usage.UsageError("--ssdp-port must be a fixed port (1900 on a real network)")
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
        self["device"] = self._device()
        if self["list-interfaces"]:
            reports = selectLinks(systemInterfaces(), self["interfaces"], self["exclude"], not self["no-ipv6"])
            sys.stdout.write("".join(report.describe() + "\n" for report in reports))
            raise SystemExit(0)

    def _device(self) -> Device:
        overrides = {}
        if self["friendly-name"] is not None:
            overrides["friendlyName"] = self["friendly-name"]
        if self["uuid"] is not None:
            overrides["UDN"] = self["uuid"]
        try:
            if self["config"] is None:
                return defaultDevice(friendlyName=overrides.get("friendlyName"), udn=overrides.get("UDN"))
            return replace(loadDevice(self["config"]), **overrides)
        except ConfigError as e:
            raise usage.UsageError(str(e)) from None
        except DeviceError as e:
            # Only the overrides can be wrong here: the file was validated.
            raise usage.UsageError(f"--{_OPTION_OF.get(e.field, e.field)}: {e.reason}") from None


_OPTION_OF = {"friendlyName": "friendly-name", "UDN": "uuid"}


class DaemonService(UPnPDeviceService):
    """
    The service C{twistd} runs: a start-up failure is one logged line and
    exit status 1, not a traceback.
    """

    def startService(self) -> None:
        try:
            super().startService()
        except StartupError as e:
            log.critical("Cannot start: {reason}", reason=str(e))
            raise SystemExit(1) from None


def makeService(options: Options) -> IService:
    """
    Build the device host from parsed options.
    """
    stateDirectory = Path(options["state-dir"]) if options["state-dir"] else defaultStateDirectory()
    return DaemonService(
        [options["device"]],
        interfaces=options["interfaces"],
        excludeInterfaces=options["exclude"],
        ipv6=not options["no-ipv6"],
        ipv6SiteLocal=options["ipv6-site-local"],
        httpPort=options["http-port"],
        ssdpPort=options["ssdp-port"],
        maxAge=options["max-age"],
        ttl=options["ttl"],
        advertisedHost=options["advertised-host"],
        stateDirectory=stateDirectory,
        pollInterval=options["poll-interval"],
        limits=ResponderLimits(
            rate=options["search-rate"], burst=options["search-burst"], maxPending=options["max-pending"]
        ),
        httpLimits=HTTPLimits(
            idleTimeout=options["http-idle-timeout"],
            requestTimeout=options["http-request-timeout"],
            maxConnectionsPerClient=options["http-max-connections-per-client"],
            maxConnections=options["http-max-connections"],
        ),
        statsInterval=options["stats-interval"],
    )
