"""Tests for C{coherence_lite.compat}: one C{test_<module>.py} per module (the fast loop)."""
