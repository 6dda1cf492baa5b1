# -*- test-case-name: tests.compat.test_backend -*-
"""
Coherence's BinaryLight device: C{coherence.upnp.devices.binary_light}.

    c.add_plugin('SimpleLight')            # hosted as a BinaryLight:1

A C{urn:schemas-upnp-org:device:BinaryLight:1} with one SwitchPower:1
service (C{device.switch_power_server}) that its backend answers.
"""

from __future__ import annotations

from coherence_lite.compat.basics import HostedDevice
from coherence_lite.compat.switch_power_server import SwitchPowerServer

__all__ = ["BinaryLight"]


class BinaryLight(HostedDevice):
    """
    A BinaryLight:1 for a backend with C{implements = ['BinaryLight']}.
    """

    deviceName = "BinaryLight"
    serviceClasses = (("switch_power_server", SwitchPowerServer),)
