# -*- test-case-name: tests.test_bench -*-
"""
Tests for the benchmark suite's own logic (C{bench/}): which modules it
runs, how a figure is reported, and the arithmetic of the scale figures.
Nothing here starts a server or measures time.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from bench.__main__ import available
from bench.common import Figure, median
from bench.scale import busiestWindow


class SuiteTests(SynchronousTestCase):
    """
    The suite finds its benchmarks and reports each figure with its
    baseline and ratio.
    """

    def test_availableListsBenchmarksInOrder(self) -> None:
        """
        Every module with a C{run} function is a benchmark, the known ones
        first in their order; helpers and the attack script are not.
        """
        names = available()
        self.assertEqual(names[:4], ["ssdp", "httpget", "startup", "scale"])
        for helper in ("common", "attack", "__main__", "__init__"):
            self.assertNotIn(helper, names)

    def test_figureRowShowsBaselineRatioAndVerdict(self) -> None:
        """
        A figure's row carries the value, the baseline, their ratio, the
        goal and the verdict; without a baseline the ratio is empty.
        """
        figure = Figure("CPU per answer", "µs", 9.0, 6.0, "ratio <= 1.25", False)
        self.assertEqual(figure.ratio, 1.5)
        self.assertEqual(figure.row(), "| CPU per answer | 9.0 µs | 6.0 | 1.50 | ratio <= 1.25 | NOT met |")
        bare = Figure("RSS", "MB", 67.0, None, "< 150 MB", True)
        self.assertIsNone(bare.ratio)
        self.assertEqual(bare.row(), "| RSS | 67.0 MB |  |  | < 150 MB | met |")

    def test_medianOfRepetitions(self) -> None:
        """
        The reported value is the median of the repetitions.
        """
        self.assertEqual(median([3.0, 1.0, 2.0]), 2.0)

    def test_busiestWindowCountsArrivalsWithinATenthOfASecond(self) -> None:
        """
        The busiest 100 ms window of arrival times is found.
        """
        times = [0.0, 0.01, 0.02, 0.5, 0.55, 0.56, 0.58, 0.59, 1.0]
        self.assertEqual(busiestWindow(times), 5)
        self.assertEqual(busiestWindow([]), 0)
