# -*- test-case-name: tests.host.test_settings -*-
"""
Tests for L{coherence_lite.host.settings}: the host's settings and their
defaults, and the device C{twistd upnp-device} hosts.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.settings import HostedDeviceError, HostSettings, hostedDevice
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.net.watcher import POLL_INTERVAL
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.stats import STATS_INTERVAL

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class HostSettingsTests(SynchronousTestCase):
    """
    L{HostSettings}.
    """

    def test_defaults(self) -> None:
        """
        The defaults are those the host has always had: every suitable
        interface, IPv6 too, any HTTP port, SSDP on 1900, max-age 1800, TTL
        2, BOOTID from the clock, and the pollers' and limits' own defaults.
        """
        self.assertEqual(
            HostSettings(),
            HostSettings(
                interfaces=(),
                excludeInterfaces=(),
                ipv6=True,
                ipv6SiteLocal=False,
                httpPort=0,
                ssdpPort=1900,
                maxAge=1800,
                ttl=2,
                advertisedHost=None,
                stateDirectory=None,
                pollInterval=5.0,
                statsInterval=300.0,
                responderLimits=ResponderLimits(),
                httpLimits=HTTPLimits(),
            ),
        )
        self.assertEqual((HostSettings().pollInterval, HostSettings().statsInterval), (POLL_INTERVAL, STATS_INTERVAL))

    def test_frozen(self) -> None:
        """
        Settings cannot change once built; L{dataclasses.replace} makes new
        ones.
        """
        settings = HostSettings()
        self.assertRaises(dataclasses.FrozenInstanceError, setattr, settings, "ttl", 4)
        self.assertEqual(dataclasses.replace(settings, ttl=4).ttl, 4)


class HostedDeviceTests(SynchronousTestCase):
    """
    L{hostedDevice}.
    """

    def test_withoutAFileTheDefaultDevice(self) -> None:
        """
        Without a device file the device is a Basic:1 device, with the given
        name and UDN.
        """
        device = hostedDevice(friendlyName="Cellar", udn="uuid:0c9a6e4e-0000-4000-8000-000000000001")
        self.assertEqual(device.deviceType, "urn:schemas-upnp-org:device:Basic:1")
        self.assertEqual((device.friendlyName, device.UDN), ("Cellar", "uuid:0c9a6e4e-0000-4000-8000-000000000001"))

    def test_overridesReplaceTheFilesValues(self) -> None:
        """
        The name and UDN given replace the file's; the rest is the file's.
        """
        device = hostedDevice(EXAMPLES / "jambon-3000.toml", "Jambon 4000")
        self.assertEqual(device.friendlyName, "Jambon 4000")
        self.assertEqual(device.UDN, hostedDevice(EXAMPLES / "jambon-3000.toml").UDN)
        self.assertEqual(device.manufacturer, "Boucherie numérique SAS")

    def test_badFileIsAnErrorWithoutField(self) -> None:
        """
        A device file that cannot be used is an error naming the file, with
        no field.
        """
        error = self.assertRaises(HostedDeviceError, hostedDevice, "/nonexistent/device.toml")
        self.assertIsNone(error.field)
        self.assertIn("/nonexistent/device.toml", str(error))

    def test_badOverrideNamesItsField(self) -> None:
        """
        An override that is not a valid value is an error naming the device
        field, with or without a file.
        """
        error = self.assertRaises(HostedDeviceError, hostedDevice, EXAMPLES / "jambon-3000.toml", "x" * 65)
        self.assertEqual(error.field, "friendlyName")
        self.assertIn("64", error.reason)
        self.assertEqual(str(error), f"friendlyName: {error.reason}")
        error = self.assertRaises(HostedDeviceError, hostedDevice, None, None, "not-a-udn")
        self.assertEqual(error.field, "UDN")
