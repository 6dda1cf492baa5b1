# -*- test-case-name: tests.system.test_compat_upstream -*-
"""
Cohen3's own tests of Coherence's API, run against L{coherence_lite.compat}
with only their imports changed (see L{tests.support.upstream}).

Each test below names every upstream test and the outcome it must have; the
few that must fail encode a Coherence behaviour coherence-lite fixed on
purpose, and C{docs/migrating-from-coherence.md} gives the reason for each.
"""

from __future__ import annotations

import difflib
import tarfile
import tempfile
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.support.upstream import COHEN3, cohen3Sources, prepare, runTrial

#: Module name → the file in Cohen3's sdist.
MEMBERS = {
    "test_ssdp": "tests/upnp/core/test_ssdp.py",
    "test_msearch": "tests/upnp/core/test_msearch.py",
    "test_uuid": "tests/upnp/core/test_uuid.py",
    "test_base": "tests/test_base.py",
}

#: What each upstream test must do here.
EXPECTED = {
    "test_ssdp.TestSSDP.test_ssdp_notify": "OK",
    "test_ssdp.TestSSDP.test_ssdp_notify_does_not_send_reply": "OK",
    "test_ssdp.TestSSDP.test_ssdp_notify_updates_timestamp": "OK",
    # Both announce a USN heard from another host: spoofing, refused here.
    "test_ssdp.TestSSDP.test_doNotify": "FAILURE",
    "test_ssdp.TestSSDP.test_doByebye": "FAILURE",
    "test_msearch.TestMSearch.test_msearch_request": "OK",
    "test_msearch.TestMSearch.test_msearch_request_does_not_send_reply": "OK",
    "test_msearch.TestMSearch.test_msearch_request_updates_timestamp": "OK",
    "test_msearch.TestMSearch.test_discover": "OK",
    "test_uuid.TestUUID.test_UUID_str": "OK",
    "test_uuid.TestUUID.test_UUID_repr": "OK",
    "test_base.TestCoherence.test_singleton": "OK",
}

_PACKAGE = "cohen3_upstream"


class Cohen3TestsTests(SynchronousTestCase):
    """
    Cohen3's SSDP, MSearch, UUID and Coherence-singleton tests pass here
    with only their imports changed, except the two that announce another
    host's USN.
    """

    _outcomes: dict[str, str] | None = None

    def outcomes(self) -> dict[str, str]:
        """
        Run the upstream tests once for the whole class.
        """
        if Cohen3TestsTests._outcomes is None:
            archive = cohen3Sources()
            with tempfile.TemporaryDirectory(prefix="cl-upstream-") as directory:
                prepare(archive, MEMBERS, Path(directory), _PACKAGE)
                Cohen3TestsTests._outcomes = runTrial(Path(directory), _PACKAGE)
        return Cohen3TestsTests._outcomes

    def test_everyUpstreamTestHasItsExpectedOutcome(self) -> None:
        """
        Every test in the four upstream files ran, and each passed or
        failed exactly as listed in L{EXPECTED}.
        """
        self.assertEqual(self.outcomes(), EXPECTED)

    def test_onlyImportLinesChange(self) -> None:
        """
        The files run differ from Cohen3's only in C{import} lines.
        """
        archive = cohen3Sources()
        with tempfile.TemporaryDirectory(prefix="cl-upstream-") as directory:
            prepare(archive, MEMBERS, Path(directory), _PACKAGE)
            with tarfile.open(archive) as sdist:
                for module, member in MEMBERS.items():
                    extracted = sdist.extractfile(f"Cohen3-{COHEN3}/{member}")
                    assert extracted is not None
                    original = extracted.read().decode("utf-8").splitlines()
                    rewritten = (Path(directory) / _PACKAGE / f"{module}.py").read_text().splitlines()
                    changed = [
                        line[1:].strip()
                        for line in difflib.unified_diff(original, rewritten, lineterm="", n=0)
                        if line[:1] in "+-" and not line.startswith(("+++", "---"))
                    ]
                    self.assertTrue(changed, module)
                    for line in changed:
                        self.assertRegex(line, r"^(from|import) ", module)
