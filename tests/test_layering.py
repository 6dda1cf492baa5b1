"""
The package's layering rules (../shared/DESIGN.md), checked mechanically:

  - the import contract, read from the source with type-only
    (C{TYPE_CHECKING}) imports counted: each folder imports only what
    L{MAY_IMPORT} lists for it, no module imports itself back through
    others (no circles), the client side (control point, checker, command
    line) never imports the device host, and nothing outside C{compat}
    imports C{compat};

  - pure modules (everything under C{model/}, every C{message.py}, the SSDP
    parser and formatter, the advertisement set, the remote-description
    parser) load no reactor, no twisted.web, no louie and no socket module,
    even through a package C{__init__};
  - C{tap.py} imports the host package, the command line's options and
    checks and the MediaServer's option readers only (and the leaves), and
    the plugin only C{tap};
  - louie is imported by C{compat/signals.py} alone, and the core packages
    never send signals: only C{compat} (the edge) imports
    C{coherence_lite.compat.signals}.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.support.imports import Edge, circles, externalImporters, importEdges

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coherence_lite"

#: Modules that are pure besides everything under model/ and every message.py.
EXTRA_PURE = (
    "coherence_lite.identity",
    "coherence_lite.ssdp.parse",
    "coherence_lite.ssdp.format",
    "coherence_lite.ssdp.advertisement",
    "coherence_lite.controlpoint.description",
    "coherence_lite.controlpoint.remote",
    "coherence_lite.controlpoint.scpd",
    "coherence_lite.controlpoint.reply",
    "coherence_lite.controlpoint.gena",
    "coherence_lite.controlpoint.xmlread",
    "coherence_lite.conformance.findings",
    "coherence_lite.conformance.ssdp_rules",
    "coherence_lite.conformance.description_rules",
    "coherence_lite.conformance.control_rules",
    "coherence_lite.conformance.eventing_rules",
    "coherence_lite.conformance.media_rules",
    "coherence_lite.conformance.didl_rules",
    "coherence_lite.conformance.report",
    "coherence_lite.controlpoint.targets",
    "coherence_lite.cli.report",
    "coherence_lite.media.didl",
    "coherence_lite.media.search",
    "coherence_lite.media.dlna",
    "coherence_lite.media.mpegaudio",
    "coherence_lite.media.ranges",
)

#: What a pure module must never load: the reactor, twisted.web, louie and
#: socket code (the stdlib's and ours).
FORBIDDEN = ("twisted.internet", "twisted.web", "louie", "socket", "_socket", "coherence_lite.ssdp.transport")

#: The packages whose objects call each other directly and never send a
#: louie signal (signals are sent at the edge: compat).
CORE = (
    "model", "ssdp", "http", "host", "net", "controlpoint", "control", "eventing", "backend", "conformance",
    "profiles", "panel", "cli", "media",
)

#: The leaf modules every part may import.
LEAVES = frozenset(("_version", "_reactor", "errors", "identity", "stats", "logbudget", "_files"))

#: What the client side may import below itself.
_CLIENT = frozenset(("ssdp", "control.message", "eventing.message", "http", "model", "net")) | LEAVES

#: What each part of the package may import besides itself (DESIGN.md's
#: "may import" column): a folder, a top-level module, or one module
#: (C{control.message}).  A part may always import its own modules.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "_version": frozenset(),
    "_reactor": frozenset(),
    "errors": frozenset(),
    "_files": frozenset(),
    "identity": frozenset(("_version",)),
    "stats": frozenset(("_version",)),
    "logbudget": frozenset(("_version",)),
    "model": LEAVES,
    "net": LEAVES,
    "http": frozenset(("model",)) | LEAVES,
    "backend": frozenset(("model",)) | LEAVES,
    "ssdp": frozenset(("model", "net")) | LEAVES,
    "control": frozenset(("model", "backend", "http")) | LEAVES,
    "eventing": frozenset(("model", "backend", "http", "net")) | LEAVES,
    "profiles": frozenset(("model", "backend")) | LEAVES,
    "media": frozenset(("model", "backend", "http", "profiles")) | LEAVES,
    "panel": frozenset(("model", "backend", "http", "control")) | LEAVES,
    "host": frozenset(("model", "net", "ssdp", "http", "backend", "control", "eventing", "profiles", "media", "panel")) | LEAVES,
    "controlpoint": _CLIENT,
    "conformance": frozenset(("controlpoint",)) | _CLIENT,
    "cli": frozenset(("controlpoint", "conformance")) | _CLIENT,
    "compat": frozenset(
        (
            "model", "net", "ssdp", "http", "backend", "control", "eventing", "profiles", "panel", "media", "host",
            "controlpoint",
        )
    )
    | LEAVES,
    "tap": frozenset(("host", "cli.options", "cli.checks", "media.request", "media.coherenceconfig")) | LEAVES,
    "__main__": frozenset(("cli",)),
}

#: What the package's own C{__init__} may import outside C{TYPE_CHECKING}
#: (it loads its public names lazily).
ROOT_MAY_IMPORT = frozenset(("_version",))


def part(module: str) -> str:
    """
    The part of the package a module belongs to: its folder, or the
    top-level module's own name (C{""} for the package itself).
    """
    return module.split(".")[1] if "." in module else ""


def allowed(edge: Edge) -> bool:
    """
    Whether the contract allows C{edge}.
    """
    source, target = part(edge.source), edge.target.removeprefix("coherence_lite.")
    if source == "":
        return edge.typeOnly or target in ROOT_MAY_IMPORT
    if part(edge.target) == source:
        return True
    return any(target == each or target.startswith(each + ".") for each in MAY_IMPORT.get(source, ()))


def violations(root: Path = ROOT) -> list[str]:
    """
    Every import the contract forbids, as C{file:line: source -> target}.
    """
    return [
        f"{edge.source}:{edge.line}: imports {edge.target}" + (" (type only)" if edge.typeOnly else "")
        for edge in importEdges(root)
        if not allowed(edge)
    ]


def moduleName(path: Path) -> str:
    """
    The dotted name of a module file below the project root.
    """
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def pureModules() -> list[str]:
    """
    Every module the layering rules call pure that exists today.
    """
    found = {moduleName(path) for path in (PACKAGE / "model").rglob("*.py")}
    found |= {moduleName(path) for path in PACKAGE.rglob("message.py")}
    found |= {name for name in EXTRA_PURE if (ROOT / (name.replace(".", "/") + ".py")).exists()}
    return sorted(found)


def forbiddenLoadedBy(module: str) -> list[str]:
    """
    Import C{module} alone in a fresh interpreter and list the forbidden
    modules that got loaded.
    """
    script = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        f"forbidden = {FORBIDDEN!r}\n"
        "print(json.dumps(sorted(n for n in sys.modules "
        "if any(n == f or n.startswith(f + '.') for f in forbidden))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"importing {module} failed:\n{result.stderr}")
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def importsOf(path: Path) -> set[str]:
    """
    The modules a source file imports (absolute names; C{from X import Y}
    gives both C{X} and C{X.Y}, since Y may be a module).
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def ours(names: set[str]) -> set[str]:
    """
    The names of C{names} that are coherence-lite modules.
    """
    return {name for name in names if name == "coherence_lite" or name.startswith("coherence_lite.")}


class PureModuleTests(SynchronousTestCase):
    """
    Pure modules stay pure.
    """

    def test_thereArePureModulesToCheck(self) -> None:
        """
        The rule covers the model, the SSDP wire format and every
        C{message.py}: the list is not empty by a path mistake.
        """
        modules = pureModules()
        self.assertIn("coherence_lite.model.device", modules)
        self.assertIn("coherence_lite.ssdp.message", modules)
        self.assertGreaterEqual(len(modules), 8)

    def test_pureModulesLoadNoReactorWebLouieOrSockets(self) -> None:
        """
        Each pure module, imported alone in a fresh interpreter, loads
        nothing from twisted.internet, twisted.web, louie, socket or the
        SSDP transport.
        """
        leaks = {module: loaded for module in pureModules() if (loaded := forbiddenLoadedBy(module))}
        self.assertEqual(leaks, {})

    def test_theCheckSeesALeak(self) -> None:
        """
        The check is not blind: the SSDP transport, which is socket code,
        is reported as loading C{socket}.
        """
        self.assertIn("socket", forbiddenLoadedBy("coherence_lite.ssdp.transport"))


class WiringTests(SynchronousTestCase):
    """
    The twistd plugin and C{tap.py} only wire.
    """

    def test_tapImportsTheHostPackageAndTheOptionsOnly(self) -> None:
        """
        C{tap.py} takes everything it builds from C{coherence_lite.host},
        its options and start-up checks from the command-line package, the
        readers of the MediaServer's option values (C{--media}, Coherence's
        C{--plugin} and config files) from the media package, and the
        errors it catches from the leaves.
        """
        imported = ours(importsOf(PACKAGE / "tap.py"))
        allowed = (
            "coherence_lite.host", "coherence_lite.cli.options", "coherence_lite.cli.checks",
            "coherence_lite.media.request", "coherence_lite.media.coherenceconfig", "coherence_lite.errors",
        )
        outside = {name for name in imported if not name.startswith(allowed)}
        self.assertEqual(outside, set())
        self.assertTrue(imported)

    def test_pluginImportsTapOnly(self) -> None:
        """
        The plugin file points twistd at C{coherence_lite.tap} and imports
        nothing else of ours.
        """
        plugin = ROOT / "twisted" / "plugins" / "coherence_lite_upnp.py"
        self.assertEqual(ours(importsOf(plugin)), set())
        self.assertIn('"coherence_lite.tap"', plugin.read_text(encoding="utf-8"))


class SignalTests(SynchronousTestCase):
    """
    Louie signals are the edge's business.
    """

    def sources(self) -> list[Path]:
        """
        Every module of the package.
        """
        return sorted(PACKAGE.rglob("*.py"))

    def test_onlySignalsImportsLouie(self) -> None:
        """
        C{coherence_lite/compat/signals.py} is the one module that imports
        louie.
        """
        importers = [
            path.relative_to(ROOT).as_posix()
            for path in self.sources()
            if any(name == "louie" or name.startswith("louie.") for name in importsOf(path))
        ]
        self.assertEqual(importers, ["coherence_lite/compat/signals.py"])

    def test_coreNeverSendsSignals(self) -> None:
        """
        No module of the core packages imports C{coherence_lite.compat.signals}:
        core objects tell observers, and compat turns that into signals.
        """
        senders = [
            path.relative_to(ROOT).as_posix()
            for path in self.sources()
            if path.relative_to(PACKAGE).parts[0] in CORE
            and any(name.startswith("coherence_lite.compat.signals") for name in importsOf(path))
        ]
        self.assertEqual(senders, [])


class ImportContractTests(SynchronousTestCase):
    """
    DESIGN.md's "may import" column, no circles, and the edges that must
    never exist, read from the source with type-only imports counted.
    """

    def test_everyPartHasARule(self) -> None:
        """
        Every folder and top-level module of the package has a line in
        L{MAY_IMPORT}: a new one is a decision, not an accident.
        """
        parts = {part(edge.source) for edge in importEdges(ROOT)} | {part(edge.target) for edge in importEdges(ROOT)}
        parts |= {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir() if path.suffix == ".py" or (path / "__init__.py").exists()}
        parts -= {"", "__init__"}
        self.assertEqual(sorted(parts - set(MAY_IMPORT)), [])

    def test_eachPartImportsOnlyWhatItMay(self) -> None:
        """
        No module imports outside its part's "may import" list, type-only
        imports included; the package file imports only C{_version} at
        run time.
        """
        self.assertEqual(violations(), [])

    def test_noCircles(self) -> None:
        """
        No module imports itself back through others, type-only imports
        included.
        """
        self.assertEqual(circles(importEdges(ROOT)), [])

    def test_clientSideNeverImportsTheHost(self) -> None:
        """
        The control point, the checker and the command line never import
        the device host (nor the panel, profiles, media or backends it
        runs).
        """
        host = ("host", "panel", "profiles", "backend", "media")
        found = [
            f"{edge.source} -> {edge.target}"
            for edge in importEdges(ROOT)
            if part(edge.source) in ("controlpoint", "conformance", "cli") and part(edge.target) in host
        ]
        self.assertEqual(found, [])

    def test_nothingInTheCoreImportsCompat(self) -> None:
        """
        Only compat imports compat: the core never depends on the
        Coherence façade.
        """
        found = [
            f"{edge.source} -> {edge.target}"
            for edge in importEdges(ROOT)
            if part(edge.target) == "compat" and part(edge.source) != "compat"
        ]
        self.assertEqual(found, [])

    def test_louieOnlyInCompat(self) -> None:
        """
        Only modules of compat import louie.
        """
        self.assertEqual([name for name in externalImporters(ROOT, "louie") if part(name) != "compat"], [])

    def test_theContractSeesTypeOnlyImports(self) -> None:
        """
        The reader is not blind to C{TYPE_CHECKING} imports: the package
        file's type-only imports of the host are seen, and marked so.
        """
        edges = [edge for edge in importEdges(ROOT) if edge.source == "coherence_lite"]
        self.assertIn(("coherence_lite.host.service", True), {(edge.target, edge.typeOnly) for edge in edges})
