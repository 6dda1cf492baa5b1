# -*- test-case-name: tests.media.test_streaming -*-
"""
The streaming resource of the MediaServer, mounted at C{/media/}: serves
C{/media/<objectId>[.ext]} by object id only (the library's lookup names
the file, never the client), with RFC 9110 byte ranges, C{If-Range},
C{HEAD}, validators and DLNA's C{transferMode.dlna.org} and
C{contentFeatures.dlna.org} headers; the body goes out zero-copy where the
connection allows (see L{coherence_lite.media.sending}).

What it answers:

  - C{200} with the whole file, or C{206} with one range and its
    C{Content-Range}; several ranges, a malformed C{Range} or an C{If-Range}
    naming another version of the file answer the whole file;
  - C{416} with C{Content-Range: bytes */LEN} for a range starting at or
    past the end;
  - C{406} to C{TimeSeekRange.dlna.org} and C{PlaySpeed.dlna.org} (no time
    seek, no trick play), C{405} to methods other than C{GET} and C{HEAD};
  - C{404} for an unknown id, a malformed or nested path, or a file that
    turns out to be outside the media folders or gone; C{403} for a file
    the server may not read (each logged once, never a traceback).

C{contentFeatures.dlna.org} is sent on every answer, asked for with
C{getcontentFeatures.dlna.org: 1} or not (as minidlna does: renderers that
forget to ask still learn they may seek).  C{transferMode.dlna.org} echoes
the mode a client asks for (Samsung asks Interactive for video: we are
lenient) and is otherwise Streaming for audio and video, Interactive for
the rest.  A video with a subtitle answers Samsung's
C{getCaptionInfo.sec: 1} with C{CaptionInfo.sec: <its URL>}.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import quote

from twisted.internet.defer import Deferred, maybeDeferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from coherence_lite.backend.request import baseURL
from coherence_lite.http.resources import HTML_CONTENT_TYPE, errorPage, sendHeaders
from coherence_lite.media import dlna
from coherence_lite.media.containment import NotContained, openContained, resolveRoots
from coherence_lite.media.ranges import ByteRange, Unsatisfiable, Validators, requestedRange
from coherence_lite.media.sending import sendRange
from coherence_lite.media.target import StreamTarget

__all__ = ["Lookup", "StreamingResource", "objectIdOf"]

log = Logger()

#: What the library answers for an object id: the file to serve, or
#: L{None} when the id names no servable file.
Lookup = Callable[[str], "Deferred[StreamTarget | None]"]

#: The longest object id (in characters) a request may name.
MAX_ID_LENGTH = 256

# Characters an object id never holds: separators and controls.
_BAD_ID = re.compile("[/\\\\\x00-\x1f\x7f]")

# The transfer modes a client may ask for, by their lower-case spelling.
_MODES = {mode.lower().encode("ascii"): mode.encode("ascii") for mode in ("Streaming", "Interactive", "Background")}

_ALLOWED = b"GET, HEAD"


def _spellDlnaHeaders() -> None:
    """
    Have twisted.web write DLNA's header names as the guidelines spell
    them (C{transferMode.dlna.org}, not C{Transfermode.dlna.org}): some
    renderers match them case-sensitively.  twisted.web keeps its table of
    unconventional spellings on a private class; without it, names keep
    Twisted's capitalisation, which HTTP allows.
    """
    from twisted.web import http_headers

    mappings = getattr(getattr(http_headers, "_NameEncoder", None), "_caseMappings", None)
    if isinstance(mappings, dict):
        for name in (b"transferMode.dlna.org", b"contentFeatures.dlna.org", b"CaptionInfo.sec"):
            mappings[name.capitalize()] = name


_spellDlnaHeaders()


def objectIdOf(postpath: Sequence[bytes]) -> str | None:
    """
    The object id a request path below C{/media/} names, or L{None}.

    The path must be one segment (already percent-decoded by twisted.web),
    valid UTF-8, without separators or control characters; an extension
    after the last dot (C{/media/42.mp3}) is ignored.
    """
    if len(postpath) != 1:
        return None
    try:
        segment = postpath[0].decode("utf-8")
    except UnicodeDecodeError:
        return None
    objectId = segment.rpartition(".")[0] if "." in segment else segment
    if not objectId or len(objectId) > MAX_ID_LENGTH or _BAD_ID.search(objectId):
        return None
    return objectId


def _refuse(request: Request, code: int, extra: Sequence[tuple[bytes, bytes]] = ()) -> bytes:
    """
    Answer an error status with the fixed page (no body for C{HEAD}).
    """
    body = errorPage(code)
    sendHeaders(request, code, ((b"Content-Type", HTML_CONTENT_TYPE), *extra), len(body))
    return b"" if request.method == b"HEAD" else body


def _captionInfo(request: Request, target: StreamTarget) -> list[tuple[bytes, bytes]]:
    """
    Samsung's C{CaptionInfo.sec: <subtitle URL>}, for a video with a
    subtitle asked with C{getCaptionInfo.sec: 1}; the URL is on the
    address and port the request came to.
    """
    asked = (request.requestHeaders.getRawHeaders(b"getCaptionInfo.sec") or [b""])[-1].strip()
    if target.caption is None or asked != b"1":
        return []
    here = request.getHost()
    url = f"{baseURL((here.host, here.port))}/media/{quote(target.caption)}"
    return [(b"CaptionInfo.sec", url.encode("ascii"))]


class StreamingResource(Resource):
    """
    Serves library files by object id, with ranges and DLNA headers.

    @ivar roots: the media folders, resolved; a file is served only if the
        file actually opened lies inside one of them.
    """

    isLeaf = True

    def __init__(self, lookup: Lookup, roots: Sequence[Path | str], zeroCopy: bool = True) -> None:
        """
        @param lookup: the library's answer for an object id.
        @param roots: the media folders.
        @param zeroCopy: send with C{os.sendfile} where the connection is
            plain TCP (else always through a bounded buffer).
        """
        super().__init__()
        self.lookup = lookup
        self.roots = resolveRoots(roots)
        self.zeroCopy = zeroCopy

    def render(self, request: Request) -> bytes | int:
        """
        Check the request, look the id up, then serve the file.
        """
        if request.method not in (b"GET", b"HEAD"):
            return _refuse(request, 405, ((b"Allow", _ALLOWED),))
        objectId = objectIdOf(request.postpath or [])
        if objectId is None:
            return _refuse(request, 404)
        headers = request.requestHeaders
        if headers.hasHeader(b"TimeSeekRange.dlna.org") or headers.hasHeader(b"PlaySpeed.dlna.org"):
            return _refuse(request, 406)
        gone: list[bool] = []
        request.notifyFinish().addErrback(lambda _: gone.append(True))
        found = maybeDeferred(self.lookup, objectId)
        found.addCallback(self._serve, request, objectId, gone)
        found.addErrback(self._failed, request, gone)
        return NOT_DONE_YET

    def _failed(self, failure: Failure, request: Request, gone: list[bool]) -> None:
        if gone:
            log.failure("Media request failed after its client left", failure=failure)
            return
        request.processingFailed(failure)

    def _serve(self, target: StreamTarget | None, request: Request, objectId: str, gone: list[bool]) -> None:
        if gone:
            return
        if target is None:
            self._finish(request, _refuse(request, 404))
            return
        try:
            fd = openContained(target.path, self.roots)
        except NotContained as reason:
            log.warn("Media object {id} not served: {reason}", id=objectId, reason=str(reason))
            self._finish(request, _refuse(request, 404))
            return
        except PermissionError as error:
            log.warn("Media object {id} not readable: {error}", id=objectId, error=str(error))
            self._finish(request, _refuse(request, 403))
            return
        except OSError as error:
            log.info("Media object {id} not served: {error}", id=objectId, error=str(error))
            self._finish(request, _refuse(request, 404))
            return
        try:
            self._answer(request, target, fd)
        except BaseException:
            os.close(fd)
            raise

    def _answer(self, request: Request, target: StreamTarget, fd: int) -> None:
        info = os.fstat(fd)
        size = info.st_size
        validators = Validators.of(size, info.st_mtime_ns, info.st_ino)
        headers = request.requestHeaders
        byteRange = requestedRange(headers.getRawHeaders(b"Range", [None])[-1], size)
        ifRange = headers.getRawHeaders(b"If-Range")
        if byteRange is not None and ifRange is not None and not validators.matchIfRange(ifRange[-1]):
            byteRange = None
        asked = (headers.getRawHeaders(b"transferMode.dlna.org") or [b""])[-1].strip().lower()
        common = [
            (b"Accept-Ranges", b"bytes"),
            (b"ETag", validators.etag),
            (b"Last-Modified", validators.lastModified),
            (b"transferMode.dlna.org", _MODES.get(asked) or dlna.transferMode(target.mimeType).encode("ascii")),
            (b"contentFeatures.dlna.org", dlna.contentFeatures(target.mimeType, target.dlnaProfile, target.converted).encode("ascii")),
            *_captionInfo(request, target),
        ]
        if isinstance(byteRange, Unsatisfiable):
            os.close(fd)
            self._finish(request, _refuse(request, 416, [*common, (b"Content-Range", byteRange.contentRange(size))]))
            return
        if isinstance(byteRange, ByteRange):
            code, offset, count = 206, byteRange.first, byteRange.length
            common.append((b"Content-Range", byteRange.contentRange()))
        else:
            code, offset, count = 200, 0, size
        sendHeaders(request, code, [(b"Content-Type", target.mimeType.encode("latin-1")), *common], count)
        if request.method == b"HEAD" or count == 0:
            os.close(fd)
            self._finish(request, b"")
            return
        sendRange(request, fd, offset, count, self.zeroCopy)

    @staticmethod
    def _finish(request: Request, body: bytes) -> None:
        if body:
            request.write(body)
        request.finish()
