"""Tests for C{coherence_lite.backend}: one C{test_<module>.py} per module (the fast loop)."""
