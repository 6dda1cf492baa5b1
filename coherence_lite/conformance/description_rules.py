# -*- test-case-name: tests.conformance.test_rules -*-
"""
The description rules of the checker: pure functions over the documents a
device served (L{Fetched}), read with the control point's own parsers.

Required elements and their lengths are checked by building the device
model's L{coherence_lite.model.device.Device} from what the description
says: the checker refuses exactly what the host refuses to serve.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from coherence_lite.conformance.findings import Finding, finding
from coherence_lite.conformance.ssdp_rules import serverVersion
from coherence_lite.controlpoint.description import DescriptionError
from coherence_lite.controlpoint.remote import RemoteDevice, RemoteIcon, RemoteRootDevice, RemoteService
from coherence_lite.controlpoint.reply import Reply
from coherence_lite.controlpoint.scpd import SCPD, SCPDError
from coherence_lite.model.description import SERVICE_NAMESPACE
from coherence_lite.model.device import Device, DeviceError
from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = [
    "Fetched",
    "documentElement",
    "imageSize",
    "checkFetch",
    "checkNamespace",
    "checkSpecVersion",
    "checkConfigId",
    "checkNoURLBase",
    "checkRequired",
    "checkMatchesSSDP",
    "checkURLs",
    "checkSCPD",
    "checkIcon",
    "checkPresentation",
    "checkHead",
    "checkNotFound",
]


@dataclass(frozen=True)
class Fetched:
    """
    One HTTP request of the probe and what came of it.

    @ivar reply: the answer, or L{None} when there was none.
    @ivar error: why there was none.
    """

    url: str
    reply: Reply | None
    error: str | None = None

    def problem(self, method: str = "GET") -> str | None:
        """
        Why there is no 200 answer, if there is not.
        """
        if self.reply is None:
            return f"{method} {self.url}: {self.error}"
        if self.reply.code != 200:
            return f"{method} {self.url}: HTTP status {self.reply.code}"
        return None


def documentElement(body: bytes) -> tuple[str | None, str, str | None] | None:
    """
    The namespace, local name and C{configId} attribute of a document's
    element, or L{None} when it is not XML the package reads.
    """
    element = parseXML(body, 256 * 1024, lenient=True)
    if isinstance(element, XMLError):
        return None
    tag = element.tag if isinstance(element.tag, str) else ""
    namespace, local = (tag[1:].split("}", 1)[0], tag.split("}", 1)[1]) if tag.startswith("{") else (None, tag)
    return namespace, local, element.get("configId")


def imageSize(data: bytes) -> tuple[int, int] | None:
    """
    The width and height of a PNG or GIF, or L{None} for other data.
    """
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    return None


def _contentTypeProblems(reply: Reply, what: str) -> tuple[list[str], list[str]]:
    value = (reply.header("content-type") or "").lower()
    mediaType = value.split(";", 1)[0].strip()
    if mediaType not in ("text/xml", "application/xml"):
        return [f"{what} Content-Type is {value[:60]!r}, not text/xml"], []
    if "utf-8" not in value.replace('"', ""):
        return [], [f"{what} Content-Type {value[:60]!r} has no charset=\"utf-8\""]
    return [], []


def checkFetch(fetched: Fetched, parsed: RemoteRootDevice | DescriptionError | None) -> Finding:
    """
    description.fetch: LOCATION answered 200 with XML the control point
    reads.
    """
    problem = fetched.problem()
    if problem is not None or fetched.reply is None:
        return finding("description.fetch", [problem or "no answer"], "", fetched.url)
    problems, warnings = _contentTypeProblems(fetched.reply, "the description's")
    if isinstance(parsed, DescriptionError):
        problems.append(f"unreadable description: {parsed.reason}")
    return finding("description.fetch", problems, f"{len(fetched.reply.body)} bytes read", fetched.url, warnings)


def checkNamespace(subject: str, body: bytes, local: str, namespace: str) -> Finding:
    """
    description.namespace: the document element is C{local} in
    C{namespace}.
    """
    element = documentElement(body)
    if element is None:
        return finding("description.namespace", ["not XML"], "", subject)
    seen = f"<{element[1]}> in {element[0] or 'no namespace'}"
    problems = [] if element[:2] == (namespace, local) else [f"{seen}, not <{local}> in {namespace}"]
    return finding("description.namespace", problems, seen, subject)


def checkSpecVersion(root: RemoteRootDevice, server: str | None) -> Finding:
    """
    description.spec-version: specVersion 1.x, and SERVER's UPnP/x.y the
    same.
    """
    spec = root.specVersion
    if spec is None:
        return finding("description.spec-version", ["no usable specVersion"], "", root.location)
    problems = [] if spec[0] == 1 and spec[1] in (0, 1, 2) else [f"specVersion {spec[0]}.{spec[1]}"]
    version = serverVersion(server)
    if server is not None and version is not None and version != spec:
        problems.append(f"SERVER says UPnP/{version[0]}.{version[1]} but specVersion is {spec[0]}.{spec[1]}")
    return finding("description.spec-version", problems, f"specVersion {spec[0]}.{spec[1]}, SERVER {server!r:.80}", root.location)


def checkConfigId(subject: str, body: bytes, announced: int | None) -> Finding:
    """
    description.config-id: the document's configId is there and is
    CONFIGID.UPNP.ORG (C{announced}).
    """
    element = documentElement(body)
    attribute = None if element is None else element[2]
    if attribute is None:
        if announced is None:
            return finding("description.config-id", [], "", subject, ["no configId and no CONFIGID.UPNP.ORG (a UDA 1.0 device)"])
        return finding("description.config-id", [f"no configId attribute, CONFIGID.UPNP.ORG is {announced}"], "", subject)
    if announced is not None and attribute.strip() != str(announced):
        return finding("description.config-id", [f"configId {attribute[:20]!r} but CONFIGID.UPNP.ORG {announced}"], "", subject)
    return finding("description.config-id", [], f"configId {attribute}", subject)


def checkNoURLBase(root: RemoteRootDevice) -> Finding:
    """
    description.no-urlbase: no URLBase (a warning only: control points
    still honour it).
    """
    warnings = [f"URLBase {root.urlBase!r:.80} (deprecated since UDA 1.1)"] if root.urlBase is not None else []
    return finding("description.no-urlbase", [], "no URLBase", root.location, warnings)


def _deviceProblems(device: RemoteDevice) -> list[str]:
    """
    Every field of C{device} the model refuses, found by building it and
    replacing each refused field with a valid value until it builds.
    """
    fields = dict(
        deviceType=device.deviceType, friendlyName=device.friendlyName, manufacturer=device.manufacturer,
        modelName=device.modelName, UDN=device.UDN, manufacturerURL=device.manufacturerURL,
        modelDescription=device.modelDescription, modelNumber=device.modelNumber, modelURL=device.modelURL,
        serialNumber=device.serialNumber, UPC=device.UPC, presentationURL=device.presentationURL,
    )
    valid = dict(
        deviceType="urn:schemas-upnp-org:device:Basic:1", friendlyName="x", manufacturer="x", modelName="x",
        UDN="uuid:00000000-0000-0000-0000-000000000000",
    )
    problems = []
    for _ in range(len(fields)):
        try:
            Device(**fields)  # type: ignore[arg-type]
            break
        except DeviceError as e:
            name = e.field.split(".")[0].split("[")[0]
            problems.append(f"{device.friendlyName[:40] or device.UDN}: {e}")
            fields[name] = valid.get(name)
    return problems


def checkRequired(root: RemoteRootDevice) -> Finding:
    """
    description.required: every device of the tree builds as the model's
    L{Device} (required elements, lengths, UDN, type URNs, URLs).
    """
    problems = [problem for device in root.allDevices() for problem in _deviceProblems(device)]
    count = len(list(root.allDevices()))
    return finding("description.required", problems, f"{count} device(s) complete", root.location)


def checkMatchesSSDP(root: RemoteRootDevice, announced: Sequence[tuple[str, str]], expected: Sequence[tuple[str, str]]) -> Finding:
    """
    description.matches-ssdp: every (NT, USN) the device answered ssdp:all
    with is one the description implies (C{expected}).
    """
    known = {(nt, usn.lower()) for nt, usn in expected}
    extra = sorted({f"{nt} / {usn}" for nt, usn in announced if (nt, usn.lower()) not in known})
    problems = [f"announced but not in the description: {text}" for text in extra]
    return finding("description.matches-ssdp", problems, f"{len(set(announced))} announced entries all described", root.location)


def checkURLs(root: RemoteRootDevice) -> Finding:
    """
    description.urls: every service has its three URLs.
    """
    problems = []
    for device in root.allDevices():
        for service in device.services:
            for name in ("SCPDURL", "controlURL", "eventSubURL"):
                if getattr(service, name) is None:
                    problems.append(f"{service.serviceId or service.serviceType}: no usable {name}")
    return finding("description.urls", problems, "every service URL resolves", root.location)


def checkSCPD(service: RemoteService, fetched: Fetched, scpd: SCPD | SCPDError | None, configId: int | None) -> list[Finding]:
    """
    description.scpd (fetched, readable, well formed), and the namespace
    and configId rules for the SCPD.
    """
    subject = service.serviceId or service.serviceType
    problem = fetched.problem()
    if problem is not None or fetched.reply is None or scpd is None:
        return [finding("description.scpd", [problem or "not fetched"], "", subject)]
    problems, warnings = _contentTypeProblems(fetched.reply, "the SCPD's")
    if isinstance(scpd, SCPDError):
        return [finding("description.scpd", problems + [f"unreadable SCPD: {scpd.reason}"], "", subject)]
    problems += list(scpd.problems)
    return [
        finding("description.scpd", problems, f"{len(scpd.actions)} actions, {len(scpd.stateVariables)} state variables", subject, warnings),
        checkNamespace(f"{subject} SCPD", fetched.reply.body, "scpd", SERVICE_NAMESPACE),
        checkConfigId(f"{subject} SCPD", fetched.reply.body, configId),
    ]


def checkIcon(icon: RemoteIcon, fetched: Fetched) -> Finding:
    """
    description.icons: the icon is served with its declared type and size.
    """
    problem = fetched.problem()
    if problem is not None or fetched.reply is None:
        return finding("description.icons", [problem or "no answer"], "", icon.url)
    problems = []
    served = (fetched.reply.header("content-type") or "").split(";", 1)[0].strip().lower()
    if served != icon.mimetype.lower():
        problems.append(f"served as {served!r}, declared {icon.mimetype!r}")
    size = imageSize(fetched.reply.body)
    warnings = [] if size is not None else ["size not checked (not PNG or GIF)"]
    if size is not None and size != (icon.width, icon.height):
        problems.append(f"{size[0]}x{size[1]} pixels, declared {icon.width}x{icon.height}")
    return finding("description.icons", problems, f"{served}, {icon.width}x{icon.height}", icon.url, warnings)


def checkPresentation(fetched: Fetched) -> Finding:
    """
    description.presentation: the presentation page answers 200.
    """
    problem = fetched.problem()
    return finding("description.presentation", [problem] if problem else [], "200", fetched.url)


def checkHead(get: Fetched, head: Fetched) -> Finding:
    """
    description.head: HEAD answers like GET, without a body.
    """
    problem = head.problem("HEAD")
    if problem is not None or head.reply is None or get.reply is None:
        return finding("description.head", [problem or "GET failed"], "", head.url)
    problems = []
    if head.reply.body:
        problems.append(f"HEAD answered with a body of {len(head.reply.body)} bytes")
    if head.reply.header("content-type") != get.reply.header("content-type"):
        problems.append(f"Content-Type {head.reply.header('content-type')!r} differs from GET's")
    length = head.reply.header("content-length")
    if length is not None and length != str(len(get.reply.body)):
        problems.append(f"Content-Length {length} but GET sent {len(get.reply.body)} bytes")
    return finding("description.head", problems, "200 with GET's headers", head.url)


def checkNotFound(fetched: Fetched) -> Finding:
    """
    description.not-found: an unknown path answers 404.
    """
    if fetched.reply is None:
        return finding("description.not-found", [f"no answer: {fetched.error}"], "", fetched.url)
    code = fetched.reply.code
    return finding("description.not-found", [] if code == 404 else [f"HTTP status {code}"], "404", fetched.url)

