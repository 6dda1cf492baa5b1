# -*- test-case-name: tests.compat.test_backend -*-
"""
Coherence's DimmableLight device: C{coherence.upnp.devices.dimmable_light}.

A C{urn:schemas-upnp-org:device:DimmableLight:1} with SwitchPower:1
(C{device.switch_power_server}) and Dimming:1 (C{device.dimming_server}),
both answered by its backend.
"""

from __future__ import annotations

from coherence_lite.compat.basics import HostedDevice
from coherence_lite.compat.dimming_server import DimmingServer
from coherence_lite.compat.switch_power_server import SwitchPowerServer

__all__ = ["DimmableLight"]


class DimmableLight(HostedDevice):
    """
    A DimmableLight:1 for a backend with C{implements = ['DimmableLight']}.
    """

    deviceName = "DimmableLight"
    serviceClasses = (("switch_power_server", SwitchPowerServer), ("dimming_server", DimmingServer))
