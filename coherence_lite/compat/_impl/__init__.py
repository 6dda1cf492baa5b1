# -*- test-case-name: tests.test_compat_base -*-
"""
The private helpers behind Coherence's namesakes in L{coherence_lite.compat}.
"""

__all__: list[str] = []
