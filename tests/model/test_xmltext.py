"""
Tests for L{coherence_lite.model.xmltext}: what the SOAP and GENA message
modules share.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.control import message as control
from coherence_lite.eventing import message as eventing
from coherence_lite.http import resources
from coherence_lite.model.xmltext import (
    XML_CONTENT_TYPE,
    XMLText,
    escapeText,
    isXMLName,
    parseShaped,
    splitTag,
    textElement,
)


class ContentTypeTests(SynchronousTestCase):
    """
    One XML content type, spelled once.
    """

    def test_oneSpelling(self) -> None:
        """
        The control and eventing messages and the HTTP resources all use the
        constant spelled here, as str or as bytes.
        """
        self.assertEqual(XML_CONTENT_TYPE, 'text/xml; charset="utf-8"')
        self.assertIs(control.CONTENT_TYPE, XML_CONTENT_TYPE)
        self.assertIs(eventing.CONTENT_TYPE, XML_CONTENT_TYPE)
        self.assertEqual(resources.XML_CONTENT_TYPE, XML_CONTENT_TYPE.encode("ascii"))


class NameTests(SynchronousTestCase):
    """
    L{isXMLName}, L{textElement} and L{splitTag}.
    """

    def test_isXMLName(self) -> None:
        """
        A letter or underscore, then at most 63 name characters; anything
        else, a non-string included, is not a name.
        """
        for name in ("A", "_x", "Target.1-b", "a" * 64):
            self.assertTrue(isXMLName(name), name)
        for bad in ("", "1a", "a b", "a>", "a" * 65, "é", None, 3):
            self.assertFalse(isXMLName(bad), bad)

    def test_textElement(self) -> None:
        """
        The value is escaped inside the named element; a bad name is refused
        before the value is looked at, with the caller's words.
        """
        self.assertEqual(textElement("Status", "a<&>\r", "a variable"), "<Status>a&lt;&amp;&gt;&#13;</Status>")
        with self.assertRaises(ValueError) as raised:
            textElement("x y", "\x1b", "a variable")
        self.assertIn("is not a variable", str(raised.exception))
        self.assertRaises(ValueError, textElement, "Status", "\x1b", "a variable")

    def test_xmlText(self) -> None:
        """
        An L{XMLText} is escaped as the same L{str} is, and is not scanned
        for characters XML cannot carry: its writer vouched for it.
        """
        text = '<a b="&amp;">\r</a>'
        self.assertEqual(escapeText(XMLText(text)), escapeText(text))
        self.assertEqual(escapeText(XMLText(text)), '&lt;a b="&amp;amp;"&gt;&#13;&lt;/a&gt;')
        self.assertEqual(XMLText(text), text)
        self.assertEqual(escapeText(XMLText("\x1b")), "\x1b")
        self.assertRaises(ValueError, escapeText, "\x1b")

    def test_splitTag(self) -> None:
        """
        A qualified tag gives its namespace and local name, an unqualified
        one no namespace, a non-string (a comment) an empty name.
        """
        self.assertEqual(splitTag("{urn:x}a"), ("urn:x", "a"))
        self.assertEqual(splitTag("a"), (None, "a"))
        self.assertEqual(splitTag(None), (None, ""))


class ParseShapedTests(SynchronousTestCase):
    """
    L{parseShaped}: lenient parsing, then the shape bound.
    """

    def test_accepted(self) -> None:
        """
        A padded document within the bounds gives its document element.
        """
        root = parseShaped(b"\xef\xbb\xbf <a><b/></a>\x00\x00", 100, maxElements=2, maxDepth=2)
        assert not isinstance(root, str), root
        self.assertEqual(root.tag, "a")

    def test_refused(self) -> None:
        """
        A document too large, not XML, with too many elements or nested too
        deep gives the reason, never an exception.
        """
        self.assertIn("larger than", str(parseShaped(b"<a/>", 3)))
        self.assertIsInstance(parseShaped(b"<a>", 100), str)
        self.assertEqual(parseShaped(b"<a><b/><c/></a>", 100, maxElements=2), "too many elements")
        self.assertEqual(parseShaped(b"<a><b><c/></b></a>", 100, maxDepth=2), "elements nested too deep")
