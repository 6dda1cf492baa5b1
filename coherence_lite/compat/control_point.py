# -*- test-case-name: tests.compat.test_base -*-
"""
Coherence's control point: C{coherence.upnp.devices.control_point}.

    from coherence.upnp.devices.control_point import DeviceQuery         # Coherence
    from coherence_lite.compat.control_point import DeviceQuery          # here

    coherence = Coherence({'controlpoint': 'yes'})
    coherence.ctrl.add_query(DeviceQuery('uuid', udn, found, timeout=10))

The façade finds devices (its own included) and reads their services;
L{ControlPoint} gives each device of a known type its client
(C{device.client.switch_power}) and answers L{DeviceQuery}s.
"""

from __future__ import annotations

from typing import Any, Callable

from twisted.internet.interfaces import IDelayedCall
from twisted.logger import Logger

from coherence_lite.compat._impl.clients import CLIENTS
from coherence_lite.compat.signals import (
    DEVICE_CLIENT_DETECTION_COMPLETED,
    SignalSender,
    connect,
    controlPointDetected,
    controlPointRemoved,
    disconnect,
)

__all__ = ["DeviceQuery", "ControlPoint", "AUTO_CLIENTS"]

log = Logger()

#: The device types that get a client unless told otherwise.
AUTO_CLIENTS = ("BinaryLight", "DimmableLight")


class DeviceQuery:
    """
    Waits for a device: C{DeviceQuery(type, pattern, callback, timeout=0,
    oneshot=True)}.

    C{type} is C{'uuid'} (the UDN, with or without C{uuid:}),
    C{'friendly_name'} or C{'host'} (the address it announced from).  The
    callback gets the device; a string callback is sent as a signal with
    C{device=}.  With C{timeout} 0 the query only looks at the devices
    known now and calls back with L{None} if none matches; otherwise it
    waits, and (unlike Coherence, which waited for ever) calls back with
    L{None} once C{timeout} seconds pass without a match.  A C{oneshot}
    query fires once.
    """

    def __init__(
        self, type: str, pattern: str, callback: Callable[[Any], object] | str, timeout: float = 0, oneshot: bool = True
    ) -> None:
        self.type = type
        self.pattern = pattern[5:] if type == "uuid" and pattern.startswith("uuid:") else pattern
        self.callback = callback
        self.timeout = timeout
        self.oneshot = oneshot
        self.fired = False
        self.timer: IDelayedCall | None = None

    def fire(self, device: Any, signals: SignalSender | None = None) -> None:
        """
        Hand C{device} (or L{None}) to the callback.
        """
        self.fired = True
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None
        if callable(self.callback):
            self.callback(device)
        elif isinstance(self.callback, str) and signals is not None:
            signals.send(self.callback, device=device)

    def matches(self, device: Any) -> bool:
        """
        Whether C{device} is the one asked for.
        """
        if self.type == "uuid":
            return bool(device.get_uuid() == self.pattern)
        if self.type == "friendly_name":
            return bool(device.friendly_name == self.pattern)
        if self.type == "host":
            return bool(getattr(device.root, "host", None) == self.pattern)
        return False

    def check(self, device: Any, signals: SignalSender | None = None) -> None:
        """
        Fire if C{device} matches (and a oneshot query has not fired).
        """
        if self.fired and self.oneshot:
            return
        if self.matches(device):
            self.fire(device, signals)


class ControlPoint:
    """
    Gives found devices their clients and answers queries (Coherence's
    C{coherence.ctrl}).

    @ivar coherence: the façade whose devices it looks at.
    @ivar auto_client: the short device types that get a client.
    @ivar queries: the queries still waiting.
    """

    def __init__(self, coherence: Any, auto_client: list[str] | None = None) -> None:
        self.coherence = coherence
        self.auto_client = list(AUTO_CLIENTS if auto_client is None else auto_client)
        self.queries: list[DeviceQuery] = []
        self._signals = SignalSender(coherence.reactor)
        for device in self._allDevices():
            self.check_device(device)

    def _allDevices(self) -> list[Any]:
        return [device for root in self.coherence.get_devices() for device in root.allDevices()]

    def shutdown(self) -> None:
        """
        Drop the waiting queries and the devices' clients.
        """
        for query in self.queries:
            if query.timer is not None and query.timer.active():
                query.timer.cancel()
        self.queries = []
        for device in self._allDevices():
            self.remove_client(device)

    def auto_client_append(self, device_type: str) -> None:
        """
        Give devices of C{device_type} clients too, from now on.
        """
        if device_type not in self.auto_client:
            self.auto_client.append(device_type)
            for device in self._allDevices():
                self.check_device(device)

    def check_device(self, device: Any) -> None:
        """
        A device was found: give it its client, then try the queries.
        """
        if device.get_client() is None:
            shortType = device.get_friendly_device_type()
            cls = CLIENTS.get(shortType)
            if shortType in self.auto_client and cls is not None:
                client = cls(device)
                setattr(client, "coherence", self.coherence)
                device.set_client(client)
                self._signals.send(DEVICE_CLIENT_DETECTION_COMPLETED, client=client, udn=device.UDN)
                self._signals.send(controlPointDetected(shortType), client=client, udn=device.UDN)
        self.process_queries(device)

    def remove_client(self, device: Any) -> None:
        """
        A device left: drop its client.
        """
        client = device.get_client()
        if client is not None:
            device.set_client(None)
            self._signals.send(controlPointRemoved(client.device_type), udn=device.UDN)
            client.remove()

    def process_queries(self, device: Any) -> None:
        """
        Try every waiting query on C{device}.
        """
        for query in list(self.queries):
            query.check(device, self._signals)
            if query.fired and query.oneshot and query in self.queries:
                self.queries.remove(query)

    def add_query(self, query: DeviceQuery) -> None:
        """
        Look for a device now and, with a timeout, as devices are found.
        """
        for device in self._allDevices():
            query.check(device, self._signals)
        if query.fired and query.oneshot:
            return
        if query.timeout == 0:
            if not query.fired:
                query.fire(None, self._signals)
            return
        self.queries.append(query)
        query.timer = self.coherence.reactor.callLater(query.timeout, self._expire, query)

    def _expire(self, query: DeviceQuery) -> None:
        query.timer = None
        if query in self.queries:
            self.queries.remove(query)
            if not query.fired:
                query.fire(None, self._signals)

    def get_devices(self) -> list[Any]:
        """The root devices found."""
        return list(self.coherence.get_devices())

    def get_device_with_id(self, id: str) -> Any:
        """The device with this UDN (with or without C{uuid:}), or L{None}."""
        return self.coherence.get_device_with_id(id)

    def get_device_by_host(self, host: str) -> list[Any]:
        """The root devices announced from C{host}."""
        return list(self.coherence.get_device_by_host(host))

    def connect(self, receiver: Any, signal: str, sender: Any = None, weak: bool = True) -> None:
        """Connect a louie receiver (Coherence's wrapper)."""
        connect(receiver, signal, sender, weak)

    def disconnect(self, receiver: Any, signal: str, sender: Any = None, weak: bool = True) -> None:
        """Disconnect a louie receiver."""
        disconnect(receiver, signal, sender, weak)
