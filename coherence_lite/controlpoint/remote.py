# -*- test-case-name: tests.test_controlpoint -*-
"""
Devices seen on the network: what a control point knows about a root device
once its description has been fetched.

The objects are frozen dataclasses built by
L{coherence_lite.controlpoint.parse.parseDescription}; every URL in them is
absolute.  Each device knows its C{parent} and each service its C{device}
(set when the enclosing object is built, and left out of comparisons and
C{repr}), so code written against Coherence's C{RootDevice} and C{Device}
can walk the tree the same way.  The C{get_*} methods and the few
snake_case properties exist for those users and carry Coherence's names;
new code reads the camelCase fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence
from urllib.parse import urljoin, urlsplit

__all__ = [
    "LOCAL",
    "REMOTE",
    "ROOT_DEVICE_ST",
    "RemoteIcon",
    "RemoteService",
    "RemoteDevice",
    "RemoteRootDevice",
    "resolveURL",
]

#: Manifestations, as in Coherence: a device this process hosts, or another.
LOCAL = "local"
REMOTE = "remote"

#: The search target / notification type of root device entries.
ROOT_DEVICE_ST = "upnp:rootdevice"


#: The longest URL kept from a description.
MAX_URL = 2048

_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f]")


def resolveURL(location: str, urlBase: str | None, url: str | None) -> str | None:
    """
    Resolve a URL of a device description into an absolute C{http} or
    C{https} URL.

    Relative URLs resolve against the (deprecated) URLBase when the
    description has a usable one, taken as a directory as Coherence and
    most control points do, else against the description's own URL.

    @param location: the URL the description was fetched from.
    @param urlBase: the description's URLBase, or L{None}.
    @param url: the URL as written in the description.
    @return: the absolute URL, or L{None} when C{url} is empty, not HTTP,
        longer than L{MAX_URL} or contains spaces or control characters.
    """
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    base = location
    if urlBase is not None and _isHTTP(urlBase):
        base = urlBase if urlBase.endswith("/") else urlBase + "/"
    try:
        resolved = urljoin(base, url)
    except ValueError:
        return None
    if len(resolved) > MAX_URL or _NOT_IN_URL.search(resolved) or not _isHTTP(resolved):
        return None
    return resolved


def _isHTTP(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _typeParts(urn: str) -> tuple[str, int]:
    """
    The name and version of a C{urn:domain:kind:Name:v} type, or C{("", 0)}
    when C{urn} is not shaped like one.
    """
    parts = urn.split(":")
    if len(parts) != 5 or parts[0] != "urn":
        return "", 0
    try:
        version = int(parts[4])
    except ValueError:
        version = 0
    return parts[3], version


@dataclass(frozen=True)
class RemoteIcon:
    """
    An icon listed in a device description.

    @ivar url: the absolute URL of the image.
    @ivar width: in pixels, or L{None} when the description gives no usable
        number; likewise C{height} and C{depth}.
    """

    mimetype: str
    width: int | None
    height: int | None
    depth: int | None
    url: str

    def asDict(self) -> dict[str, Any]:
        """
        The icon as plain data, fit for JSON.
        """
        return {
            "mimetype": self.mimetype,
            "width": self.width,
            "height": self.height,
            "depth": self.depth,
            "url": self.url,
        }


@dataclass(frozen=True)
class RemoteService:
    """
    A service listed in a device description.

    @ivar SCPDURL: the absolute URL of the service description, or L{None}
        when the description has none (broken devices); likewise
        C{controlURL} and C{eventSubURL}.
    @ivar device: the device offering the service (set by that device).
    """

    serviceType: str
    serviceId: str
    SCPDURL: str | None
    controlURL: str | None
    eventSubURL: str | None
    device: "RemoteDevice | None" = field(default=None, init=False, compare=False, repr=False)

    # Coherence's Service accessors.

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

    def get_device(self) -> "RemoteDevice | None":
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

    def asDict(self) -> dict[str, Any]:
        """
        The service as plain data, fit for JSON.
        """
        return {
            "serviceType": self.serviceType,
            "serviceId": self.serviceId,
            "SCPDURL": self.SCPDURL,
            "controlURL": self.controlURL,
            "eventSubURL": self.eventSubURL,
        }


@dataclass(frozen=True)
class RemoteDevice:
    """
    A device of a description document: the root device's own C{<device>},
    or one embedded in it.

    Field names are the description's element names.  Text is stripped of
    surrounding whitespace but otherwise as sent: it came from the network,
    so escape it before showing it anywhere that interprets characters.

    @ivar icons: the icons, URLs absolute.
    @ivar services: the services, URLs absolute.
    @ivar devices: the embedded devices.
    @ivar presentationURL: absolute, or L{None}.
    @ivar parent: the device this one is embedded in; L{None} for a root
        device (set by the parent).
    """

    deviceType: str
    friendlyName: str
    UDN: str
    manufacturer: str = ""
    modelName: str = ""
    manufacturerURL: str | None = None
    modelDescription: str | None = None
    modelNumber: str | None = None
    modelURL: str | None = None
    serialNumber: str | None = None
    UPC: str | None = None
    presentationURL: str | None = None
    icons: tuple[RemoteIcon, ...] = ()
    services: tuple[RemoteService, ...] = ()
    devices: tuple["RemoteDevice", ...] = ()
    parent: "RemoteDevice | None" = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Link the children to this object.  A copy made with
        # dataclasses.replace() relinks them to the copy, which is the one
        # that lives on.
        for service in self.services:
            object.__setattr__(service, "device", self)
        for device in self.devices:
            object.__setattr__(device, "parent", self)

    @property
    def root(self) -> "RemoteRootDevice":
        """
        The root device of the tree this device belongs to.
        """
        device: RemoteDevice = self
        while device.parent is not None:
            device = device.parent
        assert isinstance(device, RemoteRootDevice), "a device tree must end in a root device"
        return device

    def allDevices(self) -> Iterator["RemoteDevice"]:
        """
        This device and every device embedded in it, depth first, this one
        first.
        """
        yield self
        for device in self.devices:
            yield from device.allDevices()

    def asDict(self) -> dict[str, Any]:
        """
        The device and everything embedded in it as plain data, fit for
        JSON; keys are the description's element names.
        """
        return {
            "deviceType": self.deviceType,
            "friendlyName": self.friendlyName,
            "UDN": self.UDN,
            "manufacturer": self.manufacturer,
            "manufacturerURL": self.manufacturerURL,
            "modelName": self.modelName,
            "modelDescription": self.modelDescription,
            "modelNumber": self.modelNumber,
            "modelURL": self.modelURL,
            "serialNumber": self.serialNumber,
            "UPC": self.UPC,
            "presentationURL": self.presentationURL,
            "icons": [icon.asDict() for icon in self.icons],
            "services": [service.asDict() for service in self.services],
            "devices": [device.asDict() for device in self.devices],
        }

    # Coherence's Device attributes and accessors.

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
        not a URN of that shape.
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
        one of C{type} when a list or tuple is given.
        """
        names = (type,) if isinstance(type, str) else tuple(type)
        for service in self.services:
            if _typeParts(service.serviceType)[0] in names:
                return service
        return None

    def get_devices(self) -> list["RemoteDevice"]:
        """
        The devices embedded directly in this one.
        """
        return list(self.devices)

    get_embedded_devices = get_devices

    def get_embedded_device_by_type(self, type: str) -> list["RemoteDevice"]:
        """
        The embedded devices whose type's name is C{type}.
        """
        return [device for device in self.devices if device.get_friendly_device_type() == type]

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
        The root device's USN (Coherence gives embedded devices their root's).
        """
        return self.root.usn

    def get_upnp_version(self) -> str:
        """
        The description's specVersion, C{"1.1"}, or C{"n/a"}.
        """
        return self.root.get_upnp_version()

    def get_urlbase(self) -> str | None:
        """
        The description's (deprecated) URLBase, if it has one.
        """
        return self.root.urlBase

    def make_fullyqualified(self, url: str) -> str:
        """
        Resolve a URL of the description the way its own URLs were.
        """
        return resolveURL(self.root.location, self.root.urlBase, url) or url

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
class RemoteRootDevice(RemoteDevice):
    """
    A root device: its C{<device>} plus what the description document and
    the SSDP announcement say about the whole tree.

    @ivar location: the URL the description was fetched from (LOCATION).
    @ivar usn: C{<UDN>::upnp:rootdevice}.
    @ivar server: the SERVER header of the announcement, if any.
    @ivar specVersion: C{(major, minor)} of the description, or L{None}.
    @ivar configId: the description's C{configId} (else CONFIGID.UPNP.ORG),
        or L{None}.
    @ivar bootId: BOOTID.UPNP.ORG of the announcement, or L{None}.
    @ivar urlBase: the description's URLBase, if it has one.
    @ivar host: the address the announcement came from (else LOCATION's
        host).
    @ivar manifestation: L{LOCAL} or L{REMOTE}.
    """

    location: str = ""
    usn: str = ""
    server: str | None = None
    specVersion: tuple[int, int] | None = None
    configId: int | None = None
    bootId: int | None = None
    urlBase: str | None = None
    host: str = ""
    manifestation: str = REMOTE

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.usn:
            object.__setattr__(self, "usn", f"{self.UDN}::{ROOT_DEVICE_ST}")

    @property
    def st(self) -> str:
        """
        The notification type Coherence created root devices for.
        """
        return ROOT_DEVICE_ST

    def asDict(self) -> dict[str, Any]:
        """
        The root device as plain data, fit for JSON: the device's keys plus
        location, usn, server, specVersion, configId, bootId, URLBase, host
        and manifestation.
        """
        data = super().asDict()
        data.update(
            location=self.location,
            usn=self.usn,
            server=self.server,
            specVersion=None if self.specVersion is None else "%d.%d" % self.specVersion,
            configId=self.configId,
            bootId=self.bootId,
            URLBase=self.urlBase,
            host=self.host,
            manifestation=self.manifestation,
        )
        return data

    # Coherence's RootDevice accessors.

    def get_usn(self) -> str:
        """
        C{<UDN>::upnp:rootdevice}.
        """
        return self.usn

    def get_st(self) -> str:
        """
        C{upnp:rootdevice}.
        """
        return ROOT_DEVICE_ST

    def get_location(self) -> str:
        """
        The description's URL.
        """
        return self.location

    def get_host(self) -> str:
        """
        The address the device announced itself from.
        """
        return self.host

    def get_upnp_version(self) -> str:
        """
        The description's specVersion, C{"1.1"}, or C{"n/a"}.
        """
        if self.specVersion is None:
            return "n/a"
        return "%d.%d" % self.specVersion

    def get_urlbase(self) -> str | None:
        """
        The description's (deprecated) URLBase, if it has one.
        """
        return self.urlBase
