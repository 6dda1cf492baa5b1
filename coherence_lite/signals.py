# -*- test-case-name: tests.test_signals -*-
"""
The louie signals coherence-lite sends: the one place their names are spelled.

The names are Coherence's, so code written against Coherence keeps receiving
them.  As with the louie Coherence bundled, signals are delivered
asynchronously (from the reactor, after the current call returns) and the
sender is not used: connect receivers with the default C{sender=louie.Any}.

Inside the package, objects call each other directly; signals are only the
public event API at the edge.
"""

from __future__ import annotations

from typing import Any

import louie
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

log = Logger()

#: A root device or service announced itself or answered a search:
#: C{device_type=<ST/NT>, infos=<dict of its headers>}.
NEW_DEVICE = "Coherence.UPnP.SSDP.new_device"
#: A device said byebye or expired: C{device_type=, infos=}.
REMOVED_DEVICE = "Coherence.UPnP.SSDP.removed_device"
#: Any datagram arrived: C{(data, host, port)}.
DATAGRAM_RECEIVED = "UPnP.SSDP.datagram_received"
#: A log line for Coherence's log window: C{("SSDP", host, text)}.
LOG = "Coherence.UPnP.Log"
#: A remote root device's description was fetched and parsed: C{device=}.
ROOT_DEVICE_DETECTION_COMPLETED = "Coherence.UPnP.RootDevice.detection_completed"
#: A remote device (root or embedded) is complete: C{device=}.
DEVICE_DETECTION_COMPLETED = "Coherence.UPnP.Device.detection_completed"
#: A remote root device left: C{usn=}.
ROOT_DEVICE_REMOVED = "Coherence.UPnP.RootDevice.removed"
#: A remote device (root or embedded) left: C{usn=}.
DEVICE_REMOVED = "Coherence.UPnP.Device.removed"

ALL_SIGNALS = (
    NEW_DEVICE,
    REMOVED_DEVICE,
    DATAGRAM_RECEIVED,
    LOG,
    ROOT_DEVICE_DETECTION_COMPLETED,
    DEVICE_DETECTION_COMPLETED,
    ROOT_DEVICE_REMOVED,
    DEVICE_REMOVED,
)


class SignalSender:
    """
    Sends louie signals on the next reactor turn.

    @param clock: schedules delivery (C{callLater(0, ...)}).
    """

    def __init__(self, clock: IReactorTime) -> None:
        self._clock = clock

    def send(self, signal: str, *arguments: Any, **named: Any) -> None:
        """
        Deliver C{signal} to its receivers soon, with these arguments.
        """
        self._clock.callLater(0, _deliver, signal, arguments, named)


def _deliver(signal: str, arguments: tuple[Any, ...], named: dict[str, Any]) -> None:
    # One failing receiver must not keep the signal from the others.
    for receiver, result in louie.send_robust(signal, louie.Anonymous, *arguments, **named):
        if isinstance(result, Exception):
            log.error(
                "Receiver {receiver!r} of {signal} failed: {error!r}",
                receiver=receiver,
                signal=signal,
                error=result,
            )
