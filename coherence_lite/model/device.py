# -*- test-case-name: tests.test_device -*-
"""
The UPnP device model: frozen, validated data.

A L{Device} tree (a root device, its services, icons and embedded devices) is
everything the rest of the package needs to describe, announce and serve a
device.  Objects are immutable; building one with a value UDA 1.1 forbids
raises L{DeviceError} naming the field and the reason.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from coherence_lite.model.types import INTEGER_RANGES, dataTypeProblem, hasValueList

if TYPE_CHECKING:
    from coherence_lite.backend.runtime import ServiceRuntime
    from coherence_lite.model.bindings import ActionBinding

__all__ = [
    "LOCAL",
    "REMOTE",
    "DeviceError",
    "URN",
    "parseURN",
    "Icon",
    "Argument",
    "Action",
    "AllowedValueRange",
    "StateVariable",
    "Service",
    "Device",
    "stableUDN",
]

#: Where a device is hosted, as Coherence calls it (its "manifestation"):
#: by this process, or by another on the network.
LOCAL = "local"
REMOTE = "remote"


class DeviceError(ValueError):
    """
    A device model value breaks a UPnP rule.

    @ivar field: the name of the offending field (dotted for nested values,
        e.g. C{"services[0].serviceType"}).
    @ivar reason: what is wrong, in words a user can act on.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def within(self, prefix: str) -> "DeviceError":
        """
        Return the same error with its field placed under C{prefix}.
        """
        return DeviceError(f"{prefix}.{self.field}", self.reason)


# UDA 1.1 §2.3: domain names with periods replaced by hyphens; type names and
# service ids up to 64 characters of letters, digits, hyphen and underscore.
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9.\-]{0,63}"
_NAME = r"[A-Za-z0-9_\-]{1,64}"
_TYPE_URN = re.compile(
    rf"^urn:(?P<domain>{_DOMAIN}):(?P<kind>device|service):"
    rf"(?P<name>{_NAME}):(?P<version>[1-9][0-9]{{0,8}})$"
)
_SERVICE_ID = re.compile(
    rf"^urn:(?P<domain>{_DOMAIN}):serviceId:(?P<name>[A-Za-z0-9_\-][A-Za-z0-9_.\-]{{0,63}})$"
)
_UDN = re.compile(
    r"^uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_ELEMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,31}$")
_URL = re.compile(r"^[^\s<>\"]{1,1024}$")
_UPC = re.compile(r"^[0-9]{12}$")
_IMAGE_TYPE = re.compile(r"^image/[a-z0-9.+\-]+$")
_ICON_NAME = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,63}$")


@dataclass(frozen=True)
class URN:
    """
    A parsed device or service type such as
    C{urn:schemas-upnp-org:device:Basic:1}.
    """

    domain: str
    kind: str
    name: str
    version: int

    def withVersion(self, version: int) -> str:
        """
        Return this type spelled with another version number.
        """
        return f"urn:{self.domain}:{self.kind}:{self.name}:{version}"


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.match(value) is not None


def parseURN(text: str) -> URN | None:
    """
    Parse a device or service type URN.

    @return: the parts, or L{None} when C{text} is not a type URN.
    """
    if not isinstance(text, str):
        return None
    match = _TYPE_URN.match(text)
    if match is None:
        return None
    return URN(match["domain"], match["kind"], match["name"], int(match["version"]))


def stableUDN(*seeds: str) -> str:
    """
    Derive a UDN that stays the same across restarts from a few strings
    (host name, device name, device type).
    """
    name = "\0".join(seeds)
    return "uuid:" + str(uuid.uuid5(uuid.NAMESPACE_DNS, f"coherence-lite\0{name}"))


def _check(condition: bool, fieldName: str, reason: str) -> None:
    if not condition:
        raise DeviceError(fieldName, reason)


def _checkText(value: object, fieldName: str, maxLength: int | None, required: bool = True) -> None:
    if value is None and not required:
        return
    _check(isinstance(value, str), fieldName, "must be a string")
    assert isinstance(value, str)
    _check(value.strip() != "", fieldName, "must not be empty")
    _check(
        not any(ord(c) < 0x20 and c not in "\t" for c in value),
        fieldName,
        "must not contain control characters or line breaks",
    )
    if maxLength is not None:
        _check(
            len(value) <= maxLength,
            fieldName,
            f"is {len(value)} characters long; UPnP allows at most {maxLength}",
        )


def _checkURL(value: str | None, fieldName: str) -> None:
    if value is None:
        return
    _check(
        isinstance(value, str) and _URL.match(value) is not None,
        fieldName,
        "must be a URL without spaces, quotes or angle brackets",
    )


def _checkEach(items: tuple[object, ...], fieldName: str, kind: type) -> None:
    _check(isinstance(items, tuple), fieldName, "must be a tuple")
    for index, item in enumerate(items):
        _check(isinstance(item, kind), f"{fieldName}[{index}]", f"must be a {kind.__name__}")


@dataclass(frozen=True)
class Icon:
    """
    An icon of a device, served by the device host.

    @ivar name: the file name in the icon's URL (C{icon-48.png}).
    @ivar data: the image bytes.
    """

    mimetype: str
    width: int
    height: int
    depth: int
    data: bytes = field(repr=False)
    name: str = ""

    def __post_init__(self) -> None:
        _check(
            _matches(_IMAGE_TYPE, self.mimetype),
            "mimetype",
            "must be an image MIME type such as image/png",
        )
        for attribute in ("width", "height", "depth"):
            value = getattr(self, attribute)
            _check(
                isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 4096,
                attribute,
                "must be a whole number from 1 to 4096",
            )
        _check(isinstance(self.data, bytes) and len(self.data) > 0, "data", "must be non-empty bytes")
        if not self.name:
            extension = self.mimetype.split("/", 1)[1].split("+")[0]
            object.__setattr__(self, "name", f"icon-{self.width}x{self.height}x{self.depth}.{extension}")
        _check(
            _matches(_ICON_NAME, self.name),
            "name",
            "must be a plain file name (letters, digits, '.', '-', '_')",
        )


@dataclass(frozen=True)
class Argument:
    """
    One argument of an action.
    """

    name: str
    direction: str
    relatedStateVariable: str

    def __post_init__(self) -> None:
        _check(_matches(_ELEMENT_NAME, self.name), "name", "must be a name of up to 32 letters, digits, '_' or '-'")
        _check(self.direction in ("in", "out"), "direction", "must be 'in' or 'out'")
        _check(
            _matches(_ELEMENT_NAME, self.relatedStateVariable),
            "relatedStateVariable",
            "must name a state variable",
        )


@dataclass(frozen=True)
class Action:
    """
    An action a control point may invoke on a service.
    """

    name: str
    arguments: tuple[Argument, ...] = ()

    def __post_init__(self) -> None:
        _check(_matches(_ELEMENT_NAME, self.name), "name", "must be a name of up to 32 letters, digits, '_' or '-'")
        _checkEach(self.arguments, "arguments", Argument)
        names = [argument.name for argument in self.arguments]
        _check(len(names) == len(set(names)), "arguments", "argument names must be unique")


@dataclass(frozen=True)
class AllowedValueRange:
    """
    The allowed range of a numeric state variable.
    """

    minimum: str
    maximum: str
    step: str | None = None

    def __post_init__(self) -> None:
        for attribute in ("minimum", "maximum", "step"):
            _checkText(getattr(self, attribute), attribute, 32, required=attribute != "step")


@dataclass(frozen=True)
class StateVariable:
    """
    A state variable of a service.

    @ivar maximumRate: event moderation (UDA 1.1 §4.3): at most one event
        of this variable per this many seconds; L{None} for no limit.
    @ivar minimumDelta: event moderation of a number: changes smaller than
        this are held back; L{None} for none.  Neither appears in the SCPD.
    """

    name: str
    dataType: str
    sendEvents: bool = False
    multicast: bool = False
    defaultValue: str | None = None
    allowedValues: tuple[str, ...] = ()
    allowedValueRange: AllowedValueRange | None = None
    maximumRate: float | None = None
    minimumDelta: float | None = None

    def __post_init__(self) -> None:
        _check(_matches(_ELEMENT_NAME, self.name), "name", "must be a name of up to 32 letters, digits, '_' or '-'")
        for attribute in ("maximumRate", "minimumDelta"):
            value = getattr(self, attribute)
            _check(
                value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e9),
                attribute,
                "must be a number of seconds above 0" if attribute == "maximumRate" else "must be a number above 0",
            )
        _check(
            self.minimumDelta is None or self.dataType in INTEGER_RANGES or self.dataType in ("r4", "r8", "number", "float", "fixed.14.4"),
            "minimumDelta",
            "only numbers have a minimum delta",
        )
        problem = dataTypeProblem(self.dataType)
        if problem is not None:
            raise DeviceError("dataType", problem)
        _check(isinstance(self.sendEvents, bool), "sendEvents", "must be true or false")
        _check(isinstance(self.multicast, bool), "multicast", "must be true or false")
        if self.defaultValue is not None:
            _check(isinstance(self.defaultValue, str), "defaultValue", "must be a string")
            _check(
                not any(ord(c) < 0x20 and c not in "\t\r\n" for c in self.defaultValue),
                "defaultValue",
                "must not contain control characters",
            )
        _check(isinstance(self.allowedValues, tuple), "allowedValues", "must be a tuple")
        for index, value in enumerate(self.allowedValues):
            _checkText(value, f"allowedValues[{index}]", 32)
        _check(
            not (self.allowedValues and self.allowedValueRange),
            "allowedValueRange",
            "a state variable has allowed values or an allowed range, not both",
        )
        if self.allowedValues:
            _check(hasValueList(self.dataType), "allowedValues", "only string variables have a list of allowed values")


@dataclass(frozen=True)
class Service:
    """
    A service of a device: its type, id, actions and state variables.

    @ivar implementation: what runs the service when it is hosted (its
        state and action handlers), or L{None} for a default one built by
        the host.  It is not part of the description: equal services with
        different implementations compare equal.
    @ivar bindings: what the actions of a device file do (see
        L{coherence_lite.model.bindings}); not described, not compared.
    """

    serviceType: str
    serviceId: str
    actions: tuple[Action, ...] = ()
    stateVariables: tuple[StateVariable, ...] = ()
    implementation: "ServiceRuntime | None" = field(default=None, compare=False, repr=False)
    bindings: "tuple[ActionBinding, ...]" = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        urn = parseURN(self.serviceType)
        _check(
            urn is not None and urn.kind == "service",
            "serviceType",
            f"{self.serviceType!r} is not a service type like urn:schemas-upnp-org:service:SwitchPower:1",
        )
        _check(
            _matches(_SERVICE_ID, self.serviceId),
            "serviceId",
            f"{self.serviceId!r} is not a service id like urn:upnp-org:serviceId:SwitchPower",
        )
        _checkEach(self.actions, "actions", Action)
        _checkEach(self.stateVariables, "stateVariables", StateVariable)
        variables = [variable.name for variable in self.stateVariables]
        _check(len(variables) == len(set(variables)), "stateVariables", "state variable names must be unique")
        actions = [action.name for action in self.actions]
        _check(len(actions) == len(set(actions)), "actions", "action names must be unique")
        known = set(variables)
        for actionIndex, action in enumerate(self.actions):
            for argumentIndex, argument in enumerate(action.arguments):
                _check(
                    argument.relatedStateVariable in known,
                    f"actions[{actionIndex}].arguments[{argumentIndex}].relatedStateVariable",
                    f"names {argument.relatedStateVariable!r}, which is not a state variable of this service",
                )

    @property
    def type(self) -> URN:
        """
        The parsed service type.
        """
        urn = parseURN(self.serviceType)
        assert urn is not None
        return urn

    @property
    def shortId(self) -> str:
        """
        The last part of the service id (C{SwitchPower} for
        C{urn:upnp-org:serviceId:SwitchPower}), used in this service's URLs.
        """
        return self.serviceId.rsplit(":", 1)[1]


@dataclass(frozen=True)
class Device:
    """
    A UPnP device: a root device, or a device embedded in another.

    Field names are the element names of the device description.
    C{presentationURL} of L{None} means the host's own presentation page.
    """

    deviceType: str
    friendlyName: str
    manufacturer: str
    modelName: str
    UDN: str
    manufacturerURL: str | None = None
    modelDescription: str | None = None
    modelNumber: str | None = None
    modelURL: str | None = None
    serialNumber: str | None = None
    UPC: str | None = None
    icons: tuple[Icon, ...] = ()
    services: tuple[Service, ...] = ()
    devices: tuple["Device", ...] = ()
    presentationURL: str | None = None

    def __post_init__(self) -> None:
        urn = parseURN(self.deviceType)
        _check(
            urn is not None and urn.kind == "device",
            "deviceType",
            f"{self.deviceType!r} is not a device type like urn:schemas-upnp-org:device:Basic:1",
        )
        _checkText(self.friendlyName, "friendlyName", 64)
        _checkText(self.manufacturer, "manufacturer", 64)
        _checkText(self.modelName, "modelName", 32)
        _checkText(self.modelDescription, "modelDescription", 128, required=False)
        _checkText(self.modelNumber, "modelNumber", 32, required=False)
        _checkText(self.serialNumber, "serialNumber", 64, required=False)
        _check(
            _matches(_UDN, self.UDN),
            "UDN",
            f"{self.UDN!r} is not 'uuid:' followed by an RFC 4122 UUID",
        )
        if self.UPC is not None:
            _check(
                _matches(_UPC, self.UPC),
                "UPC",
                "must be the 12-digit Universal Product Code",
            )
        for attribute in ("manufacturerURL", "modelURL", "presentationURL"):
            _checkURL(getattr(self, attribute), attribute)
        _checkEach(self.icons, "icons", Icon)
        _checkEach(self.services, "services", Service)
        _checkEach(self.devices, "devices", Device)
        iconNames = [icon.name for icon in self.icons]
        _check(len(iconNames) == len(set(iconNames)), "icons", "icon names must be unique")
        serviceIds = [service.shortId for service in self.services]
        _check(len(serviceIds) == len(set(serviceIds)), "services", "service ids must be unique within a device")
        udns = [device.UDN.lower() for device in self.allDevices()]
        _check(len(udns) == len(set(udns)), "devices", "every device in a tree needs its own UDN")

    @property
    def type(self) -> URN:
        """
        The parsed device type.
        """
        urn = parseURN(self.deviceType)
        assert urn is not None
        return urn

    @property
    def uuid(self) -> str:
        """
        The UDN without its C{uuid:} prefix, as used in URL paths.
        """
        return self.UDN[len("uuid:"):]

    def allDevices(self) -> Iterator["Device"]:
        """
        This device and every device embedded in it, depth first, this one
        first.
        """
        yield self
        for device in self.devices:
            yield from device.allDevices()
