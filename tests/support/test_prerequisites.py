"""
Tests for L{tests.support.prerequisites}: a test that lacks a tool skips, except
under CI where it fails.
"""

from __future__ import annotations

from twisted.trial.unittest import FailTest, SkipTest, SynchronousTestCase

from tests.support import prerequisites


class MissingTests(SynchronousTestCase):
    """
    L{prerequisites.missing} skips outside CI and fails under it.
    """

    def setCI(self, value: str | None) -> None:
        """
        Run the rest of the test with C{CI} set to C{value} (unset for
        L{None}).
        """
        self.patch(prerequisites.os, "environ", {} if value is None else {"CI": value})

    def test_skipsOutsideCI(self) -> None:
        """
        Without C{CI}, a missing tool skips the test with the reason.
        """
        self.setCI(None)
        error = self.assertRaises(SkipTest, prerequisites.missing, "no iproute2")
        self.assertEqual(str(error), "no iproute2")

    def test_failsUnderCI(self) -> None:
        """
        With C{CI=true} (as C{.ci/run} runs), a missing tool fails the test
        and the message names the tool and says it is an install failure.
        """
        self.setCI("true")
        error = self.assertRaises(FailTest, prerequisites.missing, "no iproute2")
        self.assertIn("no iproute2", str(error))
        self.assertIn("install", str(error))

    def test_falseCIIsNotCI(self) -> None:
        """
        C{CI=false} is not CI: the test skips.
        """
        self.setCI("false")
        self.assertRaises(SkipTest, prerequisites.missing, "no GUPnP")
