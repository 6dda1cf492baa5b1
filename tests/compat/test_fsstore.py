"""
Tests for Coherence's FSStore plugin on the L{Coherence
<coherence_lite.compat.base.Coherence>} façade (L{coherence_lite.compat._impl.fsstore}):
C{plugin} and C{plugins} entries as Coherence accepted them become a
MediaServer served over real HTTP on loopback.
"""

from __future__ import annotations

import os
from typing import Any

from PIL import Image
from twisted.logger import ILogObserver, LogLevel, formatEvent, globalLogPublisher
from twisted.trial.unittest import TestCase
from zope.interface import provider

from coherence_lite.compat.base import Coherence

class FSStoreFacadeTests(TestCase):
    """
    A façade in unittest mode configured with an FSStore plugin.
    """

    timeout = 60

    def setUp(self) -> None:
        self.folder = os.path.abspath(self.mktemp())
        os.makedirs(os.path.join(self.folder, "photos"))
        Image.new("RGB", (8, 6), "red").save(os.path.join(self.folder, "photos", "red.png"))
        Image.new("RGB", (8, 6), "blue").save(os.path.join(self.folder, "photos", "skip.png"))
        self.state = os.path.abspath(self.mktemp())
        self.events: list[dict[str, Any]] = []

        @provider(ILogObserver)
        def observe(event: dict[str, Any]) -> None:
            if event.get("log_level") in (LogLevel.warn, LogLevel.error):
                self.events.append(event)

        globalLogPublisher.addObserver(observe)
        self.addCleanup(globalLogPublisher.removeObserver, observe)

    def start(self, **config: Any) -> Coherence:
        """
        A façade with this configuration, shut down after the test.
        """
        coherence = Coherence({"unittest": "yes", "state_dir": self.state, **config})

        def stop() -> Any:
            return coherence.shutdown(force=True).addBoth(lambda result: coherence.clear() or result)

        self.addCleanup(stop)
        return coherence

    def test_badPlugins(self) -> None:
        """
        An FSStore plugin that cannot be served is one error naming the key;
        nothing is hosted.
        """
        coherence = self.start(plugin={"backend": "FSStore", "content": "/no/such/folder"})
        self.assertEqual(coherence.active_backends, {})
        self.assertIn(
            "Cannot enable FSStore: Coherence plugin FSStore: plugin FSStore: content: /no/such/folder: not a folder",
            [formatEvent(event) for event in self.events],
        )
