"""Tests for C{coherence_lite.control}: one C{test_<module>.py} per module (the fast loop)."""
