# -*- test-case-name: tests.host.test_reload -*-
"""
Reloading the device files without a restart (SIGHUP, C{systemctl
reload}).

L{Reloader} reads the devices again (the same sources as at start) and
hands them to the host's L{replaceDevices
<coherence_lite.host.service.UPnPDeviceService.replaceDevices>}, which
serves them and tells the network what changed (a L{Changes}).  A file
that cannot be read, or devices that cannot be hosted together, keep the
running configuration: the reason is logged and nothing is sent.
L{SignalReload} runs a reload on SIGHUP, in the reactor thread.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from types import FrameType
from typing import Callable, Optional, Sequence, Union

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorFromThreads
from twisted.logger import Logger

from coherence_lite.backend.hosted import Hostable
from coherence_lite.errors import HostedDeviceError
from coherence_lite.model.description import Documents
from coherence_lite.model.device import DeviceError

__all__ = ["Changes", "Reloader", "SignalReload", "sameDocuments"]

log = Logger()

#: What L{signal.signal} takes and returns as a handler.
_Handler = Union[Callable[[int, Optional[FrameType]], object], int, signal.Handlers, None]


@dataclass
class Changes:
    """
    What a reload changed, by root device UDN.

    @ivar names: the friendlyName of each root device hosted now, by UDN.
    """

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict, compare=False)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def sameDocuments(old: Documents, new: Documents) -> bool:
    """
    Whether a root device's documents are the same (so is its CONFIGID).
    """
    return old.description == new.description and dict(old.scpds) == dict(new.scpds)


class Reloader:
    """
    Reads the devices again and hands them to a host, keeping the running
    configuration when anything is wrong.

    @param load: reads the devices (see
        L{coherence_lite.host.sources.DeviceSources.load}).
    @param replace: hosts them instead of the current ones and says what
        changed (the host's C{replaceDevices}); raises L{DeviceError},
        L{ValueError} or a L{ConfigError} to refuse them.
    @param reloading: called when a reload begins (systemd's RELOADING=1).
    @param reloaded: called when it is over, applied or refused.
    """

    def __init__(
        self,
        load: Callable[[], Sequence[Hostable]],
        replace: Callable[[Sequence[Hostable]], Changes],
        reloading: Callable[[], None] = lambda: None,
        reloaded: Callable[[], None] = lambda: None,
    ) -> None:
        self._load = load
        self._replace = replace
        self._reloading = reloading
        self._reloaded = reloaded

    def reload(self) -> Changes | None:
        """
        Reload now.  Never raises.

        @return: what changed, or L{None} when the reload was refused.
        """
        self._reloading()
        try:
            return self._apply()
        finally:
            self._reloaded()

    def _apply(self) -> Changes | None:
        log.info("Reloading the device files")
        try:
            devices = self._load()
            changes = self._replace(devices)
        except (HostedDeviceError, DeviceError, ValueError) as e:
            log.error("Reload refused, the running devices stay: {reason}", reason=str(e))
            return None
        except Exception:
            log.failure("Reload failed, the running devices stay")
            return None
        names = changes.names
        for verb, udns in (("added", changes.added), ("changed", changes.changed)):
            for udn in udns:
                log.info("Reload: {name} ({udn}) {verb}", name=names.get(udn, ""), udn=udn, verb=verb)
        for udn in changes.removed:
            log.info("Reload: {udn} removed", udn=udn)
        if not changes:
            log.info("Reload: nothing changed")
        return changes


class SignalReload(Service):
    """
    Runs a reload when the process gets a signal (SIGHUP), in the reactor
    thread; while running only.

    @param reload: what to run.
    @param reactor: runs it (a signal arrives between two bytecodes of
        whatever runs).
    @param installHandler: L{signal.signal}, or a stand-in for tests.
    @param signalNumber: the signal.
    """

    def __init__(
        self,
        reload: Callable[[], object],
        reactor: IReactorFromThreads,
        installHandler: Callable[[int, _Handler], _Handler] = signal.signal,
        signalNumber: int = signal.SIGHUP,
    ) -> None:
        self._reload = reload
        self._reactor = reactor
        self._install = installHandler
        self._signal = signalNumber
        self._previous: _Handler = None

    def _received(self, number: int, frame: FrameType | None) -> None:
        self._reactor.callFromThread(self._reload)

    def startService(self) -> None:
        """
        Install the signal handler.
        """
        Service.startService(self)
        self._previous = self._install(self._signal, self._received)

    def stopService(self) -> None:
        """
        Put the previous handler back.
        """
        Service.stopService(self)
        previous = self._previous if self._previous is not None else signal.SIG_DFL
        self._install(self._signal, previous)
        self._previous = None
