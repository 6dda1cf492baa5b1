# -*- test-case-name: tests.media.test_coherenceconfig -*-
"""
Coherence's own configuration read as it is: its C{--plugin} option
(C{backend:FSStore,content:/a,content:/b,name:Den}), its config file in
both forms (XML and ConfigObj), and its FSStore plugin's keys turned into
the L{MediaRequest} of a MediaServer.

Coherence's FSStore read C{content} as comma lists of folders (relative
ones taken from the current folder), C{ignore_patterns} as regular
expressions any of which leaves out a name it matches from its start (dot
files are always left out), and C{enable_inotify} as C{yes} or C{no}; a
generated C{uuid} was written back to the file so the UDN stayed the same,
which a derived UDN does here without writing anything.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, Union

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from coherence_lite.errors import HostedDeviceError
from coherence_lite.media.request import MediaRequest
from coherence_lite.media.scanner import ignorePattern

__all__ = ["CoherenceConfigError", "Plugin", "fsstoreRequest", "parsePluginOption", "readConfigFile"]

#: A plugin's settings: each key's value, a list where a key is repeated.
Plugin = dict[str, Union[str, list[str], dict[str, Any]]]

#: The FSStore keys served; every other one is reported and ignored.
SUPPORTED = ("backend", "active", "content", "name", "uuid", "ignore_patterns", "enable_inotify")

#: How Coherence's C{yes}/C{no} values may be spelled.
_BOOLEANS = {"yes": True, "true": True, "on": True, "1": True, "no": False, "false": False, "off": False, "0": False}


class CoherenceConfigError(Exception):
    """
    A Coherence configuration that cannot be served: the message names the
    file or option, the plugin, the key and what is wrong.
    """


def parsePluginOption(text: str) -> Plugin:
    """
    One C{--plugin} value: comma-separated C{key:value} pairs, each split at
    its first colon; a key given again makes its values a list.

    @raise CoherenceConfigError: a pair without a colon or a key.
    """
    plugin: Plugin = {}
    for pair in text.split(","):
        if not pair.strip():
            continue
        key, colon, value = pair.partition(":")
        key = key.strip()
        if not colon or not key:
            raise CoherenceConfigError(f"--plugin: {pair.strip()!r} is not key:value (as in backend:FSStore,content:/srv/media)")
        _add(plugin, key, value.strip())
    if not plugin:
        raise CoherenceConfigError("--plugin: empty (as in backend:FSStore,content:/srv/media)")
    return plugin


def _add(plugin: Plugin, key: str, value: str) -> None:
    old = plugin.get(key)
    if old is None:
        plugin[key] = value
    elif isinstance(old, list):
        old.append(value)
    elif isinstance(old, str):
        plugin[key] = [old, value]


def readConfigFile(path: Path) -> list[Plugin]:
    """
    The active plugins of a Coherence config file: XML when it starts with
    C{<} (C{<config><plugin active="yes"><backend>...}), else ConfigObj
    (C{[plugins]} then a C{[[Name]]} section per plugin, its backend the
    C{backend} key or the section's name); C{active = no} skips one.

    @raise CoherenceConfigError: the file cannot be read or parsed (naming
        it, and the line where the parser says).
    """
    name = os.fsdecode(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CoherenceConfigError(f"{name}: cannot read the Coherence config file: {e.strerror or e}") from None
    if raw.lstrip().startswith(b"<"):
        plugins = _xmlPlugins(name, raw)
    else:
        plugins = _configObjPlugins(name, raw)
    return [plugin for plugin in plugins if _active(name, plugin)]


def _active(origin: str, plugin: Plugin) -> bool:
    value = plugin.get("active", "yes")
    flag = _BOOLEANS.get(value.strip().lower()) if isinstance(value, str) else None
    if flag is None:
        raise CoherenceConfigError(f"{origin}: {_label(plugin)}: active: {value!r} is not yes or no")
    return flag


def _xmlPlugins(name: str, raw: bytes) -> list[Plugin]:
    try:
        root = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException) as e:
        raise CoherenceConfigError(f"{name}: not a well-formed Coherence XML config: {e}") from None
    if root.tag != "config":
        raise CoherenceConfigError(f"{name}: the root element is <{root.tag}>, not Coherence's <config>")
    plugins = []
    for element in root.findall("plugin"):
        plugin: Plugin = {"active": element.get("active", "yes")}
        for child in element:
            if len(child):
                plugin[child.tag] = {grand.tag: (grand.text or "").strip() for grand in child}
            else:
                _add(plugin, child.tag, (child.text or "").strip())
        plugins.append(plugin)
    return plugins


def _configObjPlugins(name: str, raw: bytes) -> list[Plugin]:
    from configobj import ConfigObj, ConfigObjError

    try:
        config = ConfigObj(raw.decode("utf-8").splitlines(), interpolation=False, list_values=True)
    except UnicodeDecodeError as e:
        raise CoherenceConfigError(f"{name}: not UTF-8 text (byte {e.start})") from None
    except ConfigObjError as e:
        raise CoherenceConfigError(f"{name}: not a Coherence config file (XML or ConfigObj): {e}") from None
    section = config.get("plugins")
    if section is None:
        return []
    if not isinstance(section, Mapping):
        raise CoherenceConfigError(f"{name}: plugins: must be a [plugins] section of [[Name]] sections")
    plugins = []
    for title, entry in section.items():
        if not isinstance(entry, Mapping):
            raise CoherenceConfigError(f"{name}: plugins.{title}: must be a [[{title}]] section")
        plugin: Plugin = {"backend": title}
        plugin.update({str(key): value if isinstance(value, (str, list)) else dict(value) for key, value in entry.items()})
        plugins.append(plugin)
    return plugins


def _label(plugin: Mapping[str, Any]) -> str:
    return f"plugin {plugin.get('backend')!s}" if isinstance(plugin.get("backend"), str) else "plugin"


def fsstoreRequest(origin: str, plugin: Mapping[str, Any], note: Callable[[str], None]) -> MediaRequest:
    """
    The MediaServer an FSStore plugin asks for.

    @param origin: the option or file it came from, for messages and the
        derived UDN.
    @param note: given one line for each key that is not supported (the
        key is ignored).
    @raise CoherenceConfigError: another backend, or a wrong value (naming
        the origin, the plugin and the key).
    """
    backend = plugin.get("backend")
    where = f"{origin}: {_label(plugin)}"
    if backend is None:
        raise CoherenceConfigError(f"{origin}: plugin: backend: missing (as in backend:FSStore)")
    if backend != "FSStore":
        raise CoherenceConfigError(
            f"{where}: backend {backend!r} is not supported (coherence-lite serves Coherence's FSStore only)"
        )
    for key in plugin:
        if key not in SUPPORTED:
            note(f"{where}: FSStore key {key!r} is not supported; ignored")
    folders = [folder.strip() for value in _strings(where, "content", plugin.get("content", [])) for folder in value.split(",")]
    folders = [folder for folder in folders if folder]
    if not folders:
        raise CoherenceConfigError(f"{where}: content: names no folder (as in content:/srv/media)")
    name = _string(where, "name", plugin.get("name"))
    if name is not None and not (name.strip() and len(name) <= 64):
        raise CoherenceConfigError(f"{where}: name: {name!r} must be 1 to 64 characters")
    udn = _string(where, "uuid", plugin.get("uuid"))
    if udn is not None:
        try:
            udn = "uuid:" + str(uuid.UUID(udn.removeprefix("uuid:")))
        except ValueError:
            raise CoherenceConfigError(f"{where}: uuid: {udn!r} is not a UUID") from None
    patterns = tuple(_strings(where, "ignore_patterns", plugin.get("ignore_patterns", [])))
    try:
        ignorePattern(patterns)
    except re.error as e:
        raise CoherenceConfigError(f"{where}: ignore_patterns: not a regular expression: {e}") from None
    inotify = _string(where, "enable_inotify", plugin.get("enable_inotify")) or "yes"
    if inotify.strip().lower() not in _BOOLEANS:
        raise CoherenceConfigError(f"{where}: enable_inotify: {inotify!r} is not yes or no")
    try:
        request = MediaRequest.checked(origin, folders, name, udn)
    except HostedDeviceError as e:
        raise CoherenceConfigError(f"{where}: content: {e.reason}") from None
    return MediaRequest(request.origin, request.folders, name, udn, patterns, _BOOLEANS[inotify.strip().lower()])


def _strings(where: str, key: str, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(each, str) for each in values):
        raise CoherenceConfigError(f"{where}: {key}: must be text or a list of text")
    return values


def _string(where: str, key: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CoherenceConfigError(f"{where}: {key}: must be one value, not {value!r}")
