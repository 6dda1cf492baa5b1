"""
VLC, the real one (Debian's C{vlc-bin} and C{vlc-plugin-base}, headless),
lists the MediaServer's root through its C{upnp://} access and plays what
it finds to the null outputs.

Topology (built per test, deleted after)::

    client namespace (VLC, as nobody)  --veth--  device namespace (the daemon)

VLC's libupnp refuses the loopback interface and starts on the interface
C{--miface} names, so it runs in a namespace of its own; it refuses to run
as root, so it runs as C{nobody}.  VLC 3.0's access takes the control URL
without its scheme (C{upnp://host:port/path?ObjectID=0}: it puts
C{http://} in front itself), browses with RequestedCount 5000, turns each
container into a C{upnp://…?ObjectID=<id>} entry and each item into its
first C{http-get:*:audio/} res, and plays them in turn.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.media.library import makeMedia, needFFmpeg
from tests.support.netns import Topology, unavailable
from tests.support.prerequisites import missing

REASON = unavailable()

#: How long VLC may take to browse and play the whole library, in seconds.
VLC_TIMEOUT = 90

_HOSTING = re.compile(r"Hosting Den \(uuid:[0-9a-f-]+\) at (http://10\.81\.1\.1:\d+)/([0-9a-f-]+)/description\.xml")
_GET = re.compile(r"outgoing request:\nGET (/media/[^ ]+) HTTP/1\.1\n")
_READ = re.compile(r"prefetch stream debug: using (\d+) bytes buffer, (\d+) bytes read")
_RESYNC = re.compile(r"playlist debug: resyncing on (.+)")


class VLCTests(SynchronousTestCase):
    """
    VLC in a client namespace against the daemon in the device namespace.
    """

    def setUp(self) -> None:
        if REASON is not None:
            missing(REASON)
        for tool in ("cvlc", "runuser"):
            if shutil.which(tool) is None:
                missing(f"{tool} is not installed (apt-get install vlc-bin vlc-plugin-base)")
        needFFmpeg()
        self.base = Path(tempfile.mkdtemp(prefix="cl-vlc-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.library = self.base / "library"
        makeMedia(self.library / "Music" / "first.mp3", "title=First Tone")
        makeMedia(self.library / "Music" / "second.mp3", "title=Second Tone")
        nobody = pwd.getpwnam("nobody")
        self.home = self.base / "home"
        self.home.mkdir()
        os.chown(self.home, nobody.pw_uid, nobody.pw_gid)
        os.chmod(self.base, 0o755)
        self.topology = Topology.build(clientCount=1)
        self.addCleanup(self.topology.destroy)
        [self.client] = self.topology.clients

    def vlc(self, mrl: str) -> subprocess.CompletedProcess[str]:
        """
        Run headless VLC as nobody in the client namespace on C{mrl}, with
        the null audio and video outputs, until its playlist ends (at most
        L{VLC_TIMEOUT} seconds).
        """
        return subprocess.run(
            ["ip", "netns", "exec", self.client.namespace, "runuser", "-u", "nobody", "--",
             "env", f"HOME={self.home}", "cvlc", "-vv", "--aout", "dummy", "--vout", "dummy",
             "--no-metadata-network-access", "--miface", self.client.interface, "--play-and-exit", mrl],
            capture_output=True, text=True, timeout=VLC_TIMEOUT,
        )

    def test_listsTheRootAndPlaysEveryTrack(self) -> None:
        """
        VLC opens C{upnp://…?ObjectID=0}, descends into the library's
        folders and the views (which it plays again: it ignores refID),
        GETs each track by its one URL, decodes every byte of it each time,
        and exits 0; the daemon's access log has each GET, answered 206 to
        VLC.
        """
        daemon = self.topology.startDaemon("--media", str(self.library), "--media-name", "Den",
                                           stateDirectory=str(self.base / "state"))
        daemon.waitFor("Media scan done", 60)
        found = _HOSTING.search("".join(daemon.lines))
        assert found is not None, "".join(daemon.lines)
        origin, uuid = found.groups()
        mrl = f"upnp://{origin.removeprefix('http://')}/{uuid}/ContentDirectory/control?ObjectID=0"
        ran = self.vlc(mrl)
        log = ran.stdout + ran.stderr
        self.assertEqual(ran.returncode, 0, log[-4000:])
        listed = _RESYNC.findall(log)
        for title in ("library", "Music", "First Tone", "Second Tone", "Artists", "Recently added"):
            self.assertIn(title, listed, log[-4000:])
        self.assertIn("end of playlist, exiting", log)
        fetched = _GET.findall(log)
        self.assertEqual(len(set(fetched)), 2, log[-4000:])
        sizes = {path.stat().st_size for path in (self.library / "Music").iterdir()}
        reads = [int(read) for _, read in _READ.findall(log)]
        self.assertEqual(len(reads), len(fetched), log[-4000:])
        self.assertEqual(set(reads), sizes)
        self.assertEqual(log.count('using audio decoder module "mpg123"'), len(fetched), log[-4000:])
        for path in set(fetched):
            self.assertRegex(daemon.waitFor(f'"GET {path} HTTP/1.1" 206', 10), r'"VLC/3\.')
