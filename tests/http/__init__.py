"""Tests for C{coherence_lite.http}: one C{test_<module>.py} per module (the fast loop)."""
