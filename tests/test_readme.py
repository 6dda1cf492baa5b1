# -*- test-case-name: tests.test_readme -*-
"""
Tests that the README and the guides in C{docs/} stay true: the quick start
works as a new user types it and is what CI runs, commands use options the
tools have, device files and Python snippets load and run, links and named
files exist, the architecture map names every module, and news fragments
are named as towncrier reads them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from twisted.python import usage
from twisted.trial.unittest import SynchronousTestCase

from tests.support.prerequisites import missing

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Every document a user reads: the README, the guides and the changelog.
DOCUMENTS = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", ROOT / "NEWS.md", *sorted((ROOT / "docs").glob("*.md"))]
}

#: The news fragment types, as C{pyproject.toml} declares them to towncrier.
FRAGMENT_TYPES = ("feature", "bugfix", "removal", "doc", "misc")


def section(title: str, text: str = README) -> str:
    """
    The text of one C{##} section of a document (the README by default).
    """
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 3)
    return text[start : end if end != -1 else len(text)]


def blocks(language: str, text: str) -> list[str]:
    """
    The fenced code blocks of C{language} in C{text}.
    """
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def codeLines(text: str) -> list[str]:
    """
    The lines of the shell code blocks in C{text}, comments removed.
    """
    lines = []
    for block in blocks("sh", text):
        lines.extend(line.split("#", 1)[0].strip() for line in block.splitlines())
    return [line for line in lines if line]


def allCodeLines() -> Iterator[tuple[str, str]]:
    """
    Every shell line of every document, with the document's name.
    """
    for name, text in DOCUMENTS.items():
        for line in codeLines(text):
            yield name, line


def optionNames(options: usage.Options) -> tuple[set[str], set[str]]:
    """
    The long and short option names an L{usage.Options} accepts.
    """
    return {name.rstrip("=") for name in options.longOpt}, set(options.shortOpt.replace(":", ""))


def unknownOptions(words: list[str], options: usage.Options) -> list[str]:
    """
    The options among C{words} (a command line after its command) that
    C{options} does not have.
    """
    longNames, shortNames = optionNames(options)
    unknown = []
    for word in words:
        if word.startswith("--") and len(word) > 2:
            if word[2:].split("=", 1)[0] not in longNames:
                unknown.append(word)
        elif re.fullmatch(r"-[A-Za-z]", word) and word[1] not in shortNames:
            unknown.append(word)
    return unknown


class QuickStartTests(SynchronousTestCase):
    """
    The quick start, line by line.
    """

    def test_venvIsActivatedBeforeAnyCommandFromIt(self) -> None:
        """
        The venv is activated before pip, twistd, coherence-lite or python
        run, so they are the venv's.
        """
        lines = codeLines(section("Quick start"))
        activate = lines.index(". .venv/bin/activate")
        for index, line in enumerate(lines):
            if re.match(r"(pip|twistd|coherence-lite|python) ", line):
                self.assertGreater(index, activate, line)

    def test_ciRunsTheReadmesTestCommand(self) -> None:
        """
        C{.ci/run} runs the quick start's whole-suite command verbatim, in
        its fresh virtual environment.
        """
        [command] = [line for line in codeLines(section("Quick start")) if line.endswith("twisted.trial tests")]
        self.assertEqual(command, "python -m twisted.trial tests")
        ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        self.assertIn(f".venv/bin/{command}\n", ci)

    def test_fastLoopRunsEveryFolderButTheSystemTests(self) -> None:
        """
        The quick start's fast loop names every test folder that mirrors a
        package folder, and not the slow C{tests/system/}, so a new folder
        is never left out of it.
        """
        [command] = [line for line in codeLines(section("Quick start")) if "twisted.trial tests." in line]
        named = {word for word in command.split() if word.startswith("tests.")}
        folders = {
            f"tests.{path.parent.name}"
            for path in (ROOT / "tests").glob("*/__init__.py")
            if path.parent.name not in ("system", "support")
        }
        self.assertEqual(named, folders)

    def test_readmeIsShort(self) -> None:
        """
        The README stays an introduction of at most 10 KB; the manual is in
        C{docs/}.
        """
        self.assertLessEqual(len(README.encode("utf-8")), 10 * 1024)


class CommandTests(SynchronousTestCase):
    """
    The commands every document shows.
    """

    def test_twistdsNoDaemonFlagComesBeforeTheCommand(self) -> None:
        """
        Every C{twistd} example puts C{-n} before C{upnp-device}.
        """
        for name, line in allCodeLines():
            if "upnp-device" in line and "twistd" in line:
                after = line.split("upnp-device", 1)[1].split()
                self.assertNotIn("-n", after, f"{name}: {line}")

    def test_twistdExamplesUseOptionsTheDaemonHas(self) -> None:
        """
        The options given to C{twistd upnp-device} are options of
        L{coherence_lite.tap.Options}.
        """
        from coherence_lite.tap import Options

        seen = 0
        for name, line in allCodeLines():
            if re.search(r"twistd\b.*\bupnp-device\b", line):
                seen += 1
                words = shlex.split(line.split("upnp-device", 1)[1].split("&")[0])
                self.assertEqual(unknownOptions(words, Options()), [], f"{name}: {line}")
        self.assertGreater(seen, 10)

    def test_everyDaemonOptionIsInATable(self) -> None:
        """
        The option tables of C{docs/usage.md} and C{docs/security.md} list
        every option of C{twistd upnp-device} (but C{--help}), and nothing
        else.
        """
        from coherence_lite.tap import Options

        text = DOCUMENTS["docs/usage.md"] + DOCUMENTS["docs/security.md"]
        documented = set(re.findall(r"^\| (?:`-\w`, )?`--([a-z0-9-]+)", text, re.M))
        longNames, _ = optionNames(Options())
        self.assertEqual(documented, longNames - {"help"})

    def test_coherenceLiteExamplesUseItsCommandsAndOptions(self) -> None:
        """
        Every C{coherence-lite} example names one of its commands and only
        options that command has.
        """
        from coherence_lite.cli.main import Options

        commands = {name: options for name, _, options, _ in Options.subCommands}
        seen = set()
        for name, line in allCodeLines():
            words = shlex.split(line.split("&")[0].replace("<", "'<").replace(">", ">'"))
            for index, word in enumerate(words):
                if index and words[index - 2 : index - 1] != ["exec"]:
                    continue  # an argument (systemctl reload coherence-lite), not the command
                if word.rsplit("/", 1)[-1] == "coherence-lite":
                    arguments = words[index + 1 :]
                elif words[index : index + 3] == ["python", "-m", "coherence_lite"]:
                    arguments = words[index + 3 :]
                else:
                    continue
                self.assertIn(arguments[0], commands, f"{name}: {line}")
                seen.add(arguments[0])
                self.assertEqual(unknownOptions(arguments[1:], commands[arguments[0]]()), [], f"{name}: {line}")
        self.assertEqual(seen, set(commands))


class SnippetTests(SynchronousTestCase):
    """
    The device files and Python code the documents show.
    """

    def test_deviceFileExamplesLoad(self) -> None:
        """
        Every TOML block that is a whole device file (it starts with
        C{[device]}) loads as a valid device; the icon files it names are
        stand-ins.
        """
        from coherence_lite import loadDevice

        loaded = []
        for name, text in DOCUMENTS.items():
            for index, block in enumerate(blocks("toml", text)):
                if not block.startswith("[device]"):
                    continue
                folder = Path(self.mktemp())
                folder.mkdir(parents=True)
                for icon in re.findall(r'^file = "([\w.-]+\.png)"', block, re.M):
                    shutil.copy(ROOT / "coherence_lite" / "data" / "icon-48.png", folder / icon)
                path = folder / f"example-{index}.toml"
                path.write_text(block, encoding="utf-8")
                device = loadDevice(path)
                loaded.append((name, device.device.friendlyName))
        self.assertIn(("README.md", "Porch light"), loaded)
        self.assertIn(("docs/device-files.md", "Porch light"), loaded)

    def test_pythonSnippetsCompile(self) -> None:
        """
        Every Python block of every document is valid Python.
        """
        count = 0
        for name, text in DOCUMENTS.items():
            for block in blocks("python", text):
                compile(block, name, "exec")
                count += 1
        self.assertGreaterEqual(count, 3)

    def runSnippet(self, document: str, index: int) -> dict[str, object]:
        """
        Run one Python block of a document from the checkout's root, as a
        user would, and give its names.
        """
        namespace: dict[str, object] = {"__name__": "snippet"}
        here = os.getcwd()
        os.chdir(ROOT)
        try:
            exec(compile(blocks("python", DOCUMENTS[document])[index], document, "exec"), namespace)
        finally:
            os.chdir(here)
        return namespace

    def test_readmeServiceRuns(self) -> None:
        """
        The README's Python service builds a host that runs the light's
        own runtime, and setting its C{Status} is checked and kept.
        """
        from coherence_lite import UPnPDeviceService

        names = self.runSnippet("README.md", 0)
        host, light = names["host"], names["light"]
        self.assertIsInstance(host, UPnPDeviceService)
        runtimes = getattr(host, "runtimes").byService
        self.assertIs(runtimes[(getattr(names["device"], "UDN"), "SwitchPower")], getattr(light, "runtime"))
        setattr(light, "Status", True)
        self.assertIs(getattr(light, "Status"), True)
        self.assertRaises(Exception, setattr, light, "Status", "maybe")

    def test_librarySnippetsRun(self) -> None:
        """
        The library guide's hosting example builds a host parented to its
        application, and its service example's light is on.
        """
        from twisted.application.service import IServiceCollection

        hosting = self.runSnippet("docs/library.md", 0)
        self.assertIn(hosting["service"], list(IServiceCollection(hosting["application"])))
        service = self.runSnippet("docs/library.md", 1)
        self.assertIs(getattr(service["light"], "Status"), True)


class LinkTests(SynchronousTestCase):
    """
    Paths and links the documents name.
    """

    def test_noPathOutsideTheCheckout(self) -> None:
        """
        No document names a file outside the repository (such as the
        development tree's ../shared).
        """
        for name, text in DOCUMENTS.items():
            self.assertNotIn("../", text, name)

    def test_namedRepositoryFilesExist(self) -> None:
        """
        Every repository path in backquotes exists (paths in other
        projects, such as Cohen3's tests, are named after the project).
        """
        folders = "contrib|docs|examples|tests|bench|newsfragments|coherence_lite|twisted"
        pattern = rf"(?<!Cohen3 )`((?:{folders})/[\w./-]+)`"  # Cohen3's own test files are not ours
        for name, text in DOCUMENTS.items():
            for path in set(re.findall(pattern, text)):
                if not path.endswith("/"):
                    self.assertTrue((ROOT / path).exists(), f"{name}: {path}")

    def test_linksLeadSomewhere(self) -> None:
        """
        Every relative link leads to a file of the repository, and every
        C{#anchor} to a heading of its target.
        """
        for name, text in DOCUMENTS.items():
            for target in re.findall(r"\]\(([^)\s]+)\)", text):
                if re.match(r"https?://", target):
                    continue
                path, _, anchor = target.partition("#")
                document = (ROOT / name).parent / path if path else ROOT / name
                self.assertTrue(document.exists(), f"{name}: {target}")
                if anchor:
                    self.assertIn(anchor, anchors(document.read_text(encoding="utf-8")), f"{name}: {target}")


def anchors(text: str) -> set[str]:
    """
    The anchors a Markdown renderer gives the headings of C{text}: lower
    case, punctuation dropped, spaces made hyphens.
    """
    found = set()
    for heading in re.findall(r"^#+ (.*)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
        found.add(slug.replace(" ", "-"))
    return found


class ArchitectureTests(SynchronousTestCase):
    """
    C{docs/architecture.md}'s map of the package.
    """

    def test_everyModuleIsOnTheMap(self) -> None:
        """
        Every package folder has a row in the tree's table, and every
        module is named in its folder's row (top-level modules by file
        name), so a new module cannot go unmapped.
        """
        text = DOCUMENTS["docs/architecture.md"]
        rows = {match.group(1): match.group(0) for match in re.finditer(r"^\| `([\w/.,` ]+?)` \|.*$", text, re.M)}
        package = ROOT / "coherence_lite"
        missingNames = []
        for path in sorted(package.rglob("*.py")):
            relative = path.relative_to(package)
            if relative.name == "__init__.py" and relative.parent != Path("."):
                continue
            if relative.parent == Path("."):
                if f"`{relative.name}`" not in text:
                    missingNames.append(str(relative))
                continue
            row = rows.get(f"{relative.parent.as_posix()}/")
            if row is None:
                missingNames.append(f"{relative.parent.as_posix()}/")
            elif f"`{path.stem}`" not in row:
                missingNames.append(str(relative))
        self.assertEqual(sorted(set(missingNames)), [])

    def test_namedPackageModulesExist(self) -> None:
        """
        Every C{folder/module.py} the map names in backquotes exists in the
        package.
        """
        text = DOCUMENTS["docs/architecture.md"]
        folders = {path.name for path in (ROOT / "coherence_lite").iterdir() if path.is_dir()}
        for path in set(re.findall(r"`([\w]+/[\w/]+\.py)`", text)):
            if path.split("/", 1)[0] in folders:
                self.assertTrue((ROOT / "coherence_lite" / path).exists(), path)


class NewsFragmentTests(SynchronousTestCase):
    """
    The news fragments towncrier gathers into C{NEWS.md}.
    """

    def test_fragmentTypesAreTowncriersTypes(self) -> None:
        """
        The fragment types this test allows are the ones C{pyproject.toml}
        declares.
        """
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["towncrier"]
        self.assertEqual(tuple(kind["directory"] for kind in config["type"]), FRAGMENT_TYPES)
        self.assertEqual((config["directory"], config["filename"]), ("newsfragments", "NEWS.md"))
        self.assertIn(config["start_string"].strip(), DOCUMENTS["NEWS.md"])

    def test_fragmentsAreNamedAndWritten(self) -> None:
        """
        Every fragment is C{<issue>.<type>[.<n>].md} or
        C{+<name>.<type>[.<n>].md} and holds some text.
        """
        kinds = "|".join(FRAGMENT_TYPES)
        fragments = [path for path in (ROOT / "newsfragments").iterdir() if path.name != "README.md"]
        for path in fragments:
            self.assertRegex(path.name, rf"^(\d+|\+[\w-]+)\.({kinds})(\.\d+)?\.md$")
            self.assertTrue(path.read_text(encoding="utf-8").strip(), path.name)


class UpnpClientTests(SynchronousTestCase):
    """
    The async-upnp-client examples.
    """

    def test_searchExampleUsesOptionsUpnpClientHas(self) -> None:
        """
        The C{upnp-client ... search} example uses options C{upnp-client
        search --help} lists, and no C{--target} (an address) given a search
        target.
        """
        tool = shutil.which("upnp-client", path=str(Path(sys.executable).parent))
        if tool is None:
            missing("upnp-client is missing (pip install '.[test]' brings async-upnp-client)")
        [line] = [
            line
            for text in DOCUMENTS.values()
            for line in text.splitlines()
            if re.search(r"upnp-client .*\bsearch\b", line)
        ]
        command = line.strip(" -`").split("`")[0].split()
        self.assertNotRegex(line, r"--target (upnp|ssdp|urn|uuid):")
        helpText = subprocess.run([tool, "search", "--help"], capture_output=True, text=True, timeout=60).stdout
        for option in (word for word in command[command.index("search") + 1 :] if word.startswith("--")):
            self.assertIn(option, helpText)
