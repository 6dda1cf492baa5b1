"""
Tests for L{coherence_lite.compat._impl.accessors} and
L{coherence_lite.compat._impl.devicesignals}: Coherence's accessors on the devices a
control point describes, and Coherence's device signals for them.
"""

from __future__ import annotations

from dataclasses import fields, replace

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat import signals
from coherence_lite.compat._impl.accessors import CoherenceDevice, CoherenceRootDevice, CoherenceService, coherenceDevice
from coherence_lite.compat._impl.devicesignals import DeviceSignals
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.model.device import LOCAL
from coherence_lite.compat.signals import SignalSender

from tests.support.controlpoint import (
    DEVICE_HOST,
    DIMMER_UDN,
    LIGHT_UDN,
    LIGHT_UUID,
    ROUTER,
    SERVER,
    URL,
    SignalRecorder,
    lightDescription,
)


def lightTree() -> RemoteRootDevice:
    """
    The light's description as a control point reads it from L{URL}.
    """
    root = parseDescription(lightDescription(), URL)
    assert isinstance(root, RemoteRootDevice), root
    return root


class CoherenceDeviceTests(SynchronousTestCase):
    """
    L{coherenceDevice} copies a tree into objects with Coherence's
    accessors.
    """

    def setUp(self) -> None:
        self.root = lightTree()
        self.tree = coherenceDevice(self.root)

    def test_everyFieldIsKept(self) -> None:
        """
        The copy has every field of the original, device by device, and the same plain
        data.
        """
        for original, copy in zip(self.root.allDevices(), self.tree.allDevices(), strict=True):
            for field in fields(original):
                if field.name not in ("services", "devices", "parent"):
                    self.assertEqual(getattr(copy, field.name), getattr(original, field.name), field.name)
            self.assertEqual([s.asDict() for s in copy.services], [s.asDict() for s in original.services])
        self.assertEqual(self.tree.asDict(), self.root.asDict())

    def test_theCopyIsMadeOfCoherenceClassesAndStillRemoteDevices(self) -> None:
        """
        The copy is made of the Coherence classes, which are still remote devices, and
        shares the icons.
        """
        self.assertIsInstance(self.tree, CoherenceRootDevice)
        self.assertIsInstance(self.tree, RemoteRootDevice)
        [dimmer] = self.tree.devices
        self.assertIsInstance(dimmer, CoherenceDevice)
        self.assertNotIsInstance(dimmer, CoherenceRootDevice)
        self.assertEqual({type(s) for d in self.tree.allDevices() for s in d.services}, {CoherenceService})
        self.assertIs(self.tree.icons, self.root.icons)

    def test_theCopyIsLinkedToItself(self) -> None:
        """
        The copy's parts are linked to each other, and the original stays linked to
        itself.
        """
        [dimmer] = self.tree.devices
        self.assertIs(dimmer.parent, self.tree)
        self.assertIs(dimmer.root, self.tree)
        self.assertIs(dimmer.services[0].device, dimmer)
        self.assertIs(self.root.devices[0].parent, self.root)

    def test_coherenceAccessors(self) -> None:
        """
        Coherence's accessors on root, embedded devices and services give what
        Coherence's gave.
        """
        root = self.tree
        [dimmer] = root.get_devices()
        self.assertEqual(root.get_friendly_name(), "Lamp")
        self.assertEqual(root.friendly_name, "Lamp")
        self.assertEqual(root.get_device_type(), "urn:schemas-upnp-org:device:BinaryLight:1")
        self.assertEqual(root.get_friendly_device_type(), "BinaryLight")
        self.assertEqual(root.get_device_type_version(), 1)
        self.assertEqual(root.get_markup_name(), "BinaryLight:1 Lamp")
        self.assertEqual(root.get_id(), LIGHT_UDN)
        self.assertEqual(root.get_uuid(), LIGHT_UUID)
        self.assertEqual(root.get_usn(), f"{LIGHT_UDN}::upnp:rootdevice")
        self.assertEqual(root.get_st(), "upnp:rootdevice")
        self.assertEqual(root.get_location(), URL)
        self.assertEqual(root.get_upnp_version(), "1.1")
        self.assertFalse(root.is_local())
        self.assertTrue(root.is_remote())
        self.assertEqual(root.get_parent_id(), "")
        self.assertEqual(dimmer.get_parent_id(), LIGHT_UDN)
        # Coherence gives embedded devices their root's location and USN.
        self.assertEqual(dimmer.get_location(), URL)
        self.assertEqual(dimmer.get_usn(), root.usn)
        service = root.get_service_by_type("SwitchPower")
        assert service is not None
        self.assertEqual(service.get_type(), "urn:schemas-upnp-org:service:SwitchPower:1")
        self.assertEqual(service.get_id(), "urn:upnp-org:serviceId:SwitchPower")
        self.assertIs(service.get_device(), root)
        self.assertTrue(service.get_control_url().endswith("/SwitchPower/control"))
        self.assertIs(root.get_service_by_type(["Nope", "SwitchPower"]), service)
        self.assertIsNone(root.get_service_by_type("ContentDirectory"))
        self.assertEqual(root.make_fullyqualified("x/y"), f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/x/y")

    def test_replaceRelinksTheTreeToTheCopy(self) -> None:
        """
        A copy made with C{replace} relinks the children to the copy, which they then
        report as their root.
        """
        copy = replace(self.tree, server=SERVER, manifestation=LOCAL)
        self.assertIs(copy.devices[0].parent, copy)
        self.assertTrue(copy.devices[0].is_local())
        self.assertEqual(copy.devices[0].get_location(), URL)

    def test_otherAccessors(self) -> None:
        """
        The remaining accessors (st, host, embedded devices by type, presentation URL,
        service URLs) give Coherence's values.
        """
        [dimmer] = self.tree.get_embedded_devices()
        self.assertEqual(self.tree.st, "upnp:rootdevice")
        self.assertEqual(self.tree.get_host(), "")
        self.assertEqual(replace(self.tree, host=DEVICE_HOST).get_host(), DEVICE_HOST)
        self.assertEqual((self.tree.udn, self.tree.device_type), (LIGHT_UDN, self.tree.deviceType))
        self.assertEqual(self.tree.get_embedded_device_by_type("DimmableLight"), [dimmer])
        self.assertEqual(self.tree.get_embedded_device_by_type("BinaryLight"), [])
        self.assertEqual(self.tree.get_presentation_url(), f"http://{DEVICE_HOST}:49152/{LIGHT_UUID}/")
        self.assertEqual(dimmer.get_upnp_version(), "1.1")
        self.assertEqual(dimmer.get_id(), DIMMER_UDN)
        service = self.tree.get_services()[0]
        self.assertTrue(service.get_scpd_url().endswith("/SwitchPower/scpd.xml"))
        self.assertTrue(service.get_event_sub_url().endswith("/SwitchPower/subscribe"))

    def test_urlBaseAndSpecVersionOfARealDevice(self) -> None:
        """
        URLBase and specVersion come from the root for every device, and a missing
        specVersion is C{n/a}.
        """
        root = parseDescription(ROUTER, "http://10.0.0.1:80/rootDesc.xml")
        assert isinstance(root, RemoteRootDevice), root
        tree = coherenceDevice(root)
        self.assertEqual(tree.get_urlbase(), "http://10.0.0.1:5000")
        self.assertEqual(tree.devices[0].get_urlbase(), "http://10.0.0.1:5000")
        self.assertEqual(tree.get_upnp_version(), "1.0")
        self.assertEqual(coherenceDevice(replace(root, specVersion=None)).get_upnp_version(), "n/a")

    def test_typesThatAreNotTypeURNsHaveNoNameOrVersion(self) -> None:
        """
        A device type that is not a device type URN has an empty name and version 0.
        """
        for deviceType in ("urn:x:device:Light", "urn:x:device:Light:v2", "urn:x:device:Light:0", "Light"):
            tree = coherenceDevice(replace(self.root, deviceType=deviceType))
            self.assertEqual((tree.get_friendly_device_type(), tree.get_device_type_version()), ("", 0), deviceType)
            self.assertEqual(tree.get_markup_name(), ":0 Lamp")


class DeviceSignalsTests(SynchronousTestCase):
    """
    L{DeviceSignals} sends Coherence's device signals on the next reactor
    turn.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.recorder = SignalRecorder(self)
        self.observer = DeviceSignals(SignalSender(self.clock))
        self.root = replace(lightTree(), server=SERVER, host=DEVICE_HOST)

    def test_addedTreeIsSignalledDeviceByDeviceThenAsARoot(self) -> None:
        """
        A tree added is signalled on the next turn: each device, the root last, then the
        root, as linked Coherence objects.
        """
        self.observer.deviceAdded(self.root)
        self.assertEqual(self.recorder.received, [])
        self.clock.advance(0)
        tree = coherenceDevice(self.root)
        self.assertEqual(
            self.recorder.received,
            [
                (signals.DEVICE_DETECTION_COMPLETED, {"device": tree.devices[0]}),
                (signals.DEVICE_DETECTION_COMPLETED, {"device": tree}),
                (signals.ROOT_DEVICE_DETECTION_COMPLETED, {"device": tree}),
            ],
        )
        sent = self.recorder.received[-1][1]["device"]
        self.assertEqual(sent.get_friendly_name(), "Lamp")
        self.assertIs(self.recorder.received[0][1]["device"].parent, self.recorder.received[1][1]["device"])

    def test_removedTreeIsSignalledByUSN(self) -> None:
        """
        A tree removed is signalled by the embedded devices' UDNs, then the root's USN
        twice.
        """
        self.observer.deviceRemoved(self.root)
        self.clock.advance(0)
        usn = f"{LIGHT_UDN}::upnp:rootdevice"
        self.assertEqual(
            self.recorder.received,
            [
                (signals.DEVICE_REMOVED, {"usn": DIMMER_UDN}),
                (signals.DEVICE_REMOVED, {"usn": usn}),
                (signals.ROOT_DEVICE_REMOVED, {"usn": usn}),
            ],
        )

    def test_failedDescriptionsAreNotSignalled(self) -> None:
        """
        A description that failed sends no signal.
        """
        self.observer.descriptionFailed(URL, "timeout")
        self.clock.advance(0)
        self.assertEqual(self.recorder.received, [])
