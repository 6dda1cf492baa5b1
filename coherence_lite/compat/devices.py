# -*- test-case-name: tests.compat.test_imports -*-
"""
Coherence's package C{coherence.upnp.devices}, for C{from coherence.upnp
import devices}: its modules, as attributes.

L{DeviceSignals} (Coherence's device detection signals for a control
point's tracker) is kept here too, where earlier releases had it.
"""

from coherence_lite.compat import (
    basics,
    binary_light,
    binary_light_client,
    control_point,
    dimmable_light,
    dimmable_light_client,
)
from coherence_lite.compat._impl.devicesignals import DeviceSignals

__all__ = [
    "DeviceSignals",
    "basics",
    "binary_light",
    "binary_light_client",
    "control_point",
    "dimmable_light",
    "dimmable_light_client",
]
