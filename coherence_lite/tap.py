# -*- test-case-name: tests.test_tap -*-
"""
The C{twistd upnp-device} command line: L{Options} and L{makeService}.

Wiring only: the options become a L{HostSettings} and the device to host,
and L{makeService} hands both to the host package's L{DaemonService}.
Everything it builds comes from L{coherence_lite.host}; the values of the
MediaServer's options (C{--media}, Coherence's C{--plugin} and config
files) are read by L{coherence_lite.media.request} and
L{coherence_lite.media.coherenceconfig}.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, Callable, Sequence

from twisted.application.service import IService
from twisted.python import usage

from coherence_lite.cli.checks import interfaceNames, machineInterfaces, startProblem, unknownInterfaces, versionLine
from coherence_lite.cli.options import NetworkOptions, integer, number, portOrZero, usageMessage
from coherence_lite.errors import HostedDeviceError
from coherence_lite.host.bootid import defaultStateDirectory
from coherence_lite.host.daemon import DaemonService, addDaemonParts
from coherence_lite.host.media import MediaHosting
from coherence_lite.host.service import InterfaceLister, interfaceReports
from coherence_lite.host.settings import HostSettings, advertisedHostProblem
from coherence_lite.host.sources import DeviceSources
from coherence_lite.host.udn import machineIdentity
from coherence_lite.media.coherenceconfig import CoherenceConfigError, fsstoreRequest, parsePluginOption, readConfigFile
from coherence_lite.media.request import MediaRequest

__all__ = ["Options", "makeService", "settingsFrom", "sourcesFrom"]

#: The command as users type it, in error lines.
COMMAND = "twistd upnp-device"

#: The defaults shown in the help and used for options not given.
_DEFAULTS = HostSettings()

#: The option that sets each device field that can be overridden.
_OPTION_OF = {"friendlyName": "friendly-name", "UDN": "uuid"}

#: The hint for C{-n} given after the command.
_DASH_N_HINT = (
    "after upnp-device, -n is --friendly-name; to stay in the foreground put -n before it: twistd -n upnp-device ..."
)

#: Hints for usage errors that twistd users run into.
_HINTS = {"option -n requires argument": _DASH_N_HINT}


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
        ["no-media-views", None, "List the media folders only at the MediaServer's root, without the views (Music by artist, album and genre, Photos by date, Videos, Recently added)."],
        ["no-netlink", None, "Do not follow Linux's netlink notifications of address changes (see them by polling only)."],
        ["no-media-thumbnails", None, "Make no JPEG_TN thumbnails of the MediaServer's pictures, album art and videos."],
    ]

    optParameters: list[list[Any]] = [
        ["coherence-config", None, None, "A Coherence config file (XML or ConfigObj) whose FSStore plugin is served as the MediaServer (see docs/migrating-from-coherence.md)."],
        ["media-name", None, None, "The friendlyName of the MediaServer of --media (default: 'Media on <host>')."],
        ["config-dir", None, None, "A folder of TOML device files: every *.toml in it is hosted, sorted by name (after --config files)."],
        ["friendly-name", "n", None, "The device's friendlyName (overrides the config file; one device only)."],
        ["uuid", "u", None, "The root device's UUID (overrides the config file; one device only; default: stable, derived from the machine id)."],
        ["http-port", "p", _DEFAULTS.httpPort, "TCP port for descriptions and icons; 0 picks a free one.", portOrZero("http-port")],
        ["max-age", None, _DEFAULTS.maxAge, "Seconds an announcement stays valid (CACHE-CONTROL max-age), 1800 to 86400.", integer("max-age")],
        ["ttl", None, _DEFAULTS.ttl, "Multicast TTL / hop limit of announcements, 1 to 255.", integer("ttl")],
        ["advertised-host", None, None, "Host name or address (no scheme, no port) to put in LOCATION instead of the interface's (NAT, containers)."],
        ["state-dir", None, None, f"Where BOOTID (and a machine identity, where /etc/machine-id is missing) is kept across restarts (default: {defaultStateDirectory()})."],
        ["poll-interval", None, _DEFAULTS.pollInterval, "Seconds between looks for interfaces and addresses that appear, change or go; 0 never looks again.", number("poll-interval")],
        ["search-rate", None, _DEFAULTS.responderLimits.rate, "Search answers sent per second and source address, on average.", number("search-rate")],
        ["search-burst", None, _DEFAULTS.responderLimits.burst, "Search answers a source may be sent at once before --search-rate applies.", integer("search-burst")],
        ["max-pending", None, _DEFAULTS.responderLimits.maxPending, "Answers waiting for their MX delay or the pace, all sources together; more are dropped.", integer("max-pending")],
        ["http-idle-timeout", None, _DEFAULTS.httpLimits.idleTimeout, "Seconds an HTTP connection may stay silent before it is closed.", number("http-idle-timeout")],
        ["http-request-timeout", None, _DEFAULTS.httpLimits.requestTimeout, "Seconds from the first byte of an HTTP request until all of it must have arrived (else 408).", number("http-request-timeout")],
        ["http-max-connections-per-client", None, _DEFAULTS.httpLimits.maxConnectionsPerClient, "Open HTTP connections per client address; more are closed at once.", integer("http-max-connections-per-client")],
        ["http-max-connections", None, _DEFAULTS.httpLimits.maxConnections, "Open HTTP connections in all; more are closed at once.", integer("http-max-connections")],
        ["stats-interval", None, _DEFAULTS.statsInterval, "Seconds between two 'Stats:' lines in the log; 0 logs them only when stopping.", number("stats-interval")],
    ]

    compData = usage.Completions(
        optActions={
            "config": usage.CompleteFiles("*.toml"),
            "config-dir": usage.CompleteDirs(),
            "coherence-config": usage.CompleteFiles(),
            "state-dir": usage.CompleteDirs(),
        }
    )

    def __init__(
        self,
        systemInterfaces: InterfaceLister | None = None,
        stdout: IO[str] | None = None,
        identity: Callable[[Path | None], str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        """
        @param systemInterfaces: lists the machine's interfaces for
            C{--list-interfaces} and the check of C{--interface}; the real
            ones when L{None}.
        @param stdout: where C{--list-interfaces} and C{--version} write;
            C{sys.stdout} when L{None}.
        @param identity: the machine's identity from the state directory,
            for derived UDNs; L{machineIdentity} when L{None}.
        @param stderr: where a usage error is written when run by twistd;
            C{sys.stderr} when L{None}.
        """
        super().__init__()
        self["configs"] = []
        self["media"] = []
        self["plugins"] = []
        self["allowed-hosts"] = []
        self._systemInterfaces = systemInterfaces
        self._stdout = stdout
        self._stderr = stderr
        self._identity = identity or machineIdentity

    def opt_allow_host(self, name: str) -> None:
        """
        A name (or address) HTTP requests may carry in Host besides this
        host's addresses and localhost (a DNS name clients use, a proxy's);
        others get 421, closing DNS rebinding. Repeat it for several names.
        """
        if not name.strip() or any(c in name for c in "/ \t@"):
            raise usage.UsageError(f"--allow-host: {name!r} is not a host name or address")
        self["allowed-hosts"].append(name.strip())

    def opt_config(self, path: str) -> None:
        """
        A TOML file describing a root device and its tree (see
        docs/device-files.md); repeat it to host several devices.
        """
        self["configs"].append(path)

    opt_c = opt_config

    def opt_media(self, path: str) -> None:
        """
        A folder of music, pictures and videos to serve as a UPnP AV /
        DLNA MediaServer; repeat it to serve several folders.
        """
        self["media"].append(path)

    def opt_plugin(self, text: str) -> None:
        """
        A Coherence plugin as Coherence's own command line took it, e.g.
        backend:FSStore,content:/srv/media,name:Den (a repeated key makes a
        list); its FSStore is served as the MediaServer.
        """
        try:
            self["plugins"].append(parsePluginOption(text))
        except CoherenceConfigError as e:
            raise usage.UsageError(str(e)) from None

    def opt_plugins(self, text: str) -> None:
        """
        The same as --plugin (Coherence's own spelling).
        """
        self.opt_plugin(text)

    def opt_version(self) -> None:
        """
        Print the versions of coherence-lite, Twisted and Python, and exit.
        """
        (self._stdout or sys.stdout).write(versionLine() + "\n")
        raise SystemExit(0)

    def parseOptions(self, options: Sequence[str] | None = None) -> None:
        """
        Parse the options.  Run by twistd (as its C{upnp-device} command), a
        usage error is one line on stderr and exit status 2, without twistd's
        usage dump, and C{-n} given after the command while twistd is about
        to daemonise gets a note; called directly, a usage error raises
        L{usage.UsageError}.
        """
        try:
            super().parseOptions(options)
            if self.parent is not None and not self.parent.get("nodaemon") and "-n" in (options or ()):
                (self._stderr or sys.stderr).write(
                    f"{COMMAND}: note: starting a daemon named {self['friendly-name']!r} ({_DASH_N_HINT})\n"
                )
        except usage.UsageError as e:
            if self.parent is None:
                raise
            message = usageMessage(e)
            hint = _HINTS.get(message) or (_DASH_N_HINT if "-n" in (options or sys.argv) else None)
            line = f"{COMMAND}: {message}" + (f" ({hint})" if hint else "")
            if "(see " not in line:
                line += " (see --help)"
            (self._stderr or sys.stderr).write(line + "\n")
            raise SystemExit(2) from None

    def parseArgs(self, *arguments: str) -> None:
        """
        Refuse words that are not options (C{upnp-device} takes none).
        """
        if arguments:
            raise usage.UsageError(f"unexpected argument {arguments[0]!r}: upnp-device takes options only")

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
        if self["advertised-host"] is not None:
            problem = advertisedHostProblem(self["advertised-host"])
            if problem is not None:
                raise usage.UsageError(f"--advertised-host: {problem}")
            self["advertised-host"] = self["advertised-host"].removeprefix("[").removesuffix("]")
        if self["uuid"] is not None:
            text = self["uuid"].removeprefix("uuid:")
            try:
                self["uuid"] = "uuid:" + str(uuid.UUID(text))
            except ValueError:
                raise usage.UsageError(f"--uuid: {self['uuid']!r} is not a UUID") from None
        if self["list-interfaces"]:
            reports = interfaceReports(settingsFrom(self), self._lister())
            (self._stdout or sys.stdout).write("".join(report.describe() + "\n" for report in reports))
            raise SystemExit(0)
        names = interfaceNames() if self._systemInterfaces is None else ()
        unknown = unknownInterfaces(self["interfaces"], self._lister()(), names)
        if unknown:
            raise usage.UsageError(
                f"--interface {unknown[0]}: no such interface or address on this machine (see --list-interfaces)"
            )
        self["sources"] = sourcesFrom(self)
        try:
            self["identity"] = self._identity(_stateDirectory(self))
            media = _mediaRequest(self)
            self["sources"] = replace(self["sources"], media=media, mediaHosting=_mediaHosting(self))
            self["hosted"] = self["sources"].load(self["identity"])
        except HostedDeviceError as e:
            if e.field is None:
                raise usage.UsageError(e.reason) from None
            raise usage.UsageError(f"--{_OPTION_OF.get(e.field, e.field)}: {e.reason}") from None
        self["devices"] = [hosted.device for hosted in self["hosted"]]
        self["device"] = self["devices"][0]


    def _lister(self) -> InterfaceLister:
        return self._systemInterfaces or machineInterfaces


def _mediaRequest(options: Options) -> MediaRequest | None:
    """
    The MediaServer of C{--media}, or of the FSStore plugin of C{--plugin}
    or C{--coherence-config}, if given: named by C{--media-name} (or the
    plugin's C{name}), or by C{--friendly-name} and C{--uuid} when it is
    the only device.

    @raise usage.UsageError: a Coherence plugin that cannot be served, or
        more than one MediaServer asked for.
    """
    alone = not options["configs"] and not options["config-dir"]
    name = options["media-name"] or (options["friendly-name"] if alone else None)
    udn = options["uuid"] if alone else None
    requests = _pluginRequests(options)
    if options["media"]:
        requests.insert(0, MediaRequest.checked("--media", options["media"], name, udn))
    if len(requests) > 1:
        raise usage.UsageError(
            f"{requests[1].origin}: a second MediaServer ({requests[0].origin} asks for one already); "
            "a host serves one: give its folders as one plugin's content"
        )
    if not requests:
        return None
    request = requests[0]
    return replace(
        request, name=request.name or name, udn=request.udn or udn,
        views=not options["no-media-views"], thumbnails=not options["no-media-thumbnails"],
    )


def _pluginRequests(options: Options) -> list[MediaRequest]:
    """
    The MediaServers of the FSStore plugins of C{--plugin} and
    C{--coherence-config}, unsupported keys noted on stderr.
    """
    stderr = options._stderr or sys.stderr

    def note(line: str) -> None:
        stderr.write(f"{COMMAND}: note: {line}\n")

    try:
        found = [("--plugin", plugin) for plugin in options["plugins"]]
        if options["coherence-config"]:
            path = options["coherence-config"]
            found += [(path, plugin) for plugin in readConfigFile(Path(path))]
            if not found:
                raise CoherenceConfigError(f"{path}: no active plugin (Coherence's [plugins] or <plugin> entries)")
        return [fsstoreRequest(origin, plugin, note) for origin, plugin in found]
    except CoherenceConfigError as e:
        raise usage.UsageError(str(e)) from None


def _mediaHosting(options: Options) -> MediaHosting:
    """
    What builds and runs the host's MediaServer, on the global reactor.
    """
    from twisted.internet import reactor

    return MediaHosting(_stateDirectory(options), reactor)


def _stateDirectory(options: Options) -> Path:
    return Path(options["state-dir"]) if options["state-dir"] else defaultStateDirectory()


def sourcesFrom(options: Options) -> DeviceSources:
    """
    The device files and overrides the parsed options name.
    """
    return DeviceSources(
        configs=tuple(Path(path) for path in options["configs"]),
        configDirectory=Path(options["config-dir"]) if options["config-dir"] else None,
        friendlyName=options["friendly-name"],
        udn=options["uuid"],
        stateDirectory=_stateDirectory(options),
    )


def settingsFrom(options: Options) -> HostSettings:
    """
    The host settings the parsed options ask for.
    """
    stateDirectory = _stateDirectory(options)
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
        allowedHosts=tuple(options["allowed-hosts"]),
        stateDirectory=stateDirectory,
        pollInterval=options["poll-interval"],
        netlink=not options["no-netlink"],
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
    Build the device host from parsed options: the host, telling systemd
    how it is doing, and reloading its device files on SIGHUP.

    Run by twistd about to fork a daemon, check first that it could start
    (L{startProblem}): if not, one C{Cannot start: ...} line on stderr and
    exit status 1, as in the foreground, instead of twistd's report of a
    failed daemon.
    """
    settings = settingsFrom(options)
    if options.parent is not None and not options.parent.get("nodaemon"):
        problem = startProblem(settings, lambda: interfaceReports(settings, options._lister()))
        if problem is not None:
            (options._stderr or sys.stderr).write(f"{COMMAND}: Cannot start: {problem}\n")
            raise SystemExit(1)
    service = DaemonService(options["hosted"], settings)
    sources: DeviceSources = options["sources"]
    identity: str = options["identity"]
    addDaemonParts(service, lambda: sources.load(identity))
    hosting: MediaHosting = options["sources"].mediaHosting
    hosting.attach(service)
    return service
