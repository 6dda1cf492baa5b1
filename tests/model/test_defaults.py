"""
Tests for L{coherence_lite.model.defaults}: the default icons and device.
"""

from __future__ import annotations

import platform
import socket
import struct
import zlib
from importlib import resources

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite import __version__
from coherence_lite.model.defaults import (
    BASIC_DEVICE,
    defaultDevice,
    defaultFriendlyName,
    defaultIcons,
)
from coherence_lite.model.device import Device, DeviceError, stableUDN

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pngChunks(data: bytes) -> list[tuple[bytes, bytes, int]]:
    """
    Split a PNG file into its chunks.

    @return: (type, data, stored CRC) triples, in file order.
    """
    chunks = []
    offset = len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        chunks.append((kind, body, crc))
        offset += 12 + length
    return chunks


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def pngPixels(data: bytes) -> list[bytes]:
    """
    Decode the rows of an 8-bit RGBA, non-interlaced PNG.

    @return: one C{bytes} of RGBA values per row.
    """
    chunks = pngChunks(data)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    raw = zlib.decompress(b"".join(body for kind, body, crc in chunks if kind == b"IDAT"))
    stride = width * 4
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        row = bytearray(stride)
        for i in range(stride):
            a = row[i - 4] if i >= 4 else 0
            b = previous[i]
            c = previous[i - 4] if i >= 4 else 0
            predictor = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
            row[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(row))
        previous = bytes(row)
    return rows


class DefaultIconFileTests(SynchronousTestCase):
    """
    The PNG files in C{coherence_lite/data} are valid, small RGBA icons.
    """

    def iconFile(self, size: int) -> bytes:
        """
        The bytes of the icon file of one size.
        """
        return resources.files("coherence_lite").joinpath("data", f"icon-{size}.png").read_bytes()

    def test_iconFilesStartWithThePNGSignature(self) -> None:
        """
        Both icon files start with the eight-byte PNG signature.
        """
        for size in (48, 120):
            self.assertTrue(self.iconFile(size).startswith(PNG_SIGNATURE))

    def test_iconFilesHaveCorrectChunkCRCs(self) -> None:
        """
        Every chunk of both icon files carries the CRC of its type and data.
        """
        for size in (48, 120):
            for kind, body, crc in pngChunks(self.iconFile(size)):
                self.assertEqual(zlib.crc32(kind + body) & 0xFFFFFFFF, crc, (size, kind))

    def test_iconFilesAreIHDRFirstAndIENDLast(self) -> None:
        """
        Both icon files start with IHDR, end with IEND and hold image data.
        """
        for size in (48, 120):
            kinds = [kind for kind, body, crc in pngChunks(self.iconFile(size))]
            self.assertEqual(kinds[0], b"IHDR")
            self.assertEqual(kinds[-1], b"IEND")
            self.assertIn(b"IDAT", kinds)

    def test_iconFilesAreSquare8BitRGBAOfTheirSize(self) -> None:
        """
        Each icon file's header says a square, non-interlaced 8-bit RGBA image of its
        size.
        """
        for size in (48, 120):
            ihdr = pngChunks(self.iconFile(size))[0][1]
            # width, height, bit depth 8, colour type 6 (RGBA), compression,
            # filter and interlace methods 0
            self.assertEqual(struct.unpack(">IIBBBBB", ihdr), (size, size, 8, 6, 0, 0, 0))

    def test_iconFilesAreSmall(self) -> None:
        """
        Each icon file is under 3 KiB.
        """
        for size in (48, 120):
            self.assertLess(len(self.iconFile(size)), 3 * 1024)

    def test_iconImageDataDecodesToEveryRow(self) -> None:
        """
        The image data of each icon decodes to one full row of RGBA pixels per line of
        the image.
        """
        for size in (48, 120):
            rows = pngPixels(self.iconFile(size))
            self.assertEqual(len(rows), size)
            self.assertEqual({len(row) for row in rows}, {size * 4})

    def test_iconIsARoundedSquareWithTransparentCorners(self) -> None:
        """
        The corners of each icon are transparent and its middle opaque: a rounded
        square.
        """
        for size in (48, 120):
            rows = pngPixels(self.iconFile(size))
            alpha = lambda x, y: rows[y][x * 4 + 3]  # noqa: E731
            for x, y in [(0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)]:
                self.assertEqual(alpha(x, y), 0, (size, x, y))
            self.assertEqual(alpha(size // 2, size // 2), 255)
            self.assertEqual(alpha(size // 2, 2 * size // 100 + 3), 255)

    def test_iconHasAWhiteMarkOnAColouredBackground(self) -> None:
        """
        Each icon has white pixels on an opaque coloured background.
        """
        for size in (48, 120):
            rows = pngPixels(self.iconFile(size))
            pixels = {rows[y][x * 4 : x * 4 + 4] for y in range(size) for x in range(size)}
            self.assertIn(b"\xff\xff\xff\xff", pixels)
            opaque = [p for p in pixels if p[3] == 255 and p[:3] != b"\xff\xff\xff"]
            self.assertTrue(opaque)


class DefaultIconsTests(SynchronousTestCase):
    """
    L{defaultIcons} describes the icon files.
    """

    def test_defaultIconsAre48And120PixelRGBAPNGs(self) -> None:
        """
        L{defaultIcons} gives the 48 and 120 pixel RGBA PNGs, named after their size.
        """
        self.assertEqual(
            [(i.mimetype, i.width, i.height, i.depth, i.name) for i in defaultIcons()],
            [
                ("image/png", 48, 48, 32, "icon-48.png"),
                ("image/png", 120, 120, 32, "icon-120.png"),
            ],
        )

    def test_defaultIconSizesAgreeWithThePNGHeaders(self) -> None:
        """
        The size and depth each default icon declares are those of its PNG header.
        """
        for icon in defaultIcons():
            width, height, bitDepth, colourType = struct.unpack(
                ">IIBB", pngChunks(icon.data)[0][1][:10]
            )
            self.assertEqual((width, height), (icon.width, icon.height))
            # 8 bits for each of 4 channels
            self.assertEqual((bitDepth, colourType), (8, 6))
            self.assertEqual(icon.depth, 4 * bitDepth)

    def test_defaultIconsAreReadOnce(self) -> None:
        """
        The icon files are read once: every call gives the same tuple.
        """
        self.assertIs(defaultIcons(), defaultIcons())


class DefaultFriendlyNameTests(SynchronousTestCase):
    """
    L{defaultFriendlyName} names the device after the host.
    """

    def test_nameSaysTheHost(self) -> None:
        """
        The default name is C{coherence-lite on <host>}.
        """
        self.assertEqual(defaultFriendlyName("kitchen"), "coherence-lite on kitchen")

    def test_longHostNameIsCutTo64Characters(self) -> None:
        """
        A long host name is cut so that the name keeps to UPnP's 64 characters.
        """
        name = defaultFriendlyName("h" * 100)
        self.assertEqual(len(name), 64)
        self.assertTrue(name.startswith("coherence-lite on hhh"))

    def test_blankHostNameGivesTheProductName(self) -> None:
        """
        A blank host name gives just the product name.
        """
        self.assertEqual(defaultFriendlyName(""), "coherence-lite")
        self.assertEqual(defaultFriendlyName(" \n"), "coherence-lite")

    def test_controlCharactersAreDropped(self) -> None:
        """
        Control characters and line breaks of the host name are left out of the name.
        """
        self.assertEqual(defaultFriendlyName("ho\x00st\n"), "coherence-lite on host")


class DefaultDeviceTests(SynchronousTestCase):
    """
    L{defaultDevice} is a valid, stable Basic:1 root device.
    """

    def test_defaultDeviceIsABasicDeviceNamedAfterTheHost(self) -> None:
        """
        The default device is a Basic:1 device named after the host.
        """
        device = defaultDevice(hostname="kitchen")
        self.assertIsInstance(device, Device)
        self.assertEqual(device.deviceType, BASIC_DEVICE)
        self.assertEqual(device.deviceType, "urn:schemas-upnp-org:device:Basic:1")
        self.assertEqual(device.friendlyName, "coherence-lite on kitchen")

    def test_defaultDeviceIsMadeByCoherenceLite(self) -> None:
        """
        Its maker and model are coherence-lite, its model number the package version.
        """
        device = defaultDevice(hostname="kitchen")
        self.assertEqual(device.manufacturer, "coherence-lite")
        self.assertEqual(device.modelName, "coherence-lite")
        self.assertEqual(device.modelNumber, __version__)
        self.assertTrue(device.modelDescription)

    def test_defaultDeviceHasTheDefaultIconsAndNoServices(self) -> None:
        """
        It has the default icons, no services and no embedded devices.
        """
        device = defaultDevice(hostname="kitchen")
        self.assertEqual(device.icons, defaultIcons())
        self.assertEqual(device.services, ())
        self.assertEqual(device.devices, ())

    def test_defaultDeviceIsTheSameAcrossCalls(self) -> None:
        """
        Two calls for the same host give equal devices.
        """
        self.assertEqual(defaultDevice(hostname="kitchen"), defaultDevice(hostname="kitchen"))

    def test_udnIsDerivedFromHostNameAndType(self) -> None:
        """
        Its UDN is L{stableUDN} of the host, the friendly name and the device type.
        """
        device = defaultDevice(hostname="kitchen")
        self.assertEqual(
            device.UDN, stableUDN("kitchen", "coherence-lite on kitchen", BASIC_DEVICE)
        )

    def test_otherHostsGetOtherUDNs(self) -> None:
        """
        Devices of two hosts get different UDNs.
        """
        self.assertNotEqual(defaultDevice(hostname="a").UDN, defaultDevice(hostname="b").UDN)

    def test_givenFriendlyNameIsUsedAndChangesTheUDN(self) -> None:
        """
        A given friendly name is used, and the UDN is derived from it.
        """
        device = defaultDevice("Jambon 3000", hostname="kitchen")
        self.assertEqual(device.friendlyName, "Jambon 3000")
        self.assertEqual(device.UDN, stableUDN("kitchen", "Jambon 3000", BASIC_DEVICE))

    def test_givenUDNIsUsed(self) -> None:
        """
        A given UDN is used as is.
        """
        udn = "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363"
        self.assertEqual(defaultDevice(udn=udn, hostname="kitchen").UDN, udn)

    def test_hostNameDefaultsToTheMachineName(self) -> None:
        """
        Without a host name, the machine's (L{platform.node}) is used.
        """
        self.patch(platform, "node", lambda: "patched-host")
        self.assertEqual(defaultDevice(), defaultDevice(hostname="patched-host"))

    def test_machineNameIsTheSocketHostName(self) -> None:
        """
        L{platform.node}, which the model reads without importing C{socket}, is the name
        L{socket.gethostname} gives, so default UDNs stay what they were.
        """
        self.assertEqual(platform.node(), socket.gethostname())

    def test_longHostNameStillGivesAValidDevice(self) -> None:
        """
        A 300-character host name still gives a valid device with a 64-character name.
        """
        device = defaultDevice(hostname="x" * 300)
        self.assertEqual(len(device.friendlyName), 64)

    def test_invalidUDNIsADeviceError(self) -> None:
        """
        A UDN that is not a UUID is a L{DeviceError} on C{UDN}.
        """
        error = self.assertRaises(DeviceError, defaultDevice, udn="not-a-uuid", hostname="h")
        self.assertEqual(error.field, "UDN")
