"""Tests for C{coherence_lite.controlpoint}: one C{test_<module>.py} per module (the fast loop)."""
