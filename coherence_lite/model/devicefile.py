# -*- test-case-name: tests.model.test_devicefile,tests.model.test_devicefile_errors -*-
"""
Device files: a UPnP device tree described in TOML.

A device file describes one root device: its identity, icons, services and
embedded devices, with keys named as the elements of the UPnP device
description.  L{loadDevice} reads one into a validated
L{coherence_lite.model.device.Device}; anything wrong in it is a
L{ConfigError} naming the file, the dotted key and the reason.

The format, with every key, is documented in C{docs/device-files.md}; the
generic TOML reading is L{coherence_lite.model._toml}'s.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from typing import Callable, Mapping, NamedTuple, Sequence, TypeVar

from coherence_lite.model._toml import Table, describe, parseTOML
from coherence_lite.model.bindings import BINDING_KEYS, ActionBinding, Bindings, bindingOf
from coherence_lite.model.defaults import defaultIcons
from coherence_lite.model.device import (
    Action,
    AllowedValueRange,
    Argument,
    Device,
    DeviceError,
    Icon,
    Service,
    StateVariable,
    stableUDN,
)
from coherence_lite.model.iconfiles import (
    KNOWN_EXTENSIONS,
    IconFileError,
    iconMimetype,
    readIconFile,
)

__all__ = ["ConfigError", "DeviceFile", "loadDevice", "deviceFromMapping"]

_T = TypeVar("_T")

#: The keys of each table, in the order of the description's elements.
_DEVICE_TEXT = (
    "deviceType", "friendlyName", "manufacturer", "manufacturerURL", "modelDescription", "modelName",
    "modelNumber", "modelURL", "serialNumber", "UPC", "UDN", "presentationURL",
)
_DEVICE_REQUIRED = frozenset({"deviceType", "friendlyName", "manufacturer", "modelName"})
_DEVICE_KEYS = _DEVICE_TEXT + ("defaultIcons", "icon", "service", "device")
_ICON_KEYS = ("file", "mimetype", "width", "height", "depth", "name")
_SERVICE_KEYS = ("serviceType", "serviceId", "action", "stateVariable")
_ACTION_KEYS = ("name", "argument", *BINDING_KEYS)
_ARGUMENT_KEYS = ("name", "direction", "relatedStateVariable")
_VARIABLE_KEYS = (
    "name", "dataType", "sendEvents", "multicast", "defaultValue", "allowedValues", "allowedValueRange",
)
_RANGE_KEYS = ("minimum", "maximum", "step")

_SERVICE_URLS = "coherence-lite chooses SCPDURL, controlURL and eventSubURL itself"

#: What to say about description elements a device file cannot set.
_NOT_CONFIGURABLE = {
    "scpdurl": _SERVICE_URLS,
    "controlurl": _SERVICE_URLS,
    "eventsuburl": _SERVICE_URLS,
    "urlbase": "URLBase is deprecated since UPnP 1.1 and never sent",
    "url": "coherence-lite serves icons itself; name the image with 'file'",
}

#: Model field names (L{DeviceError.field}) and the device file keys for them.
_MODEL_TO_KEY = {
    "icons": "icon",
    "services": "service",
    "devices": "device",
    "actions": "action",
    "arguments": "argument",
    "stateVariables": "stateVariable",
    "data": "file",
}


class ConfigError(Exception):
    """
    A device file cannot be used.

    @ivar path: the device file, as given.
    @ivar key: the dotted key of the offending value, such as
        C{device.service[1].action[0].argument[2].direction}; C{""} when
        the problem is the whole file (unreadable, not UTF-8, not TOML).
    @ivar reason: what is wrong, in words a user can act on.
    """

    def __init__(self, path: str, key: str, reason: str) -> None:
        super().__init__(path, key, reason)
        self.path = path
        self.key = key
        self.reason = reason

    def __str__(self) -> str:
        if self.key:
            return f"{self.path}: {self.key}: {self.reason}"
        return f"{self.path}: {self.reason}"


class DeviceFile(NamedTuple):
    """
    What a device file says: its root device, and what its actions do.

    @ivar device: the root device.
    @ivar bindings: the action bindings of its services (see
        L{coherence_lite.model.bindings}), by (device UDN, serviceId).
    """

    device: Device
    bindings: Bindings

    def withDevice(self, device: Device) -> DeviceFile:
        """
        The same file for a copy of its device with other UDNs or names
        (the same tree of devices and services): each binding follows its
        device.
        """
        udns = {old.UDN: new.UDN for old, new in zip(self.device.allDevices(), device.allDevices())}
        return DeviceFile(device, {(udns[udn], serviceId): each for (udn, serviceId), each in self.bindings.items()})


def loadDevice(path: str | os.PathLike[str], *, hostname: str | None = None) -> DeviceFile:
    """
    Read a device file.

    @param path: the TOML device file (see C{docs/device-files.md}).
    @param hostname: the host name that derived UDNs depend on; L{None} for
        this machine's (L{platform.node}).
    @return: the root device the file describes, and its bindings.
    @raise ConfigError: for any problem with the file or its content.
    """
    name = os.fsdecode(path)
    try:
        with open(name, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError(name, "", f"cannot read the device file: {e.strerror or e}") from e
    data = parseTOML(raw, lambda reason: ConfigError(name, "", reason))
    return deviceFromMapping(data, name, hostname=hostname)


def deviceFromMapping(data: Mapping[str, object], path: str, hostname: str | None = None) -> DeviceFile:
    """
    Build a device from a parsed device file.

    @param data: the parsed TOML document (a mapping with a C{"device"}
        table).
    @param path: the file the data came from: named in errors, and the
        folder of icon files is taken from it.
    @param hostname: the host name that derived UDNs depend on; L{None} for
        this machine's (L{platform.node}).
    @return: the root device, and its bindings.
    @raise ConfigError: for any problem with the content.
    """
    if hostname is None:
        hostname = platform.node()
    context = _Context(path, os.path.dirname(path), hostname)
    if not isinstance(data, Mapping):
        raise context.error("", f"must be a TOML document (a table), not {describe(data)}")
    document = Table(context, "", data, ("device",))
    root = document.table("device", _DEVICE_KEYS)
    if root is None:
        raise context.error(
            "device",
            "is missing: a device file describes its root device in a [device] table",
        )
    device = _device(root, None)
    return DeviceFile(device, dict(context.bindings))


@dataclass
class _Context:
    """
    What the readers of one device file share.

    @ivar udns: the UDNs given so far (lower case) and the keys they came from.
    @ivar bindings: the bindings read so far, by (device UDN, serviceId).
    """

    path: str
    folder: str
    hostname: str
    udns: dict[str, str] = field(default_factory=dict)
    bindings: dict[tuple[str, str], tuple[ActionBinding, ...]] = field(default_factory=dict)

    def error(self, key: str, reason: str) -> ConfigError:
        """
        The error for the value at C{key} of this file.
        """
        return ConfigError(self.path, key, reason)

    def unsettable(self, name: str) -> str | None:
        """
        Why a description element a device file cannot set is left out.
        """
        return _NOT_CONFIGURABLE.get(name)


_Table = Table[_Context]


def _build(table: _Table, factory: Callable[..., _T], **fields: object) -> _T:
    """
    Call a model constructor, turning its L{DeviceError} into a
    L{ConfigError} for the matching key of C{table}.
    """
    try:
        return factory(**fields)
    except DeviceError as e:
        raise table.reader.error(table.subKey(_modelFieldToKey(e.field)), e.reason) from e


def _modelFieldToKey(fieldName: str) -> str:
    """
    Spell a L{DeviceError.field} (C{actions[0].arguments[1].name}) as a
    device file key (C{action[0].argument[1].name}).
    """
    parts = []
    for part in fieldName.split("."):
        name, bracket, rest = part.partition("[")
        parts.append(_MODEL_TO_KEY.get(name, name) + bracket + rest)
    return ".".join(parts)


def _requireUnique(context: _Context, entries: Sequence[tuple[str, str]], reason: str) -> None:
    """
    Fail on the second of two entries with the same value.

    @param entries: (key, value) pairs.
    @param reason: a format string with C{{value}} and C{{other}} (the key of
        the first entry with that value).
    """
    seen: dict[str, str] = {}
    for key, value in entries:
        if value in seen:
            raise context.error(key, reason.format(value=value, other=seen[value]))
        seen[value] = key


def _device(table: _Table, parentUDN: str | None) -> Device:
    """
    Read a C{[device]} or C{[[device.device]]} table.
    """
    fields = {
        name: table.text(name, required=name in _DEVICE_REQUIRED) for name in _DEVICE_TEXT
    }
    udn = fields["UDN"] = _udn(table, fields, parentUDN)
    icons = _icons(table)
    services = tuple(_service(service, udn) for service in table.tables("service", _SERVICE_KEYS))
    _requireUnique(
        table.reader,
        [(f"{table.keyOf('service', i)}.serviceId", s.shortId) for i, s in enumerate(services)],
        "ends in {value!r} like {other}: service ids must differ in their last part "
        "within a device",
    )
    devices = tuple(
        _device(child, fields["UDN"]) for child in table.tables("device", _DEVICE_KEYS)
    )
    return _build(table, Device, icons=icons, services=services, devices=devices, **fields)


def _udn(table: _Table, fields: Mapping[str, str | None], parentUDN: str | None) -> str:
    """
    The given or derived UDN of a device, unique in its tree.
    """
    udn = fields["UDN"]
    key = table.keyOf("UDN")
    if udn is None:
        seed = table.reader.hostname if parentUDN is None else parentUDN
        udn = stableUDN(seed, fields["friendlyName"] or "", fields["deviceType"] or "")
        reason = (
            "the UDN derived from the host (or parent), friendlyName and deviceType is "
            "{other}'s too: give the devices different friendlyNames or write their UDNs out"
        )
    else:
        reason = "{value!r} is already the UDN of {other}: every device needs its own UDN"
    seen = table.reader.udns
    if udn.lower() in seen:
        raise table.reader.error(key, reason.format(value=udn, other=seen[udn.lower()]))
    seen[udn.lower()] = table.key
    return udn


def _icons(table: _Table) -> tuple[Icon, ...]:
    """
    The icons of a device: the given ones, else the default ones unless
    C{defaultIcons = false}.
    """
    useDefault = table.boolean("defaultIcons", True)
    icons = tuple(_icon(icon) for icon in table.tables("icon", _ICON_KEYS))
    _requireUnique(
        table.reader,
        [(table.keyOf("icon", i), icon.name) for i, icon in enumerate(icons)],
        "would be served as {value!r} like {other}: set a different name for one of them",
    )
    if icons or not useDefault:
        return icons
    return defaultIcons()


def _icon(table: _Table) -> Icon:
    """
    Read a C{[[device.icon]]} table and its image file.
    """
    fileName = table.text("file", required=True)
    assert fileName is not None
    mimetype = table.text("mimetype")
    if mimetype is None:
        mimetype = iconMimetype(fileName)
        if mimetype is None:
            extension = os.path.splitext(fileName)[1].lower()
            raise table.error(
                "mimetype",
                f"is required: the type of {extension or 'a file without extension'!r} "
                f"is not known (only {', '.join(KNOWN_EXTENSIONS)} are)",
            )
    width, height, depth = (table.integer(name) for name in ("width", "height", "depth"))
    data = _readIcon(table, fileName, mimetype)
    return _build(
        table,
        Icon,
        mimetype=mimetype,
        width=width,
        height=height,
        depth=depth,
        data=data,
        name=table.text("name") or "",
    )


def _readIcon(table: _Table, fileName: str, mimetype: str) -> bytes:
    """
    Read an icon's image file, relative to the device file's folder.
    """
    try:
        return readIconFile(os.path.join(table.reader.folder, fileName), mimetype)
    except IconFileError as e:
        raise table.error("file", str(e)) from e


def _service(table: _Table, udn: str) -> Service:
    """
    Read a C{[[device.service]]} table of the device C{udn}, keeping its
    bindings in the context.
    """
    actionTables = table.tables("action", _ACTION_KEYS)
    actions = tuple(_action(action) for action in actionTables)
    variables = tuple(
        _stateVariable(variable) for variable in table.tables("stateVariable", _VARIABLE_KEYS)
    )
    _requireUnique(
        table.reader,
        [(table.keyOf("action", i) + ".name", a.name) for i, a in enumerate(actions)],
        "{value!r} is already the name of {other}: action names must be unique",
    )
    _requireUnique(
        table.reader,
        [(table.keyOf("stateVariable", i) + ".name", v.name) for i, v in enumerate(variables)],
        "{value!r} is already the name of {other}: state variable names must be unique",
    )
    service = _build(
        table,
        Service,
        serviceType=table.text("serviceType", required=True),
        serviceId=table.text("serviceId", required=True),
        actions=actions,
        stateVariables=variables,
    )
    where = table.reader.path + ": "
    bindings = (bindingOf(t, a, variables, where + t.key) for t, a in zip(actionTables, actions))
    bound = tuple(binding for binding in bindings if binding is not None)
    if bound:
        table.reader.bindings[(udn, service.serviceId)] = bound
    return service


def _action(table: _Table) -> Action:
    """
    Read a C{[[device.service.action]]} table.
    """
    name = table.text("name", required=True)
    arguments = tuple(
        _argument(argument) for argument in table.tables("argument", _ARGUMENT_KEYS)
    )
    _requireUnique(
        table.reader,
        [(table.keyOf("argument", i) + ".name", a.name) for i, a in enumerate(arguments)],
        "{value!r} is already the name of {other}: argument names must be unique",
    )
    return _build(table, Action, name=name, arguments=arguments)


def _argument(table: _Table) -> Argument:
    """
    Read a C{[[device.service.action.argument]]} table.
    """
    return _build(
        table,
        Argument,
        name=table.text("name", required=True),
        direction=table.text("direction", required=True),
        relatedStateVariable=table.text("relatedStateVariable", required=True),
    )


def _stateVariable(table: _Table) -> StateVariable:
    """
    Read a C{[[device.service.stateVariable]]} table.
    """
    rangeTable = table.table("allowedValueRange", _RANGE_KEYS)
    return _build(
        table,
        StateVariable,
        name=table.text("name", required=True),
        dataType=table.text("dataType", required=True),
        sendEvents=table.boolean("sendEvents", False),
        multicast=table.boolean("multicast", False),
        defaultValue=table.upnpValue("defaultValue", allowBoolean=True),
        allowedValues=table.strings("allowedValues"),
        allowedValueRange=None if rangeTable is None else _allowedValueRange(rangeTable),
    )


def _allowedValueRange(table: _Table) -> AllowedValueRange:
    """
    Read an C{allowedValueRange} table.
    """
    return _build(
        table,
        AllowedValueRange,
        minimum=table.upnpValue("minimum", allowBoolean=False, required=True),
        maximum=table.upnpValue("maximum", allowBoolean=False, required=True),
        step=table.upnpValue("step", allowBoolean=False),
    )
