# -*- test-case-name: tests.controlpoint.test_remote -*-
"""
Devices seen on the network: what a control point knows about a root device
once its description has been fetched.

The objects are frozen dataclasses built by
L{coherence_lite.controlpoint.description.parseDescription}; every URL in them is
absolute.  Each device knows its C{parent} and each service its C{device}
(set when the enclosing object is built, and left out of comparisons and
C{repr}).  Coherence's C{get_*} accessors for these objects are
L{coherence_lite.compat._impl.accessors}'.

Pure: no reactor, no sockets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from coherence_lite.model.device import REMOTE
from coherence_lite.net.zones import inheritZone
from coherence_lite.ssdp.advertisement import ROOT_DEVICE

__all__ = [
    "MAX_URL",
    "RemoteIcon",
    "RemoteService",
    "RemoteDevice",
    "RemoteRootDevice",
    "resolveURL",
]

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
        resolved = inheritZone(urljoin(base, url), location)
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
    @ivar manifestation: L{coherence_lite.model.device.LOCAL} or
        L{coherence_lite.model.device.REMOTE}.
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
            object.__setattr__(self, "usn", f"{self.UDN}::{ROOT_DEVICE}")

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
