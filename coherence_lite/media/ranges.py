# -*- test-case-name: tests.media.test_ranges -*-
"""
HTTP byte ranges (pure): what part of a file of a known size a request's
C{Range} and C{If-Range} headers ask for (RFC 9110 section 14, formerly
RFC 7233), and the validators (C{ETag}, C{Last-Modified}) they are checked
against.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

__all__ = ["ByteRange", "UNSATISFIABLE", "Unsatisfiable", "Validators", "requestedRange"]

# One range spec: `first-last`, `first-` or `-suffix`, digits only.
_SPEC = re.compile(r"\s*(\d{0,20})\s*-\s*(\d{0,20})\s*")


@dataclass(frozen=True)
class ByteRange:
    """
    The bytes C{first} to C{last} (inclusive) of a file of C{size} bytes.
    """

    first: int
    last: int
    size: int

    @property
    def length(self) -> int:
        """
        How many bytes the range holds.
        """
        return self.last - self.first + 1

    def contentRange(self) -> bytes:
        """
        The C{Content-Range} value of a 206 answer.
        """
        return b"bytes %d-%d/%d" % (self.first, self.last, self.size)


@dataclass(frozen=True)
class Unsatisfiable:
    """
    The range asked for lies beyond the file: answer 416.
    """

    def contentRange(self, size: int) -> bytes:
        """
        The C{Content-Range} value of a 416 answer for a file of C{size}
        bytes.
        """
        return b"bytes */%d" % (size,)


#: The one L{Unsatisfiable} value.
UNSATISFIABLE = Unsatisfiable()


@dataclass(frozen=True)
class Validators:
    """
    What identifies one version of a file: its C{ETag} (strong) and its
    C{Last-Modified} date.

    @ivar etag: the quoted entity tag.
    @ivar lastModified: the HTTP date.
    """

    etag: bytes
    lastModified: bytes

    @classmethod
    def of(cls, size: int, mtimeNanoseconds: int, inode: int) -> Validators:
        """
        The validators of a file by its size, modification time (ns) and
        inode number.
        """
        etag = b'"%x-%x-%x"' % (inode, size, mtimeNanoseconds)
        seconds = mtimeNanoseconds // 1_000_000_000
        return cls(etag, _httpDate(seconds))

    def matchIfRange(self, value: bytes) -> bool:
        """
        Whether an C{If-Range} value names this version: the same strong
        entity tag, or exactly our C{Last-Modified} date as we sent it
        (RFC 9110 13.1.5: clients echo it); a weak tag or anything else does
        not.
        """
        value = value.strip()
        if value.startswith((b'"', b"W/")):
            return value == self.etag
        return value == self.lastModified


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _httpDate(seconds: int) -> bytes:
    """
    The IMF-fixdate of a time, whatever the locale.
    """
    when = time.gmtime(seconds)
    return (
        f"{_DAYS[when.tm_wday]}, {when.tm_mday:02d} {_MONTHS[when.tm_mon - 1]} {when.tm_year} "
        f"{when.tm_hour:02d}:{when.tm_min:02d}:{when.tm_sec:02d} GMT"
    ).encode("ascii")


def requestedRange(rangeHeader: bytes | None, size: int) -> ByteRange | Unsatisfiable | None:
    """
    What a C{Range} header asks of a file of C{size} bytes.

    @return: L{None} to answer the whole file (no header, another unit, a
        malformed header, or several ranges: a server may ignore C{Range},
        and one whole answer is simpler and no larger than a multipart
        one); a L{ByteRange} for one satisfiable range (its end clamped to
        the file); L{UNSATISFIABLE} when the one range starts at or beyond
        the end (C{bytes=-0} too, and any range of an empty file).
    """
    if rangeHeader is None:
        return None
    try:
        text = rangeHeader.decode("ascii")
    except UnicodeDecodeError:
        return None
    unit, equals, specs = text.partition("=")
    if not equals or unit.strip().lower() != "bytes" or "," in specs:
        return None
    match = _SPEC.fullmatch(specs)
    if match is None:
        return None
    firstText, lastText = match.groups()
    if not firstText:
        if not lastText:
            return None
        suffix = int(lastText)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return ByteRange(max(0, size - suffix), size - 1, size)
    first = int(firstText)
    if lastText and int(lastText) < first:
        return None
    if first >= size:
        return UNSATISFIABLE
    last = min(int(lastText), size - 1) if lastText else size - 1
    return ByteRange(first, last, size)
