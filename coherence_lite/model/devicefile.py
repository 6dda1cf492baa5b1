# -*- test-case-name: tests.test_config -*-
"""
Device files: a UPnP device tree described in TOML.

A device file describes one root device: its identity, icons, services and
embedded devices.  L{loadDevice} reads one into a validated
L{coherence_lite.model.device.Device}; anything wrong in it is a L{ConfigError}
naming the file, the key and the reason.

The format
==========

The file is UTF-8 TOML (https://toml.io) with a single top-level table,
`[device]`.  Keys are named exactly as the elements of the UPnP device
description; text values are TOML strings (quote numbers:
`modelNumber = "3000"`).  A small example::

    [device]
    deviceType = "urn:schemas-upnp-org:device:BinaryLight:1"
    friendlyName = "Porch light"
    manufacturer = "Example Ltd"
    modelName = "Light"

    [[device.service]]
    serviceType = "urn:schemas-upnp-org:service:SwitchPower:1"
    serviceId = "urn:upnp-org:serviceId:SwitchPower"

    [[device.service.action]]
    name = "GetStatus"

    [[device.service.action.argument]]
    name = "ResultStatus"
    direction = "out"
    relatedStateVariable = "Status"

    [[device.service.stateVariable]]
    name = "Status"
    dataType = "boolean"
    sendEvents = true
    defaultValue = false

Device keys (`[device]`, and each `[[device.device]]`)::

    deviceType        required  urn:<domain>:device:<type>:<version>
    friendlyName      required  the name users see, at most 64 characters
    manufacturer      required  at most 64 characters
    modelName         required  at most 32 characters
    UDN               optional  "uuid:" and an RFC 4122 UUID (see below)
    manufacturerURL   optional  URL
    modelDescription  optional  at most 128 characters
    modelNumber       optional  at most 32 characters
    modelURL          optional  URL
    serialNumber      optional  at most 64 characters
    UPC               optional  the 12-digit Universal Product Code
    presentationURL   optional  URL; when absent, coherence-lite's own page
    defaultIcons      optional  true or false, default true (see Icons)
    icon              optional  array of tables [[device.icon]]
    service           optional  array of tables [[device.service]]
    device            optional  array of tables [[device.device]]

UDN: leave it out and coherence-lite derives one that stays the same
across restarts: `stableUDN(hostname, friendlyName, deviceType)` for the
root device (the same UDN as the default device of that name and type), and
`stableUDN(parentUDN, friendlyName, deviceType)` for an embedded device.
Renaming a device, or moving the file to another host, changes a derived
UDN: write one out to pin it.  Every device in the tree needs its own UDN.

Icons (`[[device.icon]]`, one table per icon)::

    file      required  the image file, relative to the device file's folder
    width     required  pixels, 1 to 4096
    height    required  pixels, 1 to 4096
    depth     required  bits per pixel (32 for RGBA PNG, 24 for RGB)
    mimetype  optional  default from the file's extension:
                        .png image/png, .jpg/.jpeg image/jpeg, .gif image/gif
    name      optional  the file name in the icon's URL; default
                        icon-<width>x<height>x<depth>.<type>

A device with no `[[device.icon]]` table gets coherence-lite's default
icons (48x48 and 120x120 PNG); write `defaultIcons = false` to publish no
icon at all.  Given icons replace the default ones, never add to them.
Image files must be at most 1 MiB; PNG, JPEG and GIF files are checked to
be what their type says.

Services (`[[device.service]]`, one table per service)::

    serviceType    required  urn:<domain>:service:<type>:<version>
    serviceId      required  urn:<domain>:serviceId:<id>; the <id> part is
                             unique within a device and names the service's URLs
    action         optional  array of tables [[device.service.action]]
    stateVariable  optional  array of tables [[device.service.stateVariable]]

coherence-lite chooses SCPDURL, controlURL and eventSubURL itself.

Actions (`[[device.service.action]]`)::

    name      required  unique within the service
    argument  optional  array of tables [[device.service.action.argument]],
                        in the order of the action's signature

Arguments (`[[device.service.action.argument]]`)::

    name                  required  unique within the action
    direction             required  "in" or "out"
    relatedStateVariable  required  the name of a state variable of the service

State variables (`[[device.service.stateVariable]]`)::

    name               required  unique within the service
    dataType           required  a UPnP data type: ui1 ui2 ui4 ui8 i1 i2 i4 i8
                                 int r4 r8 number fixed.14.4 float char string
                                 date dateTime dateTime.tz time time.tz boolean
                                 bin.base64 bin.hex uri uuid
    sendEvents         optional  true or false, default false
    multicast          optional  true or false, default false
    defaultValue       optional  a string, or a TOML number or boolean written
                                 as UPnP does: 42 is "42", true is "1",
                                 false is "0"
    allowedValues      optional  array of strings (string variables only)
    allowedValueRange  optional  table { minimum, maximum, step }, each a number
                                 or a string; step is optional.  A variable has
                                 allowedValues or allowedValueRange, not both.

Embedded devices (`[[device.device]]`) take the device keys above, and
nest: their services are `[[device.device.service]]`, their own embedded
devices `[[device.device.device]]`, and so on.  As everywhere in TOML, a
`[[a.b]]` header adds to the *last* `[[a]]` defined above it, so write
each service's actions and state variables after its `[[device.service]]`
header and before the next one.

Errors
======

Every problem is a `ConfigError`.  Its key is the dotted path of the
offending value, counting array elements from 0, e.g.
`device.service[1].action[0].argument[2].direction`; its string form is
`"<file>: <key>: <reason>"`, or `"<file>: <reason>"` for problems with the
whole file (unreadable, not UTF-8, not TOML).  Unknown keys are errors too,
so that a misspelt key is never silently ignored.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import socket
import sys
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence, TypeVar

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

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

__all__ = ["ConfigError", "loadDevice", "deviceFromMapping"]

_T = TypeVar("_T")

_DEVICE_TEXT = (
    "deviceType",
    "friendlyName",
    "manufacturer",
    "manufacturerURL",
    "modelDescription",
    "modelName",
    "modelNumber",
    "modelURL",
    "serialNumber",
    "UPC",
    "UDN",
    "presentationURL",
)
_DEVICE_REQUIRED = frozenset({"deviceType", "friendlyName", "manufacturer", "modelName"})
_DEVICE_KEYS = _DEVICE_TEXT + ("defaultIcons", "icon", "service", "device")
_ICON_KEYS = ("file", "mimetype", "width", "height", "depth", "name")
_SERVICE_KEYS = ("serviceType", "serviceId", "action", "stateVariable")
_ACTION_KEYS = ("name", "argument")
_ARGUMENT_KEYS = ("name", "direction", "relatedStateVariable")
_VARIABLE_KEYS = (
    "name",
    "dataType",
    "sendEvents",
    "multicast",
    "defaultValue",
    "allowedValues",
    "allowedValueRange",
)
_RANGE_KEYS = ("minimum", "maximum", "step")

#: What to say about description elements a device file cannot set.
_NOT_CONFIGURABLE = {
    "scpdurl": "coherence-lite chooses SCPDURL, controlURL and eventSubURL itself",
    "controlurl": "coherence-lite chooses SCPDURL, controlURL and eventSubURL itself",
    "eventsuburl": "coherence-lite chooses SCPDURL, controlURL and eventSubURL itself",
    "urlbase": "URLBase is deprecated since UPnP 1.1 and never sent",
    "url": "coherence-lite serves icons itself; name the image with 'file'",
}

_MIMETYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
_MAX_ICON_BYTES = 1024 * 1024

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
_BARE_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")


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


def loadDevice(path: str | os.PathLike[str], *, hostname: str | None = None) -> Device:
    """
    Read a device file.

    @param path: the TOML device file (see the module documentation).
    @param hostname: the host name that derived UDNs depend on; L{None} for
        L{socket.gethostname}.
    @return: the root device the file describes.
    @raise ConfigError: for any problem with the file or its content.
    """
    name = os.fsdecode(path)
    return deviceFromMapping(_readTOML(name), name, hostname=hostname)


def deviceFromMapping(
    data: Mapping[str, object], path: str, hostname: str | None = None
) -> Device:
    """
    Build a device from a parsed device file.

    @param data: the parsed TOML document (a mapping with a C{"device"}
        table).
    @param path: the file the data came from: named in errors, and the
        folder of icon files is taken from it.
    @param hostname: the host name that derived UDNs depend on; L{None} for
        L{socket.gethostname}.
    @return: the root device.
    @raise ConfigError: for any problem with the content.
    """
    if hostname is None:
        hostname = socket.gethostname()
    context = _Context(path, os.path.dirname(path), hostname)
    if not isinstance(data, Mapping):
        raise context.error("", f"must be a TOML document (a table), not {_describe(data)}")
    document = _Table(context, "", data, ("device",))
    root = document.table("device", _DEVICE_KEYS)
    if root is None:
        raise context.error(
            "device",
            "is missing: a device file describes its root device in a [device] table",
        )
    return _device(root, None)


def _readTOML(path: str) -> Mapping[str, object]:
    """
    Read and parse a TOML file, turning every failure into a L{ConfigError}.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError(path, "", f"cannot read the device file: {e.strerror or e}") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ConfigError(
            path,
            "",
            f"is not UTF-8 text (byte 0x{raw[e.start]:02x} on line {line}); save it as UTF-8",
        ) from e
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, "", f"is not valid TOML: {e}") from e
    except RecursionError as e:
        raise ConfigError(path, "", "is not valid TOML: values are nested too deeply") from e


@dataclass
class _Context:
    """
    What the readers of one device file share.

    @ivar udns: the UDNs given so far (lower case) and the keys they came from.
    """

    path: str
    folder: str
    hostname: str
    udns: dict[str, str] = field(default_factory=dict)

    def error(self, key: str, reason: str) -> ConfigError:
        return ConfigError(self.path, key, reason)


class _Table:
    """
    One TOML table of a device file, read with type checks and errors that
    name the dotted key.
    """

    def __init__(
        self,
        context: _Context,
        key: str,
        data: Mapping[str, object],
        allowed: Sequence[str],
    ) -> None:
        self.context = context
        self.key = key
        self._data = data
        for name in data:
            if name not in allowed:
                raise context.error(self.keyOf(str(name)), _unknownKey(str(name), allowed))

    def keyOf(self, name: str, index: int | None = None) -> str:
        """
        The dotted key of a value of this table, or of one element of an
        array value.
        """
        part = name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)
        if index is not None:
            part += f"[{index}]"
        return self.subKey(part)

    def subKey(self, path: str) -> str:
        """
        The dotted key of C{path} (already spelt as a key) under this table.
        """
        return f"{self.key}.{path}" if self.key else path

    def error(self, name: str, reason: str, index: int | None = None) -> ConfigError:
        return self.context.error(self.keyOf(name, index), reason)

    def _get(self, name: str, required: bool) -> object:
        value = self._data.get(name)
        if value is None and required:
            raise self.error(name, "is required but missing")
        return value

    def text(self, name: str, required: bool = False) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            hint = ""
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                hint = f'; write it in quotes: {name} = "{value}"'
            raise self.error(name, f"must be a string, not {_describe(value)}{hint}")
        if not value.strip():
            advice = "" if required else "; leave the key out if it does not apply"
            raise self.error(name, f"must not be empty{advice}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            hint = ""
            if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
                hint = f" (write {name} = true or {name} = false, without quotes)"
            raise self.error(name, f"must be true or false, not {_describe(value)}{hint}")
        return value

    def integer(self, name: str) -> int:
        value = self._get(name, True)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(name, f"must be a whole number, not {_describe(value)}")
        return value

    def upnpValue(self, name: str, allowBoolean: bool, required: bool = False) -> str | None:
        """
        A string, or a number or boolean spelt as a UPnP value string.
        """
        value = self._get(name, required)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            if allowBoolean:
                return "1" if value else "0"
        elif isinstance(value, int):
            return str(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise self.error(name, f"must be a finite number, not {value}")
            return repr(value)
        expected = "a string, a number or a boolean" if allowBoolean else "a string or a number"
        raise self.error(name, f"must be {expected}, not {_describe(value)}")

    def strings(self, name: str) -> tuple[str, ...]:
        value = self._get(name, False)
        if value is None:
            return ()
        if not _isArray(value):
            raise self.error(name, f"must be an array of strings, not {_describe(value)}")
        assert isinstance(value, Sequence)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(name, f"must be a string, not {_describe(item)}", index)
        return tuple(value)

    def table(self, name: str, allowed: Sequence[str]) -> _Table | None:
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            hint = ""
            if _isArray(value):
                hint = f": write a single [{_header(self.keyOf(name))}] table"
            raise self.error(name, f"must be a table, not {_describe(value)}{hint}")
        return _Table(self.context, self.keyOf(name), value, allowed)

    def tables(self, name: str, allowed: Sequence[str]) -> list[_Table]:
        value = self._get(name, False)
        if value is None:
            return []
        if not _isArray(value):
            header = _header(self.keyOf(name))
            raise self.error(
                name,
                f"must be an array of tables, not {_describe(value)}: "
                f"start each one with [[{header}]] (double brackets)",
            )
        assert isinstance(value, Sequence)
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.error(name, f"must be a table, not {_describe(item)}", index)
            result.append(_Table(self.context, self.keyOf(name, index), item, allowed))
        return result

    def build(self, factory: Callable[..., _T], **fields: object) -> _T:
        """
        Call a model constructor, turning its L{DeviceError} into a
        L{ConfigError} for the matching key of this table.
        """
        try:
            return factory(**fields)
        except DeviceError as e:
            raise self.context.error(self.subKey(_modelFieldToKey(e.field)), e.reason) from e


def _header(key: str) -> str:
    """
    The TOML table header for a dotted key: C{device.device[0].service}
    is written C{device.device.service}.
    """
    return re.sub(r"\[\d+\]", "", key)


def _isArray(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _describe(value: object) -> str:
    """
    Name the TOML type of a value, for error messages.
    """
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a table"
    if _isArray(value):
        return "an array"
    if value is None:
        return "nothing"
    return "a date or time" if hasattr(value, "isoformat") else f"a {type(value).__name__}"


def _unknownKey(name: str, allowed: Sequence[str]) -> str:
    """
    Explain that C{name} is not a key of a table, suggesting the key meant.
    """
    explanation = _NOT_CONFIGURABLE.get(name.lower())
    if explanation is not None:
        return f"cannot be set: {explanation}"
    byLower = {key.lower(): key for key in allowed}
    close = difflib.get_close_matches(name.lower(), list(byLower), n=1, cutoff=0.75)
    guess = f"did you mean {byLower[close[0]]!r}? " if close else ""
    return f"unknown key; {guess}allowed keys here: {', '.join(allowed)}"


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
    fields["UDN"] = _udn(table, fields, parentUDN)
    icons = _icons(table)
    services = tuple(_service(service) for service in table.tables("service", _SERVICE_KEYS))
    _requireUnique(
        table.context,
        [(f"{table.keyOf('service', i)}.serviceId", s.shortId) for i, s in enumerate(services)],
        "ends in {value!r} like {other}: service ids must differ in their last part "
        "within a device",
    )
    devices = tuple(
        _device(child, fields["UDN"]) for child in table.tables("device", _DEVICE_KEYS)
    )
    return table.build(Device, icons=icons, services=services, devices=devices, **fields)


def _udn(table: _Table, fields: Mapping[str, str | None], parentUDN: str | None) -> str:
    """
    The given or derived UDN of a device, unique in its tree.
    """
    udn = fields["UDN"]
    key = table.keyOf("UDN")
    if udn is None:
        seed = table.context.hostname if parentUDN is None else parentUDN
        udn = stableUDN(seed, fields["friendlyName"] or "", fields["deviceType"] or "")
        reason = (
            "the UDN derived from the host (or parent), friendlyName and deviceType is "
            "{other}'s too: give the devices different friendlyNames or write their UDNs out"
        )
    else:
        reason = "{value!r} is already the UDN of {other}: every device needs its own UDN"
    seen = table.context.udns
    if udn.lower() in seen:
        raise table.context.error(key, reason.format(value=udn, other=seen[udn.lower()]))
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
        table.context,
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
        extension = os.path.splitext(fileName)[1].lower()
        mimetype = _MIMETYPES.get(extension)
        if mimetype is None:
            raise table.error(
                "mimetype",
                f"is required: the type of {extension or 'a file without extension'!r} "
                f"is not known (only {', '.join(_MIMETYPES)} are)",
            )
    width, height, depth = (table.integer(name) for name in ("width", "height", "depth"))
    data = _readIcon(table, fileName, mimetype)
    return table.build(
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
    path = os.path.join(table.context.folder, fileName)
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_ICON_BYTES + 1)
    except OSError as e:
        raise table.error("file", f"cannot read {path}: {e.strerror or e}") from e
    if not data:
        raise table.error("file", f"{path} is empty")
    if len(data) > _MAX_ICON_BYTES:
        raise table.error("file", f"{path} is larger than 1 MiB; icons should be small")
    magic = _MAGIC.get(mimetype)
    if magic is not None and not data.startswith(magic):
        raise table.error("file", f"{path} is not a {mimetype} image")
    return data


def _service(table: _Table) -> Service:
    """
    Read a C{[[device.service]]} table.
    """
    actions = tuple(_action(action) for action in table.tables("action", _ACTION_KEYS))
    variables = tuple(
        _stateVariable(variable) for variable in table.tables("stateVariable", _VARIABLE_KEYS)
    )
    _requireUnique(
        table.context,
        [(table.keyOf("action", i) + ".name", a.name) for i, a in enumerate(actions)],
        "{value!r} is already the name of {other}: action names must be unique",
    )
    _requireUnique(
        table.context,
        [(table.keyOf("stateVariable", i) + ".name", v.name) for i, v in enumerate(variables)],
        "{value!r} is already the name of {other}: state variable names must be unique",
    )
    return table.build(
        Service,
        serviceType=table.text("serviceType", required=True),
        serviceId=table.text("serviceId", required=True),
        actions=actions,
        stateVariables=variables,
    )


def _action(table: _Table) -> Action:
    """
    Read a C{[[device.service.action]]} table.
    """
    name = table.text("name", required=True)
    arguments = tuple(
        _argument(argument) for argument in table.tables("argument", _ARGUMENT_KEYS)
    )
    _requireUnique(
        table.context,
        [(table.keyOf("argument", i) + ".name", a.name) for i, a in enumerate(arguments)],
        "{value!r} is already the name of {other}: argument names must be unique",
    )
    return table.build(Action, name=name, arguments=arguments)


def _argument(table: _Table) -> Argument:
    """
    Read a C{[[device.service.action.argument]]} table.
    """
    return table.build(
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
    return table.build(
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
    return table.build(
        AllowedValueRange,
        minimum=table.upnpValue("minimum", allowBoolean=False, required=True),
        maximum=table.upnpValue("maximum", allowBoolean=False, required=True),
        step=table.upnpValue("step", allowBoolean=False),
    )
