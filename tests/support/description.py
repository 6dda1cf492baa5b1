"""
Shared fixtures of the description tests: sample devices and services, a
tiny PNG, and the documents parsed back with defusedxml.
"""

from __future__ import annotations

import struct
import zlib
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

from coherence_lite.model.description import (
    DEVICE_NAMESPACE,
    SERVICE_NAMESPACE,
    deviceDescription,
    serviceDescription,
)
from coherence_lite.model.device import (
    Action,
    AllowedValueRange,
    Argument,
    Device,
    Icon,
    Service,
    StateVariable,
)

from tests import support

#: Namespace prefixes for ElementTree paths.
D = "{" + DEVICE_NAMESPACE + "}"
S = "{" + SERVICE_NAMESPACE + "}"

LAMP_UDN = "uuid:0b3c6a2e-6f0e-4d7c-9d38-1f2a3b4c5d6e"
BULB_UDN = "uuid:7d9b1c44-58a1-4e2b-8f3e-a0b1c2d3e4f5"


def png(width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (200, 40, 60)) -> bytes:
    """
    Build a real, minimal truecolour PNG image of one colour.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def jambonService() -> Service:
    """
    The Jambon service: two actions, and variables using every SCPD
    feature.
    """
    return Service(
        serviceType="urn:boucherie.example.com:service:Jambon:1",
        serviceId="urn:boucherie.example.com:serviceId:Jambon",
        actions=(
            Action(
                "SetThickness",
                (
                    Argument("NewThickness", "in", "Thickness"),
                    Argument("Result", "out", "Status"),
                ),
            ),
            Action("Slice"),
        ),
        stateVariables=(
            StateVariable(
                "Thickness",
                "ui2",
                sendEvents=True,
                defaultValue="3",
                allowedValueRange=AllowedValueRange("1", "20", "1"),
            ),
            StateVariable(
                "Status",
                "string",
                sendEvents=True,
                multicast=True,
                allowedValues=("Idle", "Slicing & packing", "<jammed>"),
            ),
            StateVariable("Weight", "r4", allowedValueRange=AllowedValueRange("0", "12.5")),
        ),
    )


def jambon(**changes: object) -> Device:
    """
    The Jambon 3000 of L{tests.support.jambon} as these tests describe it:
    without a modelURL, with one icon and with L{jambonService}; keyword
    arguments replace fields.
    """
    described = {
        "modelURL": None,
        "icons": (Icon("image/png", 48, 48, 24, png(48, 48), name="jambon-48.png"),),
        "services": (jambonService(),),
    }
    return support.jambon(**{**described, **changes})


def switchPower() -> Service:
    """
    A SwitchPower service.
    """
    return Service(
        serviceType="urn:schemas-upnp-org:service:SwitchPower:1",
        serviceId="urn:upnp-org:serviceId:SwitchPower",
        actions=(Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),),
        stateVariables=(
            StateVariable("Target", "boolean", defaultValue="0"),
            StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
        ),
    )


def lamp() -> Device:
    """
    A root device with an embedded device, itself holding an embedded
    device: three levels, every one with a service.
    """
    bulb = Device(
        deviceType="urn:schemas-upnp-org:device:DimmableLight:1",
        friendlyName="Bulb",
        manufacturer="Lumen",
        modelName="B1",
        UDN=BULB_UDN,
        icons=(Icon("image/png", 16, 16, 8, png(16, 16, (255, 255, 0))),),
        services=(
            Service(
                "urn:schemas-upnp-org:service:Dimming:1",
                "urn:upnp-org:serviceId:Dimming",
                stateVariables=(StateVariable("LoadLevelTarget", "ui1", defaultValue="100"),),
            ),
        ),
    )
    light = Device(
        deviceType="urn:schemas-upnp-org:device:BinaryLight:1",
        friendlyName="Light",
        manufacturer="Lumen",
        modelName="L1",
        UDN=LAMP_UDN,
        services=(switchPower(),),
        devices=(bulb,),
    )
    return jambon(devices=(light,))


def children(element: Element) -> list[str]:
    """
    The tags of an element's children, in order.
    """
    return [child.tag for child in element]


def text(element: Element, path: str) -> str | None:
    """
    The text of the one element at C{path}, which must exist.
    """
    found = element.find(path)
    assert found is not None, path
    return found.text


def parseDescription(root: Device, configId: int = 42) -> Element:
    """
    Render and parse a device description.
    """
    document: Element = fromstring(deviceDescription(root, configId))
    return document


def parseSCPD(service: Service, configId: int = 42) -> Element:
    """
    Render and parse a service description.
    """
    document: Element = fromstring(serviceDescription(service, configId))
    return document
