"""
Tests for L{coherence_lite.controlpoint.remote}: the described devices as a
linked tree, their plain data, and how their URLs are resolved.
"""

from __future__ import annotations

from dataclasses import replace

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import MAX_URL, RemoteDevice, RemoteRootDevice, resolveURL
from coherence_lite.model.device import LOCAL

from tests.support.controlpoint import DIMMER_UDN, LIGHT_UDN, SERVER, URL, lightDescription


class RemoteTreeTests(SynchronousTestCase):
    """
    A parsed description is a tree whose parts know their parents.
    """

    def setUp(self) -> None:
        self.root = parseDescription(lightDescription(), URL)
        assert isinstance(self.root, RemoteRootDevice), self.root

    def test_embeddedDeviceKnowsItsParentAndRoot(self) -> None:
        """
        Embedded devices know their parent and root, services their device, and
        allDevices walks the tree root first.
        """
        [dimmer] = self.root.devices
        self.assertEqual(dimmer.UDN, DIMMER_UDN)
        self.assertIs(dimmer.parent, self.root)
        self.assertIs(dimmer.root, self.root)
        self.assertIs(dimmer.services[0].device, dimmer)
        self.assertEqual([d.UDN for d in self.root.allDevices()], [LIGHT_UDN, DIMMER_UDN])

    def test_replaceRelinksTheTreeToTheCopy(self) -> None:
        """
        A copy made with C{replace} relinks the children to the copy, which they then
        report as their root.
        """
        copy = replace(self.root, server=SERVER, manifestation=LOCAL)
        self.assertIs(copy.devices[0].parent, copy)
        self.assertIs(copy.services[0].device, copy)
        self.assertEqual(copy.devices[0].root.manifestation, LOCAL)
        self.assertEqual(copy.devices[0].root.location, URL)

    def test_asDictIsPlainData(self) -> None:
        """
        L{RemoteRootDevice.asDict} gives the tree as plain data with the element names
        as keys.
        """
        data = self.root.asDict()
        self.assertEqual(data["friendlyName"], "Lamp")
        self.assertEqual(data["specVersion"], "1.1")
        self.assertEqual(data["devices"][0]["UDN"], DIMMER_UDN)
        self.assertEqual(data["services"][0]["serviceId"], "urn:upnp-org:serviceId:SwitchPower")

    def test_usnIsTheRootDeviceEntrysUnlessGiven(self) -> None:
        """
        A root device's USN is its C{upnp:rootdevice} entry's unless one is given.
        """
        root = RemoteRootDevice(deviceType="urn:x:device:A:1", friendlyName="A", UDN="uuid:a")
        self.assertEqual(root.usn, "uuid:a::upnp:rootdevice")
        self.assertEqual(replace(root, usn="uuid:a::other").usn, "uuid:a::other")

    def test_aTreeMustEndInARootDevice(self) -> None:
        """
        A device whose parents do not end in a root device is refused when asked for its
        root.
        """
        orphan = RemoteDevice(deviceType="urn:x:device:A:1", friendlyName="A", UDN="uuid:a")
        self.assertRaises(AssertionError, lambda: orphan.root)


class ResolveURLTests(SynchronousTestCase):
    """
    L{resolveURL} makes the URLs of a description absolute, or drops them.
    """

    def test_relativeURLsResolveAgainstTheDescription(self) -> None:
        """
        Relative URLs resolve against the description's URL, and surrounding blanks are
        dropped.
        """
        self.assertEqual(resolveURL("http://h:1/a/d.xml", None, "x.xml"), "http://h:1/a/x.xml")
        self.assertEqual(resolveURL("http://h:1/a/d.xml", None, "/x.xml"), "http://h:1/x.xml")
        self.assertEqual(resolveURL("http://h:1/a/d.xml", None, " http://o:2/y "), "http://o:2/y")


    def test_resolvedURLsKeepTheZone(self) -> None:
        """
        URLs resolved against a zoned link-local LOCATION keep its zone,
        also when the description writes them absolute.
        """
        base = "http://[fe80::1%25eth0]:80/d.xml"
        self.assertEqual(resolveURL(base, None, "/ctl"), "http://[fe80::1%25eth0]:80/ctl")
        self.assertEqual(resolveURL(base, None, "http://[fe80::1]:80/ev"), "http://[fe80::1%25eth0]:80/ev")
        self.assertEqual(resolveURL(base, None, "http://10.0.0.1/ev"), "http://10.0.0.1/ev")
    def test_urlBaseIsADirectoryWhenItIsHTTP(self) -> None:
        """
        An HTTP URLBase is a directory for relative URLs; another scheme's is ignored.
        """
        self.assertEqual(resolveURL("http://h:1/d.xml", "http://b:2/base", "x"), "http://b:2/base/x")
        self.assertEqual(resolveURL("http://h:1/d.xml", "ftp://b/", "x"), "http://h:1/x")

    def test_unusableURLsAreDropped(self) -> None:
        """
        Empty, non-HTTP, spaced, control-laden and over-long URLs give None.
        """
        for url in (None, "", "   ", "javascript:alert(1)", "file:///etc/passwd", "http://h/a b", "http://h/\x00", "x" * MAX_URL):
            self.assertIsNone(resolveURL("http://h:1/d.xml", None, url), url)
