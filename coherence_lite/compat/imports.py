# -*- test-case-name: tests.compat.test_imports -*-
"""
The one import rule that moves Coherence code to coherence-lite, as a
function and a command.

Each Coherence module has a namesake under C{coherence_lite.compat} named
after the last part of its dotted path, and every Coherence package maps to
C{coherence_lite.compat} itself::

    coherence.base                      → coherence_lite.compat.base
    coherence.upnp.core.ssdp            → coherence_lite.compat.ssdp
    coherence.upnp.devices.control_point → coherence_lite.compat.control_point
    coherence.backends.light            → coherence_lite.compat.light
    coherence, coherence.upnp.core, ... → coherence_lite.compat
    coherence.extern.louie              → louie

so C{from coherence.upnp.core import ssdp} becomes C{from
coherence_lite.compat import ssdp}.  Only C{import} and C{from ... import}
statements change; nothing else in the file does.

    python -m coherence_lite.compat.imports old.py > new.py
"""

from __future__ import annotations

import re
import sys

__all__ = ["COHERENCE_PACKAGES", "translateModule", "rewriteImports", "main"]

#: Coherence's packages (directories with an C{__init__.py}): each maps to
#: C{coherence_lite.compat} itself.
COHERENCE_PACKAGES = frozenset(
    (
        "coherence",
        "coherence.backends",
        "coherence.extern",
        "coherence.test",
        "coherence.upnp",
        "coherence.upnp.core",
        "coherence.upnp.devices",
        "coherence.upnp.services",
        "coherence.upnp.services.clients",
        "coherence.upnp.services.servers",
    )
)

_TARGET = "coherence_lite.compat"

_FROM = re.compile(r"^(?P<indent>\s*)from\s+(?P<module>coherence(?:\.\w+)*)(?P<rest>\s+import\b.*)$")
_IMPORT = re.compile(r"^(?P<indent>\s*)import\s+(?P<names>coherence(?:\.\w+)*(?:\s+as\s+\w+)?(?:\s*,.*)?)$")


def translateModule(name: str) -> str:
    """
    The coherence-lite module that stands for the Coherence module or
    package C{name}.

    @param name: a dotted name starting with C{coherence}.
    @return: C{louie} for Coherence's louie, C{coherence_lite.compat} for a
        package, C{coherence_lite.compat.<last part>} for a module; any
        other name unchanged.
    """
    if name == "coherence.extern.louie":
        return "louie"
    if name in COHERENCE_PACKAGES:
        return _TARGET
    if name.startswith("coherence."):
        return f"{_TARGET}.{name.rsplit('.', 1)[1]}"
    return name


def _importClause(clause: str) -> str:
    parts = clause.strip().split()
    module = translateModule(parts[0])
    if len(parts) == 3 and parts[1] == "as":
        return f"{module} as {parts[2]}"
    if parts[0] == "coherence":
        # "import coherence" then "coherence.__version__".
        return f"{module} as coherence"
    return module


def _rewriteLine(line: str) -> str:
    match = _FROM.match(line)
    if match is not None:
        return f"{match['indent']}from {translateModule(match['module'])}{match['rest']}"
    match = _IMPORT.match(line)
    if match is not None:
        clauses = match["names"].split(",")
        if all(clause.strip().split()[0].split(".")[0] == "coherence" for clause in clauses):
            return f"{match['indent']}import " + ", ".join(_importClause(clause) for clause in clauses)
    return line


def rewriteImports(source: str) -> str:
    """
    Apply the import rule to the import statements of a Python source.

    @param source: the text of a module written against Coherence.
    @return: the same text with each C{import coherence...} and C{from
        coherence... import} line rewritten; every other line unchanged.
    """
    return "".join(_rewriteLine(line.rstrip("\r\n")) + line[len(line.rstrip("\r\n")) :] for line in source.splitlines(True))


def main(argv: list[str] | None = None) -> int:
    """
    Print a file with its imports rewritten (C{-} or nothing reads stdin).

    @return: the exit status.
    """
    args = sys.argv[1:] if argv is None else argv
    usage = "usage: python -m coherence_lite.compat.imports [FILE]  (prints FILE, or stdin, with its imports rewritten)\n"
    if args in (["-h"], ["--help"]):
        sys.stdout.write(usage)
        return 0
    if len(args) > 1 or (args and args[0].startswith("-") and args[0] != "-"):
        sys.stderr.write(usage)
        return 2
    if not args or args[0] == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(args[0], encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            sys.stderr.write(f"{args[0]}: cannot read it: {e}\n")
            return 1
    sys.stdout.write(rewriteImports(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
