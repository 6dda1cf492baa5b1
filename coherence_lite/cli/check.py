# -*- test-case-name: tests.system.test_conformance_probe -*-
"""
C{coherence-lite check [-i IFACE] [--st ST | --location URL | --uuid U]
[--json]}: find UPnP devices and check each against the rules of UDA 2.0
(SSDP, descriptions, control, eventing, CallStranger), printing every
problem with the rule it breaks and what was seen.

Exit status: 0 when no rule failed, 1 when one did (or nothing could be
checked), 2 for bad options.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from twisted.internet.error import CannotListenError
from twisted.logger import Logger, LogLevel
from twisted.python import usage

from coherence_lite.controlpoint.agent import clientAgent
from coherence_lite.cli.target import locationProblem, uuidProblem
from coherence_lite.cli.version import VersionOption
from coherence_lite.conformance.findings import FAIL
from coherence_lite.conformance.probe import Checker
from coherence_lite.conformance.report import exitStatus, formatJSON, formatText
from coherence_lite.cli.options import NetworkOptions
from coherence_lite.net.interfaces import reportedLinks, selectLinks, systemInterfaces
from coherence_lite._reactor import Reactor
from coherence_lite.ssdp.message import isSearchTarget

__all__ = ["CheckOptions", "runCheck"]

PROGRAM = "coherence-lite check"

log = Logger()


class CheckOptions(VersionOption, NetworkOptions):
    """
    Options of C{coherence-lite check}.
    """

    synopsis = "[options]"
    longdesc = (
        "Check UPnP devices against the UPnP Device Architecture: SSDP answers and "
        "announcements, the description and SCPDs, control (getters are called, and "
        "deliberately incomplete and unknown calls are sent, which a device must refuse) and "
        "eventing (subscribe, renew, unsubscribe, CallStranger), and for a MediaServer its "
        "ContentDirectory and ConnectionManager (required actions, DIDL-Lite, paging, error "
        "codes, protocolInfo). Every problem is printed "
        "with the rule, where it comes from, and what was seen. Without --st, --location "
        "or --uuid every device answering ssdp:all is checked (at most 8). Searches go "
        "only to the chosen interfaces. Exit status 1 when any rule fails."
    )

    optFlags: list[list[str | None]] = NetworkOptions.optFlags + [
        ["json", None, "Print the report as one JSON object (a list of devices, each with its findings) instead of text."],
        ["verbose", "v", "List the rules that passed too, and log on stderr."],
    ]

    optParameters: list[list[Any]] = NetworkOptions.optParameters + [
        ["st", "t", None, "Check the devices answering this search target."],
        ["location", "l", None, "Check the device whose description is at this URL."],
        ["uuid", "u", None, "Check the device tree holding this UUID."],
        ["mx", None, 2, "MX of the discovery search, 1 to 5.", int],
        ["timeout", None, 5.0, "Seconds each HTTP request may take.", float],
        ["watch", "w", 0.0, "Seconds to listen for announcements before searching (restart the device meanwhile to check its byebye and alive).", float],
    ]

    def postOptions(self) -> None:
        """
        One way of choosing the device at most; values checked.
        """
        super().postOptions()
        chosen = [name for name in ("st", "location", "uuid") if self[name] is not None]
        if len(chosen) > 1:
            raise usage.UsageError("give one of --st, --location and --uuid")
        if self["st"] is not None and not isSearchTarget(self["st"]):
            raise usage.UsageError(f"--st: {self['st']!r} is not a search target")
        if self["location"] is not None:
            problem = locationProblem(self["location"])
            if problem is not None:
                raise usage.UsageError(f"--location: {problem}")
        if self["uuid"] is not None:
            problem = uuidProblem(self["uuid"])
            if problem is not None:
                raise usage.UsageError(f"--uuid: {problem}")
        if not 1 <= self["mx"] <= 5:
            raise usage.UsageError("--mx must be from 1 to 5 seconds")
        if not 0 <= self["watch"] <= 3600:
            raise usage.UsageError("--watch must be from 0 to 3600 seconds")
        if not 0 < self["timeout"] <= 60:
            raise usage.UsageError("--timeout must be more than 0 and at most 60 seconds")


async def runCheck(reactor: Reactor, options: CheckOptions, stdout: IO[str] = sys.stdout, stderr: IO[str] = sys.stderr) -> int:
    """
    Run one C{check}.

    @return: the exit status.
    """
    links = reportedLinks(selectLinks(systemInterfaces(), options["interfaces"], options["exclude"], not options["no-ipv6"]), log, LogLevel.debug)
    if not links:
        stderr.write(f"{PROGRAM}: no usable network interface (name one with --interface)\n")
        return 1
    agent = clientAgent(reactor, connectTimeout=options["timeout"])
    checker = Checker(reactor, links, agent, ssdpPort=options["ssdp-port"], mx=options["mx"], timeout=options["timeout"])
    try:
        reports = await checker.run(st=options["st"], location=options["location"], uuid=options["uuid"], watch=options["watch"])
    except CannotListenError as e:
        stderr.write(f"{PROGRAM}: cannot bind a port to search from: {e.socketError}\n")
        return 1
    status = 0
    if options["json"]:
        stdout.write(formatJSON([(report.findings, report.asDict()) for report in reports]))
    for report in reports:
        if not options["json"]:
            stdout.write(formatText(report.findings, report.title, options["verbose"]) + "\n")
        status = max(status, exitStatus(report.findings))
        if report.root is None and not any(f.level == FAIL for f in report.findings):
            status = 1
    stdout.flush()
    return status
