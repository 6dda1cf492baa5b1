"""Tests for C{coherence_lite.ssdp}: one C{test_<module>.py} per module (the fast loop)."""
