# -*- test-case-name: tests.test_exports -*-
"""
coherence-lite: a Twisted UPnP device host in the Coherence lineage.

The package makes a machine appear on the local network as a UPnP root device:
it answers SSDP searches, announces itself, and serves its description over
HTTP.  Run it as C{twistd -n upnp-device}, or build a L{UPnPDeviceService}
yourself (see C{upnp-device.tac}).

What a library user imports comes from here (and, for code written against
Coherence, from L{coherence_lite.compat}); every other module may move
without notice:

  - the device model: L{Device}, L{Service}, L{Action}, L{Argument},
    L{StateVariable}, L{AllowedValueRange}, L{Icon}, L{DeviceError},
    L{defaultIcons};
  - device files: L{loadDevice} (a L{DeviceFile}: the device and its
    bindings), L{ConfigError};
  - hosting: L{UPnPDeviceService}, L{HostSettings}, L{StartupError}; and to
    serve the documents with a web server of your own: L{buildDocuments},
    L{makeSite}, L{descriptionPath};
  - services written in Python: L{ServiceBackend}, L{stateVariable},
    L{action}, L{UPnPError}; L{hosted} pairs a device with them (a
    L{Hosted}); the standard L{SwitchPower} and L{Dimming} services;
  - finding devices: L{ControlPoint}; driving them: L{parseSCPD},
    L{SOAPClient}, L{SOAPError}, L{Subscriber}, L{SubscribeError}.

The names are loaded when first used, so importing the pure device model
(C{coherence_lite.model.device}) loads no reactor.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from coherence_lite._version import __version__

#: Where each public name is defined.
_LOCATIONS = {
    "Action": "coherence_lite.model.device",
    "AllowedValueRange": "coherence_lite.model.device",
    "Argument": "coherence_lite.model.device",
    "ConfigError": "coherence_lite.model.devicefile",
    "ControlPoint": "coherence_lite.controlpoint.discovery",
    "SOAPClient": "coherence_lite.controlpoint.soap",
    "SOAPError": "coherence_lite.controlpoint.soap",
    "SubscribeError": "coherence_lite.controlpoint.gena",
    "Subscriber": "coherence_lite.controlpoint.subscriber",
    "parseSCPD": "coherence_lite.controlpoint.scpd",
    "ServiceBackend": "coherence_lite.backend.declare",
    "Dimming": "coherence_lite.profiles.dimming",
    "SwitchPower": "coherence_lite.profiles.switchpower",
    "DeviceFile": "coherence_lite.model.devicefile",
    "Hosted": "coherence_lite.backend.hosted",
    "hosted": "coherence_lite.backend.hosted",
    "UPnPError": "coherence_lite.errors",
    "action": "coherence_lite.backend.declare",
    "stateVariable": "coherence_lite.backend.declare",
    "Device": "coherence_lite.model.device",
    "DeviceError": "coherence_lite.model.device",
    "HostSettings": "coherence_lite.host.settings",
    "Icon": "coherence_lite.model.device",
    "Service": "coherence_lite.model.device",
    "StartupError": "coherence_lite.errors",
    "StateVariable": "coherence_lite.model.device",
    "UPnPDeviceService": "coherence_lite.host.service",
    "buildDocuments": "coherence_lite.model.description",
    "defaultIcons": "coherence_lite.model.defaults",
    "descriptionPath": "coherence_lite.model.layout",
    "loadDevice": "coherence_lite.model.devicefile",
    "makeSite": "coherence_lite.host.site",
}

__all__ = ["__version__", *sorted(_LOCATIONS)]

if TYPE_CHECKING:
    from coherence_lite.backend.hosted import Hosted, hosted
    from coherence_lite.backend.declare import ServiceBackend, action, stateVariable
    from coherence_lite.controlpoint.discovery import ControlPoint
    from coherence_lite.controlpoint.gena import SubscribeError
    from coherence_lite.controlpoint.scpd import parseSCPD
    from coherence_lite.controlpoint.soap import SOAPClient, SOAPError
    from coherence_lite.controlpoint.subscriber import Subscriber
    from coherence_lite.errors import StartupError, UPnPError
    from coherence_lite.host.service import UPnPDeviceService
    from coherence_lite.host.settings import HostSettings
    from coherence_lite.host.site import makeSite
    from coherence_lite.model.defaults import defaultIcons
    from coherence_lite.model.description import buildDocuments
    from coherence_lite.model.device import (
        Action,
        AllowedValueRange,
        Argument,
        Device,
        DeviceError,
        Icon,
        Service,
        StateVariable,
    )
    from coherence_lite.model.devicefile import ConfigError, DeviceFile, loadDevice
    from coherence_lite.model.layout import descriptionPath
    from coherence_lite.profiles.dimming import Dimming
    from coherence_lite.profiles.switchpower import SwitchPower


def __getattr__(name: str) -> object:
    """
    Load a public name from its module when it is first asked for (PEP 562).

    @raise AttributeError: C{name} is not public.
    """
    location = _LOCATIONS.get(name)
    if location is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(location), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
