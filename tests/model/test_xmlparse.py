"""
Tests for L{coherence_lite.model.xmlparse}: the one safe XML parser.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.xmlparse import XMLError, parseXML

DOCUMENT = b'<?xml version="1.0" encoding="utf-8"?>\n<root xmlns="urn:x"><a>1</a></root>'

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
)


class ParseXMLTests(SynchronousTestCase):
    """
    L{parseXML} gives the document element, or an L{XMLError} saying why
    not; it never raises.
    """

    def refused(self, data: bytes, *words: str, maxSize: int = 1024, lenient: bool = False) -> XMLError:
        """
        Check that C{data} is refused with a reason holding C{words}.
        """
        result = parseXML(data, maxSize, lenient=lenient)
        assert isinstance(result, XMLError), result
        for word in words:
            self.assertIn(word, result.reason)
        return result

    def test_wellFormedDocument(self) -> None:
        """
        A well-formed document gives its document element, namespaces
        resolved.
        """
        root = parseXML(DOCUMENT, 1024)
        assert not isinstance(root, XMLError)
        self.assertEqual(root.tag, "{urn:x}root")
        self.assertEqual(root.findtext("{urn:x}a"), "1")

    def test_sizeIsCheckedFirst(self) -> None:
        """
        A document over the limit is refused with its size and the limit,
        however well-formed; one at the limit is read.
        """
        self.refused(DOCUMENT, "larger than", str(len(DOCUMENT) - 1), maxSize=len(DOCUMENT) - 1)
        self.assertNotIsInstance(parseXML(DOCUMENT, len(DOCUMENT)), XMLError)

    def test_entitiesAndDTDsAreRefused(self) -> None:
        """
        Entity declarations, external entities and any DTD are refused as
        forbidden constructs, never expanded or fetched.
        """
        for document in (
            BILLION_LAUGHS,
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>',
            b"<!DOCTYPE x><x/>",
        ):
            self.refused(document, "refused", "forbidden")

    def test_malformedAndEmpty(self) -> None:
        """
        Empty, blank and malformed documents are refused, saying which.
        """
        self.refused(b"", "empty")
        self.refused(b" \r\n", "empty")
        for document in (b"<a>", b"not xml", b"<a></b>", b"\xff\xfe<a/>"):
            self.refused(document, "malformed")

    def test_unknownEncodingIsAValue(self) -> None:
        """
        A document in an encoding expat cannot read is refused, not raised.
        """
        self.refused(b'<?xml version="1.0" encoding="x-no-such"?><a/>')

    def test_lenientIgnoresWhatDevicesPadWith(self) -> None:
        """
        With C{lenient}, a byte order mark, blanks around the document and
        NUL padding after it are ignored; without, they make it malformed.
        """
        padded = b"\xef\xbb\xbf \r\n" + DOCUMENT + b"\n\x00\x00"
        root = parseXML(padded, 1024, lenient=True)
        assert not isinstance(root, XMLError), root
        self.assertEqual(root.tag, "{urn:x}root")
        self.refused(padded, "malformed")
        self.refused(b"\x00\x00 ", "empty", lenient=True)

    def test_lenientChecksTheSizeAsReceived(self) -> None:
        """
        The size limit applies to the document as received, padding
        included.
        """
        self.refused(DOCUMENT + b"\x00" * 100, "larger than", maxSize=len(DOCUMENT) + 99, lenient=True)
