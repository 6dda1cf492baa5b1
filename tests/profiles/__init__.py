"""Tests for C{coherence_lite.profiles}: one C{test_<module>.py} per module (the fast loop)."""
