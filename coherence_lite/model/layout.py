# -*- test-case-name: tests.model.test_description -*-
"""
Where each document of a hosted device lives on its HTTP server.

One place decides the URL paths so that the description (which names them)
and the web resource tree (which serves them) cannot disagree.  The layout
follows Coherence's: everything of a device sits under C{/<uuid>/}, each
service under C{/<uuid>/<serviceId-short>/}.

    /<uuid>/description.xml              the device description (root only)
    /<uuid>/                             the presentation page
    /<uuid>/icons/<icon name>            icons
    /<uuid>/<service>/scpd.xml           service description
    /<uuid>/<service>/control            SOAP control
    /<uuid>/<service>/subscribe          GENA eventing

All paths are absolute (they start with C{/}) so they resolve the same way
against any description URL, for root and embedded devices alike.
"""

from __future__ import annotations

from coherence_lite.model.device import Device, Icon, Service

__all__ = [
    "DESCRIPTION",
    "SCPD",
    "CONTROL",
    "SUBSCRIBE",
    "ICONS",
    "descriptionPath",
    "presentationPath",
    "iconPath",
    "servicePath",
]

#: The last segment of each document's or endpoint's path.
DESCRIPTION = "description.xml"
SCPD = "scpd.xml"
CONTROL = "control"
SUBSCRIBE = "subscribe"
ICONS = "icons"


def descriptionPath(device: Device) -> str:
    """
    The path of a root device's description document.
    """
    return f"/{device.uuid}/{DESCRIPTION}"


def presentationPath(device: Device) -> str:
    """
    The path of a device's presentation page.
    """
    return f"/{device.uuid}/"


def iconPath(device: Device, icon: Icon) -> str:
    """
    The path of one icon of a device.
    """
    return f"/{device.uuid}/{ICONS}/{icon.name}"


def servicePath(device: Device, service: Service, leaf: str) -> str:
    """
    The path of one of a service's documents or endpoints.

    @param leaf: L{SCPD}, L{CONTROL} or L{SUBSCRIBE}.
    """
    return f"/{device.uuid}/{service.shortId}/{leaf}"
