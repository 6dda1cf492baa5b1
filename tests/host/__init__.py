"""
Tests of coherence_lite.host.
"""
