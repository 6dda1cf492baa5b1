# -*- test-case-name: tests.test_tap,tests.system.test_cli -*-
"""
What the two command lines (C{twistd upnp-device} and C{coherence-lite
search}) share: value checks for L{twisted.python.usage.Options}
parameters, and L{NetworkOptions}, the options choosing the links.

C{tap.py} imports it from the command-line package, beside the host it
builds; the C{coherence-lite} commands import it too.  Nothing here loads
the reactor.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from twisted.python import usage

__all__ = ["NetworkOptions", "integer", "number", "port", "portOrZero", "usageMessage"]

#: What L{twisted.python.usage} puts before the message of a value its
#: coerce function refused.
_COERCE_PREFIX = "Parameter type enforcement failed: "


def usageMessage(error: usage.UsageError) -> str:
    """
    The text of a usage error as one line: what a coerce function of this
    module said about a refused value (it names the option) without the
    prefix L{twisted.python.usage} adds, line breaks folded.
    """
    return " ".join(str(error).removeprefix(_COERCE_PREFIX).split())


def _portFrom(option: str, lowest: int) -> Callable[[str], int]:
    rule = "1 to 65535" + (", or 0 for any free port" if lowest == 0 else "")

    def coerce(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = -1
        if not lowest <= number <= 65535:
            raise ValueError(f"--{option} must be a port number from {rule}, not {value!r}")
        return number

    coerce.coerceDoc = f"({rule})"  # type: ignore[attr-defined]
    return coerce


def port(option: str) -> Callable[[str], int]:
    """
    The coerce function of a port option: 1 to 65535, else a
    L{ValueError} naming the option, which C{usage} reports as a usage
    error (see L{usageMessage}).

    @param option: the option's long name, without dashes.
    """
    return _portFrom(option, 1)


def portOrZero(option: str) -> Callable[[str], int]:
    """
    Like L{port}, with 0 allowed (any free port).
    """
    return _portFrom(option, 0)


def integer(option: str) -> Callable[[str], int]:
    """
    The coerce function of a whole-number option, refusing other text
    with a L{ValueError} naming the option.
    """

    def coerce(value: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"--{option} must be a whole number, not {value!r}") from None

    return coerce


def number(option: str) -> Callable[[str], float]:
    """
    The coerce function of a number option (seconds, rates), refusing
    other text, infinities and NaN with a L{ValueError} naming the option.
    """

    def coerce(value: str) -> float:
        try:
            result = float(value)
        except ValueError:
            result = math.nan
        if not math.isfinite(result):
            raise ValueError(f"--{option} must be a number, not {value!r}")
        return result

    return coerce


class NetworkOptions(usage.Options):
    """
    The options that choose the links a command uses:
    C{--interface}/C{-i} and C{--exclude-interface} (repeatable, gathered
    in C{self["interfaces"]} and C{self["exclude"]}), C{--no-ipv6} and
    C{--ssdp-port}.

    A subclass calling L{postOptions} of its own calls this one too.
    """

    optFlags: list[list[str | None]] = [
        ["no-ipv6", None, "Use IPv4 only (IPv6 is used where an interface has an address for it)."],
    ]

    optParameters: list[list[Any]] = [
        ["ssdp-port", None, 1900, "UDP port of SSDP; change it only for isolated tests.", portOrZero("ssdp-port")],
    ]

    compData = usage.Completions(
        optActions={
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
        Use this interface (a name like eth0, or one of its addresses);
        repeat for several. Default: every up, multicast-capable interface
        except loopback and container/VM bridges.
        """
        self["interfaces"].append(name)

    opt_i = opt_interface

    def opt_exclude_interface(self, pattern: str) -> None:
        """
        Never use interfaces matching this name or glob (e.g. 'tun*');
        repeatable.
        """
        self["exclude"].append(pattern)

    def postOptions(self) -> None:
        """
        Refuse SSDP port 0: SSDP needs a known port.
        """
        if self["ssdp-port"] == 0:
            raise usage.UsageError("--ssdp-port must be a fixed port (1900 on a real network)")
