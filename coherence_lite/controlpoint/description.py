# -*- test-case-name: tests.controlpoint.test_description -*-
"""
Reading device description documents fetched from other devices.

Pure: bytes and the URL they came from go in, a
L{coherence_lite.controlpoint.remote.RemoteRootDevice} or a
L{DescriptionError} comes out; L{parseDescription} never raises.

The document came from the network, so it is read defensively:

  - At most L{MAX_DESCRIPTION_SIZE} bytes, checked before any parsing,
    and parsed with L{coherence_lite.model.xmlparse.parseXML}: no DTD, no
    entity declaration, no external reference (billion laughs, XXE), and
    anything expat cannot read is an error value.
  - At most L{MAX_DEVICES} devices nested at most L{MAX_DEPTH} deep,
    L{MAX_SERVICES} services and L{MAX_ICONS} icons per device.

and leniently, as real devices need:

  - Elements are matched by local name in the document element's
    namespace (normally C{urn:schemas-upnp-org:device-1-0}) or in none, so
    documents without a namespace, or with a misspelt one used throughout,
    are read; elements of other namespaces (DLNA, vendors) are skipped.
  - Whitespace around the document and NUL padding after it are ignored.
  - A URLBase (deprecated since UDA 1.1, still sent) is honoured for
    relative URLs; missing or unusable URLs become L{None}, not errors.
  - Only the root device needs a UDN; an embedded device without one is
    left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from coherence_lite.controlpoint.remote import (
    RemoteDevice,
    RemoteIcon,
    RemoteRootDevice,
    RemoteService,
    resolveURL,
)
from coherence_lite.controlpoint.xmlread import ElementReader, Invalid, configIdOf
from coherence_lite.model.description import DEVICE_NAMESPACE
from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = [
    "MAX_DESCRIPTION_SIZE",
    "MAX_DEPTH",
    "MAX_DEVICES",
    "MAX_SERVICES",
    "MAX_ICONS",
    "DescriptionError",
    "parseDescription",
]

#: The largest description read, in bytes.
MAX_DESCRIPTION_SIZE = 256 * 1024

#: How deep embedded devices may nest below the root device.
MAX_DEPTH = 8

#: The most devices (root included) one description may hold.
MAX_DEVICES = 64

#: The most services, over all devices of one description.
MAX_SERVICES = 256

#: The most icons of one device.
MAX_ICONS = 32

_UDN = re.compile(r"[\x21-\x7e]{1,128}")
_SMALL_NUMBER = re.compile(r"[0-9]{1,5}")


@dataclass(frozen=True)
class DescriptionError:
    """
    A description that cannot be used.  A value, not an exception: callers
    log it.

    @ivar reason: why, in words fit for a log line.
    """

    reason: str


def parseDescription(data: bytes, location: str) -> RemoteRootDevice | DescriptionError:
    """
    Read a device description document.

    The result has no SSDP details yet (server, BOOTID, host,
    manifestation): the caller adds them with C{dataclasses.replace}.

    @param data: the document as received.
    @param location: the URL it was fetched from; relative URLs resolve
        against it.
    @return: the root device, or why the document cannot be used.
    """
    document = parseXML(bytes(data), MAX_DESCRIPTION_SIZE, lenient=True)
    if isinstance(document, XMLError):
        return DescriptionError(document.reason)
    try:
        return _Reader(document, location).root()
    except Invalid as invalid:
        return DescriptionError(invalid.reason)


def _number(text: str | None) -> int | None:
    if text is None or not _SMALL_NUMBER.fullmatch(text):
        return None
    return int(text)


class _Reader(ElementReader):
    """
    Walks one parsed document.
    """

    def __init__(self, document: ET.Element, location: str) -> None:
        super().__init__(document, DEVICE_NAMESPACE)
        self._location = location
        self._urlBase: str | None = None
        self._devices = 0
        self._services = 0
        self._udns: set[str] = set()

    def _url(self, element: ET.Element, name: str) -> str | None:
        return resolveURL(self._location, self._urlBase, self._text(element, name))

    def root(self) -> RemoteRootDevice:
        if self._local != "root":
            raise Invalid(f"the document element is <{self._local[:40]}>, not <root>")
        self._urlBase = self._text(self._document, "URLBase")
        specVersion = self._specVersion(_SMALL_NUMBER)
        configId = configIdOf(self._document.get("configId"))
        element = self._child(self._document, "device")
        if element is None:
            raise Invalid("no <device> in <root>")
        device = self._device(element, 0)
        if device is None:
            raise Invalid("the root device has no usable UDN")
        return RemoteRootDevice(
            deviceType=device.deviceType,
            friendlyName=device.friendlyName,
            UDN=device.UDN,
            manufacturer=device.manufacturer,
            modelName=device.modelName,
            manufacturerURL=device.manufacturerURL,
            modelDescription=device.modelDescription,
            modelNumber=device.modelNumber,
            modelURL=device.modelURL,
            serialNumber=device.serialNumber,
            UPC=device.UPC,
            presentationURL=device.presentationURL,
            icons=device.icons,
            services=device.services,
            devices=device.devices,
            location=self._location,
            specVersion=specVersion,
            configId=configId,
            urlBase=self._urlBase,
        )

    def _device(self, element: ET.Element, depth: int) -> RemoteDevice | None:
        udn = self._text(element, "UDN")
        if udn is None or not _UDN.fullmatch(udn):
            return None
        if udn.lower() in self._udns:
            raise Invalid(f"UDN {udn!r} appears twice")
        self._udns.add(udn.lower())
        self._devices += 1
        if self._devices > MAX_DEVICES:
            raise Invalid(f"more than {MAX_DEVICES} devices")
        embedded: list[RemoteDevice] = []
        deviceList = self._child(element, "deviceList")
        if deviceList is not None:
            children = self._children(deviceList, "device")
            if children and depth + 1 > MAX_DEPTH:
                raise Invalid(f"embedded devices nested deeper than {MAX_DEPTH}")
            for child in children:
                device = self._device(child, depth + 1)
                if device is not None:
                    embedded.append(device)
        return RemoteDevice(
            deviceType=self._text(element, "deviceType") or "",
            friendlyName=self._text(element, "friendlyName") or "",
            UDN=udn,
            manufacturer=self._text(element, "manufacturer") or "",
            modelName=self._text(element, "modelName") or "",
            manufacturerURL=self._url(element, "manufacturerURL"),
            modelDescription=self._text(element, "modelDescription"),
            modelNumber=self._text(element, "modelNumber"),
            modelURL=self._url(element, "modelURL"),
            serialNumber=self._text(element, "serialNumber"),
            UPC=self._text(element, "UPC"),
            presentationURL=self._url(element, "presentationURL"),
            icons=self._icons(element),
            services=self._serviceList(element),
            devices=tuple(embedded),
        )

    def _icons(self, element: ET.Element) -> tuple[RemoteIcon, ...]:
        iconList = self._child(element, "iconList")
        if iconList is None:
            return ()
        icons = []
        for icon in self._children(iconList, "icon"):
            url = self._url(icon, "url")
            if url is None:
                continue
            icons.append(
                RemoteIcon(
                    mimetype=self._text(icon, "mimetype") or "",
                    width=_number(self._text(icon, "width")),
                    height=_number(self._text(icon, "height")),
                    depth=_number(self._text(icon, "depth")),
                    url=url,
                )
            )
            if len(icons) > MAX_ICONS:
                raise Invalid(f"a device has more than {MAX_ICONS} icons")
        return tuple(icons)

    def _serviceList(self, element: ET.Element) -> tuple[RemoteService, ...]:
        serviceList = self._child(element, "serviceList")
        if serviceList is None:
            return ()
        services = []
        for service in self._children(serviceList, "service"):
            serviceType = self._text(service, "serviceType")
            if serviceType is None:
                continue
            self._services += 1
            if self._services > MAX_SERVICES:
                raise Invalid(f"more than {MAX_SERVICES} services")
            services.append(
                RemoteService(
                    serviceType=serviceType,
                    serviceId=self._text(service, "serviceId") or "",
                    SCPDURL=self._url(service, "SCPDURL"),
                    controlURL=self._url(service, "controlURL"),
                    eventSubURL=self._url(service, "eventSubURL"),
                )
            )
        return tuple(services)
