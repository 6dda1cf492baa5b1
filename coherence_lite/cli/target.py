# -*- test-case-name: tests.cli.test_call -*-
"""
What C{call}, C{subscribe} and C{check} share: the device named on the
command line (a LOCATION URL, or a UUID found by searching for it), one of
its services (by serviceId, its last part, serviceType or type name) and
that service's SCPD.

L{TargetOptions} holds the options; L{findDevice}, L{findService} and
L{fetchSCPD} raise L{TargetError} with a sentence a user can act on.
"""

from __future__ import annotations

from dataclasses import replace
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from twisted.internet.defer import CancelledError, Deferred, maybeDeferred
from twisted.python import usage

from coherence_lite.cli.version import VersionOption
from coherence_lite.controlpoint.discovery import ControlPoint
from coherence_lite.controlpoint.fetch import FetchError, Fetcher, checkURL
from coherence_lite.controlpoint.description import DescriptionError, parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice, RemoteService
from coherence_lite.controlpoint.scpd import SCPD, SCPDError, parseSCPD
from coherence_lite.controlpoint.tracker import DeviceObserver
from coherence_lite.errors import StartupError
from coherence_lite.cli.options import NetworkOptions
from coherence_lite.model.device import parseURN
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.message import isSearchTarget

__all__ = [
    "TargetError",
    "TargetOptions",
    "optionsFirst",
    "isLocation",
    "locationProblem",
    "uuidProblem",
    "targetProblem",
    "findDevice",
    "findService",
    "fetchSCPD",
    "services",
]

#: Seconds a search for a UUID waits for the device by default.
FIND_TIMEOUT = 10.0


class TargetError(Exception):
    """
    The device or service named cannot be used.

    @ivar reason: why, for the user.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TargetOptions(VersionOption, NetworkOptions):
    """
    The options of a command that talks to one device: the network
    options, C{--timeout} and C{--verbose}.
    """

    optFlags: list[list[str | None]] = NetworkOptions.optFlags + [
        ["verbose", "v", "Log what happens on stderr (otherwise warnings only)."],
    ]

    optParameters: list[list[Any]] = NetworkOptions.optParameters + [
        ["find-timeout", None, FIND_TIMEOUT, "Seconds to search for a device named by UUID.", float],
    ]

    def parseOptions(self, options: Sequence[str] | None = None) -> None:
        """
        Parse the arguments, options being allowed after the positional
        arguments too (C{subscribe URL SwitchPower --count 1}), as GNU
        getopt allows.
        """
        super().parseOptions(optionsFirst(list(sys.argv[1:] if options is None else options), self.longOpt, self.shortOpt))

    def postOptions(self) -> None:
        """
        Check the device named, the network options and the search time.
        """
        super().postOptions()
        problem = targetProblem(self["target"])
        if problem is not None:
            raise usage.UsageError(f"LOCATION|UUID: {problem}")
        if not 0 < self["find-timeout"] <= 600:
            raise usage.UsageError("--find-timeout must be more than 0 and at most 600 seconds")


def optionsFirst(arguments: list[str], longOptions: Sequence[str], shortOptions: str) -> list[str]:
    """
    The same arguments with every option (and the value it takes) moved
    before the positional arguments, their order otherwise kept; nothing
    after C{--} moves.

    @param longOptions: the long option names, C{name=} when it takes a
        value (L{usage.Options.longOpt}).
    @param shortOptions: the short option letters, each followed by C{:}
        when it takes a value (L{usage.Options.shortOpt}).
    """
    takesValue = {f"--{name[:-1]}" for name in longOptions if name.endswith("=")}
    takesValue |= {f"-{letter}" for letter, after in zip(shortOptions, shortOptions[1:] + " ") if letter != ":" and after == ":"}
    options: list[str] = []
    positional: list[str] = []
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == "--":
            positional += arguments[index:]
            break
        if argument.startswith("-") and argument != "-":
            options.append(argument)
            if argument in takesValue and index + 1 < len(arguments):
                options.append(arguments[index + 1])
                index += 1
        else:
            positional.append(argument)
        index += 1
    return options + positional


def isLocation(target: str) -> bool:
    """
    Whether a device named on the command line is a LOCATION URL (else it
    is a UUID).
    """
    return target.lower().startswith("http://")


def locationProblem(location: str) -> str | None:
    """
    Why C{location} is no LOCATION URL to fetch a description from (one
    line, the value quoted), or L{None}.
    """
    problem = checkURL(location)
    return None if problem is None else f"{location!r} is not a usable LOCATION: {problem}"


def uuidProblem(udn: str) -> str | None:
    """
    Why C{udn} (with or without C{uuid:}) names no device (one line, the
    value quoted), or L{None}.
    """
    if not udn.lower().removeprefix("uuid:"):
        return f"{udn!r} is not a UUID: it is empty"
    if not isSearchTarget(_udn(udn)):
        return f"{udn!r} is not a UUID: letters, digits and '-', '_', '.', ':' (at most 128, the first a letter or digit)"
    return None


def targetProblem(target: str) -> str | None:
    """
    Why C{target}, the device named on the command line, names none (one
    line, the value quoted), or L{None}: a LOCATION must be a fetchable
    C{http://} URL, a UUID what a C{uuid:} search target takes; a search
    target or another URL scheme is said to be one.
    """
    lowered = target.lower()
    if isLocation(target):
        return locationProblem(target)
    if "://" in target:
        return f"{target!r} is not a usable LOCATION: only http:// URLs are fetched"
    if lowered.startswith(("urn:", "ssdp:", "upnp:")):
        return f"{target!r} is a search target, not a device: give its LOCATION (http://...) or UUID, as 'coherence-lite search' lists them"
    if not target:
        return "the device is empty: give its LOCATION (http://...) or UUID"
    return uuidProblem(target)


def _udn(target: str) -> str:
    return target if target.lower().startswith("uuid:") else f"uuid:{target}"


class _Waiter(DeviceObserver):
    def __init__(self, udn: str, found: Deferred[RemoteRootDevice]) -> None:
        self._udn = udn.lower()
        self._found = found

    def deviceAdded(self, root: RemoteRootDevice) -> None:
        if not self._found.called and any(device.UDN.lower() == self._udn for device in root.allDevices()):
            self._found.callback(root)


async def findDevice(reactor: Reactor, options: TargetOptions, fetcher: Fetcher, target: str) -> RemoteRootDevice:
    """
    The root device named by C{target}: fetched from a LOCATION, or found
    by searching the chosen links for C{uuid:...}.

    @raise TargetError: not found, not fetchable or not a description.
    """
    if isLocation(target):
        try:
            body = await fetcher.fetch(target)
        except FetchError as e:
            raise TargetError(f"cannot fetch {target}: {e.reason}") from None
        root = parseDescription(body, target)
        if isinstance(root, DescriptionError):
            raise TargetError(f"{target} is not a usable device description: {root.reason}")
        return replace(root, host=urlsplit(target).hostname or "")
    udn = _udn(target)
    controlPoint = ControlPoint(
        interfaces=options["interfaces"],
        excludeInterfaces=options["exclude"],
        ipv6=not options["no-ipv6"],
        ssdpPort=options["ssdp-port"],
        searchTarget=udn,
        searchInterval=None,
        reactor=reactor,
        fetcher=fetcher,
    )
    found: Deferred[RemoteRootDevice] = Deferred()
    controlPoint.tracker.addObserver(_Waiter(udn, found))
    try:
        controlPoint.startService()
    except StartupError as e:
        raise TargetError(str(e)) from None
    timer = reactor.callLater(options["find-timeout"], found.cancel)
    try:
        return await found
    except CancelledError:
        raise TargetError(f"no device {udn} answered within {options['find-timeout']:g} s") from None
    finally:
        if timer.active():
            timer.cancel()
        await maybeDeferred(controlPoint.stopService)
        # Forget what was heard, and the expiry timers with it: the run
        # is over.
        controlPoint.registry.clear()


def services(root: RemoteRootDevice) -> list[RemoteService]:
    """
    Every service of the tree, root device first.
    """
    return [service for device in root.allDevices() for service in device.services]


def findService(root: RemoteRootDevice, name: str) -> RemoteService:
    """
    The service named C{name}: its serviceId, the serviceId's last part,
    its serviceType, or the type's name (C{SwitchPower}), in any case.

    @raise TargetError: none or several match.
    """
    wanted = name.lower()

    def names(service: RemoteService) -> set[str]:
        urn = parseURN(service.serviceType)
        found = {service.serviceId.lower(), service.serviceId.rsplit(":", 1)[-1].lower(), service.serviceType.lower()}
        return found | ({urn.name.lower()} if urn is not None else set())

    matches = [service for service in services(root) if wanted in names(service)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(service.serviceId for service in services(root)) or "none"
    if not matches:
        raise TargetError(f"{root.friendlyName!r} has no service {name!r} (its services: {known})")
    raise TargetError(f"{name!r} names several services of {root.friendlyName!r}; use a serviceId ({known})")


async def fetchSCPD(fetcher: Fetcher, service: RemoteService) -> SCPD:
    """
    The service's description.

    @raise TargetError: it has no SCPDURL, or the document cannot be
        fetched or read.
    """
    if service.SCPDURL is None:
        raise TargetError(f"{service.serviceId} has no usable SCPDURL")
    try:
        body = await fetcher.fetch(service.SCPDURL)
    except FetchError as e:
        raise TargetError(f"cannot fetch the SCPD of {service.serviceId}: {e.reason}") from None
    scpd = parseSCPD(body)
    if isinstance(scpd, SCPDError):
        raise TargetError(f"the SCPD of {service.serviceId} is not usable: {scpd.reason}")
    return scpd
