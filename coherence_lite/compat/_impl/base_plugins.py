# -*- test-case-name: tests.compat.test_base -*-
"""
Which backends and device types a L{Coherence
<coherence_lite.compat.base.Coherence>} façade can host, and how it reads
the plugins of its configuration.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from twisted.logger import Logger

from coherence_lite.compat.basics import HostedDevice
from coherence_lite.compat.binary_light import BinaryLight
from coherence_lite.compat.dimmable_light import DimmableLight
from coherence_lite.compat.light import BetterLight, SimpleLight

__all__ = ["DEVICES", "BACKENDS", "backendClass", "pluginList"]

log = Logger()

#: The device types a backend's C{implements} may name.
DEVICES: dict[str, type[HostedDevice]] = {"BinaryLight": BinaryLight, "DimmableLight": DimmableLight}

#: The backends known by name.
BACKENDS: dict[str, type] = {"SimpleLight": SimpleLight, "BetterLight": BetterLight}


def backendClass(plugin: object) -> type | None:
    """
    The backend class a plugin names: a class as it is, a name of
    L{BACKENDS}, or C{package.module.Class} (or C{package.module:Class}).

    @return: the class, or L{None} (logged) when there is none.
    """
    if isinstance(plugin, type):
        return plugin
    if not isinstance(plugin, str):
        return None
    if plugin in BACKENDS:
        return BACKENDS[plugin]
    module, _, name = plugin.replace(":", ".").rpartition(".")
    if not module:
        return None
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        log.warn("Cannot load backend {plugin}: {error}", plugin=plugin, error=e)
        return None
    return found if isinstance(found, type) else None


def pluginList(config: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """
    The plugins a configuration enables, as Coherence read them: C{plugin}
    (one dict or a list of dicts, each with C{backend} and the backend's
    keys; C{active: no} skips one) or C{plugins} (backend name → dict of
    its keys).

    @return: (backend, keyword arguments) pairs, in order.
    """
    plugins = config.get("plugin")
    found: list[tuple[str, dict[str, Any]]] = []
    if plugins is not None:
        for entry in [plugins] if isinstance(plugins, Mapping) else list(plugins):
            if not isinstance(entry, Mapping) or "backend" not in entry:
                log.warn("Plugin entry without a backend ignored: {entry!r}", entry=entry)
                continue
            if str(entry.get("active", "yes")).lower() == "no":
                continue
            arguments = {str(k): v for k, v in entry.items() if k not in ("backend", "active")}
            found.append((str(entry["backend"]), arguments))
        return found
    named = config.get("plugins")
    if isinstance(named, Mapping):
        for name, arguments in named.items():
            found.append((str(name), dict(arguments) if isinstance(arguments, Mapping) else {}))
    return found
