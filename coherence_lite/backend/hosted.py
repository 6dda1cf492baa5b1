# -*- test-case-name: tests.backend.test_hosted -*-
"""
A root device paired with what runs its services: L{Hosted}.

The device model is pure and carries no runtime; a host is given
L{Hosted} values (or plain devices, or device files, which
L{asHosted} turns into them), so two hosts given one L{Device} each run
their own state.

    light = SwitchPower()
    device = Device(..., services=(light.service,))
    UPnPDeviceService([hosted(device, light)])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Union

from coherence_lite.backend.runtime import ServiceRuntime
from coherence_lite.backend.declare import ServiceBackend
from coherence_lite.model.bindings import Bindings
from coherence_lite.model.description import Variant
from coherence_lite.model.device import Device
from coherence_lite.model.devicefile import DeviceFile

__all__ = ["Hostable", "Hosted", "asHosted", "hosted"]


@dataclass(frozen=True)
class Hosted:
    """
    A root device and what runs its services when it is hosted.

    A service with neither a runtime nor bindings gets a runtime with no
    handlers from the host (its getters answer from the state).

    @ivar device: the root device.
    @ivar runtimes: the runtimes of services written in Python, by (device
        UDN, serviceId); their state is theirs, not kept by the host.
    @ivar bindings: the action bindings of device-file services, by
        (device UDN, serviceId).
    @ivar variants: the descriptions some clients are given instead of
        the default one (see L{Variant}).
    """

    device: Device
    runtimes: Mapping[tuple[str, str], ServiceRuntime] = field(default_factory=dict)
    bindings: Bindings = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()


#: What a host accepts as one root device to host.
Hostable = Union[Device, Hosted, DeviceFile]


def asHosted(item: Hostable) -> Hosted:
    """
    A device, a device file or a L{Hosted}, as a L{Hosted}.
    """
    if isinstance(item, Hosted):
        return item
    if isinstance(item, DeviceFile):
        return Hosted(item.device, bindings=item.bindings)
    return Hosted(item)


def hosted(device: Device, *backends: ServiceBackend) -> Hosted:
    """
    Pair C{device} with the backends of services written in Python: each
    backend runs the service of C{device}'s tree that is its C{service}.

    @raise ValueError: a backend's service is not in C{device}'s tree.
    """
    runtimes: dict[tuple[str, str], ServiceRuntime] = {}
    places = [(each, service) for each in device.allDevices() for service in each.services]
    for backend in backends:
        found = [(each, service) for each, service in places if service is backend.service]
        found = found or [(each, service) for each, service in places if service == backend.service]
        if len(found) != 1:
            where = "not a service" if not found else "several services"
            raise ValueError(f"{type(backend).__name__}'s {backend.service.serviceId} is {where} of {device.UDN}")
        [(each, service)] = found
        runtimes[(each.UDN, service.serviceId)] = backend.runtime
    return Hosted(device, runtimes)
