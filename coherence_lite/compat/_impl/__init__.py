# -*- test-case-name: tests.compat.test_base -*-
"""
The private helpers behind Coherence's namesakes in L{coherence_lite.compat}.
"""

__all__: list[str] = []
