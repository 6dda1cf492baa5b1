# -*- test-case-name: tests.eventing.test_agent -*-
"""
The HTTP client side's connection pool, quiet: L{quietPool}.

Twisted's L{HTTPConnectionPool} builds one C{_HTTP11ClientFactory} per new
connection, and every such factory logs C{Starting factory …} and
C{Stopping factory …} at info level (Twisted issue 9330 is still open): two
lines per event delivery, per description fetch, per SOAP call.  The pool
here builds factories that say nothing (Twisted's C{noisy} switch); what
the requests did is logged by their callers.
"""

from __future__ import annotations

from twisted.internet.interfaces import IReactorTime
from twisted.web.client import HTTPConnectionPool, _HTTP11ClientFactory

__all__ = ["QuietConnectionPool", "quietPool"]


class _QuietFactory(_HTTP11ClientFactory):
    """
    A connection's factory that does not log its start and stop.
    """

    noisy = False


class QuietConnectionPool(HTTPConnectionPool):
    """
    An L{HTTPConnectionPool} whose connections log nothing of their own.
    """

    _factory = _QuietFactory


def quietPool(reactor: IReactorTime, persistent: bool = False) -> QuietConnectionPool:
    """
    A quiet pool for an L{twisted.web.client.Agent}; by default it keeps
    no connection open (each request has its own).
    """
    return QuietConnectionPool(reactor, persistent=persistent)
