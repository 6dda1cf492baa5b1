"""Tests for C{coherence_lite.panel}: one C{test_<module>.py} per module (the fast loop)."""
