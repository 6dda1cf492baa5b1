# -*- test-case-name: tests.compat.test_backend -*-
"""
Coherence's backend base class: the object a hosted device asks to do the
work of its actions.

    from coherence.backend import Backend            # Coherence
    from coherence_lite.compat.backend import Backend  # here

A backend lists the device types it implements (C{implements =
['BinaryLight']}), announces that it is ready with
C{Coherence.UPnP.Backend.init_completed} (L{Backend.init_completed}), gets
L{Backend.upnp_init} once its device is hosted, and answers actions with
C{upnp_<Action>(**kwargs)} methods returning a dict of out-arguments (or a
L{Deferred} of one).  C{self.server} is the hosted device: its
C{<service>_server.set_variable(0, name, value)} changes a state variable.
"""

from __future__ import annotations

from typing import Any, ClassVar

from twisted.logger import Logger

from coherence_lite._reactor import defaultReactor
from coherence_lite.compat.signals import BACKEND_INIT_COMPLETED, SignalSender

__all__ = ["Backend", "Loggable"]


class _Formatted:
    """
    A Coherence-style C{'%s'} message formatted only when logged.
    """

    def __init__(self, message: object, args: tuple[object, ...]) -> None:
        self._message = message
        self._args = args

    def __str__(self) -> str:
        if not self._args:
            return str(self._message)
        try:
            return str(self._message) % self._args
        except (TypeError, ValueError):
            return f"{self._message} {self._args!r}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class Loggable:
    """
    Coherence's C{log.Loggable} methods (C{info}, C{debug}, C{warning},
    C{error}, C{exception}) with C{'%s'} arguments, logged through
    L{twisted.logger} under the class's C{logCategory}.
    """

    logCategory: ClassVar[str] = "coherence"

    def _emit(self, level: str, message: object, args: tuple[object, ...]) -> None:
        logger = Logger(namespace=f"coherence.{self.logCategory}", source=self)
        getattr(logger, level)("{message}", message=_Formatted(message, args))

    def debug(self, message: object, *args: object) -> None:
        """Log at debug level."""
        self._emit("debug", message, args)

    def info(self, message: object, *args: object) -> None:
        """Log at info level."""
        self._emit("info", message, args)

    def warning(self, message: object, *args: object) -> None:
        """Log at warning level."""
        self._emit("warn", message, args)

    warn = warning

    def error(self, message: object, *args: object) -> None:
        """Log at error level."""
        self._emit("error", message, args)

    def exception(self, message: object, *args: object) -> None:
        """Log the exception being handled, with a message."""
        Logger(namespace=f"coherence.{self.logCategory}", source=self).failure(
            "{message}", message=_Formatted(message, args)
        )


class Backend(Loggable):
    """
    The base class of a Coherence backend.

    @cvar implements: the device types this backend can be hosted as
        (C{'BinaryLight'}, C{'DimmableLight'}).
    @ivar server: the hosted device (set before C{__init__} returns).
    @ivar config: the keyword arguments the backend was made with.
    """

    implements: ClassVar[list[str]] = []
    logCategory: ClassVar[str] = "backend"

    def __init__(self, server: Any, **kwargs: Any) -> None:
        """
        @param server: the hosted device.
        @param kwargs: the plugin's configuration (C{name}, C{uuid}, ...).
        """
        self.config = kwargs
        self.server = server

    def init_completed(self, *args: object, **kwargs: object) -> None:
        """
        Tell the device this backend is ready: it is then hosted and
        announced, and L{upnp_init} is called.  Takes any arguments, so it
        can be a callback.
        """
        clock = getattr(self.server, "reactor", None) or defaultReactor()
        SignalSender(clock).send(BACKEND_INIT_COMPLETED, backend=self)

    def upnp_init(self) -> None:
        """
        Called once the device is hosted: set the starting values of the
        state variables here.
        """
