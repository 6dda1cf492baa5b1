# -*- test-case-name: tests.controlpoint.test_subscriber -*-
"""
The subscriber's side of GENA messages: the headers of SUBSCRIBE, renewal
and UNSUBSCRIBE, what an answer to SUBSCRIBE grants, and the L{Event}
values a L{coherence_lite.controlpoint.subscriber.Subscriber} delivers.

The header rules themselves (SID, TIMEOUT, NT) are
L{coherence_lite.eventing.message}'s, the host's own.

Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from coherence_lite.controlpoint.reply import Reply
from coherence_lite.eventing.message import DEFAULT_TIMEOUT, MAX_TIMEOUT, NT_EVENT, parseSID, parseTimeout
from coherence_lite.model.types import Value

__all__ = [
    "Event",
    "Notice",
    "GONE",
    "RESUBSCRIBED",
    "CONFIRMED",
    "LOST",
    "ENDED",
    "SubscribeError",
    "subscribeHeaders",
    "renewHeaders",
    "unsubscribeHeaders",
    "grantOf",
]

#: The device said byebye; events resume once it is back.
GONE = "gone"
#: The device had forgotten the subscription (it restarted, or events were
#: missed): a new one was made, whose first event carries every value.
RESUBSCRIBED = "resubscribed"
#: The device restarted or moved yet still knows the subscription.
CONFIRMED = "confirmed"
#: The subscription could not be made again; the next announcement of the
#: device (or the next renewal) tries again.
LOST = "lost"
#: UNSUBSCRIBE found the subscription already ended on the device.
ENDED = "ended"


@dataclass(frozen=True)
class Event:
    """
    One event message of a subscription.

    @ivar properties: (variable name, text) as sent, in order.
    @ivar values: the values decoded with the SCPD's types (empty without
        an SCPD).
    @ivar missed: how many events before this one never arrived.
    """

    sid: str
    seq: int
    properties: tuple[tuple[str, str], ...]
    values: Mapping[str, Value] = field(default_factory=dict)
    missed: int = 0


@dataclass(frozen=True)
class Notice:
    """
    Something that happened to a subscription besides its events, for the
    user to hear of.

    @ivar kind: L{GONE}, L{RESUBSCRIBED}, L{CONFIRMED}, L{LOST} or L{ENDED}.
    @ivar reason: what happened, in words fit for a user.
    @ivar sid: the subscription's SID now (the new one once resubscribed).
    """

    kind: str
    reason: str
    sid: str | None = None


class SubscribeError(Exception):
    """
    A subscription the device refused or did not answer.

    @ivar reason: why, in words fit for a user.
    @ivar status: the HTTP status of the refusal, if there was one.
    """

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def subscribeHeaders(callbacks: str, timeout: int | None = DEFAULT_TIMEOUT) -> list[tuple[bytes, bytes]]:
    """
    The headers of a new subscription: CALLBACK (C{callbacks}, each URL in
    angle brackets already), NT and, unless L{None}, TIMEOUT.
    """
    headers = [(b"CALLBACK", callbacks.encode("ascii")), (b"NT", NT_EVENT.encode("ascii"))]
    if timeout is not None:
        headers.append((b"TIMEOUT", b"Second-%d" % (timeout,)))
    return headers


def renewHeaders(sid: str, timeout: int | None = DEFAULT_TIMEOUT) -> list[tuple[bytes, bytes]]:
    """
    The headers of a renewal: SID and, unless L{None}, TIMEOUT.
    """
    headers = [(b"SID", sid.encode("ascii"))]
    if timeout is not None:
        headers.append((b"TIMEOUT", b"Second-%d" % (timeout,)))
    return headers


def unsubscribeHeaders(sid: str) -> list[tuple[bytes, bytes]]:
    """
    The headers of an UNSUBSCRIBE.
    """
    return [(b"SID", sid.encode("ascii"))]


def grantOf(reply: Reply) -> tuple[str, int] | str:
    """
    The SID and seconds granted by an answer to SUBSCRIBE, or why it grants
    nothing (a status other than 200, no usable SID or TIMEOUT).
    """
    if reply.code != 200:
        return f"HTTP status {reply.code}"
    sid = parseSID(reply.header("sid"))
    if sid is None:
        return f"no usable SID (got {reply.header('sid')!r:.80})"
    timeout = reply.header("timeout")
    if timeout is None:
        return "no TIMEOUT"
    return sid, parseTimeout(timeout, minimum=1, maximum=MAX_TIMEOUT, default=MAX_TIMEOUT)
