"""
What the media benchmark (C{bench/media.py}) needs besides the servers: a
generated library (ffmpeg's lavfi sources, then copies re-tagged to reach N
files, a 1,000-child folder and one large file), an M-SEARCH prober on
127.0.0.1, and a small blocking ContentDirectory client (Browse, Search,
the whole-tree walk) over one keep-alive connection.

Every loop is bounded in count and time; everything stays on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import struct
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

__all__ = ["Library", "ContentDirectoryClient", "buildLibrary", "firstSearchAnswer", "locationOf"]

#: The folder holding exactly 1,000 children.
BIG_FOLDER = "big1000"

# The seed of each format: ffmpeg arguments after the lavfi inputs.
_SEEDS = {
    "mp3": ["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame", "-b:a", "128k"],
    "flac": ["-f", "lavfi", "-i", "sine=frequency=330:duration=3", "-c:a", "flac"],
    "ogg": ["-f", "lavfi", "-i", "sine=frequency=220:duration=3", "-c:a", "libvorbis"],
    "m4a": ["-f", "lavfi", "-i", "sine=frequency=550:duration=3", "-c:a", "aac"],
    "mp4": ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    "mkv": ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    "jpg": ["-f", "lavfi", "-i", "testsrc2=size=1280x720", "-frames:v", "1"],
    "png": ["-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1"],
}

_DIDL_CONTAINER = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}container"
_DIDL_RES = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}res"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


@dataclass(frozen=True)
class Library:
    """
    A generated library.

    @ivar root: its folder.
    @ivar files: how many media files it holds.
    @ivar large: the large file.
    """

    root: Path
    files: int
    large: Path


def _ffmpeg(arguments: list[str], output: Path) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *arguments, str(output)], check=True, timeout=300)


def _retagged(data: bytes, title: str) -> bytes:
    """
    An MP3 with an ID3v1 tag naming C{title} appended: a distinct track.
    """
    field = lambda text, size: text.encode("latin-1", "replace")[:size].ljust(size, b"\0")  # noqa: E731
    return data + b"TAG" + field(title, 30) + field("Bench Artist", 30) + field("Bench Album", 30) + b"2026" + field("", 30) + b"\x0c"


def buildLibrary(root: Path, files: int, largeSeconds: int = 70) -> Library:
    """
    Generate a library of C{files} media files under C{root} (made anew):
    one seed per format from lavfi, a folder of exactly 1,000 re-tagged
    MP3s (fewer when C{files} is small), the rest copied round-robin from
    the seeds into nested folders of 25, and one raw-video MKV of about
    C{largeSeconds} × 2.9 MB.
    """
    if root.exists():
        shutil.rmtree(root)
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    seedData = {}
    for extension, arguments in _SEEDS.items():
        path = seeds / f"seed.{extension}"
        _ffmpeg(arguments, path)
        seedData[extension] = path.read_bytes()
    large = root / "large" / "large.mkv"
    large.parent.mkdir()
    _ffmpeg(["-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={largeSeconds}", "-c:v", "rawvideo",
             "-pix_fmt", "yuv420p"], large)
    made = len(_SEEDS) + 1
    big = root / BIG_FOLDER
    big.mkdir()
    for number in range(min(1000, max(0, files - made))):
        (big / f"track {number:04d}.mp3").write_bytes(_retagged(seedData["mp3"], f"Big {number}"))
        made += 1
    extensions = list(_SEEDS)
    number = 0
    while made < files:
        folder = root / f"artist {number // 250:03d}" / f"album {number // 25 % 10:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        extension = extensions[number % len(extensions)]
        data = seedData[extension]
        if extension == "mp3":
            data = _retagged(data, f"Song {number}")
        (folder / f"file {number:05d}.{extension}").write_bytes(data)
        made += 1
        number += 1
    return Library(root, made, large)


def firstSearchAnswer(httpPort: int, deadline: float) -> float | None:
    """
    Send M-SEARCH for MediaServer:1 to the group through 127.0.0.1 every
    20 ms until a server whose LOCATION is on C{httpPort} answers; the
    monotonic time of that answer, or L{None} at the deadline.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    probe.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    probe.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, struct.pack("b", 1))
    probe.settimeout(0.02)
    search = (
        b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
        b"ST: urn:schemas-upnp-org:device:MediaServer:1\r\n\r\n"
    )
    wanted = b":%d/" % (httpPort,)
    try:
        while time.monotonic() < deadline:
            probe.sendto(search, ("239.255.255.250", 1900))
            try:
                while True:
                    answer = probe.recv(4096)
                    location = locationOf(answer)
                    if location is not None and wanted in location.encode():
                        return time.monotonic()
            except socket.timeout:
                continue
        return None
    finally:
        probe.close()


def locationOf(answer: bytes) -> str | None:
    """
    The LOCATION of an SSDP answer, or L{None}.
    """
    match = re.search(rb"(?im)^location:\s*(\S+)", answer)
    return match.group(1).decode("latin-1") if match else None


@dataclass(frozen=True)
class Entry:
    """
    One child in a Browse result.
    """

    id: str
    title: str
    container: bool
    url: str | None
    size: int | None


class ContentDirectoryClient:
    """
    Browse and Search over one keep-alive HTTP connection.
    """

    def __init__(self, descriptionURL: str, timeout: float = 30.0) -> None:
        """
        Fetch the description and find the ContentDirectory's control URL.
        """
        parts = urlsplit(descriptionURL)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
        self._host = parts.netloc
        self._connection.request("GET", parts.path or "/")
        description = self._connection.getresponse().read().decode("utf-8", "replace")
        match = re.search(
            r"ContentDirectory:1</serviceType>.*?<controlURL>([^<]+)</controlURL>", description, re.S
        )
        if match is None:
            raise RuntimeError(f"no ContentDirectory:1 in {descriptionURL}")
        self.controlPath = urlsplit(urljoin(descriptionURL, match.group(1).strip())).path

    def close(self) -> None:
        """
        Close the connection.
        """
        self._connection.close()

    def _call(self, action: str, arguments: list[tuple[str, str]]) -> dict[str, str]:
        body = "".join(f"<{name}>{value}</{name}>" for name, value in arguments)
        envelope = (
            '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
            f'<u:{action} xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1">{body}</u:{action}>'
            "</s:Body></s:Envelope>"
        ).encode("utf-8")
        self._connection.request(
            "POST",
            self.controlPath,
            envelope,
            {
                "Content-Type": 'text/xml; charset="utf-8"',
                "SOAPACTION": f'"urn:schemas-upnp-org:service:ContentDirectory:1#{action}"',
                "Host": self._host,
            },
        )
        response = self._connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        if response.status != 200:
            raise RuntimeError(f"{action} answered {response.status}: {text[:300]}")
        return {name: unescape(value) for name, value in re.findall(r"<(Result|NumberReturned|TotalMatches)>(.*?)</\1>", text, re.S)}

    def browse(self, objectId: str, start: int = 0, count: int = 100) -> tuple[list[Entry], int]:
        """
        One page of a container's children, and its TotalMatches.
        """
        out = self._call(
            "Browse",
            [("ObjectID", objectId), ("BrowseFlag", "BrowseDirectChildren"), ("Filter", "*"),
             ("StartingIndex", str(start)), ("RequestedCount", str(count)), ("SortCriteria", "")],
        )
        return _entries(out.get("Result", "")), int(out.get("TotalMatches", "0"))

    def countItems(self) -> int:
        """
        TotalMatches of a Search for every item below the root.
        """
        out = self._call(
            "Search",
            [("ContainerID", "0"), ("SearchCriteria", 'upnp:class derivedfrom "object.item"'), ("Filter", "@id"),
             ("StartingIndex", "0"), ("RequestedCount", "1"), ("SortCriteria", "")],
        )
        return int(out.get("TotalMatches", "0"))

    def children(self, objectId: str, page: int = 100, deadline: float | None = None) -> list[Entry]:
        """
        Every child of a container, C{page} at a time (at most 100,000).
        """
        found: list[Entry] = []
        total = 1
        while len(found) < total and len(found) < 100_000:
            if deadline is not None and time.monotonic() > deadline:
                raise RuntimeError("walk deadline passed")
            entries, total = self.browse(objectId, len(found), page)
            if not entries:
                break
            found.extend(entries)
        return found

    def findContainer(self, start: str, title: str, deadline: float) -> str | None:
        """
        The id of the first container titled C{title} below C{start},
        breadth first.
        """
        queue = [start]
        while queue and time.monotonic() < deadline:
            for entry in self.children(queue.pop(0), deadline=deadline):
                if entry.container:
                    if entry.title == title:
                        return entry.id
                    queue.append(entry.id)
        return None

    def walk(self, start: str, deadline: float) -> list[Entry]:
        """
        Every item below C{start}, breadth first, 100 per page.
        """
        items: list[Entry] = []
        queue = [start]
        while queue:
            for entry in self.children(queue.pop(0), deadline=deadline):
                if entry.container:
                    queue.append(entry.id)
                else:
                    items.append(entry)
        return items


def _entries(didl: str) -> list[Entry]:
    if not didl:
        return []
    entries = []
    for element in ET.fromstring(didl):
        title = element.findtext(_DC_TITLE) or ""
        res = element.find(_DIDL_RES)
        size = res.get("size") if res is not None else None
        entries.append(
            Entry(
                element.get("id", ""),
                title,
                element.tag == _DIDL_CONTAINER,
                res.text.strip() if res is not None and res.text else None,
                int(size) if size else None,
            )
        )
    return entries
