# -*- test-case-name: tests.controlpoint.test_watch -*-
"""
What a device's SSDP messages say about the subscriptions to its services:
L{DeviceWatch} follows one root device's announcements and answers each
with a L{Sighting} when a subscriber must act.

A device that restarted has forgotten every subscription (UDA 2.0 §4.1):
it says so with a byebye (when it had the time) and a new alive carrying a
higher BOOTID.UPNP.ORG, or, for a UDA 1.0 device without BOOTID, an alive
after its byebye or with a new LOCATION.  C{ssdp:update} announces the
BOOTID a multi-homed device takes next without restarting; an alive with
that BOOTID is no restart, but the subscriber checks its subscription all
the same.  Pure: no reactor, no sockets.
"""

from __future__ import annotations

from dataclasses import dataclass

from coherence_lite.ssdp.advertisement import udnOf
from coherence_lite.ssdp.message import BYEBYE, UPDATE, Notify, SearchResponse

__all__ = ["GONE", "BACK", "CHECK", "Sighting", "DeviceWatch"]

#: The device said byebye: its subscriptions end until it is back.
GONE = "gone"
#: The device is back, restarted or moved: subscribe again.
BACK = "back"
#: Nothing says the device restarted, but its subscriptions are worth a
#: check: the first BOOTID heard, an C{ssdp:update}.
CHECK = "check"


@dataclass(frozen=True)
class Sighting:
    """
    What a subscriber does about a message of the device it watches.

    @ivar kind: L{GONE}, L{BACK} or L{CHECK}.
    @ivar reason: why, in words for the user, after "the device"
        (C{"restarted (BOOTID 4 -> 5)"}).
    @ivar location: the device's LOCATION when it changed, else L{None}.
    """

    kind: str
    reason: str
    location: str | None = None


class DeviceWatch:
    """
    Follows the announcements of one root device.

    @ivar udn: the root device's UDN (C{uuid:...}), lower-cased.
    @ivar bootId: the BOOTID of its current boot, when known.
    @ivar location: its current LOCATION, when known.
    @ivar gone: whether it said byebye and has not been heard since.
    """

    def __init__(self, udn: str, location: str | None = None, bootId: int | None = None) -> None:
        """
        @param udn: the root device's UDN.
        @param location: the LOCATION its description was fetched from.
        @param bootId: the BOOTID it was last announced with, if known.
        """
        self.udn = udn.lower()
        self.location = location
        self.bootId = bootId
        self.gone = False
        self._nextBootId: int | None = None

    def concerns(self, usn: str) -> bool:
        """
        Whether a message with this USN is the watched device's own.
        """
        return udnOf(usn).lower() == self.udn

    def heard(self, message: Notify | SearchResponse) -> Sighting | None:
        """
        Take a NOTIFY or a search response (of any device).

        @return: what to do, or L{None} when the message changes nothing
            (another device's, a repeated copy, a refresh of the same boot).
        """
        if not self.concerns(message.usn):
            return None
        if isinstance(message, Notify) and message.nts == BYEBYE:
            if self.gone:
                return None
            self.gone = True
            return Sighting(GONE, "said byebye")
        if isinstance(message, Notify) and message.nts == UPDATE:
            if message.nextBootId is None or message.nextBootId == self._nextBootId:
                return None
            self._nextBootId = message.nextBootId
            return Sighting(CHECK, f"announced ssdp:update (next BOOTID {message.nextBootId})")
        return self._alive(message.bootId, message.location)

    def _alive(self, bootId: int | None, location: str | None) -> Sighting | None:
        reasons = []
        if self.gone:
            reasons.append("is back")
        restarted = bootId is not None and self.bootId is not None and bootId != self.bootId
        if restarted and bootId != self._nextBootId:
            reasons.append(f"restarted (BOOTID {self.bootId} -> {bootId})")
        moved = location is not None and self.location is not None and location != self.location
        if moved:
            reasons.append(f"moved to {location}")
        firstBootId = bootId is not None and self.bootId is None
        self.gone = False
        if bootId is not None:
            if bootId == self._nextBootId:
                self._nextBootId = None
            self.bootId = bootId
        if location is not None:
            self.location = location
        if reasons:
            return Sighting(BACK, " and ".join(reasons), location if moved else None)
        if firstBootId:
            return Sighting(CHECK, f"was first heard, with BOOTID {bootId}")
        return None
