# -*- test-case-name: tests.test_exports -*-
"""
The version of coherence-lite, a leaf every module may import.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
