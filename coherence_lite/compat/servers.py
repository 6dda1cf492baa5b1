# -*- test-case-name: tests.compat.test_imports -*-
"""
Coherence's package C{coherence.upnp.services.servers}, for C{from
coherence.upnp.services import servers}: its modules, as attributes.
"""

from coherence_lite.compat import dimming_server, switch_power_server

__all__ = ["dimming_server", "switch_power_server"]
