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


class MediaKitTests(SynchronousTestCase):
    """
    The media benchmark's parsing helpers (C{bench/mediakit.py}).
    """

    def test_locationOfAnSSDPAnswer(self) -> None:
        """
        LOCATION is found whatever its case; an answer without one has none.
        """
        from bench.mediakit import locationOf

        answer = b"HTTP/1.1 200 OK\r\nST: x\r\nlocation: http://127.0.0.1:8200/rootDesc.xml\r\n\r\n"
        self.assertEqual(locationOf(answer), "http://127.0.0.1:8200/rootDesc.xml")
        self.assertIsNone(locationOf(b"HTTP/1.1 200 OK\r\nST: x\r\n\r\n"))

    def test_retaggedMP3CarriesAnID3v1Title(self) -> None:
        """
        A re-tagged copy ends with a 128-byte ID3v1 tag naming its title.
        """
        from bench.mediakit import _retagged

        tagged = _retagged(b"\xff\xfbaudio", "Song 7")
        self.assertEqual(len(tagged), len(b"\xff\xfbaudio") + 128)
        self.assertEqual(tagged[-128:-125], b"TAG")
        self.assertEqual(tagged[-125:-95].rstrip(b"\0"), b"Song 7")

    def test_didlEntries(self) -> None:
        """
        Containers and items of a DIDL-Lite result, with the first res's
        URL and size.
        """
        from bench.mediakit import _entries

        didl = (
            '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<container id="5" parentID="0"><dc:title>big1000</dc:title></container>'
            '<item id="6" parentID="0"><dc:title>a &amp; b</dc:title><res size="42">http://h/media/6.mp3</res></item>'
            "</DIDL-Lite>"
        )
        entries = _entries(didl)
        self.assertEqual([(e.id, e.title, e.container, e.url, e.size) for e in entries], [
            ("5", "big1000", True, None, None),
            ("6", "a & b", False, "http://h/media/6.mp3", 42),
        ])
