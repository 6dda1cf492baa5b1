# -*- test-case-name: tests.ssdp.test_limits -*-
"""
Limits that keep a responder from being used as a traffic amplifier, while
every legitimate search is answered.

A search costs what is sent for it: one token per answer.  Each source
address has a token bucket (L{CostBuckets}) refilled at C{rate} answers per
second up to C{burst}; a search is answered completely or not at all.  So a
second control point on the same host, or one repeating a search because
the first answers were lost, is answered again, and what one source can
make the host send stays bounded by C{rate} on average.  A search costing
more than a whole burst (an C{ssdp:all} of a host with hundreds of devices)
is answered only when the bucket is full, and leaves it in debt.

What is sent later (within MX, or paced) is bounded by C{maxPending}, and
L{coherence_lite.ssdp.pacing.Pacer} sends it at most C{pace} answers per
second for all sources together.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from twisted.internet.interfaces import IReactorTime

__all__ = ["ResponderLimits", "CostBuckets"]


@dataclass(frozen=True)
class ResponderLimits:
    """
    How much a responder answers.

    @ivar rate: answers per second per source address, on average.
    @ivar burst: answers a source may be sent at once.
    @ivar maxPending: answers waiting to be sent (for their MX delay, or for
        the pace), all sources together; a search that would go beyond is
        not answered.
    @ivar maxSources: source addresses remembered for rate limiting; the
        least recently seen is forgotten first.
    @ivar pace: answers per second sent later (within MX, or a search with
        many answers), all sources together: no burst goes over it.
    """

    rate: float = 50.0
    burst: int = 100
    maxPending: int = 10000
    maxSources: int = 4096
    pace: float = 2000.0


class CostBuckets:
    """
    One token bucket per key (a source address), bounded in number; an
    event takes as many tokens as it costs.
    """

    def __init__(self, clock: IReactorTime, rate: float, burst: int, maxKeys: int) -> None:
        self._clock = clock
        self._rate = rate
        self._burst = float(burst)
        self._maxKeys = maxKeys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, cost: int = 1, now: float | None = None) -> bool:
        """
        Take C{cost} tokens from C{key}'s bucket if it holds them, or if it
        is full (a cost above the burst then leaves it in debt).

        @param now: the clock's time, when the caller has it already.
        @return: whether they were taken.
        """
        if now is None:
            now = self._clock.seconds()
        buckets = self._buckets
        entry = buckets.pop(key, None)
        if entry is None:
            tokens = self._burst
            if len(buckets) >= self._maxKeys:
                buckets.popitem(last=False)
        else:
            tokens = min(self._burst, entry[0] + (now - entry[1]) * self._rate)
        allowed = tokens >= cost or tokens >= self._burst
        if allowed:
            tokens -= cost
        buckets[key] = (tokens, now)
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)
