"""
Tests for L{coherence_lite.controlpoint.targets}, search-target matching:
the control point decides which devices answer a target by the rules the
device host answers searches with.  (The listings are tested in
L{tests.system.test_cli}.)
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.targets import announcedAs, matchesTarget
from coherence_lite.model.description import deviceDescription
from coherence_lite.model.device import Device
from coherence_lite.ssdp.advertisement import advertisements, matchSearch

from tests.support import binaryLight, jambon


def described(device: Device) -> RemoteRootDevice:
    """
    C{device} as a control point reads it from its description.
    """
    root = parseDescription(deviceDescription(device, 1), "http://192.0.2.1:80/d.xml")
    assert isinstance(root, RemoteRootDevice), root
    return root


class AnnouncedAsTests(SynchronousTestCase):
    """
    L{announcedAs} is the advertisement set of the described tree.
    """

    def test_sameSetAsTheHostAnnounces(self) -> None:
        """
        The (NT, USN) set of a described tree is the set its host announces for it.
        """
        for device in (binaryLight(), binaryLight(version=2), jambon()):
            self.assertEqual(
                [(ad.nt, ad.usn) for ad in announcedAs(described(device))],
                [(ad.nt, ad.usn) for ad in advertisements(device)],
            )


class MatchesTargetTests(SynchronousTestCase):
    """
    L{matchesTarget} agrees with the host's own answers.
    """

    TARGETS = (
        "ssdp:all",
        "upnp:rootdevice",
        "uuid:11111111-2222-3333-4444-555555555555",
        "UUID:66666666-7777-8888-9999-000000000000",
        "uuid:00000000-0000-0000-0000-000000000000",
        "urn:schemas-upnp-org:device:BinaryLight:1",
        "urn:schemas-upnp-org:device:BinaryLight:2",
        "urn:schemas-upnp-org:device:BinaryLight:3",
        "urn:schemas-upnp-org:device:binarylight:1",
        "urn:schemas-upnp-org:device:BinaryLight",
        "urn:schemas-upnp-org:device:DimmableLight:1",
        "urn:schemas-upnp-org:service:SwitchPower:1",
        "urn:schemas-upnp-org:service:SwitchPower:2",
        "urn:schemas-upnp-org:device:SwitchPower:1",
        "urn:Belkin:device:**",
        "",
        "upnp:RootDevice",
    )

    def test_answersAsTheHostWould(self) -> None:
        """
        For every kind of search target, a described device matches exactly when its
        host would answer.
        """
        for device in (binaryLight(), binaryLight(version=2)):
            root = described(device)
            for target in self.TARGETS:
                self.assertEqual(
                    matchesTarget(root, target), bool(matchSearch(target, advertisements(device))), (device.deviceType, target)
                )

    def test_laterVersionsAnswerEarlierOnes(self) -> None:
        """
        A device of version 2 answers searches for versions 1 and 2, not 3.
        """
        root = described(binaryLight(version=2))
        self.assertTrue(matchesTarget(root, "urn:schemas-upnp-org:device:BinaryLight:1"))
        self.assertTrue(matchesTarget(root, "urn:schemas-upnp-org:device:BinaryLight:2"))
        self.assertFalse(matchesTarget(root, "urn:schemas-upnp-org:device:BinaryLight:3"))

    def test_typesCompareCaseSensitively(self) -> None:
        """
        Types compare case-sensitively, the C{uuid:} prefix does not.
        """
        root = described(binaryLight())
        self.assertFalse(matchesTarget(root, "urn:schemas-upnp-org:device:binarylight:1"))
        self.assertTrue(matchesTarget(root, "UUID:11111111-2222-3333-4444-555555555555"))
