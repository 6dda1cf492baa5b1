"""Tests for C{coherence_lite.cli}: one C{test_<module>.py} per module (the fast loop)."""
