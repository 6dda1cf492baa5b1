# -*- test-case-name: tests.backend.test_runtimes -*-
"""
The running services of a device host, and their state kept across
restarts.

L{HostedRuntimes} gives every service of every hosted device a
L{ServiceRuntime}: the one it is hosted with (a service written in Python,
see L{coherence_lite.backend.hosted}), or one built from the device file's
bindings.  The state of the
latter (device files, default devices) is kept by a L{StateStore}: each
change is recorded there, and an action that changed it answers only once
it is written (see L{coherence_lite.backend.statestore}).  At start the stored
values are loaded back (from the store's memory when the device was hosted
before, as on a reload, else from its file); values that no longer fit
their variable (the device file changed) are dropped, each with a logged
warning.  On a reload the new runtimes take over the old ones' unchanged
services as they are (L{HostedRuntimes.unchanged}).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Mapping

from twisted.application.service import Service
from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger

from coherence_lite._reactor import Reactor
from coherence_lite.backend.bindings import runtimeFor
from coherence_lite.backend.hosted import Hostable, Hosted, asHosted
from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.backend.state import coerceValue
from coherence_lite.backend.statestore import StateStore, Stored, stateFile
from coherence_lite.model.bindings import ActionBinding
from coherence_lite.model.device import Device, Service as Declaration
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

    def __init__(
        self,
        devices: Iterable[Hostable],
        reactor: Reactor,
        store: StateStore | Path | None,
        reuse: Mapping[tuple[str, str], ServiceRuntime] | None = None,
    ) -> None:
        """
        @param devices: the root devices, with what runs their services.
        @param reactor: runs bound commands (and, given a folder, the
            store's writes).
        @param store: the store to keep the state in (started and stopped by
            its owner); or a state directory (or L{None}, to keep nothing
            across restarts) for a store of these runtimes' own, started and
            stopped with them.
        @param reuse: runtimes of device-file services to take over as they
            are (state, handlers and all), by (device UDN, serviceId): the
            unchanged ones of the runtimes these replace (see
            L{unchanged}).
        @raise ConfigError: a device file binds a function that cannot be
            imported.
        """
        self._reactor = reactor
        self._ownStore = not isinstance(store, StateStore)
        self.store = store if isinstance(store, StateStore) else StateStore(store, reactor)
        self._kept: dict[str, list[ServiceRuntime]] = {}
        self._built: dict[tuple[str, str], tuple[Declaration, tuple[ActionBinding, ...], ServiceRuntime]] = {}
        self._observers: list[tuple[ServiceRuntime, Callable[[dict[str, object]], None]]] = []
        self.byService: dict[tuple[str, str], ServiceRuntime] = {}
        try:
            for item in devices:
                root = asHosted(item)
                for device in root.device.allDevices():
                    self._add(device, root, reuse or {})
        except Exception:
            self.detach()
            raise

    def _add(self, device: Device, root: Hosted, reuse: Mapping[tuple[str, str], ServiceRuntime]) -> None:
        stored = self._values(device)
        kept = []
        for service in device.services:
            key = (device.UDN, service.serviceId)
            runtime = root.runtimes.get(key)
            if runtime is None:
                bindings = tuple(root.bindings.get(key, ()))
                runtime = reuse.get(key)
                if runtime is None:
                    values = stored.get(service.serviceId, {})
                    runtime = runtimeFor(service, bindings, self._reactor, values, self.store.durable)
                kept.append(runtime)
                self._built[key] = (service, bindings, runtime)
                observer = partial(self._changed, device)
                runtime.state.addObserver(observer, allVariables=True)
                self._observers.append((runtime, observer))
            self.byService[(device.UDN, service.shortId)] = runtime
        self._kept[device.UDN] = kept

    def unchanged(self, devices: Iterable[Hostable]) -> dict[tuple[str, str], ServiceRuntime]:
        """
        The runtimes of these that C{devices} (a reload) may keep as they
        are, by (device UDN, serviceId).

        A device-file (or plain) service is unchanged when a device of the
        same UDN declares a service of the same serviceId exactly as before
        (serviceType, actions and state variables: everything its SCPD
        says but the device's CONFIGID, which changes with any other part
        of the device) with the same action bindings.  A service written
        in Python brings its own runtime, kept when it is the same object
        (a MediaServer that did not change); it is not listed here.
        """
        result: dict[tuple[str, str], ServiceRuntime] = {}
        for item in devices:
            root = asHosted(item)
            for device in root.device.allDevices():
                for service in device.services:
                    key = (device.UDN, service.serviceId)
                    built = self._built.get(key)
                    if key in root.runtimes or built is None:
                        continue
                    before, bindings, runtime = built
                    if before == service and bindings == tuple(root.bindings.get(key, ())):
                        result[key] = runtime
        return result

    def detach(self) -> None:
        """
        Stop recording the state of the runtimes into the store (their
        replacements do it now, for the runtimes they keep).
        """
        for runtime, observer in self._observers:
            runtime.state.removeObserver(observer)
        self._observers.clear()

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
