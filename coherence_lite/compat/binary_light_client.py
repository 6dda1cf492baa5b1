# -*- test-case-name: tests.compat.test_base -*-
"""
Coherence's C{coherence.upnp.devices.binary_light_client}, under its namesake import path: C{BinaryLightClient} (see
L{coherence_lite.compat._impl.clients}).
"""

from __future__ import annotations

from coherence_lite.compat._impl.clients import BinaryLightClient

__all__ = ["BinaryLightClient"]
