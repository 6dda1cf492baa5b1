"""Tests for C{coherence_lite.model}: one C{test_<module>.py} per module (the fast loop)."""
