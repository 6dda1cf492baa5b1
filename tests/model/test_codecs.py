# -*- test-case-name: tests.model.test_codecs -*-
"""
Tests for L{coherence_lite.model.codecs}: UPnP data type values both
ways, and allowed values and ranges.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.device import AllowedValueRange, StateVariable
from coherence_lite.model.codecs import allowedRangeProblem, checkAllowed, decodeArgument, decodeValue, encodeValue
from coherence_lite.model.types import INTEGER_RANGES, R4_MAX, STRING, DataTypeError, Value

#: Fixed UTC offsets in whole minutes, as the .tz types carry them.
zones = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: timezone(timedelta(minutes=minutes)))


class CodecTestCase(SynchronousTestCase):
    """
    Assertions about decoding and encoding.
    """

    def assertRefused(self, dataType: str, text: str, code: int = 600) -> None:
        """
        Decoding C{text} as C{dataType} raises a L{DataTypeError} with
        C{code}.
        """
        error = self.assertRaises(DataTypeError, decodeValue, dataType, text)
        self.assertEqual(error.code, code, f"{dataType} {text!r}: {error}")

    def assertNotEncoded(self, dataType: str, value: object, code: int = 600) -> None:
        """
        Encoding C{value} as C{dataType} raises a L{DataTypeError} with
        C{code}.
        """
        error = self.assertRaises(DataTypeError, encodeValue, dataType, value)
        self.assertEqual(error.code, code, f"{dataType} {value!r}: {error}")

    def assertRoundTrip(self, dataType: str, value: Value) -> None:
        """
        C{value} encodes to text that decodes back to an equal value of the
        same Python type.
        """
        decoded = decodeValue(dataType, encodeValue(dataType, value))
        self.assertEqual(decoded, value)
        self.assertIs(type(decoded), type(value))


class IntegerTests(CodecTestCase):
    """
    The integer types.
    """

    def test_boundaries(self) -> None:
        """
        The minimum and maximum of each integer type are accepted both ways,
        one beyond is a 601 both ways, and C{int} is C{i4}.
        """
        self.assertEqual(INTEGER_RANGES["int"], INTEGER_RANGES["i4"])
        self.assertEqual(INTEGER_RANGES["ui8"], (0, 18446744073709551615))
        self.assertEqual(INTEGER_RANGES["i1"], (-128, 127))
        for dataType, (minimum, maximum) in INTEGER_RANGES.items():
            for value in (minimum, maximum):
                self.assertEqual(decodeValue(dataType, str(value)), value)
                self.assertEqual(encodeValue(dataType, value), str(value))
            for value in (minimum - 1, maximum + 1):
                self.assertRefused(dataType, str(value), 601)
                self.assertNotEncoded(dataType, value, 601)

    def test_boundariesAreTheLiteralValues(self) -> None:
        """
        Each integer type's range is the one UDA gives, written out here
        (not derived from the table under test): its bounds are accepted
        both ways and one beyond each is a 601 both ways.
        """
        literal = {
            "ui1": (0, 255),
            "ui2": (0, 65535),
            "ui4": (0, 4294967295),
            "ui8": (0, 18446744073709551615),
            "i1": (-128, 127),
            "i2": (-32768, 32767),
            "i4": (-2147483648, 2147483647),
            "int": (-2147483648, 2147483647),
            "i8": (-9223372036854775808, 9223372036854775807),
        }
        self.assertEqual(sorted(INTEGER_RANGES), sorted(literal))
        for dataType, (minimum, maximum) in literal.items():
            for value in (minimum, maximum):
                self.assertEqual(decodeValue(dataType, str(value)), value, dataType)
                self.assertEqual(encodeValue(dataType, value), str(value), dataType)
            for value in (minimum - 1, maximum + 1):
                self.assertRefused(dataType, str(value), 601)
                self.assertNotEncoded(dataType, value, 601)

    def test_lexicalForms(self) -> None:
        """
        A sign, leading zeros and surrounding whitespace are accepted.
        """
        self.assertEqual(decodeValue("ui1", "+7"), 7)
        self.assertEqual(decodeValue("ui1", "-0"), 0)
        self.assertEqual(decodeValue("i2", " -0042\n"), -42)
        self.assertEqual(decodeValue("ui1", "0" * 100 + "1"), 1)

    def test_badText(self) -> None:
        """
        Anything but optional sign and digits is a 600; huge numbers are
        601 without being converted.
        """
        for text in ("", " ", "1.0", "1e3", "0x10", "1 2", "--1", "+", "١٢", "1_000", "one"):
            self.assertRefused("i4", text)
        self.assertRefused("ui8", "9" * 5000, 601)

    def test_badValues(self) -> None:
        """
        Only L{int}s encode as integers: not L{bool}, L{float}, text or
        L{Decimal}.
        """
        for value in (True, 1.0, "1", Decimal(1), None):
            self.assertNotEncoded("i4", value)

    @given(st.sampled_from(sorted(INTEGER_RANGES)), st.data())
    def test_roundTrip(self, dataType: str, data: st.DataObject) -> None:
        """
        Every integer in a type's range survives encoding and decoding.
        """
        minimum, maximum = INTEGER_RANGES[dataType]
        self.assertRoundTrip(dataType, data.draw(st.integers(minimum, maximum)))


class FloatTests(CodecTestCase):
    """
    r4, r8, number and float.
    """

    def test_forms(self) -> None:
        """
        Decimal and exponent forms decode; integers decode to floats; values
        are sent as C{repr} writes them.
        """
        self.assertEqual(decodeValue("r8", "1"), 1.0)
        self.assertIs(type(decodeValue("number", "1")), float)
        for text, value in (("-1.5", -1.5), (".5", 0.5), ("5.", 5.0), ("1E-3", 0.001), ("+2.5e+2", 250.0), ("1e-400", 0.0)):
            self.assertEqual(decodeValue("float", text), value)
        self.assertEqual(encodeValue("r8", 0.1), "0.1")
        self.assertEqual(encodeValue("r8", 1e16), "1e+16")
        self.assertEqual(encodeValue("r4", 3), "3.0")

    def test_r4Range(self) -> None:
        """
        r4 holds magnitudes up to 3.40282347E+38, both ways; r8 goes beyond.
        """
        self.assertEqual(decodeValue("r4", "3.40282347E+38"), R4_MAX)
        self.assertEqual(decodeValue("r4", "-3.40282347E+38"), -R4_MAX)
        self.assertRefused("r4", "3.4028235E+38", 601)
        self.assertNotEncoded("r4", -3.5e38, 601)
        self.assertEqual(decodeValue("r8", "3.5e38"), 3.5e38)

    def test_nanAndInfinityRefused(self) -> None:
        """
        NaN and infinities are refused, spelled out or by overflow.
        """
        for text in ("NaN", "nan", "INF", "-inf", "Infinity"):
            self.assertRefused("r8", text)
        self.assertRefused("r8", "1e999", 601)
        for value in (float("nan"), float("inf"), float("-inf")):
            self.assertNotEncoded("r8", value, 601)

    def test_badTextAndValues(self) -> None:
        """
        Text that is not a number, and values that are not int or float,
        are refused.
        """
        for text in ("", "1,5", "1.2.3", "e5", "1e", "0x1p3", "1_0"):
            self.assertRefused("r8", text)
        for value in (True, "1.0", Decimal("1.5"), None):
            self.assertNotEncoded("r8", value)

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_r8RoundTrip(self, value: float) -> None:
        """
        Every finite double survives exactly.
        """
        self.assertRoundTrip("r8", value)

    @given(st.floats(width=32, allow_nan=False, allow_infinity=False))
    def test_r4RoundTrip(self, value: float) -> None:
        """
        Every finite single-precision value survives exactly.
        """
        self.assertRoundTrip("r4", value)


class FixedTests(CodecTestCase):
    """
    fixed.14.4.
    """

    def test_digits(self) -> None:
        """
        Up to 14 digits before the point and 4 after are accepted; a 15th
        integer digit is 601, a 5th significant decimal is 600.
        """
        self.assertEqual(decodeValue("fixed.14.4", "99999999999999.9999"), Decimal("99999999999999.9999"))
        self.assertEqual(decodeValue("fixed.14.4", "-00012.5000"), Decimal("-12.5"))
        self.assertEqual(decodeValue("fixed.14.4", "1.00000"), Decimal(1))
        self.assertEqual(decodeValue("fixed.14.4", ".5"), Decimal("0.5"))
        self.assertRefused("fixed.14.4", "100000000000000", 601)
        self.assertRefused("fixed.14.4", "1.00001")
        for text in ("", ".", "1e3", "1,5", "NaN", "Infinity", "+-1"):
            self.assertRefused("fixed.14.4", text)

    def test_encode(self) -> None:
        """
        Decimals, ints and floats are sent in plain notation, without
        useless zeros, and refused when they need more digits.
        """
        self.assertEqual(encodeValue("fixed.14.4", Decimal("1.50")), "1.5")
        self.assertEqual(encodeValue("fixed.14.4", Decimal("1E+2")), "100")
        self.assertEqual(encodeValue("fixed.14.4", 7), "7")
        self.assertEqual(encodeValue("fixed.14.4", 0.25), "0.25")
        self.assertEqual(encodeValue("fixed.14.4", Decimal("-99999999999999.9999")), "-99999999999999.9999")
        self.assertNotEncoded("fixed.14.4", 1 / 3)
        self.assertNotEncoded("fixed.14.4", Decimal("NaN"))
        self.assertNotEncoded("fixed.14.4", 10**14, 601)
        self.assertNotEncoded("fixed.14.4", True)

    @given(st.decimals(min_value=Decimal("-99999999999999.9999"), max_value=Decimal("99999999999999.9999"), places=4))
    def test_roundTrip(self, value: Decimal) -> None:
        """
        Every value with 14.4 digits survives.
        """
        self.assertRoundTrip("fixed.14.4", value)


class TextTests(CodecTestCase):
    """
    char, string, uri and uuid.
    """

    def test_charAndString(self) -> None:
        """
        A char is exactly one character; a string is any text, kept as is.
        """
        self.assertEqual(decodeValue("char", "é"), "é")
        self.assertEqual(decodeValue("char", " "), " ")
        self.assertRefused("char", "")
        self.assertRefused("char", "ab")
        self.assertEqual(decodeValue(STRING, "  keep\n "), "  keep\n ")
        self.assertNotEncoded("char", "ab")
        self.assertNotEncoded(STRING, 1)
        self.assertNotEncoded(STRING, b"bytes")

    def test_uri(self) -> None:
        """
        Absolute and relative URIs are accepted; spaces and control
        characters are not.
        """
        for text in ("http://192.168.1.2:8080/a?b=c#d", "/relative/path", "urn:x:y", ""):
            self.assertEqual(decodeValue("uri", text), text)
            self.assertEqual(encodeValue("uri", text), text)
        for text in ("http://x/a b", "a\tb", "a\x7fb", "a\x85b"):
            self.assertRefused("uri", text)
        self.assertNotEncoded("uri", " http://x/")

    def test_uuid(self) -> None:
        """
        A uuid is the 8-4-4-4-12 hex form; a L{uuid.UUID} encodes too.
        """
        text = "6BA7B810-9dad-11d1-80b4-00c04fd430c8"
        self.assertEqual(decodeValue("uuid", text), text)
        self.assertEqual(encodeValue("uuid", uuid.UUID(text)), text.lower())
        for bad in ("uuid:" + text, text.replace("-", ""), text[:-1], text + "0", "g" + text[1:]):
            self.assertRefused("uuid", bad)

    @given(st.text())
    def test_stringRoundTrip(self, value: str) -> None:
        """
        Any text survives as a string.
        """
        self.assertRoundTrip(STRING, value)

    @given(st.characters())
    def test_charRoundTrip(self, value: str) -> None:
        """
        Any one character survives as a char.
        """
        self.assertRoundTrip("char", value)


class DateTimeTests(CodecTestCase):
    """
    date, dateTime, dateTime.tz, time and time.tz.
    """

    def test_decode(self) -> None:
        """
        ISO 8601 forms decode, with a zone only for the .tz types.
        """
        self.assertEqual(decodeValue("date", "2024-02-29"), date(2024, 2, 29))
        self.assertEqual(decodeValue("dateTime", "2024-02-29"), datetime(2024, 2, 29))
        self.assertEqual(decodeValue("dateTime", "2024-02-29T23:59:59.25"), datetime(2024, 2, 29, 23, 59, 59, 250000))
        self.assertEqual(
            decodeValue("dateTime.tz", "2024-02-29T12:00:00+05:30"),
            datetime(2024, 2, 29, 12, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        )
        self.assertEqual(decodeValue("dateTime.tz", "2024-02-29T12:00:00Z"), datetime(2024, 2, 29, 12, tzinfo=timezone.utc))
        self.assertEqual(decodeValue("dateTime.tz", "2024-02-29T12:00:00"), datetime(2024, 2, 29, 12))
        self.assertEqual(decodeValue("time", "07:08:09"), time(7, 8, 9))
        self.assertEqual(decodeValue("time.tz", "07:08:09-01:00"), time(7, 8, 9, tzinfo=timezone(timedelta(hours=-1))))

    def test_badText(self) -> None:
        """
        Impossible dates and times, other forms, and zones where none is
        allowed are 600.
        """
        for dataType, text in (
            ("date", "2023-02-29"),
            ("date", "2024-13-01"),
            ("date", "24-01-01"),
            ("date", "2024-01-01T00:00:00"),
            ("date", "0000-01-01"),
            ("dateTime", "2024-01-01T00:00:00Z"),
            ("dateTime", "2024-01-01 00:00:00"),
            ("dateTime", "2024-01-01T24:00:00"),
            ("dateTime", "2024-01-01T00:00"),
            ("dateTime.tz", "2024-01-01T00:00:00+24:00"),
            ("dateTime.tz", "2024-01-01T00:00:00+0100"),
            ("time", "07:08:09Z"),
            ("time", "7:08:09"),
            ("time", "07:60:00"),
            ("time", "23:59:60"),
            ("time", "07:08:09.1234567"),
            ("time.tz", "2024-01-01T07:08:09"),
        ):
            self.assertRefused(dataType, text)

    def test_encode(self) -> None:
        """
        Values are sent in ISO 8601; a datetime is not a date, and a zone is
        refused where the type has none or when it is not whole minutes.
        """
        self.assertEqual(encodeValue("date", date(999, 1, 2)), "0999-01-02")
        self.assertEqual(encodeValue("dateTime", datetime(2024, 1, 2, 3, 4, 5)), "2024-01-02T03:04:05")
        self.assertEqual(encodeValue("dateTime.tz", datetime(2024, 1, 2, tzinfo=timezone.utc)), "2024-01-02T00:00:00+00:00")
        self.assertEqual(encodeValue("time.tz", time(1, 2, 3)), "01:02:03")
        self.assertNotEncoded("date", datetime(2024, 1, 2))
        self.assertNotEncoded("dateTime", date(2024, 1, 2))
        self.assertNotEncoded("dateTime", datetime(2024, 1, 2, tzinfo=timezone.utc))
        self.assertNotEncoded("time", time(1, tzinfo=timezone.utc))
        self.assertNotEncoded("time.tz", time(1, tzinfo=timezone(timedelta(seconds=30))))
        self.assertNotEncoded("time", "01:02:03")

    @given(st.dates())
    def test_dateRoundTrip(self, value: date) -> None:
        """
        Every date survives.
        """
        self.assertRoundTrip("date", value)

    @given(st.datetimes())
    def test_dateTimeRoundTrip(self, value: datetime) -> None:
        """
        Every naive date and time survives, as dateTime and dateTime.tz.
        """
        self.assertRoundTrip("dateTime", value)
        self.assertRoundTrip("dateTime.tz", value)

    @given(st.datetimes(timezones=zones))
    def test_dateTimeTzRoundTrip(self, value: datetime) -> None:
        """
        Every date and time with a whole-minute zone survives, with its
        offset.
        """
        self.assertRoundTrip("dateTime.tz", value)
        decoded = decodeValue("dateTime.tz", encodeValue("dateTime.tz", value))
        assert isinstance(decoded, datetime)
        self.assertEqual(decoded.utcoffset(), value.utcoffset())

    @given(st.times(), st.one_of(st.none(), zones))
    def test_timeRoundTrip(self, value: time, zone: timezone | None) -> None:
        """
        Every time survives as time, and with or without a zone as time.tz.
        """
        self.assertRoundTrip("time", value)
        self.assertRoundTrip("time.tz", value.replace(tzinfo=zone))


class BooleanAndBinaryTests(CodecTestCase):
    """
    boolean, bin.base64 and bin.hex.
    """

    def test_boolean(self) -> None:
        """
        C{0 1 false true no yes} in any case decode; only L{bool}s encode,
        as 0 or 1.
        """
        for text, value in (("0", False), ("1", True), ("FALSE", False), ("True", True), ("no", False), ("Yes", True)):
            self.assertIs(decodeValue("boolean", text), value)
        for text in ("", "2", "on", "off", "y", "-1"):
            self.assertRefused("boolean", text)
        self.assertEqual((encodeValue("boolean", True), encodeValue("boolean", False)), ("1", "0"))
        self.assertNotEncoded("boolean", 1)
        self.assertNotEncoded("boolean", "true")

    def test_base64(self) -> None:
        """
        Canonical base64 decodes, line breaks ignored; a bad alphabet, bad
        padding or stray bits are 600.
        """
        self.assertEqual(decodeValue("bin.base64", "aGVs\r\nbG8="), b"hello")
        self.assertEqual(decodeValue("bin.base64", ""), b"")
        for text in ("aGVsbG8", "aGVsbG8==", "aGVsbG9=", "aGVs*G8=", "aGVsbG8=aGVs", "é"):
            self.assertRefused("bin.base64", text)
        self.assertEqual(encodeValue("bin.base64", bytearray(b"\x00\xff")), "AP8=")
        self.assertNotEncoded("bin.base64", "AP8=")

    def test_hex(self) -> None:
        """
        Pairs of hex digits in either case decode; odd lengths or other
        characters are 600; bytes encode in lower case.
        """
        self.assertEqual(decodeValue("bin.hex", "DEADbeef"), b"\xde\xad\xbe\xef")
        for text in ("abc", "zz", "de ad", "0x00"):
            self.assertRefused("bin.hex", text)
        self.assertEqual(encodeValue("bin.hex", b"\xde\xad"), "dead")

    @given(st.binary())
    def test_binaryRoundTrip(self, value: bytes) -> None:
        """
        Any bytes survive both binary types.
        """
        self.assertRoundTrip("bin.base64", value)
        self.assertRoundTrip("bin.hex", value)

    def test_unknownType(self) -> None:
        """
        A name that is not a data type is refused both ways.
        """
        self.assertRefused("integer", "1")
        self.assertNotEncoded("integer", 1)


def variable(dataType: str, allowed: tuple[str, ...] = (), allowedRange: AllowedValueRange | None = None) -> StateVariable:
    """
    A state variable named C{V}.
    """
    return StateVariable("V", dataType, allowedValues=allowed, allowedValueRange=allowedRange)


class AllowedTests(SynchronousTestCase):
    """
    allowedValueList and allowedValueRange.
    """

    def assertCode(self, code: int, v: StateVariable, text: str) -> None:
        """
        Decoding C{text} as an argument of C{v} is refused with C{code}.
        """
        self.assertEqual(self.assertRaises(DataTypeError, decodeArgument, v, text).code, code)

    def test_valueList(self) -> None:
        """
        A string outside the list is 600; inside is returned.
        """
        v = variable(STRING, ("On", "Off"))
        self.assertEqual(decodeArgument(v, "On"), "On")
        self.assertCode(600, v, "on")
        self.assertCode(600, v, "Dim")

    def test_range(self) -> None:
        """
        Values outside [minimum, maximum] or off the step counted from the
        minimum are 601; the bounds are included.
        """
        v = variable("ui1", allowedRange=AllowedValueRange("10", "20", "5"))
        self.assertEqual([decodeArgument(v, text) for text in ("10", "15", "20")], [10, 15, 20])
        for text in ("9", "21", "12"):
            self.assertCode(601, v, text)
        self.assertCode(601, v, "256")
        self.assertCode(600, v, "x")

    def test_floatAndFixedSteps(self) -> None:
        """
        Steps are exact in decimal for floats and fixed.14.4.
        """
        r8 = variable("r8", allowedRange=AllowedValueRange("0", "1", "0.1"))
        self.assertEqual(decodeArgument(r8, "0.3"), 0.3)
        self.assertCode(601, r8, "0.35")
        fixed = variable("fixed.14.4", allowedRange=AllowedValueRange("-1.5", "1.5", "0.0001"))
        self.assertEqual(decodeArgument(fixed, "-1.4999"), Decimal("-1.4999"))
        self.assertCode(601, fixed, "1.5001")
        noStep = variable("i4", allowedRange=AllowedValueRange("-5", "5"))
        checkAllowed(noStep, -5)
        self.assertEqual(self.assertRaises(DataTypeError, checkAllowed, noStep, 6).code, 601)
        self.assertEqual(self.assertRaises(DataTypeError, checkAllowed, noStep, "5").code, 600)

    def test_rangeProblems(self) -> None:
        """
        A range on a non-number, with bounds or a step that are not values
        of the type, upside down, or with a step not above 0, is a problem,
        and checking against it is a 600.
        """
        self.assertIsNone(allowedRangeProblem("i4", AllowedValueRange("-5", "5", "1")))
        for dataType, allowedRange in (
            (STRING, AllowedValueRange("a", "b")),
            ("ui1", AllowedValueRange("0", "256")),
            ("i4", AllowedValueRange("x", "5")),
            ("i4", AllowedValueRange("5", "-5")),
            ("i4", AllowedValueRange("0", "5", "0")),
            ("r8", AllowedValueRange("0", "1", "-0.5")),
        ):
            self.assertIsInstance(allowedRangeProblem(dataType, allowedRange), str)
        broken = variable("i4", allowedRange=AllowedValueRange("5", "-5"))
        self.assertEqual(self.assertRaises(DataTypeError, checkAllowed, broken, 0).code, 600)

    def test_nothingToCheck(self) -> None:
        """
        A variable without list or range takes any value of its type.
        """
        self.assertEqual(decodeArgument(variable("boolean"), "yes"), True)
