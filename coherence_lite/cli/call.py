# -*- test-case-name: tests.cli.test_call -*-
"""
C{coherence-lite call LOCATION|UUID SERVICE ACTION [name=value ...]}: call
one action of a device's service and print its out-arguments.

The in-arguments are checked and encoded with the SCPD's types before
anything is sent; the out-arguments are printed one C{name=value} per
line (their text as sent, escaped for the terminal), or as one JSON
object with C{--json}.  Exit status: 0 for an answer, 1 for a fault or
any failure (one line on stderr), 2 for bad options.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from twisted.python import usage

from coherence_lite._version import __version__
from coherence_lite.controlpoint.agent import clientAgent
from coherence_lite.cli.target import TargetError, TargetOptions, fetchSCPD, findDevice, findService
from coherence_lite.controlpoint.fetch import HTTPFetcher
from coherence_lite.model.xmltext import safeText
from coherence_lite.controlpoint.soap import SOAPClient, SOAPError
from coherence_lite.errors import UPnPError
from coherence_lite.identity import serverString
from coherence_lite.model.codecs import encodeValue
from coherence_lite.model.types import Value
from coherence_lite._reactor import Reactor

__all__ = ["CallOptions", "runCall", "formatResults"]

PROGRAM = "coherence-lite call"


class CallOptions(TargetOptions):
    """
    Options of C{coherence-lite call}.
    """

    synopsis = "[options] LOCATION|UUID SERVICE ACTION [name=value ...]"
    longdesc = (
        "Call an action of a UPnP service and print its out-arguments. LOCATION is the "
        "device description's URL; a UUID is searched for on the chosen interfaces. "
        "SERVICE is a serviceId, its last part, a serviceType or a type name (SwitchPower). "
        "Arguments are name=value, checked against the service's SCPD before sending. "
        "Example: coherence-lite call http://192.168.1.20:8080/desc.xml SwitchPower SetTarget newTargetValue=1"
    )

    optFlags: list[list[str | None]] = TargetOptions.optFlags + [
        ["json", None, "Print the out-arguments as one JSON object."],
    ]

    optParameters: list[list[Any]] = TargetOptions.optParameters + [
        ["timeout", None, 10.0, "Seconds the call may take.", float],
    ]

    def parseArgs(self, target: str, service: str, action: str, *assignments: str) -> None:  # type: ignore[override]
        """
        Take the device, service, action and C{name=value} arguments.
        """
        self["target"], self["service"], self["action"] = target, service, action
        arguments: dict[str, str] = {}
        for assignment in assignments:
            name, equals, value = assignment.partition("=")
            if not equals or not name:
                raise usage.UsageError(f"{assignment!r} is not name=value")
            if name in arguments:
                raise usage.UsageError(f"argument {name!r} given twice")
            arguments[name] = value
        self["arguments"] = arguments

    def postOptions(self) -> None:
        """
        Check the time limit.
        """
        super().postOptions()
        if not 0 < self["timeout"] <= 600:
            raise usage.UsageError("--timeout must be more than 0 and at most 600 seconds")


def _jsonValue(value: Value) -> object:
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def formatResults(results: dict[str, tuple[str, Value]], asJSON: bool) -> str:
    """
    The out-arguments as printed: C{name=text} lines, or one JSON object
    of the decoded values (bytes as hex, dates and decimals as text).

    @param results: (text as sent, decoded value) by argument name.
    """
    if asJSON:
        return json.dumps({name: _jsonValue(value) for name, (_, value) in results.items()}) + "\n"
    return "".join(f"{name}={safeText(text, 4000)}\n" for name, (text, _) in results.items())


async def runCall(reactor: Reactor, options: CallOptions, stdout: IO[str] = sys.stdout, stderr: IO[str] = sys.stderr) -> int:
    """
    Run one C{call}.

    @return: the exit status.
    """
    agent = clientAgent(reactor)
    fetcher = HTTPFetcher(agent, reactor, timeout=10.0, userAgent=serverString(__version__))
    try:
        root = await findDevice(reactor, options, fetcher, options["target"])
        service = findService(root, options["service"])
        scpd = await fetchSCPD(fetcher, service)
        client = SOAPClient(agent, reactor, timeout=options["timeout"], userAgent=serverString(__version__))
        values = await client.call(service, scpd, options["action"], options["arguments"])
    except TargetError as e:
        stderr.write(f"{PROGRAM}: {e.reason}\n")
        return 1
    except UPnPError as e:
        stderr.write(f"{PROGRAM}: UPnPError {e.code}: {safeText(e.description)}\n")
        return 1
    except SOAPError as e:
        stderr.write(f"{PROGRAM}: {e.reason}\n")
        return 1
    action = scpd.action(options["action"])
    assert action is not None
    results: dict[str, tuple[str, Value]] = {}
    for argument in action.arguments:
        if argument.name in values:
            variable = scpd.variable(argument.relatedStateVariable)
            assert variable is not None
            results[argument.name] = (encodeValue(variable.dataType, values[argument.name]), values[argument.name])
    stdout.write(formatResults(results, options["json"]))
    stdout.flush()
    return 0
