"""
Runs Cohen3's own test files against coherence-lite with only their imports
changed.

Cohen3 (Coherence's Python 3 continuation) ships its tests in its source
distribution on PyPI.  L{cohen3Sources} downloads that sdist once with pip
(into a cache directory), L{prepare} takes the named test files out of it,
applies L{coherence_lite.compat.imports.rewriteImports} (the one import rule
users apply) and nothing else, and L{runTrial} runs them with trial in a
child process and reports each test's outcome.  No upstream code is kept in
this repository.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

from coherence_lite.compat.imports import rewriteImports
from tests.support.prerequisites import missing

__all__ = ["COHEN3", "cohen3Sources", "prepare", "runTrial"]

#: The Cohen3 release whose tests are run.
COHEN3 = "0.9.3"

#: How long pip may take to download the sdist (seconds).
DOWNLOAD_TIMEOUT = 600

#: How long one trial run of upstream tests may take (seconds).
RUN_TIMEOUT = 300

_REPOSITORY = Path(__file__).resolve().parents[2]
_RESULT = re.compile(r"^(?P<test>[\w.]+) \.\.\. \[(?P<outcome>[A-Z]+)\]\s*$")


def _cacheDirectory() -> Path:
    configured = os.environ.get("COHERENCE_LITE_UPSTREAM_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "coherence-lite" / "upstream"


def cohen3Sources() -> Path:
    """
    The Cohen3 sdist, downloaded with pip on first use.

    @return: the path of C{Cohen3-<COHEN3>.tar.gz}.
    @raise twisted.trial.unittest.SkipTest: pip could not download it
        (outside CI; under CI the test fails instead).
    """
    cache = _cacheDirectory()
    archive = cache / f"Cohen3-{COHEN3}.tar.gz"
    if archive.exists():
        return archive
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--no-binary", "Cohen3", f"Cohen3=={COHEN3}", "--dest", str(cache),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        missing(f"Cohen3 {COHEN3} sdist could not be downloaded with pip: {e}")
    if done.returncode != 0 or not archive.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        missing(f"Cohen3 {COHEN3} sdist could not be downloaded with pip: {' / '.join(tail)}")
    return archive


def prepare(archive: Path, members: dict[str, str], into: Path, package: str) -> None:
    """
    Write upstream test files, imports rewritten, as modules of a package.

    @param members: module name → path inside the sdist (below its top
        directory).
    @param into: the directory the package is created in.
    @param package: the package's name.
    """
    target = into / package
    target.mkdir(parents=True)
    (target / "__init__.py").write_text("")
    with tarfile.open(archive) as sdist:
        top = f"Cohen3-{COHEN3}"
        for module, member in members.items():
            extracted = sdist.extractfile(f"{top}/{member}")
            if extracted is None:
                raise FileNotFoundError(member)
            source = extracted.read().decode("utf-8")
            (target / f"{module}.py").write_text(rewriteImports(source))


def runTrial(into: Path, package: str) -> dict[str, str]:
    """
    Run a package of tests with trial in a child process.

    @param into: the directory holding the package (the child's working
        directory and first path entry).
    @return: C{"module.Class.test"} → trial's outcome word (C{OK},
        C{FAILURE}, C{ERROR}, C{SKIPPED}, ...).
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(into), str(_REPOSITORY)])
    done = subprocess.run(
        [sys.executable, "-m", "twisted.trial", "--reporter=bwverbose", package],
        cwd=into,
        env=environment,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    outcomes: dict[str, str] = {}
    for line in done.stdout.splitlines():
        result = _RESULT.match(line)
        if result is not None and result["test"].startswith(package + "."):
            outcomes[result["test"][len(package) + 1 :]] = result["outcome"]
    if not outcomes:
        raise AssertionError(f"trial ran nothing:\n{done.stdout}\n{done.stderr}")
    return outcomes
