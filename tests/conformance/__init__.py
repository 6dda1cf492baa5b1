"""Tests for C{coherence_lite.conformance}: one C{test_<module>.py} per module (the fast loop)."""
