# -*- test-case-name: tests.model.test_description,tests.model.test_documents -*-
"""
Device and service description documents (UDA 1.1 §2), rendered as bytes.

Everything here is pure: a frozen L{Device} tree goes in, UTF-8 XML comes
out, with no I/O and no reactor.  The URLs the documents name come from
L{coherence_lite.model.layout}, so the web resource tree serving them agrees with
them by construction.

The documents are rendered once per configuration by L{buildDocuments};
the HTTP server only ever sends the bytes it finds in the resulting
L{Documents}.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

from coherence_lite.model import layout
from coherence_lite.model.device import Device, DeviceError, Service, StateVariable

__all__ = [
    "SPEC_VERSION",
    "DEVICE_NAMESPACE",
    "SERVICE_NAMESPACE",
    "MAX_CONFIG_ID",
    "computeConfigId",
    "deviceDescription",
    "serviceDescription",
    "Documents",
    "Variant",
    "buildDocuments",
]

#: The UDA version these documents follow, as (major, minor).  The
#: C{UPnP/x.y} token of the SSDP C{SERVER} header must agree with it.
SPEC_VERSION: tuple[int, int] = (1, 1)

#: The namespace of device descriptions.
DEVICE_NAMESPACE = "urn:schemas-upnp-org:device-1-0"

#: The namespace of service descriptions (SCPDs).
SERVICE_NAMESPACE = "urn:schemas-upnp-org:service-1-0"

#: The largest CONFIGID.UPNP.ORG value UDA allows (2**24 - 1).
MAX_CONFIG_ID = 16777215

_XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _checkMinor(specMinor: int) -> None:
    if specMinor not in (1, 2):
        raise ValueError(f"specMinor must be 1 or 2 (UPnP 1.1 or 1.2), not {specMinor!r}")


def _element(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _optional(parent: ET.Element, tag: str, text: str | None) -> None:
    if text is not None:
        _element(parent, tag, text)


def _specVersion(parent: ET.Element, specMinor: int) -> None:
    spec = _element(parent, "specVersion")
    _element(spec, "major", str(SPEC_VERSION[0]))
    _element(spec, "minor", str(specMinor))


def _documentElement(tag: str, namespace: str, configId: int | None) -> ET.Element:
    # The default namespace is written as a plain attribute on purpose:
    # ElementTree would otherwise invent an C{ns0:} prefix for every element,
    # or need the process-wide register_namespace().
    attributes = {"xmlns": namespace}
    if configId is not None:
        if not (isinstance(configId, int) and 0 <= configId <= MAX_CONFIG_ID):
            raise ValueError(f"configId must be an integer from 0 to {MAX_CONFIG_ID}, not {configId!r}")
        attributes["configId"] = str(configId)
    return ET.Element(tag, attributes)


def _checkCharacters(element: ET.Element, path: str) -> None:
    """
    Refuse text that no XML parser would accept (NUL, most C0 controls,
    U+FFFE, lone surrogates): ElementTree would write it out as is.
    """
    here = f"{path}.{element.tag}" if path else element.tag
    if element.text is not None and _NOT_XML_CHAR.search(element.text):
        raise DeviceError(here, "contains a character that XML documents cannot carry")
    for child in element:
        _checkCharacters(child, here)


def _serialize(document: ET.Element) -> bytes:
    _checkCharacters(document, "")
    ET.indent(document, space="  ")
    text = ET.tostring(document, encoding="unicode")
    # ElementTree escapes &, < and > in text but leaves carriage returns,
    # which parsers turn into line feeds; a character reference keeps them.
    # (Attribute values already have theirs escaped, and markup holds none.)
    text = text.replace("\r", "&#13;")
    return _XML_DECLARATION + text.encode("utf-8") + b"\n"


def _deviceElement(parent: ET.Element, device: Device) -> None:
    element = _element(parent, "device")
    _element(element, "deviceType", device.deviceType)
    _element(element, "friendlyName", device.friendlyName)
    _element(element, "manufacturer", device.manufacturer)
    _optional(element, "manufacturerURL", device.manufacturerURL)
    _optional(element, "modelDescription", device.modelDescription)
    _element(element, "modelName", device.modelName)
    _optional(element, "modelNumber", device.modelNumber)
    _optional(element, "modelURL", device.modelURL)
    _optional(element, "serialNumber", device.serialNumber)
    _element(element, "UDN", device.UDN)
    _optional(element, "UPC", device.UPC)
    for extension in device.extensions:
        _element(element, extension.tag, extension.text).set(f"xmlns:{extension.prefix}", extension.namespace)
    if device.icons:
        iconList = _element(element, "iconList")
        for icon in device.icons:
            iconElement = _element(iconList, "icon")
            _element(iconElement, "mimetype", icon.mimetype)
            _element(iconElement, "width", str(icon.width))
            _element(iconElement, "height", str(icon.height))
            _element(iconElement, "depth", str(icon.depth))
            _element(iconElement, "url", layout.iconPath(device, icon))
    if device.services:
        serviceList = _element(element, "serviceList")
        for service in device.services:
            serviceElement = _element(serviceList, "service")
            _element(serviceElement, "serviceType", service.serviceType)
            _element(serviceElement, "serviceId", service.serviceId)
            _element(serviceElement, "SCPDURL", layout.servicePath(device, service, layout.SCPD))
            _element(serviceElement, "controlURL", layout.servicePath(device, service, layout.CONTROL))
            _element(serviceElement, "eventSubURL", layout.servicePath(device, service, layout.SUBSCRIBE))
    if device.devices:
        deviceList = _element(element, "deviceList")
        for embedded in device.devices:
            _deviceElement(deviceList, embedded)
    presentationURL = device.presentationURL
    if presentationURL is None:
        presentationURL = layout.presentationPath(device)
    _element(element, "presentationURL", presentationURL)


def _renderDevice(root: Device, configId: int | None, specMinor: int) -> bytes:
    _checkMinor(specMinor)
    document = _documentElement("root", DEVICE_NAMESPACE, configId)
    _specVersion(document, specMinor)
    _deviceElement(document, root)
    return _serialize(document)


def _stateVariableElement(parent: ET.Element, variable: StateVariable) -> None:
    attributes = {"sendEvents": "yes" if variable.sendEvents else "no"}
    if variable.multicast:
        attributes["multicast"] = "yes"
    element = ET.SubElement(parent, "stateVariable", attributes)
    _element(element, "name", variable.name)
    _element(element, "dataType", variable.dataType)
    _optional(element, "defaultValue", variable.defaultValue)
    if variable.allowedValues:
        allowedValueList = _element(element, "allowedValueList")
        for value in variable.allowedValues:
            _element(allowedValueList, "allowedValue", value)
    if variable.allowedValueRange is not None:
        allowedRange = _element(element, "allowedValueRange")
        _element(allowedRange, "minimum", variable.allowedValueRange.minimum)
        _element(allowedRange, "maximum", variable.allowedValueRange.maximum)
        _optional(allowedRange, "step", variable.allowedValueRange.step)


def _renderService(service: Service, configId: int | None, specMinor: int) -> bytes:
    _checkMinor(specMinor)
    document = _documentElement("scpd", SERVICE_NAMESPACE, configId)
    _specVersion(document, specMinor)
    # UDA 1.1 §2.5: actionList is required if and only if there are actions.
    if service.actions:
        actionList = _element(document, "actionList")
        for action in service.actions:
            actionElement = _element(actionList, "action")
            _element(actionElement, "name", action.name)
            if action.arguments:
                argumentList = _element(actionElement, "argumentList")
                for argument in action.arguments:
                    argumentElement = _element(argumentList, "argument")
                    _element(argumentElement, "name", argument.name)
                    _element(argumentElement, "direction", argument.direction)
                    _element(argumentElement, "relatedStateVariable", argument.relatedStateVariable)
    # UDA requires at least one variable; the model allows none, and then the
    # table is left empty rather than missing.
    table = _element(document, "serviceStateTable")
    for variable in service.stateVariables:
        _stateVariableElement(table, variable)
    return _serialize(document)


def _hashChunk(digest: "hashlib._Hash", label: bytes, data: bytes) -> None:
    # Length-prefixed, so that no two different sets of documents feed the
    # hash the same byte stream.
    for part in (label, data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)


def computeConfigId(root: Device, *, specMinor: int = SPEC_VERSION[1]) -> int:
    """
    Compute the CONFIGID.UPNP.ORG of a root device.

    The value is derived from a SHA-256 hash of the device description and
    of every service description, all rendered without a C{configId}, so it
    is the same across restarts and changes whenever any of those documents
    or any icon changes (up to the odds of a 24-bit collision, 1 in 16777216).

    @param root: the root device.
    @param specMinor: the UDA minor version the documents will declare.
    @return: an integer from 0 to L{MAX_CONFIG_ID}.
    @raise DeviceError: a text contains a character XML cannot carry.
    @raise ValueError: C{specMinor} is neither 1 nor 2.
    """
    digest = hashlib.sha256()
    _hashChunk(digest, b"description", _renderDevice(root, None, specMinor))
    for device in root.allDevices():
        for service in device.services:
            label = f"scpd\0{device.UDN}\0{service.shortId}".encode("utf-8")
            _hashChunk(digest, label, _renderService(service, None, specMinor))
        # A new icon under the same URL must reach control points that cache
        # icons by configuration (Windows does).
        for icon in device.icons:
            _hashChunk(digest, f"icon\0{device.UDN}\0{icon.name}".encode("utf-8"), icon.data)
    return int.from_bytes(digest.digest()[:3], "big")


def deviceDescription(root: Device, configId: int, *, specMinor: int = SPEC_VERSION[1]) -> bytes:
    """
    Render the device description document of a root device.

    All URLs in it are absolute paths from L{coherence_lite.model.layout}; there
    is no C{URLBase}, so they resolve against the description's own URL.

    @param root: the root device; its embedded devices are described too.
    @param configId: the C{configId} attribute of C{<root>}, 0 to
        L{MAX_CONFIG_ID} (normally L{computeConfigId}C{(root)}).
    @param specMinor: the minor version in C{<specVersion>} (1 or 2).
    @return: the UTF-8 encoded document, XML declaration included.
    @raise DeviceError: a text contains a character XML cannot carry.
    @raise ValueError: C{configId} or C{specMinor} is out of range.
    """
    return _renderDevice(root, configId, specMinor)


def serviceDescription(service: Service, configId: int, *, specMinor: int = SPEC_VERSION[1]) -> bytes:
    """
    Render the service description (SCPD) of one service.

    @param service: the service.
    @param configId: the C{configId} attribute of C{<scpd>}: the root
        device's configuration id.
    @param specMinor: the minor version in C{<specVersion>} (1 or 2).
    @return: the UTF-8 encoded document, XML declaration included.
    @raise DeviceError: a text contains a character XML cannot carry.
    @raise ValueError: C{configId} or C{specMinor} is out of range.
    """
    return _renderService(service, configId, specMinor)


@dataclass(frozen=True)
class Variant:
    """
    A description some clients are given instead of the default one: those
    whose request header C{header} contains C{contains} (the first variant
    that matches wins).

    @ivar header: a lower-case request header name (C{user-agent},
        C{x-av-client-info}).
    @ivar contains: the text its value contains.
    @ivar root: the root device as those clients are to see it (other
        names, vendor elements), with the same UDNs, services and icons as
        the default; L{None} gives them the default description (a client
        that an earlier match must not catch).
    """

    header: str
    contains: str
    root: Device | None


def _sameTree(root: Device, other: Device) -> bool:
    def shape(device: Device) -> list[object]:
        return [(each.UDN, each.services, each.icons) for each in device.allDevices()]

    return shape(root) == shape(other)


@dataclass(frozen=True)
class Documents:
    """
    Every description document of one root device, rendered once.

    @ivar root: the root device described.
    @ivar configId: its CONFIGID.UPNP.ORG, as in the documents.
    @ivar description: the device description bytes.
    @ivar scpds: the SCPD bytes of every service of every device of the
        tree, keyed by C{(device UDN, service.shortId)}; read-only.
    @ivar specVersion: the C{(major, minor)} UDA version the documents
        declare, for the C{UPnP/x.y} token of C{SERVER} headers.
    @ivar variants: (header, contained text, description bytes) of each
        L{Variant}, in order: what L{descriptionFor} picks from.
    """

    root: Device
    configId: int
    description: bytes
    scpds: Mapping[tuple[str, str], bytes]
    specVersion: tuple[int, int] = SPEC_VERSION
    variants: tuple[tuple[str, str, bytes], ...] = ()

    def descriptionFor(self, header: Callable[[str], str | None]) -> bytes:
        """
        The description bytes for a client: those of the first variant
        whose header contains its text, else the default description.

        @param header: the value of a request header by lower-case name,
            L{None} when the request has none.
        """
        for name, text, description in self.variants:
            if text in (header(name) or "")[:512]:
                return description
        return self.description


def buildDocuments(root: Device, specMinor: int = SPEC_VERSION[1], variants: Sequence[Variant] = ()) -> Documents:
    """
    Compute the configuration id of a root device and render its
    description and all its SCPDs with it.

    The CONFIGID is computed over the default description alone: the
    variants, rendered with the same CONFIGID, are other clothes of one
    configuration (same UDNs, services and icons), so every client sees
    one CONFIGID however it is described.

    @param root: the root device.
    @param specMinor: the UDA minor version to declare (1 or 2).
    @param variants: the descriptions some clients get instead.
    @return: the rendered documents.
    @raise DeviceError: a text contains a character XML cannot carry.
    @raise ValueError: C{specMinor} is neither 1 nor 2, or a variant does
        not have C{root}'s UDNs, services and icons.
    """
    for variant in variants:
        if variant.root is not None and not _sameTree(root, variant.root):
            raise ValueError(f"the description variant for {variant.contains!r:.64} is not the same device as {root.UDN}")
    configId = computeConfigId(root, specMinor=specMinor)
    scpds = {
        (device.UDN, service.shortId): _renderService(service, configId, specMinor)
        for device in root.allDevices()
        for service in device.services
    }
    description = _renderDevice(root, configId, specMinor)
    return Documents(
        root=root,
        configId=configId,
        description=description,
        scpds=MappingProxyType(scpds),
        specVersion=(SPEC_VERSION[0], specMinor),
        variants=tuple(
            (variant.header, variant.contains, description if variant.root is None else _renderDevice(variant.root, configId, specMinor))
            for variant in variants
        ),
    )
