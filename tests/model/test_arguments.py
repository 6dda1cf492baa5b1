"""
Tests for L{coherence_lite.model.arguments}: the in-argument rule the host
answers with and the control point checks with.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.errors import UPnPError
from coherence_lite.model.arguments import checkArguments, closestName
from coherence_lite.model.device import Action, AllowedValueRange, Argument, StateVariable

VARIABLES = {
    "Target": StateVariable("Target", "boolean"),
    "Level": StateVariable("Level", "ui1", allowedValueRange=AllowedValueRange("0", "100")),
    "Mode": StateVariable("Mode", "string", allowedValues=("Auto", "Manual")),
}
SET = Action(
    "Set",
    (
        Argument("newTargetValue", "in", "Target"),
        Argument("newLevel", "in", "Level"),
        Argument("newMode", "in", "Mode"),
        Argument("Result", "out", "Target"),
    ),
)
GOOD = {"newTargetValue": "true", "newLevel": "50", "newMode": "Auto"}


class CheckArgumentsTests(SynchronousTestCase):
    """
    L{checkArguments}.
    """

    def refused(self, **changes: str) -> UPnPError:
        sent = dict(GOOD, **changes)
        return self.assertRaises(UPnPError, checkArguments, SET, VARIABLES, {k: v for k, v in sent.items() if v != "-"})

    def test_decoded(self) -> None:
        """
        Good texts become their Python values.
        """
        self.assertEqual(checkArguments(SET, VARIABLES, GOOD), {"newTargetValue": True, "newLevel": 50, "newMode": "Auto"})

    def test_codes(self) -> None:
        """
        Not of the type: 402; beyond the type's range or the variable's:
        601; not an allowed value: 600; missing: 402.
        """
        cases = [
            ({"newTargetValue": "maybe"}, 402, "newTargetValue: 'maybe' is not a valid boolean"),
            ({"newLevel": "300"}, 601, "newLevel: "),
            ({"newLevel": "101"}, 601, "newLevel: "),
            ({"newMode": "Off"}, 600, "newMode: "),
            ({"newMode": "-"}, 402, "Set needs the in-argument 'newMode'"),
        ]
        for changes, code, start in cases:
            error = self.refused(**changes)
            self.assertEqual(error.code, code, changes)
            self.assertTrue(error.description.startswith(start), error.description)

    def test_unknownNameSuggestsTheRightOne(self) -> None:
        """
        A name in the wrong case (GUPnP's newTargetValue typed as
        NewTargetValue) or with a slip is a 402 saying which was meant.
        """
        error = self.refused(newTargetValue="-", NewTargetValue="1")
        self.assertEqual((error.code, error.description), (402, "Set has no in-argument 'NewTargetValue'; did you mean newTargetValue?"))
        self.assertIn("did you mean newLevel?", self.refused(newLevel="-", newLevl="1").description)
        self.assertNotIn("did you mean", self.refused(colour="red").description)

    def test_descriptionIsSafe(self) -> None:
        """
        A name with control characters or of any length still makes a
        valid fault description: printable, at most 256 characters.
        """
        error = self.refused(**{"\x1b[31m" + "x" * 400: "1"})
        self.assertEqual(error.code, 402)
        self.assertTrue(error.description.isprintable())
        self.assertLessEqual(len(error.description), 256)

    def test_closestName(self) -> None:
        """
        Another case wins over a close spelling; nothing close is L{None}.
        """
        self.assertEqual(closestName("instanceid", ["InstanceID", "InstanceId2"]), "InstanceID")
        self.assertIsNone(closestName("Speed", ["InstanceID"]))
