# -*- test-case-name: tests.test_layering -*-
"""
The one type for "a reactor" that the package's services are given.

A service that listens, connects and keeps time takes a L{Reactor}; code
that only keeps time takes an L{IReactorTime}.  Tests pass
L{twisted.internet.testing.MemoryReactorClock} or the real reactor.
"""

from __future__ import annotations

from typing import cast

from twisted.internet.interfaces import (
    IReactorCore,
    IReactorMulticast,
    IReactorProcess,
    IReactorTCP,
    IReactorTime,
    IReactorUDP,
)

__all__ = ["Reactor", "defaultReactor"]


class Reactor(IReactorCore, IReactorTime, IReactorTCP, IReactorUDP, IReactorMulticast, IReactorProcess):
    """
    What a device host, a control point or an SSDP service needs of a
    reactor: time, TCP, UDP and multicast, the core's system events, and
    processes (the commands device files bind).
    Every reactor on Linux, BSD and macOS provides all of it.

    This interface is only a type: nothing declares it, and nothing checks
    it at run time.
    """


def defaultReactor() -> Reactor:
    """
    The global reactor, imported only when asked for (the C{reactor=None}
    idiom of twisted.names' C{DNSMixin}).  Twisted types it as the common
    parts of every reactor; the select, poll and epoll reactors this package
    runs on provide multicast too, hence the one cast.
    """
    from twisted.internet import reactor

    return cast(Reactor, reactor)
