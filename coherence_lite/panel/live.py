# -*- test-case-name: tests.panel.test_live -*-
"""
Live values for presentation pages: a server-sent events stream
(C{text/event-stream}) per open page, fed by the L{ServiceState} observers
of the device's services.

Each stream first sends every value (so a page rendered earlier catches
up), then one event per changed variable: C{data: {"id": ..., "text":
...}}, the id of the element showing it and the value as the page shows it.

Bounded like every other HTTP answer of the host:

  - at most L{LiveLimits.maxPerClient} streams per client address and
    L{LiveLimits.maxStreams} in all; more are answered C{503} (the page
    still works, without live values);
  - a stream ends after L{LiveLimits.lifetime} seconds (the browser's
    C{EventSource} reconnects by itself), so a stream left open by a
    vanished page, or one on a tree swapped out by a reload, does not stay;
  - a comment line every L{LiveLimits.heartbeat} seconds finds dead
    connections, and a stream whose site now serves another tree (the
    devices were reloaded) ends then;
  - what waits for a client that does not read is one latest value per
    variable (merged like GENA merges events in flight), and a client that
    reads nothing for L{LiveLimits.stallTimeout} seconds is cut off.

The HTTP channel's idle timeout does not run while a response is being
sent, and its request deadline stops once the request is in: these bounds
are what keeps a stream from living forever.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence, cast

from twisted.internet.interfaces import IDelayedCall, IPushProducer, IReactorTime
from twisted.logger import Logger
from twisted.web.http import HTTPChannel
from twisted.web.server import Request
from zope.interface import implementer

from coherence_lite.backend.state import ServiceState
from coherence_lite.stats import Stats

__all__ = ["EVENT_STREAM", "LiveLimits", "LiveStreams", "Source"]

log = Logger()

#: The Content-Type of a stream.
EVENT_STREAM = b"text/event-stream; charset=utf-8"

#: How many milliseconds a browser waits before reconnecting.
_RETRY = b"retry: 3000\n\n"
_HEARTBEAT = b": keep-alive\n\n"


@dataclass(frozen=True)
class LiveLimits:
    """
    The bounds of the live streams of a host.

    @ivar maxPerClient: open streams per client address.
    @ivar maxStreams: open streams in all.
    @ivar lifetime: seconds before a stream is ended (the browser
        reconnects).
    @ivar heartbeat: seconds between two keep-alive comments.
    @ivar stallTimeout: seconds a client may leave its stream unread.
    """

    maxPerClient: int = 4
    maxStreams: int = 64
    lifetime: float = 300.0
    heartbeat: float = 15.0
    stallTimeout: float = 30.0


@dataclass(frozen=True)
class Source:
    """
    One service's state as a stream follows it.

    @ivar state: the state observed.
    @ivar ids: the page element showing each variable, by variable name.
    @ivar show: the text a page shows for a variable's value.
    """

    state: ServiceState
    ids: dict[str, str]
    show: Callable[[str, object], str]


def _event(elementId: str, text: str) -> bytes:
    return b"data: " + json.dumps({"id": elementId, "text": text}).encode("utf-8") + b"\n\n"


@implementer(IPushProducer)
class _Stream:
    """
    One open stream: observes the sources, writes their changes, ends
    itself when its time is up or its client is gone.
    """

    def __init__(
        self, streams: LiveStreams, clock: IReactorTime, request: Request, client: str, sources: Sequence[Source]
    ) -> None:
        self._streams = streams
        self._clock = clock
        self._request = request
        self._client = client
        self._sources = sources
        self._observers: list[tuple[ServiceState, Callable[[dict[str, object]], None]]] = []
        self._pending: dict[str, str] = {}
        self._paused = False
        self._done = False
        limits = streams.limits
        self._timers: dict[str, IDelayedCall] = {
            "end": clock.callLater(limits.lifetime, self.close),
            "beat": clock.callLater(limits.heartbeat, self._beat),
        }

    def start(self) -> None:
        """
        Send the headers, the retry delay and every value, and start
        observing.
        """
        request = self._request
        request.setResponseCode(200)
        request.setHeader(b"Content-Type", EVENT_STREAM)
        request.setHeader(b"Cache-Control", b"no-store")
        request.registerProducer(self, True)
        request.notifyFinish().addBoth(lambda _: self._gone())
        snapshot = [_RETRY]
        for source in self._sources:
            observer = self._observer(source)
            source.state.addObserver(observer, allVariables=True)
            self._observers.append((source.state, observer))
            for name, value in source.state.values().items():
                if name in source.ids:
                    snapshot.append(_event(source.ids[name], source.show(name, value)))
        request.write(b"".join(snapshot))

    def _observer(self, source: Source) -> Callable[[dict[str, object]], None]:
        def changed(values: dict[str, object]) -> None:
            for name, value in values.items():
                if name in source.ids:
                    self._pending[source.ids[name]] = source.show(name, value)
            self._flush()

        return changed

    def _flush(self) -> None:
        if self._paused or self._done or not self._pending:
            return
        pending, self._pending = self._pending, {}
        self._request.write(b"".join(_event(elementId, text) for elementId, text in pending.items()))

    def _beat(self) -> None:
        tree = self._streams.tree
        if tree is not None and getattr(self._request.site, "resource", tree) is not tree:
            # The site serves a new tree (a reload): the browser reconnects
            # to the new page, whose runtimes are the ones now called.
            self.close()
            return
        self._timers["beat"] = self._clock.callLater(self._streams.limits.heartbeat, self._beat)
        if not self._paused:
            self._request.write(_HEARTBEAT)

    # IPushProducer: the transport's buffer is full, or has room again.

    def pauseProducing(self) -> None:
        """
        Hold changes (merged) until the client reads; cut it off if it
        does not within the stall timeout.
        """
        if not self._paused and not self._done:
            self._paused = True
            self._timers["stall"] = self._clock.callLater(self._streams.limits.stallTimeout, self._stalled)

    def resumeProducing(self) -> None:
        """
        Send what waited.
        """
        self._paused = False
        stall = self._timers.pop("stall", None)
        if stall is not None and stall.active():
            stall.cancel()
        self._flush()

    def stopProducing(self) -> None:
        """
        The connection is going: stop observing.
        """
        self._gone()

    def _stalled(self) -> None:
        self._timers.pop("stall", None)
        self._streams.stats.count("pages.live.stalled")
        channel = self._request.channel
        self._gone()
        if isinstance(channel, HTTPChannel):
            channel.forceAbortClient()

    def close(self) -> None:
        """
        End the stream (the browser reconnects after the retry delay).
        """
        end = self._timers.pop("end", None)
        if end is not None and end.active():
            end.cancel()
        if self._done:
            return
        self._gone()
        self._request.unregisterProducer()
        self._request.finish()

    def _gone(self) -> None:
        if self._done:
            return
        self._done = True
        for state, observer in self._observers:
            state.removeObserver(observer)
        self._observers = []
        self._pending = {}
        for timer in self._timers.values():
            if timer.active():
                timer.cancel()
        self._timers = {}
        self._streams.closed(self, self._client)


class LiveStreams:
    """
    The open live streams of a host, within its L{LiveLimits}.

    @ivar clock: runs the lifetimes, heartbeats and stall timeouts; when
        L{None}, the reactor of the site of the first request streamed.
    @ivar limits: the bounds.
    @ivar stats: where streams opened, refused and cut off are counted.
    @ivar tree: the resource tree the streams belong to, if known: once the
        site serves another one (a reload), each stream ends at its next
        heartbeat.
    """

    def __init__(self, clock: IReactorTime | None = None, limits: LiveLimits = LiveLimits(), stats: Stats | None = None) -> None:
        self.clock = clock
        self.limits = limits
        self.stats = stats if stats is not None else Stats()
        self.tree: object | None = None
        self._open: set[_Stream] = set()
        self._perClient: Counter[str] = Counter()

    def open(self, request: Request, client: str, sources: Sequence[Source]) -> bool:
        """
        Start a stream answering C{request}, unless a cap is reached.

        @param client: the client's address, for the per-client cap.
        @param sources: what the stream follows.
        @return: whether the stream started (else nothing was written).
        """
        if len(self._open) >= self.limits.maxStreams or self._perClient[client] >= self.limits.maxPerClient:
            self.stats.count("pages.live.refused")
            log.debug("Live stream for {client} refused: too many open", client=client)
            return False
        if self.clock is None:
            self.clock = cast(IReactorTime, getattr(request.site, "reactor"))
        stream = _Stream(self, self.clock, request, client, sources)
        self._open.add(stream)
        self._perClient[client] += 1
        self.stats.count("pages.live.streams")
        stream.start()
        return True

    def closed(self, stream: _Stream, client: str) -> None:
        """
        Forget a stream that ended.
        """
        if stream in self._open:
            self._open.discard(stream)
            self._perClient[client] -= 1
            if self._perClient[client] <= 0:
                del self._perClient[client]

    def closeAll(self) -> None:
        """
        End every open stream.
        """
        for stream in list(self._open):
            stream.close()
