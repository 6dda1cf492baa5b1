# -*- test-case-name: tests.compat.test_base -*-
"""
Coherence's C{coherence.upnp.devices.dimmable_light_client}, under its namesake import path: C{DimmableLightClient} (see
L{coherence_lite.compat._impl.clients}).
"""

from __future__ import annotations

from coherence_lite.compat._impl.clients import DimmableLightClient

__all__ = ["DimmableLightClient"]
