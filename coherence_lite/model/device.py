# -*- test-case-name: tests.model.test_device -*-
"""
The UPnP device model: frozen, validated data.

A L{Device} tree (a root device, its services, icons and embedded devices) is
everything the rest of the package needs to describe, announce and serve a
device.  Objects are immutable; building one with a value UDA 1.1 forbids
raises L{DeviceError} naming the field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from coherence_lite.model.extension import Extension
from coherence_lite.model.rules import (
    ELEMENT_NAME,
    ICON_NAME,
    IMAGE_TYPE,
    SERVICE_ID,
    UDN_PATTERN,
    UPC_PATTERN,
    LOCAL,
    REMOTE,
    URN,
    DeviceError,
    check,
    checkEach,
    checkText,
    checkURL,
    matches,
    parseURN,
    stableUDN,
)
from coherence_lite.model.types import dataTypeProblem, hasValueList, isNumeric

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
    "Extension",
    "stableUDN",
]


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
        check(
            matches(IMAGE_TYPE, self.mimetype),
            "mimetype",
            "must be an image MIME type such as image/png",
        )
        for attribute in ("width", "height", "depth"):
            value = getattr(self, attribute)
            check(
                isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 4096,
                attribute,
                "must be a whole number from 1 to 4096",
            )
        check(isinstance(self.data, bytes) and len(self.data) > 0, "data", "must be non-empty bytes")
        if not self.name:
            extension = self.mimetype.split("/", 1)[1].split("+")[0]
            object.__setattr__(self, "name", f"icon-{self.width}x{self.height}x{self.depth}.{extension}")
        check(
            matches(ICON_NAME, self.name),
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
        check(matches(ELEMENT_NAME, self.name), "name", "must be a name of up to 32 letters, digits, '_' or '-'")
        check(self.direction in ("in", "out"), "direction", "must be 'in' or 'out'")
        check(
            matches(ELEMENT_NAME, self.relatedStateVariable),
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
        check(matches(ELEMENT_NAME, self.name), "name", "must be a name of up to 32 letters, digits, '_' or '-'")
        checkEach(self.arguments, "arguments", Argument)
        names = [argument.name for argument in self.arguments]
        check(len(names) == len(set(names)), "arguments", "argument names must be unique")


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
            checkText(getattr(self, attribute), attribute, 32, required=attribute != "step")


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
        check(matches(ELEMENT_NAME, self.name), "name", "must be a name of up to 32 letters, digits, '_' or '-'")
        for attribute in ("maximumRate", "minimumDelta"):
            value = getattr(self, attribute)
            check(
                value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e9),
                attribute,
                "must be a number of seconds above 0" if attribute == "maximumRate" else "must be a number above 0",
            )
        check(
            self.minimumDelta is None or isNumeric(self.dataType),
            "minimumDelta",
            "only numbers have a minimum delta",
        )
        problem = dataTypeProblem(self.dataType)
        if problem is not None:
            raise DeviceError("dataType", problem)
        check(isinstance(self.sendEvents, bool), "sendEvents", "must be true or false")
        check(isinstance(self.multicast, bool), "multicast", "must be true or false")
        if self.defaultValue is not None:
            check(isinstance(self.defaultValue, str), "defaultValue", "must be a string")
            check(
                not any(ord(c) < 0x20 and c not in "\t\r\n" for c in self.defaultValue),
                "defaultValue",
                "must not contain control characters",
            )
        check(isinstance(self.allowedValues, tuple), "allowedValues", "must be a tuple")
        for index, value in enumerate(self.allowedValues):
            checkText(value, f"allowedValues[{index}]", 32)
        check(
            not (self.allowedValues and self.allowedValueRange),
            "allowedValueRange",
            "a state variable has allowed values or an allowed range, not both",
        )
        if self.allowedValues:
            check(hasValueList(self.dataType), "allowedValues", "only string variables have a list of allowed values")


@dataclass(frozen=True)
class Service:
    """
    A service of a device: its type, id, actions and state variables.

    What runs it when it is hosted is paired with it outside the model (see
    L{coherence_lite.backend.hosted}).
    """

    serviceType: str
    serviceId: str
    actions: tuple[Action, ...] = ()
    stateVariables: tuple[StateVariable, ...] = ()

    def __post_init__(self) -> None:
        urn = parseURN(self.serviceType)
        check(
            urn is not None and urn.kind == "service",
            "serviceType",
            f"{self.serviceType!r} is not a service type like urn:schemas-upnp-org:service:SwitchPower:1",
        )
        check(
            matches(SERVICE_ID, self.serviceId),
            "serviceId",
            f"{self.serviceId!r} is not a service id like urn:upnp-org:serviceId:SwitchPower",
        )
        checkEach(self.actions, "actions", Action)
        checkEach(self.stateVariables, "stateVariables", StateVariable)
        variables = [variable.name for variable in self.stateVariables]
        check(len(variables) == len(set(variables)), "stateVariables", "state variable names must be unique")
        actions = [action.name for action in self.actions]
        check(len(actions) == len(set(actions)), "actions", "action names must be unique")
        known = set(variables)
        for actionIndex, action in enumerate(self.actions):
            for argumentIndex, argument in enumerate(action.arguments):
                check(
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
    C{presentationURL} of L{None} means the host's own presentation page;
    C{extensions} are vendor elements written after the UDA ones.
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
    extensions: tuple[Extension, ...] = ()

    def __post_init__(self) -> None:
        urn = parseURN(self.deviceType)
        check(
            urn is not None and urn.kind == "device",
            "deviceType",
            f"{self.deviceType!r} is not a device type like urn:schemas-upnp-org:device:Basic:1",
        )
        checkText(self.friendlyName, "friendlyName", 64)
        checkText(self.manufacturer, "manufacturer", 64)
        checkText(self.modelName, "modelName", 32)
        checkText(self.modelDescription, "modelDescription", 128, required=False)
        checkText(self.modelNumber, "modelNumber", 32, required=False)
        checkText(self.serialNumber, "serialNumber", 64, required=False)
        check(
            matches(UDN_PATTERN, self.UDN),
            "UDN",
            f"{self.UDN!r} is not 'uuid:' followed by an RFC 4122 UUID",
        )
        if self.UPC is not None:
            check(
                matches(UPC_PATTERN, self.UPC),
                "UPC",
                "must be the 12-digit Universal Product Code",
            )
        for attribute in ("manufacturerURL", "modelURL", "presentationURL"):
            checkURL(getattr(self, attribute), attribute)
        checkEach(self.icons, "icons", Icon)
        checkEach(self.services, "services", Service)
        checkEach(self.devices, "devices", Device)
        checkEach(self.extensions, "extensions", Extension)
        iconNames = [icon.name for icon in self.icons]
        check(len(iconNames) == len(set(iconNames)), "icons", "icon names must be unique")
        serviceIds = [service.shortId for service in self.services]
        check(len(serviceIds) == len(set(serviceIds)), "services", "service ids must be unique within a device")
        udns = [device.UDN.lower() for device in self.allDevices()]
        check(len(udns) == len(set(udns)), "devices", "every device in a tree needs its own UDN")

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
