# -*- test-case-name: tests.conformance.test_rules -*-
"""
The eventing rules of the checker: pure functions over a device's answers
to the probe's SUBSCRIBE, renewal and UNSUBSCRIBE requests and the event
messages it delivered, read with the subscriber's own
L{coherence_lite.controlpoint.gena.grantOf} and checked with the host's
own types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.findings import Finding, finding
from coherence_lite.controlpoint.gena import grantOf
from coherence_lite.model.device import StateVariable
from coherence_lite.model.codecs import decodeValue
from coherence_lite.model.types import DataTypeError

__all__ = [
    "Delivered",
    "checkSubscribe",
    "checkInitialEvent",
    "checkRenew",
    "checkUnknownSID",
    "checkUnsubscribe",
    "checkCallStranger",
]


@dataclass(frozen=True)
class Delivered:
    """
    An event message the probe's callback server accepted.

    @ivar at: seconds after the SUBSCRIBE was sent.
    """

    at: float
    sid: str
    seq: int
    properties: tuple[tuple[str, str], ...]


def _status(fetched: Fetched) -> str:
    return f"no answer: {fetched.error}" if fetched.reply is None else f"HTTP status {fetched.reply.code}"


def checkSubscribe(subject: str, fetched: Fetched) -> Finding:
    """
    eventing.subscribe: the SUBSCRIBE was granted with a SID and TIMEOUT.
    """
    if fetched.reply is None:
        return finding("eventing.subscribe", [_status(fetched)], "", subject)
    grant = grantOf(fetched.reply)
    if isinstance(grant, str):
        return finding("eventing.subscribe", [grant], "", subject)
    return finding("eventing.subscribe", [], f"SID {grant[0]}, {grant[1]} s", subject)


def checkInitialEvent(
    subject: str, sid: str, events: Sequence[Delivered], evented: Sequence[StateVariable], waited: float
) -> Finding:
    """
    eventing.initial-event: the first event of C{sid} has SEQ 0 and every
    evented variable, each a value of its type.
    """
    mine = [event for event in events if event.sid == sid]
    if not mine:
        return finding("eventing.initial-event", [f"no event message within {waited:g} s of SUBSCRIBE"], "", subject)
    first = min(mine, key=lambda event: event.at)
    problems = [] if first.seq == 0 else [f"the first event has SEQ {first.seq}"]
    sent = dict(first.properties)
    missing = [variable.name for variable in evented if variable.name not in sent]
    if missing:
        problems.append(f"the initial event lacks {', '.join(missing[:8])}")
    for variable in evented:
        if variable.name in sent:
            try:
                decodeValue(variable.dataType, sent[variable.name])
            except DataTypeError as e:
                problems.append(f"{variable.name}: {e.reason}")
    return finding("eventing.initial-event", problems, f"SEQ {first.seq} with {len(sent)} variables after {first.at:.2f} s", subject)


def checkRenew(subject: str, sid: str, fetched: Fetched) -> Finding:
    """
    eventing.renew: the renewal was granted, same SID.
    """
    if fetched.reply is None:
        return finding("eventing.renew", [_status(fetched)], "", subject)
    grant = grantOf(fetched.reply)
    if isinstance(grant, str):
        return finding("eventing.renew", [grant], "", subject)
    problems = [] if grant[0] == sid else [f"renewed as {grant[0]}, not {sid}"]
    return finding("eventing.renew", problems, f"renewed for {grant[1]} s", subject)


def checkUnknownSID(subject: str, fetched: Fetched) -> Finding:
    """
    eventing.unknown-sid: a renewal of an unknown SID got 412.
    """
    ok = fetched.reply is not None and fetched.reply.code == 412
    return finding("eventing.unknown-sid", [] if ok else [_status(fetched)], "412", subject)


def checkUnsubscribe(subject: str, fetched: Fetched) -> Finding:
    """
    eventing.unsubscribe: UNSUBSCRIBE got 200.
    """
    ok = fetched.reply is not None and fetched.reply.code == 200
    return finding("eventing.unsubscribe", [] if ok else [_status(fetched)], "200", subject)


def checkCallStranger(subject: str, callback: str, fetched: Fetched) -> Finding:
    """
    eventing.callstranger: a SUBSCRIBE with an off-network CALLBACK was
    refused (any status but 2xx).
    """
    if fetched.reply is None:
        return finding("eventing.callstranger", [], "", subject, [f"no answer to SUBSCRIBE with CALLBACK {callback}: {fetched.error}"])
    if 200 <= fetched.reply.code < 300:
        sid = fetched.reply.header("sid")
        return finding("eventing.callstranger", [f"accepted CALLBACK {callback} (SID {sid!r:.60}): the device can be made to send traffic anywhere"], "", subject)
    return finding("eventing.callstranger", [], f"CALLBACK {callback} refused with {fetched.reply.code}", subject)
