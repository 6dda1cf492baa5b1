"""
Tests for L{coherence_lite.ssdp.message}: the immutable L{Headers} mapping
and the spelling rules that parsing and formatting share.
"""

from __future__ import annotations

from hypothesis import given
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.ssdp.message import Headers, hasControlCharacter, isSearchTarget, isWord

from tests.support.ssdp import searchTargets


class HeadersTests(SynchronousTestCase):
    """
    L{Headers} is an immutable, case-insensitive mapping.
    """

    def test_namesAreCaseInsensitive(self) -> None:
        """
        Header names are found whatever their case and are listed lower-cased.
        """
        headers = Headers([("Cache-Control", "max-age=60")])
        self.assertEqual(headers["CACHE-CONTROL"], "max-age=60")
        self.assertEqual(headers["cache-control"], "max-age=60")
        self.assertIn("Cache-control", headers)
        self.assertEqual(list(headers), ["cache-control"])

    def test_valuesAreStripped(self) -> None:
        """
        Spaces and tabs around a value are dropped.
        """
        self.assertEqual(Headers([("ST", " \tssdp:all  ")])["st"], "ssdp:all")

    def test_firstValueOfARepeatedHeaderWins(self) -> None:
        """
        A repeated header maps to its first value, while L{Headers.pairs} keeps
        every line.
        """
        headers = Headers([("X-A", "1"), ("x-a", "2")])
        self.assertEqual(headers["x-a"], "1")
        self.assertEqual(len(headers), 1)
        self.assertEqual(headers.pairs, (("x-a", "1"), ("x-a", "2")))

    def test_missingNameIsKeyError(self) -> None:
        """
        A missing name raises L{KeyError}, C{get} gives L{None}, and a non-
        string is never contained.
        """
        headers = Headers()
        self.assertRaises(KeyError, lambda: headers["st"])
        self.assertIsNone(headers.get("st"))
        self.assertNotIn(3, headers)

    def test_immutable(self) -> None:
        """
        Neither attributes nor items of L{Headers} can be assigned.
        """
        headers = Headers([("ST", "ssdp:all")])
        self.assertRaises(AttributeError, setattr, headers, "_values", {})

        def assign() -> None:
            headers["st"] = "x"  # type: ignore[index]

        self.assertRaises(TypeError, assign)

    def test_equalHeadersHashAlike(self) -> None:
        """
        Headers mapping the same names to the same values are equal and hash
        alike, whatever the order and case they were given in.
        """
        a = Headers([("ST", "ssdp:all"), ("MX", "2")])
        b = Headers([("mx", "2"), ("st", "ssdp:all")])
        self.assertEqual(a, b)
        self.assertEqual(hash(a), hash(b))
        self.assertNotEqual(a, Headers([("ST", "ssdp:all")]))


class SpellingTests(SynchronousTestCase):
    """
    The value rules both the parser and the formatters apply.
    """

    @given(searchTargets)
    def test_everyGeneratedSearchTargetIsAccepted(self, target) -> None:
        """
        Every fixed target, UDN and device or service type URN is a search
        target.
        """
        self.assertTrue(isSearchTarget(target))

    def test_words(self) -> None:
        """
        A word is non-empty printable ASCII without spaces; nothing else is.
        """
        for word in ("upnp:rootdevice", "http://192.168.1.10:8080/d.xml", "[FF02::C]:1900", "!~"):
            self.assertTrue(isWord(word), word)
        for other in ("", "a b", "a\tb", "caf\u00e9", "a\r\nb", "a\x00", "\x7f"):
            self.assertFalse(isWord(other), other)

    def test_controlCharacters(self) -> None:
        """
        CR, LF, NUL, escape and DEL are control characters; a tab and
        non-ASCII text are not.
        """
        for bad in ("a\rb", "a\nb", "\x00", "\x1b[31m", "\x7f"):
            self.assertTrue(hasControlCharacter(bad), bad)
        for fine in ("", "a\tb", "caf\u00e9 \u2028"):
            self.assertFalse(hasControlCharacter(fine), fine)
