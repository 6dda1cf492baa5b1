# -*- test-case-name: tests.model.test_codecs -*-
"""
UPnP data type values both ways (UDA 1.1 §2.5): text to Python and back,
and a variable's allowed values and range.

Pure.  L{decodeValue} turns the text of an argument into a Python value,
L{encodeValue} does the reverse, L{checkAllowed} applies a variable's
allowedValueList or allowedValueRange.  They refuse with a L{DataTypeError}
whose C{code} fits: 600 (Argument Value Invalid) for text not of the type
or a value not in the list, 601 (Out of Range) for a number outside its
type's range or the variable's range and step.

  - C{ui1}..C{ui8}, C{i1}..C{i8}, C{int}: L{int}, digits with a sign.
  - C{r4 r8 number float}: L{float}, decimal or exponent form, sent as
    C{repr} gives it; no NaN or infinity; r4 within ±3.40282347E+38.
  - C{fixed.14.4}: L{Decimal}, at most 14 digits before the point and 4
    after, no exponent.
  - C{char}: one character; C{string}: any text, kept as is.
  - C{date}, C{dateTime(.tz)}, C{time(.tz)}: L{date}, L{datetime}, L{time};
    ISO 8601 C{YYYY-MM-DD}, C{HH:MM:SS[.ffffff]}, for C{.tz} an optional
    C{Z} or C{±HH:MM} (the value is then aware); a dateTime may be a date.
  - C{boolean}: L{bool}; C{0 1 false true no yes} in any case; sent 0/1.
  - C{bin.base64}, C{bin.hex}: L{bytes}, canonical base64 (whitespace
    ignored) or hex.
  - C{uri}: text without spaces or control characters; C{uuid}: text in
    the 8-4-4-4-12 hex form (a L{uuid.UUID} encodes too).

Other text than C{string} and C{char} is stripped of surrounding
whitespace first, as XML Schema does.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import uuid
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Protocol

from coherence_lite.model.types import DATA_TYPES, INTEGER_RANGES, R4_MAX, STRING, TYPES, DataTypeError, Value, isNumeric

__all__ = ["decodeValue", "encodeValue", "allowedRangeProblem", "checkAllowed", "decodeArgument"]


class AllowedValueRange(Protocol):
    """
    What the checks here read of a variable's allowedValueRange (see
    L{coherence_lite.model.device.AllowedValueRange}).
    """

    @property
    def minimum(self) -> str: ...

    @property
    def maximum(self) -> str: ...

    @property
    def step(self) -> str | None: ...


class StateVariable(Protocol):
    """
    What the checks here read of a state variable (see
    L{coherence_lite.model.device.StateVariable}).
    """

    @property
    def name(self) -> str: ...

    @property
    def dataType(self) -> str: ...

    @property
    def allowedValues(self) -> tuple[str, ...]: ...

    @property
    def allowedValueRange(self) -> AllowedValueRange | None: ...


_FIXED_TYPE = "fixed.14.4"
_INTEGER = re.compile(r"[+-]?([0-9]+)")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FIXED = re.compile(r"[+-]?(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))")
_DATE = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_TIME = r"([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?"
_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
_DATE_TIME = re.compile(rf"{_DATE}(?:T{_TIME}{_ZONE})?")
_TIME_ZONE = re.compile(rf"{_TIME}{_ZONE}")
_BOOLEANS = {"0": False, "false": False, "no": False, "1": True, "true": True, "yes": True}
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")
_URI_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")
_FOUR_PLACES = Decimal("0.0001")
_FIXED_LIMIT = Decimal(10) ** 14


def _invalid(dataType: str, text: object) -> DataTypeError:
    return DataTypeError(600, f"{text!r:.60} is not a valid {dataType}")


def _outOfRange(dataType: str, value: object) -> DataTypeError:
    return DataTypeError(601, f"{value!r:.60} is out of the range of {dataType}")


def _checkFloat(dataType: str, value: float) -> float:
    if not math.isfinite(value) or (dataType == "r4" and abs(value) > R4_MAX):
        raise _outOfRange(dataType, value)
    return value


def _checkFixed(value: Decimal) -> Decimal:
    if not value.is_finite() or value != value.quantize(_FOUR_PLACES, rounding="ROUND_DOWN"):
        raise _invalid(_FIXED_TYPE, value)
    if abs(value) >= _FIXED_LIMIT:
        raise _outOfRange(_FIXED_TYPE, value)
    return value


def _zone(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return timezone.utc
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError("bad zone")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def _clock(groups: tuple[str | None, ...], zone: tzinfo | None) -> time:
    hour, minute, second, fraction = groups
    micro = int((fraction or "").ljust(6, "0"))
    return time(int(hour or 0), int(minute or 0), int(second or 0), micro, tzinfo=zone)


def _decodeDateTime(dataType: str, text: str) -> Value:
    zoned = dataType.endswith(".tz")
    if dataType.startswith("time"):
        match = _TIME_ZONE.fullmatch(text)
        if match is None or (match[5] and not zoned):
            raise ValueError("not a time")
        return _clock(match.groups()[:4], _zone(match[5]))
    match = _DATE_TIME.fullmatch(text)
    if match is None or (dataType == "date" and match[4]) or (match[8] and not zoned):
        raise ValueError("not a date")
    day = date(int(match[1]), int(match[2]), int(match[3]))
    if dataType == "date":
        return day
    return datetime.combine(day, _clock(match.groups()[3:7], _zone(match[8])))


def _decodeNumber(dataType: str, text: str) -> Value:
    if dataType in INTEGER_RANGES:
        match = _INTEGER.fullmatch(text)
        if match is None:
            raise _invalid(dataType, text)
        minimum, maximum = INTEGER_RANGES[dataType]
        if len(match[1].lstrip("0")) > 20 or not minimum <= int(text) <= maximum:
            raise _outOfRange(dataType, text)
        return int(text)
    if TYPES[dataType].pythonType is float:
        if not _FLOAT.fullmatch(text):
            raise _invalid(dataType, text)
        return _checkFloat(dataType, float(text))
    match = _FIXED.fullmatch(text)
    if match is None:
        raise _invalid(dataType, text)
    if len((match[1] or "").lstrip("0")) > 14:
        raise _outOfRange(dataType, text)
    return _checkFixed(Decimal(text))


def _decodeBinary(dataType: str, text: str) -> bytes:
    if dataType == "bin.hex":
        if not _HEX.fullmatch(text):
            raise ValueError("not hex")
        return bytes.fromhex(text)
    compact = re.sub(r"[ \t\r\n]", "", text)
    data = base64.b64decode(compact, validate=True)
    if base64.b64encode(data).decode("ascii") != compact:
        raise ValueError("not canonical base64")
    return data


def decodeValue(dataType: str, text: str) -> Value:
    """
    The Python value of C{text}, the lexical form of a C{dataType} value.

    @raise DataTypeError: C{text} is not of the type (600), or out of its
        range (601); an unknown C{dataType} is a 600 too.
    """
    if dataType not in DATA_TYPES or not isinstance(text, str):
        raise _invalid(str(dataType), text)
    if dataType == STRING:
        return text
    if dataType == "char":
        if len(text) != 1:
            raise _invalid(dataType, text)
        return text
    text = text.strip(" \t\r\n")
    if isNumeric(dataType):
        return _decodeNumber(dataType, text)
    try:
        if dataType == "boolean":
            return _BOOLEANS[text.lower()]
        if dataType.startswith(("date", "time")):
            return _decodeDateTime(dataType, text)
        if dataType.startswith("bin."):
            return _decodeBinary(dataType, text)
    except (KeyError, ValueError, binascii.Error):
        raise _invalid(dataType, text) from None
    if (dataType == "uri" and _URI_FORBIDDEN.search(text)) or (dataType == "uuid" and not _UUID.fullmatch(text)):
        raise _invalid(dataType, text)
    return text


def _encodeDateTime(dataType: str, value: object) -> str:
    zoned = dataType.endswith(".tz")
    if dataType == "date":
        ok = isinstance(value, date) and not isinstance(value, datetime)
    elif dataType.startswith("dateTime"):
        ok = isinstance(value, datetime)
    else:
        ok = isinstance(value, time)
    if not ok:
        raise _invalid(dataType, value)
    assert isinstance(value, (date, time))
    offset = value.utcoffset() if isinstance(value, (datetime, time)) else None
    if offset is not None and (not zoned or offset.seconds % 60 or offset.microseconds):
        raise _invalid(dataType, value)
    return value.isoformat()


def _encodeText(dataType: str, value: object) -> str:
    if isinstance(value, uuid.UUID) and dataType == "uuid":
        return str(value)
    if not isinstance(value, str) or (dataType != STRING and decodeValue(dataType, value) != value):
        raise _invalid(dataType, value)
    return value


def _encodeNumber(dataType: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _invalid(dataType, value)
    if dataType in INTEGER_RANGES:
        minimum, maximum = INTEGER_RANGES[dataType]
        if not isinstance(value, int):
            raise _invalid(dataType, value)
        if not minimum <= value <= maximum:
            raise _outOfRange(dataType, value)
        return str(value)
    if TYPES[dataType].pythonType is float:
        if isinstance(value, Decimal):
            raise _invalid(dataType, value)
        return repr(_checkFloat(dataType, float(value)))
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    number = _checkFixed(number).normalize()
    return format(number.quantize(Decimal(1)) if number == number.to_integral_value() else number, "f")


def _encodeOther(dataType: str, value: object) -> str:
    if dataType == "boolean":
        if not isinstance(value, bool):
            raise _invalid(dataType, value)
        return "1" if value else "0"
    if not isinstance(value, (bytes, bytearray)):
        raise _invalid(dataType, value)
    if dataType == "bin.hex":
        return bytes(value).hex()
    return base64.b64encode(value).decode("ascii")


def encodeValue(dataType: str, value: object) -> str:
    """
    The lexical form of C{value} as a C{dataType}: what L{decodeValue}
    reads back as an equal value.

    @raise DataTypeError: C{value} is not of the Python type the data type
        takes (a L{bool} is not an integer, a L{datetime.datetime} is not a
        date), cannot be sent (NaN, infinity, more than 4 decimals for
        fixed.14.4, a zone where none is allowed) (600), or is out of the
        type's range (601).
    """
    known = TYPES.get(dataType) if isinstance(dataType, str) else None
    if known is not None and known.pythonType is str:
        return _encodeText(dataType, value)
    if isNumeric(dataType):
        return _encodeNumber(dataType, value)
    if dataType.startswith(("date", "time")):
        return _encodeDateTime(dataType, value)
    if dataType in ("boolean", "bin.hex", "bin.base64"):
        return _encodeOther(dataType, value)
    raise _invalid(str(dataType), value)


def _number(dataType: str, text: str) -> Decimal:
    value = decodeValue(dataType, text)
    assert isinstance(value, (int, float, Decimal))
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def allowedRangeProblem(dataType: str, allowedRange: AllowedValueRange) -> str | None:
    """
    What is wrong with a variable's allowedValueRange, if anything: its
    type is not a number, a bound or the step is not a value of the type,
    the minimum is above the maximum, or the step is not above 0.
    """
    if not isNumeric(dataType):
        return f"only numbers have an allowedValueRange, not {dataType}"
    try:
        minimum = _number(dataType, allowedRange.minimum)
        maximum = _number(dataType, allowedRange.maximum)
        step = None if allowedRange.step is None else _number(dataType, allowedRange.step)
    except DataTypeError as e:
        return f"allowedValueRange: {e.reason}"
    if minimum > maximum:
        return "allowedValueRange: the minimum is above the maximum"
    if step is not None and step <= 0:
        return "allowedValueRange: the step must be above 0"
    return None


def checkAllowed(variable: StateVariable, value: Value) -> None:
    """
    Check a decoded C{value} against C{variable}'s allowedValueList and
    allowedValueRange (minimum, maximum, and step counted from the
    minimum).

    @raise DataTypeError: (600) the value is not in the list; (601) it is
        outside the range or off the step; (600) the range itself is not
        usable for the variable's type (see L{allowedRangeProblem}).
    """
    if variable.allowedValues and value not in variable.allowedValues:
        raise DataTypeError(600, f"{value!r:.60} is not one of the allowed values of {variable.name}")
    allowedRange = variable.allowedValueRange
    if allowedRange is None:
        return
    problem = allowedRangeProblem(variable.dataType, allowedRange)
    if problem is not None:
        raise DataTypeError(600, f"{variable.name}: {problem}")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _invalid(variable.dataType, value)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    minimum = _number(variable.dataType, allowedRange.minimum)
    if not minimum <= number <= _number(variable.dataType, allowedRange.maximum):
        raise DataTypeError(601, f"{value!r:.60} is outside the allowed range of {variable.name}")
    if allowedRange.step is not None and (number - minimum) % _number(variable.dataType, allowedRange.step):
        raise DataTypeError(601, f"{value!r:.60} is not on the step of {variable.name}")


def decodeArgument(variable: StateVariable, text: str) -> Value:
    """
    Decode C{text} as a value of C{variable} (its data type) and check it
    against the variable's allowed values and range.

    @raise DataTypeError: as L{decodeValue} and L{checkAllowed}.
    """
    value = decodeValue(variable.dataType, text)
    checkAllowed(variable, value)
    return value
