# -*- test-case-name: tests.model.test_device -*-
"""
The rules of UPnP names and values the device model checks: type URNs,
service ids, UDNs, element names, URLs, and the L{DeviceError} every broken
rule raises.

Pure.  L{coherence_lite.model.device} builds its frozen classes on these and
exports the public names again, so users import them from there.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

__all__ = [
    "LOCAL", "REMOTE", "DeviceError", "URN", "parseURN", "stableUDN",
    "ELEMENT_NAME", "ICON_NAME", "IMAGE_TYPE", "SERVICE_ID", "UDN_PATTERN", "UPC_PATTERN",
    "matches", "check", "checkText", "checkURL", "checkEach",
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


# UDA 1.1 §2.3: domain names with periods replaced by hyphens; type names and
# service ids up to 64 characters of letters, digits, hyphen and underscore.
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9.\-]{0,63}"
_NAME = r"[A-Za-z0-9_\-]{1,64}"
_TYPE_URN = re.compile(
    rf"^urn:(?P<domain>{_DOMAIN}):(?P<kind>device|service):"
    rf"(?P<name>{_NAME}):(?P<version>[1-9][0-9]{{0,8}})$"
)
SERVICE_ID = re.compile(
    rf"^urn:(?P<domain>{_DOMAIN}):serviceId:(?P<name>[A-Za-z0-9_\-][A-Za-z0-9_.\-]{{0,63}})$"
)
UDN_PATTERN = re.compile(
    r"^uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
ELEMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,31}$")
_URL = re.compile(r"^[^\s<>\"]{1,1024}$")
UPC_PATTERN = re.compile(r"^[0-9]{12}$")
IMAGE_TYPE = re.compile(r"^image/[a-z0-9.+\-]+$")
ICON_NAME = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,63}$")


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


def matches(pattern: re.Pattern[str], value: object) -> bool:
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


def check(condition: bool, fieldName: str, reason: str) -> None:
    if not condition:
        raise DeviceError(fieldName, reason)


def checkText(value: object, fieldName: str, maxLength: int | None, required: bool = True) -> None:
    if value is None and not required:
        return
    check(isinstance(value, str), fieldName, "must be a string")
    assert isinstance(value, str)
    check(value.strip() != "", fieldName, "must not be empty")
    check(
        not any(ord(c) < 0x20 and c not in "\t" for c in value),
        fieldName,
        "must not contain control characters or line breaks",
    )
    if maxLength is not None:
        check(
            len(value) <= maxLength,
            fieldName,
            f"is {len(value)} characters long; UPnP allows at most {maxLength}",
        )


def checkURL(value: str | None, fieldName: str) -> None:
    if value is None:
        return
    check(
        isinstance(value, str) and _URL.match(value) is not None,
        fieldName,
        "must be a URL without spaces, quotes or angle brackets",
    )


def checkEach(items: tuple[object, ...], fieldName: str, kind: type) -> None:
    check(isinstance(items, tuple), fieldName, "must be a tuple")
    for index, item in enumerate(items):
        check(isinstance(item, kind), f"{fieldName}[{index}]", f"must be a {kind.__name__}")
