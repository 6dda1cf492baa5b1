# -*- test-case-name: tests.host.test_runtimes -*-
"""
The running services of a device host, and their state kept across
restarts.

L{HostedRuntimes} gives every service of every hosted device a
L{ServiceRuntime}: the service's own C{implementation} (a service written
in Python), or one built from the device file's bindings.  The state of the
latter (device files, default devices) is kept in the state directory, one
small JSON file per device UDN (C{device-<uuid>.json}), replaced
atomically a moment after a change (the writes of a burst of changes are
merged through the injected clock) and when the host stops.  At start the
stored values are loaded back; a value that no longer fits its variable
(the device file changed) is dropped with a logged warning.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any, Iterable

from twisted.application.service import Service
from twisted.internet.interfaces import IDelayedCall
from twisted.logger import Logger

from coherence_lite.backend.bindings import runtimeFor
from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.backend.state import coerceValue
from coherence_lite.host.bootid import writeAtomically
from coherence_lite.model.device import Device
from coherence_lite.model.types import DataTypeError

__all__ = ["SAVE_DELAY", "HostedRuntimes", "stateFile"]

log = Logger()

#: Seconds between a change and the write that stores it.
SAVE_DELAY = 1.0

#: The most bytes of a state file read back.
_MAX_STATE_FILE = 1024 * 1024


def stateFile(directory: Path, device: Device) -> Path:
    """
    Where the state of C{device}'s services is kept.
    """
    return Path(directory, f"device-{device.uuid.lower()}.json")


class HostedRuntimes(Service):
    """
    The L{ServiceRuntime} of each hosted service, by (device UDN, service
    short id), and the keeper of their stored state.

    @ivar byService: the runtimes, by C{(device.UDN, service.shortId)}.
    """

    def __init__(self, devices: Iterable[Device], reactor: Any, directory: Path | None, delay: float = SAVE_DELAY) -> None:
        """
        @param devices: the root devices.
        @param reactor: runs bound commands and times the writes.
        @param directory: the state directory; L{None} keeps nothing.
        @param delay: seconds from a change to its write.
        @raise ConfigError: a device file binds a function that cannot be
            imported.
        """
        self._reactor = reactor
        self._directory = directory
        self._delay = delay
        self._pending: dict[str, tuple[Device, IDelayedCall | None]] = {}
        self._kept: dict[str, list[ServiceRuntime]] = {}
        self.byService: dict[tuple[str, str], ServiceRuntime] = {}
        for root in devices:
            for device in root.allDevices():
                self._add(device)

    def _add(self, device: Device) -> None:
        stored = self._load(device)
        kept = []
        for service in device.services:
            values = stored.get(service.serviceId, {}) if service.implementation is None else {}
            runtime = runtimeFor(service, self._reactor, values)
            self.byService[(device.UDN, service.shortId)] = runtime
            if service.implementation is None and self._directory is not None:
                kept.append(runtime)
                runtime.state.addObserver(partial(self._changed, device), allVariables=True)
        self._kept[device.UDN] = kept

    def _load(self, device: Device) -> dict[str, dict[str, object]]:
        if self._directory is None:
            return {}
        path = stateFile(self._directory, device)
        try:
            with open(path, "rb") as handle:
                data = json.loads(handle.read(_MAX_STATE_FILE))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            log.warn("Ignoring unreadable state file {path}: {error}", path=str(path), error=e)
            return {}
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            log.warn("Ignoring state file {path}: no services in it", path=str(path))
            return {}
        result: dict[str, dict[str, object]] = {}
        for service in device.services:
            saved = services.get(service.serviceId)
            if not isinstance(saved, dict):
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
                        name=variable.name, serviceId=service.serviceId, path=str(path), reason=e.reason,
                    )
            result[service.serviceId] = values
        return result

    def _changed(self, device: Device, changed: object) -> None:
        if device.UDN in self._pending:
            return
        call = self._reactor.callLater(self._delay, self._save, device) if self.running else None
        self._pending[device.UDN] = (device, call)

    def _save(self, device: Device) -> None:
        self._pending.pop(device.UDN, None)
        assert self._directory is not None
        services = {runtime.service.serviceId: {name: runtime.state.encoded(name) for name in runtime.state.names()}
                     for runtime in self._kept[device.UDN]}
        path = stateFile(self._directory, device)
        try:
            writeAtomically(path, json.dumps({"UDN": device.UDN, "services": services}, indent=1).encode("utf-8"))
        except OSError as e:
            log.warn("Cannot store the state of {udn} in {path}: {error}", udn=device.UDN, path=str(path), error=e)

    def startService(self) -> None:
        """
        Start timing writes (changes made before are written now).
        """
        Service.startService(self)
        for device, _ in list(self._pending.values()):
            self._save(device)

    def stopService(self) -> None:
        """
        Write what is pending now and stop timing writes.
        """
        Service.stopService(self)
        for device, call in list(self._pending.values()):
            if call is not None and call.active():
                call.cancel()
            self._save(device)
