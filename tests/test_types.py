"""
Tests for L{coherence_lite.model.types}: the UPnP data types.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.types import DATA_TYPES, STRING, dataTypeProblem, hasValueList


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
