"""
A Coherence user's FSStore set-up, as Coherence's own documentation shows
it, run unchanged but for the paths: the daemon (C{twistd -n upnp-device})
in a network namespace, found by SSDP from a client namespace and walked
whole by async-upnp-client's DmsDevice (tests/system/dms_search_probe.py),
then restarted with the same state directory; and Coherence's Python
form, C{Coherence(config)} with a C{plugin} entry, on coherence-lite's
façade, found and walked the same way.

The sources, in coherence-project/Coherence (branch develop, 8801620):

  - C{README}, "Quickstart"::

        coherence --plugin=backend:FSStore,content:/path/to/your/media/files

  - C{docs/man/coherence.rst}, "EXAMPLES"::

        coherence --plugin=backend\\:FSStore,name\\:MyCoherence

  - C{docs/coherence.conf.example} (ConfigObj): the top-level keys, then
    C{[plugins]} / C{[[FSStore]]} with C{content = tests/content/audio,
    tests/content/video  # append more directories separated by commas}
    (commented out there) and C{name = Coherence Test Content}.

  - C{docs/mirabeau.xml}, "example config of a simple MediaServer"
    (commented out there): C{<plugin active="yes">} with C{<uuid>
    33d68364-5bee-4dee-9ede-52afdd7baeaf</uuid>}, C{<name>Phil</name>},
    C{<content>/home/phil/Music</content>}, C{<backend>FSStore</backend>},
    inside C{<config>} beside C{<serverport>30020</serverport>}.

  - C{coherence/backends/fs_storage.py}, C{FSStore.options}: C{name} (the
    name it shows up with on other UPnP clients), C{uuid} (the unique
    UPnP identifier), C{content} (the paths it exports).

The command line is the README's with the man page's C{name}: the man
page's own line names no C{content}, and Coherence then exported the
XDG folders of the user running it, which a test cannot own.
"""

from __future__ import annotations

import json
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from tests.media.library import EXPECTED, makeLibrary, needFFmpeg
from tests.support.daemon import HOSTING
from tests.support.mediaclients import folderTree
from tests.support.netns import OutputReader, Topology, run, unavailable
from tests.support.prerequisites import missing

PROBE = Path(__file__).with_name("dms_search_probe.py")

#: docs/coherence.conf.example, its comments kept, the FSStore section's
#: C{content} line uncommented and given this test's folders (C{{folders}}).
CONFIGOBJ = """\
# config file for coherence
#
# keywords are case-sensitive

logmode = warning                         # none, error, warning, info, debug, log
#logfile = coherence.log
#interface = eth0
serverport = 30020                       # if not specified or set to 0
                                          # coherence will let the OS choose the port

controlpoint = yes                        # if set to yes coherence will activate its
                                          # internal ControlPoint

web-ui = no                               # set this to yes to enable some interactive
                                          # Web-UI

[subsystem_log]
#coherence = info
#SSDP = info

[plugins]
    [[FSStore]]
        content = {folders}           # append more directories separated by commas
    #    version = 1
    #    #content = /data/audio/music
        name = Coherence Test Content
"""

#: docs/mirabeau.xml's simple MediaServer, uncommented, its C{content}
#: this test's folder (C{{folder}}).
XML = """\
<config>
  <serverport>30020</serverport>
  <!-- example config of a simple MediaServer -->
  <plugin active="yes">
    <uuid>33d68364-5bee-4dee-9ede-52afdd7baeaf</uuid>
    <name>Phil</name>
    <content>{folder}</content>
    <backend>FSStore</backend>
  </plugin>
</config>
"""

#: A program serving Coherence's Python form, the C{plugin} entry of
#: C{Coherence(config)}, with coherence-lite's façade: run as
#: C{python -c FACADE ADDRESS STATE_DIR FOLDER}, logging to stdout.
FACADE = """\
import sys
from twisted.internet import reactor
from twisted.logger import globalLogBeginner, textFileLogObserver
from coherence_lite.compat.base import Coherence

globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stdout)])
address, state, folder = sys.argv[1:]
config = {"interface": address, "state_dir": state,
          "plugin": [{"backend": "FSStore", "content": folder, "name": "Den"}]}
reactor.callWhenRunning(Coherence, config)
reactor.run()
"""

#: Titles of the readable files of L{makeLibrary}'s folder.
TITLES = sorted(title for title, _ in EXPECTED.values())


class CoherenceConfigurationTests(SynchronousTestCase):
    """
    The daemon started with a Coherence FSStore configuration, in its own
    namespace, walked by DmsDevice from a client namespace.
    """

    def setUp(self) -> None:
        reason = unavailable()
        if reason is not None:
            missing(reason)
        try:
            import async_upnp_client  # noqa: F401
        except ImportError:
            missing("async-upnp-client is not installed (pip install '.[test]')")
        needFFmpeg()
        self.base = Path(tempfile.mkdtemp(prefix="cl-coherence-config-"))
        self.addCleanup(shutil.rmtree, self.base, True)
        self.music = makeLibrary(self.base)
        self.topology = Topology.build(clientCount=1)
        self.addCleanup(self.topology.destroy)
        self.client = self.topology.clients[0]
        self.state = str(self.base / "state")

    def start(self, *options: str) -> tuple[OutputReader, str]:
        """
        Start the daemon in the device namespace with C{options}; wait for
        its first scan; return its log and the UDN it hosts.
        """
        log = self.topology.startDaemon(*options, stateDirectory=self.state)
        hosting = HOSTING.search(log.waitFor("Hosting").encode("utf-8"))
        assert hosting is not None
        log.waitFor("Media scan done", 60)
        return log, hosting.group(1).decode("ascii")

    def stop(self, log: OutputReader) -> None:
        """
        End the daemon (SIGTERM, by its PID) and check it said nothing
        wrong.
        """
        log.process.send_signal(signal.SIGTERM)
        code = log.process.wait(timeout=20)
        log.join(5)
        output = "".join(log.lines)
        # twistd ends by the signal it was stopped with, after its clean stop.
        self.assertIn(code, (0, -signal.SIGTERM), output)
        self.assertIn("Server Shut Down.", output)
        self.assertNotIn("Traceback", output)
        self.assertNotIn("not supported", output)

    def walk(self) -> dict[str, Any]:
        """
        The one MediaServer the client finds by SSDP, walked whole.
        """
        result = run(
            "ip", "netns", "exec", self.client.namespace, sys.executable, str(PROBE), self.client.address, timeout=90
        )
        servers = json.loads(result.stdout)
        self.assertEqual(len(servers), 1, servers)
        server: dict[str, Any] = servers[0]
        self.assertTrue(server["location"].startswith(f"http://{self.client.deviceAddress}:"), server["location"])
        return server

    def assertWalked(self, server: dict[str, Any], name: str, titles: list[str]) -> None:
        """
        The walk found every readable file exactly once (by title) in the
        folder tree, each object (views included) once, under the
        configured name.
        """
        self.assertEqual(server["friendly_name"], name)
        items = [each for each in folderTree(server["objects"]) if each["class"].startswith("object.item")]
        self.assertEqual(sorted(each["title"] for each in items), titles)
        self.assertEqual(len({each["id"] for each in server["objects"]}), len(server["objects"]))
        self.assertTrue(all(each["res"] for each in items))

    def restartAndWalk(self, log: OutputReader, *options: str) -> str:
        """
        Stop the daemon, start it again the same way and return the UDN
        the client then finds.
        """
        self.stop(log)
        log, udn = self.start(*options)
        server = self.walk()
        self.assertEqual(server["udn"], udn)
        self.stop(log)
        return udn

    def test_commandLine(self) -> None:
        """
        The README's C{--plugin=backend:FSStore,content:...} with the man
        page's C{name:MyCoherence}: the folder walked whole, named
        MyCoherence, its UDN the same after a restart (derived, nothing
        written).
        """
        options = (f"--plugin=backend:FSStore,content:{self.music},name:MyCoherence",)
        log, udn = self.start(*options)
        server = self.walk()
        self.assertWalked(server, "MyCoherence", TITLES)
        self.assertEqual(server["udn"], udn)
        self.assertEqual(self.restartAndWalk(log, *options), udn)

    def test_configObjFile(self) -> None:
        """
        docs/coherence.conf.example with two folders in C{content}: both
        walked whole, named Coherence Test Content, the same UDN after a
        restart; its other keys (C{serverport}, C{controlpoint}, ...) are
        the daemon's options' business and left alone.
        """
        second = self.base / "second"
        second.mkdir()
        shutil.copyfile(self.music / "other" / "pcm.wav", second / "extra.wav")
        path = self.base / "coherence.conf"
        path.write_text(CONFIGOBJ.format(folders=f"{self.music},{second}"))
        options = ("--coherence-config", str(path))
        log, udn = self.start(*options)
        server = self.walk()
        self.assertWalked(server, "Coherence Test Content", sorted([*TITLES, "extra"]))
        self.assertEqual(server["udn"], udn)
        self.assertEqual(self.restartAndWalk(log, *options), udn)

    def test_xmlFile(self) -> None:
        """
        docs/mirabeau.xml's simple MediaServer: the folder walked whole,
        named Phil, its UDN the configured uuid, before and after a
        restart.
        """
        path = self.base / "coherence.xml"
        path.write_text(XML.format(folder=self.music))
        options = ("--coherence-config", str(path))
        log, udn = self.start(*options)
        self.assertEqual(udn, "uuid:33d68364-5bee-4dee-9ede-52afdd7baeaf")
        server = self.walk()
        self.assertWalked(server, "Phil", TITLES)
        self.assertEqual(server["udn"], udn)
        self.assertEqual(self.restartAndWalk(log, *options), udn)

    def test_facadePluginEntry(self) -> None:
        """
        Coherence's C{Coherence({'interface': ..., 'plugin': [{'backend':
        'FSStore', 'content': ..., 'name': 'Den'}]})} on coherence-lite's
        façade, in the device namespace on the link's address: found by
        SSDP and walked whole; SIGTERM stops the reactor, whose shutdown
        waits for the façade's C{shutdown()}, and the program exits.
        """
        process = self.topology.start(
            self.topology.device, sys.executable, "-u", "-c", FACADE, self.client.deviceAddress, self.state,
            str(self.music),
        )
        log = OutputReader(process)
        log.waitFor("Hosting Den")
        log.waitFor("Media scan done", 60)
        server = self.walk()
        self.assertWalked(server, "Den", TITLES)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=20)
        log.join(5)
        output = "".join(log.lines)
        self.assertEqual(code, 0, output)
        self.assertIn("Coherence façade stopped", output)
        self.assertNotIn("Traceback", output)
