# -*- test-case-name: tests.compat.test_base -*-
"""
Coherence's C{coherence.upnp.services.clients.switch_power_client}, under its namesake import path: C{SwitchPowerClient} (see
L{coherence_lite.compat._impl.clients}).
"""

from __future__ import annotations

from coherence_lite.compat._impl.clients import SwitchPowerClient

__all__ = ["SwitchPowerClient"]
