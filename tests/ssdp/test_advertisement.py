"""
Tests for L{coherence_lite.ssdp.advertisement}: the 3 + 2d + k advertisement
set and search target matching with the version rule.
"""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.device import Device, Service
from coherence_lite.ssdp.advertisement import Advertisement, Match, advertisements, matchSearch

ROOT = "uuid:11111111-2222-3333-4444-555555555555"
LAMP = "uuid:66666666-7777-8888-9999-000000000000"
BULB = "uuid:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
OTHER = "uuid:12345678-1234-1234-1234-123456789abc"

SWITCH = "urn:schemas-upnp-org:service:SwitchPower:1"
DIMMING = "urn:schemas-upnp-org:service:Dimming:1"


def service(serviceType: str, shortId: str) -> Service:
    return Service(serviceType=serviceType, serviceId=f"urn:upnp-org:serviceId:{shortId}")


def device(deviceType: str, udn: str, services: tuple[Service, ...] = (), devices: tuple[Device, ...] = ()) -> Device:
    return Device(
        deviceType=deviceType,
        friendlyName="Test device",
        manufacturer="coherence-lite tests",
        modelName="Test",
        UDN=udn,
        services=services,
        devices=devices,
    )


def basic(udn: str = ROOT, version: int = 1) -> Device:
    """
    A root device with no services and no embedded devices.
    """
    return device(f"urn:schemas-upnp-org:device:Basic:{version}", udn)


def lightTree() -> Device:
    """
    A root with two service types, an embedded device with two services of
    one type, and a device embedded in that one sharing the type: d = 2,
    k = 2 + 1 + 1.
    """
    bulb = device("urn:schemas-upnp-org:device:DimmableLight:1", BULB, (service(SWITCH, "SwitchPower"),))
    lamp = device(
        "urn:schemas-upnp-org:device:BinaryLight:1",
        LAMP,
        (service(SWITCH, "SwitchPower"), service(SWITCH, "SwitchPower2")),
        (bulb,),
    )
    return device(
        "urn:schemas-upnp-org:device:HomeAutomation:1",
        ROOT,
        (service(SWITCH, "SwitchPower"), service(DIMMING, "Dimming")),
        (lamp,),
    )


def pairs(ads: tuple[Advertisement, ...] | list[Match]) -> list[tuple[str, str]]:
    return [(ad.nt, ad.usn) if isinstance(ad, Advertisement) else (ad.st, ad.usn) for ad in ads]


class AdvertisementSetTests(SynchronousTestCase):
    """
    L{advertisements} lists the (NT, USN) set of UDA 1.1 §1.1.2.
    """

    def test_rootWithoutServicesHasThree(self) -> None:
        """
        A root device without services or embedded devices has its root, UUID
        and type entries, each naming it.
        """
        root = basic()
        self.assertEqual(
            pairs(advertisements(root)),
            [
                ("upnp:rootdevice", f"{ROOT}::upnp:rootdevice"),
                (ROOT, ROOT),
                ("urn:schemas-upnp-org:device:Basic:1", f"{ROOT}::urn:schemas-upnp-org:device:Basic:1"),
            ],
        )
        for ad in advertisements(root):
            self.assertIs(ad.device, root)

    def test_treeHasThreePlusTwoDPlusK(self) -> None:
        """
        A tree with d embedded devices and k distinct service types per device
        has 3 + 2d + k distinct entries.
        """
        ads = advertisements(lightTree())
        embedded, serviceTypes = 2, 2 + 1 + 1
        self.assertEqual(len(ads), 3 + 2 * embedded + serviceTypes)
        self.assertEqual(len(set(ads)), len(ads))

    def test_stableOrderRootDeviceFirstThenEachDevice(self) -> None:
        """
        The root device entry comes first, then each device depth first with
        its UUID, type and service types in listed order.
        """
        self.assertEqual(
            pairs(advertisements(lightTree())),
            [
                ("upnp:rootdevice", f"{ROOT}::upnp:rootdevice"),
                (ROOT, ROOT),
                ("urn:schemas-upnp-org:device:HomeAutomation:1", f"{ROOT}::urn:schemas-upnp-org:device:HomeAutomation:1"),
                (SWITCH, f"{ROOT}::{SWITCH}"),
                (DIMMING, f"{ROOT}::{DIMMING}"),
                (LAMP, LAMP),
                ("urn:schemas-upnp-org:device:BinaryLight:1", f"{LAMP}::urn:schemas-upnp-org:device:BinaryLight:1"),
                (SWITCH, f"{LAMP}::{SWITCH}"),
                (BULB, BULB),
                ("urn:schemas-upnp-org:device:DimmableLight:1", f"{BULB}::urn:schemas-upnp-org:device:DimmableLight:1"),
                (SWITCH, f"{BULB}::{SWITCH}"),
            ],
        )

    def test_twoServicesOfOneTypeInADeviceGiveOneEntry(self) -> None:
        """
        Two services of one type in a device give that device one entry for the
        type.
        """
        lampEntries = [ad for ad in advertisements(lightTree()) if ad.usn == f"{LAMP}::{SWITCH}"]
        self.assertEqual(len(lampEntries), 1)

    def test_oneTypeInSeveralDevicesGivesOneEntryEach(self) -> None:
        """
        A service type offered by several devices gives one entry per device.
        """
        usns = [ad.usn for ad in advertisements(lightTree()) if ad.nt == SWITCH]
        self.assertEqual(usns, [f"{ROOT}::{SWITCH}", f"{LAMP}::{SWITCH}", f"{BULB}::{SWITCH}"])

    def test_entriesNameTheirDevice(self) -> None:
        """
        Each entry names the device it is about, embedded devices included.
        """
        root = lightTree()
        lamp = root.devices[0]
        byUSN = {ad.usn: ad.device for ad in advertisements(root)}
        self.assertIs(byUSN[f"{ROOT}::upnp:rootdevice"], root)
        self.assertIs(byUSN[LAMP], lamp)
        self.assertIs(byUSN[f"{BULB}::{SWITCH}"], lamp.devices[0])

    def test_advertisementsCompareByNTAndUSN(self) -> None:
        """
        Advertisements compare and hash by NT and USN only, not by device.
        """
        a = Advertisement("upnp:rootdevice", f"{ROOT}::upnp:rootdevice", basic())
        b = Advertisement("upnp:rootdevice", f"{ROOT}::upnp:rootdevice", lightTree())
        self.assertEqual(a, b)
        self.assertEqual(hash(a), hash(b))
        self.assertNotEqual(a, Advertisement(ROOT, ROOT, basic()))


# Device trees with random service types from a small pool, so that types
# repeat within and across devices.
serviceTypes = st.sampled_from([SWITCH, DIMMING, "urn:example-com:service:Toaster:2"])


@st.composite
def trees(draw: st.DrawFn) -> Device:
    udns = iter(f"uuid:{uuid.UUID(int=n)}" for n in range(1, 1000))

    def build(depth: int) -> Device:
        types = draw(st.lists(serviceTypes, max_size=4))
        services = tuple(service(t, f"S{i}") for i, t in enumerate(types))
        children = tuple(build(depth + 1) for _ in range(draw(st.integers(0, 2 if depth < 2 else 0))))
        return device("urn:schemas-upnp-org:device:Basic:1", next(udns), services, children)

    return build(0)


class AdvertisementSetPropertyTests(SynchronousTestCase):
    """
    The set size rule holds for any tree.
    """

    @given(trees())
    def test_countIsThreePlusTwoDPlusK(self, root: Device) -> None:
        """
        Any tree has 3 + 2d + k distinct entries, the root device entry first.
        """
        devices = list(root.allDevices())
        d = len(devices) - 1
        k = sum(len({s.serviceType for s in each.services}) for each in devices)
        ads = advertisements(root)
        self.assertEqual(len(ads), 3 + 2 * d + k)
        self.assertEqual(len(set(ads)), len(ads))
        self.assertEqual(ads[0].nt, "upnp:rootdevice")


class MatchSearchTests(SynchronousTestCase):
    """
    L{matchSearch} picks the responses a search target calls for.
    """

    def test_ssdpAllAnswersEveryAdvertisementWithItsNT(self) -> None:
        """
        C{ssdp:all} is answered with every advertisement, its NT as ST, in
        order.
        """
        ads = advertisements(lightTree())
        matches = matchSearch("ssdp:all", ads)
        self.assertEqual(pairs(matches), pairs(ads))
        self.assertEqual([m.advertisement for m in matches], list(ads))

    def test_rootDevice(self) -> None:
        """
        C{upnp:rootdevice} is answered by the root device entry only.
        """
        ads = advertisements(lightTree())
        self.assertEqual(pairs(matchSearch("upnp:rootdevice", ads)), [("upnp:rootdevice", f"{ROOT}::upnp:rootdevice")])

    def test_rootDeviceOfEachRootWhenConcatenated(self) -> None:
        """
        Over the advertisements of several roots, each root answers
        C{upnp:rootdevice} and C{ssdp:all} covers them all.
        """
        ads = advertisements(lightTree()) + advertisements(basic(OTHER))
        self.assertEqual(
            [m.usn for m in matchSearch("upnp:rootdevice", ads)],
            [f"{ROOT}::upnp:rootdevice", f"{OTHER}::upnp:rootdevice"],
        )
        self.assertEqual(len(matchSearch("ssdp:all", ads)), 11 + 3)

    def test_uuidOfEmbeddedDevice(self) -> None:
        """
        A search for an embedded device's UDN is answered by that device.
        """
        matches = matchSearch(LAMP, advertisements(lightTree()))
        self.assertEqual(pairs(matches), [(LAMP, LAMP)])
        self.assertEqual(matches[0].advertisement.device.UDN, LAMP)

    def test_uuidComparesCaseInsensitivelyAndIsEchoedAsSent(self) -> None:
        """
        UDNs compare case-insensitively and the ST is echoed as it was sent.
        """
        asked = "uuid:AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE"
        self.assertEqual(pairs(matchSearch(asked, advertisements(lightTree()))), [(asked, BULB)])

    def test_uuidNotHosted(self) -> None:
        """
        A UDN not hosted, or an empty one, matches nothing.
        """
        self.assertEqual(matchSearch(OTHER, advertisements(lightTree())), [])
        self.assertEqual(matchSearch("uuid:", advertisements(lightTree())), [])

    def test_deviceTypeSameVersion(self) -> None:
        """
        A device type search in the version offered is answered by the device
        of that type.
        """
        st_ = "urn:schemas-upnp-org:device:BinaryLight:1"
        self.assertEqual(pairs(matchSearch(st_, advertisements(lightTree()))), [(st_, f"{LAMP}::{st_}")])

    def test_searchForOlderVersionAnswersWithAskedVersion(self) -> None:
        """
        A search for an older version is answered by a newer device, with the
        asked version in ST and USN.
        """
        ads = advertisements(basic(version=2))
        st_ = "urn:schemas-upnp-org:device:Basic:1"
        [match] = matchSearch(st_, ads)
        self.assertEqual(match.st, st_)
        self.assertEqual(match.usn, f"{ROOT}::{st_}")
        self.assertEqual(match.advertisement.nt, "urn:schemas-upnp-org:device:Basic:2")

    def test_searchForNewerVersionIsNotAnswered(self) -> None:
        """
        A search for a newer version than offered is not answered.
        """
        self.assertEqual(matchSearch("urn:schemas-upnp-org:device:Basic:2", advertisements(basic(version=1))), [])

    def test_versionsCompareAsIntegers(self) -> None:
        """
        Versions compare as integers, so 10 answers a search for 9 and 9 does
        not answer 10.
        """
        st9 = "urn:schemas-upnp-org:device:Basic:9"
        st10 = "urn:schemas-upnp-org:device:Basic:10"
        self.assertEqual(pairs(matchSearch(st9, advertisements(basic(version=10)))), [(st9, f"{ROOT}::{st9}")])
        self.assertEqual(matchSearch(st10, advertisements(basic(version=9))), [])

    def test_serviceTypeAnswersEachDeviceOfferingIt(self) -> None:
        """
        A service type search is answered once by each device offering it.
        """
        self.assertEqual(
            [m.usn for m in matchSearch(SWITCH, advertisements(lightTree()))],
            [f"{ROOT}::{SWITCH}", f"{LAMP}::{SWITCH}", f"{BULB}::{SWITCH}"],
        )

    def test_olderServiceVersionIsAnsweredByNewerService(self) -> None:
        """
        A search for an older service version is answered by a newer service,
        with the asked version.
        """
        root = device(
            "urn:schemas-upnp-org:device:Basic:1",
            ROOT,
            (service("urn:schemas-upnp-org:service:SwitchPower:3", "SwitchPower"),),
        )
        self.assertEqual(pairs(matchSearch(SWITCH, advertisements(root))), [(SWITCH, f"{ROOT}::{SWITCH}")])

    def test_kindMustMatch(self) -> None:
        """
        A device type does not answer a service search of the same name, nor
        the other way round.
        """
        root = device("urn:example-com:device:Toaster:1", ROOT, (service("urn:example-com:service:Toaster:1", "T"),))
        ads = advertisements(root)
        self.assertEqual([m.usn for m in matchSearch("urn:example-com:device:Toaster:1", ads)],
                         [f"{ROOT}::urn:example-com:device:Toaster:1"])
        self.assertEqual([m.usn for m in matchSearch("urn:example-com:service:Toaster:1", ads)],
                         [f"{ROOT}::urn:example-com:service:Toaster:1"])

    def test_typeNamesAndDomainsAreCaseSensitive(self) -> None:
        """
        Type names, domains and the urn prefix compare case-sensitively.
        """
        ads = advertisements(lightTree())
        self.assertEqual(matchSearch("urn:schemas-upnp-org:device:binarylight:1", ads), [])
        self.assertEqual(matchSearch("urn:Schemas-UPnP-org:device:BinaryLight:1", ads), [])
        self.assertEqual(matchSearch("URN:schemas-upnp-org:device:BinaryLight:1", ads), [])

    def test_otherDomainDoesNotMatch(self) -> None:
        """
        A type of another domain with the same name matches nothing.
        """
        self.assertEqual(matchSearch("urn:example-com:device:Basic:1", advertisements(basic())), [])

    def test_unknownTargetsMatchNothing(self) -> None:
        """
        Malformed, unknown and wildcard targets match nothing.
        """
        ads = advertisements(lightTree())
        for st_ in ("", "ssdp:everything", "SSDP:ALL", "upnp:rootdevice2", "urn:Belkin:device:**",
                    "urn:schemas-upnp-org:device:Basic", "urn:schemas-upnp-org:device:Basic:0", "*"):
            self.assertEqual(matchSearch(st_, ads), [], st_)

    def test_noAdvertisementsNoMatches(self) -> None:
        """
        Without advertisements nothing matches.
        """
        self.assertEqual(matchSearch("ssdp:all", []), [])

    def test_sameResponseIsNotListedTwice(self) -> None:
        """
        The same (ST, USN) response is never listed twice.
        """
        ads = advertisements(basic()) * 2
        self.assertEqual(len(matchSearch("ssdp:all", ads)), 3)
        self.assertEqual(len(matchSearch("urn:schemas-upnp-org:device:Basic:1", ads)), 1)
