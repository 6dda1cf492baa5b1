"""Tests for C{coherence_lite.net}: one C{test_<module>.py} per module (the fast loop)."""
