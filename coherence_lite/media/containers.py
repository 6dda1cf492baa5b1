# -*- test-case-name: tests.media.test_containers -*-
"""
A video's duration and picture size read from its container's header
(MP4/QuickTime boxes, Matroska/WebM elements) in-process, reading only the
header, so most videos need no ffprobe subprocess.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO, Iterator

__all__ = ["VideoHeader", "readVideoHeader"]

#: The most of an MP4 C{moov} box (or of a Matroska file's start) read.
MAX_HEADER = 16 * 1024 * 1024

#: How many top-level MP4 boxes are looked at before giving up.
MAX_BOXES = 64


@dataclass(frozen=True)
class VideoHeader:
    """
    What a container's header says; L{None} where it says nothing.

    @ivar duration: in seconds.
    @ivar width: of the first video track, in pixels.
    @ivar height: of the first video track, in pixels.
    """

    duration: float | None
    width: int | None
    height: int | None


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """
    The boxes in C{data[start:end]}: their type, and where their bodies
    start and end.
    """
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1 and offset + 16 <= end:
            size = struct.unpack_from(">Q", data, offset + 8)[0]
            header = 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        yield kind, offset + header, offset + size
        offset += size


def _moov(file: BinaryIO) -> bytes | None:
    """
    The body of an MP4 file's C{moov} box, seeking over the others.
    """
    offset = 0
    for _ in range(MAX_BOXES):
        file.seek(offset)
        head = file.read(16)
        if len(head) < 8:
            return None
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1 and len(head) == 16:
            size = struct.unpack_from(">Q", head, 8)[0]
            header = 16
        elif size == 0:
            size = MAX_HEADER + header
        if size < header:
            return None
        if kind == b"moov":
            if size - header > MAX_HEADER:
                return None
            file.seek(offset + header)
            return file.read(size - header)
        offset += size
    return None


def _mp4(file: BinaryIO) -> VideoHeader | None:
    moov = _moov(file)
    if moov is None:
        return None
    duration = width = height = None
    for kind, start, end in _boxes(moov, 0, len(moov)):
        if kind == b"mvhd" and end - start >= 32:
            if moov[start] == 1:
                scale, length = struct.unpack_from(">IQ", moov, start + 20)
            else:
                scale, length = struct.unpack_from(">II", moov, start + 12)
            duration = length / scale if scale and length else None
        elif kind == b"trak" and width is None:
            for inner, innerStart, innerEnd in _boxes(moov, start, end):
                if inner != b"tkhd":
                    continue
                at = innerStart + (88 if moov[innerStart] == 1 else 76)
                if at + 8 <= innerEnd:
                    w, h = struct.unpack_from(">II", moov, at)
                    if w >> 16 and h >> 16:
                        width, height = w >> 16, h >> 16
    return VideoHeader(duration, width, height)


_EBML = 0x1A45DFA3
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TRACKS = 0x1654AE6B
_TRACK_ENTRY = 0xAE
_VIDEO = 0xE0
_CLUSTER = 0x1F43B675


def _vint(data: bytes, offset: int, keepMarker: bool) -> tuple[int, int, bool]:
    """
    An EBML variable-length integer at C{offset}: its value, where it
    ends, and whether it is all ones (an unknown size).

    @raise IndexError: it runs past the data or is malformed.
    """
    first = data[offset]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise IndexError("bad EBML number")
    value = first if keepMarker else first & (0xFF >> length)
    for byte in data[offset + 1:offset + length]:
        value = value << 8 | byte
    if offset + length > len(data):
        raise IndexError("truncated EBML number")
    unknown = not keepMarker and value == (1 << (7 * length)) - 1
    return value, offset + length, unknown


def _elements(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """
    The EBML elements in C{data[start:end]}: their id, and where their
    bodies start and end (an unknown size runs to C{end}).
    """
    offset = start
    while offset < end:
        elementId, offset, _ = _vint(data, offset, True)
        size, offset, unknown = _vint(data, offset, False)
        bodyEnd = end if unknown else min(offset + size, end)
        yield elementId, offset, bodyEnd
        offset = bodyEnd


def _number(data: bytes, start: int, end: int) -> int:
    return int.from_bytes(data[start:end], "big") if end - start <= 8 else 0


def _matroska(file: BinaryIO) -> VideoHeader | None:
    data = file.read(min(MAX_HEADER, 1024 * 1024))
    scale, length = 1_000_000, None
    width = height = None
    for elementId, start, end in _elements(data, 0, len(data)):
        if elementId != _SEGMENT:
            continue
        for child, childStart, childEnd in _elements(data, start, end):
            if child == _CLUSTER:
                break
            if child == _INFO:
                for field, fieldStart, fieldEnd in _elements(data, childStart, childEnd):
                    if field == 0x2AD7B1:
                        scale = _number(data, fieldStart, fieldEnd) or scale
                    elif field == 0x4489 and fieldEnd - fieldStart in (4, 8):
                        length = struct.unpack_from(">f" if fieldEnd - fieldStart == 4 else ">d", data, fieldStart)[0]
            elif child == _TRACKS and width is None:
                width, height = _matroskaPicture(data, childStart, childEnd)
        break
    duration = length * scale / 1e9 if length is not None and length > 0 else None
    return VideoHeader(duration, width, height)


def _matroskaPicture(data: bytes, start: int, end: int) -> tuple[int | None, int | None]:
    for entry, entryStart, entryEnd in _elements(data, start, end):
        if entry != _TRACK_ENTRY:
            continue
        for field, fieldStart, fieldEnd in _elements(data, entryStart, entryEnd):
            if field != _VIDEO:
                continue
            sizes = {
                key: _number(data, keyStart, keyEnd)
                for key, keyStart, keyEnd in _elements(data, fieldStart, fieldEnd) if key in (0xB0, 0xBA)
            }
            if sizes.get(0xB0) and sizes.get(0xBA):
                return sizes[0xB0], sizes[0xBA]
    return None, None


def readVideoHeader(file: BinaryIO) -> VideoHeader | None:
    """
    Read a video's duration and picture size from the header of an MP4 or
    Matroska C{file} (open for reading in binary), or L{None} if it is
    neither or its header cannot be read.

    @raise OSError: the file cannot be read.
    """
    head = file.read(12)
    file.seek(0)
    try:
        if head[4:8] == b"ftyp":
            return _mp4(file)
        if head[:4] == struct.pack(">I", _EBML):
            return _matroska(file)
    except (IndexError, struct.error):
        return None
    return None
