"""Tests for C{coherence_lite.host}: one C{test_<module>.py} per module (the fast loop)."""
