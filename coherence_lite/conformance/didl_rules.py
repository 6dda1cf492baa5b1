# -*- test-case-name: tests.conformance.test_media_rules -*-
"""
What the MediaServer rules read in a ContentDirectory answer: a DIDL-Lite
document's objects and what is wrong with their shape, and what is wrong
with a protocolInfo string (UPnP AV ConnectionManager:1 §2.5.2, DLNA
guidelines 7.4.1.3).

Pure.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = [
    "DIDL_NAMESPACE",
    "DC_NAMESPACE",
    "UPNP_NAMESPACE",
    "MAX_DIDL_SIZE",
    "DIDLObject",
    "DIDL",
    "parseDIDL",
    "protocolInfoProblems",
]

DIDL_NAMESPACE = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
UPNP_NAMESPACE = "urn:schemas-upnp-org:metadata-1-0/upnp/"

#: The largest DIDL-Lite document read.
MAX_DIDL_SIZE = 8 * 1024 * 1024

_CONTAINER = f"{{{DIDL_NAMESPACE}}}container"
_ITEM = f"{{{DIDL_NAMESPACE}}}item"
_DESC = f"{{{DIDL_NAMESPACE}}}desc"
_RES = f"{{{DIDL_NAMESPACE}}}res"
_TITLE = f"{{{DC_NAMESPACE}}}title"
_CLASS = f"{{{UPNP_NAMESPACE}}}class"
_BOOLEAN = ("0", "1", "true", "false")


@dataclass(frozen=True)
class DIDLObject:
    """
    One container or item of a DIDL-Lite document.

    @ivar kind: C{container} or C{item}.
    @ivar res: the protocolInfo of each C{res}, in order.
    @ivar urls: the URL of each C{res}, in the same order.
    """

    kind: str
    id: str
    parentID: str
    title: str
    upnpClass: str
    childCount: str | None = None
    res: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class DIDL:
    """
    A DIDL-Lite document read: its objects, and what is wrong with it.
    """

    objects: tuple[DIDLObject, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def _object(element: ET.Element, problems: list[str]) -> DIDLObject:
    kind = "container" if element.tag == _CONTAINER else "item"
    attributes = element.attrib
    objectId = attributes.get("id", "")
    name = f"{kind} {objectId[:40]!r}"
    if not objectId:
        problems.append(f"a {kind} without an id")
    if "parentID" not in attributes:
        problems.append(f"{name} has no parentID")
    restricted = attributes.get("restricted")
    if restricted is None:
        problems.append(f"{name} has no restricted attribute")
    elif restricted.strip().lower() not in _BOOLEAN:
        problems.append(f"{name}: restricted={restricted[:20]!r} is not a boolean")
    titles = element.findall(_TITLE)
    classes = element.findall(_CLASS)
    if len(titles) != 1:
        problems.append(f"{name} has {len(titles)} dc:title, not one")
    if len(classes) != 1:
        problems.append(f"{name} has {len(classes)} upnp:class, not one")
    upnpClass = (classes[0].text or "").strip() if classes else ""
    if classes and not upnpClass.startswith(f"object.{kind}"):
        problems.append(f"{name} has upnp:class {upnpClass[:60]!r}, not object.{kind}...")
    childCount = attributes.get("childCount")
    if childCount is not None and not childCount.strip().isdigit():
        problems.append(f"{name}: childCount={childCount[:20]!r} is not a count")
    res = []
    urls = []
    for each in element.findall(_RES):
        protocolInfo = each.attrib.get("protocolInfo")
        if protocolInfo is None:
            problems.append(f"{name} has a res without protocolInfo")
            continue
        res.append(protocolInfo)
        urls.append((each.text or "").strip())
        if not (each.text or "").strip():
            problems.append(f"{name} has a res without a URL")
    title = (titles[0].text or "") if titles else ""
    return DIDLObject(kind, objectId, attributes.get("parentID", ""), title, upnpClass, childCount, tuple(res), tuple(urls))


def parseDIDL(text: str) -> DIDL:
    """
    Read the DIDL-Lite document of a C{Result}: the document element, the
    C{dc} and C{upnp} prefixes clients match literally, and each object's
    shape (C{id}, C{parentID}, C{restricted}, one C{dc:title}, one
    C{upnp:class} of its kind, C{childCount}, C{res} with protocolInfo).
    """
    data = text.encode("utf-8", "surrogatepass")
    root = parseXML(data, MAX_DIDL_SIZE, lenient=True)
    if isinstance(root, XMLError):
        return DIDL((), (f"the Result is not XML ({root.reason})",))
    if root.tag != f"{{{DIDL_NAMESPACE}}}DIDL-Lite":
        return DIDL((), (f"the Result's document element is {str(root.tag)[:100]!r}, not DIDL-Lite in {DIDL_NAMESPACE}",))
    problems: list[str] = []
    objects = []
    for child in root:
        if child.tag in (_CONTAINER, _ITEM):
            objects.append(_object(child, problems))
        elif child.tag != _DESC:
            problems.append(f"an element {str(child.tag)[:80]!r} in DIDL-Lite, neither container, item nor desc")
    warnings = []
    for prefix, namespace, where in (("dc", DC_NAMESPACE, _TITLE), ("upnp", UPNP_NAMESPACE, _CLASS)):
        if objects and root.find(f".//{where}") is not None and f'xmlns:{prefix}="{namespace}"' not in text and f"xmlns:{prefix}='{namespace}'" not in text:
            warnings.append(f"{namespace} is not bound to the prefix {prefix}: (clients match dc:title and upnp:class literally)")
    return DIDL(tuple(objects), tuple(problems), tuple(warnings))


_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_DLNA_VALUES = {
    "DLNA.ORG_PN": re.compile(r"^[A-Za-z0-9_]+$"),
    "DLNA.ORG_OP": re.compile(r"^[01]{2}$"),
    "DLNA.ORG_PS": re.compile(r"^-?\d+(/\d+)?(,-?\d+(/\d+)?)*$"),
    "DLNA.ORG_CI": re.compile(r"^[01]$"),
    "DLNA.ORG_FLAGS": re.compile(r"^[0-9A-Fa-f]{32}$"),
    "DLNA.ORG_MAXSP": re.compile(r"^\d+(\.\d+)?$"),
}


def protocolInfoProblems(protocolInfo: str) -> tuple[list[str], list[str]]:
    """
    What is wrong with one protocolInfo, and what is doubtful: four
    C{:}-separated fields, C{http-get} (another protocol is a warning),
    C{*} as network, a MIME type C{type/subtype}, and a fourth field of
    C{*} or C{NAME=value} pairs joined by C{;} whose C{DLNA.ORG_} values
    are well formed.

    @return: the problems, and the warnings.
    """
    shown = protocolInfo[:100]
    fields = protocolInfo.split(":", 3)
    if len(fields) != 4:
        return [f"{shown!r} has {len(fields)} fields, not 4"], []
    protocol, network, mime, info = fields
    problems: list[str] = []
    warnings: list[str] = []
    if protocol != "http-get":
        (warnings if _TOKEN.match(protocol) else problems).append(f"{shown!r}: protocol {protocol[:30]!r}, not http-get")
    if protocol == "http-get" and network != "*":
        problems.append(f"{shown!r}: network {network[:30]!r}, not * for http-get")
    kind, slash, subtype = mime.partition(";")[0].partition("/")
    if not (slash and _TOKEN.match(kind) and _TOKEN.match(subtype)):
        problems.append(f"{shown!r}: {mime[:60]!r} is not a MIME type")
    if info != "*":
        for pair in info.split(";"):
            name, equals, value = pair.partition("=")
            if not equals or not name:
                problems.append(f"{shown!r}: {pair[:60]!r} in the fourth field is not NAME=value")
            elif name.startswith("DLNA.ORG_"):
                pattern = _DLNA_VALUES.get(name)
                if pattern is None:
                    warnings.append(f"{shown!r}: unknown {name[:30]}")
                elif not pattern.match(value):
                    problems.append(f"{shown!r}: {name}={value[:40]!r} is malformed")
    return problems, warnings
