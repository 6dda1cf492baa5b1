# -*- test-case-name: tests.compat.test_imports -*-
"""
Tests for L{coherence_lite.compat.imports}: the one import rule that moves
Coherence code to coherence-lite.
"""

from __future__ import annotations

import importlib
import io
import sys

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat.imports import COHERENCE_PACKAGES, main, rewriteImports, translateModule

#: Every Coherence module the issue names, and where it lands.
NAMED = {
    "coherence.base": "coherence_lite.compat.base",
    "coherence.upnp.core.ssdp": "coherence_lite.compat.ssdp",
    "coherence.upnp.core.msearch": "coherence_lite.compat.msearch",
    "coherence.upnp.core.uuid": "coherence_lite.compat.uuid",
    "coherence.upnp.core.service": "coherence_lite.compat.service",
    "coherence.upnp.core.utils": "coherence_lite.compat.utils",
    "coherence.upnp.devices.control_point": "coherence_lite.compat.control_point",
    "coherence.upnp.devices.binary_light": "coherence_lite.compat.binary_light",
    "coherence.backend": "coherence_lite.compat.backend",
    "coherence.backends.light": "coherence_lite.compat.light",
    "coherence": "coherence_lite.compat",
    "coherence.extern.louie": "louie",
}


class TranslateTests(SynchronousTestCase):
    """
    Module names map by their last part; packages map to compat itself.
    """

    def test_namedModules(self) -> None:
        """
        Every module the issue names maps as listed, and the target imports.
        """
        for coherence, lite in NAMED.items():
            self.assertEqual(translateModule(coherence), lite, coherence)
            importlib.import_module(lite)

    def test_packagesAndOthers(self) -> None:
        """
        Every Coherence package maps to compat; names outside Coherence are
        left alone (C{coherence_lite} itself included).
        """
        for package in COHERENCE_PACKAGES:
            self.assertEqual(translateModule(package), "coherence_lite.compat", package)
        self.assertEqual(translateModule("twisted.internet"), "twisted.internet")
        self.assertEqual(translateModule("coherence_lite.compat"), "coherence_lite.compat")


class RewriteTests(SynchronousTestCase):
    """
    Only import statements change.
    """

    def test_importForms(self) -> None:
        """
        C{from} imports of modules and packages, C{import ... as} and a bare
        C{import coherence} are rewritten; indentation and line ends stay.
        """
        source = (
            "from coherence.upnp.core import msearch, ssdp\r\n"
            "from coherence.base import Coherence\n"
            "    from coherence import __version__\n"
            "import coherence.extern.louie as louie\n"
            "import coherence\n"
            "x = 'from coherence.base import Coherence'\n"
        )
        self.assertEqual(
            rewriteImports(source),
            "from coherence_lite.compat import msearch, ssdp\r\n"
            "from coherence_lite.compat.base import Coherence\n"
            "    from coherence_lite.compat import __version__\n"
            "import louie as louie\n"
            "import coherence_lite.compat as coherence\n"
            "x = 'from coherence.base import Coherence'\n",
        )

    def test_otherImportsUntouched(self) -> None:
        """
        Imports of other packages, and mixed import lines, are left as
        they are.
        """
        source = "import os, coherence\nfrom twisted.trial import unittest\nimport coherence_lite\n"
        self.assertEqual(rewriteImports(source), source)

    def test_packageImportsGetThePackagesNamesake(self) -> None:
        """
        C{from coherence.upnp import devices} (and Coherence's services'
        C{clients} and C{servers} packages) bind modules standing for those
        packages, whose attributes are the packages' modules: never one of
        compat's private helpers.
        """
        source = "from coherence.upnp import devices\nfrom coherence.upnp.services import clients, servers\n"
        namespace: dict[str, object] = {}
        exec(rewriteImports(source), namespace)
        devices, clients, servers = namespace["devices"], namespace["clients"], namespace["servers"]
        self.assertIs(devices.control_point, importlib.import_module("coherence_lite.compat.control_point"))  # type: ignore[attr-defined]
        self.assertIs(devices.binary_light, importlib.import_module("coherence_lite.compat.binary_light"))  # type: ignore[attr-defined]
        self.assertIs(clients.switch_power_client, importlib.import_module("coherence_lite.compat.switch_power_client"))  # type: ignore[attr-defined]
        self.assertIs(servers.dimming_server, importlib.import_module("coherence_lite.compat.dimming_server"))  # type: ignore[attr-defined]
        self.assertNotIn("_impl", getattr(devices, "__name__"))

    def test_command(self) -> None:
        """
        The command prints a file with its imports rewritten; two
        arguments are a usage error.
        """
        path = self.mktemp()
        with open(path, "w", encoding="utf-8") as f:
            f.write("from coherence.upnp.core.ssdp import SSDPServer\n")
        out, err = io.StringIO(), io.StringIO()
        self.patch(sys, "stdout", out)
        self.patch(sys, "stderr", err)
        self.assertEqual(main([path]), 0)
        self.assertEqual(out.getvalue(), "from coherence_lite.compat.ssdp import SSDPServer\n")
        self.assertEqual(main(["a", "b"]), 2)
        self.assertIn("usage", err.getvalue())

    def test_commandHelpAndBadInput(self) -> None:
        """
        C{--help} prints the usage and succeeds; an unknown option is a
        usage error (2); a file that cannot be read is one line naming it,
        status 1, never a traceback.
        """
        out, err = io.StringIO(), io.StringIO()
        self.patch(sys, "stdout", out)
        self.patch(sys, "stderr", err)
        self.assertEqual(main(["--help"]), 0)
        self.assertIn("usage", out.getvalue())
        self.assertEqual(main(["--frobnicate"]), 2)
        missing = self.mktemp()
        self.assertEqual(main([missing]), 1)
        self.assertEqual(err.getvalue().splitlines()[-1].split(":")[0], missing)
