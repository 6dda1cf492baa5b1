# -*- test-case-name: tests.test_exports -*-
"""
The public API: what a library user imports from C{coherence_lite} and, for
code written against Coherence, from C{coherence_lite.compat}.  These names
are the stable surface; a change to them is a change of this test.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

import coherence_lite
import coherence_lite.compat
import coherence_lite.compat.msearch
import coherence_lite.compat.ssdp

ROOT = Path(__file__).resolve().parent.parent

#: The names C{coherence_lite} exports.
PUBLIC = {
    "__version__",
    "Action",
    "AllowedValueRange",
    "Argument",
    "ConfigError",
    "ControlPoint",
    "SOAPClient",
    "SOAPError",
    "SubscribeError",
    "Subscriber",
    "parseSCPD",
    "Device",
    "ServiceBackend",
    "Dimming",
    "SwitchPower",
    "DeviceFile",
    "Hosted",
    "hosted",
    "UPnPError",
    "action",
    "stateVariable",
    "DeviceError",
    "HostSettings",
    "Icon",
    "Service",
    "StartupError",
    "StateVariable",
    "UPnPDeviceService",
    "buildDocuments",
    "defaultIcons",
    "descriptionPath",
    "loadDevice",
    "makeSite",
}

#: The names C{coherence_lite.compat} exports: Coherence's C{SERVER_ID},
#: signal names and test helper C{wrapped}.
COMPAT = {
    "SERVER_ID",
    "DATAGRAM_RECEIVED",
    "DEVICE_DETECTION_COMPLETED",
    "DEVICE_REMOVED",
    "LOG",
    "NEW_DEVICE",
    "NEW_DEVICE_CALLBACK",
    "REMOVED_DEVICE",
    "REMOVED_DEVICE_CALLBACK",
    "ROOT_DEVICE_DETECTION_COMPLETED",
    "ROOT_DEVICE_REMOVED",
    "wrapped",
}

#: Names the Coherence-shaped modules of compat must keep, as Coherence's
#: C{coherence.upnp.core.ssdp} and C{coherence.upnp.core.msearch} had them.
COHERENCE_MODULES = {
    "coherence_lite.compat.ssdp": {"SSDPServer", "SSDP_PORT", "SSDP_ADDR"},
    "coherence_lite.compat.msearch": {"MSearch"},
}


def loadedBy(statement: str) -> list[str]:
    """
    Run C{statement} in a fresh interpreter and list the reactor, web,
    louie and socket modules it loaded.
    """
    script = (
        "import json, sys\n"
        f"{statement}\n"
        "print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in ('louie', 'socket', '_socket') "
        "or n.startswith(('twisted.internet', 'twisted.web')))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    loaded: list[str] = json.loads(result.stdout)
    return loaded


class PackageExportsTests(SynchronousTestCase):
    """
    C{coherence_lite}'s C{__all__}.
    """

    def test_surfaceIsPinned(self) -> None:
        """
        C{__all__} is exactly the expected set of names, and C{dir()} shows
        them.
        """
        self.assertEqual(set(coherence_lite.__all__), PUBLIC)
        self.assertEqual(len(coherence_lite.__all__), len(PUBLIC))
        self.assertLessEqual(PUBLIC, set(dir(coherence_lite)))

    def test_everyNameResolves(self) -> None:
        """
        Every public name resolves to an object defined in the package, and
        to the same object on each access.
        """
        for name in sorted(PUBLIC - {"__version__"}):
            value = getattr(coherence_lite, name)
            self.assertTrue(value.__module__.startswith("coherence_lite."), name)
            self.assertEqual(value.__name__, name)
            self.assertIs(getattr(coherence_lite, name), value)
        self.assertRegex(coherence_lite.__version__, r"^\d+\.\d+\.\d+")

    def test_starImportGivesThePublicNames(self) -> None:
        """
        C{from coherence_lite import *} binds every public name.
        """
        namespace: dict[str, object] = {}
        exec("from coherence_lite import *", namespace)
        self.assertLessEqual(PUBLIC, set(namespace))

    def test_unknownNamesAreAttributeErrors(self) -> None:
        """
        A name that is not public is an L{AttributeError}, as for any module.
        """
        self.assertRaises(AttributeError, getattr, coherence_lite, "NoSuchThing")
        self.assertFalse(hasattr(coherence_lite, "Stats"))

    def test_importingThePackageLoadsNothingHeavy(self) -> None:
        """
        The names are loaded lazily: importing the package, or the pure
        device model through it, loads no reactor, twisted.web, louie or
        socket module; asking for the device host does.
        """
        self.assertEqual(loadedBy("import coherence_lite"), [])
        self.assertEqual(loadedBy("import coherence_lite.model.device"), [])
        self.assertEqual(loadedBy("from coherence_lite import Device, loadDevice, descriptionPath"), [])
        self.assertIn("twisted.web.server", loadedBy("from coherence_lite import UPnPDeviceService"))


class CompatExportsTests(SynchronousTestCase):
    """
    C{coherence_lite.compat}'s C{__all__} and its Coherence-shaped modules.
    """

    def test_surfaceIsPinned(self) -> None:
        """
        C{coherence_lite.compat.__all__} is exactly the expected set, each
        constant is a string and C{wrapped} is callable.
        """
        self.assertEqual(set(coherence_lite.compat.__all__), COMPAT)
        self.assertEqual(len(coherence_lite.compat.__all__), len(COMPAT))
        for name in COMPAT - {"wrapped"}:
            self.assertIsInstance(getattr(coherence_lite.compat, name), str, name)
        self.assertTrue(callable(coherence_lite.compat.wrapped))

    def test_signalNamesAreCoherences(self) -> None:
        """
        The signal names are those Coherence code connects to.
        """
        self.assertEqual(coherence_lite.compat.NEW_DEVICE, "Coherence.UPnP.SSDP.new_device")
        self.assertEqual(coherence_lite.compat.REMOVED_DEVICE, "Coherence.UPnP.SSDP.removed_device")
        self.assertEqual(coherence_lite.compat.DATAGRAM_RECEIVED, "UPnP.SSDP.datagram_received")
        self.assertEqual(coherence_lite.compat.ROOT_DEVICE_DETECTION_COMPLETED, "Coherence.UPnP.RootDevice.detection_completed")

    def test_coherenceModulesKeepTheirNames(self) -> None:
        """
        The modules named after Coherence's export the names Coherence code
        imports from them, and each resolves.
        """
        for moduleName, names in COHERENCE_MODULES.items():
            module = importlib.import_module(moduleName)
            self.assertLessEqual(names, set(module.__all__), moduleName)
            for name in module.__all__:
                self.assertTrue(hasattr(module, name), f"{moduleName}.{name}")


class DocumentedImportsTests(SynchronousTestCase):
    """
    The README, the guides in C{docs/}, the example C{.tac} file and the
    examples show only the public imports.
    """

    def test_onlyPublicImports(self) -> None:
        """
        Every C{coherence_lite} import they show is from C{coherence_lite}
        itself or from C{coherence_lite.compat} and its modules.
        """
        files = [ROOT / "README.md", ROOT / "upnp-device.tac"]
        files += sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "examples").glob("*.py"))
        private: list[str] = []
        for path in files:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                words = line.replace("`", " ").replace(",", " ").split()
                for index, word in enumerate(words[:-1]):
                    module = words[index + 1]
                    statement = word == "import" or (word == "from" and words[index + 2 : index + 3] == ["import"])
                    if statement and module.startswith("coherence_lite.") and not module.startswith("coherence_lite.compat"):
                        private.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
        self.assertEqual(private, [])
