# -*- test-case-name: tests.model.test_types -*-
"""
Tests for L{coherence_lite.model.types}: the UPnP data types and the
table of their traits.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.codecs import decodeValue, encodeValue
from coherence_lite.model.types import DATA_TYPES, INTEGER_RANGES, STRING, TYPES, DataType, dataTypeProblem, hasValueList, isNumeric


class DataTypeTests(SynchronousTestCase):
    """
    The list of data types and what each allows.
    """

    def test_theTypesOfUDA11(self) -> None:
        """
        L{DATA_TYPES} holds the 26 types of UDA 1.1 §2.5, spelled as UDA
        spells them.
        """
        self.assertEqual(len(DATA_TYPES), 26)
        for name in ("ui1", "i4", "fixed.14.4", "dateTime.tz", "bin.base64", "uuid", STRING):
            self.assertIn(name, DATA_TYPES)

    def test_everyTypeHasNoProblem(self) -> None:
        """
        Every known type passes L{dataTypeProblem}.
        """
        self.assertEqual([name for name in sorted(DATA_TYPES) if dataTypeProblem(name) is not None], [])

    def test_unknownTypeSaysWhichThereAre(self) -> None:
        """
        An unknown name, a name in another case and a value that is not a
        string are problems, and the reason names the value and lists the
        types there are.
        """
        for value in ("integer", "UI4", ["x"], None):
            problem = dataTypeProblem(value)
            assert problem is not None
            self.assertIn(repr(value), problem)
            self.assertIn("ui1, ui2, ui4", problem)

    def test_onlyStringsListAllowedValues(self) -> None:
        """
        An C{allowedValueList} belongs to string variables alone.
        """
        self.assertEqual([name for name in sorted(DATA_TYPES) if hasValueList(name)], [STRING])


class TableTests(SynchronousTestCase):
    """
    L{TYPES} is the one table of the data types' traits.
    """

    def test_everyTypeHasEveryTrait(self) -> None:
        """
        Every data type has a row, named as its key, with every trait: a
        Python type, a zero of that type which encodes and decodes back to
        itself, whether it is numeric (then bounds for exactly the integer
        types, a number input and its step), and a form input.
        """
        self.assertEqual(set(TYPES), set(DATA_TYPES))
        for name, row in TYPES.items():
            self.assertIsInstance(row, DataType)
            self.assertEqual(row.name, name)
            self.assertIsInstance(row.pythonType, type, name)
            self.assertIs(type(row.zero), row.pythonType, name)
            self.assertEqual(decodeValue(name, encodeValue(name, row.zero)), row.zero, name)
            self.assertIsInstance(row.numeric, bool, name)
            self.assertIn(row.formInput, ("number", "checkbox", "text"), name)
            self.assertEqual(row.numeric, row.formInput == "number", name)
            self.assertEqual(row.numeric, row.formStep is not None, name)
            self.assertEqual(row.bounds is not None, row.numeric and row.pythonType is int, name)
            self.assertEqual(isNumeric(name), row.numeric, name)

    def test_numericTypes(self) -> None:
        """
        The numbers are the integer types, the four real types and
        fixed.14.4; an unknown name is not numeric.
        """
        expected = set(INTEGER_RANGES) | {"r4", "r8", "number", "float", "fixed.14.4"}
        self.assertEqual({name for name in DATA_TYPES if isNumeric(name)}, expected)
        self.assertFalse(isNumeric("decimal"))
