# -*- test-case-name: tests.host.test_settings -*-
"""
Tests for L{coherence_lite.host.settings}: the host's settings and their
defaults (the device C{twistd upnp-device} hosts is tested with
L{coherence_lite.host.sources} in C{tests/test_sources.py}).
"""

from __future__ import annotations

import dataclasses

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.settings import HostSettings
from coherence_lite.http.limits import HTTPLimits
from coherence_lite.net.watcher import POLL_INTERVAL
from coherence_lite.ssdp.limits import ResponderLimits
from coherence_lite.stats import STATS_INTERVAL


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
