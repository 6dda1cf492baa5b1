"""Tests for C{coherence_lite.eventing}: one C{test_<module>.py} per module (the fast loop)."""
