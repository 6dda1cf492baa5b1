# -*- test-case-name: tests.system.test_cli,tests.cli.test_call -*-
"""
The C{coherence-lite} command (also C{python -m coherence_lite}): this
module parses the command line and runs the command asked for.

    coherence-lite search [--interface X ...] [--ssdp-port N] [--st TARGET]
                          [--mx N] [--timeout SECONDS] [--watch] [--json]
    coherence-lite call LOCATION|UUID SERVICE ACTION [name=value ...]
    coherence-lite subscribe LOCATION|UUID SERVICE [--count N]
    coherence-lite check [-i IFACE] [--st ST | --location URL | --uuid U] [--json]

Each command lives in its own module (L{coherence_lite.cli.search},
L{coherence_lite.cli.call}, L{coherence_lite.cli.subscribe},
L{coherence_lite.cli.check}) and says there what it prints and how it
exits.
"""

from __future__ import annotations

import sys
from typing import IO, Any, Callable, Sequence

from twisted.internet.defer import Deferred
from twisted.logger import (
    FilteringLogObserver,
    ILogObserver,
    LogLevel,
    LogLevelFilterPredicate,
    eventAsText,
    globalLogBeginner,
)
from twisted.python import usage
from zope.interface import provider

from coherence_lite.cli.call import CallOptions, runCall
from coherence_lite.cli.check import CheckOptions, runCheck
from coherence_lite.cli.subscribe import SubscribeCommand, SubscribeOptions
from coherence_lite.cli.version import VersionOption
from coherence_lite.cli.options import usageMessage
from coherence_lite.cli.search import SearchOptions, runSearch
from coherence_lite._reactor import Reactor

__all__ = ["Options", "main"]

PROGRAM = "coherence-lite"



class Options(VersionOption, usage.Options):
    """
    Options of C{coherence-lite}.
    """

    synopsis = f"Usage: {PROGRAM}"
    longdesc = (
        f"{PROGRAM} <command> [options]: the control point side of coherence-lite. "
        f"Run '{PROGRAM} <command> --help' for the options of a command."
    )

    subCommands = [
        ["search", None, SearchOptions, "Find the UPnP devices on the network and show their descriptions."],
        ["call", None, CallOptions, "Call an action of a device's service and print its out-arguments."],
        ["subscribe", None, SubscribeOptions, "Print a service's events as they arrive."],
        ["check", None, CheckOptions, "Check devices against the UPnP rules; exit 1 on any failure."],
    ]

    def postOptions(self) -> None:
        if self.subCommand is None:
            raise usage.UsageError("a command is needed: " + ", ".join(COMMANDS))


def _logTo(stream: IO[str], level: LogLevel) -> ILogObserver:
    @provider(ILogObserver)
    def observe(event: dict[str, Any]) -> None:
        text = eventAsText(event, includeTimestamp=False, includeSystem=False)
        stream.write(f"{PROGRAM}: {event['log_level'].name}: {text}\n")
        stream.flush()

    return FilteringLogObserver(observe, [LogLevelFilterPredicate(defaultLogLevel=level)])


def _exit(status: int) -> None:
    if status:
        raise SystemExit(status)


def _call(reactor: Reactor, options: CallOptions) -> Deferred[None]:
    return Deferred.fromCoroutine(runCall(reactor, options)).addCallback(_exit)


def _subscribe(reactor: Reactor, options: SubscribeOptions) -> Deferred[None]:
    command = SubscribeCommand(reactor, options)
    # Ctrl-C stops the reactor: unsubscribe first.
    reactor.addSystemEventTrigger("before", "shutdown", command.stop)
    return command.run().addCallback(_exit)


def _check(reactor: Reactor, options: CheckOptions) -> Deferred[None]:
    return Deferred.fromCoroutine(runCheck(reactor, options)).addCallback(_exit)


#: What runs each command, in the reactor, with its options.
COMMANDS: dict[str, Callable[[Reactor, Any], Deferred[None]]] = {
    "search": runSearch,
    "call": _call,
    "subscribe": _subscribe,
    "check": _check,
}


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the C{coherence-lite} command.

    @param argv: the arguments, without the program name; C{sys.argv[1:]}
        by default.
    @return: the exit status.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = Options()
    try:
        options.parseOptions(arguments)
    except usage.UsageError as e:
        command = f"{PROGRAM} {options.subCommand}" if options.subCommand else PROGRAM
        message = usageMessage(e)
        sys.stderr.write(f"{command}: error: {message} (see --help)\n")
        return 2
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    commandOptions = options.subOptions
    level = LogLevel.info if commandOptions["verbose"] else LogLevel.warn
    globalLogBeginner.beginLoggingTo([_logTo(sys.stderr, level)], redirectStandardIO=False)
    from twisted.internet.task import react

    try:
        react(COMMANDS[str(options.subCommand)], [commandOptions])
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 1
    return 0  # pragma: no cover (react always exits)

