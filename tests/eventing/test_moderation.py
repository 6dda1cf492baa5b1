"""
Tests for L{coherence_lite.eventing.moderation}: maximumRate and
minimumDelta on a L{Clock}.
"""

from __future__ import annotations

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.eventing.moderation import Moderator, moderationOf
from coherence_lite.stats import Stats
from tests.support.eventing import switchPower


class ModeratorTests(SynchronousTestCase):
    """
    L{Moderator} between a state's changes and a recording sink.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.out: list[tuple[float, dict[str, object]]] = []
        self.stats = Stats()

    def moderator(self, **moderation: float) -> Moderator:
        """
        A moderator of L{switchPower} whose C{Level} has the moderation
        given, starting from Level 0.
        """
        return Moderator(
            switchPower(**moderation),
            self.clock,
            lambda changes: self.out.append((self.clock.seconds(), changes)),
            {"Status": False, "Level": 0, "Name": ""},
            self.stats,
        )

    def test_unmoderatedVariablesPassAtOnce(self) -> None:
        """
        Without moderation every change passes at once, in one call.
        """
        moderator = self.moderator()
        self.assertFalse(moderator.moderated)
        moderator.changed({"Status": True, "Level": 1})
        moderator.changed({"Level": 2})
        self.assertEqual(self.out, [(0, {"Status": True, "Level": 1}), (0, {"Level": 2})])
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_maximumRateHoldsTheLatestValue(self) -> None:
        """
        With maximumRate 2, a change is evented at once, the changes in the
        next 2 s are held, and the latest of them leaves when the 2 s are
        up; other variables are not held with it.
        """
        moderator = self.moderator(maximumRate=2.0)
        self.assertTrue(moderator.moderated)
        moderator.changed({"Level": 1})
        self.clock.advance(0.5)
        moderator.changed({"Level": 2, "Status": True})
        self.clock.advance(0.5)
        moderator.changed({"Level": 3})
        self.assertEqual(moderator.held, {"Level": 3})
        self.clock.advance(0.99)
        self.assertEqual(self.out, [(0, {"Level": 1}), (0.5, {"Status": True})])
        self.clock.advance(0.01)
        self.assertEqual(self.out[-1], (2.0, {"Level": 3}))
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.clock.advance(1)
        moderator.changed({"Level": 4})
        self.clock.advance(1)
        self.assertEqual(self.out[-1], (4.0, {"Level": 4}))
        self.assertEqual(self.stats["eventing.moderated"], 3)

    def test_aChangeAfterTheRatePassesAtOnce(self) -> None:
        """
        A change that comes after maximumRate seconds since the last event
        passes at once.
        """
        moderator = self.moderator(maximumRate=2.0)
        moderator.changed({"Level": 1})
        self.clock.advance(2)
        moderator.changed({"Level": 2})
        self.assertEqual(self.out, [(0, {"Level": 1}), (2, {"Level": 2})])

    def test_minimumDeltaDropsSmallChanges(self) -> None:
        """
        With minimumDelta 5, changes within 5 of the value last evented are
        not evented; one that moves 5 or more from it is.
        """
        moderator = self.moderator(minimumDelta=5)
        for level in (1, 3, 4, 5, 7, 9, 10):
            moderator.changed({"Level": level})
        self.assertEqual(self.out, [(0, {"Level": 5}), (0, {"Level": 10})])
        self.assertEqual(self.stats["eventing.moderated"], 5)

    def test_deltaForgetsAHeldValueItMakesUseless(self) -> None:
        """
        With both rules, a held value is forgotten when a newer change is
        back within the delta of the value last evented.
        """
        moderator = self.moderator(maximumRate=1.0, minimumDelta=5)
        moderator.changed({"Level": 10})
        moderator.changed({"Level": 20})
        self.assertEqual(moderator.held, {"Level": 20})
        moderator.changed({"Level": 12})
        self.assertEqual(moderator.held, {})
        self.clock.advance(5)
        self.assertEqual(self.out, [(0, {"Level": 10})])

    def test_stopCancelsTheTimer(self) -> None:
        """
        Stopping leaves no timer; held values are not sent.
        """
        moderator = self.moderator(maximumRate=5.0)
        moderator.changed({"Level": 1})
        moderator.changed({"Level": 2})
        moderator.stop()
        self.assertEqual(self.clock.getDelayedCalls(), [])
        self.clock.advance(10)
        self.assertEqual(len(self.out), 1)

    def test_moderationOfReadsTheModel(self) -> None:
        """
        L{moderationOf} gives a variable's maximumRate and minimumDelta.
        """
        service = switchPower(maximumRate=0.5, minimumDelta=2)
        self.assertEqual(moderationOf(service.stateVariables[2]), (0.5, 2))
        self.assertEqual(moderationOf(service.stateVariables[1]), (None, None))
