# -*- test-case-name: tests.compat.test_imports -*-
"""
Coherence's package C{coherence.upnp.services.clients}, for C{from
coherence.upnp.services import clients}: its modules, as attributes.
"""

from coherence_lite.compat import dimming_client, switch_power_client

__all__ = ["dimming_client", "switch_power_client"]
