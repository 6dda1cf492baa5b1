"""
Tests for L{coherence_lite.media.coherenceconfig} and the C{twistd
upnp-device} options that use it: Coherence's C{--plugin} values and config
files (XML and ConfigObj) read into FSStore plugins and MediaServer
requests, and every wrong input named in one message.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.media.coherenceconfig import CoherenceConfigError, fsstoreRequest, parsePluginOption, readConfigFile
from coherence_lite.host.udn import derivedUDN
from coherence_lite.media.server import MEDIA_SERVER
from coherence_lite.tap import Options
from tests.host.test_media import hostedServer
from tests.test_tap import MACHINE, fakeInterfaces


class PluginOptionTests(SynchronousTestCase):
    """
    L{parsePluginOption}: C{key:value} pairs split at commas and at each
    pair's first colon, repeated keys becoming lists.
    """

    def test_pairs(self) -> None:
        """
        Each pair is split at its first colon (a value may hold colons);
        a repeated key becomes a list in order.
        """
        self.assertEqual(
            parsePluginOption("backend:FSStore,content:/a,content:/b:c,name:Den"),
            {"backend": "FSStore", "content": ["/a", "/b:c"], "name": "Den"},
        )
        self.assertEqual(parsePluginOption("backend:FSStore, name: Den ,"), {"backend": "FSStore", "name": "Den"})

    def test_bad(self) -> None:
        """
        A pair without a colon, or without a key, and an empty value are
        refused, naming the pair.
        """
        for text, part in (("backend:FSStore,content", "'content'"), (":x", "':x'"), ("", "empty")):
            with self.assertRaises(CoherenceConfigError) as caught:
                parsePluginOption(text)
            self.assertIn(part, str(caught.exception))
            self.assertTrue(str(caught.exception).startswith("--plugin: "))


class ConfigFileTests(SynchronousTestCase):
    """
    L{readConfigFile}: both forms of Coherence's config file.
    """

    def write(self, text: str) -> Path:
        """
        A config file holding C{text}.
        """
        path = Path(self.mktemp())
        path.write_text(text, encoding="utf-8")
        return path

    def test_xml(self) -> None:
        """
        The XML form: every C{<plugin>} with its children's texts (repeated
        ones as lists, nested ones as a table), inactive ones skipped.
        """
        path = self.write(
            "<config>\n  <serverport>30020</serverport>\n"
            '  <plugin active="yes"><backend>FSStore</backend><name>Den &amp; co</name>'
            "<content>/a,/b</content><content>/c</content><icon><url>x.png</url></icon></plugin>\n"
            '  <plugin active="no"><backend>MediaStore</backend></plugin>\n'
            "  <plugin><backend>FSStore</backend><content>/d</content></plugin>\n</config>\n"
        )
        self.assertEqual(
            readConfigFile(path),
            [
                {"active": "yes", "backend": "FSStore", "name": "Den & co", "content": ["/a,/b", "/c"], "icon": {"url": "x.png"}},
                {"active": "yes", "backend": "FSStore", "content": "/d"},
            ],
        )

    def test_configObj(self) -> None:
        """
        The ConfigObj form: C{[plugins]} then one C{[[Name]]} per plugin,
        its backend the name unless it says C{backend}; comma lists and
        quoted values (a quoted comma stays in the value); C{active = no}
        skips one; top-level keys are Coherence's own and left alone.
        """
        path = self.write(
            "serverport = 30020\nlogmode = warning\n[plugins]\n"
            "  [[FSStore]]\n  name = \"Den, upstairs\"\n  content = /srv/music, '/srv/my films'\n"
            "  ignore_patterns = '^\\.thumbs$', '.*\\.nfo$'\n  enable_inotify = no\n"
            "  [[Pictures]]\n  backend = FSStore\n  content = /srv/pictures\n"
            "  [[Old]]\n  active = no\n  content = /old\n"
        )
        self.assertEqual(
            readConfigFile(path),
            [
                {"backend": "FSStore", "name": "Den, upstairs", "content": ["/srv/music", "/srv/my films"],
                 "ignore_patterns": ["^\\.thumbs$", ".*\\.nfo$"], "enable_inotify": "no"},
                {"backend": "FSStore", "content": "/srv/pictures"},
            ],
        )

    def test_noPlugins(self) -> None:
        """
        A file without plugins gives none.
        """
        self.assertEqual(readConfigFile(self.write("serverport = 30020\n")), [])
        self.assertEqual(readConfigFile(self.write("<config><serverport>1</serverport></config>")), [])

    def test_bad(self) -> None:
        """
        Unreadable, malformed, misrooted or hostile files, and a wrong
        C{active}, are refused naming the file and what is wrong.
        """
        cases = [
            ("<config><plugin>", "not a well-formed Coherence XML config"),
            ("<settings/>", "not Coherence's <config>"),
            ('<!DOCTYPE x [<!ENTITY a "b">]><config>&a;</config>', "not a well-formed Coherence XML config"),
            ("[plugins]\n  [[FSStore]\n", "not a Coherence config file"),
            ("[plugins]\nFSStore = x\n", "plugins.FSStore: must be a [[FSStore]] section"),
            ("[plugins]\n  [[FSStore]]\n  active = maybe\n", "active: 'maybe' is not yes or no"),
        ]
        for text, message in cases:
            path = self.write(text)
            with self.assertRaises(CoherenceConfigError) as caught:
                readConfigFile(path)
            self.assertIn(message, str(caught.exception))
            self.assertTrue(str(caught.exception).startswith(os.fsdecode(path) + ": "), str(caught.exception))
        with self.assertRaises(CoherenceConfigError) as caught:
            readConfigFile(Path(self.mktemp()))
        self.assertIn("cannot read the Coherence config file", str(caught.exception))
        path = Path(self.mktemp())
        path.write_bytes(b"name = \xff\n")
        self.assertRaises(CoherenceConfigError, readConfigFile, path)


class FSStoreTests(SynchronousTestCase):
    """
    L{fsstoreRequest}: an FSStore plugin's keys as a MediaServer request.
    """

    def setUp(self) -> None:
        self.a = os.path.abspath(self.mktemp())
        self.b = os.path.abspath(self.mktemp())
        os.makedirs(self.a)
        os.makedirs(self.b)
        self.notes: list[str] = []

    def request(self, **plugin: object):  # type: ignore[no-untyped-def]
        """
        The request of an FSStore plugin with these keys.
        """
        return fsstoreRequest("c.conf", {"backend": "FSStore", **plugin}, self.notes.append)

    def test_keys(self) -> None:
        """
        C{content} (comma lists, in one value or several), C{name},
        C{uuid}, C{ignore_patterns} (one or several) and C{enable_inotify}
        become the request; a repeated folder counts once.
        """
        request = self.request(
            content=[f"{self.a},{self.b}", self.a], name="Den", uuid="2E9F8E3C-1C5A-4BB0-9B4D-1B1E5E8A6B10",
            ignore_patterns="^tmp", enable_inotify="no",
        )
        self.assertEqual(request.folders, (Path(self.a), Path(self.b)))
        self.assertEqual((request.origin, request.name, request.udn), ("c.conf", "Den", "uuid:2e9f8e3c-1c5a-4bb0-9b4d-1b1e5e8a6b10"))
        self.assertEqual((request.ignore, request.inotify), (("^tmp",), False))
        request = self.request(content=self.a, ignore_patterns=["a", "b"], enable_inotify="Yes")
        self.assertEqual((request.name, request.udn, request.ignore, request.inotify), (None, None, ("a", "b"), True))
        self.assertEqual(self.notes, [])

    def test_unsupportedKeys(self) -> None:
        """
        Each key not served is named in one line, and ignored.
        """
        self.request(content=self.a, transcoding="yes", import_folder=self.b, version="1")
        self.assertEqual(
            self.notes,
            [f"c.conf: plugin FSStore: FSStore key {key!r} is not supported; ignored" for key in ("transcoding", "import_folder", "version")],
        )

    def test_otherBackend(self) -> None:
        """
        Another backend, or none, is refused naming the plugin.
        """
        with self.assertRaises(CoherenceConfigError) as caught:
            fsstoreRequest("--plugin", {"backend": "MediaStore", "content": self.a}, self.notes.append)
        self.assertEqual(
            str(caught.exception),
            "--plugin: plugin MediaStore: backend 'MediaStore' is not supported (coherence-lite serves Coherence's FSStore only)",
        )
        with self.assertRaises(CoherenceConfigError) as caught:
            fsstoreRequest("--plugin", {"content": self.a}, self.notes.append)
        self.assertIn("backend: missing", str(caught.exception))

    def test_badValues(self) -> None:
        """
        Wrong values are refused naming the origin, the plugin and the key.
        """
        cases = [
            ({}, "content: names no folder"),
            ({"content": " , "}, "content: names no folder"),
            ({"content": "/no/such/folder"}, "content: /no/such/folder: not a folder"),
            ({"content": self.a, "name": ""}, "name: '' must be 1 to 64 characters"),
            ({"content": self.a, "name": ["a", "b"]}, "name: must be one value"),
            ({"content": self.a, "uuid": "nope"}, "uuid: 'nope' is not a UUID"),
            ({"content": self.a, "ignore_patterns": "(unclosed"}, "ignore_patterns: not a regular expression"),
            ({"content": self.a, "enable_inotify": "sometimes"}, "enable_inotify: 'sometimes' is not yes or no"),
            ({"content": {"x": "y"}}, "content: must be text or a list of text"),
        ]
        for plugin, message in cases:
            with self.assertRaises(CoherenceConfigError) as caught:
                self.request(**plugin)
            self.assertTrue(str(caught.exception).startswith("c.conf: plugin FSStore: "), str(caught.exception))
            self.assertIn(message, str(caught.exception))


class TwistdOptionsTests(SynchronousTestCase):
    """
    C{twistd upnp-device --plugin ...} and C{--coherence-config FILE}.
    """

    def setUp(self) -> None:
        self.stateDirectory = os.path.abspath(self.mktemp())
        self.folder = os.path.abspath(self.mktemp())
        os.makedirs(os.path.join(self.folder, "music"))
        self.stderr = io.StringIO()

    def parse(self, *arguments: str, twistd: bool = False) -> Options:
        """
        Parse C{arguments} as C{twistd upnp-device} would (as its
        subcommand when C{twistd}), with a new state directory.
        """
        options = Options(systemInterfaces=fakeInterfaces, identity=lambda stateDirectory: MACHINE, stderr=self.stderr)
        if twistd:
            options.parent = {"nodaemon": True}  # type: ignore[assignment]
        options.parseOptions(["--state-dir", self.stateDirectory, *arguments])
        return options

    def test_plugin(self) -> None:
        """
        C{--plugin} (and Coherence's spelling C{--plugins}) hosts the FSStore
        as the MediaServer: its folders, its name, a UDN that stays the same
        from one start to the next.
        """
        music = os.path.join(self.folder, "music")
        options = self.parse("--plugin", f"backend:FSStore,content:{self.folder},content:{music},name:Den")
        [device] = options["devices"]
        self.assertEqual((device.deviceType, device.friendlyName), (MEDIA_SERVER, "Den"))
        self.assertEqual(hostedServer(options).library.folders, (Path(self.folder), Path(music)))
        self.assertEqual(device.UDN, derivedUDN(MACHINE, "media:--plugin"))
        again = self.parse("--plugins", f"backend:FSStore,content:{self.folder}", "--friendly-name", "Attic")
        self.assertEqual((again["device"].UDN, again["device"].friendlyName), (device.UDN, "Attic"))
        self.assertEqual(self.stderr.getvalue(), "")

    def test_configFile(self) -> None:
        """
        C{--coherence-config} hosts the file's FSStore with its C{uuid} as
        the UDN, its ignore patterns and inotify choice; each unsupported key
        gets one note on stderr.
        """
        path = Path(self.mktemp())
        path.write_text(
            f"[plugins]\n  [[FSStore]]\n  content = {self.folder}\n  name = Den\n"
            "  uuid = 2e9f8e3c-1c5a-4bb0-9b4d-1b1e5e8a6b10\n  ignore_patterns = '^tmp'\n"
            "  enable_inotify = no\n  transcoding = yes\n"
        )
        options = self.parse("--coherence-config", str(path))
        self.assertEqual(options["device"].UDN, "uuid:2e9f8e3c-1c5a-4bb0-9b4d-1b1e5e8a6b10")
        server = hostedServer(options)
        assert server.library.ignore is not None
        self.assertTrue(server.library.ignore.match(b"tmp.mp3"))
        self.assertEqual(
            self.stderr.getvalue(),
            f"twistd upnp-device: note: {path}: plugin FSStore: FSStore key 'transcoding' is not supported; ignored\n",
        )

    def test_errors(self) -> None:
        """
        Run by twistd, a plugin that cannot be served is one line naming
        the origin, the plugin and the key, and exit status 2.
        """
        emptyFile = Path(self.mktemp())
        emptyFile.write_text("serverport = 30020\n")
        cases = [
            (["--plugin", "backend:MediaStore,content:/x"], "--plugin: plugin MediaStore: backend 'MediaStore' is not supported"),
            (["--plugin", "content"], "--plugin: 'content' is not key:value"),
            (["--plugin", "backend:FSStore,content:/no/such"], "--plugin: plugin FSStore: content: /no/such: not a folder"),
            (["--coherence-config", str(emptyFile)], f"{emptyFile}: no active plugin"),
            (["--coherence-config", "/no/such.conf"], "/no/such.conf: cannot read the Coherence config file"),
            (["--media", self.folder, "--plugin", f"backend:FSStore,content:{self.folder}"], "--plugin: a second MediaServer (--media asks for one already)"),
        ]
        for arguments, message in cases:
            self.stderr.truncate(0)
            self.stderr.seek(0)
            error = self.assertRaises(SystemExit, self.parse, *arguments, twistd=True)
            self.assertEqual(error.code, 2)
            line = self.stderr.getvalue()
            self.assertTrue(line.startswith(f"twistd upnp-device: {message}"), line)
            self.assertEqual(line.count("\n"), 1)
            self.assertNotIn("Traceback", line)
