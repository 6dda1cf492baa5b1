# -*- test-case-name: tests.media.test_sending -*-
"""
Sending a byte range of an open file as the body of a twisted.web request:
zero-copy with C{os.sendfile} straight to the socket when the connection is
plain TCP, else through a bounded buffer; either way at most one chunk in
memory per connection, paced by the client.
"""

from __future__ import annotations

import errno
import os
from twisted.internet import tcp
from twisted.internet.interfaces import IPullProducer, IPushProducer
from twisted.logger import Logger
from twisted.web.server import Request
from zope.interface import implementer

__all__ = ["BufferedSender", "SendfileSender", "sendRange"]

log = Logger()

#: Bytes read per chunk by the buffered sender (Twisted's transport buffer
#: size: one chunk fills it, so the client paces the reads).
CHUNK = 65536

#: Bytes one sendfile turn may send before letting other connections run.
TURN = 8 * 1024 * 1024

# sendfile cannot serve this pair of descriptors: fall back to reading.
_NO_SENDFILE = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSOCK)


def _closeQuietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _abort(request: Request) -> None:
    """
    Cut the connection: the body cannot be what the headers promised.
    """
    channel = request.channel
    transport = getattr(channel, "transport", None)
    if transport is not None:
        transport.abortConnection()


@implementer(IPullProducer)
class BufferedSender:
    """
    Reads a range of a file in L{CHUNK}s and writes them to the request,
    one chunk each time the transport asks for more.

    The request is finished once its last chunk has left the transport's
    buffer, so a completed download never counts as answers left unread
    and the connection stays open for the next request.
    """

    def __init__(self, request: Request, fd: int, offset: int, count: int) -> None:
        """
        @param fd: an open descriptor of the file; the sender closes it.
        @param offset: the first byte to send.
        @param count: how many bytes to send (at least one).
        """
        self.request = request
        self.fd = fd
        self.offset = offset
        self.remaining = count
        self.done = False

    def start(self) -> None:
        """
        Register with the request; the transport then pulls the chunks.
        """
        self.request.registerProducer(self, False)

    def resumeProducing(self) -> None:
        """
        Send the next chunk, or finish once everything has been sent.
        """
        if self.done:
            return
        if self.remaining == 0:
            self._finish()
            return
        try:
            data = os.pread(self.fd, min(CHUNK, self.remaining), self.offset)
        except OSError as error:
            log.warn("Reading a media file failed: {error}", error=error)
            data = b""
        if not data:
            log.warn("A media file ended {remaining} bytes early; closing the connection", remaining=self.remaining)
            self.stopProducing()
            _abort(self.request)
            return
        self.offset += len(data)
        self.remaining -= len(data)
        self.request.write(data)

    def _finish(self) -> None:
        self.stopProducing()
        self.request.unregisterProducer()
        self.request.finish()

    def stopProducing(self) -> None:
        """
        Stop and close the file (the connection is gone, or we are done).
        """
        if not self.done:
            self.done = True
            _closeQuietly(self.fd)


@implementer(IPushProducer)
class SendfileSender:
    """
    Sends a range of a file with C{os.sendfile} from the file straight to
    the connection's socket, in the reactor thread, without copying it
    through Python.

    The HTTP channel is the producer of its TCP transport; asking the
    transport to write (with the channel marked paused) makes the reactor
    call the channel, and through it this sender, as soon as the
    transport's own buffer (the response head) has left and the socket has
    room.  So bytes never overtake the head and nothing is buffered in
    user space.  If the kernel refuses sendfile for this pair of
    descriptors before a byte was sent, the range goes through a
    L{BufferedSender} instead.
    """

    def __init__(self, request: Request, transport: tcp.Connection, fd: int, offset: int, count: int) -> None:
        """
        @param transport: the request's plain TCP transport.
        @param fd: an open descriptor of the file; the sender closes it.
        """
        self.request = request
        self.transport = transport
        self.fd = fd
        self.offset = offset
        self.remaining = count
        self.done = False
        self.paused = False
        self.sent = 0

    def start(self) -> None:
        """
        Register with the request, send the head and wait for room.
        """
        self.request.registerProducer(self, True)
        self.request.write(b"")
        self._waitForRoom()

    def _waitForRoom(self) -> None:
        # The channel is the transport's streaming producer: marked paused,
        # it is resumed (and resumes us) once the transport has written
        # everything it holds and the socket accepts more.
        self.transport.producerPaused = True
        self.transport.startWriting()

    def _transportHoldsData(self) -> bool:
        transport = self.transport
        return bool(len(transport.dataBuffer) - transport.offset or getattr(transport, "_tempDataLen", 0))

    def pauseProducing(self) -> None:
        """
        The channel asks us to wait.
        """
        self.paused = True

    def resumeProducing(self) -> None:
        """
        Send what the socket takes, up to L{TURN} bytes, then wait for room
        again, or finish.
        """
        self.paused = False
        if self.done:
            return
        if self._transportHoldsData():
            self._waitForRoom()
            return
        socketFd = self.transport.fileno()
        budget = TURN
        while self.remaining and budget > 0 and not self.paused:
            try:
                sent = os.sendfile(socketFd, self.fd, self.offset, min(self.remaining, budget))
            except InterruptedError:
                continue
            except BlockingIOError:
                break
            except OSError as error:
                self._failed(error)
                return
            if sent == 0:
                log.warn("A media file ended {remaining} bytes early; closing the connection", remaining=self.remaining)
                self._stop()
                _abort(self.request)
                return
            self.offset += sent
            self.remaining -= sent
            self.sent += sent
            budget -= sent
        if self.remaining == 0:
            self._stop()
            self.request.unregisterProducer()
            self.request.finish()
        elif not self.paused:
            self._waitForRoom()

    def _failed(self, error: OSError) -> None:
        if error.errno in _NO_SENDFILE and self.sent == 0:
            log.debug("sendfile refused ({error}); sending through a buffer", error=error)
            self.done = True
            self.request.unregisterProducer()
            BufferedSender(self.request, self.fd, self.offset, self.remaining).start()
            return
        log.debug("Media client gone while sending: {error}", error=error)
        self._stop()
        _abort(self.request)

    def _stop(self) -> None:
        if not self.done:
            self.done = True
            _closeQuietly(self.fd)

    def stopProducing(self) -> None:
        """
        The connection is gone: close the file.
        """
        self._stop()


def sendRange(request: Request, fd: int, offset: int, count: int, zeroCopy: bool = True) -> None:
    """
    Send C{count} bytes of C{fd} from C{offset} as the body of C{request},
    then finish it; the sender closes C{fd}.

    @param zeroCopy: use C{os.sendfile} when the transport is plain TCP.
    """
    transport = getattr(request.channel, "transport", None)
    if zeroCopy and hasattr(os, "sendfile") and isinstance(transport, tcp.Connection):
        SendfileSender(request, transport, fd, offset, count).start()
    else:
        BufferedSender(request, fd, offset, count).start()
