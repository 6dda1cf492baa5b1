# -*- test-case-name: tests.test_responder -*-
"""
Limits that keep a responder from being used as a traffic amplifier.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from twisted.internet.interfaces import IReactorTime

__all__ = ["ResponderLimits", "TokenBuckets"]


@dataclass(frozen=True)
class ResponderLimits:
    """
    How much a responder answers.

    @ivar rate: M-SEARCHes per second answered per source address.
    @ivar burst: how many M-SEARCHes a source may send at once.
    @ivar maxPending: responses waiting for their MX delay, all sources
        together; more are dropped.
    @ivar maxSources: source addresses remembered for rate limiting; the
        least recently seen is forgotten first.
    """

    rate: float = 10.0
    burst: int = 20
    maxPending: int = 2000
    maxSources: int = 4096


class TokenBuckets:
    """
    One token bucket per key (a source address), bounded in number.
    """

    def __init__(self, clock: IReactorTime, rate: float, burst: int, maxKeys: int) -> None:
        self._clock = clock
        self._rate = rate
        self._burst = burst
        self._maxKeys = maxKeys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        """
        Take one token from C{key}'s bucket.

        @return: whether there was one.
        """
        now = self._clock.seconds()
        tokens, last = self._buckets.pop(key, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - last) * self._rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._maxKeys:
            self._buckets.popitem(last=False)
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)
