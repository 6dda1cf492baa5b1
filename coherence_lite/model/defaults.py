# -*- test-case-name: tests.model.test_defaults -*-
"""
The device coherence-lite hosts when it is given no device file.

L{defaultDevice} is a C{urn:schemas-upnp-org:device:Basic:1} root device
named after the machine (C{"coherence-lite on <hostname>"}), with no
services and the package's own icons (L{defaultIcons}).  Its UDN is derived
from the host name, the friendly name and the device type, so it stays the
same across restarts and control points such as Windows' Network view keep
recognising the device.
"""

from __future__ import annotations

import functools
import platform
from importlib import resources

from coherence_lite._version import __version__
from coherence_lite.identity import PRODUCT
from coherence_lite.model.device import Device, Icon, stableUDN

__all__ = ["BASIC_DEVICE", "defaultIcons", "defaultFriendlyName", "defaultDevice"]

#: The device type of the default device.
BASIC_DEVICE = "urn:schemas-upnp-org:device:Basic:1"

#: The icon files in C{coherence_lite/data}: square RGBA PNGs, by size.
_ICON_SIZES = (48, 120)
_ICON_DEPTH = 32

#: UPnP limits friendlyName to 64 characters.
_FRIENDLY_NAME_LENGTH = 64


@functools.lru_cache(maxsize=None)
def defaultIcons() -> tuple[Icon, ...]:
    """
    The icons of coherence-lite: a white antenna on a blue rounded square,
    48x48 and 120x120 pixels, 32-bit RGBA PNG.  The files are read once,
    with L{importlib.resources}, so they work from a zip or wheel too.

    @return: the icons, smallest first, named C{icon-48.png} and
        C{icon-120.png}.
    """
    data = resources.files("coherence_lite").joinpath("data")
    return tuple(
        Icon(
            mimetype="image/png",
            width=size,
            height=size,
            depth=_ICON_DEPTH,
            data=data.joinpath(f"icon-{size}.png").read_bytes(),
            name=f"icon-{size}.png",
        )
        for size in _ICON_SIZES
    )


def defaultFriendlyName(hostname: str) -> str:
    """
    The friendly name of the default device on a host.

    @param hostname: the host's name.
    @return: C{"coherence-lite on <hostname>"}, cut to the 64 characters
        UPnP allows, or just C{"coherence-lite"} when C{hostname} is blank.
    """
    hostname = "".join(c for c in hostname if c.isprintable()).strip()
    if not hostname:
        return PRODUCT
    return f"{PRODUCT} on {hostname}"[:_FRIENDLY_NAME_LENGTH].rstrip()


def defaultDevice(
    friendlyName: str | None = None,
    udn: str | None = None,
    hostname: str | None = None,
) -> Device:
    """
    The root device coherence-lite hosts when it is given no device file.

    @param friendlyName: the name users see; L{None} for
        L{defaultFriendlyName} of C{hostname}.
    @param udn: the device's UDN; L{None} for
        C{stableUDN(hostname, friendlyName, BASIC_DEVICE)}, which is the
        same on every start.
    @param hostname: the host name used for the name and the UDN; L{None}
        for this machine's (L{platform.node}).
    @return: a valid L{Device} with no services and L{defaultIcons}.
    @raise coherence_lite.model.device.DeviceError: when C{friendlyName} or
        C{udn} is not acceptable to UPnP.
    """
    if hostname is None:
        hostname = platform.node()
    if friendlyName is None:
        friendlyName = defaultFriendlyName(hostname)
    if udn is None:
        udn = stableUDN(hostname, friendlyName, BASIC_DEVICE)
    return Device(
        deviceType=BASIC_DEVICE,
        friendlyName=friendlyName,
        manufacturer=PRODUCT,
        modelName=PRODUCT,
        modelNumber=__version__,
        modelDescription="A UPnP device hosted by coherence-lite, a Twisted UPnP device host",
        UDN=udn,
        icons=defaultIcons(),
    )
