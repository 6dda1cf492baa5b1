"""
Tests of coherence_lite.ssdp.
"""
