# -*- test-case-name: tests.host.test_runtimes -*-
"""
The running services of a device host, and their state kept across
restarts.

L{HostedRuntimes} gives every service of every hosted device a
L{ServiceRuntime}: the service's own C{implementation} (a service written
in Python), or one built from the device file's bindings.  The state of the
latter (device files, default devices) is kept by a L{StateStore}: each
change is recorded there, and an action that changed it answers only once
it is written (see L{coherence_lite.host.statestore}).  At start the stored
values are loaded back (from the store's memory when the device was hosted
before, as on a reload, else from its file); values that no longer fit
their variable (the device file changed) are dropped, each with a logged
warning.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Iterable

from twisted.application.service import Service
from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger

from coherence_lite.backend.bindings import runtimeFor
from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.backend.state import coerceValue
from coherence_lite.host.statestore import StateStore, Stored, stateFile
from coherence_lite.model.device import Device
from coherence_lite.model.types import DataTypeError

__all__ = ["HostedRuntimes", "stateFile"]

log = Logger()


class HostedRuntimes(Service):
    """
    The L{ServiceRuntime} of each hosted service, by (device UDN, service
    short id), with the state of device-file services in a L{StateStore}.

    @ivar byService: the runtimes, by C{(device.UDN, service.shortId)}.
    @ivar store: where their state is kept; shared with the runtimes that
        replace these on a reload, so the acknowledged values carry over.
    """

    def __init__(self, devices: Iterable[Device], reactor: Any, store: StateStore | Path | None) -> None:
        """
        @param devices: the root devices.
        @param reactor: runs bound commands (and, given a folder, the
            store's writes).
        @param store: the store to keep the state in (started and stopped by
            its owner); or a state directory (or L{None}, to keep nothing
            across restarts) for a store of these runtimes' own, started and
            stopped with them.
        @raise ConfigError: a device file binds a function that cannot be
            imported.
        """
        self._reactor = reactor
        self._ownStore = not isinstance(store, StateStore)
        self.store = store if isinstance(store, StateStore) else StateStore(store, reactor)
        self._kept: dict[str, list[ServiceRuntime]] = {}
        self.byService: dict[tuple[str, str], ServiceRuntime] = {}
        for root in devices:
            for device in root.allDevices():
                self._add(device)

    def _add(self, device: Device) -> None:
        stored = self._values(device)
        kept = []
        for service in device.services:
            if service.implementation is None:
                values = stored.get(service.serviceId, {})
                runtime = runtimeFor(service, self._reactor, values, self.store.durable)
                kept.append(runtime)
                runtime.state.addObserver(partial(self._changed, device), allVariables=True)
            else:
                runtime = runtimeFor(service, self._reactor)
            self.byService[(device.UDN, service.shortId)] = runtime
        self._kept[device.UDN] = kept

    def _values(self, device: Device) -> dict[str, dict[str, object]]:
        stored = self.store.load(device)
        result: dict[str, dict[str, object]] = {}
        for service in device.services:
            saved = stored.get(service.serviceId)
            if saved is None:
                continue
            values: dict[str, object] = {}
            for variable in service.stateVariables:
                if variable.name not in saved:
                    continue
                try:
                    values[variable.name] = coerceValue(variable, saved[variable.name])
                except DataTypeError as e:
                    log.warn(
                        "Dropping the stored value of {name} of {serviceId} from {path}: {reason}",
                        name=variable.name,
                        serviceId=service.serviceId,
                        path=str(stateFile(self.store.directory or Path(), device)),
                        reason=e.reason[:200],
                    )
            result[service.serviceId] = values
        return result

    def _changed(self, device: Device, changed: object) -> None:
        services: Stored = {
            runtime.service.serviceId: {name: runtime.state.encoded(name) for name in runtime.state.names()}
            for runtime in self._kept[device.UDN]
        }
        self.store.record(device, services)

    def startService(self) -> None:
        """
        Start (and start the store, when it is these runtimes' own).
        """
        Service.startService(self)
        if self._ownStore:
            self.store.startService()

    def stopService(self) -> Deferred[None]:
        """
        Stop (and stop the store, writing what is pending, when it is these
        runtimes' own).
        """
        Service.stopService(self)
        if self._ownStore and self.store.running:
            return self.store.stopService()
        return succeed(None)
