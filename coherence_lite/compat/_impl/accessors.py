# -*- test-case-name: tests.compat.test_devices -*-
"""
Coherence's accessors on the devices a control point sees.

Code written against Coherence's C{RootDevice}, C{Device} and C{Service}
calls C{get_friendly_name()}, C{get_service_by_type()}, C{is_local()} and
their kin, and reads a few snake_case attributes.  L{coherenceDevice} turns
a L{RemoteRootDevice} tree into the same tree made of
L{CoherenceRootDevice}, L{CoherenceDevice} and L{CoherenceService}: the
control point's own frozen dataclasses (every field and method is still
there, and C{isinstance} still holds) with Coherence's names added.
L{coherence_lite.compat._impl.devicesignals.DeviceSignals} sends these in its signals.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Sequence, TypeVar

from coherence_lite.controlpoint.remote import RemoteDevice, RemoteRootDevice, RemoteService, resolveURL
from coherence_lite.model.device import LOCAL, parseURN
from coherence_lite.ssdp.advertisement import ROOT_DEVICE

__all__ = [
    "CoherenceService", "CoherenceDevice", "CoherenceRootDevice", "coherenceDevice", "coherenceFields", "convertTree"
]

_D = TypeVar("_D", bound=RemoteDevice)


def _typeParts(urn: str) -> tuple[str, int]:
    """
    The name and version of a device or service type
    (L{coherence_lite.model.device.parseURN}), or C{("", 0)} when C{urn}
    is not one.
    """
    parsed = parseURN(urn)
    if parsed is None:
        return "", 0
    return parsed.name, parsed.version


@dataclass(frozen=True)
class CoherenceService(RemoteService):
    """
    A L{RemoteService} with Coherence's C{Service} accessors.
    """

    def get_type(self) -> str:
        """
        The service type URN.
        """
        return self.serviceType

    def get_id(self) -> str:
        """
        The service id.
        """
        return self.serviceId

    def get_device(self) -> RemoteDevice | None:
        """
        The device offering this service.
        """
        return self.device

    def get_scpd_url(self) -> str | None:
        """
        The absolute URL of the service description.
        """
        return self.SCPDURL

    def get_control_url(self) -> str | None:
        """
        The absolute URL SOAP actions are posted to.
        """
        return self.controlURL

    def get_event_sub_url(self) -> str | None:
        """
        The absolute URL for GENA subscriptions.
        """
        return self.eventSubURL


@dataclass(frozen=True)
class CoherenceDevice(RemoteDevice):
    """
    A L{RemoteDevice} with Coherence's C{Device} attributes and accessors.

    Like Coherence, an embedded device answers with its root's location,
    USN, specVersion and URLBase.
    """

    @property
    def friendly_name(self) -> str:
        """
        Coherence's name for L{friendlyName}.
        """
        return self.friendlyName

    @property
    def device_type(self) -> str:
        """
        Coherence's name for L{deviceType}.
        """
        return self.deviceType

    @property
    def udn(self) -> str:
        """
        Coherence's name for L{UDN}.
        """
        return self.UDN

    def get_id(self) -> str:
        """
        The UDN, C{uuid:...}.
        """
        return self.UDN

    def get_uuid(self) -> str:
        """
        The UDN without its C{uuid:} prefix.
        """
        return self.UDN[len("uuid:"):] if self.UDN.startswith("uuid:") else self.UDN

    def get_friendly_name(self) -> str:
        """
        The friendly name.
        """
        return self.friendlyName

    def get_device_type(self) -> str:
        """
        The device type URN.
        """
        return self.deviceType

    def get_friendly_device_type(self) -> str:
        """
        The type's name: C{MediaServer} for
        C{urn:schemas-upnp-org:device:MediaServer:1}; empty when the type is
        not a device type URN.
        """
        return _typeParts(self.deviceType)[0]

    def get_device_type_version(self) -> int:
        """
        The type's version as a number (0 when there is none).
        """
        return _typeParts(self.deviceType)[1]

    def get_markup_name(self) -> str:
        """
        C{"<type name>:<version> <friendly name>"}, as Coherence's UIs show
        devices.
        """
        name, version = _typeParts(self.deviceType)
        return f"{name}:{version} {self.friendlyName}"

    def get_services(self) -> list[RemoteService]:
        """
        The services of this device (not of embedded ones).
        """
        return list(self.services)

    def get_service_by_type(self, type: str | Sequence[str]) -> RemoteService | None:
        """
        The first service whose type's name (C{ContentDirectory} in
        C{urn:schemas-upnp-org:service:ContentDirectory:1}) is C{type}, or
        one of C{type} when a list or tuple is given; a whole service type
        URN matches too.
        """
        names = (type,) if isinstance(type, str) else tuple(type)
        for service in self.services:
            if _typeParts(service.serviceType)[0] in names or service.serviceType in names:
                return service
        return None

    def get_devices(self) -> list[RemoteDevice]:
        """
        The devices embedded directly in this one.
        """
        return list(self.devices)

    get_embedded_devices = get_devices

    def get_embedded_device_by_type(self, type: str) -> list[RemoteDevice]:
        """
        The embedded devices whose type's name is C{type}.
        """
        return [device for device in self.devices if _typeParts(device.deviceType)[0] == type]

    def get_parent_id(self) -> str:
        """
        The UDN of the device this one is embedded in; empty for a root.
        """
        return self.parent.UDN if self.parent is not None else ""

    def get_presentation_url(self) -> str:
        """
        The presentation page's URL, empty when there is none.
        """
        return self.presentationURL or ""

    def get_location(self) -> str:
        """
        The URL of the root device's description.
        """
        return self.root.location

    def get_usn(self) -> str:
        """
        The root device's USN, C{<UDN>::upnp:rootdevice}.
        """
        return self.root.usn

    def get_upnp_version(self) -> str:
        """
        The description's specVersion, C{"1.1"}, or C{"n/a"}.
        """
        specVersion = self.root.specVersion
        return "n/a" if specVersion is None else "%d.%d" % specVersion

    def get_urlbase(self) -> str | None:
        """
        The description's (deprecated) URLBase, if it has one.
        """
        return self.root.urlBase

    def make_fullyqualified(self, url: str) -> str:
        """
        Resolve a URL of the description the way its own URLs were.
        """
        root = self.root
        return resolveURL(root.location, root.urlBase, url) or url

    def is_local(self) -> bool:
        """
        Whether the device is hosted by this process.
        """
        return self.root.manifestation == LOCAL

    def is_remote(self) -> bool:
        """
        Whether the device is hosted elsewhere.
        """
        return self.root.manifestation != LOCAL


@dataclass(frozen=True)
class CoherenceRootDevice(CoherenceDevice, RemoteRootDevice):
    """
    A L{RemoteRootDevice} with Coherence's C{RootDevice} attributes and
    accessors.
    """

    @property
    def st(self) -> str:
        """
        The notification type Coherence created root devices for,
        C{upnp:rootdevice}.
        """
        return ROOT_DEVICE

    def get_st(self) -> str:
        """
        C{upnp:rootdevice}.
        """
        return ROOT_DEVICE

    def get_host(self) -> str:
        """
        The address the device announced itself from.
        """
        return self.host


def coherenceFields(item: Any) -> dict[str, Any]:
    """
    The constructor arguments that rebuild a dataclass instance.
    """
    return {f.name: getattr(item, f.name) for f in fields(item) if f.init}


def convertTree(
    device: RemoteDevice,
    kind: type[_D],
    serviceKind: type[RemoteService],
    deviceKind: type[RemoteDevice],
) -> _D:
    """
    A copy of C{device}'s tree as a C{kind}, its services as C{serviceKind}
    and its embedded devices, at every level, as C{deviceKind}.
    """
    values = coherenceFields(device)
    values["services"] = tuple(serviceKind(**coherenceFields(service)) for service in device.services)
    values["devices"] = tuple(convertTree(embedded, deviceKind, serviceKind, deviceKind) for embedded in device.devices)
    return kind(**values)


def coherenceDevice(root: RemoteRootDevice) -> CoherenceRootDevice:
    """
    The same device tree with Coherence's accessors.

    @param root: a root device a control point described.
    @return: a copy of the tree (every field the same, icons shared) made
        of L{CoherenceRootDevice}, L{CoherenceDevice} and
        L{CoherenceService}, linked to each other as the original is.
    """
    return convertTree(root, CoherenceRootDevice, CoherenceService, CoherenceDevice)
