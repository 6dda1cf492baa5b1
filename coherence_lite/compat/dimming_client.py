# -*- test-case-name: tests.compat.test_base -*-
"""
Coherence's C{coherence.upnp.services.clients.dimming_client}, under its namesake import path: C{DimmingClient} (see
L{coherence_lite.compat._impl.clients}).
"""

from __future__ import annotations

from coherence_lite.compat._impl.clients import DimmingClient

__all__ = ["DimmingClient"]
