"""
Tests for L{coherence_lite.controlpoint.watch}: what a device's
announcements mean for the subscriptions to its services.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.watch import BACK, CHECK, GONE, DeviceWatch, Sighting
from coherence_lite.ssdp.message import ALIVE, BYEBYE, UPDATE, Notify, SearchResponse

UDN = "uuid:aaaaaaaa-2222-3333-4444-555555555555"
LOCATION = "http://127.0.0.1:8080/d.xml"


def notify(
    nts: str = ALIVE,
    udn: str = UDN,
    bootId: int | None = 4,
    location: str | None = LOCATION,
    nextBootId: int | None = None,
) -> Notify:
    """
    A NOTIFY of the device's root entry.
    """
    return Notify(nts, "upnp:rootdevice", f"{udn}::upnp:rootdevice", location, 1800, None, bootId, 1, nextBootId, None)


class DeviceWatchTests(SynchronousTestCase):
    """
    L{DeviceWatch}.
    """

    def test_sameBootChangesNothing(self) -> None:
        """
        Alives of the boot already known, and every message of another
        device, change nothing.
        """
        watch = DeviceWatch(UDN, LOCATION, 4)
        self.assertIsNone(watch.heard(notify()))
        self.assertIsNone(watch.heard(notify(udn="uuid:other", bootId=9)))
        self.assertIsNone(watch.heard(notify(nts=BYEBYE, udn="uuid:other")))

    def test_newBootIdIsARestart(self) -> None:
        """
        An alive with another BOOTID is the device back after a restart,
        once: its other copies change nothing.
        """
        watch = DeviceWatch(UDN.upper(), LOCATION, 4)
        self.assertEqual(watch.heard(notify(bootId=5)), Sighting(BACK, "restarted (BOOTID 4 -> 5)"))
        self.assertIsNone(watch.heard(notify(bootId=5)))
        self.assertEqual(watch.bootId, 5)

    def test_byebyeThenAlive(self) -> None:
        """
        A byebye is the device gone (once); its next alive is it back,
        whatever its BOOTID (a UDA 1.0 device sends none).
        """
        watch = DeviceWatch(UDN, LOCATION, None)
        self.assertEqual(watch.heard(notify(nts=BYEBYE, bootId=None)), Sighting(GONE, "said byebye"))
        self.assertIsNone(watch.heard(notify(nts=BYEBYE, bootId=None)))
        self.assertEqual(watch.heard(notify(bootId=None)), Sighting(BACK, "is back"))
        self.assertFalse(watch.gone)

    def test_newLocation(self) -> None:
        """
        An alive with a new LOCATION says where the device is now.
        """
        watch = DeviceWatch(UDN, LOCATION, 4)
        moved = "http://127.0.0.1:9090/d.xml"
        self.assertEqual(watch.heard(notify(bootId=5, location=moved)), Sighting(BACK, f"restarted (BOOTID 4 -> 5) and moved to {moved}", moved))
        self.assertEqual(watch.location, moved)

    def test_firstBootIdIsChecked(self) -> None:
        """
        The first BOOTID heard of a device found by its LOCATION is
        checked: the device may have restarted since.
        """
        watch = DeviceWatch(UDN, LOCATION)
        self.assertEqual(watch.heard(notify(bootId=7)), Sighting(CHECK, "was first heard, with BOOTID 7"))
        self.assertIsNone(watch.heard(notify(bootId=7)))

    def test_updateAnnouncesTheNextBootId(self) -> None:
        """
        ssdp:update is checked once; the alive with its NEXTBOOTID is no
        restart.
        """
        watch = DeviceWatch(UDN, LOCATION, 4)
        update = notify(nts=UPDATE, nextBootId=5)
        self.assertEqual(watch.heard(update), Sighting(CHECK, "announced ssdp:update (next BOOTID 5)"))
        self.assertIsNone(watch.heard(update))
        self.assertIsNone(watch.heard(notify(bootId=5)))
        self.assertEqual(watch.heard(notify(bootId=6)), Sighting(BACK, "restarted (BOOTID 5 -> 6)"))

    def test_searchResponse(self) -> None:
        """
        A search answer with a new BOOTID is a restart too.
        """
        watch = DeviceWatch(UDN, LOCATION, 4)
        response = SearchResponse("upnp:rootdevice", f"{UDN}::upnp:rootdevice", LOCATION, 1800, None, 5, 1, None)
        self.assertEqual(watch.heard(response), Sighting(BACK, "restarted (BOOTID 4 -> 5)"))
