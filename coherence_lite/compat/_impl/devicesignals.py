# -*- test-case-name: tests.compat.test_devices -*-
"""
Coherence's device signals, for what a control point finds.

The control point's L{DeviceTracker} tells its L{DeviceObserver}s of root
devices described and gone; L{DeviceSignals} is the observer that turns
this into the louie signals Coherence sent
(L{coherence_lite.compat.signals.ROOT_DEVICE_DETECTION_COMPLETED} and its kin),
carrying devices with Coherence's accessors
(L{coherence_lite.compat._impl.accessors}).  Add one to a control point to
receive them::

    controlPoint.tracker.addObserver(DeviceSignals(SignalSender(reactor)))
"""

from __future__ import annotations

from coherence_lite.compat._impl.accessors import coherenceDevice
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.tracker import DeviceObserver
from coherence_lite.compat.signals import (
    DEVICE_DETECTION_COMPLETED,
    DEVICE_REMOVED,
    ROOT_DEVICE_DETECTION_COMPLETED,
    ROOT_DEVICE_REMOVED,
    SignalSender,
)

__all__ = ["DeviceSignals"]


class DeviceSignals(DeviceObserver):
    """
    Sends Coherence's signals for the root devices a L{DeviceTracker}
    adds and removes.

    A new tree gives C{Coherence.UPnP.Device.detection_completed} for each
    of its devices, in the reverse of L{RemoteRootDevice.allDevices}' order
    (the root last), then C{Coherence.UPnP.RootDevice.detection_completed},
    each with C{device=} a device of the tree as L{coherenceDevice} makes
    it.  A tree
    gone gives C{Coherence.UPnP.Device.removed} for each embedded device
    (C{usn=} its UDN) and for the root (C{usn=} its USN), then
    C{Coherence.UPnP.RootDevice.removed}.
    """

    def __init__(self, signals: SignalSender) -> None:
        """
        @param signals: sends the signals (on the next reactor turn).
        """
        self._signals = signals

    def deviceAdded(self, root: RemoteRootDevice) -> None:
        """
        Signal the devices of a tree described.
        """
        tree = coherenceDevice(root)
        for device in reversed(list(tree.allDevices())):
            self._signals.send(DEVICE_DETECTION_COMPLETED, device=device)
        self._signals.send(ROOT_DEVICE_DETECTION_COMPLETED, device=tree)

    def deviceRemoved(self, root: RemoteRootDevice) -> None:
        """
        Signal the devices of a tree gone.
        """
        for device in reversed(list(root.allDevices())[1:]):
            self._signals.send(DEVICE_REMOVED, usn=device.UDN)
        self._signals.send(DEVICE_REMOVED, usn=root.usn)
        self._signals.send(ROOT_DEVICE_REMOVED, usn=root.usn)
