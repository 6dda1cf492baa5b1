"""
Tests for L{coherence_lite.media.request}: the folders of C{--media} and of
a device file's C{[media]} table checked into a L{MediaRequest}, every
wrong value named (the option, or the file and the key) in one message.
"""

from __future__ import annotations

from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.errors import HostedDeviceError
from coherence_lite.media.request import MediaRequest, mediaRequestFromFile


class CheckedTests(SynchronousTestCase):
    """
    L{MediaRequest.checked}: the folders of C{--media} (no base folder) or
    of a device file (relative to its folder).
    """

    def setUp(self) -> None:
        self.base = Path(self.mktemp()).resolve()
        (self.base / "music").mkdir(parents=True)
        (self.base / "photos").mkdir()

    def test_foldersResolvedOnce(self) -> None:
        """
        Relative folders are taken from the base folder and resolved; a
        folder named twice is served once, in the order first given.
        """
        request = MediaRequest.checked("den.toml", ["photos", "music", "music/../photos"], "Den", None, self.base)
        self.assertEqual(request.folders, (self.base / "photos", self.base / "music"))
        self.assertEqual((request.origin, request.name, request.udn), ("den.toml", "Den", None))
        self.assertEqual((request.ignore, request.inotify), ((), True))

    def test_optionErrors(self) -> None:
        """
        Without a base folder (C{--media}) the error names the option:
        C{media} for the folders, C{media-name} for the name.
        """
        for folders, name, field, reason in (
            ([], None, "media", "names no folder"),
            ([str(self.base / "missing")], None, "media", f"{self.base / 'missing'}: not a folder"),
            ([str(self.base / "music")], " ", "media-name", "' ' must be 1 to 64 characters"),
            ([str(self.base / "music")], "x" * 65, "media-name", f"{'x' * 65!r} must be 1 to 64 characters"),
        ):
            error = self.assertRaises(HostedDeviceError, MediaRequest.checked, "--media", folders, name, None)
            self.assertEqual((error.field, error.reason), (field, reason))

    def test_fileErrors(self) -> None:
        """
        With a base folder (a device file) the error names the file and the
        key, and no option.
        """
        for folders, name, reason in (
            ([], None, "den.toml: media.folders: names no folder"),
            (["missing"], None, "den.toml: media.folders: missing: not a folder"),
            (["music"], "", "den.toml: media.name: '' must be 1 to 64 characters"),
        ):
            error = self.assertRaises(HostedDeviceError, MediaRequest.checked, "den.toml", folders, name, None, self.base)
            self.assertEqual((error.field, str(error)), (None, reason))


class FromFileTests(SynchronousTestCase):
    """
    L{mediaRequestFromFile}: a device file's C{[media]} table.
    """

    def setUp(self) -> None:
        self.folder = Path(self.mktemp()).resolve()
        (self.folder / "music").mkdir(parents=True)
        self.path = self.folder / "den.toml"

    def read(self, text: str) -> MediaRequest | None:
        """
        Write C{text} as the device file and read its request.
        """
        self.path.write_text(text)
        return mediaRequestFromFile(self.path)

    def test_table(self) -> None:
        """
        One folder as a string, a name, and a UUID with or without its
        C{uuid:} prefix; the origin is the file's path.
        """
        for uuid in ("uuid:0a1b2c3d-0000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-000000000001"):
            request = self.read(f'[media]\nfolders = "music"\nname = "Den"\nuuid = "{uuid}"\n')
            self.assertEqual(
                request,
                MediaRequest(
                    str(self.path), (self.folder / "music",), "Den", "uuid:0a1b2c3d-0000-4000-8000-000000000001"
                ),
            )

    def test_ordinaryDeviceFile(self) -> None:
        """
        A file without a C{[media]} table asks for no MediaServer.
        """
        self.assertIsNone(self.read('[device]\nfriendlyName = "Lamp"\n'))

    def test_errors(self) -> None:
        """
        A file that cannot be read or parsed, or a wrong table, is one
        message naming the file and the key.
        """
        for text, reason in (
            ("[media\n", "is not valid TOML: "),
            ('media = "music"\n', "media: a MediaServer's file holds one [media] table and nothing else"),
            ('[media]\nfolders = ["music", 3]\n', "media.folders: must be a folder or a list of folders"),
            ('[media]\nfolders = "music"\nname = 3\n', "media.name: must be a string"),
            ('[media]\nfolders = "music"\nuuid = true\n', "media.uuid: must be a string"),
            ('[media]\nfolders = "music"\nviews = "no"\n', "media.views: must be true or false"),
            ('[media]\nfolders = "music"\nthumbnails = "no"\n', "media.thumbnails: must be true or false"),
            ('[media]\nfolders = "music"\nport = 1\n', "media.port: unknown key (known: folders, name, uuid, views, thumbnails)"),
        ):
            error = self.assertRaises(HostedDeviceError, self.read, text)
            self.assertIsNone(error.field)
            self.assertTrue(error.reason.startswith(f"{self.path}: {reason}"), error.reason)
        error = self.assertRaises(HostedDeviceError, mediaRequestFromFile, self.folder / "gone.toml")
        self.assertEqual(
            error.reason, f"{self.folder / 'gone.toml'}: cannot read the device file: No such file or directory"
        )
