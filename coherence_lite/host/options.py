# -*- test-case-name: tests.test_tap,tests.test_cli -*-
"""
What the two command lines (C{twistd upnp-device} and C{coherence-lite
search}) share: value checks for L{twisted.python.usage.Options}
parameters, and L{NetworkOptions}, the options choosing the links.

It lives in the host package because C{tap.py} may import that package
only; the C{coherence-lite} command imports it from here too.  Nothing
here loads the reactor.
"""

from __future__ import annotations

from typing import Any

from twisted.python import usage

__all__ = ["NetworkOptions", "port", "portOrZero"]


def _portFrom(value: str, lowest: int) -> int:
    number = int(value)
    if not lowest <= number <= 65535:
        raise ValueError(value)
    return number


def port(value: str) -> int:
    """
    A port number, 1 to 65535; raises L{ValueError} otherwise, which
    C{usage} reports as a usage error.
    """
    return _portFrom(value, 1)


def portOrZero(value: str) -> int:
    """
    A port number, 0 to 65535 (0: any free port, where the option allows
    it); raises L{ValueError} otherwise.
    """
    return _portFrom(value, 0)


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
        ["ssdp-port", None, 1900, "UDP port of SSDP; change it only for isolated tests.", portOrZero],
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
