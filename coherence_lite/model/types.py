# -*- test-case-name: tests.test_types -*-
"""
UPnP data types (UDA 1.1 §2.5): which there are, and what a state variable
of each may declare.

Pure.  The device model checks a state variable's C{dataType} and its
allowed values here, so the one list of types is the one the host, the
control point and the device files agree on.
"""

from __future__ import annotations

__all__ = ["DATA_TYPES", "STRING", "dataTypeProblem", "hasValueList"]

#: UDA 1.1 §2.5 data types.
DATA_TYPES = frozenset(
    """ui1 ui2 ui4 ui8 i1 i2 i4 i8 int r4 r8 number fixed.14.4 float char string
    date dateTime dateTime.tz time time.tz boolean bin.base64 bin.hex uri uuid""".split()
)

#: The one data type whose variables may list their allowed values.
STRING = "string"


def dataTypeProblem(dataType: object) -> str | None:
    """
    What is wrong with a data type name, if anything.

    @param dataType: the C{dataType} of a state variable, as given.
    @return: L{None} when it is one of L{DATA_TYPES}; otherwise why not, in
        words that list the types there are.
    """
    if isinstance(dataType, str) and dataType in DATA_TYPES:
        return None
    return f"{dataType!r} is not a UPnP data type (one of {', '.join(sorted(DATA_TYPES))})"


def hasValueList(dataType: str) -> bool:
    """
    Whether a variable of C{dataType} may have an C{allowedValueList}
    (UDA 1.1 §2.5: string variables only).
    """
    return dataType == STRING
