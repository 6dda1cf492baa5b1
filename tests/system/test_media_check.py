"""
C{coherence-lite check} against our own MediaServer: a real daemon
(C{twistd -n upnp-device --media DIR --interface 127.0.0.1}) over a
library made with ffmpeg passes every rule, the MediaServer rules
included, on loopback.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from pathlib import Path

from twisted.internet import reactor
from twisted.trial.unittest import TestCase

from coherence_lite.cli.check import CheckOptions, runCheck

from tests.media.library import makeLibrary, needFFmpeg
from tests.support.mediaclients import checkFindings
from tests.system.mediadaemon import startMediaDaemon


class MediaCheckTests(TestCase):
    """
    The checker against our MediaServer daemon.
    """

    timeout = 120

    async def test_daemonPassesEveryMediaRule(self) -> None:
        """
        Every rule passes, each MediaServer rule is checked (media.scpd on
        both services), nothing fails or warns (thumbnails and a subtitle
        included), and the daemon logs no traceback.
        """
        needFFmpeg()
        base = Path(tempfile.mkdtemp(prefix="cl-media-check-"))
        self.addCleanup(shutil.rmtree, base, True)
        music = makeLibrary(base)
        (music / "video/clip.srt").write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nHi\n")
        daemon = await startMediaDaemon(self, music, base / "state")
        process, port = daemon.process, daemon.ssdpPort
        await process.waitFor("Media thumbnails done", 60)
        options = CheckOptions()
        options.parseOptions(["-i", "127.0.0.1", "--ssdp-port", str(port), "--mx", "1", "--location", daemon.location, "--json"])
        out, err = io.StringIO(), io.StringIO()
        status = await runCheck(reactor, options, out, err)
        [device] = json.loads(out.getvalue())["devices"]
        self.assertEqual(status, 0, out.getvalue() + err.getvalue())
        checkFindings(self, device)
        self.assertNotIn("Traceback", process.output)
