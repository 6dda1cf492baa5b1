# -*- test-case-name: tests.test_signals -*-
"""
The louie signals coherence-lite sends: the one place their names are spelled.

The names are Coherence's, so code written against Coherence keeps receiving
them.  As with the louie Coherence bundled, signals are delivered
asynchronously (from the reactor, after the current call returns) and the
sender is not used: connect receivers with the default C{sender=louie.Any}.

Every signal, and who sends it (always at the edge, L{coherence_lite.compat}):

  - L{NEW_DEVICE} (C{Coherence.UPnP.SSDP.new_device}) and L{REMOVED_DEVICE}
    (C{Coherence.UPnP.SSDP.removed_device}): a root device's SSDP entry came
    or went; an L{SSDPServer <coherence_lite.compat.ssdp.SSDPServer>}.
  - L{DATAGRAM_RECEIVED} (C{UPnP.SSDP.datagram_received}): any datagram
    arrived; an C{SSDPServer} and an
    L{MSearch <coherence_lite.compat.msearch.MSearch>}.
  - L{LOG} (C{Coherence.UPnP.Log}): a line for Coherence's log window; an
    C{SSDPServer}.
  - L{ROOT_DEVICE_DETECTION_COMPLETED}
    (C{Coherence.UPnP.RootDevice.detection_completed}) and
    L{DEVICE_DETECTION_COMPLETED} (C{Coherence.UPnP.Device.detection_completed}):
    a remote root device, and each device of its tree, was described;
    L{ROOT_DEVICE_REMOVED} (C{Coherence.UPnP.RootDevice.removed}) and
    L{DEVICE_REMOVED} (C{Coherence.UPnP.Device.removed}): they left.  Sent by
    a control point's
    L{DeviceSignals <coherence_lite.compat._impl.devicesignals.DeviceSignals>}.

  - L{BACKEND_INIT_COMPLETED} (C{Coherence.UPnP.Backend.init_completed}):
    sent by users' Coherence backends (C{backend=}); a hosted
    L{coherence_lite.compat.basics} device waits for it.
  - L{STATE_VARIABLE_CHANGED} (C{Coherence.UPnP.StateVariable.changed}), and
    the same per variable (L{stateVariableChanged}): a hosted service's
    variable changed, or an event told a subscribed client of a change;
    C{variable=}.  Sent by L{coherence_lite.compat.service}.
  - L{DEVICE_CLIENT_DETECTION_COMPLETED}
    (C{Coherence.UPnP.DeviceClient.detection_completed}): a control point
    gave a found device its client; C{client=, udn=}; then
    L{controlPointDetected} (C{Coherence.UPnP.ControlPoint.<type>.detected},
    C{client=, udn=}), and L{controlPointRemoved}
    (C{Coherence.UPnP.ControlPoint.<type>.removed}, C{udn=}) when the device
    leaves.  Sent by L{coherence_lite.compat.control_point}.

An C{SSDPServer} also calls the callbacks subscribed to Coherence's callback
names L{NEW_DEVICE_CALLBACK} (C{new_device}) and L{REMOVED_DEVICE_CALLBACK}
(C{removed_device}) alongside the first two signals.

Inside the package, objects call each other directly and tell observers;
signals are only the public event API at the edge.
"""

from __future__ import annotations

from typing import Any

import louie
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

__all__ = [
    "NEW_DEVICE",
    "REMOVED_DEVICE",
    "DATAGRAM_RECEIVED",
    "LOG",
    "ROOT_DEVICE_DETECTION_COMPLETED",
    "DEVICE_DETECTION_COMPLETED",
    "ROOT_DEVICE_REMOVED",
    "DEVICE_REMOVED",
    "BACKEND_INIT_COMPLETED",
    "STATE_VARIABLE_CHANGED",
    "DEVICE_CLIENT_DETECTION_COMPLETED",
    "ALL_SIGNALS",
    "stateVariableChanged",
    "controlPointDetected",
    "controlPointRemoved",
    "connect",
    "disconnect",
    "NEW_DEVICE_CALLBACK",
    "REMOVED_DEVICE_CALLBACK",
    "SignalSender",
]

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

#: A Coherence backend finished setting up: C{backend=}.
BACKEND_INIT_COMPLETED = "Coherence.UPnP.Backend.init_completed"
#: A state variable changed: C{variable=}.
STATE_VARIABLE_CHANGED = "Coherence.UPnP.StateVariable.changed"
#: A found device got its client: C{client=, udn=}.
DEVICE_CLIENT_DETECTION_COMPLETED = "Coherence.UPnP.DeviceClient.detection_completed"

ALL_SIGNALS = (
    BACKEND_INIT_COMPLETED,
    STATE_VARIABLE_CHANGED,
    DEVICE_CLIENT_DETECTION_COMPLETED,
    NEW_DEVICE,
    REMOVED_DEVICE,
    DATAGRAM_RECEIVED,
    LOG,
    ROOT_DEVICE_DETECTION_COMPLETED,
    DEVICE_DETECTION_COMPLETED,
    ROOT_DEVICE_REMOVED,
    DEVICE_REMOVED,
)

#: The name an C{SSDPServer} calls L{NEW_DEVICE}'s callbacks by
#: (C{SSDPServer.subscribe('new_device', ...)}), as Coherence did.
NEW_DEVICE_CALLBACK = "new_device"
#: The name an C{SSDPServer} calls L{REMOVED_DEVICE}'s callbacks by.
REMOVED_DEVICE_CALLBACK = "removed_device"


def stateVariableChanged(name: str) -> str:
    """
    The signal of one state variable's changes,
    C{Coherence.UPnP.StateVariable.<name>.changed} (C{variable=}).
    """
    return f"Coherence.UPnP.StateVariable.{name}.changed"


def controlPointDetected(deviceType: str) -> str:
    """
    The signal of a control point's new client for a device of a short
    type (C{BinaryLight}): C{Coherence.UPnP.ControlPoint.<type>.detected}
    (C{client=, udn=}).
    """
    return f"Coherence.UPnP.ControlPoint.{deviceType}.detected"


def controlPointRemoved(deviceType: str) -> str:
    """
    The signal of a device with a client leaving:
    C{Coherence.UPnP.ControlPoint.<type>.removed} (C{udn=}).
    """
    return f"Coherence.UPnP.ControlPoint.{deviceType}.removed"


def connect(receiver: Any, signal: str, sender: Any = None, weak: bool = True) -> None:
    """
    Connect a receiver to a signal, as Coherence's C{connect} did:
    C{sender} L{None} means any sender.
    """
    louie.connect(receiver, signal, louie.Any if sender is None else sender, weak=weak)


def disconnect(receiver: Any, signal: str, sender: Any = None, weak: bool = True) -> None:
    """
    Undo L{connect}; a receiver that was not connected is ignored.
    """
    try:
        louie.disconnect(receiver, signal, louie.Any if sender is None else sender, weak=weak)
    except louie.error.DispatcherKeyError:
        pass


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
