# -*- test-case-name: tests.backend.test_runtime -*-
"""
What hosted services do: their state variables' values
(L{coherence_lite.backend.state}), their actions
(L{coherence_lite.backend.runtime}) and the Python class API that declares
both (L{coherence_lite.backend.service}).  This package file imports
nothing.
"""

__all__: list[str] = []
