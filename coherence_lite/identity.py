# -*- test-case-name: tests.test_identity -*-
"""
Who we are on the wire: the product name and the SERVER / USER-AGENT string
that SSDP answers, HTTP responses and control-point requests carry.
"""

from __future__ import annotations

import platform
import re

from coherence_lite._version import __version__

__all__ = ["PRODUCT", "serverString"]

#: The product token of C{SERVER} and C{USER-AGENT}, and the default
#: manufacturer and model name.
PRODUCT = "coherence-lite"

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9.+_\-]+")


def _productToken(text: str) -> str:
    """
    Squeeze C{text} into a product token: letters, digits, C{.+_-}.
    """
    return _NOT_TOKEN.sub("-", text).strip("-") or "unknown"


def serverString(
    productVersion: str = __version__,
    upnpVersion: str = "1.1",
    system: str | None = None,
    release: str | None = None,
) -> str:
    """
    The SERVER (and USER-AGENT) value UDA asks for:
    C{<OS>/<release> UPnP/1.1 coherence-lite/<version>}.

    @param productVersion: coherence-lite's version.
    @param upnpVersion: the UDA version, agreeing with the description's
        specVersion.
    @param system: the OS name; defaults to C{platform.system()}.
    @param release: the OS release; defaults to C{platform.release()}.
    @raise ValueError: C{upnpVersion} is not C{major.minor}.
    """
    if not isinstance(upnpVersion, str) or not re.fullmatch(r"[0-9]\.[0-9]", upnpVersion):
        raise ValueError(f"upnpVersion must look like '1.1', not {upnpVersion!r}")
    system = platform.system() if system is None else system
    release = platform.release() if release is None else release
    return (
        f"{_productToken(system)}/{_productToken(release)} UPnP/{upnpVersion} "
        f"{PRODUCT}/{_productToken(productVersion)}"
    )
