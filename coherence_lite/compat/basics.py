# -*- test-case-name: tests.compat.test_backend -*-
"""
What Coherence's hosted devices have in common: Coherence's
C{coherence.upnp.devices.basics}.

A L{HostedDevice} is made by C{Coherence.add_plugin} with a backend class:
it makes the backend (C{backend_class(device, **kwargs)}), waits for the
backend's C{Coherence.UPnP.Backend.init_completed}, then makes its
services (each a L{ServiceServer
<coherence_lite.compat.service.ServiceServer>} the backend answers,
reachable as C{device.<name>_server}), asks the L{Coherence
<coherence_lite.compat.base.Coherence>} to host it (description, SOAP,
GENA, SSDP) and calls the backend's C{upnp_init()}.
"""

from __future__ import annotations

from typing import Any, ClassVar

from twisted.logger import Logger

from coherence_lite.compat.service import ServiceServer
from coherence_lite.compat.uuid import UUID
from coherence_lite.model.defaults import defaultIcons
from coherence_lite.model.device import Device
from coherence_lite.compat.signals import BACKEND_INIT_COMPLETED, connect, disconnect

__all__ = ["HostedDevice"]

log = Logger()


def _udn(value: object) -> str:
    text = str(value) if value else str(UUID())
    return text if text.startswith("uuid:") else f"uuid:{text}"


class HostedDevice:
    """
    A device hosted for a Coherence backend.

    Subclasses name the device type and its services.

    @cvar deviceName: the short device type (C{BinaryLight}).
    @cvar versions: the versions of the device type there are.
    @cvar serviceClasses: (attribute name, L{ServiceServer} class) of each
        service, in description order.
    @ivar coherence: the L{Coherence <coherence_lite.compat.base.Coherence>}
        hosting it.
    @ivar backend: the backend.
    @ivar uuid: the UDN (C{uuid:...}).
    @ivar model: the model L{Device}, once the backend is ready.
    @ivar services: the L{ServiceServer}s, once the backend is ready.
    """

    deviceName: ClassVar[str] = ""
    versions: ClassVar[tuple[int, ...]] = (1,)
    serviceClasses: ClassVar[tuple[tuple[str, type[ServiceServer]], ...]] = ()

    def __init__(self, coherence: Any, backend: type, **kwargs: Any) -> None:
        """
        Make the backend and wait for it to be ready.

        @param coherence: hosts the device.
        @param backend: the backend class; called as
            C{backend(self, **kwargs)}.
        @param kwargs: the plugin's configuration: C{uuid}, C{name},
            C{version} and the backend's own keys.
        @raise ValueError: a C{version} this device type does not have.
        """
        self.coherence = coherence
        self.reactor = coherence.reactor
        self.uuid = _udn(kwargs.get("uuid"))
        self.version = int(kwargs.get("version", self.versions[-1]))
        if self.version not in self.versions:
            raise ValueError(f"{self.deviceName} has no version {self.version}")
        self.friendly_name = str(kwargs.get("name") or f"{self.deviceName} ({coherence.hostname})")
        self.model: Device | None = None
        self.services: list[ServiceServer] = []
        self._ready: list[object] = []
        self.backend: Any = None
        connect(self._backendReady, BACKEND_INIT_COMPLETED, weak=False)
        try:
            self.backend = backend(self, **kwargs)
        except BaseException:
            disconnect(self._backendReady, BACKEND_INIT_COMPLETED, weak=False)
            raise
        if any(ready is self.backend for ready in self._ready):
            self._complete()

    @property
    def device_type(self) -> str:
        """
        The device type URN.
        """
        return f"urn:schemas-upnp-org:device:{self.deviceName}:{self.version}"

    def _backendReady(self, backend: object = None, **named: object) -> None:
        if self.model is not None:
            return
        if self.backend is None:
            # Sent from inside the backend's constructor.
            self._ready.append(backend)
        elif backend is self.backend:
            self._complete()

    def _complete(self) -> None:
        disconnect(self._backendReady, BACKEND_INIT_COMPLETED, weak=False)
        name = getattr(self.backend, "name", None)
        if isinstance(name, str) and name:
            self.friendly_name = name
        for attribute, serviceClass in self.serviceClasses:
            server = serviceClass(self, self.backend)
            setattr(self, attribute, server)
            self.services.append(server)
        self.model = Device(
            deviceType=self.device_type,
            friendlyName=self.friendly_name[:64],
            manufacturer="coherence-lite",
            modelName=f"Coherence {self.deviceName}"[:32],
            UDN=self.uuid,
            modelDescription=f"A {self.deviceName} with a Coherence backend",
            icons=defaultIcons(),
            services=tuple(server.service for server in self.services),
        )
        self.coherence._hostDevice(self)
        init = getattr(self.backend, "upnp_init", None)
        if callable(init):
            try:
                init()
            except Exception:
                log.failure("upnp_init of {backend!r} failed", backend=self.backend)

    def unregister(self) -> None:
        """
        Stop hosting the device (byebye), as Coherence's C{unregister}.
        """
        disconnect(self._backendReady, BACKEND_INIT_COMPLETED, weak=False)
        if self.model is not None:
            self.coherence._unhostDevice(self)

    def get_id(self) -> str:
        """
        The UDN (Coherence's name).
        """
        return self.uuid

    def get_friendly_name(self) -> str:
        """
        The friendlyName.
        """
        return self.friendly_name

    def get_device_type(self) -> str:
        """
        The device type URN.
        """
        return self.device_type

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.friendly_name!r} {self.uuid}>"
