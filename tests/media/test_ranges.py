"""
Tests for L{coherence_lite.media.ranges}.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.ranges import UNSATISFIABLE, ByteRange, Validators, requestedRange


class RequestedRangeTests(SynchronousTestCase):
    """
    Every range form of RFC 9110 against a file of 1000 bytes.
    """

    def test_singleRanges(self) -> None:
        """
        C{a-b}, C{a-} and C{-n} give the bytes asked for, the end clamped.
        """
        self.assertEqual(requestedRange(b"bytes=0-0", 1000), ByteRange(0, 0, 1000))
        self.assertEqual(requestedRange(b"bytes=100-199", 1000), ByteRange(100, 199, 1000))
        self.assertEqual(requestedRange(b"bytes=100-", 1000), ByteRange(100, 999, 1000))
        self.assertEqual(requestedRange(b"bytes=-100", 1000), ByteRange(900, 999, 1000))
        self.assertEqual(requestedRange(b"bytes=0-99999999", 1000), ByteRange(0, 999, 1000))
        self.assertEqual(requestedRange(b"Bytes = 5 - 9", 1000), ByteRange(5, 9, 1000))

    def test_suffixLongerThanFile(self) -> None:
        """
        A suffix longer than the file is the whole file, as a range.
        """
        self.assertEqual(requestedRange(b"bytes=-5000", 1000), ByteRange(0, 999, 1000))

    def test_unsatisfiable(self) -> None:
        """
        A start at or past the end, C{-0}, or any range of an empty file.
        """
        for header, size in ((b"bytes=1000-", 1000), (b"bytes=1000-2000", 1000), (b"bytes=-0", 1000), (b"bytes=0-", 0)):
            self.assertIs(requestedRange(header, size), UNSATISFIABLE, header)
        self.assertEqual(UNSATISFIABLE.contentRange(1000), b"bytes */1000")

    def test_ignored(self) -> None:
        """
        No header, another unit, garbage, a reversed range or several
        ranges answer the whole file.
        """
        for header in (None, b"items=0-1", b"bytes=a-b", b"bytes=5-1", b"bytes=0-1,5-6", b"bytes=-", b"bytes", b"\xff"):
            self.assertIsNone(requestedRange(header, 1000), header)
        self.assertIsNone(requestedRange(b"bytes=" + b"9" * 30 + b"-", 1000))

    def test_contentRange(self) -> None:
        """
        The 206 header names first, last and size.
        """
        self.assertEqual(ByteRange(900, 999, 1000).contentRange(), b"bytes 900-999/1000")
        self.assertEqual(ByteRange(900, 999, 1000).length, 100)


class ValidatorsTests(SynchronousTestCase):
    """
    If-Range matches only our strong ETag or our exact Last-Modified.
    """

    def setUp(self) -> None:
        self.validators = Validators.of(1000, 1_700_000_000_123_456_789, 42)

    def test_values(self) -> None:
        """
        The ETag is strong and quoted; the date is the HTTP date of the whole
        second.
        """
        self.assertEqual(self.validators.etag, b'"2a-3e8-%x"' % (1_700_000_000_123_456_789,))
        self.assertEqual(self.validators.lastModified, b"Tue, 14 Nov 2023 22:13:20 GMT")

    def test_ifRange(self) -> None:
        """
        The same ETag or date match; another tag, a weak tag, another date or
        garbage do not.
        """
        self.assertTrue(self.validators.matchIfRange(self.validators.etag))
        self.assertTrue(self.validators.matchIfRange(b"Tue, 14 Nov 2023 22:13:20 GMT"))
        self.assertFalse(self.validators.matchIfRange(b'"other"'))
        self.assertFalse(self.validators.matchIfRange(b"W/" + self.validators.etag))
        self.assertFalse(self.validators.matchIfRange(b"Tue, 14 Nov 2023 22:13:21 GMT"))
        self.assertFalse(self.validators.matchIfRange(b"yesterday"))
        self.assertFalse(self.validators.matchIfRange(b"\xff\xfe"))
