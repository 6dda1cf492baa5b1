# -*- test-case-name: tests.compat.test_base -*-
"""
How a L{Coherence <coherence_lite.compat.base.Coherence>} façade sees
devices, as Coherence did: every root device its SSDP server knows (its
own included) is described by a L{DeviceTracker}; L{DeviceDetection} then
reads each service's SCPD, binds the services to SOAP and GENA clients,
and only then counts the device as found: it joins C{coherence.devices},
C{Coherence.UPnP.Device.detection_completed} goes out for each device of
the tree and C{Coherence.UPnP.RootDevice.detection_completed} for the
root, and the control point (if any) gives it a client.
"""

from __future__ import annotations

from typing import Any, Callable

from twisted.internet.defer import Deferred, DeferredList
from twisted.logger import Logger

from coherence_lite.compat.action import ServiceClient
from coherence_lite.compat.device import RootDevice, Service, clientTree
from coherence_lite.controlpoint.fetch import Fetcher
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.scpd import SCPDError, parseSCPD
from coherence_lite.controlpoint.soap import SOAPClient
from coherence_lite.controlpoint.subscriber import Subscriber
from coherence_lite.controlpoint.tracker import DeviceObserver
from coherence_lite.compat.signals import (
    DEVICE_DETECTION_COMPLETED,
    DEVICE_REMOVED,
    ROOT_DEVICE_DETECTION_COMPLETED,
    ROOT_DEVICE_REMOVED,
    SignalSender,
)

__all__ = ["DeviceDetection"]

log = Logger()


class DeviceDetection(DeviceObserver):
    """
    The found devices of a façade, with their services read.

    @ivar devices: the root devices found, in the order they were.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        soap: SOAPClient,
        subscriber: Subscriber,
        signals: SignalSender,
        found: Callable[[RootDevice], object],
        gone: Callable[[RootDevice], object],
    ) -> None:
        """
        @param fetcher: gets the SCPDs.
        @param found: told of each root device once its services are read.
        @param gone: told of each root device that left.
        """
        self._fetcher = fetcher
        self._soap = soap
        self._subscriber = subscriber
        self._signals = signals
        self._found = found
        self._gone = gone
        self.devices: list[RootDevice] = []
        self._pending: dict[str, Deferred[Any]] = {}

    def deviceAdded(self, root: RemoteRootDevice) -> None:
        """
        Read the services of a described device, then count it found.
        """
        tree = clientTree(root)
        services = [service for device in tree.allDevices() for service in device.services]
        reads = DeferredList([self._read(service) for service in services if isinstance(service, Service)])
        key = root.UDN.lower()
        self._pending[key] = reads
        reads.addCallback(lambda _: self._complete(key, tree))
        reads.addErrback(lambda failure: None if self._pending.pop(key, None) is None else failure)

    def _read(self, service: Service) -> Deferred[None]:
        if service.SCPDURL is None:
            log.warn("{serviceId} has no SCPDURL: no actions", serviceId=service.serviceId)
            d: Deferred[None] = Deferred()
            d.callback(None)
            return d

        def parsed(body: bytes) -> None:
            scpd = parseSCPD(body)
            if isinstance(scpd, SCPDError):
                log.warn("SCPD of {serviceId} unusable: {reason}", serviceId=service.serviceId, reason=scpd.reason)
                return
            service.bind(ServiceClient(service, scpd, self._soap, self._subscriber, self._signals))

        def failed(failure: Any) -> None:
            log.warn(
                "SCPD of {serviceId} not fetched: {reason}", serviceId=service.serviceId, reason=failure.getErrorMessage()
            )

        return self._fetcher.fetch(service.SCPDURL).addCallbacks(parsed, failed)

    def _complete(self, key: str, tree: RootDevice) -> None:
        if self._pending.pop(key, None) is None:
            return
        self.devices.append(tree)
        for device in reversed(list(tree.allDevices())):
            self._signals.send(DEVICE_DETECTION_COMPLETED, device=device)
        self._signals.send(ROOT_DEVICE_DETECTION_COMPLETED, device=tree)
        self._found(tree)

    def deviceRemoved(self, root: RemoteRootDevice) -> None:
        """
        A device left: forget it, stop its subscriptions, signal it.
        """
        key = root.UDN.lower()
        pending = self._pending.pop(key, None)
        if pending is not None:
            pending.cancel()
        tree = next((device for device in self.devices if device.UDN.lower() == key), None)
        if tree is None:
            return
        self.devices.remove(tree)
        for device in tree.allDevices():
            for service in device.services:
                if isinstance(service, Service):
                    service.unsubscribe()
        self._gone(tree)
        for device in reversed(list(tree.allDevices())[1:]):
            self._signals.send(DEVICE_REMOVED, usn=device.UDN)
        self._signals.send(DEVICE_REMOVED, usn=tree.usn)
        self._signals.send(ROOT_DEVICE_REMOVED, usn=tree.usn)

    def stop(self) -> None:
        """
        Abandon the reads under way.
        """
        pending, self._pending = self._pending, {}
        for reads in pending.values():
            reads.cancel()
